// Structural validation of phase lists and ids.
#include "scheduler/catalogue.h"

namespace ptrack {

PhaseKind KindOf(const Phase& phase) {
  if (phase.kind != PhaseKind::kUnspecified) return phase.kind;
  return phase.weeks == 0 ? PhaseKind::kMaintenance : PhaseKind::kProgression;
}

bool ClimbsLadders(const Phase& phase) {
  return phase.climb_ladders.value_or(KindOf(phase) == PhaseKind::kProgression);
}

bool IsValidId(const std::string& id) {
  if (id.empty() || id.size() > 63 || id[0] == '-') return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

void ValidatePhases(const std::vector<Phase>& phases, const ExerciseExists& exists,
                    const std::string& field, Violations& out) {
  if (phases.empty()) {
    out.Add(field, "at least one phase is required");
    return;
  }
  int expected_start = 1;
  for (size_t i = 0; i < phases.size(); ++i) {
    const Phase& p = phases[i];
    const std::string f = field + "[" + std::to_string(i) + "]";
    if (p.number != static_cast<int>(i) + 1) out.Add(f + ".number", "phases are numbered 1..n");
    if (p.start_week != expected_start) {
      out.Add(f + ".start_week",
              "must be " + std::to_string(expected_start) + " (phases are contiguous from week 1)");
    }
    const bool last = i + 1 == phases.size();
    if (p.weeks < 0 || p.weeks > 104) out.Add(f + ".weeks", "must be 0..104");
    if (p.weeks == 0 && !last) out.Add(f + ".weeks", "only the last phase may be open-ended");
    if (p.kind == PhaseKind::kMaintenance && p.weeks != 0) {
      out.Add(f + ".kind", "a maintenance phase is open-ended (weeks 0)");
    } else if (p.weeks == 0 && p.kind != PhaseKind::kUnspecified &&
               p.kind != PhaseKind::kMaintenance) {
      out.Add(f + ".kind", "an open-ended phase is home maintenance");
    }
    if (p.sign_off_required && p.weeks == 0) {
      out.Add(f + ".sign_off_required", "an open-ended phase has no gate to sign off");
    }
    if (!p.outcome_gate.empty() && p.weeks == 0) {
      out.Add(f + ".outcome_gate", "an open-ended phase has no gate");
    }
    if (p.sessions_per_week < 1 || p.sessions_per_week > 7) {
      out.Add(f + ".sessions_per_week", "must be 1..7");
    }
    if (p.display_name.empty() || p.display_name.size() > 100) {
      out.Add(f + ".display_name", "1..100 characters");
    }
    if (p.prescriptions.empty() || p.prescriptions.size() > 30) {
      out.Add(f + ".prescriptions", "1..30 prescriptions");
    }
    for (size_t j = 0; j < p.prescriptions.size(); ++j) {
      const Prescription& rx = p.prescriptions[j];
      const std::string rf = f + ".prescriptions[" + std::to_string(j) + "]";
      if (!exists(rx.exercise_id)) out.Add(rf + ".exercise", "unknown exercise");
      for (size_t other = 0; other < j; ++other) {
        if (p.prescriptions[other].exercise_id == rx.exercise_id) {
          out.Add(rf + ".exercise", "prescribed twice in this phase");
        }
      }
      if (rx.dose_steps.empty() || rx.dose_steps.size() > 52) {
        out.Add(rf + ".dose_steps", "1..52 dose steps");
      }
      for (size_t k = 0; k < rx.dose_steps.size(); ++k) {
        ValidateDose(rx.dose_steps[k], rf + ".dose_steps[" + std::to_string(k) + "]", out);
      }
    }
    expected_start = p.start_week + p.weeks;
  }
}

}  // namespace ptrack
