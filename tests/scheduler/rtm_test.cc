// Unit tests for scheduler/rtm.h (CLINICAL.md §6), with the clinical rules of 2026: Validate
// accepts them and rejects the zero struct and each inconsistent or incomplete rule set; outside a
// monitoring episode nothing is billable; the device-supply codes follow distinct data days in
// rolling 30-day periods from the monitoring start (1 / 2 / 15 / 16 days give none / 98985 /
// 98985 / 98977, periods cross month ends and leap days, day 31 starts a new period, the episode
// end cuts a period short, later data is not counted); the management codes follow the calendar
// month's minutes only with a live interaction (9 / 10 / 19 / 20 / 39 / 40 / 60 minutes); the
// set-up code appears only in period 1 once onboarding is recorded; and the forecast sentence
// says exactly what is still needed by when.
#include "scheduler/rtm.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace ptrack {
namespace {

LocalDate Ymd(int y, unsigned m, unsigned d) {
  return LocalDate{date::year{y} / date::month{m} / date::day{d}};
}

RtmRules ClinicalRules() {
  RtmRules r;
  r.period_days = 30;
  r.device_min_days = 2;
  r.device_full_days = 16;
  r.management_first_minutes = 10;
  r.management_full_minutes = 20;
  r.management_more_minutes = 20;
  r.setup_code = "98975";
  r.device_code_low = "98985";
  r.device_code_high = "98977";
  r.management_code_first = "98979";
  r.management_code_full = "98980";
  r.management_code_more = "98981";
  return r;
}

// `n` consecutive dates from `first`.
std::vector<LocalDate> Days(LocalDate first, int n) {
  std::vector<LocalDate> days;
  for (int i = 0; i < n; ++i) days.push_back(first + date::days{i});
  return days;
}

// The supported codes as "code x units", in the order reported.
std::vector<std::string> Codes(const RtmStatus& s) {
  std::vector<std::string> codes;
  for (const RtmCode& c : s.codes) codes.push_back(c.code + " x" + std::to_string(c.units));
  return codes;
}

std::vector<std::string> FieldsOf(const Status& status) {
  std::vector<std::string> fields;
  for (const FieldViolation& v : status.violations()) fields.push_back(v.field);
  return fields;
}

const std::string kLiveSuffix = " Management time needs a live interaction this month.";

TEST_CASE("Validate accepts the clinical RTM rules and rejects the zero-initialised struct",
          "[reports][rtm]") {
  CHECK(Validate(ClinicalRules()).ok());
  const Status zero = Validate(RtmRules{});
  CHECK_FALSE(zero.ok());
  CHECK(zero.code() == StatusCode::kInvalidArgument);
  REQUIRE_FALSE(zero.violations().empty());
  for (const std::string& field : FieldsOf(zero)) {
    INFO(field);
    CHECK(field.rfind("rtm.", 0) == 0);
  }
}

TEST_CASE("Validate rejects each inconsistent or incomplete rule set", "[reports][rtm]") {
  struct Row {
    const char* name;
    void (*mutate)(RtmRules&);
    const char* field;  // a field that must be named; "" when either side of a relation may be
  };
  const auto row = GENERATE(values<Row>({
      {"period_days 0", [](RtmRules& r) { r.period_days = 0; }, "rtm.period_days"},
      {"device_min_days > device_full_days", [](RtmRules& r) { r.device_min_days = 17; }, ""},
      {"management_first_minutes > management_full_minutes",
       [](RtmRules& r) { r.management_first_minutes = 25; }, ""},
      {"management_more_minutes 0 (each further block would be 0 minutes)",
       [](RtmRules& r) { r.management_more_minutes = 0; }, "rtm.management_more_minutes"},
      {"empty setup_code", [](RtmRules& r) { r.setup_code.clear(); }, "rtm.setup_code"},
      {"empty device_code_low", [](RtmRules& r) { r.device_code_low.clear(); },
       "rtm.device_code_low"},
      {"empty device_code_high", [](RtmRules& r) { r.device_code_high.clear(); },
       "rtm.device_code_high"},
      {"empty management_code_first", [](RtmRules& r) { r.management_code_first.clear(); },
       "rtm.management_code_first"},
      {"empty management_code_full", [](RtmRules& r) { r.management_code_full.clear(); },
       "rtm.management_code_full"},
      {"empty management_code_more", [](RtmRules& r) { r.management_code_more.clear(); },
       "rtm.management_code_more"},
  }));
  INFO(row.name);
  RtmRules rules = ClinicalRules();
  row.mutate(rules);
  const Status status = Validate(rules);
  CHECK_FALSE(status.ok());
  CHECK(status.code() == StatusCode::kInvalidArgument);
  const std::vector<std::string> fields = FieldsOf(status);
  REQUIRE_FALSE(fields.empty());
  for (const std::string& field : fields) {
    INFO(field);
    CHECK(field.rfind("rtm.", 0) == 0);
  }
  if (*row.field != '\0') {
    CHECK_THAT(fields, Catch::Matchers::VectorContains(std::string(row.field)));
  }
}

TEST_CASE("ComputeRtm: outside the monitoring episode nothing is billable", "[reports][rtm]") {
  const RtmEpisode episode{
      .start_date = Ymd(2026, 3, 10), .end_date = Ymd(2026, 4, 20), .onboarding_recorded = true};
  // Plenty of data and live minutes on every day around the episode.
  const std::vector<LocalDate> data = Days(Ymd(2026, 3, 1), 60);
  std::vector<RtmTimeEntry> entries;
  for (LocalDate d : data) entries.push_back({.date = d, .minutes = 30, .live = true});

  const auto date = GENERATE(Ymd(2026, 3, 9), Ymd(2026, 4, 21), Ymd(2025, 12, 31));
  INFO(FormatIsoDate(date));
  const RtmStatus s = ComputeRtm(ClinicalRules(), episode, date, data, entries);
  CHECK_FALSE(s.in_episode);
  CHECK(s.codes.empty());
  CHECK(s.data_days == 0);
  CHECK(s.minutes == 0);
  CHECK(s.forecast == "Not in a monitoring episode on " + FormatIsoDate(date) + ".");
}

TEST_CASE("ComputeRtm: the first and last days of an episode are inside it", "[reports][rtm]") {
  const RtmEpisode episode{.start_date = Ymd(2026, 3, 10), .end_date = Ymd(2026, 3, 25)};
  SECTION("the start date: period 1 begins") {
    const RtmStatus s = ComputeRtm(ClinicalRules(), episode, Ymd(2026, 3, 10), {}, {});
    CHECK(s.in_episode);
    CHECK(s.period_number == 1);
    CHECK(s.period_start == Ymd(2026, 3, 10));
    CHECK(s.period_end == Ymd(2026, 4, 8));
  }
  SECTION("the end date, inclusive") {
    const RtmStatus s = ComputeRtm(ClinicalRules(), episode, Ymd(2026, 3, 25), {}, {});
    CHECK(s.in_episode);
    CHECK(s.period_number == 1);
  }
  SECTION("an open episode continues indefinitely") {
    const RtmEpisode open{.start_date = Ymd(2026, 3, 10)};
    const RtmStatus s = ComputeRtm(ClinicalRules(), open, Ymd(2027, 3, 10), {}, {});
    CHECK(s.in_episode);
    CHECK(s.period_number == 365 / 30 + 1);
  }
}

TEST_CASE("ComputeRtm: 1, 2, 15 and 16 data days support no device code, 98985, 98985, 98977",
          "[reports][rtm]") {
  struct Row {
    int data_days;
    std::vector<std::string> codes;
  };
  const auto row = GENERATE(values<Row>({
      {0, {}},
      {1, {}},
      {2, {"98985 x1"}},
      {15, {"98985 x1"}},
      {16, {"98977 x1"}},
      {30, {"98977 x1"}},
  }));
  INFO(row.data_days << " data days");
  const RtmEpisode episode{.start_date = Ymd(2026, 3, 1)};
  const LocalDate date = Ymd(2026, 3, 30);  // the last day of period 1
  const RtmStatus s =
      ComputeRtm(ClinicalRules(), episode, date, Days(Ymd(2026, 3, 1), row.data_days), {});
  CHECK(s.in_episode);
  CHECK(s.period_number == 1);
  CHECK(s.data_days == row.data_days);
  CHECK(s.data_days_needed == std::max(0, 16 - row.data_days));
  CHECK(Codes(s) == row.codes);
}

TEST_CASE("ComputeRtm: data days are distinct dates in the period up to the date",
          "[reports][rtm]") {
  const RtmEpisode episode{.start_date = Ymd(2026, 3, 1)};
  // Period 2 is Mar 31 - Apr 29; the date is Apr 10.
  const std::vector<LocalDate> data = {
      Ymd(2026, 4, 5),  Ymd(2026, 3, 31), Ymd(2026, 4, 5),  // a duplicate
      Ymd(2026, 4, 10),                                     // the date itself counts
      Ymd(2026, 4, 11), Ymd(2026, 4, 29),                   // after the date: not yet
      Ymd(2026, 3, 30), Ymd(2026, 3, 2),                    // period 1
      Ymd(2026, 2, 27),                                     // before the episode
      Ymd(2026, 4, 1),  Ymd(2026, 3, 31),                   // a duplicate, out of order
  };
  const RtmStatus s = ComputeRtm(ClinicalRules(), episode, Ymd(2026, 4, 10), data, {});
  CHECK(s.period_number == 2);
  CHECK(s.data_days == 4);  // Mar 31, Apr 1, Apr 5, Apr 10
  CHECK(Codes(s) == std::vector<std::string>{"98985 x1"});
  SECTION("the same answer whatever the order of the input") {
    std::vector<LocalDate> reversed(data.rbegin(), data.rend());
    const RtmStatus r = ComputeRtm(ClinicalRules(), episode, Ymd(2026, 4, 10), reversed, {});
    CHECK(r.data_days == s.data_days);
    CHECK(Codes(r) == Codes(s));
    CHECK(r.forecast == s.forecast);
  }
}

TEST_CASE("ComputeRtm: day 30 after the start is still period 1, day 31 starts period 2",
          "[reports][rtm]") {
  const RtmEpisode episode{.start_date = Ymd(2026, 3, 1)};
  const std::vector<LocalDate> data = Days(Ymd(2026, 3, 1), 30);  // every day of period 1
  SECTION("day 30 (Mar 30)") {
    const RtmStatus s = ComputeRtm(ClinicalRules(), episode, Ymd(2026, 3, 30), data, {});
    CHECK(s.period_number == 1);
    CHECK(s.period_start == Ymd(2026, 3, 1));
    CHECK(s.period_end == Ymd(2026, 3, 30));
    CHECK(s.data_days == 30);
    CHECK(Codes(s) == std::vector<std::string>{"98977 x1"});
  }
  SECTION("day 31 (Mar 31): a new period, the count starts again") {
    const RtmStatus s = ComputeRtm(ClinicalRules(), episode, Ymd(2026, 3, 31), data, {});
    CHECK(s.period_number == 2);
    CHECK(s.period_start == Ymd(2026, 3, 31));
    CHECK(s.period_end == Ymd(2026, 4, 29));
    CHECK(s.data_days == 0);
    CHECK(s.data_days_needed == 16);
    CHECK(s.device_full_reachable);
    CHECK(s.codes.empty());
    CHECK(s.forecast == "Needs 16 more data days by 2026-04-29.");
  }
  SECTION("day 61 starts period 3") {
    const RtmStatus s = ComputeRtm(ClinicalRules(), episode, Ymd(2026, 4, 30), data, {});
    CHECK(s.period_number == 3);
    CHECK(s.period_start == Ymd(2026, 4, 30));
    CHECK(s.period_end == Ymd(2026, 5, 29));
  }
}

TEST_CASE(
    "ComputeRtm: a period crossing a month end keeps its data days, the month's minutes reset",
    "[reports][rtm]") {
  // Start Jan 20: period 1 is Jan 20 - Feb 18, period 2 starts Feb 19.
  const RtmEpisode episode{.start_date = Ymd(2026, 1, 20)};
  const std::vector<LocalDate> data = Days(Ymd(2026, 1, 20), 14);  // Jan 20 - Feb 2
  const std::vector<RtmTimeEntry> entries = {
      {.date = Ymd(2026, 1, 25), .minutes = 25, .live = true},
      {.date = Ymd(2026, 2, 3), .minutes = 12, .live = false},
  };
  SECTION("Jan 31: the January minutes with the live call support 98980") {
    const RtmStatus s = ComputeRtm(ClinicalRules(), episode, Ymd(2026, 1, 31), data, entries);
    CHECK(s.period_number == 1);
    CHECK(s.month_start == Ymd(2026, 1, 1));
    CHECK(s.month_end == Ymd(2026, 1, 31));
    CHECK(s.data_days == 12);
    CHECK(s.minutes == 25);
    CHECK(s.live_interaction);
    CHECK(Codes(s) == std::vector<std::string>{"98985 x1", "98980 x1"});
  }
  SECTION("Feb 5: same period, all data days kept; February minutes only, no live call yet") {
    const RtmStatus s = ComputeRtm(ClinicalRules(), episode, Ymd(2026, 2, 5), data, entries);
    CHECK(s.period_number == 1);
    CHECK(s.period_start == Ymd(2026, 1, 20));
    CHECK(s.period_end == Ymd(2026, 2, 18));
    CHECK(s.month_start == Ymd(2026, 2, 1));
    CHECK(s.month_end == Ymd(2026, 2, 28));
    CHECK(s.data_days == 14);
    CHECK(s.minutes == 12);
    CHECK_FALSE(s.live_interaction);
    CHECK(Codes(s) == std::vector<std::string>{"98985 x1"});
    // 2 more needed, Feb 5 - Feb 18 left.
    CHECK(s.forecast == "Needs 2 more data days by 2026-02-18." + kLiveSuffix);
  }
  SECTION("Feb 19: period 2 begins mid-month; the month's minutes carry on") {
    const RtmStatus s = ComputeRtm(ClinicalRules(), episode, Ymd(2026, 2, 19), data, entries);
    CHECK(s.period_number == 2);
    CHECK(s.period_start == Ymd(2026, 2, 19));
    CHECK(s.period_end == Ymd(2026, 3, 20));
    CHECK(s.data_days == 0);
    CHECK(s.month_start == Ymd(2026, 2, 1));
    CHECK(s.minutes == 12);
  }
}

TEST_CASE("ComputeRtm: periods and months across the leap day of 2028", "[reports][rtm]") {
  // Start Jan 31 2028: period 1 is Jan 31 - Feb 29 (30 days), period 2 starts Mar 1.
  const RtmEpisode episode{.start_date = Ymd(2028, 1, 31)};
  const std::vector<LocalDate> data = Days(Ymd(2028, 2, 14), 16);  // Feb 14 - Feb 29
  SECTION("Feb 29: the last day of period 1 and of the month") {
    const RtmStatus s = ComputeRtm(ClinicalRules(), episode, Ymd(2028, 2, 29), data, {});
    CHECK(s.period_number == 1);
    CHECK(s.period_end == Ymd(2028, 2, 29));
    CHECK(s.month_start == Ymd(2028, 2, 1));
    CHECK(s.month_end == Ymd(2028, 2, 29));
    CHECK(s.data_days == 16);
    CHECK(Codes(s) == std::vector<std::string>{"98977 x1"});
    CHECK(s.forecast == "16 data days reached this period.");
  }
  SECTION("Mar 1: period 2 and a new month") {
    const RtmStatus s = ComputeRtm(ClinicalRules(), episode, Ymd(2028, 3, 1), data, {});
    CHECK(s.period_number == 2);
    CHECK(s.period_start == Ymd(2028, 3, 1));
    CHECK(s.period_end == Ymd(2028, 3, 30));
    CHECK(s.month_start == Ymd(2028, 3, 1));
    CHECK(s.month_end == Ymd(2028, 3, 31));
    CHECK(s.data_days == 0);
  }
}

TEST_CASE("ComputeRtm: management codes follow the month's minutes when a live call happened",
          "[reports][rtm]") {
  struct Row {
    int minutes;
    std::vector<std::string> codes;
  };
  const auto row = GENERATE(values<Row>({
      {0, {}},
      {9, {}},
      {10, {"98979 x1"}},
      {19, {"98979 x1"}},
      {20, {"98980 x1"}},
      {39, {"98980 x1"}},
      {40, {"98980 x1", "98981 x1"}},
      {59, {"98980 x1", "98981 x1"}},
      {60, {"98980 x1", "98981 x2"}},
  }));
  INFO(row.minutes << " minutes");
  const RtmEpisode episode{.start_date = Ymd(2026, 3, 1)};
  // A live call and other time on the patient's monitoring, both counted.
  const int live = row.minutes / 2;
  std::vector<RtmTimeEntry> entries = {
      {.date = Ymd(2026, 3, 18), .minutes = row.minutes - live, .live = false},
      {.date = Ymd(2026, 3, 3), .minutes = live, .live = true},
  };
  const RtmStatus s = ComputeRtm(ClinicalRules(), episode, Ymd(2026, 3, 20), {}, entries);
  CHECK(s.minutes == row.minutes);
  CHECK(s.live_interaction);
  CHECK(Codes(s) == row.codes);
  CHECK(s.forecast.find("live interaction") == std::string::npos);
}

TEST_CASE("ComputeRtm: no management code without a live interaction in the month",
          "[reports][rtm]") {
  const RtmEpisode episode{.start_date = Ymd(2026, 3, 1)};
  const LocalDate date = Ymd(2026, 3, 20);
  const std::vector<LocalDate> data = Days(Ymd(2026, 3, 1), 20);  // 16 reached
  SECTION("25 minutes, none live: the forecast asks for a live interaction") {
    const std::vector<RtmTimeEntry> entries = {
        {.date = Ymd(2026, 3, 5), .minutes = 15},
        {.date = Ymd(2026, 3, 19), .minutes = 10},
    };
    const RtmStatus s = ComputeRtm(ClinicalRules(), episode, date, data, entries);
    CHECK(s.minutes == 25);
    CHECK_FALSE(s.live_interaction);
    CHECK(Codes(s) == std::vector<std::string>{"98977 x1"});
    CHECK(s.forecast == "16 data days reached this period." + kLiveSuffix);
  }
  SECTION("9 minutes, none live: too few minutes to mention it") {
    const std::vector<RtmTimeEntry> entries = {{.date = Ymd(2026, 3, 5), .minutes = 9}};
    const RtmStatus s = ComputeRtm(ClinicalRules(), episode, date, data, entries);
    CHECK(s.minutes == 9);
    CHECK(s.forecast == "16 data days reached this period.");
  }
  SECTION("a live call last month or after the date does not count") {
    const std::vector<RtmTimeEntry> entries = {
        {.date = Ymd(2026, 2, 27), .minutes = 5, .live = true},  // before the episode, too
        {.date = Ymd(2026, 3, 10), .minutes = 30},
        {.date = Ymd(2026, 3, 21), .minutes = 5, .live = true},
    };
    const RtmStatus s = ComputeRtm(ClinicalRules(), episode, date, data, entries);
    CHECK(s.minutes == 30);
    CHECK_FALSE(s.live_interaction);
    CHECK(Codes(s) == std::vector<std::string>{"98977 x1"});
    CHECK(s.forecast == "16 data days reached this period." + kLiveSuffix);
  }
}

TEST_CASE("ComputeRtm: minutes count from the later of the month start and the episode start",
          "[reports][rtm]") {
  const RtmEpisode episode{.start_date = Ymd(2026, 3, 10)};
  const std::vector<RtmTimeEntry> entries = {
      {.date = Ymd(2026, 3, 5), .minutes = 30, .live = true},  // before the episode
      {.date = Ymd(2026, 3, 10), .minutes = 8},                // the start date counts
      {.date = Ymd(2026, 3, 20), .minutes = 4, .live = true},  // the date counts
      {.date = Ymd(2026, 3, 21), .minutes = 40},               // after the date
  };
  const RtmStatus s = ComputeRtm(ClinicalRules(), episode, Ymd(2026, 3, 20), {}, entries);
  CHECK(s.month_start == Ymd(2026, 3, 1));
  CHECK(s.month_end == Ymd(2026, 3, 31));
  CHECK(s.minutes == 12);
  CHECK(s.live_interaction);
  CHECK(Codes(s) == std::vector<std::string>{"98979 x1"});
}

TEST_CASE("ComputeRtm: the forecast says how many data days are still needed and by when",
          "[reports][rtm]") {
  // Period 1 is Mar 1 - Mar 30; on Mar 26 five days are left counting the date itself.
  const RtmEpisode episode{.start_date = Ymd(2026, 3, 1)};
  const LocalDate date = Ymd(2026, 3, 26);
  struct Row {
    const char* name;
    std::vector<LocalDate> data;
    int needed;
    bool reachable;
    std::string forecast;
  };
  const auto row = GENERATE(values<Row>({
      {"10 data days, 5 days left: 6 needed, unreachable", Days(Ymd(2026, 3, 1), 10), 6, false,
       "Can no longer reach 16 data days this period (ends 2026-03-30)."},
      {"11 data days, none yet today: 5 needed in 5 days incl. today", Days(Ymd(2026, 3, 1), 11), 5,
       true, "Needs 5 more data days by 2026-03-30."},
      {"11 data days incl. today: 5 needed in the 4 days after it", Days(Ymd(2026, 3, 16), 11), 5,
       false, "Can no longer reach 16 data days this period (ends 2026-03-30)."},
      {"12 data days incl. today: 4 needed in 4 days", Days(Ymd(2026, 3, 15), 12), 4, true,
       "Needs 4 more data days by 2026-03-30."},
      {"16 data days", Days(Ymd(2026, 3, 1), 16), 0, true, "16 data days reached this period."},
  }));
  INFO(row.name);
  const RtmStatus s = ComputeRtm(ClinicalRules(), episode, date, row.data, {});
  CHECK(s.data_days_needed == row.needed);
  CHECK(s.device_full_reachable == row.reachable);
  CHECK(s.forecast == row.forecast);
}

TEST_CASE("ComputeRtm: on the last day of a period the date itself is the one day left",
          "[reports][rtm]") {
  const RtmEpisode episode{.start_date = Ymd(2026, 3, 1)};
  const LocalDate last = Ymd(2026, 3, 30);
  SECTION("15 data days and none yet today: still reachable") {
    const RtmStatus s = ComputeRtm(ClinicalRules(), episode, last, Days(Ymd(2026, 3, 1), 15), {});
    CHECK(s.data_days_needed == 1);
    CHECK(s.device_full_reachable);
    CHECK(s.forecast == "Needs 1 more data day by 2026-03-30.");
  }
  SECTION("14 data days and none yet today: unreachable") {
    const RtmStatus s = ComputeRtm(ClinicalRules(), episode, last, Days(Ymd(2026, 3, 1), 14), {});
    CHECK(s.data_days_needed == 2);
    CHECK_FALSE(s.device_full_reachable);
    CHECK(s.forecast == "Can no longer reach 16 data days this period (ends 2026-03-30).");
  }
  SECTION("15 data days including today: unreachable") {
    const RtmStatus s = ComputeRtm(ClinicalRules(), episode, last, Days(Ymd(2026, 3, 16), 15), {});
    CHECK(s.data_days == 15);
    CHECK(s.data_days_needed == 1);
    CHECK_FALSE(s.device_full_reachable);
    CHECK(Codes(s) == std::vector<std::string>{"98985 x1"});
  }
}

TEST_CASE("ComputeRtm: an episode ending inside a period ends the chance to collect data days",
          "[reports][rtm]") {
  // Period 1 would run Mar 1 - Mar 30; the episode ends Mar 20.
  const RtmEpisode episode{.start_date = Ymd(2026, 3, 1), .end_date = Ymd(2026, 3, 20)};
  const LocalDate date = Ymd(2026, 3, 15);  // no data yet today: Mar 15 - Mar 20 is 6 days
  SECTION("11 data days: 5 needed by the episode end, reachable") {
    const RtmStatus s = ComputeRtm(ClinicalRules(), episode, date, Days(Ymd(2026, 3, 1), 11), {});
    CHECK(s.in_episode);
    CHECK(s.period_end == Ymd(2026, 3, 30));  // the period itself is unchanged
    CHECK(s.data_days_needed == 5);
    CHECK(s.device_full_reachable);
    CHECK(s.forecast == "Needs 5 more data days by 2026-03-20.");
  }
  SECTION("9 data days: 7 needed, only 6 days left before the episode ends") {
    const RtmStatus s = ComputeRtm(ClinicalRules(), episode, date, Days(Ymd(2026, 3, 1), 9), {});
    CHECK(s.data_days_needed == 7);
    CHECK_FALSE(s.device_full_reachable);  // 15 days left in the period, but not in the episode
    CHECK(s.forecast == "Can no longer reach 16 data days this period (ends 2026-03-20).");
  }
  SECTION("on the end date the records up to it still count") {
    const std::vector<RtmTimeEntry> entries = {
        {.date = Ymd(2026, 3, 20), .minutes = 20, .live = true}};
    const RtmStatus s =
        ComputeRtm(ClinicalRules(), episode, Ymd(2026, 3, 20), Days(Ymd(2026, 3, 5), 16), entries);
    CHECK(s.in_episode);
    CHECK(s.data_days == 16);
    CHECK(s.minutes == 20);
    CHECK(Codes(s) == std::vector<std::string>{"98977 x1", "98980 x1"});
  }
  SECTION("the day after the end date is outside the episode") {
    const RtmStatus s =
        ComputeRtm(ClinicalRules(), episode, Ymd(2026, 3, 21), Days(Ymd(2026, 3, 1), 21), {});
    CHECK_FALSE(s.in_episode);
    CHECK(s.codes.empty());
    CHECK(s.forecast == "Not in a monitoring episode on 2026-03-21.");
  }
}

TEST_CASE("ComputeRtm: the set-up code only in period 1 and only once onboarding is recorded",
          "[reports][rtm]") {
  const LocalDate start = Ymd(2026, 3, 1);
  const std::vector<LocalDate> data = Days(start, 60);
  const std::vector<RtmTimeEntry> entries = {
      {.date = Ymd(2026, 3, 2), .minutes = 45, .live = true},
      {.date = Ymd(2026, 4, 2), .minutes = 45, .live = true},
  };
  SECTION("period 1 with onboarding: set-up first, then device, then management") {
    const RtmEpisode episode{.start_date = start, .onboarding_recorded = true};
    const RtmStatus s = ComputeRtm(ClinicalRules(), episode, Ymd(2026, 3, 20), data, entries);
    CHECK(Codes(s) == std::vector<std::string>{"98975 x1", "98977 x1", "98980 x1", "98981 x1"});
  }
  SECTION("period 1 without onboarding: no set-up code") {
    const RtmEpisode episode{.start_date = start, .onboarding_recorded = false};
    const RtmStatus s = ComputeRtm(ClinicalRules(), episode, Ymd(2026, 3, 20), data, entries);
    CHECK(Codes(s) == std::vector<std::string>{"98977 x1", "98980 x1", "98981 x1"});
  }
  SECTION("period 1 on the start date, onboarding recorded, no data yet: set-up alone") {
    const RtmEpisode episode{.start_date = start, .onboarding_recorded = true};
    const RtmStatus s = ComputeRtm(ClinicalRules(), episode, start, {}, {});
    CHECK(Codes(s) == std::vector<std::string>{"98975 x1"});
  }
  SECTION("period 2 with onboarding: set-up is not billed again") {
    const RtmEpisode episode{.start_date = start, .onboarding_recorded = true};
    const RtmStatus s = ComputeRtm(ClinicalRules(), episode, Ymd(2026, 4, 20), data, entries);
    CHECK(s.period_number == 2);
    CHECK(Codes(s) == std::vector<std::string>{"98977 x1", "98980 x1", "98981 x1"});
  }
}

}  // namespace
}  // namespace ptrack
