// Zone lookup and ISO date parsing/formatting over Howard Hinnant's date library (OS tz database).
#include "scheduler/time.h"

#include <cstdio>
#include <exception>

namespace ptrack {

Result<Zone> LocateZone(std::string_view name, const std::string& field) {
  if (name.empty()) return Status::InvalidArgument(field, "a time zone is required");
  if (name.size() > 64) return Status::InvalidArgument(field, "time zone name is too long");
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return Status::InvalidArgument(field, "unknown IANA time zone");
  }
}

std::optional<LocalDate> ParseIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto digits = [&](size_t from, size_t n) -> std::optional<int> {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  auto y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (!y || !m || !d || *y == 0) return std::nullopt;
  date::year_month_day ymd{date::year{*y}, date::month{static_cast<unsigned>(*m)},
                           date::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return LocalDate{ymd};
}

std::string FormatIsoDate(LocalDate day) {
  date::year_month_day ymd{day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

LocalDate LocalDateOf(Instant instant, Zone zone) {
  auto local = zone->to_local(instant);
  return date::floor<date::days>(local);
}

Instant StartOfDay(LocalDate day, Zone zone) {
  const date::local_time<std::chrono::milliseconds> midnight{day.time_since_epoch()};
  return zone->to_sys(midnight, date::choose::earliest);
}

}  // namespace ptrack
