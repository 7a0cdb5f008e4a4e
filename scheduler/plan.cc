// Plan computation: phase and dose step by program week, with change explanations derived by
// comparing against the same weekday one week earlier (itself planned from its own revision).
#include "scheduler/plan.h"

#include <algorithm>

#include "scheduler/calendar.h"

namespace ptrack {
namespace {

// The bare plan without explanations.
PlanDay PlanWithoutWhy(const Program& program, LocalDate day) {
  PlanDay plan;
  plan.date = day;
  plan.program_week = ProgramWeek(program.start_date, day);
  const ProgramRevision& rev = RevisionInEffect(program, day);
  plan.revision = rev.revision;
  const Phase* phase = PhaseForWeek(rev.phases, plan.program_week);
  if (phase == nullptr) return plan;
  plan.phase_number = phase->number;
  plan.phase_name = phase->display_name;
  plan.training_day =
      IsTrainingDay(phase->sessions_per_week, DayOfProgramWeek(program.start_date, day));
  const int week_in_phase = plan.program_week - phase->start_week + 1;
  for (const Prescription& rx : phase->prescriptions) {
    PlannedExercise e;
    e.exercise_id = rx.exercise_id;
    e.dose = DoseForWeek(rx, week_in_phase, &e.dose_step);
    plan.exercises.push_back(std::move(e));
  }
  return plan;
}

}  // namespace

const Dose& DoseForWeek(const Prescription& rx, int week_in_phase, int* step) {
  const size_t index =
      std::min(static_cast<size_t>(week_in_phase - 1), rx.dose_steps.size() - 1);
  if (step != nullptr) *step = static_cast<int>(index) + 1;
  return rx.dose_steps[index];
}

PlanDay PlanFor(const Program& program, LocalDate day) {
  PlanDay plan = PlanWithoutWhy(program, day);
  if (plan.program_week < 2 || plan.phase_number == 0) return plan;
  const PlanDay before = PlanWithoutWhy(program, day - date::days{7});
  const ProgramRevision& rev = RevisionInEffect(program, day);
  for (PlannedExercise& e : plan.exercises) {
    auto prev = std::find_if(before.exercises.begin(), before.exercises.end(),
                             [&](const PlannedExercise& p) { return p.exercise_id == e.exercise_id; });
    if (prev != before.exercises.end() && prev->dose == e.dose) continue;
    if (before.revision != plan.revision) {
      e.why = "Changed by your therapist (revision " + std::to_string(rev.revision) + ", from " +
              FormatIsoDate(rev.effective_date) + ")";
      if (!rev.reason.empty()) e.why += ": " + rev.reason;
    } else if (before.phase_number != plan.phase_number) {
      e.why = "New phase: " + plan.phase_name;
      if (prev != before.exercises.end()) {
        e.why += " (was " + DescribeDose(prev->dose) + ")";
      }
    } else if (prev == before.exercises.end()) {
      e.why = "New this week";
    } else {
      e.why = "Scheduled progression: step " + std::to_string(e.dose_step) + " of week " +
              std::to_string(plan.program_week) + " (was " + DescribeDose(prev->dose) + ")";
    }
  }
  return plan;
}

}  // namespace ptrack
