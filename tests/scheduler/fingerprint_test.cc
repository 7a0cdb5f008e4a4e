// ReplayInputsFingerprint (scheduler/fingerprint.h), the key of a checkpoint: it moves with each
// input of the replay in effect by the checkpoint's day — a rule, a retired rung, a renamed
// exercise — and not with a later revision or an exercise the program cannot reach.
#include "scheduler/fingerprint.h"

#include <catch2/catch.hpp>

#include "tests/scheduler/progression_fixture.h"

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
