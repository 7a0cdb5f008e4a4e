// Unit tests for scheduler/catalogue.h: ValidatePhases accepts a well-formed three-phase list
// (two fixed phases, then open-ended maintenance) and, for each structural fault a protocol or a
// program revision can carry (numbering, gaps and overlaps in weeks, an open-ended phase before
// the last, sessions per week outside 1..7, missing prescriptions or dose steps, a bad dose, an
// unknown exercise), reports exactly the violations at the expected field paths; IsValidId
// accepts exactly 1..63 characters of [a-z0-9-] not starting with '-'.
#include "scheduler/catalogue.h"

#include <catch2/catch.hpp>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace ptrack {
namespace {

const std::string kField = "program.phases";

Prescription Rx(std::string exercise, std::vector<Dose> steps) {
  return Prescription{std::move(exercise), std::move(steps), ""};
}

// Weeks 1-2, weeks 3-4, then week 5 on.
std::vector<Phase> ValidPhases() {
  const Dose hold5{.sets = 1, .reps = 10, .hold_seconds = 5};
  const Dose hold10{.sets = 1, .reps = 10, .hold_seconds = 10};
  const Dose row8{.sets = 2, .reps = 8};
  const Dose row12{.sets = 2, .reps = 12};
  return {
      Phase{.number = 1,
            .display_name = "Control and tolerance",
            .start_week = 1,
            .weeks = 2,
            .sessions_per_week = 7,
            .prescriptions = {Rx("chin-nod", {hold5, hold10}),
                              Rx("side-plank", {{.sets = 4, .hold_seconds = 20}})}},
      Phase{.number = 2,
            .display_name = "Strength and endurance",
            .start_week = 3,
            .weeks = 2,
            .sessions_per_week = 3,
            .prescriptions = {Rx("band-row", {row8, row12})}},
      Phase{.number = 3,
            .display_name = "Home maintenance",
            .start_week = 5,
            .weeks = 0,
            .sessions_per_week = 1,
            .prescriptions = {Rx("band-row", {row12})}},
  };
}

const ExerciseExists kKnown = [](const std::string& id) {
  static const std::set<std::string> known = {"chin-nod", "side-plank", "band-row"};
  return known.count(id) > 0;
};

std::vector<std::string> Validate(const std::vector<Phase>& phases) {
  Violations v;
  ValidatePhases(phases, kKnown, kField, v);
  std::vector<std::string> fields;
  for (const FieldViolation& f : v.list()) {
    CHECK_FALSE(f.description.empty());
    fields.push_back(f.field);
  }
  return fields;
}

TEST_CASE("ValidatePhases accepts a contiguous list ending in open-ended maintenance",
          "[foundation][catalogue]") {
  CHECK(Validate(ValidPhases()).empty());

  SECTION("a finite last phase is allowed too") {
    auto phases = ValidPhases();
    phases[2].weeks = 8;
    CHECK(Validate(phases).empty());
  }
  SECTION("a single open-ended phase") {
    auto phases = ValidPhases();
    phases.resize(1);
    phases[0].weeks = 0;
    CHECK(Validate(phases).empty());
  }
  SECTION("the exercise check is asked about every prescription") {
    std::vector<std::string> asked;
    Violations v;
    ValidatePhases(
        ValidPhases(),
        [&](const std::string& id) {
          asked.push_back(id);
          return true;
        },
        kField, v);
    CHECK(v.empty());
    CHECK(asked == std::vector<std::string>{"chin-nod", "side-plank", "band-row", "band-row"});
  }
}

struct BadPhases {
  const char* name;
  std::function<void(std::vector<Phase>&)> mutate;
  std::vector<std::string> fields;  // exact violations, in reporting order
};

TEST_CASE("ValidatePhases reports each structural fault at its field path",
          "[foundation][catalogue]") {
  const auto row = GENERATE(values<BadPhases>({
      {"no phases", [](auto& p) { p.clear(); }, {"program.phases"}},
      {"phases misnumbered", [](auto& p) { p[1].number = 3; }, {"program.phases[1].number"}},
      {"first phase not at week 1",
       [](auto& p) { p[0].start_week = 2; },
       {"program.phases[0].start_week", "program.phases[1].start_week"}},
      {"gap between phases",
       [](auto& p) { p[2].start_week = 6; },
       {"program.phases[2].start_week"}},
      {"overlapping phases",
       [](auto& p) { p[1].start_week = 2; },
       {"program.phases[1].start_week", "program.phases[2].start_week"}},
      {"open-ended phase not last",
       [](auto& p) {
         p[1].weeks = 0;
         p[2].start_week = 3;
       },
       {"program.phases[1].weeks"}},
      {"negative weeks", [](auto& p) { p[2].weeks = -1; }, {"program.phases[2].weeks"}},
      {"0 sessions a week",
       [](auto& p) { p[1].sessions_per_week = 0; },
       {"program.phases[1].sessions_per_week"}},
      {"8 sessions a week",
       [](auto& p) { p[0].sessions_per_week = 8; },
       {"program.phases[0].sessions_per_week"}},
      {"no display name",
       [](auto& p) { p[0].display_name.clear(); },
       {"program.phases[0].display_name"}},
      {"no prescriptions",
       [](auto& p) { p[1].prescriptions.clear(); },
       {"program.phases[1].prescriptions"}},
      {"unknown exercise",
       [](auto& p) { p[0].prescriptions[1].exercise_id = "no-such-exercise"; },
       {"program.phases[0].prescriptions[1].exercise"}},
      {"empty dose steps",
       [](auto& p) { p[2].prescriptions[0].dose_steps.clear(); },
       {"program.phases[2].prescriptions[0].dose_steps"}},
      {"53 dose steps",
       [](auto& p) { p[1].prescriptions[0].dose_steps.resize(53, Dose{.sets = 1, .reps = 1}); },
       {"program.phases[1].prescriptions[0].dose_steps"}},
      {"bad dose step",
       [](auto& p) { p[0].prescriptions[0].dose_steps[1].sets = 0; },
       {"program.phases[0].prescriptions[0].dose_steps[1].sets"}},
  }));
  INFO(row.name);
  auto phases = ValidPhases();
  row.mutate(phases);
  CHECK(Validate(phases) == row.fields);
}

TEST_CASE("IsValidId accepts 1..63 characters of [a-z0-9-] not starting with '-'",
          "[foundation][catalogue]") {
  const auto row = GENERATE(table<std::string, bool>({
      {"chin-nod", true},
      {"a", true},
      {"7", true},
      {"0abc-9", true},
      {"band-row-", true},
      {std::string(63, 'a'), true},
      {std::string(64, 'a'), false},
      {"", false},
      {"-chin-nod", false},
      {"Chin-nod", false},
      {"chin_nod", false},
      {"chin nod", false},
      {"chin/nod", false},
      {"chin.nod", false},
      {"ch\xc3\xadn", false},
  }));
  INFO("'" << std::get<0>(row) << "'");
  CHECK(IsValidId(std::get<0>(row)) == std::get<1>(row));
}

}  // namespace
}  // namespace ptrack
