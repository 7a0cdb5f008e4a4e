// Catalogue and protocol values: exercises on ladders, prescriptions with the dose steps a
// protocol writes, phases by program week, and protocols ending in open-ended maintenance.
// Plain value types plus the structural checks every protocol (shipped or edited) must pass.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "scheduler/dose.h"
#include "scheduler/status.h"

namespace ptrack {

enum class Region { kUnspecified, kNeck, kUpperBack, kCore, kStretch };

enum class Lever {
  kUnspecified,
  kHoldSeconds,
  kReps,
  kSets,
  kLoad,
  kBand,
  kPyramid,
  kLadder,
  kRange,
  kEffort,
  kFrequency,
  kLeverLength,
};

struct Exercise {
  std::string id;  // [a-z0-9-]+
  std::string display_name;
  Region region = Region::kUnspecified;
  std::string ladder;   // ladder id; exercises on one ladder are ordered by ladder_rank
  int ladder_rank = 1;  // 1 = easiest
  Dose default_dose;
  std::vector<Lever> levers;
  std::string instructions;
  bool operator==(const Exercise&) const = default;
};

// One exercise in a phase. Step i (0-based) of dose_steps applies in week i+1 of the phase; after
// the last step, the last dose holds. INVARIANT (validated): dose_steps is non-empty.
struct Prescription {
  std::string exercise_id;
  std::vector<Dose> dose_steps;
  std::string notes;
  bool operator==(const Prescription&) const = default;
};

struct Phase {
  int number = 0;  // 1-based, consecutive
  std::string display_name;
  int start_week = 1;         // 1-based program week
  int weeks = 0;              // 0 = open-ended (last phase only)
  int sessions_per_week = 0;  // 1..7
  std::vector<Prescription> prescriptions;
  std::string gate;
  bool operator==(const Phase&) const = default;
};

struct Protocol {
  std::string id;
  std::string display_name;
  std::string description;
  std::vector<Phase> phases;
  bool operator==(const Protocol&) const = default;
};

// True when `id` names a catalogue exercise.
using ExerciseExists = std::function<bool(const std::string& id)>;

// Structural checks for a phase list (a protocol's or a program revision's), reported under
// `field` ("program.phases"): phases numbered 1..n, contiguous weeks starting at week 1, only the
// last open-ended, 1..7 sessions a week, at least one prescription with at least one valid dose
// step each, and every exercise known.
void ValidatePhases(const std::vector<Phase>& phases, const ExerciseExists& exists,
                    const std::string& field, Violations& out);

// True when `id` is a valid catalogue or resource id: 1..63 characters of [a-z0-9-], starting
// with a letter or digit.
bool IsValidId(const std::string& id);

}  // namespace ptrack
