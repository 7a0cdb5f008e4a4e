// The summary worker's queue (engine/refresh_queue.h): coalescing per patient, red flags served
// first, a red flag pending until its evaluation is done — or until a clearing recorded after it
// arrived covers it, never one recorded before — and Drain waiting for the work in hand.
#include "engine/refresh_queue.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

namespace ptrack::testing {
namespace {

using std::chrono::milliseconds;

Instant At(int64_t ms) { return FromUnixMillis(ms); }

TEST_CASE("Refresh queue: coalesces, serves red flags first, tracks pending red flags",
          "[reports]") {
  RefreshQueue q;
  q.Schedule("a", std::nullopt);
  q.Schedule("b", std::nullopt);
  q.Schedule("a", std::nullopt);  // coalesced
  q.Schedule("c", At(1000));      // red flag: ahead of a and b
  CHECK(q.PendingRedFlag("c"));
  CHECK_FALSE(q.PendingRedFlag("a"));
  CHECK(q.Next(milliseconds(0)) == "c");
  CHECK(q.PendingRedFlag("c"));  // being evaluated: not in the row yet
  q.Done("c");
  CHECK_FALSE(q.PendingRedFlag("c"));
  CHECK(q.Next(milliseconds(0)) == "a");
  q.Done("a");
  CHECK(q.Next(milliseconds(0)) == "b");
  q.Done("b");
  CHECK(q.Next(milliseconds(0)) == std::nullopt);
  CHECK(q.Drain(milliseconds(0)));
}

TEST_CASE("Refresh queue: a red flag arriving during its patient's evaluation stays pending",
          "[reports]") {
  RefreshQueue q;
  q.Schedule("p", std::nullopt);
  REQUIRE(q.Next(milliseconds(0)) == "p");
  q.Schedule("p", At(2000));  // stored while the worker reads the history
  q.Done("p");                // that evaluation may have missed it
  CHECK(q.PendingRedFlag("p"));
  REQUIRE(q.Next(milliseconds(0)) == "p");
  q.Done("p");
  CHECK_FALSE(q.PendingRedFlag("p"));
}

TEST_CASE("Refresh queue: a clearing covers the red flags received before it, not after",
          "[reports]") {
  RefreshQueue q;
  q.Schedule("p", At(1000));
  q.RedFlagsCleared("p", At(999));  // recorded before the red flag arrived: covers nothing
  CHECK(q.PendingRedFlag("p"));
  q.RedFlagsCleared("p", At(1000));
  CHECK_FALSE(q.PendingRedFlag("p"));
  q.Schedule("p", At(3000));
  q.RedFlagsCleared("p", At(2500));
  CHECK(q.PendingRedFlag("p"));
}

TEST_CASE("Refresh queue: Drain waits for the patient being evaluated", "[reports]") {
  RefreshQueue q;
  q.Schedule("p", std::nullopt);
  REQUIRE(q.Next(milliseconds(0)) == "p");
  CHECK_FALSE(q.Drain(milliseconds(10)));  // still running
  std::thread worker([&] { q.Done("p"); });
  CHECK(q.Drain(milliseconds(5000)));
  worker.join();
  q.Close();
  CHECK(q.Next(milliseconds(0)) == std::nullopt);
}

// Under a steady stream of sessions the queue is never empty; a report must still only wait for
// the rows of what was stored before it asked (found by the soak: every report waited 2 s).
TEST_CASE("Refresh queue: Drain does not wait for patients scheduled after it began", "[reports]") {
  RefreshQueue q;
  q.Schedule("early", std::nullopt);
  std::atomic<bool> drained{false};
  std::thread reader([&] { drained = q.Drain(milliseconds(5000)); });
  // More work arrives while the reader waits (200 ms: time for it to be waiting), and keeps the
  // queue busy to the end.
  std::this_thread::sleep_for(milliseconds(200));
  q.Schedule("later", std::nullopt);
  REQUIRE(q.Next(milliseconds(0)) == "early");
  CHECK_FALSE(drained.load());  // the work it waits for is still running
  q.Done("early");
  reader.join();
  CHECK(drained.load());  // true: "later" (still queued) did not hold it up
  // A patient scheduled again while queued keeps its first ticket: a Drain after the second
  // Schedule waits for that patient's evaluation.
  q.Schedule("later", std::nullopt);
  CHECK_FALSE(q.Drain(milliseconds(10)));
  REQUIRE(q.Next(milliseconds(0)) == "later");
  q.Done("later");
  CHECK(q.Drain(milliseconds(0)));
}

}  // namespace
}  // namespace ptrack::testing
