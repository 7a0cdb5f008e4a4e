// Plan computation: phase and dose step by program week, with change explanations derived by
// comparing against the same weekday one week earlier (itself planned from its own revision).
#include "scheduler/plan.h"

#include <algorithm>
#include <optional>

#include "scheduler/calendar.h"

namespace ptrack {
namespace {

// The bare plan of `day` under revision `rev`, without explanations.
PlanDay PlanUnder(const Program& program, const ProgramRevision& rev, LocalDate day) {
  PlanDay plan;
  plan.date = day;
  plan.program_week = ProgramWeek(program.start_date, day);
  plan.revision = rev.revision;
  const Phase* phase = PhaseForWeek(rev.phases, plan.program_week);
  if (phase == nullptr) return plan;
  plan.phase_number = phase->number;
  plan.phase_name = phase->display_name;
  plan.paused = PausedOn(program, day);
  plan.training_day = !plan.paused && IsTrainingDay(phase->sessions_per_week,
                                                    DayOfProgramWeek(program.start_date, day));
  const int week_in_phase = plan.program_week - phase->start_week + 1;
  for (const Prescription& rx : phase->prescriptions) {
    PlannedExercise e;
    e.exercise_id = rx.exercise_id;
    e.dose = DoseForWeek(rx, week_in_phase, &e.dose_step);
    plan.exercises.push_back(std::move(e));
  }
  return plan;
}

PlanDay PlanWithoutWhy(const Program& program, LocalDate day) {
  return PlanUnder(program, RevisionInEffect(program, day), day);
}

const PlannedExercise* Find(const PlanDay& plan, const std::string& exercise_id) {
  for (const PlannedExercise& e : plan.exercises) {
    if (e.exercise_id == exercise_id) return &e;
  }
  return nullptr;
}

}  // namespace

const Dose& DoseForWeek(const Prescription& rx, int week_in_phase, int* step) {
  const size_t index = std::min(static_cast<size_t>(week_in_phase - 1), rx.dose_steps.size() - 1);
  if (step != nullptr) *step = static_cast<int>(index) + 1;
  return rx.dose_steps[index];
}

PlanDay PlanFor(const Program& program, LocalDate day) {
  PlanDay plan = PlanWithoutWhy(program, day);
  if (plan.program_week < 2 || plan.phase_number == 0) return plan;
  const PlanDay before = PlanWithoutWhy(program, day - date::days{7});
  const ProgramRevision& rev = RevisionInEffect(program, day);
  // When the revision changed since last week: what the previous revision would prescribe
  // today, so that only doses the new revision itself changed are called the therapist's.
  std::optional<PlanDay> old_rev_today;
  if (before.revision != plan.revision) {
    for (const ProgramRevision& r : program.revisions) {
      if (r.revision == before.revision) old_rev_today = PlanUnder(program, r, day);
    }
  }
  for (PlannedExercise& e : plan.exercises) {
    const PlannedExercise* prev = Find(before, e.exercise_id);
    if (prev != nullptr && prev->dose == e.dose) continue;
    const PlannedExercise* old = old_rev_today ? Find(*old_rev_today, e.exercise_id) : nullptr;
    if (old_rev_today && (old == nullptr || old->dose != e.dose)) {
      e.why = "Changed by your therapist (revision " + std::to_string(rev.revision) + ", from " +
              FormatIsoDate(rev.effective_date) + ")";
      if (!rev.reason.empty()) e.why += ": " + rev.reason;
    } else if (before.phase_number != plan.phase_number) {
      e.why = "New phase: " + plan.phase_name;
      if (prev != nullptr) e.why += " (was " + DescribeDose(prev->dose) + ")";
    } else if (prev == nullptr) {
      e.why = "New this week";
    } else {
      e.why = "Scheduled progression: step " + std::to_string(e.dose_step) + " of the phase (was " +
              DescribeDose(prev->dose) + ")";
    }
  }
  return plan;
}

PlanDay PlanFor(const Program& program, const Timeline& timeline, LocalDate day) {
  PlanDay plan;
  plan.date = day;
  plan.program_week = ProgramWeek(program.start_date, day);
  const ProgressState& state = timeline.StateOn(day);
  plan.revision = state.revision;
  const ProgramRevision* rev = &program.revisions.front();
  for (const ProgramRevision& r : program.revisions) {
    if (r.revision == state.revision) rev = &r;
  }
  const Phase* phase = nullptr;
  for (const Phase& p : rev->phases) {
    if (p.number == state.phase_number) phase = &p;
  }
  if (plan.program_week == 0 || phase == nullptr) return plan;
  plan.phase_number = phase->number;
  plan.phase_name = phase->display_name;
  if (state.suspended) {
    plan.suspended = true;
    plan.stop_reason = state.suspended_reason;
    return plan;
  }
  plan.paused = PausedOn(program, day);
  plan.training_day = !plan.paused && IsTrainingDay(phase->sessions_per_week,
                                                    DayOfProgramWeek(program.start_date, day));
  for (const CurrentPrescription& cp : state.prescriptions) {
    PlannedExercise e;
    e.exercise_id = cp.exercise_id;
    e.dose = cp.dose;
    e.dose_step = cp.step;
    if (cp.changed_on <= day && day - cp.changed_on < date::days{7}) e.why = cp.why;
    plan.exercises.push_back(std::move(e));
  }
  return plan;
}

}  // namespace ptrack
