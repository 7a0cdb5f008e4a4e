// The injected clock (DESIGN.md §3): services ask a Clock for "now"; tests pass a FakeClock so
// that nothing depends on the real time. Implementations must be thread-safe.
#pragma once

#include <atomic>
#include <chrono>

#include "scheduler/time.h"

namespace ptrack {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Instant Now() const override {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
  }
};

// A clock that stands still until told to move. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Instant now) : ms_(ToUnixMillis(now)) {}
  Instant Now() const override { return FromUnixMillis(ms_.load()); }
  void Set(Instant now) { ms_.store(ToUnixMillis(now)); }
  void Advance(std::chrono::milliseconds d) { ms_.fetch_add(d.count()); }

 private:
  std::atomic<int64_t> ms_;
};

}  // namespace ptrack
