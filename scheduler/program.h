// A patient's program — a protocol copied at assignment, started on a local date — and its
// revisions. History is never overwritten: every change is a new revision with an effective
// date; the plan for any date uses the revision in effect on that date.
#pragma once

#include <string>
#include <vector>

#include "scheduler/catalogue.h"
#include "scheduler/rules.h"
#include "scheduler/time.h"

namespace ptrack {

enum class ProgramState { kUnspecified, kActive, kEnded };

struct ProgramRevision {
  int revision = 1;            // 1-based, consecutive per program
  LocalDate effective_date{};  // in effect from this local date on
  std::string reason;
  std::string author;  // resource name of who made the change
  Instant create_time{};
  std::vector<Phase> phases;
  ProgressionRules rules;  // copied from data at assignment; the therapist may override
};

struct Program {
  std::string id;
  std::string patient_id;
  std::string protocol_id;
  LocalDate start_date{};
  ProgramState state = ProgramState::kActive;
  Instant create_time{};
  // All revisions, ordered by revision number. INVARIANT: non-empty; revisions[0].revision == 1.
  std::vector<ProgramRevision> revisions;

  const ProgramRevision& latest() const { return revisions.back(); }
};

// The revision in effect on `day`: the highest-numbered revision whose effective_date <= day
// (each revision is built on the previous one); revision 1 for days before every effective date.
// REQUIRES: !program.revisions.empty().
const ProgramRevision& RevisionInEffect(const Program& program, LocalDate day);

}  // namespace ptrack
