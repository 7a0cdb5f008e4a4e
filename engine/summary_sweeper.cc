// The summary sweep: which rows are stale, and the background loop.
#include "engine/summary_sweeper.h"

#include <sys/resource.h>
#include <unistd.h>

#include <iostream>

namespace ptrack {
namespace {

// Background work yields the processor to calls in flight: under load the rows lag (each shows
// its as_of; the report waits a bounded time for them) rather than the calls.
void LowerThisThreadsPriority() {
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
}

}  // namespace

SweepCounts SummarySweeper::SweepOnce() {
  SweepCounts counts;
  auto ages = deps_.store.ListSummaryAges();
  if (!ages.ok()) {
    std::cerr << "summary sweep: " << ages.status().ToString() << "\n";
    counts.failed = 1;
    return counts;
  }
  const Instant now = deps_.clock.Now();
  for (const SummaryAge& age : *ages) {
    if (Stopping()) break;  // a shutdown does not wait for a long sweep
    ++counts.checked;
    auto zone = LocateZone(age.time_zone, "time_zone");
    if (zone.ok() && age.as_of && *age.as_of == LocalDateOf(now, *zone)) continue;
    auto patient = deps_.store.GetPatient(age.patient_id);
    Status s = patient.ok() ? runner_.Refresh(*patient) : patient.status();
    if (s.ok()) {
      ++counts.refreshed;
    } else {
      ++counts.failed;  // the next sweep tries again
    }
  }
  if (counts.failed > 0) {
    std::cerr << "summary sweep: " << counts.failed << " of " << counts.checked
              << " patient(s) could not be evaluated; retrying at the next sweep\n";
  }
  return counts;
}

void SummarySweeper::Start(std::chrono::seconds interval) {
  thread_ = std::thread([this, interval] {
    LowerThisThreadsPriority();
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      lock.unlock();
      SweepOnce();
      lock.lock();
      cv_.wait_for(lock, interval, [&] { return stopping_; });
    }
  });
}

bool SummarySweeper::Stopping() {
  std::lock_guard<std::mutex> lock(mu_);
  return stopping_;
}

void SummarySweeper::StartWorker() {
  worker_ = std::thread([this] {
    LowerThisThreadsPriority();
    ProgressRunner runner(deps_);
    while (!Stopping()) {
      auto id = deps_.refresh.Next(std::chrono::milliseconds(250));
      if (!id) continue;
      auto patient = deps_.store.GetPatient(*id);
      const Status s = patient.ok() ? runner.Refresh(*patient) : patient.status();
      deps_.refresh.Done(*id);
      if (!s.ok()) {
        // The row stays as it was until the patient's next session, read or sweep.
        std::cerr << "summary worker: a patient could not be evaluated: " << s.ToString() << "\n";
      }
    }
  });
}

void SummarySweeper::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  deps_.refresh.Close();
  if (thread_.joinable()) thread_.join();
  if (worker_.joinable()) worker_.join();
}

}  // namespace ptrack
