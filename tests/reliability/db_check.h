// Looking behind the server at its database file, for the reliability tests: the demo patient's
// stored session ids, the sum of the day counts kept beside them (each stored session must be
// counted exactly once), and SQLite's own integrity check. Opens the file read-write, so a WAL
// left by a killed server is recovered exactly as a restart would; use only while no server has
// the file open, or on a copy.
#pragma once

#include <cstdint>
#include <set>
#include <string>

namespace ptrack::testing {

struct StoredSessions {
  std::set<std::string> ids;
  int64_t day_count_sum = 0;
  std::string integrity;  // "ok" when PRAGMA integrity_check finds nothing
};

StoredSessions ReadStoredSessions(const std::string& db_path,
                                  const std::string& patient_id = "jordan");

// Catch2 checks that `stored` is intact (integrity "ok"), self-consistent (the day counts add up
// to the sessions) and holds each of `expected` exactly once.
void CheckHolds(const StoredSessions& stored, const std::set<std::string>& expected);

}  // namespace ptrack::testing
