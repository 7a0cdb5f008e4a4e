// Bounds on ReportService.WatchAlerts streams, so that no caller can monopolise them and nothing
// reaches a token that is no longer valid (docs/SECURITY.md "Alert watches"), and the events that
// move an idle watch.
//
// A watch is a callback-API write reactor (report_service.cc): it holds no thread while it waits,
// and a write to a client that stopped reading simply never completes (its HTTP/2 flow-control
// window is exhausted). Nothing inside the stream notices that, so this class runs one thread that
// looks at every open watch from the outside: a write in progress for longer than `write_stall`
// (a client that stopped reading) and a watch whose token has turned invalid (revoked, signed
// out, expired, idled out) are ended with TryCancel on the call, which fails the pending write at
// once and resets the stream (the client sees CANCELLED: a status cannot overtake data the client
// has not read). A watch that is not writing is told through its verdict and woken, so that it
// ends the stream with UNAUTHENTICATED. A second thread waits on the AlertHub and wakes every
// open watch when alerts were stored or the hub closed (shutdown), so a watch needs no timer.
//
// Invariants: admission is per user (all their tokens), per clinic and in total, checked in that
// order, each refusal RESOURCE_EXHAUSTED naming its limit. A write starts only after the watch's
// verdict was read as valid (BeginWrite), and the watchdog cancels any write in progress when it
// sets an invalid verdict (both sides use sequentially consistent atomics, so one of them always
// sees the other). A watch's wake function is never called after its Watch is destroyed. Times
// are read from the injected Clock. Thread-safe.
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

#include "engine/alert_hub.h"
#include "engine/clock.h"
#include "scheduler/status.h"
#include "service/credentials.h"

namespace grpc {
class ServerContextBase;
}

namespace ptrack {

// Operator-tunable bounds on watches (ptrackd flags; defaults documented in docs/SECURITY.md).
struct WatchOptions {
  int max_per_user = 4;
  int max_per_clinic = 32;
  // 0 = PtrackServer's default (kDefaultWatchesTotal in server.cc): a watch holds no thread, only
  // a little memory and one task on the executor per batch, so the total bounds memory and the
  // watchdog's per-check work, not the handler threads.
  int max_total = 0;
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

  // REQUIRES: credentials, clock and hub outlive this object; options.max_total > 0.
  AlertWatchdog(Credentials& credentials, const Clock& clock, const AlertHub& hub,
                WatchOptions options);
  ~AlertWatchdog();  // Stop()
  AlertWatchdog(const AlertWatchdog&) = delete;
  AlertWatchdog& operator=(const AlertWatchdog&) = delete;

  // Starts / stops the watchdog's two threads (idempotent). Without them, admission and the
  // per-batch token check still work; stalls, periodic re-checks and new alerts are not noticed.
  void Start();
  void Stop();

  // Admits a watch of `who` holding bearer `token` on the call `context`, or RESOURCE_EXHAUSTED
  // with a message naming the limit reached (per user, per clinic, total). The watch is released
  // when the returned object is destroyed. `wake` is called, from a watchdog thread or from the
  // caller of RecheckUser, when the watch must look again: alerts were stored, the hub closed, or
  // its verdict turned bad while it was not writing. It must not block or call into this class;
  // it is never called once the Watch is destroyed. REQUIRES: context outlives the Watch.
  Result<std::unique_ptr<Watch>> Admit(const Principal& who, const std::string& token,
                                       grpc::ServerContextBase* context,
                                       std::function<void()> wake);

  // Reads the token of every open watch of `username` now, on the calling thread, and ends those
  // whose token is no longer valid. When it returns, none of them starts another write. Called
  // after a sign-out or an enrolment revoked tokens.
  void RecheckUser(const std::string& username);

  // Open watches, and how many of them have a write in progress right now (tests, figures).
  int open() const;
  int writing() const;

 private:
  struct State;
  void Run();
  void RunHub();
  void Check(const std::shared_ptr<State>& state, Instant now, bool token_due);
  void End(State& state, int reason);
  void Release(const std::shared_ptr<State>& state);

  Credentials& credentials_;
  const Clock& clock_;
  const AlertHub& hub_;
  const WatchOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<State*, std::shared_ptr<State>> watches_;  // guarded by mu_
  std::map<std::string, int> per_user_;               // guarded by mu_
  std::map<std::string, int> per_clinic_;             // guarded by mu_
  bool stop_ = false;                                 // guarded by mu_
  std::thread thread_;                                // Run: stalls and token checks
  std::thread hub_thread_;  // RunHub: wakes every watch when the hub moves or closes
  friend class Watch;
};

// One admitted watch. Used by one reaction or task at a time (the watchdog reaches its shared
// state).
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
  // Call just before starting a write: the watchdog times it from now. Returns the verdict; when
  // it is not OK the write must not start (and the watch is not counted as writing).
  Status BeginWrite();
  // Call when the write completed (OnWriteDone). Returns the verdict: when it is not OK the
  // watch was ended before or during the write (a cancelled write completes with ok = false).
  Status EndWrite();

 private:
  friend class AlertWatchdog;
  Watch(AlertWatchdog& owner, std::shared_ptr<State> state)
      : owner_(owner), state_(std::move(state)) {}
  AlertWatchdog& owner_;
  std::shared_ptr<State> state_;
};

}  // namespace ptrack
