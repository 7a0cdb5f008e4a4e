// Unit tests for scheduler/session.h: SamePayload, the idempotency rule for retried session
// logs, ignores the server-derived fields (program, local date, receive time) and notices a
// change in any client-supplied one (id, patient, perform time, pains, effort, every exercise
// field and their order, notes); Accumulate adds a session to a day's facts (sessions, exercises
// with at least one set, the highest pain before or after).
#include "scheduler/session.h"

#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

namespace ptrack {
namespace {

LocalDate Ymd(int y, unsigned m, unsigned d) {
  return LocalDate{date::year{y} / date::month{m} / date::day{d}};
}

Session BaseSession() {
  Session s;
  s.id = "0f8e2a4c-5b1d-4c3e-9a7f-6d2b1c0e9f8a";
  s.patient_id = "patient-1";
  s.program_id = "program-1";
  s.perform_time = FromUnixMillis(1772947800000);  // 2026-03-08 05:30 UTC
  s.local_date = Ymd(2026, 3, 8);
  s.receive_time = FromUnixMillis(1772947860000);
  s.pain_before = 2;
  s.pain_after = 3;
  s.effort = 4;
  s.exercises = {
      {.exercise_id = "chin-nod", .sets = 1, .reps = 10, .hold_seconds = 10},
      {.exercise_id = "band-row", .sets = 2, .reps = 12, .band = "red", .side = Side::kBoth},
      {.exercise_id = "side-plank", .sets = 4, .hold_seconds = 20, .side = Side::kEach},
  };
  s.notes = "felt fine";
  return s;
}

struct Mutation {
  const char* name;
  std::function<void(Session&)> apply;
};

TEST_CASE("SamePayload ignores the fields the server derives", "[foundation][session]") {
  const auto row = GENERATE(values<Mutation>({
      {"nothing", [](Session&) {}},
      {"program", [](Session& s) { s.program_id = "program-2"; }},
      {"local date", [](Session& s) { s.local_date = Ymd(2026, 3, 7); }},
      {"receive time, days later",
       [](Session& s) { s.receive_time += std::chrono::hours(24 * 5); }},
      {"all derived fields",
       [](Session& s) {
         s.program_id.clear();
         s.local_date = {};
         s.receive_time = {};
       }},
  }));
  INFO(row.name);
  const Session a = BaseSession();
  Session b = a;
  row.apply(b);
  CHECK(SamePayload(a, b));
  CHECK(SamePayload(b, a));
}

TEST_CASE("SamePayload notices a change in any client-supplied field", "[foundation][session]") {
  const auto row = GENERATE(values<Mutation>({
      {"id", [](Session& s) { s.id = "1f8e2a4c-5b1d-4c3e-9a7f-6d2b1c0e9f8a"; }},
      {"patient", [](Session& s) { s.patient_id = "patient-2"; }},
      {"perform time by 1 ms", [](Session& s) { s.perform_time += std::chrono::milliseconds(1); }},
      {"pain before", [](Session& s) { s.pain_before = 3; }},
      {"pain after", [](Session& s) { s.pain_after = 7; }},
      {"effort", [](Session& s) { s.effort = 5; }},
      {"notes", [](Session& s) { s.notes = "felt fine!"; }},
      {"notes cleared", [](Session& s) { s.notes.clear(); }},
      {"exercise dropped", [](Session& s) { s.exercises.pop_back(); }},
      {"exercise added",
       [](Session& s) {
         s.exercises.push_back({"wall-angel", 2, 10});
       }},
      {"exercises reordered", [](Session& s) { std::swap(s.exercises[0], s.exercises[1]); }},
      {"exercise id", [](Session& s) { s.exercises[0].exercise_id = "chin-tuck"; }},
      {"sets", [](Session& s) { s.exercises[1].sets = 0; }},
      {"reps", [](Session& s) { s.exercises[1].reps = 11; }},
      {"hold", [](Session& s) { s.exercises[2].hold_seconds = 25; }},
      {"load", [](Session& s) { s.exercises[1].load_kg = 2.5; }},
      {"band", [](Session& s) { s.exercises[1].band = "green"; }},
      {"side", [](Session& s) { s.exercises[2].side = Side::kLeft; }},
      {"pyramid steps",
       [](Session& s) {
         s.exercises[1].pyramid_reps = {6, 4};
       }},
  }));
  INFO(row.name);
  const Session a = BaseSession();
  Session b = a;
  row.apply(b);
  CHECK_FALSE(SamePayload(a, b));
  CHECK_FALSE(SamePayload(b, a));
}

TEST_CASE("Accumulate adds sessions, exercises with sets and the highest pain",
          "[foundation][session]") {
  auto session = [](int pain_before, int pain_after, std::vector<int> sets_per_exercise) {
    Session s = BaseSession();
    s.pain_before = pain_before;
    s.pain_after = pain_after;
    s.exercises.clear();
    for (int sets : sets_per_exercise) {
      s.exercises.push_back(
          {.exercise_id = "e" + std::to_string(s.exercises.size()), .sets = sets, .reps = 10});
    }
    return s;
  };
  struct Row {
    const char* name;
    std::vector<Session> sessions;
    int sessions_done;
    int exercises_done;
    int max_pain;
  };
  const auto row = GENERATE_COPY(values<Row>({
      {"one session", {session(2, 3, {1, 2, 4})}, 1, 3, 3},
      {"skipped exercises do not count", {session(1, 1, {0, 2, 0})}, 1, 1, 1},
      {"no exercises, no pain", {session(0, 0, {})}, 1, 0, 0},
      {"pain before is higher", {session(6, 2, {1})}, 1, 1, 6},
      {"two sessions", {session(2, 6, {1, 1}), session(4, 1, {3, 0, 1})}, 2, 4, 6},
      {"pain never goes down",
       {session(9, 9, {1}), session(0, 0, {1}), session(1, 2, {0})},
       3,
       2,
       9},
  }));
  INFO(row.name);
  DailyFacts facts{.date = Ymd(2026, 3, 8)};
  REQUIRE(facts.max_pain == -1);  // nothing logged yet
  for (const Session& s : row.sessions) facts = Accumulate(facts, s);
  CHECK(facts.date == Ymd(2026, 3, 8));
  CHECK(facts.sessions_done == row.sessions_done);
  CHECK(facts.exercises_done == row.exercises_done);
  CHECK(facts.max_pain == row.max_pain);
}

TEST_CASE("regression: a pyramid is done in full only when every step is", "[care][session]") {
  Dose pyramid;
  pyramid.sets = 3;
  pyramid.pyramid_reps = {6, 4, 2};
  pyramid.hold_seconds = 5;
  ExerciseLog log;
  log.exercise_id = "bird-dog";
  log.sets = 3;
  log.hold_seconds = 5;
  SECTION("step by step") {
    log.pyramid_reps = {6, 4, 2};
    CHECK(AtFullDose(log, pyramid));
    log.pyramid_reps = {8, 6, 4};  // more than prescribed
    CHECK(AtFullDose(log, pyramid));
    log.pyramid_reps = {6, 3, 2};  // one step short
    CHECK_FALSE(AtFullDose(log, pyramid));
    log.sets = 2;
    log.pyramid_reps = {6, 4};  // the last set left out
    CHECK_FALSE(AtFullDose(log, pyramid));
  }
  SECTION("as uniform sets: the largest step's reps in every set") {
    log.reps = 2;  // 3 x 2 is not 6-4-2
    CHECK_FALSE(AtFullDose(log, pyramid));
    log.reps = 6;
    CHECK(AtFullDose(log, pyramid));
  }
  SECTION("sets only (written before steps existed): judged on sets") {
    CHECK(AtFullDose(log, pyramid));
    log.sets = 2;
    CHECK_FALSE(AtFullDose(log, pyramid));
  }
}

}  // namespace
}  // namespace ptrack
