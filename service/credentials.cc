// Argon2id passwords, hashed bearer tokens and enrolment codes over libsodium.
#include "service/credentials.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>

namespace ptrack {
namespace {

// Argon2id cost: 2 passes over 19 MiB (the OWASP minimum for Argon2id).
constexpr unsigned long long kOpsLimit = 2;
constexpr size_t kMemLimit = 19u * 1024 * 1024;
constexpr size_t kMaxUnknownNames = 10000;
// Crockford's base32 alphabet (no I, L, O, U): easy to read aloud and to type.
constexpr char kCodeAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr size_t kCodeLength = 12;  // 60 bits

std::string Sha256(const std::string& text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

const Status& BadSignIn() {
  static const Status s = Status::Unauthenticated("unknown user name or wrong password");
  return s;
}

const Status& BadToken() {
  static const Status s = Status::Unauthenticated("missing, unknown or expired token");
  return s;
}

Status Throttled(const ThrottleVerdict& v) {
  if (v.locked) {
    return Status::ResourceExhausted(
        "too many failed sign-ins: this account is locked until a new enrolment code is used");
  }
  return Status::ResourceExhausted("too many failed sign-ins: try again in " +
                                   std::to_string(v.retry_after.count()) + " s");
}

// A hash no password matches, with the current parameters (so verifying against it costs what
// verifying a real one does).
const std::string& DummyHash() {
  static const std::string hash = [] {
    char out[crypto_pwhash_STRBYTES];
    const char pw[] = "no password matches this";
    if (crypto_pwhash_str(out, pw, sizeof pw - 1, kOpsLimit, kMemLimit) != 0) return std::string();
    return std::string(out);
  }();
  return hash;
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

Credentials::Credentials(Store& store, const Clock& clock, const SecurityPolicy& policy)
    : store_(store),
      clock_(clock),
      policy_(policy),
      hashes_(std::clamp(policy.max_concurrent_hashes, 1, 64)),
      addresses_(policy) {}

Result<std::string> Credentials::HashNewPassword(const std::string& password) {
  if (!hashes_.try_acquire_for(policy_.hash_wait)) {
    return Status::Unavailable("the server is busy signing people in; retry shortly");
  }
  auto hash = HashPassword(password);
  hashes_.release();
  return hash;
}

bool Credentials::ThrottledVerify(const std::string& stored_hash, const std::string& password,
                                  bool* timed_out) {
  *timed_out = false;
  if (!hashes_.try_acquire_for(policy_.hash_wait)) {
    *timed_out = true;
    return false;
  }
  // An account without a password (not enrolled yet) is verified against the dummy hash, so
  // that it costs the same time and still fails.
  const std::string& against = stored_hash.empty() ? DummyHash() : stored_hash;
  const bool ok =
      crypto_pwhash_str_verify(against.c_str(), password.data(), password.size()) == 0 &&
      !stored_hash.empty();
  hashes_.release();
  return ok;
}

Status Credentials::RecordFailure(const std::string& username, bool known) {
  const Instant now = clock_.Now();
  if (known) return store_.AddSignInFailure(username, now, policy_.lock_after).status();
  std::lock_guard<std::mutex> lock(unknown_mu_);
  if (unknown_.size() >= kMaxUnknownNames && !unknown_.count(username)) {
    auto oldest = std::min_element(unknown_.begin(), unknown_.end(),
                                   [](auto& a, auto& b) { return a.second.last < b.second.last; });
    unknown_.erase(oldest);
  }
  Failures& f = unknown_[username];
  ++f.count;
  f.last = now;
  return Status::Ok();
}

Result<IssuedToken> Credentials::SignIn(const std::string& username, const std::string& password,
                                        const std::string& address) {
  // The address pays for the attempt before anything is read or hashed; only a failed password
  // check keeps the charge (a success, a refusal by the name throttle or a busy server do not).
  const ThrottleVerdict verdict = addresses_.Charge(address, clock_.Now());
  if (!verdict.allowed) {
    return Status::ResourceExhausted("too many failed sign-ins from your address: try again in " +
                                     std::to_string(verdict.retry_after.count()) + " s");
  }
  bool failed_check = false;
  auto issued = SignInCharged(username, password, &failed_check);
  if (!failed_check) addresses_.Refund(address, clock_.Now());
  return issued;
}

Result<IssuedToken> Credentials::SignInCharged(const std::string& username,
                                               const std::string& password, bool* failed_check) {
  auto account = store_.GetAccount(username);
  if (!account.ok() && account.status().code() != StatusCode::kNotFound) return account.status();
  const bool known = account.ok();

  Failures failures;
  if (known) {
    failures = {account->failed_sign_ins, account->last_failed_sign_in};
  } else {
    std::lock_guard<std::mutex> lock(unknown_mu_);
    if (auto it = unknown_.find(username); it != unknown_.end()) failures = it->second;
  }
  const ThrottleVerdict verdict =
      CheckThrottle(failures.count, failures.last, clock_.Now(), policy_);
  if (!verdict.allowed) return Throttled(verdict);

  bool timed_out = false;
  const bool verified = ThrottledVerify(known ? account->password_hash : "", password, &timed_out);
  if (timed_out) return Status::Unavailable("the server is busy signing people in; retry shortly");
  // A disabled account fails like a wrong password, after the same hashing and with the same
  // count, so that neither answer nor timing nor throttle tells it apart.
  const bool ok = verified && known && !account->disabled;
  if (!ok) {
    *failed_check = true;
    PTRACK_RETURN_IF_ERROR(RecordFailure(username, known));
    return BadSignIn();
  }
  if (account->failed_sign_ins > 0) PTRACK_RETURN_IF_ERROR(store_.ResetSignInFailures(username));
  if (crypto_pwhash_str_needs_rehash(account->password_hash.c_str(), kOpsLimit, kMemLimit) != 0) {
    // Stronger parameters than when it was set: store a new hash while we know the password.
    // A failure here is not the caller's problem; the old hash keeps working.
    if (auto rehashed = HashNewPassword(password); rehashed.ok()) {
      (void)store_.SetPasswordHash(username, *rehashed);
    }
  }
  return IssueToken(*account);
}

std::string Credentials::UnknownNameTag(const std::string& username) {
  static constexpr const char* kSecretName = "audit-unknown-name-key";
  std::string key;
  {
    std::lock_guard<std::mutex> lock(unknown_mu_);
    if (unknown_name_key_.empty()) {
      unsigned char candidate[crypto_generichash_KEYBYTES];
      randombytes_buf(candidate, sizeof candidate);
      auto stored = store_.GetOrCreateSecret(
          kSecretName, std::string(reinterpret_cast<const char*>(candidate), sizeof candidate));
      sodium_memzero(candidate, sizeof candidate);
      if (stored.ok() && stored->size() >= crypto_generichash_KEYBYTES_MIN &&
          stored->size() <= crypto_generichash_KEYBYTES_MAX) {
        unknown_name_key_ = std::move(*stored);
      }
    }
    key = unknown_name_key_;
  }
  if (key.empty()) return "unknown:";
  unsigned char digest[crypto_generichash_BYTES_MIN];  // 128 bits
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(username.data()),
                     username.size(), reinterpret_cast<const unsigned char*>(key.data()),
                     key.size());
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string("unknown:") + hex;
}

Result<IssuedToken> Credentials::IssueToken(const Account& account) {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char hex[sizeof raw * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  IssuedToken issued;
  issued.token = hex;
  const Instant now = clock_.Now();
  issued.expire_time = now + policy_.token_lifetime;
  TokenRecord record{Sha256(issued.token), account.username, now, issued.expire_time, now, false};
  PTRACK_RETURN_IF_ERROR(store_.PutToken(record));
  issued.principal = {account.username, account.role, account.clinic_id, account.subject_id};
  return issued;
}

Result<Principal> Credentials::AuthenticateStored(const std::string& hash, Instant now,
                                                  Instant* expire, Instant* last_use) {
  auto record = store_.GetToken(hash);
  if (!record.ok()) {
    return record.status().code() == StatusCode::kNotFound ? BadToken() : record.status();
  }
  if (record->revoked || now >= record->expire_time) return BadToken();
  auto account = store_.GetAccount(record->username);
  // Disabling revokes the account's tokens; refusing them here as well keeps that true whatever
  // path wrote the flag.
  if (!account.ok() || account->disabled) return BadToken();
  if (now - record->last_use_time >= IdleTimeout(account->role, policy_)) return BadToken();
  *expire = record->expire_time;
  *last_use = record->last_use_time;
  if (now - record->last_use_time >= policy_.touch_every) {
    // Best effort: a token that cannot be touched (disk full) still works until it idles out.
    if (store_.TouchToken(hash, now).ok()) *last_use = now;
  }
  return Principal{account->username, account->role, account->clinic_id, account->subject_id};
}

Result<Principal> Credentials::Authenticate(const std::string& token) {
  if (token.size() != 64) return BadToken();
  const std::string hash = Sha256(token);
  const Instant now = clock_.Now();
  // The epoch is read before anything else: an entry built from reads made after it is valid
  // while it stays the same. Without it (storage failing) the cache is not used at all.
  auto epoch = store_.GetRevocationEpoch();
  if (!epoch.ok()) {
    Instant expire, last_use;
    return AuthenticateStored(hash, now, &expire, &last_use);
  }
  std::optional<Principal> cached;
  bool touch = false;
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    if (*epoch > cache_epoch_) {
      cache_.clear();  // something was revoked: start over
      cache_epoch_ = *epoch;
    }
    auto it = cache_.find(hash);
    if (it != cache_.end() && it->second.epoch == *epoch) {
      Cached& c = it->second;
      if (now < c.expire && now - c.last_use < IdleTimeout(c.principal.role, policy_)) {
        cached = c.principal;
        touch = now - c.last_use >= policy_.touch_every;
        if (touch) c.last_use = now;
      } else {
        cache_.erase(it);  // expired or idle as far as this server knows: read the row again
      }
    }
  }
  if (cached) {
    // The last use is written at most every touch_every, as without the cache. Best effort: when
    // it fails the entry goes, so the next call reads the row and tries again.
    if (touch && !store_.TouchToken(hash, now).ok()) {
      std::lock_guard<std::mutex> lock(cache_mu_);
      cache_.erase(hash);
    }
    return *cached;
  }
  Cached entry;
  entry.epoch = *epoch;
  PTRACK_ASSIGN_OR_RETURN(entry.principal,
                          AuthenticateStored(hash, now, &entry.expire, &entry.last_use));
  Principal who = entry.principal;
  std::lock_guard<std::mutex> lock(cache_mu_);
  // Only an entry of the newest epoch seen is worth keeping (an older one is never served).
  if (entry.epoch == cache_epoch_ && policy_.token_cache_entries > 0) {
    if (static_cast<int>(cache_.size()) >= policy_.token_cache_entries) cache_.clear();
    cache_[hash] = std::move(entry);
  }
  return who;
}

Status Credentials::Revoke(const std::string& token) {
  const std::string hash = Sha256(token);
  Status revoked = store_.RevokeToken(hash);
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    cache_.erase(hash);  // the epoch has moved too; this frees the entry at once
  }
  return revoked.code() == StatusCode::kNotFound ? BadToken() : revoked;
}

std::string Credentials::NormaliseCode(const std::string& typed) {
  std::string code;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    if (std::string_view(kCodeAlphabet).find(c) == std::string_view::npos) return "";
    code.push_back(c);
    if (code.size() > kCodeLength) return "";
  }
  return code.size() == kCodeLength ? code : "";
}

Result<IssuedCode> Credentials::IssueEnrolmentCode(const std::string& username) {
  std::string code;
  for (size_t i = 0; i < kCodeLength; ++i) code.push_back(kCodeAlphabet[randombytes_uniform(32)]);
  const Instant now = clock_.Now();
  IssuedCode issued{code.substr(0, 4) + "-" + code.substr(4, 4) + "-" + code.substr(8, 4),
                    now + policy_.enrolment_code_lifetime};
  PTRACK_RETURN_IF_ERROR(
      store_.PutEnrolmentCode({Sha256(code), username, now, issued.expire_time}));
  return issued;
}

Result<IssuedToken> Credentials::Enrol(const std::string& typed, const std::string& password) {
  const std::string code = NormaliseCode(typed);
  if (code.empty()) {
    return Status::InvalidArgument("code", "is 12 letters and digits, like ABCD-EFGH-JKMN");
  }
  PTRACK_ASSIGN_OR_RETURN(auto hash, HashNewPassword(password));
  PTRACK_ASSIGN_OR_RETURN(auto account,
                          store_.RedeemEnrolmentCode(Sha256(code), clock_.Now(), hash));
  return IssueToken(account);
}

}  // namespace ptrack
