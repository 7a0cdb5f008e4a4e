// The per-patient summary behind the clinic report (scheduler/summary.h), over the progression
// test world (progression_fixture.h: a program starting Monday 2026-03-02, phase 1 "Control" of
// 3 sessions a week — Monday, Wednesday, Friday — with chin-nod (1 x 10, hold 5 s) and band-row
// (2 x 8, red band)). Histories are replayed with the real engine; every expected figure is
// worked out by hand in the comments. Also: which flags stay open (red flag only while suspended,
// inactivity until a later session, pain flares for pain_flare_open_days, reviews for
// review_open_days unless the program was revised), RTM at risk at the margin, and alert keys
// that do not change between evaluations (so an alert is raised once).
#include "scheduler/summary.h"

#include <catch2/catch.hpp>

#include "tests/scheduler/progression_fixture.h"

namespace ptrack::testing {
namespace {

const ReportRules kRules{7, 28, 2};  // data/rules/report.json

Zone Utc() { return date::locate_zone("UTC"); }

PatientSummary SummaryOn(const World& w, const ProgramHistory& h, LocalDate today,
                         const RtmStatus& rtm = {}) {
  const Timeline tl = Evaluate(w.program, h, w.view, Utc(), today);
  std::map<LocalDate, DailyFacts> facts;
  for (const Session& s : h.sessions) {
    DailyFacts& f = facts[s.local_date];
    f.date = s.local_date;
    f = Accumulate(f, s);
  }
  std::vector<DailyFacts> list;
  for (const auto& [day, f] : facts) list.push_back(f);
  return Summarize(w.program, tl, today, h, list, rtm, kRules);
}

std::vector<AlertCandidate> RtmAlerts(const PatientSummary& s) {
  std::vector<AlertCandidate> out;
  for (const AlertCandidate& a : s.alerts) {
    if (a.kind == AlertKind::kRtmAtRisk) out.push_back(a);
  }
  return out;
}

bool HasOpen(const PatientSummary& s, FlagKind kind) {
  for (const Flag& f : s.open_flags) {
    if (f.kind == kind) return true;
  }
  return false;
}

TEST_CASE("Summary: adherence windows, dose completion and the pain trend, by hand", "[reports]") {
  World w;
  // Weeks 1 and 2 (2026-03-02..15): every training day done, as prescribed, except that the
  // second session (Wed 03-04) does band-row with one set instead of two. Pain after: 4 in week 1,
  // then 2, 2, 3 in week 2. Effort 3 throughout.
  const int pains[] = {4, 4, 4, 2, 2, 3};
  const ProgramHistory h = Simulate(w, 14, [&](LocalDate day, const ProgressState& st, int i) {
    Session s = AsPrescribed(st, "s" + std::to_string(i), day, 1, pains[i], 3);
    if (i == 1) s.exercises[1].sets = 1;
    return std::optional<Session>(s);
  });
  REQUIRE(h.sessions.size() == 6);
  const LocalDate today = D(2026, 3, 15);  // Sunday, the end of week 2
  const PatientSummary s = SummaryOn(w, h, today);

  CHECK(s.as_of == today);
  CHECK(s.phase_number == 1);
  CHECK(s.phase_name == "Control");
  CHECK_FALSE(s.suspended);
  // Last 7 days (03-09..15): Mon, Wed, Fri prescribed and done; 2 exercises each, all full.
  CHECK(s.last_7 == AdherenceWindow{3, 3, 6, 6});
  // Last 30 days start at the program start (03-02): 6 prescribed, 6 done, 12 exercises of which
  // 11 at full dose (band-row on 03-04 had 1 set of 2).
  CHECK(s.last_30 == AdherenceWindow{6, 6, 12, 11});
  // Baseline: week 1's pain after (4, 4, 4) = 4.0; recent: 03-09..15 (2, 2, 3) = 7/3.
  CHECK(s.pain_baseline == Approx(4.0));
  CHECK(s.pain_recent == Approx(7.0 / 3.0));
  CHECK(s.last_session == D(2026, 3, 13));
  CHECK(s.pending_decisions == 0);
  CHECK_FALSE(s.rtm.in_episode);
  CHECK_FALSE(s.rtm_at_risk);
}

TEST_CASE("Summary: a missed session lowers the credited sessions, not the dose completion",
          "[reports]") {
  World w;
  // Week 1 only: Monday and Friday done at full dose; Wednesday skipped.
  const ProgramHistory h = Simulate(w, 7, [&](LocalDate day, const ProgressState& st, int i) {
    if (i == 1) return std::optional<Session>();
    return std::optional<Session>(AsPrescribed(st, "s" + std::to_string(i), day, 1, 2, 3));
  });
  const PatientSummary s = SummaryOn(w, h, D(2026, 3, 8));
  CHECK(s.last_7 == AdherenceWindow{3, 2, 4, 4});
  CHECK(s.last_30 == AdherenceWindow{3, 2, 4, 4});
}

TEST_CASE("Summary: a red flag is open, and raises its alert, only while the program is suspended",
          "[reports]") {
  World w;
  ProgramHistory h = Simulate(w, 3, [&](LocalDate day, const ProgressState& st, int i) {
    Session s = AsPrescribed(st, "s" + std::to_string(i), day, 1, 2, 3);
    if (day == D(2026, 3, 2)) s.red_flags = {"saddle-numbness"};
    return std::optional<Session>(s);
  });
  const LocalDate today = D(2026, 3, 4);
  PatientSummary open = SummaryOn(w, h, today);
  CHECK(open.suspended);
  REQUIRE(HasOpen(open, FlagKind::kRedFlag));
  REQUIRE(open.alerts.size() == 1);
  CHECK(open.alerts[0].kind == AlertKind::kRedFlag);
  CHECK(open.alerts[0].key == "red_flag/2026-03-02/s0");
  CHECK(open.alerts[0].session_id == "s0");
  // The same history evaluated again gives the same key: one alert, however often it is read.
  CHECK(SummaryOn(w, h, today).alerts == open.alerts);

  // Cleared by the therapist on 03-04 after the report arrived: nothing open, nothing to raise.
  TherapistAction clear{TherapistAction::Kind::kClearRedFlag, today, "", "checked by phone",
                        h.sessions[0].receive_time + std::chrono::hours(30)};
  h.actions.push_back(clear);
  const PatientSummary cleared = SummaryOn(w, h, today);
  CHECK_FALSE(cleared.suspended);
  CHECK_FALSE(HasOpen(cleared, FlagKind::kRedFlag));
  CHECK(cleared.alerts.empty());
}

TEST_CASE("Summary: inactivity is open until the patient logs again", "[reports]") {
  World w;
  // One session on Monday 03-02, then nothing: the inactivity threshold is 4 days (the rules'
  // inactivity_days; the phase's longest gap, Friday to Monday, is 3), so the flag is raised on
  // 03-06.
  ProgramHistory h = Simulate(w, 1, [&](LocalDate day, const ProgressState& st, int i) {
    return std::optional<Session>(AsPrescribed(st, "s" + std::to_string(i), day, 1, 2, 3));
  });
  const PatientSummary idle = SummaryOn(w, h, D(2026, 3, 8));
  REQUIRE(HasOpen(idle, FlagKind::kInactivity));
  CHECK(idle.open_flags.front().date == D(2026, 3, 6));
  REQUIRE(idle.alerts.size() == 1);
  CHECK(idle.alerts[0].key == "inactivity/2026-03-06/");

  // A session on Saturday 03-07 (after the flag) closes it.
  const Timeline tl = Evaluate(w.program, h, w.view, Utc(), D(2026, 3, 7));
  h.sessions.push_back(AsPrescribed(tl.StateOn(D(2026, 3, 7)), "late", D(2026, 3, 7), 1, 2, 3));
  const PatientSummary back = SummaryOn(w, h, D(2026, 3, 8));
  CHECK_FALSE(HasOpen(back, FlagKind::kInactivity));
  CHECK(back.last_session == D(2026, 3, 7));
}

TEST_CASE("Summary: a pain flare stays open for pain_flare_open_days", "[reports]") {
  World w;
  // Wednesday 03-04 reports pain 7 after (above the acceptable 5): a pain flare dated 03-04.
  const ProgramHistory h = Simulate(w, 3, [&](LocalDate day, const ProgressState& st, int i) {
    return std::optional<Session>(
        AsPrescribed(st, "s" + std::to_string(i), day, 1, day == D(2026, 3, 4) ? 7 : 2, 3));
  });
  // 7 days: open on 03-04 + 6 = 03-10, closed on 03-11.
  CHECK(HasOpen(SummaryOn(w, h, D(2026, 3, 10)), FlagKind::kPainFlare));
  CHECK_FALSE(HasOpen(SummaryOn(w, h, D(2026, 3, 11)), FlagKind::kPainFlare));
}

TEST_CASE("Summary: a review flag closes after review_open_days or with a revision", "[reports]") {
  World w;
  const ProgramHistory h;  // no sessions needed: the flag is placed on the evaluated timeline
  const LocalDate today = D(2026, 4, 30);
  Timeline tl = Evaluate(w.program, h, w.view, Utc(), today);
  tl.flags.clear();
  tl.flags.push_back({FlagKind::kReevaluationDue, today - date::days{27}, "re-evaluate", ""});
  auto summarize = [&](const Program& p, const Timeline& t) {
    return Summarize(p, t, today, ProgramHistory{}, {}, RtmStatus{}, kRules);
  };
  CHECK(HasOpen(summarize(w.program, tl), FlagKind::kReevaluationDue));  // 27 days old
  tl.flags.back().date = today - date::days{28};
  CHECK_FALSE(HasOpen(summarize(w.program, tl), FlagKind::kReevaluationDue));  // 28: closed
  // A revision from the flag's day on answers it.
  tl.flags.back().date = today - date::days{10};
  Program revised = w.program;
  ProgramRevision r2 = revised.revisions[0];
  r2.revision = 2;
  r2.effective_date = today - date::days{9};
  revised.revisions.push_back(r2);
  CHECK(HasOpen(summarize(w.program, tl), FlagKind::kReevaluationDue));
  CHECK_FALSE(HasOpen(summarize(revised, tl), FlagKind::kReevaluationDue));
}

TEST_CASE("Summary: RTM is at risk when the days left barely cover the days needed", "[reports]") {
  World w;
  const LocalDate today = D(2026, 3, 20);
  RtmStatus rtm;
  rtm.in_episode = true;
  rtm.period_start = D(2026, 3, 2);
  rtm.period_end = D(2026, 3, 31);
  rtm.data_days = 11;
  rtm.data_days_needed = 5;
  rtm.forecast = "Needs 5 more data days by 2026-03-31.";
  // Margin 2: 5 needed with 8 days left is fine; with 7 left (7 - 5 = 2) it is at risk.
  rtm.days_left = 8;
  PatientSummary s = SummaryOn(w, {}, today, rtm);
  CHECK_FALSE(s.rtm_at_risk);
  CHECK(RtmAlerts(s).empty());
  rtm.days_left = 7;
  s = SummaryOn(w, {}, today, rtm);
  CHECK(s.rtm_at_risk);
  REQUIRE(RtmAlerts(s).size() == 1);
  CHECK(RtmAlerts(s)[0].key == "rtm_at_risk/2026-03-02");  // once per period
  CHECK(RtmAlerts(s)[0].detail == "RTM: Needs 5 more data days by 2026-03-31.");
  // Out of reach is at risk too; reached is not.
  rtm.days_left = 3;
  CHECK(SummaryOn(w, {}, today, rtm).rtm_at_risk);
  rtm.data_days_needed = 0;
  CHECK_FALSE(SummaryOn(w, {}, today, rtm).rtm_at_risk);
}

TEST_CASE("Summary: the report rules are validated", "[reports]") {
  CHECK(Validate(kRules).ok());
  CHECK(Validate(ReportRules{7, 28, 0}).ok());
  const Status bad = Validate(ReportRules{0, 28, -1});
  REQUIRE_FALSE(bad.ok());
  REQUIRE(bad.violations().size() == 2);
  CHECK(bad.violations()[0].field == "report.pain_flare_open_days");
  CHECK(bad.violations()[1].field == "report.rtm_at_risk_margin_days");
}

}  // namespace
}  // namespace ptrack::testing
