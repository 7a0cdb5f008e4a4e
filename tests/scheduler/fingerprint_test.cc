// Fingerprints (scheduler/fingerprint.h). DecisionsFingerprint: equal lists agree, a change to any
// one field of any decision or of either dose changes it, order matters, and the value of a fixed
// list is pinned — it is stored, so a build that hashed differently would rewrite every program's
// decisions once (harmless) and must be a deliberate change. ReplayInputsFingerprint (the key of
// a checkpoint): it moves with each input of the replay in effect, and not with a later revision.
#include "scheduler/fingerprint.h"

#include <catch2/catch.hpp>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "tests/scheduler/progression_fixture.h"

namespace ptrack {
namespace {

Decision Base() {
  Decision d;
  d.id = "w3-bird-dog";
  d.week = 3;
  d.effective_date = LocalDate{date::days{20600}};
  d.exercise_id = "bird-dog";
  d.kind = DecisionKind::kProgress;
  d.rule = "progress";
  d.inputs = {{"sessions_done", "6"}, {"max_pain", "3"}};
  d.old_exercise_id = "bird-dog";
  d.new_exercise_id = "bird-dog";
  d.old_dose = {.sets = 3, .reps = 8, .hold_seconds = 5, .band = "red", .side = Side::kEach};
  d.new_dose = {.sets = 3, .reps = 10, .hold_seconds = 5, .load_kg = 1.5, .rest_seconds = 30};
  d.new_step = 2;
  d.old_phase = 1;
  d.new_phase = 1;
  d.mode = ProgressionMode::kAuto;
  d.status = DecisionStatus::kApplied;
  d.explanation = "Bird dog: 3 x 8 -> 3 x 10";
  return d;
}

TEST_CASE("DecisionsFingerprint changes with every field and with order", "[progression]") {
  const Decision base = Base();
  const uint64_t reference = DecisionsFingerprint({base});
  CHECK(DecisionsFingerprint({Base()}) == reference);

  const std::vector<std::pair<const char*, std::function<void(Decision&)>>> changes = {
      {"id", [](Decision& d) { d.id += "x"; }},
      {"week", [](Decision& d) { d.week = 4; }},
      {"effective_date", [](Decision& d) { d.effective_date += date::days{1}; }},
      {"exercise_id", [](Decision& d) { d.exercise_id = "dead-bug"; }},
      {"kind", [](Decision& d) { d.kind = DecisionKind::kHold; }},
      {"rule", [](Decision& d) { d.rule = "pain.above_acceptable"; }},
      {"input value", [](Decision& d) { d.inputs[1].second = "4"; }},
      {"input name", [](Decision& d) { d.inputs[0].first = "sessions_prescribed"; }},
      {"one input fewer", [](Decision& d) { d.inputs.pop_back(); }},
      {"old_exercise_id", [](Decision& d) { d.old_exercise_id = "dead-bug"; }},
      {"new_exercise_id", [](Decision& d) { d.new_exercise_id = "dead-bug"; }},
      {"old_dose.sets", [](Decision& d) { d.old_dose.sets = 2; }},
      {"old_dose.band", [](Decision& d) { d.old_dose.band = "green"; }},
      {"old_dose.side", [](Decision& d) { d.old_dose.side = Side::kLeft; }},
      {"new_dose.reps", [](Decision& d) { d.new_dose.reps = 12; }},
      {"new_dose.hold_seconds", [](Decision& d) { d.new_dose.hold_seconds = 10; }},
      {"new_dose.pyramid_reps",
       [](Decision& d) {
         d.new_dose.pyramid_reps = {6, 4, 2};
       }},
      {"new_dose.load_kg", [](Decision& d) { d.new_dose.load_kg = 2.0; }},
      {"new_dose.rest_seconds", [](Decision& d) { d.new_dose.rest_seconds = 45; }},
      {"new_step", [](Decision& d) { d.new_step = 3; }},
      {"old_phase", [](Decision& d) { d.old_phase = 2; }},
      {"new_phase", [](Decision& d) { d.new_phase = 2; }},
      {"mode", [](Decision& d) { d.mode = ProgressionMode::kSuggest; }},
      {"status", [](Decision& d) { d.status = DecisionStatus::kPending; }},
      {"explanation", [](Decision& d) { d.explanation += "."; }},
  };
  std::set<uint64_t> seen = {reference};
  for (const auto& [field, change] : changes) {
    Decision changed = Base();
    change(changed);
    INFO(field);
    CHECK(seen.insert(DecisionsFingerprint({changed})).second);
  }

  Decision other = Base();
  other.id = "w3-dead-bug";
  CHECK(DecisionsFingerprint({base, other}) != DecisionsFingerprint({other, base}));
  CHECK(DecisionsFingerprint({base, other}) != reference);
  CHECK(DecisionsFingerprint({}) != reference);
  // Moving text between adjacent strings changes it (lengths are hashed).
  Decision split = Base();
  split.old_exercise_id = "bird-do";
  split.new_exercise_id = "gbird-dog";
  CHECK(DecisionsFingerprint({split}) != reference);
}

TEST_CASE("DecisionsFingerprint of a fixed list is the same in every build", "[progression]") {
  CHECK(DecisionsFingerprint({Base()}) == 0xf77b937299fa0761ull);
}

}  // namespace
}  // namespace ptrack

namespace ptrack::testing {

TEST_CASE("ReplayInputsFingerprint moves with what a replay is made from, not with the future",
          "[progression][checkpoint]") {
  World w;
  const LocalDate through = w.program.start_date + date::days{20};
  const uint64_t reference = ReplayInputsFingerprint(w.program, through, w.view);
  CHECK(ReplayInputsFingerprint(w.program, through, w.view) == reference);
  SECTION("a revision that takes effect later does not count yet") {
    ProgramRevision later = w.program.revisions.back();
    later.revision = 2;
    later.effective_date = through + date::days{1};
    later.rules.inactivity_days = 9;
    w.program.revisions.push_back(later);
    CHECK(ReplayInputsFingerprint(w.program, through, w.view) == reference);
    CHECK(ReplayInputsFingerprint(w.program, through + date::days{1}, w.view) != reference);
  }
  SECTION("a rule changed in a revision in effect") {
    w.program.revisions[0].rules.pain_acceptable_max = 4;
    CHECK(ReplayInputsFingerprint(w.program, through, w.view) != reference);
  }
  SECTION("a rung of a ladder the program uses retired from the catalogue") {
    w.exercises.erase("chin-tuck");  // rank 2 of chin-nod's ladder, named by no revision
    CHECK(ReplayInputsFingerprint(w.program, through, w.view) != reference);
  }
  SECTION("an exercise renamed (explanations quote names)") {
    w.exercises["band-row"].display_name = "Rowing with a band";
    CHECK(ReplayInputsFingerprint(w.program, through, w.view) != reference);
  }
  SECTION("an exercise on a ladder the program does not reach changes nothing") {
    w.exercises["wall-angel"] = Ex("wall-angel", "angels", 1, Reps(2, 8), {Lever::kReps});
    CHECK(ReplayInputsFingerprint(w.program, through, w.view) == reference);
  }
}

}  // namespace ptrack::testing
