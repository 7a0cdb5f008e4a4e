// Tests of the progression engine (scheduler/progression.h): the next position along steps and
// levers, the week-end rules one by one, phase gates, red-flag suspension, suggest/fixed modes,
// therapist actions and revisions, late syncs, flags, and time zones — each over a simulated
// patient in the World of progression_fixture.h.
#include "scheduler/plan.h"
#include "tests/scheduler/progression_fixture.h"

namespace ptrack::testing {
namespace {

const Zone kUtc = date::locate_zone("UTC");

// A patient who does every session as prescribed, pain-free, at moderate effort.
std::optional<Session> Adherent(LocalDate day, const ProgressState& st, int i) {
  return AsPrescribed(st, "s" + std::to_string(i), day, 1, 1, 4);
}

}  // namespace

TEST_CASE("NextPosition walks the protocol's steps first, then the exercise's levers",
          "[progression][levers]") {
  World w;
  const ProgressionRules rules = ShippedRules();
  const Prescription& nod = w.Rx(1, "chin-nod");
  struct Row {
    const char* what;
    Position now;
    std::optional<Position> next;
  };
  const Row rows[] = {
      {"next written step",
       {"chin-nod", Hold(1, 10, 5), 1},
       Position{"chin-nod", Hold(1, 10, 10), 2}},
      {"hold at its cap -> reps",
       {"chin-nod", Hold(1, 10, 10), 2},
       Position{"chin-nod", Hold(1, 12, 10), 3}},
      {"reps at the top -> ladder",
       {"chin-nod", Hold(1, 12, 10), 3},
       Position{"chin-tuck", Hold(1, 10, 5), 4}},
      {"on the new rung: hold again",
       {"chin-tuck", Hold(1, 10, 5), 4},
       Position{"chin-tuck", Hold(1, 10, 10), 5}},
      {"top of the ladder", {"chin-tuck", Hold(1, 12, 10), 6}, std::nullopt},
  };
  for (const Row& r : rows) {
    INFO(r.what);
    auto next = NextPosition(nod, r.now, rules, w.view);
    REQUIRE(next.has_value() == r.next.has_value());
    if (next) {
      CHECK(next->exercise_id == r.next->exercise_id);
      CHECK(next->dose == r.next->dose);
      CHECK(next->step == r.next->step);
    }
  }
}

TEST_CASE("NextPosition: double progression, load, pyramid and band levers",
          "[progression][levers]") {
  World w;
  const ProgressionRules rules = ShippedRules();
  w.exercises["dumbbell-row"] =
      Ex("dumbbell-row", "db", 1, Reps(3, 8, "", 5), {Lever::kReps, Lever::kLoad});
  w.exercises["bird-dog"] = Ex("bird-dog", "bd", 1, Dose{}, {Lever::kPyramid});
  Prescription row{"band-row", {Reps(2, 8, "red")}, "", ProgressionMode::kAuto};
  Prescription db{"dumbbell-row", {Reps(3, 8, "", 5)}, "", ProgressionMode::kAuto};
  Dose pyramid;
  pyramid.sets = 3;
  pyramid.pyramid_reps = {6, 4, 2};
  pyramid.hold_seconds = 10;
  Prescription dog{"bird-dog", {pyramid}, "", ProgressionMode::kAuto};

  auto next = NextPosition(row, {"band-row", Reps(2, 12, "red"), 5}, rules, w.view);
  REQUIRE(next);
  CHECK(next->dose == Reps(2, 8, "green"));  // top of the range: next band, reps back to 8
  next = NextPosition(row, {"band-row", Reps(2, 10, "black"), 5}, rules, w.view);
  REQUIRE(next);
  CHECK(next->dose == Reps(2, 12, "black"));
  CHECK_FALSE(NextPosition(row, {"band-row", Reps(2, 12, "black"), 6}, rules, w.view));

  next = NextPosition(db, {"dumbbell-row", Reps(3, 12, "", 5), 3}, rules, w.view);
  REQUIRE(next);
  CHECK(next->dose.load_kg == Approx(5.5));  // +5 % rounded up to 0.5 kg
  CHECK(next->dose.reps == 8);

  next = NextPosition(dog, {"bird-dog", pyramid, 1}, rules, w.view);
  REQUIRE(next);
  CHECK(next->dose.pyramid_reps == std::vector<int>{8, 6, 4});
  Dose top = pyramid;
  top.pyramid_reps = {12, 10, 8};
  CHECK_FALSE(NextPosition(dog, {"bird-dog", top, 4}, rules, w.view));
}

TEST_CASE("an adherent pain-free patient progresses every week and reaches maintenance",
          "[progression][scenario]") {
  World w;
  const ProgramHistory h = Simulate(w, 42, Adherent);
  const Timeline tl = Evaluate(w.program, h, w.view, kUtc, w.program.start_date + date::days{42});
  // Week 1: both phase-1 exercises move to their second step.
  const auto nod = DecisionsFor(tl, "chin-nod");
  REQUIRE_FALSE(nod.empty());
  CHECK(nod[0]->kind == DecisionKind::kProgress);
  CHECK(nod[0]->new_dose == Hold(1, 10, 10));
  CHECK(nod[0]->effective_date == w.program.start_date + date::days{7});
  for (const Decision& d : tl.decisions) {
    INFO(d.id << ": " << d.explanation);
    CHECK(d.kind != DecisionKind::kRegress);
    CHECK_FALSE(d.explanation.empty());
  }
  // Phase 1 ends after its 2 planned weeks, phase 2 after 2 more: maintenance from day 28.
  CHECK(tl.StateOn(w.program.start_date + date::days{13}).phase_number == 1);
  CHECK(tl.StateOn(w.program.start_date + date::days{14}).phase_number == 2);
  CHECK(tl.StateOn(w.program.start_date + date::days{28}).phase_number == 3);
  CHECK(Count(tl, FlagKind::kInactivity) == 0);
  CHECK(Count(tl, FlagKind::kReevaluationDue) == 0);
}

TEST_CASE("regression: maintenance never raises intensity by itself (CLINICAL.md §1, §5)",
          "[progression][scenario][care]") {
  World w;
  // Adherent and pain-free for 8 weeks past the start of maintenance (day 28).
  const LocalDate maintenance = w.program.start_date + date::days{28};
  const LocalDate end = maintenance + date::days{56};
  const int days = static_cast<int>((end - w.program.start_date).count());
  const Timeline tl = Evaluate(w.program, Simulate(w, days, Adherent), w.view, kUtc, end);
  REQUIRE(tl.StateOn(maintenance).phase_number == 3);
  const ProgressState& first = tl.StateOn(maintenance);
  for (LocalDate d = maintenance; d <= end; d += date::days{1}) {
    INFO(FormatIsoDate(d));
    const ProgressState& st = tl.StateOn(d);
    REQUIRE(st.phase_number == 3);
    REQUIRE(st.prescriptions.size() == first.prescriptions.size());
    for (size_t i = 0; i < st.prescriptions.size(); ++i) {
      CHECK(st.prescriptions[i].exercise_id == first.prescriptions[i].exercise_id);
      CHECK(st.prescriptions[i].dose == first.prescriptions[i].dose);
    }
  }
  int held = 0;
  for (const Decision& d : tl.decisions) {
    if (d.effective_date <= maintenance || d.exercise_id.empty()) continue;
    INFO(d.id << ": " << d.explanation);
    CHECK(d.kind == DecisionKind::kHold);
    held += d.rule == "maintenance.unchanged_intensity";
  }
  CHECK(held >= 8);  // every week, each progressing prescription
}

TEST_CASE("regression: maintenance still steps back for pain", "[progression][scenario][care]") {
  World w;
  const LocalDate maintenance = w.program.start_date + date::days{28};
  const LocalDate end = maintenance + date::days{14};
  const int days = static_cast<int>((end - w.program.start_date).count());
  // Adherent throughout; pain 7/10 after every session from the first maintenance week on.
  const Timeline tl = Evaluate(w.program,
                               Simulate(w, days,
                                        [&](LocalDate day, const ProgressState& st, int i) {
                                          const int pain = day >= maintenance ? 7 : 1;
                                          return std::optional<Session>(AsPrescribed(
                                              st, "s" + std::to_string(i), day, 1, pain, 4));
                                        }),
                               w.view, kUtc, end);
  bool stepped_back_or_held_for_pain = false;
  for (const Decision& d : tl.decisions) {
    if (d.effective_date <= maintenance || d.exercise_id.empty()) continue;
    INFO(d.id << ": " << d.rule);
    CHECK(d.rule != "maintenance.unchanged_intensity");  // pain comes first
    CHECK(d.kind != DecisionKind::kProgress);
    stepped_back_or_held_for_pain |= d.rule.rfind("pain.", 0) == 0;
  }
  CHECK(stepped_back_or_held_for_pain);
}

TEST_CASE("regression: phase 1 is left only once its target holds are done (held early, stays)",
          "[progression][scenario][care]") {
  World w;
  const LocalDate week3 = w.program.start_date + date::days{14};
  const LocalDate week4 = w.program.start_date + date::days{21};
  // Week 1 hurts (7/10 after every session: held at the first step); then pain-free and adherent.
  const Timeline tl =
      Evaluate(w.program,
               Simulate(w, 28,
                        [&](LocalDate day, const ProgressState& st, int i) {
                          const int pain = day < w.program.start_date + date::days{7} ? 7 : 1;
                          return std::optional<Session>(
                              AsPrescribed(st, "s" + std::to_string(i), day, 1, pain, 4));
                        }),
               w.view, kUtc, week4 + date::days{6});
  // Week 2 earned the 10 s hold; week 3 is the first week it is prescribed, so still phase 1.
  const ProgressState& in_week3 = tl.StateOn(week3);
  REQUIRE(in_week3.phase_number == 1);
  CHECK(in_week3.prescriptions[0].dose == Hold(1, 10, 10));
  const Decision* held = nullptr;
  for (const Decision& d : tl.decisions) {
    if (d.id == "w2-phase") held = &d;
  }
  REQUIRE(held != nullptr);
  CHECK(held->kind == DecisionKind::kPhaseHold);
  CHECK_THAT(held->explanation,
             Catch::Contains("chin-nod was done at its target dose (1 x 10 reps, hold 10 s) in 0 "
                             "session(s) this week; the phase needs 2"));
  // Done twice in full in week 3: phase 2 from week 4, no stalled flag.
  CHECK(tl.StateOn(week4).phase_number == 2);
  CHECK(Count(tl, FlagKind::kPhaseGateStalled) == 0);
}

TEST_CASE(
    "regression: a target dose never done in full holds the phase to its extension limit, "
    "then flags",
    "[progression][scenario][care]") {
  World w;
  // Adherent and pain-free, but the 10 s hold is only ever done as 8 s.
  const Timeline tl =
      Evaluate(w.program,
               Simulate(w, 42,
                        [&](LocalDate day, const ProgressState& st, int i) {
                          Session s = AsPrescribed(st, "s" + std::to_string(i), day, 1, 1, 4);
                          for (ExerciseLog& l : s.exercises) {
                            if (l.exercise_id == "chin-nod")
                              l.hold_seconds = std::min(l.hold_seconds, 8);
                          }
                          return std::optional<Session>(s);
                        }),
               w.view, kUtc, w.program.start_date + date::days{41});
  CHECK(tl.StateOn(w.program.start_date + date::days{41}).phase_number == 1);
  // Two planned weeks plus the two-week extension, then one flag for the therapist.
  const Flag* stalled = nullptr;
  for (const Flag& f : tl.flags) {
    if (f.kind == FlagKind::kPhaseGateStalled) stalled = &f;
  }
  REQUIRE(stalled != nullptr);
  CHECK(Count(tl, FlagKind::kPhaseGateStalled) == 1);
  CHECK(stalled->date == w.program.start_date + date::days{28});  // the day after week 4
  const Decision* last_hold = nullptr;
  for (const Decision& d : tl.decisions) {
    if (d.kind == DecisionKind::kPhaseHold) last_hold = &d;
  }
  REQUIRE(last_hold != nullptr);
  CHECK_THAT(last_hold->explanation,
             Catch::Contains("chin-nod was done at its target dose (1 x 10 reps, hold 10 s) in 0 "
                             "session(s) this week"));
}

TEST_CASE("a patient who already does the target doses leaves phase 1 on plan",
          "[progression][scenario][care]") {
  World w;
  // Every session at phase 1's targets (10 s holds, 10 rows) from day one, pain-free.
  const Timeline tl =
      Evaluate(w.program,
               Simulate(w, 14,
                        [&](LocalDate day, const ProgressState& st, int i) {
                          Session s = AsPrescribed(st, "s" + std::to_string(i), day, 1, 1, 4);
                          for (ExerciseLog& l : s.exercises) {
                            if (l.exercise_id == "chin-nod") l.hold_seconds = 10;
                            if (l.exercise_id == "band-row") l.reps = 10;
                          }
                          return std::optional<Session>(s);
                        }),
               w.view, kUtc, w.program.start_date + date::days{14});
  CHECK(tl.StateOn(w.program.start_date + date::days{14}).phase_number == 2);
}

TEST_CASE("regression: phase 2 is left only once its top of range is done in full",
          "[progression][scenario][care]") {
  World w;
  const LocalDate phase2 = w.program.start_date + date::days{14};
  // Adherent and pain-free; from phase 2 on, the rows stop at 6 of the 8 reps.
  const Timeline tl =
      Evaluate(w.program,
               Simulate(w, 35,
                        [&](LocalDate day, const ProgressState& st, int i) {
                          Session s = AsPrescribed(st, "s" + std::to_string(i), day, 1, 1, 4);
                          for (ExerciseLog& l : s.exercises) {
                            if (day >= phase2 && l.exercise_id == "band-row") l.reps = 6;
                          }
                          return std::optional<Session>(s);
                        }),
               w.view, kUtc, w.program.start_date + date::days{34});
  REQUIRE(tl.StateOn(phase2).phase_number == 2);
  CHECK(tl.StateOn(w.program.start_date + date::days{34}).phase_number == 2);
  bool named = false;
  for (const Decision& d : tl.decisions) {
    if (d.kind == DecisionKind::kPhaseHold) {
      named |= d.explanation.find(
                   "band-row was done at its target dose (3 x 8 reps, green band) "
                   "in 0") != std::string::npos;
    }
  }
  CHECK(named);
}

TEST_CASE("regression: consolidation does not climb ladders unless the protocol says so",
          "[progression][scenario][care]") {
  for (const std::optional<bool> climb : {std::optional<bool>{}, std::optional<bool>{true}}) {
    INFO("climb_ladders " << (climb ? "true" : "unset"));
    World w;
    // Phase 2 (weeks 3-4) is consolidation with the chin nod at its hold and reps limits, where
    // the next position is the ladder's next rung (chin-tuck).
    Phase& p2 = w.program.revisions[0].phases[1];
    p2.kind = PhaseKind::kConsolidation;
    p2.climb_ladders = climb;
    p2.prescriptions = {{"chin-nod", {Hold(1, 12, 10)}, "", ProgressionMode::kAuto}};
    const LocalDate end = w.program.start_date + date::days{27};
    const Timeline tl = Evaluate(w.program, Simulate(w, 28, AheadOfPlan), w.view, kUtc, end);
    REQUIRE(tl.StateOn(w.program.start_date + date::days{14}).phase_number == 2);
    const Decision* week3 = FindDecision(tl, "w3-chin-nod");
    REQUIRE(week3 != nullptr);
    if (climb) {
      CHECK(week3->kind == DecisionKind::kProgress);
      CHECK(tl.StateOn(end).prescriptions[0].exercise_id == "chin-tuck");
    } else {
      CHECK(week3->rule == "dose.at_top");
      CHECK(tl.StateOn(end).prescriptions[0].exercise_id == "chin-nod");
    }
  }
}

TEST_CASE("regression: consolidation is left only with stable symptoms",
          "[progression][scenario][care]") {
  World w;
  Phase& p2 = w.program.revisions[0].phases[1];
  p2.kind = PhaseKind::kConsolidation;
  // Pain 7/10 once, in the first week of consolidation (week 3); then everything in full.
  const LocalDate week3 = w.program.start_date + date::days{14};
  const Timeline tl = Evaluate(w.program,
                               Simulate(w, 35,
                                        [&](LocalDate day, const ProgressState& st, int i) {
                                          auto s = AheadOfPlan(day, st, i);
                                          if (day == week3) s->pain_after = 7;
                                          return s;
                                        }),
                               w.view, kUtc, w.program.start_date + date::days{34});
  REQUIRE(tl.StateOn(week3).phase_number == 2);
  // Week 4 is good, but the phase stepped back once: still consolidation in week 5.
  CHECK(tl.StateOn(w.program.start_date + date::days{28}).phase_number == 2);
  const Decision* gate = FindDecision(tl, "w4-phase");
  REQUIRE(gate != nullptr);
  CHECK(gate->kind == DecisionKind::kPhaseHold);
  CHECK_THAT(gate->explanation, Catch::Contains("symptoms were not stable"));
}

TEST_CASE("therapist sign-off: a ready phase waits for approval, then moves from that day",
          "[progression][scenario][care]") {
  World w;
  w.program.revisions[0].phases[0].sign_off_required = true;
  ProgramHistory h = Simulate(w, 35, AheadOfPlan);
  const LocalDate week3 = w.program.start_date + date::days{14};
  const LocalDate end = w.program.start_date + date::days{34};
  {
    // Nobody signs off: the patient stays in phase 1, one pending decision, no stalled flag.
    const Timeline tl = Evaluate(w.program, h, w.view, kUtc, end);
    CHECK(tl.StateOn(end).phase_number == 1);
    const Decision* ready = FindDecision(tl, "w2-phase");
    REQUIRE(ready != nullptr);
    CHECK(ready->kind == DecisionKind::kPhaseAdvance);
    CHECK(ready->status == DecisionStatus::kPending);
    CHECK(ready->rule == "phase.sign_off_required");
    CHECK_THAT(ready->explanation, Catch::Contains("waiting for your therapist's sign-off"));
    int pending = 0;
    for (const Decision& d : tl.decisions) pending += d.status == DecisionStatus::kPending;
    CHECK(pending == 1);
    CHECK(Count(tl, FlagKind::kPhaseGateStalled) == 0);
  }
  SECTION("approved on day 17: phase 2 from that day") {
    const LocalDate approved = week3 + date::days{2};
    h.actions.push_back({TherapistAction::Kind::kApprove, approved, "w2-phase", "",
                         date::sys_days{approved.time_since_epoch()} + std::chrono::hours(9)});
    const Timeline tl = Evaluate(w.program, h, w.view, kUtc, end);
    CHECK(tl.StateOn(approved - date::days{1}).phase_number == 1);
    CHECK(tl.StateOn(approved).phase_number == 2);
    CHECK(FindDecision(tl, "w2-phase")->status == DecisionStatus::kApproved);
  }
  SECTION("rejected: asked again at the next week's end") {
    h.actions.push_back({TherapistAction::Kind::kReject, week3, "w2-phase", "not yet",
                         date::sys_days{week3.time_since_epoch()} + std::chrono::hours(9)});
    const Timeline tl = Evaluate(w.program, h, w.view, kUtc, end);
    CHECK(tl.StateOn(end).phase_number == 1);
    CHECK(FindDecision(tl, "w2-phase")->status == DecisionStatus::kRejected);
    const Decision* again = FindDecision(tl, "w3-phase");
    REQUIRE(again != nullptr);
    CHECK(again->status == DecisionStatus::kPending);
  }
}

TEST_CASE("a pause shifts nothing and flags nothing: doses stand still, the phase keeps its length",
          "[progression][scenario][care]") {
  World w;
  // Phase 2 runs weeks 3-4 as planned; a holiday pauses weeks 3 and 4, with no session.
  const LocalDate start = w.program.start_date;
  w.program.pauses = {Pause{"holiday", start + date::days{14}, start + date::days{27}, "holiday",
                            "clinics/c/therapists/t", Instant{}}};
  const Timeline tl = Evaluate(w.program,
                               Simulate(w, 42,
                                        [&](LocalDate day, const ProgressState& st, int i) {
                                          if (PausedOn(w.program, day))
                                            return std::optional<Session>{};
                                          return AheadOfPlan(day, st, i);
                                        }),
                               w.view, kUtc, start + date::days{41});
  const ProgressState& before = tl.StateOn(start + date::days{14});
  const ProgressState& after = tl.StateOn(start + date::days{28});
  REQUIRE(before.phase_number == 2);
  CHECK(after.phase_number == 2);
  REQUIRE(after.prescriptions.size() == before.prescriptions.size());
  for (size_t i = 0; i < before.prescriptions.size(); ++i) {
    CHECK(after.prescriptions[i].exercise_id == before.prescriptions[i].exercise_id);
    CHECK(after.prescriptions[i].dose == before.prescriptions[i].dose);
  }
  CHECK(Count(tl, FlagKind::kInactivity) == 0);
  CHECK(Count(tl, FlagKind::kPhaseGateStalled) == 0);
  for (const Decision& d : tl.decisions) {
    if (d.week == 3 || d.week == 4) {
      INFO(d.id << ": " << d.explanation);
      CHECK((d.rule == "program.paused" || d.exercise_id.empty()));
    }
  }
  // Phase 2's two planned weeks are the two after the pause: maintenance from week 7 (day 42).
  CHECK(tl.StateOn(start + date::days{41}).phase_number == 2);
  // Nothing is prescribed while paused, so adherence does not count those days.
  const PlanDay paused_day = PlanFor(w.program, tl, start + date::days{15});
  CHECK(paused_day.paused);
  CHECK_FALSE(paused_day.training_day);
  const Timeline done = Evaluate(w.program,
                                 Simulate(w, 43,
                                          [&](LocalDate day, const ProgressState& st, int i) {
                                            if (PausedOn(w.program, day))
                                              return std::optional<Session>{};
                                            return AheadOfPlan(day, st, i);
                                          }),
                                 w.view, kUtc, start + date::days{42});
  CHECK(done.StateOn(start + date::days{42}).phase_number == 3);
}

TEST_CASE("a patient who logs half the sessions holds and stays in phase, never regressing",
          "[progression][scenario]") {
  World w;
  w.program.revisions[0].phases[0].sessions_per_week = 6;  // half = 3 of 6 every week
  const ProgramHistory h = Simulate(w, 42, [](LocalDate day, const ProgressState& st, int i) {
    return i % 2 == 0
               ? std::optional<Session>(AsPrescribed(st, "s" + std::to_string(i), day, 1, 1, 4))
               : std::nullopt;
  });
  const Timeline tl = Evaluate(w.program, h, w.view, kUtc, w.program.start_date + date::days{42});
  bool saw_adherence_hold = false;
  for (const Decision& d : tl.decisions) {
    INFO(d.id << ": " << d.explanation);
    CHECK(d.kind != DecisionKind::kRegress);
    CHECK(d.kind != DecisionKind::kPhaseAdvance);
    saw_adherence_hold |= d.rule == "adherence.below_gate";
  }
  CHECK(saw_adherence_hold);
  CHECK(tl.StateOn(w.program.start_date + date::days{41}).phase_number == 1);
  CHECK(Count(tl, FlagKind::kPhaseGateStalled) == 1);
}

TEST_CASE("a pain flare in one exercise regresses that exercise only", "[progression][scenario]") {
  World w;
  // Two good weeks, then in week 3... keep phase 1 longer so both exercises have a trail.
  w.program.revisions[0].phases[0].weeks = 4;
  w.program.revisions[0].phases[1].start_week = 5;
  w.program.revisions[0].phases[2].start_week = 7;
  const ProgramHistory h = Simulate(w, 21, [](LocalDate day, const ProgressState& st, int i) {
    Session s = AsPrescribed(st, "s" + std::to_string(i), day, 1, 2, 4);
    for (ExerciseLog& l : s.exercises) l.pain = 1;
    if (i == 7) {  // week 3: the row hurts
      for (ExerciseLog& l : s.exercises) {
        if (l.exercise_id == "band-row") l.pain = 7;
      }
    }
    return std::optional<Session>(s);
  });
  const Timeline tl = Evaluate(w.program, h, w.view, kUtc, w.program.start_date + date::days{21});
  const auto row = DecisionsFor(tl, "band-row");
  const auto nod = DecisionsFor(tl, "chin-nod");
  REQUIRE(row.size() == 3);
  REQUIRE(nod.size() == 3);
  CHECK(row[2]->kind == DecisionKind::kRegress);
  CHECK(row[2]->rule == "pain.above_acceptable");
  CHECK(row[2]->new_dose == row[1]->old_dose);
  CHECK(nod[2]->kind == DecisionKind::kHold);  // no exercise progresses that week
  CHECK(nod[2]->rule == "pain.above_acceptable_elsewhere");
  CHECK(Count(tl, FlagKind::kPainFlare) == 1);
}

TEST_CASE("without per-exercise pain, a painful session regresses every exercise in it",
          "[progression][rules]") {
  World w;
  w.program.revisions[0].phases[0].weeks = 4;
  w.program.revisions[0].phases[1].start_week = 5;
  w.program.revisions[0].phases[2].start_week = 7;
  const ProgramHistory h = Simulate(w, 14, [](LocalDate day, const ProgressState& st, int i) {
    return std::optional<Session>(
        AsPrescribed(st, "s" + std::to_string(i), day, 1, i == 4 ? 8 : 1, 4));
  });
  const Timeline tl = Evaluate(w.program, h, w.view, kUtc, w.program.start_date + date::days{14});
  for (const char* id : {"chin-nod", "band-row"}) {
    const auto ds = DecisionsFor(tl, id);
    REQUIRE(ds.size() == 2);
    CHECK(ds[0]->kind == DecisionKind::kProgress);
    CHECK(ds[1]->kind == DecisionKind::kRegress);
  }
}

TEST_CASE("a worse next morning regresses the exercise that hurt, or holds when none did",
          "[progression][rules]") {
  World w;
  w.program.revisions[0].phases[0].weeks = 4;
  w.program.revisions[0].phases[1].start_week = 5;
  w.program.revisions[0].phases[2].start_week = 7;
  SECTION("the follow-up report blames the exercise with pain above the safe band") {
    ProgramHistory h = Simulate(w, 14, [](LocalDate day, const ProgressState& st, int i) {
      Session s = AsPrescribed(st, "s" + std::to_string(i), day, 2, 2, 4);
      for (ExerciseLog& l : s.exercises) l.pain = (i == 4 && l.exercise_id == "band-row") ? 4 : 1;
      return std::optional<Session>(s);
    });
    h.followups.push_back({"s4", 5});  // above the pre-session 2
    const Timeline tl = Evaluate(w.program, h, w.view, kUtc, w.program.start_date + date::days{14});
    CHECK(DecisionsFor(tl, "band-row")[1]->kind == DecisionKind::kRegress);
    CHECK(DecisionsFor(tl, "band-row")[1]->rule == "pain.next_morning_worse");
    CHECK(DecisionsFor(tl, "chin-nod")[1]->kind == DecisionKind::kHold);
  }
  SECTION("the next session's starting pain counts too; nothing hurt, so everything holds") {
    ProgramHistory h = Simulate(w, 14, [](LocalDate day, const ProgressState& st, int i) {
      return std::optional<Session>(
          AsPrescribed(st, "s" + std::to_string(i), day, i == 5 ? 4 : 1, 1, 4));
    });
    const Timeline tl = Evaluate(w.program, h, w.view, kUtc, w.program.start_date + date::days{14});
    for (const char* id : {"chin-nod", "band-row"}) {
      CHECK(DecisionsFor(tl, id)[1]->kind == DecisionKind::kHold);
      CHECK(DecisionsFor(tl, id)[1]->rule == "pain.next_morning_worse");
    }
  }
}

TEST_CASE("high effort or an incomplete dose holds", "[progression][rules]") {
  World w;
  SECTION("effort above 6") {
    const ProgramHistory h = Simulate(w, 7, [](LocalDate day, const ProgressState& st, int i) {
      return std::optional<Session>(AsPrescribed(st, "s" + std::to_string(i), day, 1, 1, 7));
    });
    const Timeline tl = Evaluate(w.program, h, w.view, kUtc, w.program.start_date + date::days{7});
    CHECK(DecisionsFor(tl, "chin-nod")[0]->rule == "effort.too_high");
  }
  SECTION("the full dose done only once") {
    const ProgramHistory h = Simulate(w, 7, [](LocalDate day, const ProgressState& st, int i) {
      Session s = AsPrescribed(st, "s" + std::to_string(i), day, 1, 1, 4);
      if (i > 0) {
        for (ExerciseLog& l : s.exercises) l.reps -= 2;
      }
      return std::optional<Session>(s);
    });
    const Timeline tl = Evaluate(w.program, h, w.view, kUtc, w.program.start_date + date::days{7});
    const Decision& d = *DecisionsFor(tl, "band-row")[0];
    CHECK(d.rule == "dose.target_not_reached");
    CHECK(d.explanation.find("1 session") != std::string::npos);
  }
}

TEST_CASE("a red flag suspends at once, and nothing progresses until a therapist clears it",
          "[progression][redflag]") {
  World w;
  ProgramHistory h = Simulate(w, 10, [](LocalDate day, const ProgressState& st, int i) {
    Session s = AsPrescribed(st, "s" + std::to_string(i), day, 1, 1, 4);
    if (i == 3) s.red_flags = {"dizziness-vision-speech"};
    return std::optional<Session>(s);
  });
  const LocalDate flagged = h.sessions[3].local_date;
  Timeline tl = Evaluate(w.program, h, w.view, kUtc, w.program.start_date + date::days{35});
  CHECK(tl.StateOn(flagged - date::days{1}).suspended == false);
  CHECK(tl.StateOn(flagged).suspended);
  CHECK(tl.StateOn(w.program.start_date + date::days{35}).suspended);
  CHECK(Count(tl, FlagKind::kRedFlag) == 1);
  for (const Decision& d : tl.decisions) CHECK(d.week < ProgramWeek(w.program.start_date, flagged));

  h.actions.push_back({TherapistAction::Kind::kClearRedFlag, w.program.start_date + date::days{20},
                       "", "seen, safe"});
  tl = Evaluate(w.program, h, w.view, kUtc, w.program.start_date + date::days{35});
  CHECK_FALSE(tl.StateOn(w.program.start_date + date::days{20}).suspended);
  bool later = false;
  for (const Decision& d : tl.decisions) later |= d.week >= 3;
  CHECK(later);  // evaluations resume after the clearing
}

TEST_CASE("regression: a red flag cleared the same day it was reported resumes that day",
          "[progression][redflag][regression]") {
  World w;
  ProgramHistory h = Simulate(w, 3, [](LocalDate day, const ProgressState& st, int i) {
    Session s = AsPrescribed(st, "s" + std::to_string(i), day, 1, 1, 4);
    if (i == 1) s.red_flags = {"recent-trauma"};
    return std::optional<Session>(s);
  });
  const LocalDate flagged = h.sessions[1].local_date;
  // Recorded after the flagged session reached the server.
  h.actions.push_back({TherapistAction::Kind::kClearRedFlag, flagged, "", "checked: minor fall",
                       h.sessions[1].receive_time + std::chrono::minutes(30)});
  const Timeline tl = Evaluate(w.program, h, w.view, kUtc, flagged);
  CHECK_FALSE(tl.StateOn(flagged).suspended);
  CHECK(Count(tl, FlagKind::kRedFlag) == 1);  // the flag stays on record
}

TEST_CASE("regression: a red flag received after the day's clearing suspends again",
          "[progression][redflag][regression]") {
  World w;
  ProgramHistory h = Simulate(w, 3, [](LocalDate day, const ProgressState& st, int i) {
    Session s = AsPrescribed(st, "s" + std::to_string(i), day, 1, 1, 4);
    if (i == 1) s.red_flags = {"recent-trauma"};
    return std::optional<Session>(s);
  });
  const LocalDate flagged = h.sessions[1].local_date;
  h.actions.push_back({TherapistAction::Kind::kClearRedFlag, flagged, "", "checked",
                       h.sessions[1].receive_time + std::chrono::minutes(30)});
  Session later = h.sessions[1];
  later.id = "s-later";
  later.red_flags = {"night-rest-pain"};
  later.receive_time = h.sessions[1].receive_time + std::chrono::hours(2);
  h.sessions.push_back(later);
  const Timeline tl = Evaluate(w.program, h, w.view, kUtc, flagged);
  CHECK(tl.StateOn(flagged).suspended);
  CHECK(Count(tl, FlagKind::kRedFlag) == 2);
}

TEST_CASE("regression: a red flag synced late is not covered by an earlier clearing",
          "[progression][redflag][regression]") {
  World w;
  ProgramHistory h = Simulate(w, 5, [](LocalDate day, const ProgressState& st, int i) {
    Session s = AsPrescribed(st, "s" + std::to_string(i), day, 1, 1, 4);
    if (i == 0) s.red_flags = {"recent-trauma"};
    return std::optional<Session>(s);
  });
  const LocalDate clear_day = w.program.start_date + date::days{2};
  const Instant clear_at = date::sys_days{clear_day.time_since_epoch()} + std::chrono::hours(10);
  h.actions.push_back({TherapistAction::Kind::kClearRedFlag, clear_day, "", "checked", clear_at});
  // A session of the day before, with a new red flag, reaches the server an hour after it.
  Session late = h.sessions[0];
  late.id = "late";
  late.local_date = w.program.start_date + date::days{1};
  late.perform_time = date::sys_days{late.local_date.time_since_epoch()} + std::chrono::hours(18);
  late.receive_time = clear_at + std::chrono::hours(1);
  late.red_flags = {"night-rest-pain"};
  h.sessions.push_back(late);
  const Timeline tl = Evaluate(w.program, h, w.view, kUtc, clear_day);
  CHECK(tl.StateOn(clear_day).suspended);
}

TEST_CASE("regression: a week with a red flag holds even after it was cleared",
          "[progression][redflag][regression]") {
  World w;
  ProgramHistory h = Simulate(w, 7, [](LocalDate day, const ProgressState& st, int i) {
    Session s = AsPrescribed(st, "s" + std::to_string(i), day, 1, 1, 4);
    if (i == 0) s.red_flags = {"recent-trauma"};
    return std::optional<Session>(s);
  });
  const LocalDate clear_day = w.program.start_date + date::days{1};
  h.actions.push_back({TherapistAction::Kind::kClearRedFlag, clear_day, "", "checked",
                       date::sys_days{clear_day.time_since_epoch()} + std::chrono::hours(9)});
  // Two more sessions after the clearing make the week look adherent and pain-free.
  const Timeline tl = Evaluate(w.program, h, w.view, kUtc, w.program.start_date + date::days{8});
  for (const Decision& d : tl.decisions) {
    INFO(d.id << ": " << d.explanation);
    CHECK(d.kind != DecisionKind::kProgress);
    if (d.week == 1 && !d.exercise_id.empty()) CHECK(d.rule == "redflag.this_week");
  }
}

TEST_CASE("regression: pain before a session above the band stops progression that week",
          "[progression][rules][regression]") {
  World w;
  const ProgramHistory h = Simulate(w, 7, [](LocalDate day, const ProgressState& st, int i) {
    return std::optional<Session>(
        AsPrescribed(st, "s" + std::to_string(i), day, i == 1 ? 7 : 1, 1, 4));
  });
  const Timeline tl = Evaluate(w.program, h, w.view, kUtc, w.program.start_date + date::days{8});
  for (const Decision& d : tl.decisions) CHECK(d.kind != DecisionKind::kProgress);
}

TEST_CASE("suggest mode waits for approval, reject never applies, fixed never changes",
          "[progression][modes]") {
  World w;
  w.Rx(1, "chin-nod").mode = ProgressionMode::kSuggest;
  w.Rx(1, "band-row").mode = ProgressionMode::kFixed;
  ProgramHistory h = Simulate(w, 7, Adherent);
  const LocalDate day8 = w.program.start_date + date::days{8};
  Timeline tl = Evaluate(w.program, h, w.view, kUtc, day8);
  REQUIRE(DecisionsFor(tl, "chin-nod").size() == 1);
  CHECK(DecisionsFor(tl, "band-row").empty());
  const Decision pending = *DecisionsFor(tl, "chin-nod")[0];
  CHECK(pending.status == DecisionStatus::kPending);
  CHECK(tl.StateOn(day8).prescriptions[0].dose == Hold(1, 10, 5));

  SECTION("approved") {
    h.actions.push_back({TherapistAction::Kind::kApprove, day8, pending.id, ""});
    tl = Evaluate(w.program, h, w.view, kUtc, day8);
    CHECK(DecisionsFor(tl, "chin-nod")[0]->status == DecisionStatus::kApproved);
    CHECK(tl.StateOn(day8).prescriptions[0].dose == Hold(1, 10, 10));
    CHECK(tl.StateOn(day8 - date::days{1}).prescriptions[0].dose == Hold(1, 10, 5));
  }
  SECTION("rejected") {
    h.actions.push_back({TherapistAction::Kind::kReject, day8, pending.id, ""});
    tl = Evaluate(w.program, h, w.view, kUtc, day8);
    CHECK(DecisionsFor(tl, "chin-nod")[0]->status == DecisionStatus::kRejected);
    CHECK(tl.StateOn(day8).prescriptions[0].dose == Hold(1, 10, 5));
  }
  CHECK(tl.StateOn(day8).prescriptions[1].dose == Reps(2, 8, "red"));
}

TEST_CASE("regression: an approved suggestion is never undone by what arrives after it",
          "[progression][modes][settled]") {
  // The therapist approves "hold 5 s -> 10 s" on the week's grace day; afterwards the patient's
  // phone syncs a Sunday session that starts from higher pain (or a next-morning report comes in
  // days later). Before settled weeks, that input replayed the closed week: the approved
  // decision became "no change" and the dose went back, with no word to anyone.
  World w;
  w.Rx(1, "chin-nod").mode = ProgressionMode::kSuggest;
  ProgramHistory h = Simulate(w, 7, Adherent);
  REQUIRE(h.sessions.size() == 3);  // days 0, 2 and 4, pain 1 before and after
  const LocalDate start = w.program.start_date;
  const LocalDate grace = start + date::days{7};
  const LocalDate later = start + date::days{16};
  auto at = [](LocalDate day, int hour) {
    return date::sys_days{day.time_since_epoch()} + std::chrono::hours(hour);
  };
  const Timeline before = Evaluate(w.program, h, w.view, kUtc, grace);
  REQUIRE(DecisionsFor(before, "chin-nod").size() == 1);
  const Decision pending = *DecisionsFor(before, "chin-nod")[0];
  REQUIRE(pending.status == DecisionStatus::kPending);
  REQUIRE(pending.new_dose == Hold(1, 10, 10));
  h.actions.push_back(
      {TherapistAction::Kind::kApprove, grace, pending.id, "looks good", at(grace, 10)});

  SECTION("a session of the closed week synced after the approval, on the grace day") {
    Session sunday = AsPrescribed(before.StateOn(start), "sunday", start + date::days{6}, 4, 2, 4);
    sunday.perform_time = at(start + date::days{6}, 20);
    sunday.receive_time = at(grace, 15);  // after the approval at 10:00
    h.sessions.push_back(sunday);
  }
  SECTION("a next-morning report that arrives days later") {
    h.followups.push_back({h.sessions[2].id, 5, at(start + date::days{10}, 9)});
  }
  const Timeline after = Evaluate(w.program, h, w.view, kUtc, later);
  const std::vector<const Decision*> chin_nod = DecisionsFor(after, "chin-nod");
  REQUIRE(chin_nod.size() >= 2);
  CHECK(*chin_nod[0] == [&] {
    Decision approved = pending;
    approved.status = DecisionStatus::kApproved;
    approved.effective_date = grace;  // from the day it was given
    return approved;
  }());
  CHECK(after.StateOn(grace).prescriptions[0].dose == Hold(1, 10, 10));
  CHECK(after.StateOn(later).prescriptions[0].dose == Hold(1, 10, 10));
  // The late report weighs on the week it arrived in: that week holds, and says why.
  CHECK(chin_nod[1]->week == 2);
  CHECK(chin_nod[1]->kind == DecisionKind::kHold);
  CHECK(chin_nod[1]->rule == "pain.reported_late");
  CHECK_THAT(chin_nod[1]->explanation, Catch::Contains("late report"));
}

TEST_CASE("a session synced after the grace day counts for adherence but not for the decision",
          "[progression][rules]") {
  World w;
  ProgramHistory h = Simulate(w, 7, Adherent);
  REQUIRE(h.sessions.size() == 3);
  const LocalDate day8 = w.program.start_date + date::days{8};
  SECTION("received the day after the week: counted") {
    h.sessions[2].receive_time =
        date::sys_days{(w.program.start_date + date::days{7}).time_since_epoch()} +
        std::chrono::hours(23);
    CHECK(DecisionsFor(Evaluate(w.program, h, w.view, kUtc, day8), "chin-nod")[0]->kind ==
          DecisionKind::kProgress);
  }
  SECTION("received two days later: the week had 2 of 3, below the gate") {
    h.sessions[2].receive_time =
        date::sys_days{(w.program.start_date + date::days{8}).time_since_epoch()} +
        std::chrono::hours(1);
    h.sessions[1].receive_time = h.sessions[2].receive_time;
    CHECK(DecisionsFor(Evaluate(w.program, h, w.view, kUtc, day8), "chin-nod")[0]->rule ==
          "adherence.below_gate");
  }
}

TEST_CASE("inactivity in maintenance allows for its own schedule's longest gap",
          "[progression][flags]") {
  World w;
  ProgramHistory h = Simulate(w, 42, Adherent);  // maintenance from day 28: 2 sessions a week
  const LocalDate last = h.sessions.back().local_date;
  REQUIRE(Evaluate(w.program, h, w.view, kUtc, last).StateOn(last).phase_number == 3);
  // Sessions 3 and 4 days apart are the schedule; 5 days without one is not.
  CHECK(Count(Evaluate(w.program, h, w.view, kUtc, last + date::days{4}), FlagKind::kInactivity) ==
        0);
  CHECK(Count(Evaluate(w.program, h, w.view, kUtc, last + date::days{5}), FlagKind::kInactivity) ==
        1);
}

TEST_CASE("inactivity is flagged once per gap, after the configured days", "[progression][flags]") {
  World w;
  ProgramHistory h = Simulate(w, 3, Adherent);  // sessions on days 0 and 2
  const LocalDate last = h.sessions.back().local_date;
  Timeline tl = Evaluate(w.program, h, w.view, kUtc, last + date::days{3});
  CHECK(Count(tl, FlagKind::kInactivity) == 0);
  tl = Evaluate(w.program, h, w.view, kUtc, last + date::days{10});
  REQUIRE(Count(tl, FlagKind::kInactivity) == 1);
  for (const Flag& f : tl.flags) {
    if (f.kind == FlagKind::kInactivity) CHECK(f.date == last + date::days{4});
  }
}

TEST_CASE("no improvement after six weeks flags a re-evaluation", "[progression][flags]") {
  World w;
  w.program.revisions[0].phases[0].weeks = 8;  // keep the patient in one phase
  w.program.revisions[0].phases[1].start_week = 9;
  w.program.revisions[0].phases[2].start_week = 11;
  struct Row {
    int first_pain, last_pain;
    bool flagged;
  };
  // Still above the safe band (3) and not down by 2 points or 30 %: flagged.
  for (const Row& r : {Row{6, 6, true}, Row{6, 5, true}, Row{6, 4, false}, Row{5, 4, true},
                       Row{5, 3, false}, Row{2, 2, false}}) {
    INFO(r.first_pain << " -> " << r.last_pain);
    const ProgramHistory h = Simulate(w, 42, [&](LocalDate day, const ProgressState& st, int i) {
      const bool first_week = day < w.program.start_date + date::days{7};
      const int pain = first_week ? r.first_pain : r.last_pain;
      return std::optional<Session>(AsPrescribed(st, "s" + std::to_string(i), day, pain, pain, 4));
    });
    const Timeline tl = Evaluate(w.program, h, w.view, kUtc, w.program.start_date + date::days{43});
    CHECK(Count(tl, FlagKind::kReevaluationDue) == (r.flagged ? 1 : 0));
  }
}

TEST_CASE("a boost returns a maintenance patient to phase 2 from that day",
          "[progression][phases]") {
  World w;
  ProgramHistory h = Simulate(w, 35, Adherent);
  const LocalDate boost = w.program.start_date + date::days{33};
  Timeline tl = Evaluate(w.program, h, w.view, kUtc, boost);
  REQUIRE(tl.StateOn(boost).phase_number == 3);
  h.actions.push_back({TherapistAction::Kind::kBoost, boost, "", "pain came back"});
  tl = Evaluate(w.program, h, w.view, kUtc, boost);
  CHECK(tl.StateOn(boost - date::days{1}).phase_number == 3);
  const ProgressState& st = tl.StateOn(boost);
  CHECK(st.phase_number == 2);
  REQUIRE(st.prescriptions.size() == 2);
  CHECK(st.prescriptions[0].dose == Reps(3, 8, "green"));
  CHECK(st.prescriptions[0].why.find("pain came back") != std::string::npos);
}

TEST_CASE("a therapist's revision resets only the prescriptions it changed",
          "[progression][revisions]") {
  World w;
  w.program.revisions[0].phases[0].weeks = 4;
  w.program.revisions[0].phases[1].start_week = 5;
  w.program.revisions[0].phases[2].start_week = 7;
  ProgramRevision r2 = w.program.revisions[0];
  r2.revision = 2;
  r2.effective_date = w.program.start_date + date::days{10};
  r2.reason = "lighter band";
  r2.phases[0].prescriptions[1].dose_steps = {Reps(2, 8, "yellow"), Reps(2, 10, "yellow")};
  w.program.revisions.push_back(r2);
  const ProgramHistory h = Simulate(w, 14, Adherent);
  const Timeline tl = Evaluate(w.program, h, w.view, kUtc, r2.effective_date);
  const ProgressState& before = tl.StateOn(r2.effective_date - date::days{1});
  const ProgressState& after = tl.StateOn(r2.effective_date);
  CHECK(after.revision == 2);
  CHECK(after.prescriptions[0].dose == before.prescriptions[0].dose);  // chin-nod keeps its gain
  CHECK(before.prescriptions[0].dose == Hold(1, 10, 10));
  CHECK(after.prescriptions[1].dose == Reps(2, 8, "yellow"));
  CHECK(after.prescriptions[1].why.find("lighter band") != std::string::npos);
}

TEST_CASE("weeks are local: a DST change and far-apart zones give the same decisions",
          "[progression][zones]") {
  // A program across the 2026-11-01 US fall-back; every session at 00:30 local time.
  auto run = [](const char* zone_name) {
    World w(D(2026, 10, 26));
    const Zone zone = date::locate_zone(zone_name);
    const ProgramHistory h = Simulate(
        w, 21,
        [&](LocalDate day, const ProgressState& st, int i) {
          Session s = AsPrescribed(st, "s" + std::to_string(i), day, 1, 1, 4);
          const auto local = date::local_time<std::chrono::milliseconds>(day.time_since_epoch()) +
                             std::chrono::minutes(30);
          s.perform_time = zone->to_sys(local, date::choose::earliest);
          s.receive_time = s.perform_time + std::chrono::minutes(5);
          REQUIRE(LocalDateOf(s.perform_time, zone) == day);
          return std::optional<Session>(s);
        },
        zone);
    return Evaluate(w.program, h, w.view, zone, D(2026, 11, 16));
  };
  const Timeline ny = run("America/New_York");
  for (const char* other : {"Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata"}) {
    INFO(other);
    const Timeline tl = run(other);
    REQUIRE(tl.decisions.size() == ny.decisions.size());
    for (size_t i = 0; i < tl.decisions.size(); ++i) {
      CHECK(tl.decisions[i].id == ny.decisions[i].id);
      CHECK(tl.decisions[i].kind == ny.decisions[i].kind);
      CHECK(tl.decisions[i].effective_date == ny.decisions[i].effective_date);
    }
  }
  CHECK(ny.StateOn(D(2026, 11, 9)).phase_number == 2);  // two full local weeks, DST included
}

}  // namespace ptrack::testing
