// Passwords and bearer tokens. Passwords are stored as Argon2id hashes (libsodium
// crypto_pwhash_str); tokens are 256-bit random values handed to the client once and stored
// only as their SHA-256 hash, with an absolute expiry. Thread-safe.
#pragma once

#include <chrono>
#include <string>

#include "scheduler/status.h"
#include "service/clock.h"
#include "storage/records.h"
#include "storage/store.h"

namespace ptrack {

// Initialises libsodium; call once before any other function here. Returns false on failure.
bool InitCrypto();

// Argon2id hash of `password` in libsodium's string format. INTERNAL when out of memory.
Result<std::string> HashPassword(const std::string& password);
// Constant-time check of `password` against a stored hash.
bool VerifyPassword(const std::string& stored_hash, const std::string& password);

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

class Credentials {
 public:
  Credentials(Store& store, const Clock& clock, std::chrono::hours token_lifetime)
      : store_(store), clock_(clock), lifetime_(token_lifetime) {}

  // Checks username and password. UNAUTHENTICATED with the same message for an unknown user and
  // a wrong password (an unknown user still costs one hash, so timing does not tell them apart).
  Result<IssuedToken> SignIn(const std::string& username, const std::string& password);
  // UNAUTHENTICATED for an unknown, expired or revoked token.
  Result<Principal> Authenticate(const std::string& token);
  Status Revoke(const std::string& token);

 private:
  Store& store_;
  const Clock& clock_;
  const std::chrono::hours lifetime_;
};

}  // namespace ptrack
