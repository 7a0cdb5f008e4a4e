// Property test of the open day (open_day.h) over random histories: sessions of the day taken into
// an open day, one batch after another, give exactly the timeline, counters, report tallies and
// next open day that a replay of everything gives — on a week's first (grace) day too; and sessions
// that a replay would not take in last (a red flag, a session of an earlier day, one performed
// before a session already seen) are refused rather than taken in.
#include <algorithm>

#include "scheduler/open_day.h"
#include "scheduler/summary.h"
#include "tests/scheduler/random_history.h"

namespace ptrack::testing {
namespace {

constexpr int kHistories = 1500;
constexpr int kDaysPerHistory = 4;

// The inputs the server had stored before `cut`.
ProgramHistory KnownBefore(const ProgramHistory& h, Instant cut) {
  ProgramHistory out;
  for (const Session& s : h.sessions) {
    if (s.receive_time < cut) out.sessions.push_back(s);
  }
  for (const PainFollowUp& f : h.followups) {
    if (f.received < cut) out.followups.push_back(f);
  }
  for (const TherapistAction& a : h.actions) {
    if (a.at < cut) out.actions.push_back(a);
  }
  for (const OutcomeResult& r : h.outcomes) {
    if (r.received < cut) out.outcomes.push_back(r);
  }
  return out;
}

// A session performed (and received) at `at`, as the generator makes them.
Session NewSession(std::mt19937& rng, const std::string& id, LocalDate day, Instant at) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  Session s;
  s.id = id;
  s.patient_id = "pat";
  s.local_date = day;
  s.perform_time = at;
  s.receive_time = at;
  s.pain_before = pick(0, 8);
  s.pain_after = pick(0, 9);
  s.effort = pick(2, 8);
  const bool per_exercise = pick(0, 1) == 1;
  for (const char* exercise : {"chin-nod", "band-row", "side-plank", "chin-tuck"}) {
    if (pick(0, 19) == 0) continue;
    ExerciseLog l;
    l.exercise_id = exercise;
    l.sets = pick(1, 3);
    l.reps = pick(6, 12);
    l.hold_seconds = pick(0, 9) > 0 ? 60 : 0;
    l.band = "red";
    l.pain = per_exercise ? pick(0, 8) : -1;
    s.exercises.push_back(l);
  }
  return s;
}

void RequireSameTimeline(const Timeline& a, const Timeline& b) {
  REQUIRE(a.states == b.states);
  REQUIRE(a.decisions == b.decisions);
  REQUIRE(a.flags == b.flags);
  REQUIRE(a.facts == b.facts);
}

}  // namespace

TEST_CASE("property: sessions taken into an open day equal a replay of everything",
          "[progression][property][open_day]") {
  const ReportRules report{7, 28, 2};
  EvaluateOptions keep;
  keep.keep_open_day = true;
  int taken_in = 0, refused = 0, late_worse_seen = 0, flags_seen = 0, no_open_day = 0;
  int grace_taken = 0, grace_refused = 0;  // on a week's first day
  for (uint32_t seed = 1; seed <= kHistories; ++seed) {
    Generated g;
    Generate(seed, g);
    const World& w = g.world;
    const LocalDate start = w.program.start_date;
    std::mt19937 rng(seed * 7919u);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    INFO("seed " << seed);
    for (int n = 0; n < kDaysPerHistory; ++n) {
      const LocalDate today =
          start + date::days{pick(1, static_cast<int>((g.today - start).count()))};
      const int cut_hour = pick(0, 18);
      INFO("today " << FormatIsoDate(today) << ", inputs before " << cut_hour << ":00");
      ProgramHistory known = KnownBefore(g.history, At(today, cut_hour));
      Evaluation prior = Evaluate(w.program, known, w.view, kUtc, today, keep);
      if (prior.open_day == nullptr) {
        ++no_open_day;
        continue;
      }
      SessionTallies tallies = TallySessions(w.program, prior.timeline, today, known.sessions);
      // Up to three batches of the day's later sessions, each taken into the open day before.
      int hour = cut_hour;
      for (int batch = 0; batch < 3 && hour < 23; ++batch) {
        std::vector<Session> added;
        for (int k = pick(1, 3); k > 0 && hour < 23; --k) {
          hour = pick(hour + 1, 23);
          added.push_back(NewSession(rng, "n" + std::to_string(batch) + "-" + std::to_string(k),
                                     today, At(today, hour)));
        }
        // Sometimes a session a replay would not take in last: refused, whatever else it holds.
        const int odd = pick(0, 9);
        if (odd == 0) added.back().red_flags = {"recent-trauma"};
        if (odd == 1) {
          added.back().local_date = today - date::days{1};
          added.back().perform_time = At(today - date::days{1}, 20);
        }
        if (odd == 2) added.back().perform_time = prior.open_day->latest_perform;
        const bool must_refuse = odd <= 1 || (odd == 2 && !prior.open_day->latest_id.empty() &&
                                              added.back().id <= prior.open_day->latest_id);
        std::optional<Evaluation> next =
            TakeInToday(w.program, prior.timeline, *prior.open_day, added, w.view, kUtc);
        if (must_refuse) REQUIRE_FALSE(next.has_value());
        const bool grace = DayOfProgramWeek(start, today) == 0;
        if (!next) {
          ++refused;
          grace_refused += grace && !must_refuse;
          break;
        }
        ++taken_in;
        grace_taken += grace;
        for (const Session& s : added) known.sessions.push_back(s);
        const Evaluation replayed = Evaluate(w.program, known, w.view, kUtc, today, keep);
        RequireSameTimeline(next->timeline, replayed.timeline);
        REQUIRE(replayed.open_day != nullptr);
        REQUIRE(next->open_day->state == replayed.open_day->state);
        REQUIRE(next->open_day->counters == replayed.open_day->counters);
        REQUIRE(next->open_day->latest_perform == replayed.open_day->latest_perform);
        REQUIRE(next->open_day->latest_id == replayed.open_day->latest_id);
        REQUIRE(next->open_day->recent.size() == replayed.open_day->recent.size());
        late_worse_seen +=
            next->open_day->counters.late_worse && !prior.open_day->counters.late_worse;
        flags_seen += next->timeline.flags.size() > prior.timeline.flags.size();
        tallies += TallySessions(w.program, next->timeline, today, added);
        REQUIRE(tallies == TallySessions(w.program, replayed.timeline, today, known.sessions));
        REQUIRE(Summarize(w.program, next->timeline, today, tallies, {}, RtmStatus{}, report) ==
                Summarize(w.program, replayed.timeline, today, known, {}, RtmStatus{}, report));
        prior = std::move(*next);
      }
    }
  }
  WARN("taken in " << taken_in << " (" << grace_taken << " on grace days), refused " << refused
                   << " (" << grace_refused << " for a worse morning in time), no open day "
                   << no_open_day << ", late worse " << late_worse_seen << ", flags "
                   << flags_seen);
  CHECK(taken_in > 5000);
  CHECK(refused > 500);
  CHECK(no_open_day > 100);     // grace days, red flags, actions, revisions, inactivity
  CHECK(late_worse_seen > 20);  // a later session showing a worse morning after an earlier week
  CHECK(flags_seen > 1000);     // pain flares raised by the sessions taken in
}

}  // namespace ptrack::testing
