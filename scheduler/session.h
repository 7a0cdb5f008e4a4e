// Sessions — what a patient reports for one workout — and the per-day facts derived from them
// (sessions done, exercises done, max pain), which storage maintains in the same transaction
// as the session so that reports never rescan history.
#pragma once

#include <string>
#include <vector>

#include "scheduler/dose.h"
#include "scheduler/time.h"

namespace ptrack {

struct ExerciseLog {
  std::string exercise_id;
  int sets = 0;  // 0 = skipped
  int reps = 0;
  int hold_seconds = 0;
  double load_kg = 0;
  std::string band;
  Side side = Side::kUnspecified;
  int pain = -1;  // pain during this exercise, 0..10; -1 when not reported
  // A pyramid done step by step: the reps of each set in order ("6-4-2" = {6, 4, 2}); empty for
  // any other dose. INVARIANT (validated): empty or exactly `sets` entries.
  std::vector<int> pyramid_reps;
  bool operator==(const ExerciseLog&) const = default;
};

struct Session {
  std::string id;  // client-generated UUID, lower-case; unique forever
  std::string patient_id;
  std::string program_id;  // derived by the server: the patient's active program
  Instant perform_time{};
  LocalDate local_date{};  // derived: perform_time's day in the patient's zone at logging time
  Instant receive_time{};  // derived: when the server first stored it
  int pain_before = 0;     // 0..10
  int pain_after = 0;      // 0..10
  int effort = 0;          // Borg CR10 0..10
  std::vector<ExerciseLog> exercises;
  std::string notes;
  // Ids of the red-flag checklist items answered "yes" (data/catalogue/red_flags.json); any one
  // suspends the program (CLINICAL.md §4).
  std::vector<std::string> red_flags;
};

// Pain reported the morning after a session (the 24-hour response, CLINICAL.md §3).
struct PainFollowUp {
  std::string session_id;
  int pain = 0;        // 0..10
  Instant received{};  // when the server stored it (the epoch when unknown: counts as on time)
};

// True when two sessions carry the same client-supplied payload (patient, perform time, pains,
// effort, exercises, notes). Derived fields (program, local date, receive time) are ignored: a
// retry that arrives days later is still the same session.
bool SamePayload(const Session& a, const Session& b);

// True when `log` reaches `dose`: at least its sets, reps, hold and load, and its band when both
// name one (a log without a band did not report it). For a pyramid dose, a log with steps must
// reach every step's reps; one without steps but with reps must reach the largest step with them
// (3 x 2 is not 6-4-2); one with neither (written before steps existed) is judged on sets.
bool AtFullDose(const ExerciseLog& log, const Dose& dose);

// Facts for one patient and local day.
struct DailyFacts {
  LocalDate date{};
  int sessions_done = 0;
  int exercises_done = 0;  // exercise logs with at least one set
  int max_pain = -1;       // highest pain reported that day; -1 when nothing was logged
  bool operator==(const DailyFacts&) const = default;
};

// `facts` with `session` added. REQUIRES: facts.date == session.local_date.
DailyFacts Accumulate(DailyFacts facts, const Session& session);

}  // namespace ptrack
