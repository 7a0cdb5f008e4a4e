// Keeps the report rows current when nothing happens: a patient who logs nothing is still due an
// inactivity flag, a re-evaluation or an RTM deadline. SweepOnce re-evaluates every patient with
// an active program whose stored summary is from an earlier local day (in their zone) or missing;
// Start runs it now and then every `interval` on its own thread until Stop, which also cuts a
// running sweep short. One patient's failure is counted and the sweep goes on.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "service/deps.h"
#include "service/progress_runner.h"

namespace ptrack {

struct SweepCounts {
  int checked = 0;    // patients with an active program
  int refreshed = 0;  // re-evaluated
  int failed = 0;
};

class SummarySweeper {
 public:
  explicit SummarySweeper(Deps deps) : deps_(deps), runner_(deps) {}
  ~SummarySweeper() { Stop(); }

  SweepCounts SweepOnce();
  // REQUIRES: interval > 0; not started.
  void Start(std::chrono::seconds interval);
  void Stop();

 private:
  bool Stopping();

  Deps deps_;
  ProgressRunner runner_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace ptrack
