// What the engine's classes are given: the store, the clock, the clinical defaults, the alert hub
// (woken when an evaluation stores alerts) and the summary worker's queue. Only what evaluation
// and its background workers need: nothing about callers, tokens, access or request limits
// (those are the service's, in service/deps.h, whose Deps is an EngineDeps plus them).
// Collaborators are passed in (never global) so tests can build the engine over a temporary
// database and a fake clock. Also PatientZone, the zone every evaluation of a patient runs in.
#pragma once

#include "engine/alert_hub.h"
#include "engine/clinical_defaults.h"
#include "engine/clock.h"
#include "engine/evaluation_cache.h"
#include "engine/refresh_queue.h"
#include "scheduler/time.h"
#include "storage/store.h"

namespace ptrack {

struct EngineDeps {
  Store& store;
  const Clock& clock;
  const ClinicalDefaults& clinical;
  AlertHub& alerts;              // woken after an evaluation stores new alerts
  RefreshQueue& refresh;         // patients whose report row the summary worker must re-derive
  EvaluationCache& evaluations;  // the latest evaluation of each patient, shared by all runners
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

}  // namespace ptrack
