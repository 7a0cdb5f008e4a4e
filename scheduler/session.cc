// Session payload equality (the idempotency rule) and daily-fact accumulation.
#include "scheduler/session.h"

#include <algorithm>

namespace ptrack {

bool AtFullDose(const ExerciseLog& l, const Dose& d) {
  const int sets = d.pyramid_reps.empty() ? d.sets : static_cast<int>(d.pyramid_reps.size());
  if (l.sets < sets) return false;
  if (d.pyramid_reps.empty() && d.reps > 0 && l.reps < d.reps) return false;
  if (!d.pyramid_reps.empty()) {
    if (!l.pyramid_reps.empty()) {
      if (l.pyramid_reps.size() < d.pyramid_reps.size()) return false;
      for (size_t i = 0; i < d.pyramid_reps.size(); ++i) {
        if (l.pyramid_reps[i] < d.pyramid_reps[i]) return false;
      }
    } else if (l.reps > 0 &&
               l.reps < *std::max_element(d.pyramid_reps.begin(), d.pyramid_reps.end())) {
      return false;
    }
  }
  if (d.hold_seconds > 0 && l.hold_seconds < d.hold_seconds) return false;
  if (d.load_kg > 0 && l.load_kg + 1e-9 < d.load_kg) return false;
  if (!d.band.empty() && !l.band.empty() && l.band != d.band) return false;  // empty: not reported
  return true;
}

bool SamePayload(const Session& a, const Session& b) {
  return a.id == b.id && a.patient_id == b.patient_id && a.perform_time == b.perform_time &&
         a.pain_before == b.pain_before && a.pain_after == b.pain_after && a.effort == b.effort &&
         a.exercises == b.exercises && a.notes == b.notes && a.red_flags == b.red_flags;
}

DailyFacts Accumulate(DailyFacts facts, const Session& session) {
  facts.sessions_done += 1;
  facts.exercises_done +=
      static_cast<int>(std::count_if(session.exercises.begin(), session.exercises.end(),
                                     [](const ExerciseLog& e) { return e.sets > 0; }));
  facts.max_pain = std::max({facts.max_pain, session.pain_before, session.pain_after});
  return facts;
}

}  // namespace ptrack
