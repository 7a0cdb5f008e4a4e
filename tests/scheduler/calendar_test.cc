// Unit tests for scheduler/calendar.h: program weeks and days within a week counted from the
// program's start date (around week boundaries, before the start, across a year end and a leap
// day), the first day of a week, the spread of training days for 1..7 sessions a week, and the
// phase in effect at phase boundaries, in open-ended maintenance far in the future, and outside
// every phase.
#include "scheduler/calendar.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

namespace ptrack {
namespace {

LocalDate Ymd(int y, unsigned m, unsigned d) {
  return LocalDate{date::year{y} / date::month{m} / date::day{d}};
}

const LocalDate kStart = Ymd(2026, 3, 2);  // a Monday

TEST_CASE("ProgramWeek and DayOfProgramWeek count from the start date", "[foundation][calendar]") {
  SECTION("around week boundaries and before the start") {
    // offset from start -> program week, day of week (-1: not asked, REQUIRES day >= start)
    const auto row = GENERATE(table<int, int, int>({
        {-365, 0, -1},
        {-7, 0, -1},
        {-1, 0, -1},
        {0, 1, 0},
        {1, 1, 1},
        {6, 1, 6},
        {7, 2, 0},
        {13, 2, 6},
        {14, 3, 0},
        {15, 3, 1},
        {363, 52, 6},
        {364, 53, 0},
        {365, 53, 1},
    }));
    const int offset = std::get<0>(row);
    const LocalDate day = kStart + date::days{offset};
    INFO("start + " << offset << " days = " << FormatIsoDate(day));
    CHECK(ProgramWeek(kStart, day) == std::get<1>(row));
    if (std::get<2>(row) >= 0) CHECK(DayOfProgramWeek(kStart, day) == std::get<2>(row));
  }
  SECTION("across a year end and a leap day") {
    // start, day -> program week, day of week
    const auto row = GENERATE(table<LocalDate, LocalDate, int, int>({
        {Ymd(2026, 12, 28), Ymd(2027, 1, 3), 1, 6},
        {Ymd(2026, 12, 28), Ymd(2027, 1, 4), 2, 0},
        {Ymd(2026, 12, 31), Ymd(2027, 1, 1), 1, 1},
        {Ymd(2028, 2, 23), Ymd(2028, 2, 29), 1, 6},
        {Ymd(2028, 2, 23), Ymd(2028, 3, 1), 2, 0},  // 2028 has a 29 February
        {Ymd(2027, 2, 23), Ymd(2027, 3, 1), 1, 6},  // 2027 does not
        {Ymd(2027, 2, 23), Ymd(2027, 3, 2), 2, 0},
    }));
    INFO("start " << FormatIsoDate(std::get<0>(row)) << ", day "
                  << FormatIsoDate(std::get<1>(row)));
    CHECK(ProgramWeek(std::get<0>(row), std::get<1>(row)) == std::get<2>(row));
    CHECK(DayOfProgramWeek(std::get<0>(row), std::get<1>(row)) == std::get<3>(row));
  }
}

TEST_CASE("WeekStart is the first day of the program week containing a day",
          "[foundation][calendar]") {
  CHECK(WeekStart(kStart, 1) == kStart);
  CHECK(WeekStart(kStart, 2) == Ymd(2026, 3, 9));
  CHECK(WeekStart(kStart, 53) == Ymd(2027, 3, 1));
  for (int offset = 0; offset < 400; ++offset) {
    const LocalDate day = kStart + date::days{offset};
    const int week = ProgramWeek(kStart, day);
    const LocalDate first = WeekStart(kStart, week);
    INFO(FormatIsoDate(day) << " in week " << week);
    REQUIRE(first <= day);
    REQUIRE(day < first + date::days{7});
    REQUIRE(DayOfProgramWeek(kStart, day) == (day - first).count());
  }
}

TEST_CASE("TrainingDayOffsets spreads 1..7 sessions evenly from the first day",
          "[foundation][calendar]") {
  const auto row = GENERATE(table<int, std::vector<int>>({
      {1, {0}},
      {2, {0, 3}},
      {3, {0, 2, 4}},
      {4, {0, 1, 3, 5}},
      {5, {0, 1, 2, 4, 5}},
      {6, {0, 1, 2, 3, 4, 5}},
      {7, {0, 1, 2, 3, 4, 5, 6}},
  }));
  const int n = std::get<0>(row);
  const std::vector<int>& expected = std::get<1>(row);
  INFO(n << " sessions a week");
  CHECK(TrainingDayOffsets(n) == expected);
  for (int day = 0; day < 7; ++day) {
    const bool training = std::find(expected.begin(), expected.end(), day) != expected.end();
    INFO("day " << day);
    CHECK(IsTrainingDay(n, day) == training);
  }
}

Phase MakePhase(int number, int start_week, int weeks) {
  return Phase{.number = number,
               .display_name = "phase " + std::to_string(number),
               .start_week = start_week,
               .weeks = weeks,
               .sessions_per_week = 3};
}

TEST_CASE("PhaseForWeek finds the phase in effect at phase boundaries", "[foundation][calendar]") {
  SECTION("two fixed phases, then open-ended maintenance") {
    const std::vector<Phase> phases = {MakePhase(1, 1, 2), MakePhase(2, 3, 6), MakePhase(3, 9, 0)};
    // week -> phase number (0: none)
    const auto row = GENERATE(table<int, int>({
        {-1, 0},
        {0, 0},
        {1, 1},
        {2, 1},  // last week of phase 1
        {3, 2},  // first week of phase 2
        {8, 2},
        {9, 3},
        {10, 3},
        {520, 3},  // ten years on: maintenance never ends
    }));
    INFO("week " << std::get<0>(row));
    const Phase* phase = PhaseForWeek(phases, std::get<0>(row));
    if (std::get<1>(row) == 0) {
      CHECK(phase == nullptr);
    } else {
      REQUIRE(phase != nullptr);
      CHECK(phase->number == std::get<1>(row));
      CHECK(phase == &phases[std::get<1>(row) - 1]);
    }
  }
  SECTION("no phase after a finite last phase, none in an empty list") {
    const std::vector<Phase> phases = {MakePhase(1, 1, 2), MakePhase(2, 3, 2)};
    REQUIRE(PhaseForWeek(phases, 4) != nullptr);
    CHECK(PhaseForWeek(phases, 4)->number == 2);
    CHECK(PhaseForWeek(phases, 5) == nullptr);
    CHECK(PhaseForWeek({}, 1) == nullptr);
  }
}

}  // namespace
}  // namespace ptrack
