// Graceful stop: SIGTERM while client threads are logging sessions. The server first reports
// NOT_SERVING to a health watcher, then stops accepting; calls already running finish; it exits
// with status 0 within its grace period (10 s) plus a margin; every acknowledged session is in
// the file, once; and the calls refused while stopping, re-sent to the restarted server, are
// stored once each.
#include <signal.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/integration/process.h"
#include "tests/reliability/db_check.h"
#include "tests/reliability/session_client.h"

namespace ptrack::testing {
namespace {

using grpc::health::v1::HealthCheckResponse;
using std::chrono::milliseconds;

TEST_CASE("graceful stop: SIGTERM under load reports NOT_SERVING first and loses nothing",
          "[reliability]") {
  TempDir dir;
  const std::string db = dir.path() + "/ptrack.db";
  const std::vector<std::string> args = {"--demo", "--http-listen", "off"};
  auto server = std::make_unique<Ptrackd>(PTRACKD, db, dir.path(), args);
  SessionClient client(server->address());

  // A health watcher: the statuses it sees, in order, until its stream ends.
  auto channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext watch_ctx;
  grpc::health::v1::HealthCheckRequest watch_req;
  auto watch = health->Watch(&watch_ctx, watch_req);
  HealthCheckResponse first;
  REQUIRE(watch->Read(&first));
  CHECK(first.status() == HealthCheckResponse::SERVING);
  std::vector<HealthCheckResponse::ServingStatus> seen;
  std::thread watcher([&] {
    HealthCheckResponse r;
    while (watch->Read(&r)) {
      seen.push_back(r.status());
      // A load balancer that sees NOT_SERVING stops watching; an open watch would hold the
      // server for its whole grace period.
      if (r.status() == HealthCheckResponse::NOT_SERVING) watch_ctx.TryCancel();
    }
  });

  std::mutex mu;
  std::map<std::string, v1::LogSessionRequest> unanswered;  // to re-send after the restart
  std::set<std::string> acked;
  std::vector<std::string> unexpected;
  int refused = 0;
  std::atomic<bool> stop{false};
  std::atomic<int> ok_before_term{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(static_cast<uint64_t>(t) * 7919 + 1);
      while (!stop.load()) {
        v1::LogSessionRequest req = client.NewSession(rng);
        grpc::Status s = client.Log(req, milliseconds(20000));
        std::lock_guard<std::mutex> lock(mu);
        if (s.ok()) {
          acked.insert(req.session_id());
          ++ok_before_term;
        } else if (s.error_code() == grpc::StatusCode::UNAVAILABLE ||
                   s.error_code() == grpc::StatusCode::CANCELLED) {
          // Refused once the server stopped accepting, or queued and never started before the
          // grace period ended: not acknowledged, so the phone re-sends it later.
          ++refused;
          unanswered[req.session_id()] = req;
          return;
        } else {
          unexpected.push_back(std::to_string(s.error_code()) + ": " + s.error_message());
          return;
        }
      }
    });
  }
  while (ok_before_term.load() < 50) std::this_thread::sleep_for(milliseconds(5));

  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(kill(server->pid(), SIGTERM) == 0);
  const int exit_code = server->Stop();  // SIGTERM again (harmless) and wait for the exit
  const double stop_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  stop = true;
  for (auto& th : threads) th.join();
  watcher.join();

  CHECK(exit_code == 0);
  CHECK(stop_s < 12.0);  // the grace period is 10 s: the contract is a bounded stop
  CHECK(unexpected == std::vector<std::string>{});
  REQUIRE_FALSE(seen.empty());
  CHECK(seen.front() == HealthCheckResponse::NOT_SERVING);  // before the stream ended

  // Every acknowledged session survived the stop, once, in an intact file.
  StoredSessions stored = ReadStoredSessions(db);
  CheckHolds(stored, acked);

  // What got no answer is re-sent, unchanged, to the restarted server: stored once.
  server = std::make_unique<Ptrackd>(PTRACKD, db, dir.path(), args);
  client.Reconnect(server->address());
  for (const auto& [id, req] : unanswered) {
    grpc::Status s = client.Log(req, milliseconds(10000));
    INFO("re-sent " << id << ": " << s.error_message());
    CHECK(s.ok());
  }
  server->Stop();
  StoredSessions after = ReadStoredSessions(db);
  std::set<std::string> expected = stored.ids;  // an unanswered one may already be there
  for (const auto& [id, req] : unanswered) expected.insert(id);
  CHECK(after.ids == expected);
  CHECK(after.day_count_sum == static_cast<int64_t>(after.ids.size()));
  WARN("stopped in " << stop_s << " s; " << acked.size() << " acknowledged, " << refused
                     << " refused while stopping");
}

}  // namespace
}  // namespace ptrack::testing
