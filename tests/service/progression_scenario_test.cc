// Scenario tests of adaptive progression (CLINICAL.md §1–§5) through the real services: each
// scenario creates a patient on the default 12-week protocol and lives through weeks of it day by
// day on the fake clock — today's plan read at 18:30 local time, a session logged from it on
// training days — and then checks what the service answers: plans, decisions, flags, adherence.
// The error-path scenarios (approvals, next-morning pain, session validation) follow.
#include <SQLiteCpp/SQLiteCpp.h>
#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ptrack/v1/rtm.grpc.pb.h"
#include "tests/service/service_fixture.h"
#include "tests/service/sim_patient.h"
#include "tests/service/test_helpers.h"

namespace ptrack::testing {
namespace {

using Code = grpc::StatusCode;
using google::protobuf::util::MessageDifferencer;

}  // namespace

// 1. CLINICAL.md §1/§3: full adherence, no pain, moderate effort, every dose done in full.
TEST_CASE("scenario: an adherent pain-free patient reaches maintenance",
          "[progression][scenario]") {
  F f;
  SimPatient p(f, "adherent-anna", "America/Los_Angeles");

  int maintenance_day = -1;
  for (int day = 0; day < 16 * 7 && (maintenance_day < 0 || day < maintenance_day + 7); ++day) {
    p.Live(day, Adherent);
    if (maintenance_day < 0 && p.plans[day].phase_number() == 4) maintenance_day = day;
  }
  const int last_day = p.plans.rbegin()->first;

  // Phase 4 (home maintenance) within 13 to 16 weeks, entered on the first day of a program week.
  INFO("maintenance from day " << maintenance_day);
  REQUIRE(maintenance_day >= 0);
  CHECK(maintenance_day / 7 + 1 >= 13);
  CHECK(maintenance_day / 7 + 1 <= 16);
  CHECK(maintenance_day % 7 == 0);
  CHECK(p.plans[maintenance_day].phase_name() == "Home maintenance");
  // The phases come in order 1, 2, 3, 4 and never go back.
  std::vector<int> phases;
  for (const auto& [day, plan] : p.plans) {
    if (phases.empty() || phases.back() != plan.phase_number())
      phases.push_back(plan.phase_number());
  }
  CHECK(phases == std::vector<int>{1, 2, 3, 4});
  // Maintenance: two sessions a week, one set of each strength exercise, stretches included.
  int maintenance_training_days = 0;
  for (int day = maintenance_day; day < maintenance_day + 7; ++day) {
    maintenance_training_days += p.plans[day].training_day() ? 1 : 0;
  }
  CHECK(maintenance_training_days == 2);
  const v1::PlannedExercise* row = Planned(p.plans[maintenance_day], "exercises/band-row");
  REQUIRE(row != nullptr);
  CHECK(row->dose().sets() == 1);
  CHECK(row->dose().band() == "green");
  CHECK(Planned(p.plans[maintenance_day], "exercises/doorway-pectoral-stretch") != nullptr);
  CHECK_FALSE(row->why().empty());  // the new phase explains itself
  // Phase 1 prescribes six sessions a week.
  int phase1_training_days = 0;
  for (int day = 0; day < 7; ++day) phase1_training_days += p.plans[day].training_day() ? 1 : 0;
  CHECK(phase1_training_days == 6);

  const auto decisions = p.Decisions();
  REQUIRE_FALSE(decisions.empty());
  CHECK(Count(decisions, v1::DECISION_KIND_REGRESS) == 0);
  CHECK(Count(decisions, v1::DECISION_KIND_PROGRESS) > 0);
  std::vector<std::string> unchanged;  // "progressions" that change nothing
  for (const v1::Decision& d : decisions) {
    INFO(Show(d));
    CHECK_FALSE(d.explanation().empty());
    CHECK_FALSE(d.rule().empty());
    if (d.kind() == v1::DECISION_KIND_PROGRESS) {
      CHECK(d.rule() == "progress");
      CHECK(d.status() == v1::DECISION_STATUS_APPLIED);
      CHECK(d.explanation().find("sessions done") != std::string::npos);
      CHECK(d.inputs_size() > 0);
      if (MessageDifferencer::Equals(d.old_dose(), d.new_dose()) &&
          d.old_exercise() == d.new_exercise()) {
        unchanged.push_back(d.name().substr(d.name().rfind('/') + 1) + ": " + d.explanation());
      }
    }
  }
  // A progress decision raises something (CLINICAL.md §3: "hold raised from 5 s to 10 s").
  CHECK(unchanged == std::vector<std::string>{});
  // Three phase advances: 1 -> 2 -> 3 -> 4, each on its gate.
  std::vector<std::pair<int, int>> advances;
  for (const v1::Decision& d : decisions) {
    if (d.kind() != v1::DECISION_KIND_PHASE_ADVANCE) continue;
    CHECK(d.rule() == "phase.gate_met");
    CHECK(d.exercise().empty());
    advances.emplace_back(d.old_phase(), d.new_phase());
  }
  CHECK(advances == std::vector<std::pair<int, int>>{{1, 2}, {2, 3}, {3, 4}});

  // Week 1 ended with every phase-1 exercise at its full dose: each progressed, and the plan of
  // the next day shows the new dose with the decision's explanation as its "why".
  for (const v1::PlannedExercise& e : p.plans[0].exercises()) {
    const v1::Decision d = One(decisions, 1, e.exercise());
    INFO(Show(d));
    CHECK(d.kind() == v1::DECISION_KIND_PROGRESS);
    CHECK(d.effective_date() == p.Iso(7));
    CHECK(MessageDifferencer::Equals(d.old_dose(), e.dose()));
    const v1::PlannedExercise* next = Planned(p.plans[7], d.new_exercise());
    REQUIRE(next != nullptr);
    CHECK(MessageDifferencer::Equals(next->dose(), d.new_dose()));
    CHECK(next->why() == d.explanation());
  }
  CHECK(p.plans[0].exercises(0).why().empty());  // nothing changed yet on the first day

  // Every prescribed session was logged: adherence is complete, and nothing needs attention.
  const v1::Adherence adherence = p.Adherence(0, last_day);
  CHECK(adherence.sessions_prescribed() > 0);
  CHECK(adherence.sessions_done() == adherence.sessions_prescribed());
  CHECK(adherence.sessions_prescribed() == static_cast<int>(p.logged.size()));
  CHECK(adherence.ratio() == Approx(1.0));
  const v1::ListFlagsResponse flags = p.Flags();
  INFO(flags.ShortDebugString());
  CHECK(flags.flags_size() == 0);
  CHECK_FALSE(flags.suspended());
}

// 2. CLINICAL.md §3 adherence gate: low adherence holds the dose and never regresses.
TEST_CASE("scenario: a patient who logs half the sessions stays in phase 1",
          "[progression][scenario]") {
  F f;
  SimPatient p(f, "halfway-hugo", "Europe/Berlin");
  int training_days = 0;
  const Behaviour every_other = [&](int, const v1::PlanDay&) -> std::optional<Report> {
    if (training_days++ % 2 == 1) return std::nullopt;
    return Report{};
  };
  p.LiveDays(0, 12 * 7 + 1, every_other);  // 12 full weeks, then the first day of week 13

  for (const auto& [day, plan] : p.plans) {
    INFO("day " << day);
    CHECK(plan.phase_number() == 1);
  }
  CHECK(p.logged.size() == 12 * 3 + 1);

  const auto decisions = p.Decisions();
  int exercise_decisions = 0;
  for (const v1::Decision& d : decisions) {
    INFO(Show(d));
    CHECK(d.kind() != v1::DECISION_KIND_REGRESS);
    CHECK(d.kind() != v1::DECISION_KIND_PROGRESS);
    CHECK(d.kind() != v1::DECISION_KIND_PHASE_ADVANCE);
    if (d.exercise().empty()) {
      CHECK(d.kind() == v1::DECISION_KIND_PHASE_HOLD);
      continue;
    }
    ++exercise_decisions;
    CHECK(d.kind() == v1::DECISION_KIND_HOLD);
    CHECK(d.rule() == "adherence.below_gate");
    CHECK(d.status() == v1::DECISION_STATUS_NO_CHANGE);
    CHECK(MessageDifferencer::Equals(d.old_dose(), d.new_dose()));
    CHECK_FALSE(d.explanation().empty());
    CHECK(d.explanation().find("3 of 6") != std::string::npos);
  }
  CHECK(exercise_decisions == 12 * 6);  // every week 1..12, every phase-1 exercise
  for (int week = 1; week <= 12; ++week)
    CHECK(For(decisions, week, "exercises/curl-up").size() == 1);

  const v1::Adherence adherence = p.Adherence(0, 12 * 7 - 1);
  CHECK(adherence.sessions_prescribed() == 12 * 6);
  CHECK(adherence.sessions_done() == 12 * 3);
  CHECK(adherence.ratio() == Approx(0.5));

  const v1::ListFlagsResponse flags = p.Flags();
  INFO(flags.ShortDebugString());
  CHECK_FALSE(FlagsOf(flags, v1::FLAG_KIND_PHASE_GATE_STALLED).empty());
  CHECK(FlagsOf(flags, v1::FLAG_KIND_PAIN_FLARE).empty());
  CHECK(FlagsOf(flags, v1::FLAG_KIND_RED_FLAG).empty());
}

// 3. CLINICAL.md §3 pain monitoring: pain above 5 in one exercise regresses only that exercise.
TEST_CASE("scenario: a pain flare in one exercise regresses only that exercise",
          "[progression][scenario]") {
  F f;
  SimPatient p(f, "flare-fumiko", "Asia/Tokyo");
  constexpr int kFlareDay = 4 * 7;  // the first session of week 5, in phase 2
  const std::string row = "exercises/band-row";
  const Behaviour flare_once = [&](int day, const v1::PlanDay&) -> std::optional<Report> {
    Report r;
    if (day == kFlareDay) {
      r.pain_of[row] = 7;
      r.pain_after = 3;
    }
    return r;
  };
  p.LiveDays(0, 5 * 7 + 1, flare_once);  // through the first day of week 6
  REQUIRE(p.logged.count(kFlareDay) == 1);
  REQUIRE(p.plans[kFlareDay].phase_number() == 2);

  const auto decisions = p.Decisions();
  // Some progressions first: the band row went up in weeks 3 and 4.
  const v1::Decision w3 = One(decisions, 3, row), w4 = One(decisions, 4, row);
  CHECK(w3.kind() == v1::DECISION_KIND_PROGRESS);
  CHECK(w4.kind() == v1::DECISION_KIND_PROGRESS);

  const v1::Decision regress = One(decisions, 5, row);
  INFO(Show(regress));
  CHECK(regress.kind() == v1::DECISION_KIND_REGRESS);
  CHECK(regress.rule() == "pain.above_acceptable");
  CHECK(regress.status() == v1::DECISION_STATUS_APPLIED);
  CHECK(regress.effective_date() == p.Iso(5 * 7));
  CHECK(MessageDifferencer::Equals(regress.old_dose(), w4.new_dose()));
  CHECK(MessageDifferencer::Equals(regress.new_dose(), w4.old_dose()));  // one step back
  CHECK_FALSE(regress.explanation().empty());

  // Nothing else regressed, that week or any other; the other exercises held in week 5.
  CHECK(Count(decisions, v1::DECISION_KIND_REGRESS) == 1);
  int others = 0;
  for (const v1::Decision& d : decisions) {
    if (d.week() != 5 || d.exercise().empty() || d.exercise() == row) continue;
    INFO(Show(d));
    ++others;
    CHECK(d.kind() == v1::DECISION_KIND_HOLD);
    CHECK(MessageDifferencer::Equals(d.old_dose(), d.new_dose()));
  }
  CHECK(others == 5);

  // The plan of week 6 shows the band row one step back, with the reason.
  const v1::PlannedExercise* planned = Planned(p.plans[5 * 7], row);
  REQUIRE(planned != nullptr);
  CHECK(MessageDifferencer::Equals(planned->dose(), regress.new_dose()));
  CHECK(planned->why() == regress.explanation());

  const v1::ListFlagsResponse flags = p.Flags();
  INFO(flags.ShortDebugString());
  const auto flares = FlagsOf(flags, v1::FLAG_KIND_PAIN_FLARE);
  REQUIRE(flares.size() == 1);
  CHECK(flares[0].date() == p.Iso(kFlareDay));
  CHECK(flares[0].session() == p.logged[kFlareDay].session().name());
  CHECK_FALSE(flags.suspended());
}

// 4. CLINICAL.md §4: a red flag suspends the program until a therapist clears it.
TEST_CASE("scenario: a red flag suspends the program until the therapist clears it",
          "[progression][scenario]") {
  F f;
  SimPatient p(f, "redflag-ruth", "Australia/Sydney");
  constexpr int kFlagDay = 9;    // week 2, a training day of phase 1
  constexpr int kClearDay = 24;  // week 4
  const Behaviour flag_once = [&](int day, const v1::PlanDay&) -> std::optional<Report> {
    Report r;
    if (day == kFlagDay) r.red_flags = {"dizziness-vision-speech"};
    return r;
  };
  p.LiveDays(0, kFlagDay + 1, flag_once);
  REQUIRE(p.logged.count(kFlagDay) == 1);
  const v1::LogSessionResponse& flagged = p.logged[kFlagDay];
  CHECK(flagged.program_suspended());
  CHECK(flagged.stop_message() == TestDefaults().red_flags.stop_message);
  CHECK_FALSE(flagged.stop_message().empty());
  CHECK_FALSE(p.logged[kFlagDay - 1].program_suspended());
  // The checklist carries the same words, so that a client can show them at once, offline.
  v1::GetRedFlagChecklistResponse checklist;
  REQUIRE_OK(F::Call(*f.progression, &v1::ProgressionService::Stub::GetRedFlagChecklist, p.token,
                     v1::GetRedFlagChecklistRequest(), &checklist));
  CHECK(checklist.stop_message() == flagged.stop_message());
  CHECK(checklist.questions_size() == static_cast<int>(TestDefaults().red_flags.questions.size()));

  // That day's plan, and every later one, is a stop message without exercises.
  const v1::PlanDay same_day = p.Plan();
  CHECK(same_day.suspended());
  CHECK(same_day.exercises_size() == 0);
  CHECK(same_day.stop_message().find(TestDefaults().red_flags.stop_message) == 0);
  p.LiveDays(kFlagDay + 1, kClearDay, flag_once);
  for (int day = kFlagDay + 1; day < kClearDay; ++day) {
    INFO("day " << day);
    CHECK(p.plans[day].suspended());
    CHECK(p.plans[day].exercises_size() == 0);
    CHECK_FALSE(p.plans[day].stop_message().empty());
    CHECK(p.logged.count(day) == 0);
  }

  v1::ListFlagsResponse flags = p.Flags();
  INFO(flags.ShortDebugString());
  CHECK(flags.suspended());
  const auto red = FlagsOf(flags, v1::FLAG_KIND_RED_FLAG);
  REQUIRE(red.size() == 1);
  CHECK(red[0].date() == p.Iso(kFlagDay));
  CHECK(red[0].session() == flagged.session().name());
  CHECK(FlagsOf(flags, v1::FLAG_KIND_INACTIVITY).empty());  // not while suspended

  // Only a therapist clears it, and only with a note of what was checked.
  p.GoTo(kClearDay);
  v1::PatientActionRequest clear;
  clear.set_parent(p.name);
  clear.set_action_id(NewUuid());
  clear.set_note("Saw the patient: symptoms explained by a migraine; cleared to continue.");
  v1::PatientActionResponse cleared;
  CHECK_CODE(F::Call(*f.progression, &v1::ProgressionService::Stub::ClearRedFlag, p.token, clear,
                     &cleared),
             Code::PERMISSION_DENIED);
  CHECK(p.Plan().suspended());
  v1::PatientActionRequest no_note = clear;
  no_note.clear_note();
  const grpc::Status missing = F::Call(*f.progression, &v1::ProgressionService::Stub::ClearRedFlag,
                                       p.therapist, no_note, &cleared);
  CHECK(missing.error_code() == Code::INVALID_ARGUMENT);
  CHECK(BadRequestFields(missing) == std::vector<std::string>{"note"});
  CHECK(p.Flags().suspended());
  REQUIRE_OK(F::Call(*f.progression, &v1::ProgressionService::Stub::ClearRedFlag, p.therapist,
                     clear, &cleared));
  CHECK_FALSE(p.Flags().suspended());
  // A new clearing has nothing left to clear.
  v1::PatientActionRequest again = clear;
  again.set_action_id(NewUuid());
  CHECK_CODE(F::Call(*f.progression, &v1::ProgressionService::Stub::ClearRedFlag, p.therapist,
                     again, &cleared),
             Code::FAILED_PRECONDITION);

  p.LiveDays(kClearDay, 6 * 7 + 1, flag_once);  // through the first day of week 7
  for (int day = kClearDay; day <= 6 * 7; ++day) {
    INFO("day " << day);
    CHECK_FALSE(p.plans[day].suspended());
    CHECK(p.plans[day].exercises_size() > 0);
    CHECK(p.plans[day].stop_message().empty());
  }
  CHECK(p.logged.count(kClearDay) == 1);
  CHECK_FALSE(p.logged[kClearDay].program_suspended());

  // No decisions for the weeks that ended while suspended (2 and 3); they resume from week 4,
  // and the first full week after (5) meets the phase-1 gate.
  const auto decisions = p.Decisions();
  std::set<int> weeks;
  for (const v1::Decision& d : decisions) weeks.insert(d.week());
  CHECK(weeks == std::set<int>{1, 4, 5, 6});
  CHECK(Count(decisions, v1::DECISION_KIND_REGRESS) == 0);
  const auto w5 = For(decisions, 5, "");
  REQUIRE(w5.size() == 1);
  CHECK(w5[0].kind() == v1::DECISION_KIND_PHASE_ADVANCE);
  CHECK(p.plans[6 * 7].phase_number() == 2);
  CHECK(FlagsOf(p.Flags(), v1::FLAG_KIND_RED_FLAG).size() == 1);  // the history stays
}

// 4b. CLINICAL.md §4 "any positive answer suspends the program": a clearing covers the red flags
// reported before it, not one reported later the same day.
TEST_CASE("scenario: a red flag reported after the day's clearing suspends again",
          "[progression][scenario]") {
  F f;
  SimPatient p(f, "twice-tara", "Europe/Berlin");
  const Behaviour flag_on_day_2 = [](int day, const v1::PlanDay&) -> std::optional<Report> {
    Report r;
    if (day == 2) r.red_flags = {"limb-weakness-numbness"};
    return r;
  };
  p.LiveDays(0, 3, flag_on_day_2);
  REQUIRE(p.logged[2].program_suspended());

  // Day 3, 17:00 local: the therapist clears it; at 18:30 the patient reports a new red flag.
  f.clock.Set(p.At(3) - std::chrono::minutes(90));
  v1::PatientActionRequest clear;
  clear.set_parent(p.name);
  clear.set_action_id(NewUuid());
  clear.set_note("Phoned the patient: numbness was a sleeping arm, resolved.");
  v1::PatientActionResponse cleared;
  REQUIRE_OK(F::Call(*f.progression, &v1::ProgressionService::Stub::ClearRedFlag, p.therapist,
                     clear, &cleared));
  REQUIRE_FALSE(p.Flags().suspended());
  const Behaviour new_flag = [](int, const v1::PlanDay&) -> std::optional<Report> {
    Report r;
    r.red_flags = {"recent-trauma"};
    return r;
  };
  p.Live(3, new_flag);
  REQUIRE(p.logged.count(3) == 1);
  CHECK(p.logged[3].program_suspended());
  CHECK(p.Plan().suspended());
  const v1::ListFlagsResponse flags = p.Flags();
  INFO(flags.ShortDebugString());
  CHECK(flags.suspended());
  CHECK(FlagsOf(flags, v1::FLAG_KIND_RED_FLAG).size() == 2);
  p.Live(4, Adherent);
  CHECK(p.plans[4].suspended());
}

// 4c. A ClearRedFlag refused because no red flag is open must leave nothing behind that could
// clear a red flag reported later (CLINICAL.md §4: only a therapist clears a red flag).
TEST_CASE("scenario: a refused clearing does not clear a later red flag",
          "[progression][scenario]") {
  F f;
  SimPatient p(f, "early-eli", "Europe/Berlin");
  p.Live(0, Adherent);
  f.clock.Set(p.At(1) - std::chrono::minutes(90));
  v1::PatientActionRequest clear;
  clear.set_parent(p.name);
  clear.set_action_id(NewUuid());
  clear.set_note("Nothing to clear yet");
  v1::PatientActionResponse cleared;
  CHECK_CODE(F::Call(*f.progression, &v1::ProgressionService::Stub::ClearRedFlag, p.therapist,
                     clear, &cleared),
             Code::FAILED_PRECONDITION);
  const Behaviour flag = [](int, const v1::PlanDay&) -> std::optional<Report> {
    Report r;
    r.red_flags = {"night-rest-pain"};
    return r;
  };
  p.Live(1, flag);
  REQUIRE(p.logged.count(1) == 1);
  CHECK(p.logged[1].program_suspended());
  CHECK(p.Flags().suspended());
  p.Live(2, Adherent);
  CHECK(p.plans[2].suspended());
}

// 5. CLINICAL.md §5: no improvement after about 6 weeks flags a re-evaluation.
TEST_CASE("scenario: six weeks without improvement flag a re-evaluation",
          "[progression][scenario]") {
  F f;
  SimPatient stuck(f, "stuck-stan", "America/New_York");
  SimPatient better(f, "better-bea", "America/New_York");
  const Behaviour pain6 = [](int, const v1::PlanDay&) -> std::optional<Report> {
    Report r;
    r.pain_before = 5;
    r.pain_after = 6;
    r.exercise_pain = -1;  // the session's pain after counts for every exercise
    return r;
  };
  const Behaviour improving = [](int day, const v1::PlanDay&) -> std::optional<Report> {
    static constexpr int kByWeek[] = {6, 5, 5, 4, 4, 3, 3};
    Report r;
    r.pain_before = 3;
    r.pain_after = kByWeek[day / 7];
    r.exercise_pain = -1;
    return r;
  };
  const auto reevaluations = [](SimPatient& p) {
    return FlagsOf(p.Flags(), v1::FLAG_KIND_REEVALUATION_DUE);
  };
  for (int day = 0; day < 6 * 7; ++day) {  // weeks 1..6
    stuck.Live(day, pain6);
    better.Live(day, improving);
  }
  // The last day of week 6: not evaluated yet.
  CHECK(reevaluations(stuck).empty());
  CHECK(reevaluations(better).empty());

  stuck.Live(6 * 7, pain6);
  better.Live(6 * 7, improving);
  const auto flagged = reevaluations(stuck);
  REQUIRE(flagged.size() == 1);
  CHECK(flagged[0].date() == stuck.Iso(6 * 7 - 1));
  CHECK_FALSE(flagged[0].detail().empty());
  CHECK(reevaluations(better).empty());
  // The stuck patient's pain above 5 also raised pain flares; the improving one's did in week 1.
  CHECK_FALSE(FlagsOf(stuck.Flags(), v1::FLAG_KIND_PAIN_FLARE).empty());
  CHECK(Count(stuck.Decisions(), v1::DECISION_KIND_PROGRESS) == 0);
}

// 6. Approvals: only pending decisions can be approved or rejected, only by the care team.
TEST_CASE("scenario: approving or rejecting a decision that is not pending",
          "[progression][scenario]") {
  F f;
  SimPatient p(f, "approval-amir", "Europe/London");
  int week2_sessions = 0;
  const Behaviour full_then_two = [&](int day, const v1::PlanDay&) -> std::optional<Report> {
    if (day >= 7 && week2_sessions++ >= 2) return std::nullopt;
    return Report{};
  };
  p.LiveDays(0, 2 * 7 + 1, full_then_two);
  const auto before = p.Decisions();
  const v1::Decision progress = One(before, 1, "exercises/chin-nod-lying");
  const v1::Decision hold = One(before, 2, "exercises/curl-up");
  REQUIRE(progress.status() == v1::DECISION_STATUS_APPLIED);
  REQUIRE(hold.status() == v1::DECISION_STATUS_NO_CHANGE);

  v1::ResolveDecisionRequest req;
  req.set_action_id(NewUuid());
  req.set_note("looks right");
  v1::Decision out;
  const auto approve = [&](const Token& token, const std::string& name) {
    req.set_name(name);
    return F::Call(*f.progression, &v1::ProgressionService::Stub::ApproveDecision, token, req,
                   &out);
  };
  const auto reject = [&](const Token& token, const std::string& name) {
    req.set_name(name);
    return F::Call(*f.progression, &v1::ProgressionService::Stub::RejectDecision, token, req, &out);
  };
  CHECK_CODE(approve(p.therapist, progress.name()), Code::FAILED_PRECONDITION);
  CHECK_CODE(reject(p.therapist, progress.name()), Code::FAILED_PRECONDITION);
  CHECK_CODE(approve(p.therapist, hold.name()), Code::FAILED_PRECONDITION);
  CHECK_CODE(reject(p.therapist, hold.name()), Code::FAILED_PRECONDITION);
  CHECK_CODE(approve(p.therapist, p.program + "/decisions/w99-chin-nod-lying"), Code::NOT_FOUND);
  CHECK_CODE(reject(p.therapist, p.program + "/decisions/w1-no-such-exercise"), Code::NOT_FOUND);
  CHECK_CODE(approve(p.token, progress.name()), Code::PERMISSION_DENIED);
  CHECK_CODE(reject(p.token, hold.name()), Code::PERMISSION_DENIED);
  req.clear_action_id();
  const grpc::Status no_id = approve(p.therapist, progress.name());
  CHECK(no_id.error_code() == Code::INVALID_ARGUMENT);
  CHECK(BadRequestFields(no_id) == std::vector<std::string>{"action_id"});

  // None of that changed a decision.
  const auto after = p.Decisions();
  REQUIRE(after.size() == before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    INFO(Show(after[i]));
    CHECK(MessageDifferencer::Equals(after[i], before[i]));
  }
}

// 7. Next-morning pain (CLINICAL.md §3, the 24-hour response): once per session, own sessions only.
TEST_CASE("scenario: reporting next-morning pain", "[progression][scenario]") {
  F f;
  SimPatient p(f, "morning-mia", "Europe/Berlin");
  SimPatient q(f, "morning-quinn", "Europe/Berlin");
  p.Live(0, Adherent);
  q.Live(0, Adherent);
  REQUIRE(p.logged.count(0) == 1);
  REQUIRE(q.logged.count(0) == 1);
  const std::string mine = p.logged[0].session().name();
  const std::string theirs = q.logged[0].session().name();

  f.clock.Set(p.At(1) - std::chrono::hours(11));  // 07:30 the next morning
  v1::ReportNextMorningPainRequest req;
  v1::ReportNextMorningPainResponse resp;
  const auto report = [&](const Token& token, const std::string& name, int pain) {
    req.set_name(name);
    req.set_pain(pain);
    return F::Call(*f.progression, &v1::ProgressionService::Stub::ReportNextMorningPain, token, req,
                   &resp);
  };
  REQUIRE_OK(report(p.token, mine, 3));
  CHECK_CODE(report(p.token, mine, 3), Code::OK);  // the same report again
  CHECK_CODE(report(p.token, mine, 2), Code::ALREADY_EXISTS);
  const grpc::Status eleven = report(p.token, mine, 11);
  CHECK(eleven.error_code() == Code::INVALID_ARGUMENT);
  CHECK(BadRequestFields(eleven) == std::vector<std::string>{"pain"});
  CHECK_CODE(report(p.token, mine, -1), Code::INVALID_ARGUMENT);
  // Another patient's session, by its own name and under the caller's name.
  const grpc::Status other = report(p.token, theirs, 9);
  INFO(Describe(other));
  CHECK_FALSE(other.ok());
  CHECK((other.error_code() == Code::PERMISSION_DENIED || other.error_code() == Code::NOT_FOUND));
  const std::string theirs_under_mine =
      p.name + "/sessions/" + theirs.substr(theirs.rfind('/') + 1);
  const grpc::Status disguised = report(p.token, theirs_under_mine, 9);
  INFO(Describe(disguised));
  CHECK_FALSE(disguised.ok());
  CHECK((disguised.error_code() == Code::PERMISSION_DENIED ||
         disguised.error_code() == Code::NOT_FOUND));
  // ...changed nothing: the other patient's own, different report is the first one.
  REQUIRE_OK(report(q.token, theirs, 1));

  // The report counts at the week's end: worse than before the session (3 > 1) holds every
  // exercise of the week; the other patient, whose morning was fine, progresses.
  for (int day = 1; day <= 7; ++day) {
    p.Live(day, Adherent);
    q.Live(day, Adherent);
  }
  for (const v1::Decision& d : p.Decisions()) {
    if (d.exercise().empty()) continue;
    INFO(Show(d));
    CHECK(d.week() == 1);
    CHECK(d.kind() == v1::DECISION_KIND_HOLD);
    CHECK(d.rule() == "pain.next_morning_worse");
  }
  const auto progressed = q.Decisions();
  CHECK(Count(progressed, v1::DECISION_KIND_PROGRESS) == 6);
}

// 8. Session validation of the progression fields, naming the offending field.
TEST_CASE("scenario: a session with an unknown red flag or pain 11 is refused",
          "[progression][scenario]") {
  F f;
  SimPatient p(f, "invalid-ivan", "America/Los_Angeles");
  p.GoTo(0);
  const v1::PlanDay plan = p.Plan();
  REQUIRE(plan.training_day());
  v1::LogSessionResponse resp;

  v1::LogSessionRequest bad_flag = p.SessionFrom(plan, Report{});
  bad_flag.mutable_session()->add_red_flags("feeling-a-bit-off");
  const grpc::Status flag_status =
      F::Call(*f.session, &v1::SessionService::Stub::LogSession, p.token, bad_flag, &resp);
  CHECK(flag_status.error_code() == Code::INVALID_ARGUMENT);
  CHECK(BadRequestFields(flag_status) == std::vector<std::string>{"session.red_flags[0]"});

  v1::LogSessionRequest bad_pain = p.SessionFrom(plan, Report{});
  bad_pain.mutable_session()->mutable_exercises(0)->set_pain(11);
  const grpc::Status pain_status =
      F::Call(*f.session, &v1::SessionService::Stub::LogSession, p.token, bad_pain, &resp);
  CHECK(pain_status.error_code() == Code::INVALID_ARGUMENT);
  CHECK(BadRequestFields(pain_status) == std::vector<std::string>{"session.exercises[0].pain"});

  // Nothing was stored, and nothing was suspended.
  CHECK(p.Plan().sessions_logged() == 0);
  const v1::ListFlagsResponse flags = p.Flags();
  CHECK_FALSE(flags.suspended());
  CHECK(flags.flags_size() == 0);
  // The same session ids are still free for valid sessions.
  bad_flag.mutable_session()->clear_red_flags();
  REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::LogSession, p.token, bad_flag, &resp));
  CHECK_FALSE(resp.replayed());
}

// --- Therapist edits and clinic-defined catalogue entries ----------------------------------------

namespace {

v1::Program GetProgram(F& f, const Token& token, const std::string& name) {
  v1::GetProgramRequest req;
  req.set_name(name);
  v1::Program program;
  REQUIRE_OK(F::Call(*f.program, &v1::ProgramService::Stub::GetProgram, token, req, &program));
  return program;
}

// Every prescription of phase 1 set to `mode`, as a new revision effective today.
v1::UpdateProgramRequest ModeEdit(const v1::Program& program, v1::ProgressionMode mode) {
  v1::UpdateProgramRequest req;
  *req.mutable_program() = program;
  for (v1::Prescription& rx : *req.mutable_program()->mutable_phases(0)->mutable_prescriptions()) {
    rx.set_mode(mode);
  }
  req.mutable_update_mask()->add_paths("phases");
  req.set_reason("I will review each change");
  return req;
}

}  // namespace

TEST_CASE("suggest mode set by the therapist: changes wait for approval and apply from then",
          "[progression][scenario]") {
  F f;
  SimPatient p(f, "sienna", "Europe/Madrid");
  p.LiveDays(0, 6, Adherent);
  v1::Program program = GetProgram(f, p.therapist, p.program);
  v1::Program edited;
  REQUIRE_OK(F::Call(*f.program, &v1::ProgramService::Stub::UpdateProgram, p.therapist,
                     ModeEdit(program, v1::PROGRESSION_MODE_SUGGEST), &edited));
  CHECK(edited.revision() == 2);
  p.LiveDays(6, 8, Adherent);  // week 1 ends on day 6 under revision 2

  std::vector<v1::Decision> pending;
  for (const v1::Decision& d : p.Decisions()) {
    if (d.week() == 1 && d.kind() == v1::DECISION_KIND_PROGRESS) {
      CHECK(d.status() == v1::DECISION_STATUS_PENDING);
      pending.push_back(d);
    }
  }
  REQUIRE(pending.size() >= 2);
  const v1::Decision& chosen = pending.front();
  const v1::PlanDay waiting = p.Plan();
  const v1::PlannedExercise* before = Planned(waiting, chosen.exercise());
  REQUIRE(before != nullptr);
  CHECK(MessageDifferencer::Equals(before->dose(), chosen.old_dose()));  // not applied yet

  v1::ResolveDecisionRequest approve;
  approve.set_name(chosen.name());
  approve.set_action_id(NewUuid());
  v1::Decision approved;
  REQUIRE_OK(F::Call(*f.progression, &v1::ProgressionService::Stub::ApproveDecision, p.therapist,
                     approve, &approved));
  CHECK(approved.status() == v1::DECISION_STATUS_APPROVED);
  CHECK(approved.effective_date() == p.Iso(7));  // approved today
  const v1::PlanDay after = p.Plan();
  REQUIRE(Planned(after, chosen.exercise()) != nullptr);
  CHECK(MessageDifferencer::Equals(Planned(after, chosen.exercise())->dose(), chosen.new_dose()));
  // The others still wait; rejecting one keeps its dose.
  v1::ResolveDecisionRequest reject;
  reject.set_name(pending[1].name());
  reject.set_action_id(NewUuid());
  v1::Decision rejected;
  REQUIRE_OK(F::Call(*f.progression, &v1::ProgressionService::Stub::RejectDecision, p.therapist,
                     reject, &rejected));
  CHECK(rejected.status() == v1::DECISION_STATUS_REJECTED);
  const v1::PlanDay later = p.Plan();
  REQUIRE(Planned(later, pending[1].exercise()) != nullptr);
  CHECK(MessageDifferencer::Equals(Planned(later, pending[1].exercise())->dose(),
                                   pending[1].old_dose()));
}

TEST_CASE("UpdateProgram: etag, dates and rules are checked, and a rules override takes effect",
          "[progression][scenario]") {
  F f;
  SimPatient p(f, "ravi", "America/Chicago");
  const v1::Program program = GetProgram(f, p.therapist, p.program);
  v1::UpdateProgramRequest req;
  *req.mutable_program() = program;
  req.mutable_update_mask()->add_paths("rules");
  *req.mutable_rules() = program.rules();
  req.mutable_rules()->set_effort_progress_max(3);
  req.set_reason("keep effort light for now");
  v1::Program out;

  v1::UpdateProgramRequest stale = req;
  stale.mutable_program()->set_etag("r0");
  CHECK_CODE(
      F::Call(*f.program, &v1::ProgramService::Stub::UpdateProgram, p.therapist, stale, &out),
      Code::ABORTED);
  v1::UpdateProgramRequest past = req;
  past.set_effective_date(p.Iso(-1));
  grpc::Status status =
      F::Call(*f.program, &v1::ProgramService::Stub::UpdateProgram, p.therapist, past, &out);
  CHECK(status.error_code() == Code::INVALID_ARGUMENT);
  CHECK(BadRequestFields(status) == std::vector<std::string>{"effective_date"});
  v1::UpdateProgramRequest inverted = req;
  inverted.mutable_rules()->set_pain_acceptable_max(2);  // below the safe band
  status =
      F::Call(*f.program, &v1::ProgramService::Stub::UpdateProgram, p.therapist, inverted, &out);
  CHECK(status.error_code() == Code::INVALID_ARGUMENT);
  CHECK(BadRequestFields(status) == std::vector<std::string>{"rules.pain_acceptable_max"});
  CHECK_CODE(F::Call(*f.program, &v1::ProgramService::Stub::UpdateProgram, p.token, req, &out),
             Code::PERMISSION_DENIED);
  CHECK(GetProgram(f, p.therapist, p.program).revision() == 1);  // nothing changed

  REQUIRE_OK(F::Call(*f.program, &v1::ProgramService::Stub::UpdateProgram, p.therapist, req, &out));
  CHECK(out.revision() == 2);
  CHECK(out.rules().effort_progress_max() == 3);
  // A week at effort 4 (moderate, fine by the defaults) now holds every exercise.
  p.LiveDays(0, 8, Adherent);
  for (const v1::Decision& d : p.Decisions()) {
    if (d.week() == 1 && !d.exercise().empty()) CHECK(d.rule() == "effort.too_high");
  }
}

TEST_CASE("a revision stored before rules were (schema 1) shows the default rules it follows",
          "[progression][scenario]") {
  F f;
  SimPatient p(f, "lena", "Europe/Berlin");
  const v1::Program created = GetProgram(f, p.therapist, p.program);
  REQUIRE(created.rules().pain_acceptable_max() > 0);  // the defaults, recorded at creation
  {
    // What migration 2 leaves in a revision recorded by schema 1: no rules at all. (Revisions
    // are append-only; the trigger is lifted for this edit and put back as it was.)
    SQLite::Database db(f.db_file.path().string(), SQLite::OPEN_READWRITE);
    SQLite::Transaction edit(db);
    const std::string trigger =
        db.execAndGet("SELECT sql FROM sqlite_schema WHERE name = 'program_revisions_no_update'")
            .getString();
    db.exec("DROP TRIGGER program_revisions_no_update");
    SQLite::Statement clear(db, "UPDATE program_revisions SET rules = NULL WHERE program_id = ?");
    clear.bind(1, p.program.substr(p.program.rfind('/') + 1));
    REQUIRE(clear.exec() == 1);
    db.exec(trigger);
    edit.commit();
  }
  const v1::Program shown = GetProgram(f, p.therapist, p.program);
  CHECK(MessageDifferencer::Equals(shown.rules(), created.rules()));

  v1::ListProgramsRequest list;
  list.set_parent(p.name);
  v1::ListProgramsResponse programs;
  REQUIRE_OK(
      F::Call(*f.program, &v1::ProgramService::Stub::ListPrograms, p.therapist, list, &programs));
  REQUIRE(programs.programs_size() == 1);
  CHECK(MessageDifferencer::Equals(programs.programs(0).rules(), created.rules()));

  v1::ListProgramRevisionsRequest revisions;
  revisions.set_parent(p.program);
  v1::ListProgramRevisionsResponse history;
  REQUIRE_OK(F::Call(*f.program, &v1::ProgramService::Stub::ListProgramRevisions, p.therapist,
                     revisions, &history));
  REQUIRE(history.revisions_size() == 1);
  CHECK(MessageDifferencer::Equals(history.revisions(0).rules(), created.rules()));

  // Editing the phases only records the rules the program was following.
  v1::Program edited;
  REQUIRE_OK(F::Call(*f.program, &v1::ProgramService::Stub::UpdateProgram, p.therapist,
                     ModeEdit(shown, v1::PROGRESSION_MODE_SUGGEST), &edited));
  CHECK(edited.revision() == 2);
  CHECK(MessageDifferencer::Equals(edited.rules(), created.rules()));
  CHECK(MessageDifferencer::Equals(GetProgram(f, p.therapist, p.program).rules(), created.rules()));
}

TEST_CASE("a clinic's own exercise and protocol: created, validated, visible only to it",
          "[progression][catalogue]") {
  F f;
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  v1::CreateExerciseRequest ex;
  ex.set_parent(kClinic);
  ex.set_exercise_id("demo-wall-slide");
  ex.mutable_exercise()->set_display_name("Wall slide");
  ex.mutable_exercise()->set_region(v1::REGION_UPPER_BACK);
  ex.mutable_exercise()->mutable_default_dose()->set_sets(2);
  ex.mutable_exercise()->mutable_default_dose()->set_reps(10);
  ex.mutable_exercise()->add_levers(v1::LEVER_REPS);
  v1::Exercise created;
  REQUIRE_OK(
      F::Call(*f.catalog, &v1::CatalogService::Stub::CreateExercise, therapist, ex, &created));
  CHECK(created.name() == "exercises/demo-wall-slide");
  CHECK(created.clinic() == kClinic);
  CHECK_CODE(
      F::Call(*f.catalog, &v1::CatalogService::Stub::CreateExercise, therapist, ex, &created),
      Code::ALREADY_EXISTS);
  v1::CreateExerciseRequest unprefixed = ex;
  unprefixed.set_exercise_id("wall-slide");
  grpc::Status status = F::Call(*f.catalog, &v1::CatalogService::Stub::CreateExercise, therapist,
                                unprefixed, &created);
  CHECK(BadRequestFields(status) == std::vector<std::string>{"exercise_id"});
  const Token patient = f.SignIn(kPatientUser, kPatientPass);
  CHECK_CODE(F::Call(*f.catalog, &v1::CatalogService::Stub::CreateExercise, patient, ex, &created),
             Code::PERMISSION_DENIED);

  // A protocol of the clinic's own, using its exercise and a shipped one.
  v1::CreateProtocolRequest proto;
  proto.set_parent(kClinic);
  proto.set_protocol_id("demo-desk-break");
  proto.mutable_protocol()->set_display_name("Desk break");
  v1::Phase* phase = proto.mutable_protocol()->add_phases();
  phase->set_number(1);
  phase->set_display_name("Daily");
  phase->set_start_week(1);
  phase->set_sessions_per_week(5);
  for (const char* e : {"exercises/demo-wall-slide", "exercises/chin-nod-sitting"}) {
    v1::Prescription* rx = phase->add_prescriptions();
    rx->set_exercise(e);
    rx->add_dose_steps()->set_sets(1);
    rx->mutable_dose_steps(0)->set_reps(10);
  }
  v1::CreateProtocolRequest unknown = proto;
  unknown.set_protocol_id("demo-broken");
  unknown.mutable_protocol()->mutable_phases(0)->mutable_prescriptions(0)->set_exercise(
      "exercises/demo-nothing");
  status = F::Call(*f.catalog, &v1::CatalogService::Stub::CreateProtocol, therapist, unknown,
                   unknown.mutable_protocol());
  CHECK(BadRequestFields(status) ==
        std::vector<std::string>{"protocol.phases[0].prescriptions[0].exercise"});
  v1::Protocol protocol;
  REQUIRE_OK(
      F::Call(*f.catalog, &v1::CatalogService::Stub::CreateProtocol, therapist, proto, &protocol));

  // Assigned to a patient, it plans the clinic's exercise.
  v1::CreateProgramRequest assign;
  assign.set_parent(kSam);
  assign.mutable_program()->set_protocol("protocols/demo-desk-break");
  assign.mutable_program()->set_start_date("2026-11-21");
  v1::Program program;
  REQUIRE_OK(
      F::Call(*f.program, &v1::ProgramService::Stub::CreateProgram, therapist, assign, &program));
  v1::GetPlanRequest plan_req;
  plan_req.set_parent(kSam);
  v1::Plan plan;
  REQUIRE_OK(F::Call(*f.program, &v1::ProgramService::Stub::GetPlan, therapist, plan_req, &plan));
  REQUIRE(plan.days(0).exercises_size() == 2);
  CHECK(plan.days(0).exercises(0).display_name() == "Wall slide");

  // Another clinic's entries stay invisible here.
  REQUIRE(f.store->CreateClinic({"other", "Other clinic", "Europe/Paris"}).ok());
  Exercise theirs;
  theirs.id = "other-secret";
  theirs.display_name = "Theirs";
  theirs.region = Region::kCore;
  theirs.ladder = theirs.id;
  theirs.default_dose.sets = 1;
  theirs.default_dose.reps = 5;
  theirs.clinic_id = "other";
  REQUIRE(f.store->CreateExercise(theirs).ok());
  v1::GetExerciseRequest get;
  get.set_name("exercises/other-secret");
  v1::Exercise got;
  CHECK_CODE(F::Call(*f.catalog, &v1::CatalogService::Stub::GetExercise, therapist, get, &got),
             Code::NOT_FOUND);
  v1::ListExercisesRequest list;
  list.set_page_size(200);
  v1::ListExercisesResponse listed;
  REQUIRE_OK(
      F::Call(*f.catalog, &v1::CatalogService::Stub::ListExercises, therapist, list, &listed));
  bool own = false;
  for (const v1::Exercise& e : listed.exercises()) {
    CHECK(e.name() != "exercises/other-secret");
    own |= e.name() == "exercises/demo-wall-slide";
  }
  CHECK(own);
}

TEST_CASE("scenario: a phase that requires sign-off waits for the therapist's approval",
          "[progression][scenario][care]") {
  F f;
  SimPatient p(f, "signe", "Europe/Oslo");
  // The default protocol says what each phase is for; consolidation climbs no ladders.
  v1::Program program = GetProgram(f, p.therapist, p.program);
  REQUIRE(program.phases_size() == 4);
  CHECK(program.phases(0).kind() == v1::PHASE_KIND_PROGRESSION);
  CHECK(program.phases(0).climb_ladders());
  CHECK(program.phases(2).kind() == v1::PHASE_KIND_CONSOLIDATION);
  CHECK_FALSE(program.phases(2).climb_ladders());
  CHECK(program.phases(3).kind() == v1::PHASE_KIND_MAINTENANCE);

  // Sign-off on an open-ended phase, or an open-ended phase that is not maintenance: refused,
  // naming the field, and nothing changes.
  v1::UpdateProgramRequest bad;
  *bad.mutable_program() = program;
  bad.mutable_program()->mutable_phases(3)->set_sign_off_required(true);
  bad.mutable_program()->mutable_phases(1)->set_kind(v1::PHASE_KIND_MAINTENANCE);
  bad.mutable_update_mask()->add_paths("phases");
  bad.set_reason("try");
  v1::Program unchanged;
  const grpc::Status refused =
      F::Call(*f.program, &v1::ProgramService::Stub::UpdateProgram, p.therapist, bad, &unchanged);
  CHECK(refused.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(BadRequestFields(refused) ==
        std::vector<std::string>{"program.phases[1].kind", "program.phases[3].sign_off_required"});
  CHECK(GetProgram(f, p.therapist, p.program).revision() == program.revision());

  v1::UpdateProgramRequest edit;
  *edit.mutable_program() = program;
  edit.mutable_program()->mutable_phases(0)->set_sign_off_required(true);
  edit.mutable_update_mask()->add_paths("phases");
  edit.set_reason("I will see you before strength work");
  v1::Program edited;
  REQUIRE_OK(
      F::Call(*f.program, &v1::ProgramService::Stub::UpdateProgram, p.therapist, edit, &edited));
  CHECK(edited.phases(0).sign_off_required());

  // Adherent for three weeks: ready at the end of week 2, still phase 1 through week 3.
  p.LiveDays(0, 21, Adherent);
  CHECK(p.plans[20].phase_number() == 1);
  const v1::Decision* asked = nullptr;
  const auto decisions = p.Decisions();
  for (const v1::Decision& d : decisions) {
    if (d.kind() == v1::DECISION_KIND_PHASE_ADVANCE && d.status() == v1::DECISION_STATUS_PENDING)
      asked = &d;
  }
  REQUIRE(asked != nullptr);
  CHECK(asked->week() == 2);
  CHECK(asked->new_phase() == 2);

  v1::ResolveDecisionRequest approve;
  approve.set_name(asked->name());
  approve.set_action_id(NewUuid());
  v1::Decision approved;
  REQUIRE_OK(F::Call(*f.progression, &v1::ProgressionService::Stub::ApproveDecision, p.therapist,
                     approve, &approved));
  CHECK(approved.status() == v1::DECISION_STATUS_APPROVED);
  CHECK(approved.effective_date() == p.Iso(20));
  CHECK(p.Plan().phase_number() == 2);  // from today
}

TEST_CASE(
    "scenario: a discharged patient gets no plan or sessions; a returning patient starts clean",
    "[progression][scenario][care]") {
  F f;
  SimPatient p(f, "dora", "America/Chicago");
  p.LiveDays(0, 10, Adherent);
  // Remote monitoring from day 2: the discharge ends the episode on the program's last day.
  const auto rtm = v1::RtmService::NewStub(f.channel);
  v1::StartRtmEpisodeRequest monitor;
  monitor.set_parent(p.name);
  monitor.set_episode_id(NewUuid());
  monitor.mutable_episode()->set_start_date(p.Iso(2));
  v1::RtmEpisode episode;
  REQUIRE_OK(F::Call(*rtm, &v1::RtmService::Stub::StartRtmEpisode, p.therapist, monitor, &episode));
  const std::string first_program = p.program;
  const size_t first_sessions = p.logged.size();
  REQUIRE(first_sessions > 0);

  v1::DischargeProgramRequest discharge;
  discharge.set_name(first_program);
  discharge.set_reason(v1::DISCHARGE_REASON_GOALS_MET);
  discharge.set_note("Back to full work; exercises continue at home");
  v1::Program ended;
  REQUIRE_OK(F::Call(*f.program, &v1::ProgramService::Stub::DischargeProgram, p.therapist,
                     discharge, &ended));
  CHECK(ended.state() == v1::PROGRAM_STATE_ENDED);
  CHECK(ended.discharge().date() == p.Iso(9));  // today: the clock is on day 9
  CHECK(ended.discharge().reason() == v1::DISCHARGE_REASON_GOALS_MET);
  CHECK(ended.discharge().note() == discharge.note());
  CHECK_FALSE(ended.discharge().author().empty());
  v1::ListRtmEpisodesRequest episodes_req;
  episodes_req.set_parent(p.name);
  v1::ListRtmEpisodesResponse episodes;
  REQUIRE_OK(
      F::Call(*rtm, &v1::RtmService::Stub::ListRtmEpisodes, p.therapist, episodes_req, &episodes));
  REQUIRE(episodes.episodes_size() == 1);
  CHECK(episodes.episodes(0).end_date() == p.Iso(9));
  // A retry answers as stored; another reason or note is refused and changes nothing.
  v1::Program again;
  REQUIRE_OK(F::Call(*f.program, &v1::ProgramService::Stub::DischargeProgram, p.therapist,
                     discharge, &again));
  CHECK(again.discharge().date() == ended.discharge().date());
  v1::DischargeProgramRequest other = discharge;
  other.set_reason(v1::DISCHARGE_REASON_DROPPED_OUT);
  CHECK(F::Call(*f.program, &v1::ProgramService::Stub::DischargeProgram, p.therapist, other, &again)
            .error_code() == grpc::StatusCode::FAILED_PRECONDITION);

  // Days later: no plan, no session taken, no inactivity flag, and the report has no program.
  p.GoTo(20);
  v1::GetPlanRequest plan;
  plan.set_parent(p.name);
  v1::Plan none;
  CHECK(
      F::Call(*f.program, &v1::ProgramService::Stub::GetPlan, p.token, plan, &none).error_code() ==
      grpc::StatusCode::FAILED_PRECONDITION);
  v1::LogSessionRequest late = p.SessionFrom(p.plans[8], Report{});
  v1::LogSessionResponse refused;
  CHECK(F::Call(*f.session, &v1::SessionService::Stub::LogSession, p.token, late, &refused)
            .error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  v1::ListFlagsRequest flags;
  flags.set_parent(p.name);
  v1::ListFlagsResponse no_flags;
  const grpc::Status flagged = F::Call(*f.progression, &v1::ProgressionService::Stub::ListFlags,
                                       p.therapist, flags, &no_flags);
  CHECK((flagged.error_code() == grpc::StatusCode::FAILED_PRECONDITION ||
         no_flags.flags_size() == 0));
  const Token admin = f.SignIn(kAdminUser, kAdminPass);
  v1::GetClinicReportRequest report_req;
  report_req.set_parent(kClinic);
  v1::ClinicReport report;
  REQUIRE_OK(
      F::Call(*f.report, &v1::ReportService::Stub::GetClinicReport, admin, report_req, &report));
  bool row_seen = false;
  for (const v1::ReportRow& r : report.rows()) {
    if (r.patient() != p.name) continue;
    row_seen = true;
    CHECK_FALSE(r.has_program());
    CHECK(r.attention() == 0);
  }
  CHECK(row_seen);

  // A returning patient: a new program from today starts in phase 1, week 1, with nothing of the
  // old one; the old one stays readable with its sessions.
  v1::CreateProgramRequest assign;
  assign.set_parent(p.name);
  assign.set_program_id(NewUuid());
  assign.mutable_program()->set_protocol(kDefaultProtocol);
  assign.mutable_program()->set_start_date(p.Iso(20));
  v1::Program second;
  REQUIRE_OK(
      F::Call(*f.program, &v1::ProgramService::Stub::CreateProgram, p.therapist, assign, &second));
  REQUIRE(F::Call(*f.program, &v1::ProgramService::Stub::GetPlan, p.token, plan, &none).ok());
  CHECK(none.program() == second.name());
  CHECK(none.days(0).program_week() == 1);
  CHECK(none.days(0).phase_number() == 1);
  v1::ListDecisionsRequest fresh;
  fresh.set_parent(second.name());
  v1::ListDecisionsResponse fresh_decisions;
  REQUIRE_OK(F::Call(*f.progression, &v1::ProgressionService::Stub::ListDecisions, p.therapist,
                     fresh, &fresh_decisions));
  CHECK(fresh_decisions.decisions_size() == 0);
  v1::ListProgramsRequest list;
  list.set_parent(p.name);
  v1::ListProgramsResponse programs;
  REQUIRE_OK(
      F::Call(*f.program, &v1::ProgramService::Stub::ListPrograms, p.therapist, list, &programs));
  REQUIRE(programs.programs_size() == 2);
  CHECK(programs.programs(0).name() == second.name());  // newest first
  CHECK(programs.programs(1).state() == v1::PROGRAM_STATE_ENDED);
  CHECK(programs.programs(1).discharge().reason() == v1::DISCHARGE_REASON_GOALS_MET);
  v1::ListSessionsRequest sessions;
  sessions.set_parent(p.name);
  sessions.set_page_size(100);
  v1::ListSessionsResponse all;
  REQUIRE_OK(
      F::Call(*f.session, &v1::SessionService::Stub::ListSessions, p.therapist, sessions, &all));
  CHECK(static_cast<size_t>(all.sessions_size()) == first_sessions);
  for (const v1::Session& s : all.sessions()) CHECK(s.program() == first_program);
}

TEST_CASE("scenario: a pause prescribes nothing, flags nothing and resumes where it stopped",
          "[progression][scenario][care]") {
  F f;
  SimPatient p(f, "paul", "Europe/Lisbon");
  p.LiveDays(0, 8, Adherent);
  // Day 7: a two-week holiday from tomorrow (days 8..21).
  v1::PauseProgramRequest pause;
  pause.set_name(p.program);
  pause.set_pause_id(NewUuid());
  pause.set_start_date(p.Iso(8));
  pause.set_end_date(p.Iso(21));
  pause.set_reason("holiday");
  v1::Program paused;
  REQUIRE_OK(
      F::Call(*f.program, &v1::ProgramService::Stub::PauseProgram, p.therapist, pause, &paused));
  REQUIRE(paused.pauses_size() == 1);
  CHECK(paused.pauses(0).end_date() == p.Iso(21));
  // The same pause again is the same pause; an overlapping one is refused.
  REQUIRE_OK(
      F::Call(*f.program, &v1::ProgramService::Stub::PauseProgram, p.therapist, pause, &paused));
  v1::PauseProgramRequest overlap = pause;
  overlap.set_pause_id(NewUuid());
  overlap.set_start_date(p.Iso(20));
  overlap.clear_end_date();
  CHECK(F::Call(*f.program, &v1::ProgramService::Stub::PauseProgram, p.therapist, overlap, &paused)
            .error_code() == grpc::StatusCode::FAILED_PRECONDITION);

  // Nothing is logged while away: no day is a training day, no inactivity flag.
  for (int day = 8; day <= 21; ++day) {
    p.Live(day, [](int, const v1::PlanDay&) { return std::optional<Report>{}; });
    INFO("day " << day);
    CHECK(p.plans[day].paused());
    CHECK_FALSE(p.plans[day].training_day());
  }
  v1::ListFlagsRequest flags;
  flags.set_parent(p.name);
  v1::ListFlagsResponse open;
  REQUIRE_OK(
      F::Call(*f.progression, &v1::ProgressionService::Stub::ListFlags, p.therapist, flags, &open));
  for (const v1::Flag& flag : open.flags()) CHECK(flag.kind() != v1::FLAG_KIND_INACTIVITY);
  // The clinic report says the program is paused, and stops saying so after it.
  const auto report_row = [&] {
    v1::GetClinicReportRequest req;
    req.set_parent(kClinic);
    req.set_page_size(200);
    v1::ClinicReport report;
    REQUIRE_OK(
        F::Call(*f.report, &v1::ReportService::Stub::GetClinicReport, p.therapist, req, &report));
    for (const v1::ReportRow& row : report.rows()) {
      if (row.patient() == p.name) return row;
    }
    FAIL("no report row for " << p.name);
    return v1::ReportRow();
  };
  CHECK(report_row().paused());
  // Adherence over the pause prescribes nothing.
  v1::GetAdherenceRequest adherence;
  adherence.set_parent(p.name);
  adherence.set_start_date(p.Iso(8));
  adherence.set_end_date(p.Iso(21));
  v1::Adherence away;
  REQUIRE_OK(
      F::Call(*f.session, &v1::SessionService::Stub::GetAdherence, p.therapist, adherence, &away));
  CHECK(away.sessions_prescribed() == 0);

  // Back on day 22: training days again, the same phase, and no dose moved while away.
  p.Live(22, Adherent);
  const v1::PlanDay back = p.plans[22];
  CHECK_FALSE(back.paused());
  CHECK_FALSE(report_row().paused());
  CHECK(back.phase_number() == p.plans[7].phase_number());
  for (const v1::PlannedExercise& e : back.exercises()) {
    for (const v1::PlannedExercise& was : p.plans[7].exercises()) {
      if (was.exercise() == e.exercise()) {
        INFO(e.exercise());
        CHECK(MessageDifferencer::Equals(was.dose(), e.dose()));
      }
    }
  }

  // An open-ended pause from today, resumed the next day: paused only that one day.
  pause.set_pause_id(NewUuid());
  pause.set_start_date(p.Iso(22));
  pause.clear_end_date();
  REQUIRE_OK(
      F::Call(*f.program, &v1::ProgramService::Stub::PauseProgram, p.therapist, pause, &paused));
  p.GoTo(23);
  v1::ResumeProgramRequest resume;
  resume.set_name(p.program);
  v1::Program resumed;
  REQUIRE_OK(
      F::Call(*f.program, &v1::ProgramService::Stub::ResumeProgram, p.therapist, resume, &resumed));
  REQUIRE(resumed.pauses_size() == 2);
  CHECK(resumed.pauses(1).end_date() == p.Iso(22));
  CHECK_FALSE(p.Plan().paused());
  CHECK(F::Call(*f.program, &v1::ProgramService::Stub::ResumeProgram, p.therapist, resume, &resumed)
            .error_code() == grpc::StatusCode::FAILED_PRECONDITION);
}

}  // namespace ptrack::testing
