// The write-ahead log stays bounded while reads never stop (storage/wal_bound.h). The real
// ptrackd takes sessions from four client threads while two reader threads keep read transactions
// open on the same file, overlapping so that at every moment some reader holds a snapshot — as
// phones asking for plans do under load. SQLite's own passive checkpoint can then never start the
// log again, and it grows with every write (118 MiB here without the bound; the soak saw 1.2 GB in
// ten minutes). Checked: the -wal file stays within 48 MiB — the restart threshold (16 MiB) plus
// room for a few restarts that time out while a long reader holds its snapshot (the server's own
// evaluation of the demo patient, whose history grows by thousands of sessions here); every
// session is acknowledged and stored once; the file is intact.
#include <SQLiteCpp/Database.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "tests/integration/process.h"
#include "tests/reliability/db_check.h"
#include "tests/reliability/session_client.h"

namespace ptrack::testing {
namespace {

using std::chrono::milliseconds;

uintmax_t FileSize(const std::string& path) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

TEST_CASE("WAL: bounded while read transactions never stop", "[reliability]") {
  constexpr uintmax_t kBound = 48u << 20;
  constexpr int kSessions = 3000;
  TempDir dir;
  const std::string db = dir.path() + "/ptrack.db";
  auto server = std::make_unique<Ptrackd>(
      PTRACKD, db, dir.path(), std::vector<std::string>{"--demo", "--http-listen", "off"});
  SessionClient client(server->address());

  std::atomic<bool> stop{false};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&, r] {
      SQLite::Database reader(db, SQLite::OPEN_READONLY);
      reader.exec("PRAGMA busy_timeout = 5000");
      std::this_thread::sleep_for(milliseconds(10 * r));  // staggered: one is always open
      while (!stop.load()) {
        reader.exec("BEGIN");
        reader.execAndGet("SELECT count(*) FROM sessions");  // takes the snapshot
        std::this_thread::sleep_for(milliseconds(20));
        reader.exec("COMMIT");
      }
    });
  }
  std::atomic<uintmax_t> max_wal{0};
  std::thread sampler([&] {
    while (!stop.load()) {
      const uintmax_t size = FileSize(db + "-wal");
      if (size > max_wal.load()) max_wal = size;
      std::this_thread::sleep_for(milliseconds(20));
    }
  });

  std::mutex mu;
  std::set<std::string> acked;
  std::vector<std::string> errors;
  std::atomic<int> next{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      std::mt19937_64 rng(Catch::rngSeed() + static_cast<uint64_t>(t));
      while (next.fetch_add(1) < kSessions) {
        const v1::LogSessionRequest req = client.NewSession(rng);
        const grpc::Status s = client.Log(req, milliseconds(30000));
        std::lock_guard<std::mutex> lock(mu);
        if (s.ok()) {
          acked.insert(req.session_id());
        } else {
          errors.push_back(s.error_message());
        }
      }
    });
  }
  for (auto& w : writers) w.join();
  stop = true;
  for (auto& r : readers) r.join();
  sampler.join();
  const uintmax_t db_size = FileSize(db);
  REQUIRE(server->Stop() == 0);

  INFO("largest WAL " << max_wal.load() << " bytes; database " << db_size << " bytes");
  CHECK(errors.empty());
  CHECK(acked.size() == static_cast<size_t>(kSessions));
  CHECK(max_wal.load() <= kBound);
  const StoredSessions stored = ReadStoredSessions(db);
  CheckHolds(stored, acked);
  WARN("WAL at most " << (max_wal.load() >> 20) << " MiB while " << kSessions
                      << " sessions were logged under continuous reads (database "
                      << (db_size >> 20) << " MiB)");
}

}  // namespace
}  // namespace ptrack::testing
