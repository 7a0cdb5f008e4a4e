// A patient's program — a protocol copied at assignment, started on a local date — its
// revisions, its pauses, and how it ended (a discharge). History is never overwritten: every change
// is a new revision with an effective date; the plan for any date uses the revision in effect on
// that date. A discharged program stays readable; the patient may be given a new one.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scheduler/catalogue.h"
#include "scheduler/rules.h"
#include "scheduler/time.h"

namespace ptrack {

enum class ProgramState { kUnspecified, kActive, kEnded };

// Why a program ended (an episode of care's outcome, exported as FHIR CarePlan.status).
enum class DischargeReason { kUnspecified, kCompleted, kGoalsMet, kReferredOn, kDroppedOut };

// A pause (holiday, illness): from `start` to `end` inclusive (patient's zone) nothing is
// prescribed, no inactivity is flagged, adherence does not count and the doses and phase stand
// still. Recorded from today on, never backdated; ending it early (a resume) only moves `end`
// earlier, to the day before the resume (`end` < `start`: cancelled before it began).
struct Pause {
  std::string id;  // client UUID
  LocalDate start{};
  std::optional<LocalDate> end;  // the last paused day; nullopt: until resumed
  std::string reason;
  std::string author;
  Instant create_time{};
  bool operator==(const Pause&) const = default;
  bool Covers(LocalDate day) const { return day >= start && (!end || day <= *end); }
};

// The end of an episode of care. `date` is the program's last day in the patient's zone: nothing
// is prescribed, flagged or counted after it. Recorded once, never changed.
struct Discharge {
  LocalDate date{};
  DischargeReason reason = DischargeReason::kUnspecified;
  std::string note;    // the therapist's discharge note
  std::string author;  // resource name of who discharged
  Instant create_time{};
  bool operator==(const Discharge&) const = default;
};

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
  // Set when the program was discharged (then state == kEnded). Programs ended before discharges
  // were recorded have none.
  std::optional<Discharge> discharge;
  std::vector<Pause> pauses;  // ordered by start; INVARIANT: they never overlap

  const ProgramRevision& latest() const { return revisions.back(); }
};

// The revision in effect on `day`: the highest-numbered revision whose effective_date <= day
// (each revision is built on the previous one); revision 1 for days before every effective date.
// REQUIRES: !program.revisions.empty().
const ProgramRevision& RevisionInEffect(const Program& program, LocalDate day);

// True when a pause of `program` covers `day`.
bool PausedOn(const Program& program, LocalDate day);

}  // namespace ptrack
