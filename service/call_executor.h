// The executor the server owns for blocking work. gRPC's callback API runs every reaction on its
// own few threads, which must never block; every ptrack.v1 handler body (the gate's token read,
// validation, store calls, the audit row) therefore runs here instead: a fixed pool of worker
// threads fed by one bounded queue, with admission control in front of it. A call is admitted
// only when it can be expected to start in time: the queue has room, and the estimated wait
// (queued calls × the recent mean run time ÷ workers) ends before its start-by time, which is
// its deadline, or `max_queue_wait` after it arrived when the client set none. Otherwise it is
// refused at once (kOverloaded, with a retry hint), so that load beyond the server's capacity is
// answered RESOURCE_EXHAUSTED in microseconds instead of queueing until every call times out. A
// call whose start-by time has passed by the time a worker reaches it does no work (kExpired when
// its deadline passed, kOverloaded when it waited past the bound). Continuations of calls already
// admitted (the next step of a server stream, its final audit row) bypass admission and run before
// new calls.
//
// Contract: every task given to Submit or Continue is run exactly once — with kRun on a worker,
// or with a refusal (on the submitting thread when refused at once, else on a worker). Tasks must
// not throw. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ptrack {

struct ExecutorOptions {
  int workers = 0;  // 0 = DefaultWorkers()
  // Calls admitted but not yet started; past it, calls are refused (kOverloaded).
  int max_queue = 512;
  // The longest a call without a deadline may wait for a worker.
  std::chrono::milliseconds max_queue_wait{1000};
  // The clock for deadlines and waits (tests inject one); the system clock when empty.
  std::function<std::chrono::system_clock::time_point()> now;
};

// Eight per hardware thread, at least 16. Most of a call's time is spent blocked, not computing:
// a LogSession waits for two group commits (each an fsync), a sign-in for a hash slot. With 4
// workers on 2 cores the workers all sat in those waits and LogSession ran at ~60 % of the
// thread-per-call server's rate; with 16 it matched it (docs/ARCHITECTURE.md, "The server").
// CPU-bound calls (plans) run at the same rate either way; more workers only lengthen their tail.
int DefaultWorkers();

// How a task is to proceed.
struct CallStart {
  enum Verdict {
    kRun,         // run the work
    kOverloaded,  // refused for load (queue full, or it could not start in time): answer
                  // RESOURCE_EXHAUSTED with retry_after
    kExpired,     // its deadline passed before it could start: answer DEADLINE_EXCEEDED
    kStopping,    // the executor is stopping: answer UNAVAILABLE
  };
  Verdict verdict = kRun;
  // For kOverloaded: when a retry is likely to be admitted (an estimate of the queue's drain
  // time, at least 50 ms, at most 10 s).
  std::chrono::milliseconds retry_after{0};
  bool run() const { return verdict == kRun; }
};

class CallExecutor {
 public:
  using Task = std::function<void(const CallStart&)>;
  using TimePoint = std::chrono::system_clock::time_point;

  explicit CallExecutor(ExecutorOptions options = {});
  ~CallExecutor();  // Stop()
  CallExecutor(const CallExecutor&) = delete;
  CallExecutor& operator=(const CallExecutor&) = delete;

  // Starts the workers (idempotent).
  void Start();
  // Refuses new calls (kStopping), runs every continuation and refuses every queued call still
  // waiting, then joins the workers. Idempotent. After it, Continue runs its task on the caller.
  void Stop();

  // Admits or refuses a new call with the client's `deadline` (TimePoint::max() = none); see the
  // file comment for the rule. `task` runs exactly once.
  void Submit(TimePoint deadline, Task task);
  // Queues the next step of a call already admitted (never refused; runs before queued calls).
  void Continue(std::function<void()> task);

  // The number of worker threads (configured or DefaultWorkers()).
  int workers() const { return worker_count_; }
  // Calls waiting for a worker now (tests, figures).
  int queued() const;
  // Calls refused so far, by reason (figures).
  int64_t refused_overloaded() const;
  int64_t refused_expired() const;

 private:
  struct Queued {
    TimePoint deadline;
    TimePoint start_by;
    Task task;
  };
  void Run();
  TimePoint Now() const;
  // The estimated wait of a call that would join the queue now. REQUIRES: mu_ held.
  std::chrono::milliseconds EstimatedWaitLocked() const;
  std::chrono::milliseconds RetryAfterLocked() const;
  void Record(std::chrono::nanoseconds ran);

  const ExecutorOptions options_;
  const int worker_count_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Queued> queue_;                         // guarded by mu_
  std::deque<std::function<void()>> continuations_;  // guarded by mu_
  int idle_ = 0;                                     // guarded by mu_: workers waiting for work
  bool started_ = false;                             // guarded by mu_
  bool stopping_ = false;                            // guarded by mu_
  bool joined_ = false;                              // guarded by mu_: the workers have left (Stop)
  double mean_run_ms_ = 1.0;                         // guarded by mu_: moving average
  int64_t refused_overloaded_ = 0;                   // guarded by mu_
  int64_t refused_expired_ = 0;                      // guarded by mu_
  std::vector<std::thread> workers_;                 // guarded by mu_ (moved out by Stop)
};

}  // namespace ptrack
