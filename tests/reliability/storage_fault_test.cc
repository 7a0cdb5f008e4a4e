// Storage faults: the real ptrackd's database stops being able to grow while client threads log
// sessions — first through a file-size limit lowered on the running server (its writes past the
// limit fail with EFBIG, an I/O error to SQLite; SIGXFSZ is ignored so the process is not
// killed), then on a real full disk (a small tmpfs filled up: ENOSPC, SQLITE_FULL). Checked: the
// fault was hit (calls failed), every failed call is UNAVAILABLE (the code phones retry on) with
// a message saying the storage failed or is full and to retry; the server stays up
// (health SERVING, a signed-in read answers); once space returns every failed request re-sent
// unchanged succeeds and new sessions succeed; after a clean stop the file is intact and holds
// every session sent exactly once, so nothing answered OK was lost. The full-disk case needs root
// (mount); without it, or when mount fails, it is skipped with a warning (Catch2 v2 has no SKIP).
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
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

using std::chrono::milliseconds;

// Every request sent, what was acknowledged, and what failed (with its status).
struct Ledger {
  std::mutex mu;
  std::map<std::string, v1::LogSessionRequest> sent;
  std::set<std::string> acked;
  std::vector<std::string> failed;           // ids, to re-send once the fault is gone
  std::map<std::string, int> failure_kinds;  // "CODE: message" -> calls
  std::vector<std::string> unclear;          // failures that are not UNAVAILABLE + clear text
};

std::string CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    default:
      return "code " + std::to_string(static_cast<int>(code));
  }
}

// What a storage fault must look like to the phone: retryable, and saying so in words.
bool ClearStorageError(const grpc::Status& s) {
  const std::string& m = s.error_message();
  const bool says_storage = m.find("storage is full") != std::string::npos ||
                            m.find("storage failed") != std::string::npos ||
                            m.find("could not be recorded") != std::string::npos;  // audit row
  const bool says_retry =
      m.find("retry") != std::string::npos || m.find("try again") != std::string::npos;
  return s.error_code() == grpc::StatusCode::UNAVAILABLE && says_storage && says_retry;
}

struct Tally {
  int ok = 0, failed = 0;
};

// Four client threads log new sessions until `want_failures` calls have failed, or the bounds
// (calls, time) run out. Returns the calls answered OK and failed in this phase.
Tally LogUntilFailures(const SessionClient& client, Ledger& ledger, uint64_t seed,
                       int want_failures) {
  constexpr int kMaxCalls = 3000;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::atomic<int> calls{0}, ok{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(seed + static_cast<uint64_t>(t));
      while (failed.load() < want_failures && calls.fetch_add(1) < kMaxCalls &&
             std::chrono::steady_clock::now() < until) {
        v1::LogSessionRequest req = client.NewSession(rng);
        {
          std::lock_guard<std::mutex> lock(ledger.mu);
          ledger.sent[req.session_id()] = req;
        }
        const grpc::Status s = client.Log(req, milliseconds(5000));
        std::lock_guard<std::mutex> lock(ledger.mu);
        if (s.ok()) {
          ledger.acked.insert(req.session_id());
          ++ok;
          continue;
        }
        ++failed;
        ledger.failed.push_back(req.session_id());
        ++ledger.failure_kinds[CodeName(s.error_code()) + ": " + s.error_message()];
        if (!ClearStorageError(s)) {
          ledger.unclear.push_back(CodeName(s.error_code()) + ": " + s.error_message());
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  return Tally{ok.load(), failed.load()};
}

// Logs `n` new sessions one after another; each must succeed.
void LogNew(const SessionClient& client, Ledger& ledger, uint64_t seed, int n) {
  std::mt19937_64 rng(seed);
  for (int i = 0; i < n; ++i) {
    v1::LogSessionRequest req = client.NewSession(rng);
    ledger.sent[req.session_id()] = req;
    const grpc::Status s = client.Log(req, milliseconds(10000));
    INFO("new session " << i << ": " << s.error_message());
    REQUIRE(s.ok());
    ledger.acked.insert(req.session_id());
  }
}

// The phone's retry: every failed request, unchanged; each must succeed now.
void ResendFailed(const SessionClient& client, Ledger& ledger) {
  for (const std::string& id : ledger.failed) {
    v1::LogSessionResponse resp;
    const grpc::Status s = client.Log(ledger.sent.at(id), milliseconds(10000), &resp);
    INFO("re-sent " << id << ": " << s.error_message());
    REQUIRE(s.ok());
    CHECK(resp.session().name().find(id) != std::string::npos);
    ledger.acked.insert(id);
  }
  ledger.failed.clear();
}

// The server is up and answering: health SERVING, and a signed-in call that reads the database.
void CheckServing(const Ptrackd& server, const SessionClient& client) {
  REQUIRE(kill(server.pid(), 0) == 0);
  auto health = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::health::v1::HealthCheckRequest req;
  grpc::health::v1::HealthCheckResponse resp;
  const grpc::Status s = health->Check(&ctx, req, &resp);
  INFO("health: " << s.error_message());
  REQUIRE(s.ok());
  CHECK(resp.status() == grpc::health::v1::HealthCheckResponse::SERVING);
  const grpc::Status who = client.WhoAmI(milliseconds(5000));
  INFO("WhoAmI: " << who.error_message());
  CHECK(who.ok());
}

// After the fault: the failures were clear, the server recovered, and after a clean stop the
// file holds every session sent, once, intact.
void CheckRecovered(std::unique_ptr<Ptrackd>& server, const SessionClient& client, Ledger& ledger,
                    const std::string& db, size_t demo_sessions, uint64_t seed) {
  for (const std::string& u : ledger.unclear)
    FAIL_CHECK("not UNAVAILABLE with a clear message: " << u);
  ResendFailed(client, ledger);
  LogNew(client, ledger, seed, 20);
  CHECK(server->Stop() == 0);
  server.reset();
  const StoredSessions end = ReadStoredSessions(db);
  CHECK(ledger.acked.size() == ledger.sent.size());
  CHECK(end.ids.size() == ledger.sent.size() + demo_sessions);
  CheckHolds(end, ledger.acked);
}

std::string Describe(const Ledger& ledger) {
  std::string out;
  for (const auto& [kind, n] : ledger.failure_kinds) {
    out += "\n  " + std::to_string(n) + " x " + kind;
  }
  return out;
}

uintmax_t SizeOr0(const std::string& path) {
  std::error_code ec;
  const uintmax_t n = std::filesystem::file_size(path, ec);
  return ec ? 0 : n;
}

TEST_CASE(
    "storage faults: I/O errors (a file-size limit) fail calls clearly, lose nothing, and "
    "the server recovers",
    "[reliability]") {
  TempDir dir;
  const std::string db = dir.path() + "/ptrack.db";
  const std::vector<std::string> args = {"--demo", "--http-listen", "off"};
  // Ignored signals stay ignored across exec: past the limit, write() fails with EFBIG instead
  // of SIGXFSZ killing the server.
  auto server = std::make_unique<Ptrackd>(PTRACKD, db, dir.path(), args, "127.0.0.1:0",
                                          [] { signal(SIGXFSZ, SIG_IGN); });
  SessionClient client(server->address());
  const size_t demo_sessions = ReadStoredSessions(db).ids.size();
  Ledger ledger;
  LogNew(client, ledger, 11, 20);

  // No file of the server may grow beyond 128 KiB past the largest one now: a few commits still
  // fit, so the fault strikes in the middle of the load.
  struct rlimit old {};
  REQUIRE(prlimit(server->pid(), RLIMIT_FSIZE, nullptr, &old) == 0);
  const uintmax_t largest =
      std::max({SizeOr0(db), SizeOr0(db + "-wal"), SizeOr0(db + "-shm"), SizeOr0(db + ".lock")});
  struct rlimit low = old;
  low.rlim_cur = static_cast<rlim_t>(largest + 128 * 1024);
  REQUIRE(prlimit(server->pid(), RLIMIT_FSIZE, &low, nullptr) == 0);

  const Tally during = LogUntilFailures(client, ledger, 1000, 24);
  CheckServing(*server, client);
  INFO("during the fault: " << during.ok << " OK, " << during.failed << " failed"
                            << Describe(ledger));
  REQUIRE(during.failed > 0);  // the fault was really hit

  REQUIRE(prlimit(server->pid(), RLIMIT_FSIZE, &old, nullptr) == 0);  // space returns
  CheckRecovered(server, client, ledger, db, demo_sessions, 22);
  WARN("file-size limit " << low.rlim_cur << " bytes: " << during.ok << " calls OK, "
                          << during.failed << " failed" << Describe(ledger));
}

// A small tmpfs mounted on `dir` for the life of the guard (unmounted even when a check fails).
class TmpfsMount {
 public:
  TmpfsMount(const std::string& dir, const std::string& size) : dir_(dir) {
    if (mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, ("size=" + size).c_str()) == 0) {
      mounted_ = true;
    } else {
      error_ = std::strerror(errno);
    }
  }
  ~TmpfsMount() {
    if (mounted_ && umount(dir_.c_str()) != 0) umount2(dir_.c_str(), MNT_DETACH);
  }
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

 private:
  std::string dir_;
  bool mounted_ = false;
  std::string error_;
};

// Writes `path` until the file system is full (ENOSPC), then gives back `headroom` bytes (a
// few commits' worth, so that the disk fills up in the middle of the load); the bytes kept.
uintmax_t FillUp(const std::string& path, uintmax_t headroom) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(fd >= 0);
  const std::string chunk(64 * 1024, 'f');
  uintmax_t total = 0;
  for (;;) {
    const ssize_t n = write(fd, chunk.data(), chunk.size());
    if (n > 0) {
      total += static_cast<uintmax_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    CHECK(errno == ENOSPC);
    break;
  }
  total = total > headroom ? total - headroom : 0;
  CHECK(ftruncate(fd, static_cast<off_t>(total)) == 0);
  close(fd);
  return total;
}

TEST_CASE(
    "storage faults: a full disk fails calls clearly, loses nothing, and the server "
    "recovers when space returns",
    "[reliability]") {
  if (geteuid() != 0) {
    WARN("skipped: mounting a small tmpfs (the full disk) needs root");
    return;
  }
  TempDir dir;  // the server's log and port file stay outside the small file system
  const std::string mnt = dir.path() + "/small";
  std::filesystem::create_directory(mnt);
  TmpfsMount small(mnt, "8m");
  if (!small.mounted()) {
    WARN("skipped: cannot mount a tmpfs on " << mnt << ": " << small.error());
    return;
  }
  const std::string db = mnt + "/ptrack.db";
  const std::vector<std::string> args = {"--demo", "--http-listen", "off"};
  auto server = std::make_unique<Ptrackd>(PTRACKD, db, dir.path(), args);
  SessionClient client(server->address());
  const size_t demo_sessions = ReadStoredSessions(db).ids.size();
  Ledger ledger;
  LogNew(client, ledger, 33, 20);

  const std::string filler = mnt + "/filler";
  const uintmax_t filled = FillUp(filler, 128 * 1024);
  const Tally during = LogUntilFailures(client, ledger, 2000, 24);
  CheckServing(*server, client);
  INFO("during the fault: " << during.ok << " OK, " << during.failed << " failed"
                            << Describe(ledger));
  REQUIRE(during.failed > 0);  // the fault was really hit
  bool saw_full = false;
  for (const auto& [kind, n] : ledger.failure_kinds) {
    saw_full = saw_full || kind.find("storage is full") != std::string::npos;
  }
  CHECK(saw_full);

  std::filesystem::remove(filler);  // space returns
  CheckRecovered(server, client, ledger, db, demo_sessions, 44);
  WARN("disk filled with " << filled << " bytes: " << during.ok << " calls OK, " << during.failed
                           << " failed" << Describe(ledger));
}

}  // namespace
}  // namespace ptrack::testing
