// Test world for the progression engine: a small catalogue with a ladder, a three-phase program
// (2 + 2 weeks, then open-ended maintenance), rules equal to the shipped defaults, and a
// day-by-day simulator that asks the engine for the current state and logs what a scripted
// patient does.
#pragma once

#include <catch2/catch.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scheduler/calendar.h"
#include "scheduler/progression.h"

namespace ptrack::testing {

inline LocalDate D(int y, unsigned m, unsigned d) {
  return LocalDate{date::year{y} / date::month{m} / date::day{d}};
}

inline Exercise Ex(const std::string& id, const std::string& ladder, int rank, Dose dose,
                   std::vector<Lever> levers, int max_hold = 0) {
  Exercise e;
  e.id = id;
  e.display_name = id;
  e.region = Region::kNeck;
  e.ladder = ladder;
  e.ladder_rank = rank;
  e.default_dose = dose;
  e.levers = std::move(levers);
  e.max_hold_seconds = max_hold;
  return e;
}

inline Dose Reps(int sets, int reps, const std::string& band = "", double load = 0) {
  Dose d;
  d.sets = sets;
  d.reps = reps;
  d.band = band;
  d.load_kg = load;
  return d;
}
inline Dose Hold(int sets, int reps, int hold) {
  Dose d;
  d.sets = sets;
  d.reps = reps;
  d.hold_seconds = hold;
  return d;
}

// The same values as data/rules/progression.json.
inline ProgressionRules ShippedRules() {
  ProgressionRules r;
  r.pain_safe_max = 3;
  r.pain_acceptable_max = 5;
  r.effort_progress_max = 6;
  r.adherence_gate = 0.66;
  r.sessions_at_target = 2;
  r.hold_step_seconds = 5;
  r.hold_max_seconds = 60;
  r.reps_step = 2;
  r.reps_range_min = 8;
  r.reps_range_max = 12;
  r.load_increase_fraction = 0.05;
  r.load_rounding_kg = 0.5;
  r.pyramid_step = 2;
  r.sets_max = 3;
  r.band_order = {"yellow", "red", "green", "blue", "black"};
  r.inactivity_days = 4;
  r.reevaluation_after_weeks = 6;
  r.reevaluation_min_drop_points = 2;
  r.reevaluation_min_drop_fraction = 0.3;
  r.phase_max_extension_weeks = 2;
  r.boost_phase = 2;
  r.maintenance_pain_return = 4;
  return r;
}

struct World {
  std::map<std::string, Exercise> exercises;
  CatalogueView view;
  Program program;

  explicit World(LocalDate start = D(2026, 3, 2)) {
    for (const Exercise& e :
         {Ex("chin-nod", "dnf", 1, Hold(1, 10, 5),
             {Lever::kHoldSeconds, Lever::kReps, Lever::kLadder}, 10),
          Ex("chin-tuck", "dnf", 2, Hold(1, 10, 5), {Lever::kHoldSeconds, Lever::kReps}, 10),
          Ex("band-row", "row", 1, Reps(2, 8, "red"), {Lever::kReps, Lever::kBand}),
          Ex("side-plank", "plank", 1, Hold(3, 0, 20), {Lever::kHoldSeconds}, 60)}) {
      exercises[e.id] = e;
    }
    view.exercise = [this](const std::string& id) -> const Exercise* {
      auto it = exercises.find(id);
      return it == exercises.end() ? nullptr : &it->second;
    };
    view.rung = [this](const std::string& ladder, int rank) -> const Exercise* {
      for (const auto& [id, e] : exercises) {
        if (e.ladder == ladder && e.ladder_rank == rank) return &e;
      }
      return nullptr;
    };
    Phase p1{1, "Control", 1, 2, 3, {}, "gate"};
    p1.prescriptions = {
        {"chin-nod", {Hold(1, 10, 5), Hold(1, 10, 10)}, "", ProgressionMode::kAuto},
        {"band-row", {Reps(2, 8, "red"), Reps(2, 10, "red")}, "", ProgressionMode::kAuto}};
    Phase p2{2, "Strength", 3, 2, 3, {}, "gate"};
    p2.prescriptions = {{"band-row", {Reps(3, 8, "green")}, "", ProgressionMode::kAuto},
                        {"side-plank", {Hold(3, 0, 20)}, "", ProgressionMode::kAuto}};
    Phase p3{3, "Maintenance", 5, 0, 2, {}, ""};
    p3.prescriptions = {{"band-row", {Reps(1, 10, "green")}, "", ProgressionMode::kAuto}};
    program.id = "prog";
    program.patient_id = "pat";
    program.protocol_id = "proto";
    program.start_date = start;
    ProgramRevision rev;
    rev.revision = 1;
    rev.effective_date = start;
    rev.phases = {p1, p2, p3};
    rev.rules = ShippedRules();
    program.revisions = {rev};
  }

  Prescription& Rx(int phase, const std::string& id) {
    for (Prescription& rx : program.revisions[0].phases[phase - 1].prescriptions) {
      if (rx.exercise_id == id) return rx;
    }
    FAIL("no prescription " << id);
    throw 0;
  }
};

// A session as prescribed on `day` at 18:00 UTC, with the given pains and effort.
inline Session AsPrescribed(const ProgressState& state, const std::string& id, LocalDate day,
                            int pain_before, int pain_after, int effort) {
  Session s;
  s.id = id;
  s.patient_id = "pat";
  s.local_date = day;
  s.perform_time = date::sys_days{day.time_since_epoch()} + std::chrono::hours(18);
  s.receive_time = s.perform_time + std::chrono::minutes(1);
  s.pain_before = pain_before;
  s.pain_after = pain_after;
  s.effort = effort;
  for (const CurrentPrescription& cp : state.prescriptions) {
    ExerciseLog l;
    l.exercise_id = cp.exercise_id;
    l.sets =
        cp.dose.pyramid_reps.empty() ? cp.dose.sets : static_cast<int>(cp.dose.pyramid_reps.size());
    l.reps = cp.dose.reps;
    l.hold_seconds = cp.dose.hold_seconds;
    l.load_kg = cp.dose.load_kg;
    l.band = cp.dose.band;
    s.exercises.push_back(l);
  }
  return s;
}

// What the scripted patient does on a training day: nullopt = skips it.
using Behaviour =
    std::function<std::optional<Session>(LocalDate day, const ProgressState& state, int index)>;

// Simulates `days` days from the program start: on each training day (the current phase's
// sessions spread over the program week, calendar.h) the behaviour may log a session. Returns the
// history; the caller evaluates it.
inline ProgramHistory Simulate(const World& w, int days, const Behaviour& behaviour,
                               Zone zone = date::locate_zone("UTC")) {
  ProgramHistory h;
  int index = 0;
  for (int i = 0; i < days; ++i) {
    const LocalDate day = w.program.start_date + date::days{i};
    const Timeline tl = Evaluate(w.program, h, w.view, zone, day);
    const ProgressState& st = tl.StateOn(day);
    if (st.suspended) continue;
    const Phase* phase = nullptr;
    for (const Phase& p : w.program.revisions[0].phases) {
      if (p.number == st.phase_number) phase = &p;
    }
    REQUIRE(phase != nullptr);
    if (!IsTrainingDay(phase->sessions_per_week, DayOfProgramWeek(w.program.start_date, day))) {
      continue;
    }
    if (auto s = behaviour(day, st, index++)) h.sessions.push_back(*s);
  }
  return h;
}

inline std::vector<const Decision*> DecisionsFor(const Timeline& tl, const std::string& exercise) {
  std::vector<const Decision*> out;
  for (const Decision& d : tl.decisions) {
    if (d.exercise_id == exercise) out.push_back(&d);
  }
  return out;
}

// An adherent, pain-free patient who does phase 1's targets from day one (10 s holds, 10 rows),
// so phase 1 ends on plan after week 2.
inline std::optional<Session> AheadOfPlan(LocalDate day, const ProgressState& st, int i) {
  Session s = AsPrescribed(st, "s" + std::to_string(i), day, 1, 1, 4);
  for (ExerciseLog& l : s.exercises) {
    if (l.exercise_id == "chin-nod") l.hold_seconds = std::max(l.hold_seconds, 10);
    if (l.exercise_id == "band-row") l.reps = std::max(l.reps, 10);
  }
  return s;
}

inline const Decision* FindDecision(const Timeline& tl, const std::string& id) {
  for (const Decision& d : tl.decisions) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

inline int Count(const Timeline& tl, FlagKind kind) {
  int n = 0;
  for (const Flag& f : tl.flags) n += f.kind == kind;
  return n;
}

}  // namespace ptrack::testing
