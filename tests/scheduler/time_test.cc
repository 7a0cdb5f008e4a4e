// Unit tests for scheduler/time.h: which local calendar day an instant falls on in a patient's
// IANA zone (around local midnight in zones from UTC-11 to UTC+14, across the 2026 US and EU DST
// changes, on the 2028 leap day and over the 2026/2027 year end), zone lookup with
// INVALID_ARGUMENT on the caller's field, strict ISO date parsing, formatting round trips, and
// the Unix-milliseconds representation of instants. Expected dates are written by hand from the
// UTC offsets, never computed with the library under test.
#include "scheduler/time.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

namespace ptrack {
namespace {

// "YYYY-MM-DD hh:mm:ss[.mmm]" read as UTC.
Instant Utc(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  const int n =
      std::sscanf(text.c_str(), "%4d-%2d-%2d %2d:%2d:%2d.%3d", &y, &mo, &d, &h, &mi, &s, &ms);
  if (n != 6 && n != 7) FAIL("bad UTC literal in test table: " << text);
  const date::sys_days day{date::year{y} / date::month(static_cast<unsigned>(mo)) /
                           date::day(static_cast<unsigned>(d))};
  return Instant{day} + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(s) +
         std::chrono::milliseconds(ms);
}

Zone ZoneOrFail(const std::string& name) {
  auto zone = LocateZone(name, "zone");
  if (!zone.ok()) FAIL("zone " << name << ": " << zone.status().ToString());
  return *zone;
}

struct LocalDayRow {
  const char* zone;
  const char* utc;       // the instant, in UTC
  const char* expected;  // the local date the instant counts for
  const char* why;       // the local wall time, for failure messages
};

void CheckLocalDay(const LocalDayRow& row) {
  INFO(row.zone << " at " << row.utc << " UTC (" << row.why << ")");
  CHECK(FormatIsoDate(LocalDateOf(Utc(row.utc), ZoneOrFail(row.zone))) == row.expected);
}

TEST_CASE("LocalDateOf: sessions just before and just after local midnight", "[foundation][time]") {
  const auto row = GENERATE(values<LocalDayRow>({
      {"UTC", "2026-06-14 23:59:59.999", "2026-06-14", "23:59:59.999 UTC"},
      {"UTC", "2026-06-15 00:00:00.000", "2026-06-15", "00:00 UTC"},
      {"America/New_York", "2026-06-15 03:59:59.999", "2026-06-14", "23:59:59.999 EDT"},
      {"America/New_York", "2026-06-15 04:00:00.000", "2026-06-15", "00:00 EDT"},
      {"Europe/Berlin", "2026-06-14 21:59:59.999", "2026-06-14", "23:59:59.999 CEST"},
      {"Europe/Berlin", "2026-06-14 22:00:00.000", "2026-06-15", "00:00 CEST"},
      {"Asia/Kolkata", "2026-06-14 18:29:59.999", "2026-06-14", "23:59:59.999 IST +05:30"},
      {"Asia/Kolkata", "2026-06-14 18:30:00.000", "2026-06-15", "00:00 IST +05:30"},
      {"Pacific/Auckland", "2026-01-14 10:59:59.999", "2026-01-14", "23:59:59.999 NZDT +13"},
      {"Pacific/Auckland", "2026-01-14 11:00:00.000", "2026-01-15", "00:00 NZDT +13"},
      {"Pacific/Auckland", "2026-07-14 11:59:59.999", "2026-07-14", "23:59:59.999 NZST +12"},
      {"Pacific/Auckland", "2026-07-14 12:00:00.000", "2026-07-15", "00:00 NZST +12"},
      {"Pacific/Kiritimati", "2026-06-14 09:59:59.999", "2026-06-14", "23:59:59.999 +14"},
      {"Pacific/Kiritimati", "2026-06-14 10:00:00.000", "2026-06-15", "00:00 +14"},
      {"Pacific/Pago_Pago", "2026-06-15 10:59:59.999", "2026-06-14", "23:59:59.999 -11"},
      {"Pacific/Pago_Pago", "2026-06-15 11:00:00.000", "2026-06-15", "00:00 -11"},
      // One instant, three different local days.
      {"Pacific/Kiritimati", "2026-06-14 10:30:00", "2026-06-15", "00:30 +14"},
      {"UTC", "2026-06-14 10:30:00", "2026-06-14", "10:30 UTC"},
      {"Pacific/Pago_Pago", "2026-06-14 10:30:00", "2026-06-13", "23:30 -11"},
  }));
  CheckLocalDay(row);
}

TEST_CASE("LocalDateOf: days of the 2026 DST changes in New York and Berlin",
          "[foundation][time]") {
  const auto row = GENERATE(values<LocalDayRow>({
      // US spring forward, Sunday 2026-03-08 02:00 EST -> 03:00 EDT (07:00 UTC).
      {"America/New_York", "2026-03-08 04:59:59.999", "2026-03-07", "23:59:59.999 EST"},
      {"America/New_York", "2026-03-08 05:00:00", "2026-03-08", "00:00 EST"},
      {"America/New_York", "2026-03-08 05:30:00", "2026-03-08", "00:30 EST on the DST day"},
      {"America/New_York", "2026-03-08 07:30:00", "2026-03-08", "03:30 EDT"},
      {"America/New_York", "2026-03-09 03:59:59.999", "2026-03-08", "23:59:59.999 EDT"},
      {"America/New_York", "2026-03-09 04:30:00", "2026-03-09", "00:30 EDT, not 23:30 EST"},
      // US fall back, Sunday 2026-11-01 02:00 EDT -> 01:00 EST (06:00 UTC).
      {"America/New_York", "2026-11-01 03:59:59.999", "2026-10-31", "23:59:59.999 EDT"},
      {"America/New_York", "2026-11-01 04:30:00", "2026-11-01", "00:30 EDT on the DST day"},
      {"America/New_York", "2026-11-01 05:30:00", "2026-11-01", "01:30 EDT, first time"},
      {"America/New_York", "2026-11-01 06:30:00", "2026-11-01", "01:30 EST, second time"},
      {"America/New_York", "2026-11-02 04:30:00", "2026-11-01", "23:30 EST, not 00:30 EDT"},
      {"America/New_York", "2026-11-02 05:00:00", "2026-11-02", "00:00 EST"},
      // EU spring forward, Sunday 2026-03-29 02:00 CET -> 03:00 CEST (01:00 UTC).
      {"Europe/Berlin", "2026-03-28 22:59:59.999", "2026-03-28", "23:59:59.999 CET"},
      {"Europe/Berlin", "2026-03-28 23:30:00", "2026-03-29", "00:30 CET on the DST day"},
      {"Europe/Berlin", "2026-03-29 01:30:00", "2026-03-29", "03:30 CEST"},
      {"Europe/Berlin", "2026-03-29 21:59:59.999", "2026-03-29", "23:59:59.999 CEST"},
      {"Europe/Berlin", "2026-03-29 22:30:00", "2026-03-30", "00:30 CEST, not 23:30 CET"},
      // EU fall back, Sunday 2026-10-25 03:00 CEST -> 02:00 CET (01:00 UTC).
      {"Europe/Berlin", "2026-10-24 21:59:59.999", "2026-10-24", "23:59:59.999 CEST"},
      {"Europe/Berlin", "2026-10-24 22:30:00", "2026-10-25", "00:30 CEST on the DST day"},
      {"Europe/Berlin", "2026-10-25 00:30:00", "2026-10-25", "02:30 CEST, first time"},
      {"Europe/Berlin", "2026-10-25 01:30:00", "2026-10-25", "02:30 CET, second time"},
      {"Europe/Berlin", "2026-10-25 22:30:00", "2026-10-25", "23:30 CET, not 00:30 CEST"},
      {"Europe/Berlin", "2026-10-25 23:00:00", "2026-10-26", "00:00 CET"},
  }));
  CheckLocalDay(row);
}

TEST_CASE("LocalDateOf: the 2028 leap day and the 2026/2027 year end", "[foundation][time]") {
  const auto row = GENERATE(values<LocalDayRow>({
      {"America/New_York", "2028-02-29 04:59:59.999", "2028-02-28", "23:59:59.999 EST"},
      {"America/New_York", "2028-02-29 05:00:00", "2028-02-29", "00:00 EST"},
      {"America/New_York", "2028-03-01 04:59:59.999", "2028-02-29", "23:59:59.999 EST"},
      {"America/New_York", "2028-03-01 05:00:00", "2028-03-01", "00:00 EST"},
      {"Asia/Kolkata", "2028-02-28 18:30:00", "2028-02-29", "00:00 IST"},
      {"Pacific/Pago_Pago", "2028-03-01 10:59:59.999", "2028-02-29", "23:59:59.999 -11"},
      {"Europe/Berlin", "2026-12-31 22:59:59.999", "2026-12-31", "23:59:59.999 CET"},
      {"Europe/Berlin", "2026-12-31 23:00:00", "2027-01-01", "00:00 CET"},
      {"Pacific/Auckland", "2026-12-31 10:59:59.999", "2026-12-31", "23:59:59.999 NZDT"},
      {"Pacific/Auckland", "2026-12-31 11:00:00", "2027-01-01", "00:00 NZDT"},
      {"Pacific/Kiritimati", "2026-12-31 10:00:00", "2027-01-01", "00:00 +14"},
      {"Pacific/Pago_Pago", "2027-01-01 10:59:59.999", "2026-12-31", "23:59:59.999 -11"},
      {"Pacific/Pago_Pago", "2027-01-01 11:00:00", "2027-01-01", "00:00 -11"},
  }));
  CheckLocalDay(row);
}

TEST_CASE("LocateZone resolves IANA names in the OS tz database", "[foundation][time]") {
  const std::string name =
      GENERATE(as<std::string>{}, "Europe/Berlin", "America/New_York", "Asia/Kolkata",
               "Pacific/Auckland", "Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC");
  auto zone = LocateZone(name, "patient.time_zone");
  INFO(name << ": " << zone.status().ToString());
  REQUIRE(zone.ok());
  REQUIRE(*zone != nullptr);
  CHECK((*zone)->name() == name);
}

TEST_CASE("LocateZone rejects empty and unknown names with INVALID_ARGUMENT on the field",
          "[foundation][time]") {
  const std::string name =
      GENERATE(as<std::string>{}, "", "Mars/Olympus", "Europe/Berlinx", "europe/berlin",
               " Europe/Berlin", "Europe/Berlin ", "Europe", std::string(65, 'A'));
  const std::string field = GENERATE(as<std::string>{}, "patient.time_zone", "request.zone");
  INFO("name '" << name << "' on field " << field);
  auto zone = LocateZone(name, field);
  REQUIRE_FALSE(zone.ok());
  CHECK(zone.status().code() == StatusCode::kInvalidArgument);
  REQUIRE(zone.status().violations().size() == 1);
  CHECK(zone.status().violations()[0].field == field);
  CHECK_FALSE(zone.status().violations()[0].description.empty());
  CHECK(zone.status().message().rfind(field + ": ", 0) == 0);
}

TEST_CASE("ParseIsoDate rejects anything but a real YYYY-MM-DD date", "[foundation][time]") {
  const std::string text =
      GENERATE(as<std::string>{}, "2026-02-30", "2026-2-01", "2026-13-01", "abcd-ef-gh",
               "2027-02-29", "2100-02-29", "2026-04-31", "2026-00-10", "2026-01-00", "",
               "2026-03-01T00:00", " 2026-03-01", "2026-03-1 ", "2026/03/01", "+026-03-01",
               "20260301", "0000-01-01", "0000-12-31", "10000-01-01", "-001-01-01");
  INFO("'" << text << "'");
  CHECK_FALSE(ParseIsoDate(text).has_value());
}

TEST_CASE("ParseIsoDate accepts real dates and FormatIsoDate round-trips", "[foundation][time]") {
  SECTION("table of real dates") {
    const auto row = GENERATE(table<std::string, int, unsigned, unsigned>({
        {"2028-02-29", 2028, 2, 29},
        {"2000-02-29", 2000, 2, 29},
        {"2026-12-31", 2026, 12, 31},
        {"2027-01-01", 2027, 1, 1},
        {"2026-03-08", 2026, 3, 8},
        {"1999-09-09", 1999, 9, 9},
        {"0001-01-01", 1, 1, 1},
        {"9999-12-31", 9999, 12, 31},
    }));
    const std::string& text = std::get<0>(row);
    INFO(text);
    const auto parsed = ParseIsoDate(text);
    REQUIRE(parsed.has_value());
    const date::year_month_day ymd{*parsed};
    CHECK(static_cast<int>(ymd.year()) == std::get<1>(row));
    CHECK(static_cast<unsigned>(ymd.month()) == std::get<2>(row));
    CHECK(static_cast<unsigned>(ymd.day()) == std::get<3>(row));
    CHECK(FormatIsoDate(*parsed) == text);
  }
  SECTION("every day from 2026 through 2028 formats and parses back to itself") {
    const LocalDate first{date::year{2026} / 1 / 1};
    const LocalDate last{date::year{2028} / 12 / 31};
    int days = 0;
    for (LocalDate day = first; day <= last; day += date::days{1}, ++days) {
      const std::string text = FormatIsoDate(day);
      const auto back = ParseIsoDate(text);
      if (!back || *back != day) FAIL("round trip failed for " << text);
    }
    CHECK(days == 365 + 365 + 366);
  }
}

TEST_CASE("Instants convert to and from Unix milliseconds", "[foundation][time]") {
  const auto row = GENERATE(table<std::string, int64_t>({
      {"1970-01-01 00:00:00", 0},
      {"1970-01-01 00:00:00.001", 1},
      {"1969-12-31 23:59:59.999", -1},
      {"2026-03-08 05:30:00", 1772947800000},
      {"2028-02-29 12:00:00.250", 1835438400250},
  }));
  INFO(std::get<0>(row));
  const Instant t = Utc(std::get<0>(row));
  CHECK(ToUnixMillis(t) == std::get<1>(row));
  CHECK(FromUnixMillis(std::get<1>(row)) == t);
}

}  // namespace
}  // namespace ptrack
