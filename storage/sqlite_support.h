// Internals shared by the SQLite store's translation units: opening a configured connection,
// mapping SQLite errors to Status, and the read/write transaction helpers. Not part of the
// storage interface; include only from sqlite_store*.cc.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <memory>
#include <optional>
#include <string>

#include "scheduler/time.h"
#include "storage/sqlite_connection.h"
#include "storage/sqlite_store.h"

namespace ptrack::sqlite {

// Opens `path` with the project's pragmas (WAL, synchronous=FULL, foreign_keys, busy_timeout).
// Throws SQLite::Exception.
std::unique_ptr<Connection> OpenConnection(const std::string& path);

// Appends `event` to the audit log on `db` (inside the caller's transaction).
void InsertAudit(Connection& db, const AuditEvent& event);

// Maps a SQLite failure to a Status without SQL text: constraint conflicts to ALREADY_EXISTS or
// FAILED_PRECONDITION, busy/full/I-O errors to UNAVAILABLE, the rest to INTERNAL.
Status FromException(const SQLite::Exception& e);

// The row limit of a page request, clamped to 1..1000 (the service validates the public bounds).
inline int PageLimit(const PageRequest& page) {
  return page.limit < 1 ? 1 : (page.limit > 1000 ? 1000 : page.limit);
}

// Steps `q` (which must select up to PageLimit(page) + 1 rows, in cursor order) into a page:
// `row(q)` makes an item (a T or a Result<T>), `key(item)` is the cursor of the last item when
// more rows follow.
template <typename T, typename RowFn, typename KeyFn>
Result<Page<T>> CollectPage(SQLite::Statement& q, const PageRequest& page, RowFn&& row,
                            KeyFn&& key) {
  Page<T> out;
  const int limit = PageLimit(page);
  while (q.executeStep()) {
    if (static_cast<int>(out.items.size()) == limit) {
      out.next_after = key(out.items.back());
      break;
    }
    Result<T> item = row(q);
    if (!item.ok()) return item.status();
    out.items.push_back(std::move(*item));
  }
  return out;
}

// ISO date column helpers. A stored date that does not parse is a corrupt row: INTERNAL.
LocalDate DateColumn(const SQLite::Column& c);

// Dates in the per-session tables (sessions.day, daily_facts.day) are day numbers: days since
// 1970-01-01.
inline int64_t DayNumber(LocalDate day) { return day.time_since_epoch().count(); }
inline LocalDate DayColumn(const SQLite::Column& c) { return LocalDate{date::days{c.getInt()}}; }

// Sessions are indexed by perform time, not by date: a read bounded by dates also bounds
// perform_ms with these, which the schema guarantees are loose enough (sessions.day is within
// two days before and three after perform_ms's UTC date: a CHECK), so the index ranges over the
// requested days and at most a few around them, and the exact test on `day` decides.
inline constexpr int64_t kDayMs = 86400000;
// Every session with day >= `from` has perform_ms at or after this.
inline int64_t PerformMsFloor(LocalDate from) { return (DayNumber(from) - 2) * kDayMs; }
// Every session with day <= `to` has perform_ms at or before this.
inline int64_t PerformMsCeiling(LocalDate to) { return (DayNumber(to) + 3) * kDayMs; }

}  // namespace ptrack::sqlite

namespace ptrack {

template <typename T, typename Fn>
Result<T> SqliteStore::Read(Fn&& fn) {
  std::unique_ptr<sqlite::Connection> db;
  try {
    db = CheckoutReader();
    Result<T> result = fn(*db);
    ReturnReader(std::move(db));
    return result;
  } catch (const SQLite::Exception& e) {
    if (db) ReturnReader(std::move(db));
    return sqlite::FromException(e);
  } catch (const std::exception&) {
    if (db) ReturnReader(std::move(db));
    return Status::Internal("stored data could not be read");
  }
}

template <typename T, typename Fn>
Result<T> SqliteStore::Write(Fn&& fn) {
  std::optional<Result<T>> result;
  WriteJob job;
  job.run = [&](sqlite::Connection& db) -> Status {
    result.emplace(fn(db));
    return result->ok() ? Status::Ok() : result->status();
  };
  Status status = RunWrite(job);
  if (!status.ok()) return status;  // its own failure, or the batch's commit failed
  return std::move(*result);
}

}  // namespace ptrack
