// The operational security parameters of sign-in and tokens (not clinical numbers: an operator
// sets them with ptrackd flags, docs/SECURITY.md explains the defaults), and the pure throttle
// rule that turns a run of failed sign-ins into a wait or a lock-out.
#pragma once

#include <chrono>

#include "scheduler/time.h"
#include "storage/records.h"

namespace ptrack {

struct SecurityPolicy {
  // Tokens: an absolute lifetime, and an idle timeout per kind of user (a patient's phone stays
  // signed in between weekly sessions; a clinic workstation does not).
  std::chrono::hours token_lifetime{24 * 30};
  std::chrono::minutes patient_idle{60 * 24 * 14};
  std::chrono::minutes staff_idle{60 * 12};
  // A token's last use is written at most this often, so idle expiry is exact to this much and
  // an ordinary call costs no write.
  std::chrono::seconds touch_every{60};
  // Resolved tokens kept in memory (Credentials::Authenticate); when full, the cache starts over.
  int token_cache_entries = 10000;

  // Sign-in throttle: the first `free_failures` consecutive failures cost nothing; after that
  // each attempt must wait first_delay * 2^(n - free_failures), at most max_delay, after the
  // last (n-th) failure; at `lock_after` failures the account locks until a new enrolment code is
  // redeemed (NIST SP 800-63B: no more than 100 consecutive failures).
  int free_failures = 5;
  std::chrono::seconds first_delay{2};
  std::chrono::seconds max_delay{15 * 60};
  int lock_after = 50;

  // Sign-in throttle per source address (an IPv4 address, or an IPv6 /64; client_address.h),
  // so that a flood from one address cannot occupy the hash limit below: every sign-in attempt
  // is charged to its address before any hashing and refunded when it does not end in a failed
  // password check; charges drain at one per address_drain_every. An address holding
  // address_burst charges is answered RESOURCE_EXHAUSTED, with the wait, without hashing. The
  // address_max_tracked most recently charged addresses are remembered (memory stays bounded).
  int address_burst = 30;
  std::chrono::seconds address_drain_every{2};
  int address_max_tracked = 10000;

  // Enrolment codes are single use and expire.
  std::chrono::hours enrolment_code_lifetime{24 * 7};

  // Argon2id hashes computed at once (each takes ~19 MiB and one core for tens of ms); further
  // sign-ins wait up to hash_wait, then get UNAVAILABLE.
  int max_concurrent_hashes = 2;
  std::chrono::milliseconds hash_wait{5000};
};

struct ThrottleVerdict {
  bool allowed = true;
  bool locked = false;
  std::chrono::seconds retry_after{0};  // when !allowed and !locked
};

// Whether a sign-in may be attempted now, after `failures` consecutive failures, the last at
// `last_failure`.
ThrottleVerdict CheckThrottle(int failures, Instant last_failure, Instant now,
                              const SecurityPolicy& policy);

// The idle timeout that applies to a role.
inline std::chrono::minutes IdleTimeout(Role role, const SecurityPolicy& policy) {
  return role == Role::kPatient ? policy.patient_idle : policy.staff_idle;
}

}  // namespace ptrack
