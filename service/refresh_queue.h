// Patients whose report row must be re-derived because something was stored for them (a session):
// LogSession answers once the session is durable and leaves the re-evaluation (the history
// replay, the report row, the alerts) to the summary worker (summary_sweeper.h), which drains
// this queue. Coalesced per patient; patients with a red flag go first. Readers that promise
// current rows (the clinic report, the alert list) wait for the queue to drain, within a bound.
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
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
  // Waits until nothing is queued or being evaluated, at most `limit`. True when drained.
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
  std::set<std::string> queued_;             // guarded by mu_: in urgent_ or normal_
  // guarded by mu_: patients queued or running with a red flag -> its latest receive time
  std::map<std::string, Instant> red_;
  std::set<std::string> running_;  // guarded by mu_
  bool closed_ = false;            // guarded by mu_
};

}  // namespace ptrack
