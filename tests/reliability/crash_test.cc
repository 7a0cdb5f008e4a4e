// The crash test: client threads log sessions with unique ids against the real ptrackd, which is
// killed with SIGKILL at a random moment; while it is down the database file is checked — every
// session acknowledged so far is there, the derived day counts match the sessions, and
// `PRAGMA integrity_check` is ok. The server is restarted on the same file and every request
// that got no answer is re-sent unchanged; after that the stored sessions are exactly the ones
// sent (none lost, none twice). PTRACK_CRASH_CYCLES sets the number of cycles (default 20; the
// documented long run uses 500).
#include <signal.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
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

int Cycles() {
  const char* env = std::getenv("PTRACK_CRASH_CYCLES");
  return env ? std::max(1, std::atoi(env)) : 20;
}

TEST_CASE("crash: SIGKILL at random moments loses no acknowledged session and stores none twice",
          "[reliability]") {
  TempDir dir;
  const std::string db = dir.path() + "/ptrack.db";
  const std::vector<std::string> args = {"--demo", "--http-listen", "off"};
  auto server = std::make_unique<Ptrackd>(PTRACKD, db, dir.path(), args);
  SessionClient client(server->address());
  const int demo_sessions = static_cast<int>(ReadStoredSessions(db).ids.size());

  std::mt19937_64 rng(Catch::rngSeed() + 7);
  std::map<std::string, v1::LogSessionRequest> sent;  // every request ever sent, by id
  std::set<std::string> acked;                        // answered OK at least once
  std::vector<std::string> unanswered;                // sent, no answer yet
  std::mutex mu;
  const int cycles = Cycles();
  int kills_mid_load = 0;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    INFO("cycle " << cycle);
    std::atomic<bool> stop{false};
    std::vector<std::string> errors;
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        std::mt19937_64 thread_rng(rng() + static_cast<uint64_t>(t));
        while (!stop.load()) {
          v1::LogSessionRequest req = client.NewSession(thread_rng);
          {
            std::lock_guard<std::mutex> lock(mu);
            sent[req.session_id()] = req;
          }
          grpc::Status s = client.Log(req, milliseconds(5000));
          std::lock_guard<std::mutex> lock(mu);
          if (s.ok()) {
            acked.insert(req.session_id());
          } else if (SessionClient::Transient(s)) {
            unanswered.push_back(req.session_id());
          } else {
            errors.push_back(s.error_message());
            return;
          }
        }
      });
    }
    std::this_thread::sleep_for(milliseconds(20 + rng() % 400));
    {
      std::lock_guard<std::mutex> lock(mu);
      if (sent.size() > acked.size()) ++kills_mid_load;  // some call was in flight
    }
    REQUIRE(kill(server->pid(), SIGKILL) == 0);
    stop = true;
    for (auto& th : threads) th.join();
    server.reset();  // reaps the killed process
    REQUIRE(errors.empty());

    // While the server is down: everything acknowledged is on disk, once.
    CheckHolds(ReadStoredSessions(db), acked);

    // Restart; the phone re-sends what got no answer, unchanged, until it is answered.
    server = std::make_unique<Ptrackd>(PTRACKD, db, dir.path(), args);
    client.Reconnect(server->address());
    for (const std::string& id : unanswered) {
      v1::LogSessionResponse resp;
      grpc::Status s = client.Log(sent.at(id), milliseconds(10000), &resp);
      INFO("re-sent " << id << ": " << s.error_message());
      REQUIRE(s.ok());
      CHECK(resp.session().name().find(id) != std::string::npos);
      acked.insert(id);
    }
    unanswered.clear();
  }
  server->Stop();
  StoredSessions end = ReadStoredSessions(db);
  REQUIRE(acked.size() == sent.size());  // every request was answered in the end
  CHECK(end.ids.size() == sent.size() + static_cast<size_t>(demo_sessions));
  CheckHolds(end, acked);
  // Most kills must land while calls are in flight, or the test proves little.
  CHECK(kills_mid_load * 2 > cycles);
  WARN(cycles << " cycles, " << sent.size() << " sessions sent, " << kills_mid_load
              << " kills with calls in flight");
}

}  // namespace
}  // namespace ptrack::testing
