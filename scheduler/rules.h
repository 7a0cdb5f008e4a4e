// The progression rules' parameters (CLINICAL.md §3–§5). Every value comes from data
// (data/rules/progression.json, overridable per program revision by the therapist); the
// zero-initialised struct is never a usable default, and Validate rejects it.
#pragma once

#include <string>
#include <vector>

#include "scheduler/status.h"

namespace ptrack {

struct ProgressionRules {
  // Pain-monitoring model, 0–10: <= safe_max safe, <= acceptable_max acceptable, above: not.
  int pain_safe_max = 0;
  int pain_acceptable_max = 0;
  // Effort (Borg CR10): progress only when the week's highest effort is <= this.
  int effort_progress_max = 0;
  // Adherence gate: progress only when done / prescribed >= this fraction (0..1].
  double adherence_gate = 0;
  // Sessions in the week that must reach the full prescribed dose before progressing.
  int sessions_at_target = 0;
  // Lever steps when the protocol has no further dose step.
  int hold_step_seconds = 0;
  int hold_max_seconds = 0;
  int reps_step = 0;
  int reps_range_min = 0;  // double progression: back to this after a load/band increase
  int reps_range_max = 0;
  double load_increase_fraction = 0;  // e.g. 0.05 = +5 %
  double load_rounding_kg = 0;        // round new loads to this (e.g. 0.5)
  int pyramid_step = 0;               // added to every pyramid set
  int sets_max = 0;
  std::vector<std::string> band_order;  // easier -> harder
  // Flags.
  int inactivity_days = 0;           // flag after this many days without a session
  int reevaluation_after_weeks = 0;  // check improvement after this many program weeks
  int reevaluation_min_drop_points = 0;
  double reevaluation_min_drop_fraction = 0;
  int phase_max_extension_weeks = 0;  // flag when a phase gate keeps failing this long
  int boost_phase = 0;                // the phase a maintenance "boost" returns to
  int maintenance_pain_return = 0;    // pain at or above this in maintenance suggests a boost

  bool operator==(const ProgressionRules&) const = default;
};

// Every numeric field of ProgressionRules, for codecs that must list them all (X-macro:
// X(name) once per field). band_order is not numeric and is handled by each codec.
#define PTRACK_RULE_FIELDS(X)                                                                   \
  X(pain_safe_max)                                                                              \
  X(pain_acceptable_max)                                                                        \
  X(effort_progress_max) X(adherence_gate) X(sessions_at_target) X(hold_step_seconds)           \
      X(hold_max_seconds) X(reps_step) X(reps_range_min) X(reps_range_max)                      \
          X(load_increase_fraction) X(load_rounding_kg) X(pyramid_step) X(sets_max)             \
              X(inactivity_days) X(reevaluation_after_weeks) X(reevaluation_min_drop_points)    \
                  X(reevaluation_min_drop_fraction) X(phase_max_extension_weeks) X(boost_phase) \
                      X(maintenance_pain_return)

// Checks ranges and internal consistency, reporting under `field` ("rules").
void ValidateRules(const ProgressionRules& rules, const std::string& field, Violations& out);

}  // namespace ptrack
