// Evaluates a patient's active program for the service: gathers its history from the store
// (sessions, next-morning pain, therapist actions), the catalogue, and the patient's "today",
// replays it with the progression engine (scheduler/progression.h), and keeps the stored
// decisions in step with the result. Every read of a plan, adherence, decisions or flags goes
// through here, so they all see the same evaluation. For an active program it also keeps the
// patient's derived report row (scheduler/summary.h) current and stores the alerts it raises,
// waking alert watchers; evaluations of one patient are serialized so that an older evaluation
// never overwrites a newer row.
#pragma once

#include <map>
#include <string>

#include "engine/catalogue_snapshot.h"
#include "engine/deps.h"
#include "scheduler/progression.h"

namespace ptrack {

struct Evaluated {
  Program program;  // with the default rules filled in where a revision recorded none
  Timeline timeline;
  LocalDate today{};  // in the patient's zone
  Zone zone = nullptr;
  CatalogueSnapshot catalogue;  // every exercise the evaluation could use
};

// Gives every revision that recorded no valid rules (one stored before rules existed) `defaults`.
void FillDefaultRules(Program& program, const ProgressionRules& defaults);

class ProgressRunner {
 public:
  explicit ProgressRunner(EngineDeps deps) : deps_(deps) {}

  // Evaluates `program` (which must be the patient's) through today in the patient's zone.
  // Errors: FAILED_PRECONDITION (the patient's zone is unknown); storage errors.
  Result<Evaluated> Run(const Patient& patient, Program program);
  // The same for the patient's active program; FAILED_PRECONDITION when there is none.
  Result<Evaluated> RunActive(const Patient& patient);
  // RunActive for its effect on the report row, after a write that changes what it shows; OK
  // when the patient has no active program.
  Status Refresh(const Patient& patient);

 private:
  // Summarizes an evaluated active program and stores the row (and new alerts) when it changed.
  Status KeepSummary(const Patient& patient, const Evaluated& evaluated,
                     const ProgramHistory& history);

  EngineDeps deps_;
};

}  // namespace ptrack
