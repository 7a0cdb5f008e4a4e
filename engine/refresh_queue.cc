// RefreshQueue: two deques, a set for coalescing, one condition variable.
#include "engine/refresh_queue.h"

#include <algorithm>

namespace ptrack {

void RefreshQueue::Schedule(const std::string& patient_id,
                            std::optional<Instant> red_flag_received) {
  const bool red_flag = red_flag_received.has_value();
  {
    std::lock_guard<std::mutex> lock(mu_);
    const uint64_t ticket = ++issued_;
    if (red_flag) {
      Instant& latest = red_[patient_id];
      latest = std::max(latest, *red_flag_received);
    }
    if (queued_.count(patient_id) > 0) {
      if (!red_flag) return;
      // Already queued: move it to the front line.
      for (auto it = normal_.begin(); it != normal_.end(); ++it) {
        if (*it == patient_id) {
          normal_.erase(it);
          urgent_.push_back(patient_id);
          break;
        }
      }
    } else {
      queued_.emplace(patient_id, ticket);  // a later Schedule before Next is covered by this one
      (red_flag ? urgent_ : normal_).push_back(patient_id);
    }
  }
  cv_.notify_all();
}

bool RefreshQueue::PendingRedFlag(const std::string& patient_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return red_.count(patient_id) > 0;
}

void RefreshQueue::RedFlagsCleared(const std::string& patient_id, Instant cleared_at) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = red_.find(patient_id);
  if (it != red_.end() && it->second <= cleared_at) red_.erase(it);
}

bool RefreshQueue::Drain(std::chrono::milliseconds limit) const {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t horizon = issued_;
  const auto done = [&] {
    const auto earlier = [&](const auto& entry) { return entry.second <= horizon; };
    return closed_ || (std::none_of(queued_.begin(), queued_.end(), earlier) &&
                       std::none_of(running_.begin(), running_.end(), earlier));
  };
  return cv_.wait_for(lock, limit, done);
}

std::optional<std::string> RefreshQueue::Next(std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, wait, [&] { return closed_ || !queued_.empty(); });
  if (closed_ || queued_.empty()) return std::nullopt;
  std::deque<std::string>& from = urgent_.empty() ? normal_ : urgent_;
  std::string id = std::move(from.front());
  from.pop_front();
  auto queued = queued_.find(id);
  running_[id] = queued->second;
  queued_.erase(queued);
  return id;
}

void RefreshQueue::Done(const std::string& patient_id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_.erase(patient_id);
    // A red flag stays pending while the patient is queued again (a later session).
    if (queued_.count(patient_id) == 0) red_.erase(patient_id);
  }
  cv_.notify_all();
}

void RefreshQueue::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

}  // namespace ptrack
