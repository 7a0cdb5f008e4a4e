// The per-address sign-in throttle (SecurityPolicy::address_*; docs/SECURITY.md "Failed
// sign-ins"): a leaky bucket per source address. Charge() before hashing; Refund() when the
// attempt turns out not to be a failed password check. IPv6 addresses are counted per /64 (one
// host usually holds a whole /64). Memory: at most policy.address_max_tracked addresses. Time is
// passed in (no clock here); when it goes backwards (a wall clock set back) nothing drains until
// it moves on, and nothing is refused for longer than the bucket holds. Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "scheduler/time.h"
#include "service/security_policy.h"

namespace ptrack {

class AddressThrottle {
 public:
  explicit AddressThrottle(const SecurityPolicy& policy);

  // Charges one attempt to `address` at `now` when its bucket has room (allowed), else charges
  // nothing and says how long until it has room (retry_after, at least 1 s).
  ThrottleVerdict Charge(const std::string& address, Instant now);
  // Takes back one charge of `address` (never below empty).
  void Refund(const std::string& address, Instant now);

  // The key `address` is counted under: itself, or for an IPv6 address its /64 ("2001:db8::/64").
  static std::string Key(const std::string& address);

 private:
  const std::chrono::milliseconds drain_;
  const std::chrono::milliseconds burst_;  // address_burst * drain_
  const size_t max_tracked_;
  // The charges held, as the time they take to drain (n charges = n * drain_), as of `last`.
  struct Bucket {
    std::chrono::milliseconds level{0};
    Instant last{};
  };
  // Drains `b` up to `now` (not at all when `now` is before b.last).
  static void Drain(Bucket& b, Instant now);

  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace ptrack
