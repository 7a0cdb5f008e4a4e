// The summary sweep: which rows are stale, and the background loop.
#include "service/summary_sweeper.h"

#include <iostream>

namespace ptrack {

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

void SummarySweeper::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace ptrack
