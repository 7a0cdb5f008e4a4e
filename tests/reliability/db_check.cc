// Reading a ptrack database file directly (SQLiteCpp) for the reliability tests.
#include "tests/reliability/db_check.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <catch2/catch.hpp>

namespace ptrack::testing {

StoredSessions ReadStoredSessions(const std::string& db_path, const std::string& patient_id) {
  SQLite::Database db(db_path, SQLite::OPEN_READWRITE);
  StoredSessions out;
  SQLite::Statement q(db,
                      "SELECT s.id FROM patients p JOIN sessions s ON s.patient = p.key "
                      "WHERE p.id = ?");
  q.bind(1, patient_id);
  while (q.executeStep()) out.ids.insert(q.getColumn(0).getString());
  SQLite::Statement sum(db,
                        "SELECT COALESCE(SUM(f.sessions_done), 0) FROM patients p "
                        "JOIN daily_facts f ON f.patient = p.key WHERE p.id = ?");
  sum.bind(1, patient_id);
  sum.executeStep();
  out.day_count_sum = sum.getColumn(0).getInt64();
  out.integrity = db.execAndGet("PRAGMA integrity_check").getString();
  return out;
}

void CheckHolds(const StoredSessions& stored, const std::set<std::string>& expected) {
  CHECK(stored.integrity == "ok");
  CHECK(stored.day_count_sum == static_cast<int64_t>(stored.ids.size()));
  for (const std::string& id : expected) {
    INFO("expected session " << id);
    CHECK(stored.ids.count(id) == 1);
  }
}

}  // namespace ptrack::testing
