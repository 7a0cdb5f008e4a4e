// What every service class is given: the engine's collaborators (engine/deps.h: the store, the
// clock, the clinical defaults, the alert hub and the summary worker's queue) plus the service's
// own: credentials, the access gate, the request options, the alert watchdog and the executor that runs handler bodies. A Deps is an
// EngineDeps, so a service hands it to the engine's classes as it is.
// Collaborators are passed in (never global) so tests can build services over a temporary
// database and a fake clock.
#pragma once

#include <chrono>

#include "engine/deps.h"
#include "service/access.h"
#include "service/alert_watchdog.h"
#include "service/call_executor.h"
#include "service/credentials.h"
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

// The engine's part (store, clock, clinical, alerts, refresh) comes first, as the base.
struct Deps : EngineDeps {
  Credentials& credentials;
  Gate& gate;
  const ServiceOptions& options;
  AlertWatchdog& watches;  // admits WatchAlerts streams and ends stalled or revoked ones
  CallExecutor& executor;  // runs handler bodies off gRPC's reaction threads (call.h ServeAsync)
};

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
