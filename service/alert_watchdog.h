// Bounds on ReportService.WatchAlerts streams, so that no caller can monopolise them and nothing
// reaches a token that is no longer valid (docs/SECURITY.md "Alert watches").
//
// Why a watchdog and not the callback API: WatchAlerts stays on the sync server (each stream holds
// one handler thread, which is why the total is bounded from the thread pool), and its
// ServerWriter::Write blocks while the client's HTTP/2 flow-control window is exhausted. A
// handler blocked there cannot notice anything, so this class runs one thread that looks at every
// open watch from the outside: a Write in progress for longer than `write_stall` (a client that
// stopped reading) and a watch whose token has turned invalid (revoked, signed out, expired, idled
// out) are ended with ServerContext::TryCancel, which fails the blocked Write at once and resets
// the stream (the client sees CANCELLED: a status cannot overtake data the client has not read).
// A watch that is not writing is told through its verdict instead, so that its handler ends the
// stream with UNAUTHENTICATED. The callback API would free the threads but needs the same timer
// and checks plus an executor for the store reads; the sync design is smaller and the thread
// bound is explicit.
//
// Invariants: admission is per user (all their tokens), per clinic and in total, checked in that
// order, each refusal RESOURCE_EXHAUSTED naming its limit. A Write starts only after the watch's
// verdict was read as valid, and the watchdog cancels any Write in progress when it sets an
// invalid verdict (both sides use sequentially consistent atomics, so one of them always sees
// the other). Times are read from the injected Clock. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "engine/clock.h"
#include "scheduler/status.h"
#include "service/credentials.h"

namespace grpc {
class ServerContext;
}

namespace ptrack {

// Operator-tunable bounds on watches (ptrackd flags; defaults documented in docs/SECURITY.md).
struct WatchOptions {
  int max_per_user = 4;
  int max_per_clinic = 32;
  int max_total = 0;  // 0 = sized by PtrackServer from its handler threads (half of them)
  // A Write that has not completed for this long (the client stopped reading) ends the stream.
  std::chrono::seconds write_stall{10};
  // How often every open watch's token is read again (revocation by `ptrackd admin
  // revoke-tokens` from another process, expiry, idle). A sign-out or enrolment through this
  // server re-checks its user's watches at once (RecheckUser).
  std::chrono::seconds token_check{5};
};

class AlertWatchdog {
 public:
  class Watch;

  // REQUIRES: credentials and clock outlive this object; options.max_total > 0.
  AlertWatchdog(Credentials& credentials, const Clock& clock, WatchOptions options);
  ~AlertWatchdog();  // Stop()
  AlertWatchdog(const AlertWatchdog&) = delete;
  AlertWatchdog& operator=(const AlertWatchdog&) = delete;

  // Starts / stops the watchdog thread (idempotent). Without it, admission and the per-batch
  // token check still work; stalls and periodic re-checks are not noticed.
  void Start();
  void Stop();

  // Admits a watch of `who` holding bearer `token` on the call `context`, or RESOURCE_EXHAUSTED
  // with a message naming the limit reached (per user, per clinic, total). The watch is released
  // when the returned object is destroyed. REQUIRES: context outlives the returned Watch.
  Result<std::unique_ptr<Watch>> Admit(const Principal& who, const std::string& token,
                                       grpc::ServerContext* context);

  // Reads the token of every open watch of `username` now, on the calling thread, and ends those
  // whose token is no longer valid. When it returns, none of them starts another Write. Called
  // after a sign-out or an enrolment revoked tokens.
  void RecheckUser(const std::string& username);

  // Open watches, and how many of them are inside a Write right now (tests, figures).
  int open() const;
  int writing() const;

 private:
  struct State;
  void Run();
  void Check(const std::shared_ptr<State>& state, Instant now, bool token_due);
  void End(State& state, int reason);
  void Release(const std::shared_ptr<State>& state);

  Credentials& credentials_;
  const Clock& clock_;
  const WatchOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<State*, std::shared_ptr<State>> watches_;  // guarded by mu_
  std::map<std::string, int> per_user_;               // guarded by mu_
  std::map<std::string, int> per_clinic_;             // guarded by mu_
  bool stop_ = false;                                 // guarded by mu_
  std::thread thread_;
  friend class Watch;
};

// One admitted watch. Used by its handler thread only (the watchdog reaches its shared state).
class AlertWatchdog::Watch {
 public:
  ~Watch();
  Watch(const Watch&) = delete;
  Watch& operator=(const Watch&) = delete;

  // OK while the watch may go on; UNAUTHENTICATED once its token was found invalid;
  // RESOURCE_EXHAUSTED once it was ended for not reading. No store access.
  Status Verdict() const;
  // Reads the token now (one store read): OK, or why the stream must end (and the verdict
  // becomes that). Call once before each batch of writes.
  Status CheckToken();
  // Runs `write` (one blocking ServerWriter::Write, returning its result) unless the verdict is
  // already bad, with the watchdog timing it. Returns the verdict when the watch was ended before
  // or during the write (a cancelled Write returns false); otherwise OK, with *gone = true when
  // the write failed because the client went away on its own.
  Status Write(const std::function<bool()>& write, bool* gone);

 private:
  friend class AlertWatchdog;
  Watch(AlertWatchdog& owner, std::shared_ptr<State> state)
      : owner_(owner), state_(std::move(state)) {}
  AlertWatchdog& owner_;
  std::shared_ptr<State> state_;
};

}  // namespace ptrack
