// Keeps the report rows current. The worker re-derives, in the background, the rows of patients
// whose sessions were just stored (refresh_queue.h). The sweep covers time passing: a patient who
// logs nothing is still due an inactivity flag, a re-evaluation or an RTM deadline. SweepOnce
// re-evaluates every patient with an active program whose stored summary is from an earlier local
// day (in their zone) or missing; Start runs it now and then every `interval` on its own thread
// until Stop, which also cuts a running sweep short. One patient's failure is counted and the sweep
// goes on.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "engine/deps.h"
#include "engine/progress_runner.h"

namespace ptrack {

struct SweepCounts {
  int checked = 0;    // patients with an active program
  int refreshed = 0;  // re-evaluated
  int failed = 0;
};

class SummarySweeper {
 public:
  explicit SummarySweeper(EngineDeps deps) : deps_(deps), runner_(deps) {}
  ~SummarySweeper() { Stop(); }

  SweepCounts SweepOnce();
  // REQUIRES: interval > 0; not started.
  void Start(std::chrono::seconds interval);
  // Starts the worker that re-derives the rows of the patients in deps.refresh, one at a time.
  // REQUIRES: not started.
  void StartWorker();
  // Stops both (a sweep is cut short; the worker finishes the patient it is on).
  void Stop();

 private:
  bool Stopping();

  EngineDeps deps_;
  ProgressRunner runner_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
  std::thread worker_;
};

}  // namespace ptrack
