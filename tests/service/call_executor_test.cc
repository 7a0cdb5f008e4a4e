// Tests of the CallExecutor (service/call_executor.h) and of the answers its refusals become
// (service/call.h Refused): every task runs exactly once; continuations run before queued calls;
// a full queue, an estimated wait past the start-by time, a deadline that passed while queued
// and a wait past the queue-wait bound are refused without running the work; stopping refuses
// what still waits and runs what continues. Time is an injected clock that only the test moves;
// a worker is held busy with a latch, so nothing depends on how fast the machine is.
#include "service/call_executor.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <latch>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "service/call.h"

namespace ptrack::testing {
namespace {

using namespace std::chrono_literals;
using TimePoint = std::chrono::system_clock::time_point;
constexpr TimePoint kNoDeadline = TimePoint::max();

// A clock that stands still until the test moves it.
class TestTime {
 public:
  TimePoint Now() const {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void Advance(std::chrono::milliseconds by) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += by;
  }

 private:
  mutable std::mutex mu_;
  TimePoint now_ = TimePoint(std::chrono::hours(24 * 365 * 56));
};

ExecutorOptions Options(TestTime& time, int workers, int max_queue) {
  ExecutorOptions options;
  options.workers = workers;
  options.max_queue = max_queue;
  options.max_queue_wait = 1000ms;
  options.now = [&time] { return time.Now(); };
  return options;
}

// What became of each task, in the order they were run or refused.
class Journal {
 public:
  void Add(const std::string& what) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.push_back(what);
  }
  std::vector<std::string> entries() const {
    std::lock_guard<std::mutex> lock(mu_);
    return entries_;
  }
  // Waits until `n` entries are in: every task reports exactly once, so this returns unless the
  // executor loses one (then the test hangs and CTest's timeout reports it).
  std::vector<std::string> Await(size_t n) const {
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (entries_.size() >= n) return entries_;
      }
      std::this_thread::yield();
    }
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> entries_;
};

std::string Name(const CallStart& start) {
  switch (start.verdict) {
    case CallStart::kRun:
      return "run";
    case CallStart::kOverloaded:
      return "overloaded";
    case CallStart::kExpired:
      return "expired";
    case CallStart::kStopping:
      return "stopping";
  }
  return "?";
}

// A task that records its verdict under `label`.
CallExecutor::Task Recorded(Journal& journal, const std::string& label) {
  return [&journal, label](const CallStart& start) { journal.Add(label + ":" + Name(start)); };
}

// Occupies the executor's only worker until release() is called.
class Blocker {
 public:
  explicit Blocker(CallExecutor& executor) {
    executor.Submit(kNoDeadline, [this](const CallStart&) {
      started_.count_down();
      release_.wait();
    });
    started_.wait();
  }
  void release() { release_.count_down(); }

 private:
  std::latch started_{1};
  std::latch release_{1};
};

TEST_CASE("The executor runs continuations before queued calls, and calls in order",
          "[foundation][hardening]") {
  TestTime time;
  CallExecutor executor(Options(time, 1, 10));
  executor.Start();
  Journal journal;
  Blocker blocker(executor);
  executor.Submit(kNoDeadline, Recorded(journal, "a"));
  executor.Submit(kNoDeadline, Recorded(journal, "b"));
  executor.Continue([&] { journal.Add("continuation"); });
  CHECK(executor.queued() == 2);
  blocker.release();
  CHECK(journal.Await(3) == std::vector<std::string>{"continuation", "a:run", "b:run"});
}

TEST_CASE("A full queue refuses a call at once, on the caller, with a retry hint",
          "[foundation][hardening]") {
  TestTime time;
  CallExecutor executor(Options(time, 1, 2));
  executor.Start();
  Journal journal;
  Blocker blocker(executor);
  executor.Submit(kNoDeadline, Recorded(journal, "a"));
  executor.Submit(kNoDeadline, Recorded(journal, "b"));
  CallStart refused;
  std::thread::id where;
  executor.Submit(kNoDeadline, [&](const CallStart& start) {
    refused = start;
    where = std::this_thread::get_id();
  });
  CHECK(refused.verdict == CallStart::kOverloaded);
  CHECK(where == std::this_thread::get_id());
  CHECK(refused.retry_after >= 50ms);
  CHECK(refused.retry_after <= 10000ms);
  CHECK(executor.refused_overloaded() == 1);
  blocker.release();
  CHECK(journal.Await(2) == std::vector<std::string>{"a:run", "b:run"});
}

TEST_CASE("A call whose deadline passed while it waited does no work", "[foundation][hardening]") {
  TestTime time;
  CallExecutor executor(Options(time, 1, 10));
  executor.Start();
  Journal journal;
  Blocker blocker(executor);
  executor.Submit(time.Now() + 100ms, Recorded(journal, "short"));
  executor.Submit(time.Now() + 900ms, Recorded(journal, "long"));
  time.Advance(200ms);
  blocker.release();
  CHECK(journal.Await(2) == std::vector<std::string>{"short:expired", "long:run"});
  CHECK(executor.refused_expired() == 1);
}

TEST_CASE("A call with a deadline already passed is refused at once", "[foundation][hardening]") {
  TestTime time;
  CallExecutor executor(Options(time, 1, 10));
  executor.Start();
  Journal journal;
  executor.Submit(time.Now() - 1ms, Recorded(journal, "late"));
  CHECK(journal.entries() == std::vector<std::string>{"late:expired"});
}

TEST_CASE("A call without a deadline waits at most the queue-wait bound, then is refused",
          "[foundation][hardening]") {
  // (A call with a deadline may wait until its deadline: the client chose it.)
  TestTime time;
  CallExecutor executor(Options(time, 1, 10));
  executor.Start();
  Journal journal;
  Blocker blocker(executor);
  executor.Submit(kNoDeadline, Recorded(journal, "patient"));
  executor.Submit(time.Now() + 60s, Recorded(journal, "far-deadline"));
  time.Advance(1001ms);
  blocker.release();
  CHECK(journal.Await(2) == std::vector<std::string>{"patient:overloaded", "far-deadline:run"});
}

TEST_CASE("A call that could not start before its start-by time is refused at once",
          "[foundation][hardening]") {
  TestTime time;
  CallExecutor executor(Options(time, 1, 100));
  executor.Start();
  // One call that takes 10 s of the test's time moves the running mean to about 1 s.
  executor.Submit(kNoDeadline, [&](const CallStart&) { time.Advance(10s); });
  executor.Continue([] {});  // runs after that call: the mean is recorded
  Journal journal;
  Blocker blocker(executor);
  executor.Submit(kNoDeadline, Recorded(journal, "first"));  // an empty queue admits it
  // Two calls ahead of it at about 1 s each on one worker: it would start after its 1 s bound.
  executor.Submit(kNoDeadline, Recorded(journal, "second"));
  CHECK(journal.entries() == std::vector<std::string>{"second:overloaded"});
  blocker.release();
  CHECK(journal.Await(2) == std::vector<std::string>{"second:overloaded", "first:run"});
}

TEST_CASE("Stopping refuses waiting calls and new ones, and still runs continuations",
          "[foundation][hardening]") {
  TestTime time;
  CallExecutor executor(Options(time, 1, 10));
  executor.Start();
  Journal journal;
  std::latch started{1}, release{1};
  executor.Submit(kNoDeadline, [&](const CallStart&) {
    started.count_down();
    release.wait();
    journal.Add("blocker");
  });
  started.wait();
  executor.Submit(kNoDeadline, Recorded(journal, "waiting"));
  executor.Continue([&] { journal.Add("continuation"); });
  std::thread stopper([&] { executor.Stop(); });
  // Stop is under way once a new call is refused for it (calls admitted before that queue
  // behind "waiting" and are refused when the worker reaches them; a full queue refuses more).
  for (;;) {
    auto start = std::make_shared<std::atomic<int>>(-1);
    executor.Submit(kNoDeadline, [start](const CallStart& s) { *start = s.verdict; });
    if (*start == CallStart::kStopping) break;
    std::this_thread::yield();
  }
  release.count_down();
  stopper.join();
  const auto entries = journal.entries();
  REQUIRE(entries.size() >= 3);
  CHECK(entries[0] == "blocker");
  CHECK(entries[1] == "continuation");
  CHECK(entries[2] == "waiting:stopping");
  bool ran_continuation = false;
  executor.Continue([&] { ran_continuation = true; });  // stopped: runs on the caller
  CHECK(ran_continuation);
}

TEST_CASE("A load refusal is RESOURCE_EXHAUSTED with a google.rpc.RetryInfo detail",
          "[foundation][hardening]") {
  const grpc::Status s = Refused(CallStart{CallStart::kOverloaded, 1250ms});
  CHECK(s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  google::rpc::Status rich;
  REQUIRE(rich.ParseFromString(s.error_details()));
  CHECK(rich.code() == static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED));
  REQUIRE(rich.details_size() == 1);
  google::rpc::RetryInfo retry;
  REQUIRE(rich.details(0).UnpackTo(&retry));
  CHECK(retry.retry_delay().seconds() == 1);
  CHECK(retry.retry_delay().nanos() == 250000000);

  CHECK(Refused(CallStart{CallStart::kExpired, {}}).error_code() ==
        grpc::StatusCode::DEADLINE_EXCEEDED);
  CHECK(Refused(CallStart{CallStart::kStopping, {}}).error_code() == grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace ptrack::testing
