// The per-address leaky bucket.
#include "service/address_throttle.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace ptrack {

AddressThrottle::AddressThrottle(const SecurityPolicy& policy)
    : drain_(std::max<std::chrono::milliseconds>(policy.address_drain_every,
                                                 std::chrono::milliseconds(1))),
      burst_(drain_ * std::max(policy.address_burst, 1)),
      max_tracked_(static_cast<size_t>(std::max(policy.address_max_tracked, 1))) {}

std::string AddressThrottle::Key(const std::string& address) {
  in6_addr v6;
  if (address.find(':') == std::string::npos || inet_pton(AF_INET6, address.c_str(), &v6) != 1) {
    return address;
  }
  std::memset(&v6.s6_addr[8], 0, 8);
  char out[INET6_ADDRSTRLEN];
  if (inet_ntop(AF_INET6, &v6, out, sizeof out) == nullptr) return address;
  return std::string(out) + "/64";
}

void AddressThrottle::Drain(Bucket& b, Instant now) {
  if (now > b.last) {
    b.level =
        std::max(b.level - std::chrono::duration_cast<std::chrono::milliseconds>(now - b.last),
                 std::chrono::milliseconds(0));
  }
  b.last = now;
}

ThrottleVerdict AddressThrottle::Charge(const std::string& address, Instant now) {
  const std::string key = Key(address);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_tracked_) {
      // Forget the drained addresses; when none is, the one closest to drained.
      std::erase_if(buckets_,
                    [now](const auto& e) { return e.second.last + e.second.level <= now; });
      if (buckets_.size() >= max_tracked_) {
        buckets_.erase(
            std::min_element(buckets_.begin(), buckets_.end(), [](const auto& a, const auto& b) {
              return a.second.last + a.second.level < b.second.last + b.second.level;
            }));
      }
    }
    it = buckets_.emplace(key, Bucket{std::chrono::milliseconds(0), now}).first;
  }
  Bucket& b = it->second;
  Drain(b, now);
  ThrottleVerdict v;
  if (b.level + drain_ > burst_) {
    v.allowed = false;
    v.retry_after = std::max<std::chrono::seconds>(
        std::chrono::ceil<std::chrono::seconds>(b.level + drain_ - burst_),
        std::chrono::seconds(1));
    return v;
  }
  b.level += drain_;
  return v;
}

void AddressThrottle::Refund(const std::string& address, Instant now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(Key(address));
  if (it == buckets_.end()) return;
  Drain(it->second, now);
  it->second.level = std::max(it->second.level - drain_, std::chrono::milliseconds(0));
}

}  // namespace ptrack
