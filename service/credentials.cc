// Argon2id passwords and hashed bearer tokens over libsodium.
#include "service/credentials.h"

#include <sodium.h>

namespace ptrack {
namespace {

// Argon2id cost: 2 passes over 19 MiB (the OWASP minimum for Argon2id).
constexpr unsigned long long kOpsLimit = 2;
constexpr size_t kMemLimit = 19u * 1024 * 1024;

std::string TokenHash(const std::string& token) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

const Status& BadSignIn() {
  static const Status s = Status::Unauthenticated("unknown user name or wrong password");
  return s;
}

}  // namespace

bool InitCrypto() { return sodium_init() >= 0; }

Result<std::string> HashPassword(const std::string& password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), kOpsLimit, kMemLimit) != 0) {
    return Status::Internal("cannot hash password");
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& stored_hash, const std::string& password) {
  return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

Result<IssuedToken> Credentials::SignIn(const std::string& username, const std::string& password) {
  auto account = store_.GetAccount(username);
  if (!account.ok()) {
    if (account.status().code() != StatusCode::kNotFound) return account.status();
    // Spend one hash on unknown users too, so that timing does not reveal which names exist.
    static const Result<std::string> dummy = HashPassword("not a real password");
    if (dummy.ok()) (void)VerifyPassword(*dummy, password);
    return BadSignIn();
  }
  if (!VerifyPassword(account->password_hash, password)) return BadSignIn();

  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char hex[sizeof raw * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  IssuedToken issued;
  issued.token = hex;
  const Instant now = clock_.Now();
  issued.expire_time = now + lifetime_;
  TokenRecord record{TokenHash(issued.token), username, now, issued.expire_time, false};
  PTRACK_RETURN_IF_ERROR(store_.PutToken(record));
  issued.principal = {account->username, account->role, account->clinic_id, account->subject_id};
  return issued;
}

Result<Principal> Credentials::Authenticate(const std::string& token) {
  static const Status bad = Status::Unauthenticated("missing, unknown or expired token");
  if (token.size() != 64) return bad;
  auto record = store_.GetToken(TokenHash(token));
  if (!record.ok()) {
    return record.status().code() == StatusCode::kNotFound ? bad : record.status();
  }
  if (record->revoked || clock_.Now() >= record->expire_time) return bad;
  auto account = store_.GetAccount(record->username);
  if (!account.ok()) return bad;
  return Principal{account->username, account->role, account->clinic_id, account->subject_id};
}

Status Credentials::Revoke(const std::string& token) {
  return store_.RevokeToken(TokenHash(token));
}

}  // namespace ptrack
