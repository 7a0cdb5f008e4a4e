// Outcome measures steering the plan (progression.h, CLINICAL.md §8): a phase gate that waits on
// an improvement by the MCID, the flags raised when a change reaches the MCID, and the 6-week
// re-evaluation judged on pain or on the outcome measures. Label `care`.
#include <algorithm>

#include "tests/scheduler/progression_fixture.h"

namespace ptrack::testing {
namespace {

const Zone kUtc = date::locate_zone("UTC");

const OutcomeJudgement kPsfs{
    "Patient-Specific Functional Scale", OutcomeDirection::kHigherIsBetter, 2, 0, {}, {}};
const OutcomeJudgement kNdi{
    "Neck Disability Index", OutcomeDirection::kLowerIsBetter, 7.5, 0, {}, {}};
const OutcomeJudgement kPgic{
    "Patient Global Impression of Change", OutcomeDirection::kLowerIsBetter, 0, 0, 2, 6};

// A response answered on `day` and received `late_days` later at noon UTC.
OutcomeResult Answer(const std::string& id, const std::string& instrument,
                     const OutcomeJudgement& j, LocalDate day, double score, int late_days = 0) {
  OutcomeResult r;
  r.id = id;
  r.instrument_id = instrument;
  r.date = day;
  r.received =
      date::sys_days{(day + date::days{late_days}).time_since_epoch()} + std::chrono::hours(12);
  r.score = score;
  r.judgement = j;
  return r;
}

std::vector<const Flag*> FlagsOf(const Timeline& tl, FlagKind kind) {
  std::vector<const Flag*> out;
  for (const Flag& f : tl.flags) {
    if (f.kind == kind) out.push_back(&f);
  }
  return out;
}

}  // namespace

TEST_CASE("an outcome gate keeps the phase until the measure improves by its MCID",
          "[progression][outcomes][care]") {
  World w;
  w.program.revisions[0].phases[0].outcome_gate = "psfs";
  ProgramHistory h = Simulate(w, 35, AheadOfPlan);
  const LocalDate start = w.program.start_date;
  const LocalDate end = start + date::days{34};

  SECTION("no follow-up: the gate says so and the phase holds") {
    h.outcomes = {Answer("b", "psfs", kPsfs, start, 3)};
    const Timeline tl = Evaluate(w.program, h, w.view, kUtc, end);
    CHECK(tl.StateOn(end).phase_number == 1);
    const Decision* gate = FindDecision(tl, "w2-phase");
    REQUIRE(gate != nullptr);
    CHECK(gate->kind == DecisionKind::kPhaseHold);
    CHECK_THAT(gate->explanation,
               Catch::Contains("no follow-up score of Patient-Specific Functional Scale yet"));
  }
  SECTION("a follow-up below the MCID holds, naming scores and threshold") {
    h.outcomes = {Answer("b", "psfs", kPsfs, start, 3),
                  Answer("f", "psfs", kPsfs, start + date::days{12}, 4.5)};
    const Timeline tl = Evaluate(w.program, h, w.view, kUtc, end);
    CHECK(tl.StateOn(end).phase_number == 1);
    const Decision* gate = FindDecision(tl, "w2-phase");
    REQUIRE(gate != nullptr);
    CHECK(gate->kind == DecisionKind::kPhaseHold);
    CHECK_THAT(gate->explanation,
               Catch::Contains("Patient-Specific Functional Scale 3 -> 4.5 (less than the MCID; "
                               "MCID 2 points)"));
  }
  SECTION("an improvement received in week 3 moves the phase at week 3's end, not before") {
    h.outcomes = {Answer("b", "psfs", kPsfs, start, 3),
                  Answer("f", "psfs", kPsfs, start + date::days{16}, 5.5)};
    const Timeline tl = Evaluate(w.program, h, w.view, kUtc, end);
    CHECK(FindDecision(tl, "w2-phase")->kind == DecisionKind::kPhaseHold);
    const Decision* gate = FindDecision(tl, "w3-phase");
    REQUIRE(gate != nullptr);
    CHECK(gate->kind == DecisionKind::kPhaseAdvance);
    CHECK_THAT(gate->explanation, Catch::Contains("3 -> 5.5 (improved; MCID 2 points)"));
    CHECK(tl.StateOn(start + date::days{20}).phase_number == 1);
    CHECK(tl.StateOn(start + date::days{21}).phase_number == 2);
    const auto& inputs = gate->inputs;
    CHECK(std::any_of(inputs.begin(), inputs.end(), [](const auto& kv) {
      return kv.first == "outcome" && kv.second.find("5.5") != std::string::npos;
    }));
  }
  SECTION("the same improvement synced after the grace day counts only at the next week") {
    // Answered on day 16 (week 3), received on day 22: after week 3's grace day.
    h.outcomes = {Answer("b", "psfs", kPsfs, start, 3),
                  Answer("f", "psfs", kPsfs, start + date::days{16}, 5.5, 6)};
    const Timeline tl = Evaluate(w.program, h, w.view, kUtc, end);
    CHECK(FindDecision(tl, "w3-phase")->kind == DecisionKind::kPhaseHold);
    CHECK(FindDecision(tl, "w4-phase")->kind == DecisionKind::kPhaseAdvance);
  }
}

TEST_CASE("a change reaching the MCID is an explained flag, raised once per verdict",
          "[progression][outcomes][care]") {
  World w;
  const LocalDate start = w.program.start_date;
  ProgramHistory h = Simulate(w, 60, AheadOfPlan);
  h.outcomes = {Answer("n0", "ndi", kNdi, start, 24),
                Answer("n1", "ndi", kNdi, start + date::days{28}, 14),
                Answer("n2", "ndi", kNdi, start + date::days{35}, 13),  // still improved: quiet
                Answer("n3", "ndi", kNdi, start + date::days{49}, 32)};
  const Timeline tl = Evaluate(w.program, h, w.view, kUtc, start + date::days{59});
  const auto improved = FlagsOf(tl, FlagKind::kOutcomeImproved);
  REQUIRE(improved.size() == 1);
  CHECK(improved[0]->date == start + date::days{28});
  CHECK(improved[0]->response_id == "n1");
  CHECK(improved[0]->detail ==
        "Neck Disability Index 24 -> 14 (improved; MCID 7.5 points): a clinically important "
        "improvement");
  const auto worse = FlagsOf(tl, FlagKind::kOutcomeWorsened);
  REQUIRE(worse.size() == 1);
  CHECK(worse[0]->date == start + date::days{49});
  CHECK_THAT(worse[0]->detail, Catch::StartsWith("Neck Disability Index 24 -> 32 (worse; MCID "
                                                 "7.5 points)"));
}

TEST_CASE("a baseline synced late still makes the follow-up's change count that day",
          "[progression][outcomes][care]") {
  World w;
  const LocalDate start = w.program.start_date;
  ProgramHistory h = Simulate(w, 40, AheadOfPlan);
  // Baseline answered on day 0 but synced on day 31, after the follow-up of day 28.
  h.outcomes = {Answer("b", "psfs", kPsfs, start, 2, 31),
                Answer("f", "psfs", kPsfs, start + date::days{28}, 6)};
  const Timeline tl = Evaluate(w.program, h, w.view, kUtc, start + date::days{39});
  const auto improved = FlagsOf(tl, FlagKind::kOutcomeImproved);
  REQUIRE(improved.size() == 1);
  CHECK(improved[0]->date == start + date::days{31});
  CHECK_THAT(improved[0]->detail, Catch::Contains("2 -> 6"));
}

TEST_CASE("the 6-week re-evaluation is due when pain or an outcome measure has not improved",
          "[progression][outcomes][care]") {
  World w;
  w.program.revisions[0].phases[0].weeks = 8;  // keep the patient in one phase
  w.program.revisions[0].phases[1].start_week = 9;
  w.program.revisions[0].phases[2].start_week = 11;
  const LocalDate start = w.program.start_date;
  // Pain 6 -> 4: down by 2 points, so pain alone asks for no re-evaluation.
  ProgramHistory h = Simulate(w, 42, [&](LocalDate day, const ProgressState& st, int i) {
    const int pain = day < start + date::days{7} ? 6 : 4;
    return std::optional<Session>(AsPrescribed(st, "s" + std::to_string(i), day, pain, pain, 4));
  });
  const LocalDate end = start + date::days{43};
  struct Row {
    std::vector<OutcomeResult> outcomes;
    bool flagged;
    std::string names;
  };
  for (const Row& r : {
           Row{{}, false, ""},
           Row{{Answer("a", "ndi", kNdi, start, 24),
                Answer("b", "ndi", kNdi, start + date::days{28}, 14)},
               false,
               ""},
           Row{{Answer("a", "ndi", kNdi, start, 24),
                Answer("b", "ndi", kNdi, start + date::days{28}, 20)},
               true,
               "Neck Disability Index 24 -> 20 (less than the MCID; MCID 7.5 points)"},
           Row{{Answer("a", "ndi", kNdi, start, 24)}, false, ""},  // no follow-up: nothing to judge
           Row{{Answer("g", "pgic", kPgic, start + date::days{28}, 4)},
               true,
               "Patient Global Impression of Change 4 (less than the MCID"},
           Row{{Answer("g", "pgic", kPgic, start + date::days{28}, 2)}, false, ""},
           // Answered after week 6 ended: not part of its judgement.
           Row{{Answer("a", "ndi", kNdi, start, 24),
                Answer("b", "ndi", kNdi, start + date::days{42}, 23)},
               false,
               ""},
       }) {
    INFO(r.names);
    ProgramHistory with = h;
    with.outcomes = r.outcomes;
    const Timeline tl = Evaluate(w.program, with, w.view, kUtc, end);
    const auto flags = FlagsOf(tl, FlagKind::kReevaluationDue);
    REQUIRE(flags.size() == (r.flagged ? 1u : 0u));
    if (r.flagged) {
      CHECK_THAT(flags[0]->detail, Catch::StartsWith("No clear improvement after 6 weeks ("));
      CHECK_THAT(flags[0]->detail, Catch::Contains(r.names));
    }
  }
}

}  // namespace ptrack::testing
