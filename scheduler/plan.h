// The plan: what a program prescribes on one local date — the week, the phase, whether it is a
// training day, and each exercise's dose with a plain-language "why" when the dose differs from
// the same day one week earlier. Pure: same program and date, same plan.
#pragma once

#include <string>
#include <vector>

#include "scheduler/program.h"
#include "scheduler/progression.h"

namespace ptrack {

struct PlannedExercise {
  std::string exercise_id;
  Dose dose;
  int dose_step = 1;  // 1-based
  std::string why;    // empty when nothing changed since last week
};

struct PlanDay {
  LocalDate date{};
  int program_week = 0;  // 0 before the start
  int phase_number = 0;  // 0 before the start or after a finite last phase
  std::string phase_name;
  bool training_day = false;  // false on a paused day
  bool paused = false;        // a pause covers the day (Program::pauses)
  int revision = 0;
  bool suspended = false;  // an open red flag: no exercises, show stop_reason
  std::string stop_reason;
  // The phase's prescriptions, in protocol order, on training days and rest days alike (a client
  // may show "rest day" with what comes next); clients do exercises only when training_day.
  std::vector<PlannedExercise> exercises;
};

// Plans `day` for `program` as the protocol writes it: dose step by week of the phase, phase by
// program week. The adaptive plan (below) is what patients are given; this is the schedule.
PlanDay PlanFor(const Program& program, LocalDate day);

// Plans `day` from an evaluated timeline (progression.h): the phase and doses the patient has
// earned, "why" for a dose changed in the last 7 days, and suspension by an open red flag.
PlanDay PlanFor(const Program& program, const Timeline& timeline, LocalDate day);

// The dose a prescription gives in 1-based week `week_in_phase`, and its 1-based step.
// REQUIRES: !rx.dose_steps.empty(), week_in_phase >= 1.
const Dose& DoseForWeek(const Prescription& rx, int week_in_phase, int* step);

}  // namespace ptrack
