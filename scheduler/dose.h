// A dose: how much of an exercise, in which shape (sets x reps, holds, pyramids) with which
// modifiers (load, band, side, rest). Time-based holds are first-class. Plain value type.
#pragma once

#include <string>
#include <vector>

#include "scheduler/status.h"

namespace ptrack {

enum class Side { kUnspecified, kBoth, kEach, kLeft, kRight };

struct Dose {
  int sets = 0;
  int reps = 0;                   // per set; 0 for time-only holds
  int hold_seconds = 0;           // per rep, or per set when reps == 0
  std::vector<int> pyramid_reps;  // reps per set; when non-empty, sets == its size
  double load_kg = 0;             // 0 = body weight
  std::string band;               // band colour, empty when none
  Side side = Side::kUnspecified;
  int rest_seconds = 0;

  bool operator==(const Dose&) const = default;
};

// Checks the shape and sanity bounds documented in proto/ptrack/v1/dose.proto, reporting
// violations under `field` (e.g. "program.phases[0].prescriptions[1].dose_steps[0]").
// The bounds are input sanity limits, not clinical defaults.
void ValidateDose(const Dose& dose, const std::string& field, Violations& out);

// "3 x 10 reps, hold 5 s, 2 kg, each side" — for plans and explanations.
std::string DescribeDose(const Dose& dose);

const char* SideName(Side side);  // "both", "each", "left", "right", "" for unspecified

}  // namespace ptrack
