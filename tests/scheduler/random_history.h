// Random program histories for the progression property tests (fixed seeds, so every run checks
// the same histories): sessions on random days with random pains, efforts and doses, some synced
// hours or days late, next-morning reports some of which arrive days later, occasional red
// flags, and therapist actions (clearings, approvals, boosts) at random moments. Also the
// engine's "worse morning, known in time" rule recomputed independently, and a fingerprint of a
// timeline's decisions and flags.
#pragma once

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>

#include "scheduler/calendar.h"
#include "tests/scheduler/progression_fixture.h"

namespace ptrack::testing {

inline const Zone kUtc = date::locate_zone("UTC");

struct Generated {
  World world;
  ProgramHistory history;
  LocalDate today{};
};

inline Instant At(LocalDate day, int hour) {
  return date::sys_days{day.time_since_epoch()} + std::chrono::hours(hour);
}

inline void Generate(uint32_t seed, Generated& g) {
  std::mt19937 rng(seed);
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  World& w = g.world;
  if (chance(0.3)) w.Rx(1, "chin-nod").mode = ProgressionMode::kSuggest;
  const int days = pick(14, 84);
  const double diligence = std::uniform_real_distribution<double>(0.3, 1.0)(rng);
  const double painfulness = std::pow(std::uniform_real_distribution<double>(0, 1)(rng), 3);
  int n = 0;
  for (int i = 0; i < days; ++i) {
    if (!chance(diligence * 0.7)) continue;
    const LocalDate day = w.program.start_date + date::days{i};
    Session s;
    s.id = "s" + std::to_string(n++);
    s.patient_id = "pat";
    s.local_date = day;
    s.perform_time = At(day, pick(6, 22));
    s.receive_time = s.perform_time + std::chrono::hours(chance(0.2) ? pick(1, 96) : 0);
    s.pain_before = pick(0, chance(painfulness) ? 8 : 3);
    s.pain_after = pick(0, chance(painfulness) ? 9 : 4);
    s.effort = pick(2, chance(0.8) ? 6 : 8);
    const bool per_exercise = chance(0.5);
    for (const char* id : {"chin-nod", "band-row", "side-plank", "chin-tuck"}) {
      if (!chance(0.95)) continue;
      ExerciseLog l;
      l.exercise_id = id;
      l.sets = pick(1, 3);
      l.reps = pick(6, 12);
      l.hold_seconds = chance(0.9) ? 60 : 0;
      l.band = "red";
      l.pain = per_exercise ? pick(0, chance(painfulness) ? 8 : 3) : -1;
      s.exercises.push_back(l);
    }
    if (chance(0.01)) s.red_flags = {"recent-trauma"};
    if (chance(0.1)) {
      // The next morning, or days later when the phone stayed offline.
      const Instant received =
          s.receive_time + std::chrono::hours(chance(0.3) ? pick(30, 240) : pick(8, 20));
      g.history.followups.push_back({s.id, pick(0, 8), received});
    }
    g.history.sessions.push_back(s);
  }
  for (int k = pick(0, 3); k > 0; --k) {
    const LocalDate day = w.program.start_date + date::days{pick(0, days)};
    const auto kind = chance(0.5) ? TherapistAction::Kind::kClearRedFlag
                                  : (chance(0.5) ? TherapistAction::Kind::kApprove
                                                 : TherapistAction::Kind::kBoost);
    g.history.actions.push_back(
        {kind, day, "w" + std::to_string(pick(1, 6)) + "-chin-nod", "", At(day, pick(7, 20))});
  }
  // Outcome measures: an NDI now and then (answered on a day, sometimes synced days later), and
  // sometimes a phase-1 gate that waits on it.
  if (chance(0.3)) w.program.revisions[0].phases[0].outcome_gate = "ndi";
  for (int k = pick(0, 5); k > 0; --k) {
    const LocalDate day = w.program.start_date + date::days{pick(0, days)};
    OutcomeResult r;
    r.id = "o" + std::to_string(k);
    r.instrument_id = "ndi";
    r.date = day;
    r.received = At(day, pick(7, 22)) + std::chrono::hours(chance(0.3) ? pick(1, 200) : 0);
    r.score = pick(5, 40);
    r.judgement = {"NDI", OutcomeDirection::kLowerIsBetter, 7.5, 0, {}, {}};
    g.history.outcomes.push_back(r);
  }
  g.today = w.program.start_date + date::days{days};
}

// Whether something about program week `week` known at `known` reached the week's decision
// (progression.h, "Settled weeks"): by the end of the week's grace day, and before a therapist
// approved or rejected one of its decisions on that day.
inline bool KnownInTime(const Generated& g, int week, Instant known) {
  const LocalDate grace = WeekStart(g.world.program.start_date, week) + date::days{7};
  const LocalDate day = LocalDateOf(known, kUtc);
  if (day != grace) return day < grace;
  for (const TherapistAction& a : g.history.actions) {
    const bool resolves =
        a.kind == TherapistAction::Kind::kApprove || a.kind == TherapistAction::Kind::kReject;
    if (resolves && a.date == grace &&
        a.decision_id.rfind("w" + std::to_string(week) + "-", 0) == 0 && a.at <= known) {
      return false;
    }
  }
  return true;
}

// The sessions followed by a worse morning known in time for their week's decision: a
// next-morning report above the pre-session pain, or any later session within two days
// starting from higher pain.
inline std::set<std::string> WorseMorningsInTime(const Generated& g) {
  const ProgramHistory& h = g.history;
  std::set<std::string> worse;
  for (const Session& s : h.sessions) {
    const int week = ProgramWeek(g.world.program.start_date, s.local_date);
    for (const PainFollowUp& f : h.followups) {
      if (f.session_id == s.id && f.pain > s.pain_before && KnownInTime(g, week, f.received)) {
        worse.insert(s.id);
      }
    }
    for (const Session& t : h.sessions) {
      const bool later =
          t.perform_time > s.perform_time || (t.perform_time == s.perform_time && t.id > s.id);
      if (later && t.local_date <= s.local_date + date::days{2} && t.pain_before > s.pain_before &&
          KnownInTime(g, week, std::max(s.receive_time, t.receive_time))) {
        worse.insert(s.id);
      }
    }
  }
  return worse;
}

inline std::string Fingerprint(const Decision& d) {
  return d.id + "|" + std::to_string(static_cast<int>(d.kind)) + "|" + d.rule + "|" +
         std::to_string(static_cast<int>(d.status)) + "|" + d.new_exercise_id + "|" +
         DescribeDose(d.new_dose) + "|" + d.explanation;
}

inline std::string Fingerprint(const Timeline& tl) {
  std::string out;
  for (const Decision& d : tl.decisions) out += Fingerprint(d) + "\n";
  for (const Flag& f : tl.flags) out += FormatIsoDate(f.date) + f.detail + "\n";
  return out;
}

}  // namespace ptrack::testing
