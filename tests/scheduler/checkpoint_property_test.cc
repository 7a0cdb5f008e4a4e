// Property tests of settled weeks and checkpoints (checkpoint.h) over 2,000 random histories and
// every split point: a checkpoint taken from the inputs known at the time equals one taken from
// the whole history (the replay is causal); a replay from a checkpoint, given only the inputs
// ResumeInputs names, gives the same states, decisions, flags, history facts and report summary
// as a full replay; and no input arriving after a week's grace — a session, a next-morning report,
// a later session starting higher — ever changes that week's decisions.
#include <algorithm>

#include "scheduler/checkpoint.h"
#include "scheduler/summary.h"
#include "tests/scheduler/random_history.h"

namespace ptrack::testing {
namespace {

constexpr int kHistories = 2000;

// The inputs the server had stored by the end of `day`.
ProgramHistory KnownBy(const ProgramHistory& h, LocalDate day) {
  const Instant end = StartOfDay(day + date::days{1}, kUtc);
  ProgramHistory out;
  for (const Session& s : h.sessions) {
    if (s.receive_time < end) out.sessions.push_back(s);
  }
  for (const PainFollowUp& f : h.followups) {
    if (f.received < end) out.followups.push_back(f);
  }
  for (const TherapistAction& a : h.actions) {
    if (a.date <= day) out.actions.push_back(a);
  }
  for (const OutcomeResult& r : h.outcomes) {
    if (r.received < end) out.outcomes.push_back(r);
  }
  return out;
}

// What a resumed replay is given: exactly what ResumeInputs names.
ProgramHistory ResumeWindow(const ProgramHistory& h, const Checkpoint& cp, LocalDate today) {
  const ResumeInputs in = InputsAfter(cp, kUtc, today);
  std::optional<LocalDate> earliest_late;
  for (const Session& s : h.sessions) {
    if (s.receive_time >= in.received_after && (!earliest_late || s.local_date < *earliest_late)) {
      earliest_late = s.local_date;
    }
  }
  const LocalDate from = LateSessionsFrom(in, earliest_late);
  ProgramHistory out;
  std::set<std::string> ids;
  for (const Session& s : h.sessions) {
    if (s.local_date >= from || s.receive_time >= in.received_after) {
      out.sessions.push_back(s);
      ids.insert(s.id);
    }
  }
  for (const PainFollowUp& f : h.followups) {
    if (f.received < in.received_after && ids.count(f.session_id) == 0) continue;
    out.followups.push_back(f);
    if (ids.insert(f.session_id).second) {
      for (const Session& s : h.sessions) {
        if (s.id == f.session_id) out.sessions.push_back(s);
      }
    }
  }
  for (const TherapistAction& a : h.actions) {
    if (a.date > in.actions_after) out.actions.push_back(a);
  }
  out.outcomes = h.outcomes;  // always all of them (progression.h)
  return out;
}

std::string Describe(const Checkpoint& cp) {
  std::string out = FormatIsoDate(cp.day) + Fingerprint(cp.kept);
  for (const LocalDate d : cp.flags_raised_on) out += FormatIsoDate(d);
  return out;
}

bool SameCheckpoint(const Checkpoint& a, const Checkpoint& b) {
  return Describe(a) == Describe(b) && a.state == b.state && a.counters == b.counters &&
         a.kept.states == b.kept.states && a.kept.decisions == b.kept.decisions &&
         a.kept.flags == b.kept.flags && a.kept.facts == b.kept.facts;
}

const Decision* Find(const Timeline& tl, const std::string& id) {
  for (const Decision& d : tl.decisions) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("property: a replay from any checkpoint equals the full replay",
          "[progression][property][checkpoint]") {
  const ReportRules report{7, 28, 2};
  int splits = 0, late_inputs_seen = 0;
  for (uint32_t seed = 1; seed <= kHistories; ++seed) {
    Generated g;
    Generate(seed, g);
    const World& w = g.world;
    const LocalDate start = w.program.start_date;
    const Timeline full = Evaluate(w.program, g.history, w.view, kUtc, g.today);
    const PatientSummary full_summary =
        Summarize(w.program, full, g.today, g.history, {}, RtmStatus{}, report);
    INFO("seed " << seed);
    for (LocalDate day = start; day <= SettledThrough(g.today); day += date::days{1}) {
      INFO("checkpoint on " << FormatIsoDate(day));
      ++splits;
      EvaluateOptions take;
      take.checkpoint_on = day;
      take.keep_days = 42;
      // Taken from the whole history, or at the time from what had arrived: the same.
      const Evaluation now = Evaluate(w.program, g.history, w.view, kUtc, g.today, take);
      REQUIRE(now.checkpoint.has_value());
      const Checkpoint& cp = *now.checkpoint;
      const Evaluation then = Evaluate(w.program, KnownBy(g.history, day + date::days{1}), w.view,
                                       kUtc, day + date::days{2}, take);
      REQUIRE(then.checkpoint.has_value());
      REQUIRE(SameCheckpoint(cp, *then.checkpoint));
      REQUIRE(Fingerprint(now.timeline) == Fingerprint(full));

      EvaluateOptions resume;
      resume.resume = &cp;
      const ProgramHistory window = ResumeWindow(g.history, cp, g.today);
      late_inputs_seen += window.sessions.size() < g.history.sessions.size() &&
                          std::any_of(window.sessions.begin(), window.sessions.end(),
                                      [&](const Session& s) { return s.local_date < day; });
      const Timeline resumed = Evaluate(w.program, window, w.view, kUtc, g.today, resume).timeline;

      // The same states over the days kept, and after.
      for (LocalDate d = std::max(start, day - date::days{42}); d <= g.today; d += date::days{1}) {
        REQUIRE(resumed.StateOn(d) == full.StateOn(d));
      }
      // Every decision it has is the full replay's; none taken since, or pending, is missing.
      for (const Decision& d : resumed.decisions) {
        const Decision* same = Find(full, d.id);
        REQUIRE(same != nullptr);
        REQUIRE(*same == d);
      }
      for (const Decision& d : full.decisions) {
        if (DecidedOn(d, start) > day || d.status == DecisionStatus::kPending) {
          REQUIRE(Find(resumed, d.id) != nullptr);
        }
      }
      // Its flags are the full replay's, in the same order, and none dated after it is missing.
      size_t next = 0;
      for (const Flag& f : resumed.flags) {
        while (next < full.flags.size() && !(full.flags[next] == f)) ++next;
        REQUIRE(next < full.flags.size());
        ++next;
      }
      for (const Flag& f : full.flags) {
        if (f.date > day) {
          REQUIRE(std::find(resumed.flags.begin(), resumed.flags.end(), f) != resumed.flags.end());
        }
      }
      REQUIRE(resumed.facts == full.facts);
      REQUIRE(Summarize(w.program, resumed, g.today, window, {}, RtmStatus{}, report) ==
              full_summary);
    }
  }
  CHECK(splits > 50000);
  CHECK(late_inputs_seen > 1000);  // resumed replays that had to take in late sessions
}

TEST_CASE("property: late inputs of every kind never change a settled week",
          "[progression][property][checkpoint]") {
  int settled_seen = 0, late_holds_seen = 0;
  for (uint32_t seed = 1; seed <= kHistories; ++seed) {
    Generated g;
    Generate(seed, g);
    const World& w = g.world;
    const LocalDate start = w.program.start_date;
    const Timeline full = Evaluate(w.program, g.history, w.view, kUtc, g.today);
    for (const Decision& d : full.decisions) late_holds_seen += d.rule == "pain.reported_late";
    INFO("seed " << seed);
    for (LocalDate day = start; day <= g.today; day += date::days{1}) {
      // What the engine said on `day`, from what it knew then.
      const Timeline then = Evaluate(w.program, KnownBy(g.history, day), w.view, kUtc, day);
      for (const Decision& d : then.decisions) {
        if (DecidedOn(d, start) + date::days{1} >= day) continue;  // not settled yet on `day`
        ++settled_seen;
        INFO(FormatIsoDate(day) << ": " << d.id << " " << d.rule);
        const Decision* later = Find(full, d.id);
        REQUIRE(later != nullptr);
        CHECK(later->kind == d.kind);
        CHECK(later->rule == d.rule);
        CHECK(later->new_exercise_id == d.new_exercise_id);
        CHECK(later->new_dose == d.new_dose);
        CHECK(later->explanation == d.explanation);
        if (d.status != DecisionStatus::kPending) {
          CHECK(later->status == d.status);  // an approval or rejection is never undone
          CHECK(later->effective_date == d.effective_date);
        }
      }
    }
  }
  CHECK(settled_seen > 100000);
  CHECK(late_holds_seen > 20);
}

}  // namespace ptrack::testing
