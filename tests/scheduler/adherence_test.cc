// Unit tests for scheduler/adherence.h over a program of three sessions a week (days 0, 2, 4 of
// weeks 1-2) then two (days 0, 3 from week 3): each program week credits at most the sessions it
// prescribed, a session moved to a rest day of the same week still counts, extra sessions one
// week do not hide missed ones another, days before the start prescribe and credit nothing, the
// ratio is 0 when nothing was prescribed, and a period cutting through program weeks counts only
// the days inside it, with facts outside the period (in any order) ignored.
#include "scheduler/adherence.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace ptrack {
namespace {

LocalDate Ymd(int y, unsigned m, unsigned d) {
  return LocalDate{date::year{y} / date::month{m} / date::day{d}};
}

const LocalDate kStart = Ymd(2026, 3, 2);  // a Monday

LocalDate At(int offset) { return kStart + date::days{offset}; }

Program ThreeThenTwo() {
  auto phase = [](int number, int start_week, int weeks, int sessions_per_week) {
    return Phase{.number = number,
                 .display_name = "phase " + std::to_string(number),
                 .start_week = start_week,
                 .weeks = weeks,
                 .sessions_per_week = sessions_per_week,
                 .prescriptions = {Prescription{
                     .exercise_id = "band-row",
                     .dose_steps = {Dose{.sets = 2, .reps = 8}, Dose{.sets = 2, .reps = 10}}}}};
  };
  Program program;
  program.id = "program-1";
  program.start_date = kStart;
  ProgramRevision r1;
  r1.revision = 1;
  r1.effective_date = kStart;
  r1.phases = {phase(1, 1, 2, 3), phase(2, 3, 0, 2)};
  program.revisions.push_back(r1);
  return program;
}

DailyFacts Facts(int offset, int sessions, int exercises = 1, int max_pain = 2) {
  return DailyFacts{.date = At(offset),
                    .sessions_done = sessions,
                    .exercises_done = exercises,
                    .max_pain = max_pain};
}

// Facts for consecutive days from `first_offset`, `done[i]` sessions on day i (none when 0).
std::vector<DailyFacts> FactsFrom(int first_offset, const std::vector<int>& done) {
  std::vector<DailyFacts> facts;
  for (size_t i = 0; i < done.size(); ++i) {
    if (done[i] > 0) facts.push_back(Facts(first_offset + static_cast<int>(i), done[i]));
  }
  return facts;
}

TEST_CASE("ComputeAdherence: a week credits at most the sessions it prescribed",
          "[foundation][adherence]") {
  struct Row {
    const char* name;
    std::vector<int> done;  // sessions on days 0..6 of week 1 (training days 0, 2, 4)
    int credited;
  };
  const auto row = GENERATE(values<Row>({
      {"as prescribed", {1, 0, 1, 0, 1, 0, 0}, 3},
      {"4 done, 3 prescribed", {1, 1, 1, 0, 1, 0, 0}, 3},
      {"two a day twice", {2, 0, 0, 0, 2, 0, 0}, 3},
      {"7 done", {1, 1, 1, 1, 1, 1, 1}, 3},
      {"day 4's session moved to rest day 5", {1, 0, 1, 0, 0, 1, 0}, 3},
      {"all on rest days", {0, 1, 0, 1, 0, 1, 0}, 3},
      {"one done", {0, 0, 0, 0, 0, 0, 1}, 1},
      {"none done", {0, 0, 0, 0, 0, 0, 0}, 0},
  }));
  INFO(row.name);
  const Adherence a = ComputeAdherence(ThreeThenTwo(), At(0), At(6), FactsFrom(0, row.done));
  CHECK(a.sessions_prescribed == 3);
  CHECK(a.sessions_done == row.credited);
  CHECK(a.ratio == Approx(row.credited / 3.0));
  REQUIRE(a.days.size() == 7);
  for (int i = 0; i < 7; ++i) {
    INFO("day " << i);
    CHECK(a.days[i].date == At(i));
    CHECK(a.days[i].sessions_prescribed == (i == 0 || i == 2 || i == 4 ? 1 : 0));
    CHECK(a.days[i].sessions_done == row.done[i]);  // per day: the raw count
  }
}

TEST_CASE("ComputeAdherence: extra sessions one week do not hide missed sessions another",
          "[foundation][adherence]") {
  // Week 1: 5 done of 3; week 2: 1 done of 3.
  const auto facts = FactsFrom(0, {1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0});
  const Adherence a = ComputeAdherence(ThreeThenTwo(), At(0), At(13), facts);
  CHECK(a.sessions_prescribed == 6);
  CHECK(a.sessions_done == 4);
  CHECK(a.ratio == Approx(4.0 / 6.0));
}

TEST_CASE("ComputeAdherence: before the program starts nothing is prescribed or credited",
          "[foundation][adherence]") {
  SECTION("a period starting before the start date") {
    const std::vector<DailyFacts> facts = {Facts(-3, 2), Facts(-1, 1), Facts(0, 1), Facts(2, 1)};
    const Adherence a = ComputeAdherence(ThreeThenTwo(), At(-4), At(6), facts);
    REQUIRE(a.days.size() == 11);
    for (int i = 0; i < 4; ++i) {
      INFO("start - " << 4 - i << " days");
      CHECK(a.days[i].sessions_prescribed == 0);
    }
    CHECK(a.days[1].sessions_done == 2);  // reported as logged ...
    CHECK(a.sessions_prescribed == 3);
    CHECK(a.sessions_done == 2);  // ... but not credited
    CHECK(a.ratio == Approx(2.0 / 3.0));
  }
  SECTION("a period entirely before the start date: ratio 0, not a division by zero") {
    const std::vector<DailyFacts> facts = {Facts(-9, 1), Facts(-5, 3), Facts(-1, 1)};
    const Adherence a = ComputeAdherence(ThreeThenTwo(), At(-10), At(-1), facts);
    REQUIRE(a.days.size() == 10);
    CHECK(a.sessions_prescribed == 0);
    CHECK(a.sessions_done == 0);
    CHECK(a.ratio == 0.0);
  }
}

TEST_CASE("ComputeAdherence: a period cutting through program weeks counts only its own days",
          "[foundation][adherence]") {
  SECTION("sessions prescribed in partial periods, across a phase change") {
    // [from, to] as offsets from the start -> sessions prescribed
    const auto row = GENERATE(table<int, int, int>({
        {0, 6, 3},
        {1, 1, 0},
        {4, 9, 3},
        {0, 13, 6},
        {-3, 2, 2},
        {13, 14, 1},  // last rest day of phase 1, first training day of phase 2
        {14, 20, 2},
        {10, 17, 3},
        {-10, -1, 0},
    }));
    const int from = std::get<0>(row), to = std::get<1>(row);
    INFO("start + [" << from << ", " << to << "]");
    const Adherence a = ComputeAdherence(ThreeThenTwo(), At(from), At(to), {});
    CHECK(a.days.size() == static_cast<size_t>(to - from + 1));
    CHECK(a.sessions_prescribed == std::get<2>(row));
    CHECK(a.sessions_done == 0);
    CHECK(a.ratio == 0.0);
  }
  SECTION("credits per program week inside the period; facts outside it are ignored") {
    // Days 4..9: week 1 days 4 (training), 5, 6; week 2 days 0 (training), 1, 2 (training).
    const std::vector<DailyFacts> facts = {
        Facts(10, 2, 4, 9),                                        // after the period
        Facts(7, 1, 3, 1),  Facts(4, 1, 5, 2), Facts(3, 1, 1, 8),  // before the period
        Facts(5, 1, 2, 4),
    };
    const Adherence a = ComputeAdherence(ThreeThenTwo(), At(4), At(9), facts);
    // Week 1: 2 done of 1 credits 1; week 2: 1 done of 2 credits 1.
    CHECK(a.sessions_prescribed == 3);
    CHECK(a.sessions_done == 2);
    CHECK(a.ratio == Approx(2.0 / 3.0));
    struct Expected {
      int prescribed, done, exercises, max_pain;
    };
    const std::vector<Expected> expected = {
        {1, 1, 5, 2}, {0, 1, 2, 4}, {0, 0, 0, -1}, {1, 1, 3, 1}, {0, 0, 0, -1}, {1, 0, 0, -1},
    };
    REQUIRE(a.days.size() == expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      INFO("start + " << 4 + i << " days");
      CHECK(a.days[i].date == At(4 + static_cast<int>(i)));
      CHECK(a.days[i].sessions_prescribed == expected[i].prescribed);
      CHECK(a.days[i].sessions_done == expected[i].done);
      CHECK(a.days[i].exercises_done == expected[i].exercises);
      CHECK(a.days[i].max_pain == expected[i].max_pain);
    }
  }
}

}  // namespace
}  // namespace ptrack
