// What every service class is given: the store, the clock, credentials, the access gate, the
// alert hub, the alert watchdog and the executor that runs handler bodies.
// Collaborators are passed in (never global) so tests can build services over a temporary
// database and a fake clock.
#pragma once

#include <chrono>

#include "service/access.h"
#include "service/alert_hub.h"
#include "service/alert_watchdog.h"
#include "service/call_executor.h"
#include "service/clinical_defaults.h"
#include "service/clock.h"
#include "service/credentials.h"
#include "service/refresh_queue.h"
#include "service/security_policy.h"
#include "storage/store.h"

namespace ptrack {

// Request-validation windows and limits that are operational, not clinical.
struct ServiceOptions {
  SecurityPolicy security;
  // A session may be logged at most this long after it was performed (phones sync late)...
  std::chrono::hours max_session_age{24 * 90};
  // ...and at most this far in the future (client clock skew).
  std::chrono::minutes max_clock_skew{10};
  // Bounds on WatchAlerts streams: per user, per clinic, in total, write stall, token re-check.
  WatchOptions watches;
};

struct Deps {
  Store& store;
  const Clock& clock;
  Credentials& credentials;
  Gate& gate;
  const ServiceOptions& options;
  const ClinicalDefaults& clinical;
  AlertHub& alerts;
  AlertWatchdog& watches;  // admits WatchAlerts streams and ends stalled or revoked ones
  RefreshQueue& refresh;   // patients whose report row the summary worker must re-derive
  CallExecutor& executor;  // runs handler bodies off gRPC's reaction threads (call.h ServeAsync)
};

// The zone of a stored patient. A zone the tz database no longer knows is the server's problem,
// not the request's: FAILED_PRECONDITION, with no field violation.
inline Result<Zone> PatientZone(const Patient& patient) {
  auto zone = LocateZone(patient.time_zone, "patient.time_zone");
  if (!zone.ok()) {
    return Status::FailedPrecondition(
        "the patient's time zone is not in this server's tz database");
  }
  return zone;
}

// Whether a catalogue entry (Exercise or Protocol) is visible to a clinic: shipped, or its own.
template <typename Entry>
bool VisibleTo(const Entry& entry, const std::string& clinic_id) {
  return entry.clinic_id.empty() || entry.clinic_id == clinic_id;
}

// The resource name of the caller, recorded as the author of changes.
inline std::string ActorName(const Principal& who) {
  if (who.role == Role::kTherapist) return names::Therapist(who.clinic_id, who.subject_id);
  if (who.role == Role::kPatient) return names::Patient(who.clinic_id, who.subject_id);
  return "users/" + who.username;
}

}  // namespace ptrack
