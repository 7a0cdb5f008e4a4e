// Time vocabulary of the domain (docs/ARCHITECTURE.md "Time"): instants are UTC milliseconds,
// calendar days are local days in a patient's IANA zone. The scheduler never reads the clock;
// callers pass instants in. Zones are resolved once at the edge (LocateZone) and passed as
// pointers into the tz database, which lives for the whole process.
#pragma once

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "scheduler/status.h"

namespace ptrack {

using Instant = date::sys_time<std::chrono::milliseconds>;
using LocalDate = date::local_days;
using Zone = const date::time_zone*;

// Resolves an IANA zone name ("Europe/Berlin") in the OS tz database.
// Returns INVALID_ARGUMENT on `field` for an empty or unknown name. Thread-safe.
Result<Zone> LocateZone(std::string_view name, const std::string& field);

// Parses a strict ISO date "YYYY-MM-DD": a real calendar date in 0001-01-01..9999-12-31
// (protobuf Timestamp's range, and what FormatIsoDate writes in that form); nullopt otherwise.
std::optional<LocalDate> ParseIsoDate(std::string_view text);

// The last date ptrack accepts or answers (9999-12-31).
inline constexpr LocalDate kLastDate{date::year{9999} / date::December / date::day{31}};
std::string FormatIsoDate(LocalDate day);

// The local calendar day that `instant` falls on in `zone`.
// REQUIRES: zone != nullptr.
LocalDate LocalDateOf(Instant instant, Zone zone);
// The first instant whose local date in `zone` is `day` (midnight, or the end of a transition
// that skips it).
Instant StartOfDay(LocalDate day, Zone zone);

// Milliseconds since the Unix epoch, the storage and wire representation of instants.
inline int64_t ToUnixMillis(Instant t) { return t.time_since_epoch().count(); }
inline Instant FromUnixMillis(int64_t ms) { return Instant(std::chrono::milliseconds(ms)); }

}  // namespace ptrack
