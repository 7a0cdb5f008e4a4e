// The sign-in throttle rule.
#include "service/security_policy.h"

#include <algorithm>

namespace ptrack {

ThrottleVerdict CheckThrottle(int failures, Instant last_failure, Instant now,
                              const SecurityPolicy& policy) {
  ThrottleVerdict v;
  if (failures >= policy.lock_after) {
    v.allowed = false;
    v.locked = true;
    return v;
  }
  // Once the free failures are used up, every attempt waits: first_delay after the last of
  // them, twice as long after each further failure.
  if (failures <= 0 || failures < policy.free_failures) return v;
  const int doublings = std::clamp(failures - policy.free_failures, 0, 30);
  const auto delay = std::min<std::chrono::seconds>(policy.first_delay * (int64_t{1} << doublings),
                                                    policy.max_delay);
  const Instant open = last_failure + delay;
  if (now >= open) return v;
  v.allowed = false;
  v.retry_after = std::chrono::ceil<std::chrono::seconds>(open - now);
  return v;
}

}  // namespace ptrack
