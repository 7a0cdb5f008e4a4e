// Wakes alert watchers (ReportService.WatchAlerts) when new alerts are stored. It carries no
// alerts itself — watchers read them from the store after their cursor — only a generation
// counter that grows with every Notify, so a watcher that was busy when an alert arrived still
// sees that something changed. Close() (at shutdown) wakes every watcher for good. How many
// watches may be open, and for how long one may block, is AlertWatchdog's job
// (service/alert_watchdog.h). Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace ptrack {

class AlertHub {
 public:
  // An alert was stored (call after its transaction committed).
  void Notify();
  // The current generation; pass it to Wait.
  uint64_t Generation() const;
  // Returns when the generation moves past `seen`, on Close, or after `timeout`.
  void Wait(uint64_t seen, std::chrono::milliseconds timeout) const;
  void Close();
  bool closed() const;

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  uint64_t generation_ = 0;  // guarded by mu_
  bool closed_ = false;      // guarded by mu_
};

}  // namespace ptrack
