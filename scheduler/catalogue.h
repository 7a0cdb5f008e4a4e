// Catalogue and protocol values: exercises on ladders, prescriptions with the dose steps a
// protocol writes, phases by program week, and protocols ending in open-ended maintenance.
// Plain value types plus the structural checks every protocol (shipped or edited) must pass.
#pragma once

#include <functional>
#include <optional>
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
  // Where lever progression stops for this exercise (0 = the rules' general limit), e.g. deep
  // neck flexor holds stop at 10 s while side-plank holds go on to 60 s.
  int max_hold_seconds = 0;
  int max_reps = 0;
  std::string clinic_id;  // the clinic that defined it; empty for the shipped catalogue
  bool operator==(const Exercise&) const = default;
};

// How progression decisions reach a prescription (CLINICAL.md §3): applied at once, waiting for
// the therapist's approval, or never (the dose stays as written).
enum class ProgressionMode { kUnspecified, kAuto, kSuggest, kFixed };

// One exercise in a phase. dose_steps is the progression path the protocol writes: the schedule
// (plan.h PlanFor) gives step i in week i+1 of the phase; adaptive progression (progression.h)
// moves along the steps as the patient earns it, then along the exercise's levers.
// INVARIANT (validated): dose_steps is non-empty.
struct Prescription {
  std::string exercise_id;
  std::vector<Dose> dose_steps;
  std::string notes;
  ProgressionMode mode = ProgressionMode::kAuto;
  bool operator==(const Prescription&) const = default;
};

// What a phase is for (CLINICAL.md §1). kUnspecified: by its length — an open-ended phase is home
// maintenance, a bounded one progresses (KindOf).
enum class PhaseKind { kUnspecified, kProgression, kConsolidation, kMaintenance };

struct Phase {
  int number = 0;  // 1-based, consecutive
  std::string display_name;
  int start_week = 1;         // 1-based program week
  int weeks = 0;              // 0 = open-ended (last phase only)
  int sessions_per_week = 0;  // 1..7
  std::vector<Prescription> prescriptions;
  std::string gate;
  PhaseKind kind = PhaseKind::kUnspecified;  // as written; KindOf gives the effective kind
  // Whether adaptive progression may move an exercise up its ladder (to a harder exercise) in
  // this phase. Unset: only in progression phases (ClimbsLadders) — consolidation keeps the
  // same exercises, maintenance keeps the intensity.
  std::optional<bool> climb_ladders;
  // The gate also waits for a therapist's approval (CLINICAL.md §1 phase 3, "can be required"):
  // when everything else holds, the phase change is a pending decision until approved.
  bool sign_off_required = false;
  // An outcome measure's id (data/outcomes): the gate also needs its change since the baseline to
  // reach the MCID as an improvement (CLINICAL.md §8). Empty: no outcome gate.
  std::string outcome_gate;
  bool operator==(const Phase&) const = default;
};

// The effective kind: as written, else maintenance when open-ended and progression otherwise.
PhaseKind KindOf(const Phase& phase);

// Whether progression may climb ladders in `phase`: as written, else only in progression phases.
bool ClimbsLadders(const Phase& phase);

struct Protocol {
  std::string id;
  std::string display_name;
  std::string description;
  std::vector<Phase> phases;
  std::string clinic_id;  // the clinic that defined it; empty for the shipped protocols
  bool operator==(const Protocol&) const = default;
};

// True when `id` names a catalogue exercise.
using ExerciseExists = std::function<bool(const std::string& id)>;

// Structural checks for a phase list (a protocol's or a program revision's), reported under
// `field` ("program.phases"): phases numbered 1..n, contiguous weeks starting at week 1, only the
// last open-ended and an open-ended phase (only) is maintenance, no sign-off on an open-ended
// phase, 1..7 sessions a week, at least one prescription with at least one valid dose
// step each, and every exercise known.
void ValidatePhases(const std::vector<Phase>& phases, const ExerciseExists& exists,
                    const std::string& field, Violations& out);

// True when `id` is a valid catalogue or resource id: 1..63 characters of [a-z0-9-], starting
// with a letter or digit.
bool IsValidId(const std::string& id);

}  // namespace ptrack
