// Passwords, bearer tokens and enrolment codes (DESIGN.md §6, docs/SECURITY.md).
//  - Passwords are Argon2id hashes (libsodium crypto_pwhash_str, 2 passes over 19 MiB), rehashed
//    at sign-in when the parameters rise; at most SecurityPolicy::max_concurrent_hashes are
//    computed at once.
//  - Tokens are 256-bit random values handed to the client once and stored only as their SHA-256
//    hash, with an absolute and an idle expiry; revocation takes effect on the next call.
//    Resolved tokens are cached in memory (keyed by the hash), each entry tagged with the store's
//    revocation epoch read before the token was; every call reads the epoch again (one small
//    read) and an entry is served only while it is unchanged, so a revocation committed by any
//    process before a call starts is seen by that call.
//  - Failed sign-ins are throttled per user name, known or not, with the same answers for both;
//    an account locks before 100 consecutive failures, and locking revokes its tokens. They are
//    also throttled per source address (address_throttle.h) before any hashing, so that a flood
//    from one address cannot crowd genuine sign-ins out of the hash limit.
//  - Enrolment codes (60 random bits, shown as XXXX-XXXX-XXXX) are single use and expire;
//    redeeming one sets the password, unlocks the account and revokes its tokens.
//  - A user name that is no account (people type passwords into the name field) is audited
//    only as a keyed hash (UnknownNameTag), under a random key kept in the database.
// Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <semaphore>
#include <string>
#include <unordered_map>

#include "engine/clock.h"
#include "scheduler/status.h"
#include "service/address_throttle.h"
#include "service/security_policy.h"
#include "storage/records.h"
#include "storage/store.h"

namespace ptrack {

// Initialises libsodium; call once before any other function here. Returns false on failure.
bool InitCrypto();

// Argon2id hash of `password` in libsodium's string format. INTERNAL when out of memory.
// Callers outside Credentials (the operator's command line) are not throttled.
Result<std::string> HashPassword(const std::string& password);

// Who the caller is, resolved from a token.
struct Principal {
  std::string username;
  Role role = Role::kUnspecified;
  std::string clinic_id;
  std::string subject_id;  // patient or therapist id; empty for admins
};

struct IssuedToken {
  std::string token;  // give to the client; never stored
  Instant expire_time{};
  Principal principal;
};

struct IssuedCode {
  std::string code;  // "XXXX-XXXX-XXXX"; give to the person; never stored
  Instant expire_time{};
};

class Credentials {
 public:
  Credentials(Store& store, const Clock& clock, const SecurityPolicy& policy);

  // Checks username and password. UNAUTHENTICATED with one message for an unknown user, a wrong
  // password, an account that has no password yet and a disabled account (each costs one hash
  // and counts as a failure, so timing and throttling do not tell them apart either).
  // RESOURCE_EXHAUSTED while throttled or locked, with the same schedule for unknown and known
  // names, and (checked first, before anything is read or hashed) while `address` (ClientAddress)
  // has used up its attempts. UNAVAILABLE when too many hashes are waiting.
  Result<IssuedToken> SignIn(const std::string& username, const std::string& password,
                             const std::string& address);
  // UNAUTHENTICATED for a malformed, unknown, revoked, expired or idle token, or one of a
  // disabled account. Reads the revocation epoch, and the token and its account only when the
  // cache has no entry of that epoch; a use is written at most every touch_every (as without
  // the cache), and an entry that looks idle is read again before it is refused (another server
  // on the same database may have recorded a use).
  Result<Principal> Authenticate(const std::string& token);
  // Revokes one token. REQUIRES: the caller authenticated it (the gate does, for SignOut).
  // UNAUTHENTICATED when no such token is stored.
  Status Revoke(const std::string& token);

  // Argon2id hash of a new password, within the bound on concurrent hashes (UNAVAILABLE when
  // the wait is too long).
  Result<std::string> HashNewPassword(const std::string& password);
  // A new code for the account, voiding its earlier ones. NOT_FOUND for an unknown account.
  Result<IssuedCode> IssueEnrolmentCode(const std::string& username);
  // Redeems a code: sets the password and signs in. INVALID_ARGUMENT when the code is not of the
  // code's form; NOT_FOUND (one answer) when it is unknown, used, voided or expired.
  Result<IssuedToken> Enrol(const std::string& code, const std::string& password);

  // What the audit log records for a sign-in attempt with `username` when it is not an account:
  // "unknown:" and 32 hex digits of a keyed BLAKE2b-128 hash (libsodium crypto_generichash) of
  // the name. The key is 32 random bytes created once per database (Store::GetOrCreateSecret,
  // secret "audit-unknown-name-key") and read once per Credentials, so the same name gives the
  // same tag across restarts (repeated guessing stays visible), different names different tags,
  // and without the key the name can be neither read back nor confirmed by guessing. When the
  // key cannot be read (storage failing), just "unknown:": the name is never recorded.
  std::string UnknownNameTag(const std::string& username);

  // A code as typed by a person, normalised (upper case, no separators, O→0, I/L→1); empty when
  // it cannot be a code.
  static std::string NormaliseCode(const std::string& typed);

 private:
  bool ThrottledVerify(const std::string& stored_hash, const std::string& password,
                       bool* timed_out);
  Result<IssuedToken> IssueToken(const Account& account);
  Status RecordFailure(const std::string& username, bool known);
  Result<IssuedToken> SignInCharged(const std::string& username, const std::string& password,
                                    bool* failed_check);
  // Authenticate without the cache: reads the token and its account. On success, *expire and
  // *last_use are the token's (last_use after any touch made here).
  Result<Principal> AuthenticateStored(const std::string& hash, Instant now, Instant* expire,
                                       Instant* last_use);

  Store& store_;
  const Clock& clock_;
  const SecurityPolicy policy_;
  std::counting_semaphore<64> hashes_;
  AddressThrottle addresses_;

  // Failed sign-ins of names that have no account, so that they are throttled exactly like
  // real ones (bounded; forgotten oldest-first when full).
  struct Failures {
    int count = 0;
    Instant last{};
  };
  std::mutex unknown_mu_;
  std::map<std::string, Failures> unknown_;
  std::string unknown_name_key_;  // guarded by unknown_mu_; empty until read

  // Resolved tokens by SHA-256 hash. An entry is valid only while the store's revocation epoch
  // equals `epoch` (read before the token row it was built from).
  struct Cached {
    Principal principal;
    int64_t epoch = 0;
    Instant expire{};
    Instant last_use{};  // as stored (or as touched by this server)
  };
  std::mutex cache_mu_;
  std::unordered_map<std::string, Cached> cache_;  // guarded by cache_mu_
  int64_t cache_epoch_ = 0;                        // guarded by cache_mu_: the newest epoch seen
};

}  // namespace ptrack
