// Patients whose report row must be re-derived because something was stored for them (a session):
// LogSession answers once the session is durable and leaves the re-evaluation (the history
// replay, the report row, the alerts) to the summary worker (summary_sweeper.h), which drains
// this queue. Coalesced per patient; patients with a red flag go first. Readers that promise
// current rows (the clinic report, the alert list) wait for the queue to drain, within a bound.
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "scheduler/time.h"

namespace ptrack {

class RefreshQueue {
 public:
  // Queues the patient (once however often it is called before the worker takes it).
  // `red_flag_received`: the server's receive time of a session with a red flag.
  void Schedule(const std::string& patient_id, std::optional<Instant> red_flag_received);
  // A red flag for the patient is queued or being evaluated, not yet in their row.
  bool PendingRedFlag(const std::string& patient_id) const;
  // A therapist's clearing recorded at `cleared_at` covers the red flags received before it
  // (progression.h): they no longer count as pending.
  void RedFlagsCleared(const std::string& patient_id, Instant cleared_at);
  // Waits until every patient scheduled before the call has been evaluated (work scheduled
  // while it waits does not hold it up), at most `limit`. True when that happened.
  bool Drain(std::chrono::milliseconds limit) const;

  // For the worker: the next patient (red flags first), waiting up to `wait`; nullopt when none
  // or closed. Every patient returned must be passed to Done.
  std::optional<std::string> Next(std::chrono::milliseconds wait);
  void Done(const std::string& patient_id);
  void Close();

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::deque<std::string> urgent_, normal_;  // guarded by mu_
  // guarded by mu_: the patients in urgent_ or normal_ -> the ticket of the Schedule that queued
  // them (the earliest one it covers); running_ the same for the patients being evaluated.
  std::map<std::string, uint64_t> queued_;
  std::map<std::string, uint64_t> running_;
  uint64_t issued_ = 0;  // guarded by mu_: the last ticket handed out by Schedule
  // guarded by mu_: patients queued or running with a red flag -> its latest receive time
  std::map<std::string, Instant> red_;
  bool closed_ = false;  // guarded by mu_
};

}  // namespace ptrack
