// AlertHub: a generation counter and a condition variable.
#include "engine/alert_hub.h"

namespace ptrack {

void AlertHub::Notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++generation_;
  }
  cv_.notify_all();
}

uint64_t AlertHub::Generation() const {
  std::lock_guard<std::mutex> lock(mu_);
  return generation_;
}

void AlertHub::Wait(uint64_t seen, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return closed_ || generation_ != seen; });
}

void AlertHub::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

bool AlertHub::closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closed_;
}

}  // namespace ptrack
