// Dose validation and the human-readable dose description.
#include "scheduler/dose.h"

#include <cmath>
#include <cstdio>

namespace ptrack {

void ValidateDose(const Dose& d, const std::string& field, Violations& out) {
  if (!d.pyramid_reps.empty()) {
    if (d.pyramid_reps.size() > 10) out.Add(field + ".pyramid_reps", "at most 10 sets");
    for (size_t i = 0; i < d.pyramid_reps.size(); ++i) {
      if (d.pyramid_reps[i] < 1 || d.pyramid_reps[i] > 100) {
        out.Add(field + ".pyramid_reps[" + std::to_string(i) + "]", "must be 1..100");
      }
    }
    if (d.sets != 0 && d.sets != static_cast<int>(d.pyramid_reps.size())) {
      out.Add(field + ".sets", "must equal the number of pyramid steps (or be 0)");
    }
    if (d.reps != 0) out.Add(field + ".reps", "must be 0 for a pyramid");
  } else {
    if (d.sets < 1 || d.sets > 20) out.Add(field + ".sets", "must be 1..20");
    if (d.reps < 0 || d.reps > 100) out.Add(field + ".reps", "must be 0..100");
    if (d.reps == 0 && d.hold_seconds == 0) {
      out.Add(field + ".reps", "a dose needs reps, hold_seconds or pyramid_reps");
    }
  }
  if (d.hold_seconds < 0 || d.hold_seconds > 600)
    out.Add(field + ".hold_seconds", "must be 0..600");
  if (!std::isfinite(d.load_kg) || d.load_kg < 0 || d.load_kg > 500) {
    out.Add(field + ".load_kg", "must be a number 0..500");
  }
  if (d.band.size() > 32) out.Add(field + ".band", "at most 32 characters");
  if (d.rest_seconds < 0 || d.rest_seconds > 600)
    out.Add(field + ".rest_seconds", "must be 0..600");
}

const char* SideName(Side side) {
  switch (side) {
    case Side::kBoth:
      return "both";
    case Side::kEach:
      return "each";
    case Side::kLeft:
      return "left";
    case Side::kRight:
      return "right";
    case Side::kUnspecified:
      break;
  }
  return "";
}

std::string DescribeDose(const Dose& d) {
  std::string s;
  if (!d.pyramid_reps.empty()) {
    s = "pyramid ";
    for (size_t i = 0; i < d.pyramid_reps.size(); ++i) {
      if (i) s += "-";
      s += std::to_string(d.pyramid_reps[i]);
    }
    s += " reps";
  } else if (d.reps > 0) {
    s = std::to_string(d.sets) + " x " + std::to_string(d.reps) + " reps";
  } else {
    s = std::to_string(d.sets) + " x";
  }
  if (d.hold_seconds > 0) {
    s += (d.reps > 0 || !d.pyramid_reps.empty()) ? ", hold " : " ";
    s += std::to_string(d.hold_seconds) + " s";
  }
  if (d.load_kg > 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, ", %g kg", d.load_kg);
    s += buf;
  }
  if (!d.band.empty()) s += ", " + d.band + " band";
  if (d.side == Side::kEach) s += ", each side";
  if (d.side == Side::kLeft) s += ", left side";
  if (d.side == Side::kRight) s += ", right side";
  if (d.rest_seconds > 0) s += ", rest " + std::to_string(d.rest_seconds) + " s";
  return s;
}

}  // namespace ptrack
