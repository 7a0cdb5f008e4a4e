// `ptrackd backup` and `ptrackd restore` through the real binary: a backup taken while client
// threads are logging sessions holds every session acknowledged before it began, is intact and
// self-consistent; restoring it (with the server stopped) gives a server that serves exactly
// that content and treats a re-sent session of the backup as a replay. Refusals change nothing:
// a backup onto an existing file, a restore while a server holds the database, a restore of a
// damaged file.
#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "tests/integration/process.h"
#include "tests/reliability/db_check.h"
#include "tests/reliability/session_client.h"

namespace ptrack::testing {
namespace {

using std::chrono::milliseconds;

TEST_CASE("backup under load, then restore: acknowledged sessions kept, refusals change nothing",
          "[reliability]") {
  TempDir dir;
  const std::string db = dir.path() + "/ptrack.db";
  const std::string backup = dir.path() + "/backup.db";
  const std::vector<std::string> args = {"--demo", "--http-listen", "off"};
  auto server = std::make_unique<Ptrackd>(PTRACKD, db, dir.path(), args);
  SessionClient client(server->address());

  std::mutex mu;
  std::map<std::string, v1::LogSessionRequest> acked;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(static_cast<uint64_t>(t) * 104729 + 3);
      while (!stop.load()) {
        v1::LogSessionRequest req = client.NewSession(rng);
        if (client.Log(req, milliseconds(10000)).ok()) {
          std::lock_guard<std::mutex> lock(mu);
          acked[req.session_id()] = req;
        }
      }
    });
  }
  auto acked_count = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return acked.size();
  };
  while (acked_count() < 100) std::this_thread::sleep_for(milliseconds(5));
  std::set<std::string> before;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& [id, req] : acked) before.insert(id);
  }
  RunResult made = Run({PTRACKD, "backup", "--db", db, "--out", backup}, {});
  INFO(made.out << made.err);
  REQUIRE(made.exit_code == 0);
  CHECK(made.out.find("backed up") != std::string::npos);
  while (acked_count() < before.size() + 50) std::this_thread::sleep_for(milliseconds(5));
  stop = true;
  for (auto& th : threads) th.join();

  // The backup: intact, consistent, and holding everything acknowledged before it began.
  StoredSessions copy = ReadStoredSessions(backup);
  CheckHolds(copy, before);

  // Refused: a backup onto an existing file (left as it was).
  const std::string backup_bytes = ReadFile(backup);
  RunResult again = Run({PTRACKD, "backup", "--db", db, "--out", backup}, {});
  CHECK(again.exit_code == 1);
  CHECK(again.err.find("exists") != std::string::npos);
  CHECK(ReadFile(backup) == backup_bytes);

  // Refused: a restore while the server holds the database.
  RunResult busy = Run({PTRACKD, "restore", "--from", backup, "--db", db}, {});
  CHECK(busy.exit_code == 1);
  CHECK(busy.err.find("running ptrackd") != std::string::npos);
  server->Stop();
  const StoredSessions live = ReadStoredSessions(db);
  CHECK(live.ids.size() >= before.size() + 50);  // the refused restore changed nothing
  for (const std::string& id : copy.ids) CHECK(live.ids.count(id) == 1);  // a past snapshot
  CHECK(live.ids.size() > copy.ids.size());

  // Refused: a damaged backup.
  const std::string damaged = dir.path() + "/damaged.db";
  std::ofstream(damaged, std::ios::binary)
      << backup_bytes.substr(0, 4096) << std::string(8192, 'x');
  RunResult bad = Run({PTRACKD, "restore", "--from", damaged, "--db", db}, {});
  CHECK(bad.exit_code == 1);
  CHECK(ReadStoredSessions(db).ids == live.ids);

  // The restore: the server comes back with exactly the backup's sessions.
  RunResult restored = Run({PTRACKD, "restore", "--from", backup, "--db", db}, {});
  INFO(restored.out << restored.err);
  REQUIRE(restored.exit_code == 0);
  CHECK(ReadStoredSessions(db).ids == copy.ids);
  server = std::make_unique<Ptrackd>(PTRACKD, db, dir.path(), args);
  client.Reconnect(server->address());
  const std::string kept = *before.begin();
  v1::LogSessionResponse resp;
  REQUIRE(client.Log(acked.at(kept), milliseconds(10000), &resp).ok());
  CHECK(resp.replayed());  // the backup's session, not a new one
  server->Stop();
  StoredSessions end = ReadStoredSessions(db);
  CHECK(end.ids == copy.ids);
  CHECK(end.integrity == "ok");
}

}  // namespace
}  // namespace ptrack::testing
