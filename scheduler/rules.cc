// Validation of progression-rule parameters.
#include "scheduler/rules.h"

#include <algorithm>

namespace ptrack {

void ValidateRules(const ProgressionRules& r, const std::string& f, Violations& out) {
  auto range = [&](const char* name, double v, double lo, double hi) {
    if (!(v >= lo && v <= hi)) {
      out.Add(f + "." + name, "must be " + std::to_string(lo) + ".." + std::to_string(hi));
    }
  };
  range("pain_safe_max", r.pain_safe_max, 0, 10);
  range("pain_acceptable_max", r.pain_acceptable_max, r.pain_safe_max, 10);
  range("effort_progress_max", r.effort_progress_max, 0, 10);
  range("adherence_gate", r.adherence_gate, 0.01, 1);
  range("sessions_at_target", r.sessions_at_target, 1, 7);
  range("hold_step_seconds", r.hold_step_seconds, 1, 60);
  range("hold_max_seconds", r.hold_max_seconds, 1, 600);
  range("reps_step", r.reps_step, 1, 20);
  range("reps_range_min", r.reps_range_min, 1, 100);
  range("reps_range_max", r.reps_range_max, r.reps_range_min, 100);
  range("load_increase_fraction", r.load_increase_fraction, 0.01, 0.5);
  range("load_rounding_kg", r.load_rounding_kg, 0.01, 10);
  range("pyramid_step", r.pyramid_step, 1, 10);
  range("sets_max", r.sets_max, 1, 20);
  range("inactivity_days", r.inactivity_days, 1, 60);
  range("reevaluation_after_weeks", r.reevaluation_after_weeks, 1, 52);
  range("reevaluation_min_drop_points", r.reevaluation_min_drop_points, 0, 10);
  range("reevaluation_min_drop_fraction", r.reevaluation_min_drop_fraction, 0, 1);
  range("phase_max_extension_weeks", r.phase_max_extension_weeks, 0, 52);
  range("boost_phase", r.boost_phase, 1, 20);
  range("maintenance_pain_return", r.maintenance_pain_return, 0, 10);
  if (r.band_order.empty()) out.Add(f + ".band_order", "list the band colours, easier first");
  if (r.band_order.size() > 20) out.Add(f + ".band_order", "at most 20 colours");
  for (const std::string& band : r.band_order) {
    const bool printable = std::none_of(
        band.begin(), band.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
    if (band.empty() || band.size() > 32 || !printable) {
      out.Add(f + ".band_order", "each colour is 1..32 printable characters");
      break;
    }
  }
}

}  // namespace ptrack
