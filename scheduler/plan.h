// The plan: what a program prescribes on one local date — the week, the phase, whether it is a
// training day, and each exercise's dose with a plain-language "why" when the dose differs from
// the same day one week earlier. Pure: same program and date, same plan.
#pragma once

#include <string>
#include <vector>

#include "scheduler/program.h"

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
  bool training_day = false;
  int revision = 0;
  // The phase's prescriptions, in protocol order, on training days and rest days alike (a client
  // may show "rest day" with what comes next); clients do exercises only when training_day.
  std::vector<PlannedExercise> exercises;
};

// Plans `day` for `program`.
PlanDay PlanFor(const Program& program, LocalDate day);

// The dose a prescription gives in 1-based week `week_in_phase`, and its 1-based step.
// REQUIRES: !rx.dose_steps.empty(), week_in_phase >= 1.
const Dose& DoseForWeek(const Prescription& rx, int week_in_phase, int* step);

}  // namespace ptrack
