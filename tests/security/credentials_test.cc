// Credentials through the real services (DESIGN.md §6, docs/SECURITY.md "Passwords and tokens"
// and "Accounts"), with the FakeClock standing in for time and a SecurityPolicy small enough to
// walk through: absolute, idle (patient and staff, both sides of the coarse last-use stamp) and
// revoked tokens; forged tokens; one answer for an unknown name, a wrong password and an account
// without a password; the sign-in throttle (same schedule and messages for unknown and real names,
// doubling, capped, checked before the password, reset by a success) and the lock-out that only a
// new enrolment code lifts (revoking the account's old tokens); enrolment codes (single use,
// expiry, voided by a newer code, forgiving of case, spaces, dashes and look-alike letters); who
// may issue codes and create therapists; the Argon2id parameters, including the rehash of a
// weaker stored hash at sign-in; and disabled accounts (tokens revoked at once, refused like any
// failure, enabled again with the old password but not the old tokens; who may do it; audit);
// and the token cache, which never serves a token revoked, disabled or re-enrolled, whether by
// this server or through another connection to the database (as `ptrackd admin` does).
#include <SQLiteCpp/Database.h>
#include <sodium.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "tests/service/test_helpers.h"

namespace ptrack::testing {
namespace {

using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using Catch::Matchers::VectorContains;
using Code = grpc::StatusCode;
using F = ServiceFixture;

constexpr const char* kWrongPass = "not-the-password";

grpc::Status TrySignIn(F& f, const std::string& user, const std::string& password,
                       v1::SignInResponse* out = nullptr) {
  v1::SignInRequest req;
  req.set_username(user);
  req.set_password(password);
  v1::SignInResponse ignored;
  return F::Call(*f.auth, &v1::AuthService::Stub::SignIn, Token(), req, out ? out : &ignored);
}

grpc::Status WhoAmI(F& f, const Token& token, v1::Principal* out = nullptr) {
  v1::Principal ignored;
  return F::Call(*f.auth, &v1::AuthService::Stub::WhoAmI, token, v1::WhoAmIRequest(),
                 out ? out : &ignored);
}

grpc::Status SignOut(F& f, const Token& token) {
  v1::SignOutResponse resp;
  return F::Call(*f.auth, &v1::AuthService::Stub::SignOut, token, v1::SignOutRequest(), &resp);
}

grpc::Status IssueCode(F& f, const Token& token, const std::string& name,
                       v1::EnrolmentCode* out = nullptr) {
  v1::CreateEnrolmentCodeRequest req;
  req.set_name(name);
  v1::EnrolmentCode ignored;
  return F::Call(*f.clinic, &v1::ClinicService::Stub::CreateEnrolmentCode, token, req,
                 out ? out : &ignored);
}

// A fresh enrolment code for the account `name`, issued by `token`'s owner.
std::string NewCode(F& f, const Token& token, const std::string& name) {
  v1::EnrolmentCode code;
  REQUIRE_OK(IssueCode(f, token, name, &code));
  return code.code();
}

grpc::Status Enrol(F& f, const std::string& code, const std::string& password,
                   v1::SignInResponse* out = nullptr) {
  v1::EnrolRequest req;
  req.set_code(code);
  req.set_password(password);
  v1::SignInResponse ignored;
  return F::Call(*f.auth, &v1::AuthService::Stub::Enrol, Token(), req, out ? out : &ignored);
}

grpc::Status GetPlanStatus(F& f, const Token& token, const std::string& parent) {
  v1::GetPlanRequest req;
  req.set_parent(parent);
  v1::Plan plan;
  return F::Call(*f.program, &v1::ProgramService::Stub::GetPlan, token, req, &plan);
}

// A patient of `therapist_name` (empty: the caller) created without a password.
v1::Patient CreatePatient(F& f, const Token& token, const std::string& username,
                          const std::string& therapist_name = "") {
  v1::CreatePatientRequest req;
  req.set_parent(kClinic);
  req.set_username(username);
  req.mutable_patient()->set_display_name("Casey New");
  req.mutable_patient()->set_time_zone("Europe/Berlin");
  req.mutable_patient()->set_therapist(therapist_name);
  v1::Patient patient;
  REQUIRE_OK(F::Call(*f.clinic, &v1::ClinicService::Stub::CreatePatient, token, req, &patient));
  return patient;
}

grpc::Status CreateTherapist(F& f, const Token& token, const std::string& parent,
                             const std::string& username, v1::Therapist* out = nullptr) {
  v1::CreateTherapistRequest req;
  req.set_parent(parent);
  req.mutable_therapist()->set_display_name("Kim Lee");
  req.mutable_therapist()->set_username(username);
  v1::Therapist ignored;
  return F::Call(*f.clinic, &v1::ClinicService::Stub::CreateTherapist, token, req,
                 out ? out : &ignored);
}

std::string StoredHash(F& f, const std::string& username) {
  auto account = f.store->GetAccount(username);
  REQUIRE(account.ok());
  return account->password_hash;
}

int FailedSignIns(F& f, const std::string& username) {
  auto account = f.store->GetAccount(username);
  REQUIRE(account.ok());
  return account->failed_sign_ins;
}

struct Argon2Params {
  std::string algorithm;
  long memory_kib = 0;
  long passes = 0;
  long lanes = 0;
};

// The parameters of a libsodium crypto_pwhash_str string ("$argon2id$v=19$m=19456,t=2,p=1$...").
Argon2Params ParseHash(const std::string& hash) {
  static const std::regex form(R"(^\$(argon2id|argon2i)\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$.+$)");
  std::smatch m;
  INFO(hash);
  REQUIRE(std::regex_match(hash, m, form));
  return {m[1].str(), std::stol(m[2].str()), std::stol(m[3].str()), std::stol(m[4].str())};
}

// The raw SHA-256 of a token, as the store keys it.
std::string Sha256(const std::string& text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

std::string HexSha256(const std::string& text) {
  const std::string digest = Sha256(text);
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, reinterpret_cast<const unsigned char*>(digest.data()),
                 digest.size());
  return hex;
}

// --- Token expiry and revocation ---------------------------------------------------------------

TEST_CASE("A token dies at its absolute lifetime even when it is used all the time", "[security]") {
  ServiceOptions options;
  options.security.token_lifetime = 48h;  // idle timeouts stay long: only the lifetime ends it
  F f(options);
  const Instant signed_in = f.clock.Now();
  v1::SignInResponse resp;
  REQUIRE_OK(TrySignIn(f, kPatientUser, kPatientPass, &resp));
  const Token token = resp.token();
  CHECK(resp.expire_time().seconds() == Ts(signed_in + 48h).seconds());

  for (int i = 0; i < 7; ++i) {  // used every 6 hours: 42 hours
    f.clock.Advance(6h);
    CHECK_CODE(WhoAmI(f, token), Code::OK);
  }
  f.clock.Set(signed_in + 48h - 1s);
  CHECK_CODE(WhoAmI(f, token), Code::OK);
  f.clock.Set(signed_in + 48h + 1s);
  CHECK_CODE(WhoAmI(f, token), Code::UNAUTHENTICATED);
  CHECK_CODE(GetPlanStatus(f, token, kJordan), Code::UNAUTHENTICATED);
  // The account itself is fine: a new sign-in gets a new token.
  const Token fresh = f.SignIn(kPatientUser, kPatientPass);
  CHECK_CODE(WhoAmI(f, fresh), Code::OK);
}

TEST_CASE("A patient's token idles out without use and lives on while used, to touch_every",
          "[security]") {
  ServiceOptions options;
  options.security.patient_idle = 60min;
  options.security.touch_every = 5min;
  F f(options);
  const auto idle = 60min;
  const auto touch = 5min;
  const Token used = f.SignIn(kPatientUser, kPatientPass);
  const Token unused = f.SignIn(kPatientUser, kPatientPass);

  // Not used since sign-in: alive just before the idle timeout, dead just after.
  f.clock.Advance(idle - 1s);
  CHECK_CODE(WhoAmI(f, used), Code::OK);
  f.clock.Advance(2s);
  CHECK_CODE(WhoAmI(f, unused), Code::UNAUTHENTICATED);
  CHECK_CODE(WhoAmI(f, used), Code::OK);  // its use 2 s ago counts

  // Used every (idle - touch_every): alive for five idle periods.
  for (int i = 0; i < 5; ++i) {
    f.clock.Advance(idle - touch);
    CHECK_CODE(WhoAmI(f, used), Code::OK);
  }

  // The last use is stamped at most every touch_every. The promise on either side of that:
  // a token used at t works until t + idle - touch_every, and is dead from t + idle on.
  f.clock.Advance(touch - 1s);  // a use that may not be stamped
  CHECK_CODE(WhoAmI(f, used), Code::OK);
  f.clock.Advance(idle - touch);  // idle - touch_every after that use
  CHECK_CODE(WhoAmI(f, used), Code::OK);
  f.clock.Advance(touch - 1s);  // another use that may not be stamped...
  CHECK_CODE(WhoAmI(f, used), Code::OK);
  f.clock.Advance(idle);  // ...and nothing for idle after it
  CHECK_CODE(WhoAmI(f, used), Code::UNAUTHENTICATED);
  CHECK_CODE(GetPlanStatus(f, used, kJordan), Code::UNAUTHENTICATED);
}

TEST_CASE("Therapists' and admins' tokens idle out sooner than patients'", "[security]") {
  ServiceOptions options;
  options.security.patient_idle = 60min;
  options.security.staff_idle = 20min;
  options.security.touch_every = 60s;
  F f(options);
  const Token patient = f.SignIn(kPatientUser, kPatientPass);
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const Token admin = f.SignIn(kAdminUser, kAdminPass);

  f.clock.Advance(20min - 1s);
  CHECK_CODE(WhoAmI(f, patient), Code::OK);
  CHECK_CODE(WhoAmI(f, therapist), Code::OK);
  CHECK_CODE(WhoAmI(f, admin), Code::OK);

  f.clock.Advance(20min + 1s);  // 20 min + 1 s without use
  CHECK_CODE(WhoAmI(f, therapist), Code::UNAUTHENTICATED);
  CHECK_CODE(WhoAmI(f, admin), Code::UNAUTHENTICATED);
  CHECK_CODE(GetPlanStatus(f, therapist, kJordan), Code::UNAUTHENTICATED);
  CHECK_CODE(WhoAmI(f, patient), Code::OK);

  f.clock.Advance(60min - 1s);
  CHECK_CODE(WhoAmI(f, patient), Code::OK);
  f.clock.Advance(60min + 1s);
  CHECK_CODE(WhoAmI(f, patient), Code::UNAUTHENTICATED);
}

TEST_CASE("SignOut revokes the token on the next call, and only that token", "[security]") {
  F f;
  const Token token = f.SignIn(kPatientUser, kPatientPass);
  const Token other = f.SignIn(kPatientUser, kPatientPass);
  REQUIRE_OK(GetPlanStatus(f, token, kJordan));

  REQUIRE_OK(SignOut(f, token));
  CHECK_CODE(WhoAmI(f, token), Code::UNAUTHENTICATED);
  CHECK_CODE(GetPlanStatus(f, token, kJordan), Code::UNAUTHENTICATED);
  CHECK_CODE(SignOut(f, token), Code::UNAUTHENTICATED);  // cannot be signed out twice
  auto record = f.store->GetToken(Sha256(token));
  REQUIRE(record.ok());
  CHECK(record->revoked);

  CHECK_CODE(WhoAmI(f, other), Code::OK);
  CHECK_CODE(GetPlanStatus(f, other, kJordan), Code::OK);
}

TEST_CASE("The token cache never serves a token revoked or disabled through another connection",
          "[security]") {
  F f;
  const Token token = f.SignIn(kTherapistUser, kTherapistPass);
  const Token admin = f.SignIn(kAdminUser, kAdminPass);
  // Each used twice: the second call is answered from the server's cache.
  for (int i = 0; i < 2; ++i) {
    REQUIRE_OK(WhoAmI(f, token));
    REQUIRE_OK(WhoAmI(f, admin));
  }
  // Another connection to the same file, as `ptrackd admin` in another process has: the server
  // is not told.
  auto other = SqliteStore::Open(f.db_file.path().string());
  REQUIRE(other.ok());
  REQUIRE((*other)->RevokeTokens(kTherapistUser).ok());
  CHECK_CODE(WhoAmI(f, token), Code::UNAUTHENTICATED);
  CHECK_CODE(WhoAmI(f, admin), Code::OK);

  const Token again = f.SignIn(kTherapistUser, kTherapistPass);
  REQUIRE_OK(WhoAmI(f, again));
  REQUIRE_OK(WhoAmI(f, again));
  REQUIRE((*other)->SetAccountDisabled(kTherapistUser, true, f.clock.Now()).ok());
  CHECK_CODE(WhoAmI(f, again), Code::UNAUTHENTICATED);
  CHECK_CODE(WhoAmI(f, admin), Code::OK);
  REQUIRE((*other)->SetAccountDisabled(kTherapistUser, false, f.clock.Now()).ok());
  CHECK_CODE(WhoAmI(f, again), Code::UNAUTHENTICATED);  // revoked when disabled, for good

  // A password change moves the epoch (the cache starts over) without revoking anything.
  const Token third = f.SignIn(kTherapistUser, kTherapistPass);
  REQUIRE_OK(WhoAmI(f, third));
  auto before = f.store->GetRevocationEpoch();
  REQUIRE(before.ok());
  auto hash = HashPassword(kTherapistPass);
  REQUIRE(hash.ok());
  REQUIRE((*other)->SetPasswordHash(kTherapistUser, *hash).ok());
  auto after = f.store->GetRevocationEpoch();
  REQUIRE(after.ok());
  CHECK(*after > *before);
  CHECK_CODE(WhoAmI(f, third), Code::OK);
}

TEST_CASE("The token cache forgets a token at once on sign-out, disabling and re-enrolment",
          "[security]") {
  F f;
  const Token admin = f.SignIn(kAdminUser, kAdminPass);
  const Token signing_out = f.SignIn(kTherapistUser, kTherapistPass);
  const Token staying = f.SignIn(kTherapistUser, kTherapistPass);
  for (const Token& t : {admin, signing_out, staying, admin, signing_out, staying}) {
    REQUIRE_OK(WhoAmI(f, t));
  }
  REQUIRE_OK(SignOut(f, signing_out));
  CHECK_CODE(WhoAmI(f, signing_out), Code::UNAUTHENTICATED);
  CHECK_CODE(WhoAmI(f, staying), Code::OK);

  // Re-enrolment (a password reset) revokes every earlier token of the account.
  REQUIRE_OK(Enrol(f, NewCode(f, admin, kRivera), "a-new-password-1"));
  CHECK_CODE(WhoAmI(f, staying), Code::UNAUTHENTICATED);

  const Token fresh = f.SignIn(kTherapistUser, "a-new-password-1");
  REQUIRE_OK(WhoAmI(f, fresh));
  REQUIRE_OK(WhoAmI(f, fresh));
  v1::DisableAccountRequest req;
  req.set_name("clinics/demo/accounts/therapist");
  v1::Account account;
  REQUIRE_OK(F::Call(*f.clinic, &v1::ClinicService::Stub::DisableAccount, admin, req, &account));
  CHECK_CODE(WhoAmI(f, fresh), Code::UNAUTHENTICATED);
  CHECK_CODE(WhoAmI(f, admin), Code::OK);
}

TEST_CASE("Forged, altered and truncated tokens are UNAUTHENTICATED with one message",
          "[security]") {
  F f;
  const Token token = f.SignIn(kPatientUser, kPatientPass);
  REQUIRE(token.size() == 64);
  REQUIRE(IsLowerHex(token));

  // Only the SHA-256 of the token is stored; the stored value is no token either.
  {
    SQLite::Database db(f.db_file.path().string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT hex(hash) FROM tokens");
    std::vector<std::string> stored;
    while (q.executeStep()) stored.push_back(q.getColumn(0).getString());
    std::string expected = HexSha256(token);
    std::transform(expected.begin(), expected.end(), expected.begin(), ::toupper);
    CHECK_THAT(stored, VectorContains(expected));
    CHECK_THAT(stored, !VectorContains(token));
  }

  auto altered = [&](size_t at) {
    Token t = token;
    t[at] = t[at] == '0' ? '1' : '0';
    return t;
  };
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char random_hex[65];
  sodium_bin2hex(random_hex, sizeof random_hex, raw, sizeof raw);
  Token upper = token;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);

  std::vector<std::pair<std::string, Token>> forged = {
      {"empty", ""},
      {"short", "abc"},
      {"63 chars", token.substr(0, 63)},
      {"65 chars", token + "0"},
      {"64 zeros", std::string(64, '0')},
      {"64 random hex", random_hex},
      {"first char changed", altered(0)},
      {"last char changed", altered(63)},
      {"the stored hash", HexSha256(token)},
      {"with a trailing space", token + " "},
      {"64 non-hex", std::string(64, 'z')},
  };
  if (upper != token) forged.push_back({"upper case", upper});
  std::string first_message;
  for (const auto& [what, t] : forged) {
    INFO(what);
    const grpc::Status s = WhoAmI(f, t);
    CHECK(s.error_code() == Code::UNAUTHENTICATED);
    CHECK_CODE(GetPlanStatus(f, t, kJordan), Code::UNAUTHENTICATED);
    if (first_message.empty()) first_message = s.error_message();
    CHECK(s.error_message() == first_message);
  }
  CHECK_FALSE(first_message.empty());
  // None of that hurt the real token.
  CHECK_CODE(WhoAmI(f, token), Code::OK);
}

// --- Sign-in answers, throttling and lock-out --------------------------------------------------

TEST_CASE("Unknown user, wrong password and no password yet get one answer", "[security]") {
  F f;
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  CreatePatient(f, therapist, "casey.new");  // no password until enrolled

  struct Attempt {
    const char* what;
    std::string user, password;
  };
  const std::vector<Attempt> attempts = {
      {"wrong password", kPatientUser, kWrongPass},
      {"another patient's password", "patient2", kPatientPass},
      {"unknown user", "no-such-user", kWrongPass},
      {"unknown user, a real password", "no-such-user", kPatientPass},
      {"account without a password", "casey.new", kWrongPass},
  };
  std::string message;
  for (const Attempt& a : attempts) {
    INFO(a.what);
    v1::SignInResponse resp;
    const grpc::Status s = TrySignIn(f, a.user, a.password, &resp);
    CHECK(s.error_code() == Code::UNAUTHENTICATED);
    CHECK(resp.token().empty());
    if (message.empty()) message = s.error_message();
    CHECK(s.error_message() == message);
    CHECK_THAT(s.error_message(), !Contains(a.user));
  }
}

TEST_CASE("Failed sign-ins are throttled on one doubling, capped schedule for any name",
          "[security]") {
  ServiceOptions options;
  options.security.free_failures = 3;
  options.security.first_delay = 10s;
  options.security.max_delay = 40s;
  F f(options);

  // Every answer (code and message) for one name, from the first failure on.
  auto walk = [&f](const std::string& user) {
    std::vector<std::pair<int, std::string>> seen;
    auto attempt = [&](Code expected) {
      const grpc::Status s = TrySignIn(f, user, kWrongPass);
      INFO(user << " attempt " << seen.size() + 1 << ": " << Describe(s));
      CHECK(s.error_code() == expected);
      seen.emplace_back(s.error_code(), s.error_message());
    };
    for (int i = 0; i < 3; ++i) attempt(Code::UNAUTHENTICATED);  // free
    attempt(Code::RESOURCE_EXHAUSTED);  // right after the third failure: wait 10 s
    CHECK_THAT(seen.back().second, Contains("10 s"));
    f.clock.Advance(9s);
    attempt(Code::RESOURCE_EXHAUSTED);
    f.clock.Advance(1s);
    attempt(Code::UNAUTHENTICATED);  // 4th failure: now 20 s
    attempt(Code::RESOURCE_EXHAUSTED);
    CHECK_THAT(seen.back().second, Contains("20 s"));
    f.clock.Advance(19s);
    attempt(Code::RESOURCE_EXHAUSTED);
    f.clock.Advance(1s);
    attempt(Code::UNAUTHENTICATED);  // 5th failure: now 40 s
    f.clock.Advance(39s);
    attempt(Code::RESOURCE_EXHAUSTED);
    f.clock.Advance(1s);
    attempt(Code::UNAUTHENTICATED);  // 6th failure: 80 s, capped at 40 s
    attempt(Code::RESOURCE_EXHAUSTED);
    CHECK_THAT(seen.back().second, Contains("40 s"));
    f.clock.Advance(39s);
    attempt(Code::RESOURCE_EXHAUSTED);
    f.clock.Advance(1s);
    attempt(Code::UNAUTHENTICATED);
    return seen;
  };
  const auto real = walk(kPatientUser);
  const auto unknown = walk("nobody-by-this-name");
  CHECK(real == unknown);
  CHECK(FailedSignIns(f, kPatientUser) == 7);
  // Throttling one name does not throttle another.
  CHECK_CODE(TrySignIn(f, "patient2", "demo-patient2-pass"), Code::OK);
}

TEST_CASE("While throttled even the right password is refused, and a success resets the count",
          "[security]") {
  ServiceOptions options;
  options.security.free_failures = 2;
  options.security.first_delay = 30s;
  F f(options);
  CHECK_CODE(TrySignIn(f, kPatientUser, kWrongPass), Code::UNAUTHENTICATED);
  f.clock.Advance(1s);
  CHECK_CODE(TrySignIn(f, kPatientUser, kWrongPass), Code::UNAUTHENTICATED);
  CHECK(FailedSignIns(f, kPatientUser) == 2);

  // The throttle is checked before the password.
  CHECK_CODE(TrySignIn(f, kPatientUser, kPatientPass), Code::RESOURCE_EXHAUSTED);
  f.clock.Advance(29s);
  CHECK_CODE(TrySignIn(f, kPatientUser, kPatientPass), Code::RESOURCE_EXHAUSTED);
  CHECK(FailedSignIns(f, kPatientUser) == 2);  // refusals are not failures
  f.clock.Advance(1s);
  CHECK_CODE(TrySignIn(f, kPatientUser, kPatientPass), Code::OK);
  CHECK(FailedSignIns(f, kPatientUser) == 0);

  // Counting starts again from nothing: two free failures, then the first delay (not a doubled
  // one).
  CHECK_CODE(TrySignIn(f, kPatientUser, kWrongPass), Code::UNAUTHENTICATED);
  CHECK_CODE(TrySignIn(f, kPatientUser, kWrongPass), Code::UNAUTHENTICATED);
  const grpc::Status throttled = TrySignIn(f, kPatientUser, kPatientPass);
  CHECK(throttled.error_code() == Code::RESOURCE_EXHAUSTED);
  CHECK_THAT(throttled.error_message(), Contains("30 s"));
}

TEST_CASE("At lock_after failures the account locks until a new enrolment code is redeemed",
          "[security]") {
  ServiceOptions options;
  options.security.free_failures = 2;
  options.security.first_delay = 1s;
  options.security.max_delay = 4s;
  options.security.lock_after = 8;
  options.security.token_lifetime = 24h * 800;  // the old token would otherwise expire
  options.security.patient_idle = 24h * 800;
  F f(options);
  const Token old_token = f.SignIn(kPatientUser, kPatientPass);
  const Token bystander = f.SignIn("patient2", "demo-patient2-pass");

  for (int i = 0; i < 8; ++i) {
    f.clock.Advance(4s);  // each attempt after the longest delay
    CHECK_CODE(TrySignIn(f, kPatientUser, kWrongPass), Code::UNAUTHENTICATED);
    if (i == 6) CHECK_CODE(WhoAmI(f, old_token), Code::OK);  // failures alone revoke nothing
  }
  CHECK(FailedSignIns(f, kPatientUser) == 8);
  // Locking revoked the account's token in the same step (a session opened with a guessed
  // password ends with the lock), and only that account's.
  CHECK_CODE(WhoAmI(f, old_token), Code::UNAUTHENTICATED);
  CHECK_CODE(WhoAmI(f, bystander), Code::OK);
  f.clock.Advance(4s);
  const grpc::Status locked = TrySignIn(f, kPatientUser, kPatientPass);
  CHECK(locked.error_code() == Code::RESOURCE_EXHAUSTED);
  CHECK_THAT(locked.error_message(), Contains("locked"));
  f.clock.Advance(24h * 365);
  const grpc::Status still = TrySignIn(f, kPatientUser, kPatientPass);
  CHECK(still.error_code() == Code::RESOURCE_EXHAUSTED);
  CHECK(still.error_message() == locked.error_message());

  // An unknown name locks on the same count, with the same answer.
  for (int i = 0; i < 8; ++i) {
    f.clock.Advance(4s);
    CHECK_CODE(TrySignIn(f, "nobody-by-this-name", kWrongPass), Code::UNAUTHENTICATED);
  }
  f.clock.Advance(24h);
  const grpc::Status unknown = TrySignIn(f, "nobody-by-this-name", kWrongPass);
  CHECK(unknown.error_code() == Code::RESOURCE_EXHAUSTED);
  CHECK(unknown.error_message() == locked.error_message());

  // The therapist issues a new code; redeeming it unlocks the account with the new password.
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  v1::SignInResponse enrolled;
  REQUIRE_OK(Enrol(f, NewCode(f, therapist, kJordan), "jordan-new-password", &enrolled));
  CHECK(enrolled.principal().username() == kPatientUser);
  CHECK(enrolled.principal().subject() == kJordan);
  CHECK_CODE(WhoAmI(f, enrolled.token()), Code::OK);
  CHECK_CODE(WhoAmI(f, old_token), Code::UNAUTHENTICATED);
  CHECK(FailedSignIns(f, kPatientUser) == 0);
  CHECK_CODE(TrySignIn(f, kPatientUser, "jordan-new-password"), Code::OK);
  CHECK_CODE(TrySignIn(f, kPatientUser, kPatientPass), Code::UNAUTHENTICATED);
}

// --- Enrolment codes ---------------------------------------------------------------------------

TEST_CASE("An enrolment code works once, and used and unknown codes get one NOT_FOUND",
          "[security]") {
  F f;
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  v1::EnrolmentCode code;
  REQUIRE_OK(IssueCode(f, therapist, kJordan, &code));
  CHECK(std::regex_match(code.code(), std::regex("^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-"
                                                 "[0-9A-HJKMNP-TV-Z]{4}$")));
  CHECK(code.username() == kPatientUser);
  CHECK(code.expire_time().seconds() == Ts(f.clock.Now() + 24h * 7).seconds());

  v1::SignInResponse enrolled;
  REQUIRE_OK(Enrol(f, code.code(), "first-new-password", &enrolled));
  CHECK(enrolled.principal().username() == kPatientUser);
  CHECK(enrolled.principal().role() == v1::ROLE_PATIENT);
  CHECK_CODE(WhoAmI(f, enrolled.token()), Code::OK);

  const grpc::Status again = Enrol(f, code.code(), "second-new-password");
  CHECK(again.error_code() == Code::NOT_FOUND);
  const grpc::Status unknown = Enrol(f, "ABCD-EFGH-JKMN", "second-new-password");
  CHECK(unknown.error_code() == Code::NOT_FOUND);
  CHECK(unknown.error_message() == again.error_message());
  CHECK_CODE(TrySignIn(f, kPatientUser, "second-new-password"), Code::UNAUTHENTICATED);
  CHECK_CODE(TrySignIn(f, kPatientUser, "first-new-password"), Code::OK);

  // Not of the code's form: INVALID_ARGUMENT naming the field, before any lookup.
  for (const std::string& bad :
       {std::string(), std::string("ABCD-EFGH-JKM"), std::string("ABCD-EFGH-JKMNP"),
        std::string("ABCD-EFGH-JKMU"), std::string("ABCD_EFGH_JKMN"),
        std::string("ABCD-EFGH-JKM\xc3\x91"), std::string(70, 'A')}) {
    INFO(bad);
    const grpc::Status s = Enrol(f, bad, "third-new-password");
    CHECK(s.error_code() == Code::INVALID_ARGUMENT);
    CHECK_THAT(BadRequestFields(s), VectorContains(std::string("code")));
  }
}

TEST_CASE("Enrolment codes expire, and a newer code voids the older ones", "[security]") {
  ServiceOptions options;
  options.security.enrolment_code_lifetime = 6h;
  F f(options);
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);

  v1::EnrolmentCode expiring;
  REQUIRE_OK(IssueCode(f, therapist, kJordan, &expiring));
  CHECK(expiring.expire_time().seconds() == Ts(f.clock.Now() + 6h).seconds());
  f.clock.Advance(6h + 1s);
  const grpc::Status expired = Enrol(f, expiring.code(), "jordan-password-1");
  CHECK(expired.error_code() == Code::NOT_FOUND);
  CHECK(expired.error_message() == Enrol(f, "ABCD-EFGH-JKMN", "jordan-password-1").error_message());

  const std::string in_time = NewCode(f, therapist, kJordan);
  f.clock.Advance(6h - 1s);
  CHECK_CODE(Enrol(f, in_time, "jordan-password-2"), Code::OK);

  const std::string older = NewCode(f, therapist, kJordan);
  const std::string newer = NewCode(f, therapist, kJordan);
  const std::string sams = NewCode(f, therapist, kSam);  // another account's code stays valid
  const grpc::Status voided = Enrol(f, older, "jordan-password-3");
  CHECK(voided.error_code() == Code::NOT_FOUND);
  CHECK(voided.error_message() == expired.error_message());
  CHECK_CODE(Enrol(f, newer, "jordan-password-4"), Code::OK);
  CHECK_CODE(Enrol(f, sams, "sam-password-5"), Code::OK);
  CHECK_CODE(TrySignIn(f, kPatientUser, "jordan-password-4"), Code::OK);
  CHECK_CODE(TrySignIn(f, "patient2", "sam-password-5"), Code::OK);
}

TEST_CASE("A code may be typed in lower case, with spaces and look-alike letters", "[security]") {
  F f;
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  // A code with a 0 and a 1 in it (typed as o and l); any earlier one is voided.
  std::string code;
  for (int i = 0; i < 300; ++i) {
    code = NewCode(f, therapist, kJordan);
    if (code.find('0') != std::string::npos && code.find('1') != std::string::npos) break;
  }
  INFO(code);
  REQUIRE(code.find('0') != std::string::npos);
  REQUIRE(code.find('1') != std::string::npos);

  // A refused request does not use the code up.
  const grpc::Status short_password = Enrol(f, code, "short");
  CHECK(short_password.error_code() == Code::INVALID_ARGUMENT);
  CHECK_THAT(BadRequestFields(short_password), VectorContains(std::string("password")));

  std::string typed = " ";
  for (char c : code) {
    if (c == '-') {
      typed += "  ";
    } else if (c == '0') {
      typed += 'o';
    } else if (c == '1') {
      typed += 'l';
    } else {
      typed += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  typed += ' ';
  INFO(typed);
  v1::SignInResponse enrolled;
  REQUIRE_OK(Enrol(f, typed, "typed-by-hand-1", &enrolled));
  CHECK(enrolled.principal().username() == kPatientUser);
  CHECK_CODE(Enrol(f, code, "typed-by-hand-2"), Code::NOT_FOUND);
  CHECK_CODE(TrySignIn(f, kPatientUser, "typed-by-hand-1"), Code::OK);
}

TEST_CASE("A patient created without a password cannot sign in until enrolled", "[security]") {
  F f;
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const v1::Patient casey = CreatePatient(f, therapist, "casey.new");
  CHECK(StoredHash(f, "casey.new").empty());

  const grpc::Status before = TrySignIn(f, "casey.new", "casey-password-1");
  CHECK(before.error_code() == Code::UNAUTHENTICATED);
  CHECK(before.error_message() == TrySignIn(f, kPatientUser, kWrongPass).error_message());

  v1::EnrolmentCode code;
  REQUIRE_OK(IssueCode(f, therapist, casey.name(), &code));
  CHECK(code.username() == "casey.new");
  REQUIRE_OK(Enrol(f, code.code(), "casey-password-1"));
  v1::SignInResponse signed_in;
  REQUIRE_OK(TrySignIn(f, "casey.new", "casey-password-1", &signed_in));
  v1::Principal who;
  REQUIRE_OK(WhoAmI(f, signed_in.token(), &who));
  CHECK(who.role() == v1::ROLE_PATIENT);
  CHECK(who.subject() == casey.name());
  CHECK_CODE(GetPlanStatus(f, signed_in.token(), kJordan), Code::NOT_FOUND);
}

TEST_CASE("Who may issue enrolment codes", "[security]") {
  F f;
  const Token admin = f.SignIn(kAdminUser, kAdminPass);
  const Token rivera = f.SignIn(kTherapistUser, kTherapistPass);
  const Token patient = f.SignIn(kPatientUser, kPatientPass);
  v1::Therapist lee;
  REQUIRE_OK(CreateTherapist(f, admin, kClinic, "kim.lee", &lee));
  const v1::Patient lees_patient = CreatePatient(f, admin, "lee.patient", lee.name());

  // A therapist: for their own patients.
  v1::EnrolmentCode code;
  REQUIRE_OK(IssueCode(f, rivera, kJordan, &code));
  CHECK(code.username() == kPatientUser);
  REQUIRE_OK(IssueCode(f, rivera, kSam, &code));
  CHECK(code.username() == "patient2");
  // Another therapist's patient is answered like one that does not exist.
  const grpc::Status foreign = IssueCode(f, rivera, lees_patient.name());
  CHECK(foreign.error_code() == Code::NOT_FOUND);
  for (const char* name :
       {"clinics/demo/patients/no-such-patient", "clinics/other/patients/jordan"}) {
    INFO(name);
    const grpc::Status s = IssueCode(f, rivera, name);
    CHECK(s.error_code() == Code::NOT_FOUND);
    CHECK(s.error_message() == foreign.error_message());
  }
  // No therapist may issue one for a therapist, not even for themself.
  CHECK_CODE(IssueCode(f, rivera, kRivera), Code::PERMISSION_DENIED);
  CHECK_CODE(IssueCode(f, rivera, lee.name()), Code::PERMISSION_DENIED);
  // Patients issue none at all.
  CHECK_CODE(IssueCode(f, patient, kJordan), Code::PERMISSION_DENIED);
  CHECK_CODE(IssueCode(f, patient, kSam), Code::PERMISSION_DENIED);
  CHECK_CODE(IssueCode(f, patient, kRivera), Code::PERMISSION_DENIED);

  // An admin: for any patient or therapist of the clinic.
  REQUIRE_OK(IssueCode(f, admin, kRivera, &code));
  CHECK(code.username() == kTherapistUser);
  REQUIRE_OK(IssueCode(f, admin, lee.name(), &code));
  CHECK(code.username() == "kim.lee");
  REQUIRE_OK(IssueCode(f, admin, lees_patient.name(), &code));
  CHECK(code.username() == "lee.patient");
  REQUIRE_OK(IssueCode(f, admin, kJordan, &code));
  CHECK_CODE(IssueCode(f, admin, "clinics/other/therapists/rivera"), Code::NOT_FOUND);
  CHECK_CODE(IssueCode(f, admin, "clinics/demo/therapists/no-such-therapist"), Code::NOT_FOUND);
  CHECK_CODE(IssueCode(f, admin, "clinics/demo/programs/x"), Code::INVALID_ARGUMENT);
  CHECK_CODE(IssueCode(f, admin, ""), Code::INVALID_ARGUMENT);
  CHECK_CODE(IssueCode(f, Token(), kJordan), Code::UNAUTHENTICATED);
}

TEST_CASE("Only admins create therapists, who enrol, sign in and see no patients yet",
          "[security]") {
  F f;
  const Token admin = f.SignIn(kAdminUser, kAdminPass);
  const Token rivera = f.SignIn(kTherapistUser, kTherapistPass);
  const Token patient = f.SignIn(kPatientUser, kPatientPass);
  CHECK_CODE(CreateTherapist(f, rivera, kClinic, "kim.lee"), Code::PERMISSION_DENIED);
  CHECK_CODE(CreateTherapist(f, patient, kClinic, "kim.lee"), Code::PERMISSION_DENIED);
  CHECK_CODE(CreateTherapist(f, admin, "clinics/other", "kim.lee"), Code::PERMISSION_DENIED);
  CHECK_CODE(CreateTherapist(f, Token(), kClinic, "kim.lee"), Code::UNAUTHENTICATED);
  CHECK(f.store->GetAccount("kim.lee").status().code() == StatusCode::kNotFound);

  v1::Therapist lee;
  REQUIRE_OK(CreateTherapist(f, admin, kClinic, "kim.lee", &lee));
  CHECK(lee.name().rfind("clinics/demo/therapists/", 0) == 0);
  CHECK_CODE(TrySignIn(f, "kim.lee", "lee-password-1"), Code::UNAUTHENTICATED);  // no password

  v1::SignInResponse enrolled;
  REQUIRE_OK(Enrol(f, NewCode(f, admin, lee.name()), "lee-password-1", &enrolled));
  CHECK(enrolled.principal().role() == v1::ROLE_THERAPIST);
  CHECK(enrolled.principal().subject() == lee.name());
  const Token token = f.SignIn("kim.lee", "lee-password-1");

  v1::ListPatientsRequest list;
  list.set_parent(kClinic);
  v1::ListPatientsResponse patients;
  REQUIRE_OK(F::Call(*f.clinic, &v1::ClinicService::Stub::ListPatients, token, list, &patients));
  CHECK(patients.patients_size() == 0);
  CHECK_CODE(GetPlanStatus(f, token, kJordan), Code::NOT_FOUND);
  CHECK_CODE(IssueCode(f, token, kJordan), Code::NOT_FOUND);
  CHECK_CODE(CreateTherapist(f, token, kClinic, "another.one"), Code::PERMISSION_DENIED);
}

// --- Password hashes ---------------------------------------------------------------------------

TEST_CASE("New passwords are Argon2id with at least 19 MiB and 2 passes", "[security]") {
  F f;
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  // Set three ways: the demo seed, CreatePatient's initial password, and enrolment.
  v1::CreatePatientRequest req;
  req.set_parent(kClinic);
  req.set_username("with.password");
  req.set_initial_password("initial-password-1");
  req.mutable_patient()->set_display_name("Pat Initial");
  req.mutable_patient()->set_time_zone("Europe/Berlin");
  v1::Patient created;
  REQUIRE_OK(F::Call(*f.clinic, &v1::ClinicService::Stub::CreatePatient, therapist, req, &created));
  REQUIRE_OK(Enrol(f, NewCode(f, therapist, kSam), "sam-enrolled-pass"));

  for (const char* user : {kPatientUser, "with.password", "patient2"}) {
    INFO(user);
    const std::string hash = StoredHash(f, user);
    const Argon2Params p = ParseHash(hash);
    CHECK(p.algorithm == "argon2id");
    CHECK(p.memory_kib >= 19 * 1024);
    CHECK(p.passes >= 2);
    CHECK(p.lanes >= 1);
  }
  CHECK_CODE(TrySignIn(f, "with.password", "initial-password-1"), Code::OK);
  CHECK_CODE(TrySignIn(f, "patient2", "sam-enrolled-pass"), Code::OK);
  // The same password twice gets two different salts.
  CHECK(ParseHash(StoredHash(f, "with.password")).memory_kib ==
        ParseHash(StoredHash(f, kPatientUser)).memory_kib);
  CHECK(StoredHash(f, "with.password") != StoredHash(f, kPatientUser));
}

TEST_CASE("A hash with weaker parameters is replaced at the next sign-in", "[security]") {
  F f;
  char weak[crypto_pwhash_STRBYTES];
  REQUIRE(crypto_pwhash_str(weak, kPatientPass, std::char_traits<char>::length(kPatientPass),
                            crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN) == 0);
  const Argon2Params weak_params = ParseHash(weak);
  REQUIRE(weak_params.memory_kib < 19456);
  REQUIRE(f.store->SetPasswordHash(kPatientUser, weak).ok());

  // The wrong password changes nothing.
  CHECK_CODE(TrySignIn(f, kPatientUser, kWrongPass), Code::UNAUTHENTICATED);
  CHECK(StoredHash(f, kPatientUser) == weak);

  CHECK_CODE(TrySignIn(f, kPatientUser, kPatientPass), Code::OK);
  const std::string rehashed = StoredHash(f, kPatientUser);
  CHECK(rehashed != weak);
  CHECK_THAT(rehashed, Contains("$argon2id$") && Contains("m=19456,t=2"));
  CHECK(crypto_pwhash_str_verify(rehashed.c_str(), kPatientPass,
                                 std::char_traits<char>::length(kPatientPass)) == 0);
  CHECK_CODE(TrySignIn(f, kPatientUser, kPatientPass), Code::OK);
  CHECK(StoredHash(f, kPatientUser) == rehashed);  // current parameters: left alone
}

// --- Disabled accounts -------------------------------------------------------------------------

constexpr const char* kJordanAccount = "clinics/demo/accounts/patient";

// DisableAccount (disabled) or EnableAccount on `name`, called by `token`'s owner.
grpc::Status SetDisabled(F& f, const Token& token, const std::string& name, bool disabled,
                         v1::Account* out = nullptr) {
  v1::Account ignored;
  if (disabled) {
    v1::DisableAccountRequest req;
    req.set_name(name);
    return F::Call(*f.clinic, &v1::ClinicService::Stub::DisableAccount, token, req,
                   out ? out : &ignored);
  }
  v1::EnableAccountRequest req;
  req.set_name(name);
  return F::Call(*f.clinic, &v1::ClinicService::Stub::EnableAccount, token, req,
                 out ? out : &ignored);
}

// The newest audit row of the demo clinic.
AuditEvent NewestAudit(F& f) {
  auto page = f.store->ListAudit("demo", "", PageRequest{});
  REQUIRE(page.ok());
  REQUIRE(!page->items.empty());
  return page->items.front();
}

TEST_CASE(
    "Disabling an account ends its tokens at once and refuses it as any failure, and enabling "
    "restores the password but not the tokens",
    "[security]") {
  F f;
  const Token admin = f.SignIn(kAdminUser, kAdminPass);
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const Token phone = f.SignIn(kPatientUser, kPatientPass);
  const Token laptop = f.SignIn(kPatientUser, kPatientPass);
  const Token bystander = f.SignIn(kPatient2User, kPatient2Pass);
  const std::string code_before = NewCode(f, therapist, kJordan);

  v1::Account account;
  REQUIRE_OK(SetDisabled(f, admin, kJordanAccount, true, &account));
  CHECK(account.name() == kJordanAccount);
  CHECK(account.username() == kPatientUser);
  CHECK(account.role() == v1::ROLE_PATIENT);
  CHECK(account.subject() == kJordan);
  CHECK(account.disabled());
  // Every token of the account, on its very next call; nobody else's.
  CHECK_CODE(WhoAmI(f, phone), Code::UNAUTHENTICATED);
  CHECK_CODE(WhoAmI(f, laptop), Code::UNAUTHENTICATED);
  CHECK_CODE(GetPlanStatus(f, phone, kJordan), Code::UNAUTHENTICATED);
  CHECK_CODE(WhoAmI(f, bystander), Code::OK);
  CHECK_CODE(WhoAmI(f, therapist), Code::OK);

  // The right password gets the answer of a wrong one (and counts like one).
  const grpc::Status wrong = TrySignIn(f, "no-such-user", kWrongPass);
  const grpc::Status refused = TrySignIn(f, kPatientUser, kPatientPass);
  CHECK(refused.error_code() == Code::UNAUTHENTICATED);
  CHECK(refused.error_message() == wrong.error_message());
  CHECK(FailedSignIns(f, kPatientUser) == 1);

  // Enrolment codes: the one issued before is void; one issued while disabled is refused like an
  // unknown code (and stays usable).
  const grpc::Status unknown = Enrol(f, "ABCD-EFGH-JKMN", "jordan-new-password");
  REQUIRE(unknown.error_code() == Code::NOT_FOUND);
  const grpc::Status before = Enrol(f, code_before, "jordan-new-password");
  CHECK(before.error_code() == Code::NOT_FOUND);
  CHECK(before.error_message() == unknown.error_message());
  // Disabling again is no error.
  REQUIRE_OK(SetDisabled(f, admin, kJordanAccount, true, &account));
  CHECK(account.disabled());
  const std::string code_during = NewCode(f, therapist, kJordan);
  const grpc::Status during = Enrol(f, code_during, "jordan-new-password");
  CHECK(during.error_code() == Code::NOT_FOUND);
  CHECK(during.error_message() == unknown.error_message());

  REQUIRE_OK(SetDisabled(f, admin, kJordanAccount, false, &account));
  CHECK_FALSE(account.disabled());
  CHECK_CODE(WhoAmI(f, phone), Code::UNAUTHENTICATED);  // revoked tokens stay revoked
  CHECK_CODE(WhoAmI(f, laptop), Code::UNAUTHENTICATED);
  v1::SignInResponse signed_in;
  REQUIRE_OK(TrySignIn(f, kPatientUser, kPatientPass, &signed_in));  // the existing password
  CHECK_CODE(WhoAmI(f, signed_in.token()), Code::OK);
  CHECK_CODE(Enrol(f, code_before, "jordan-new-password"), Code::NOT_FOUND);
  CHECK_CODE(Enrol(f, code_during, "jordan-new-password"), Code::OK);
}

TEST_CASE("Only an admin of the account's clinic disables or enables it, and never their own",
          "[security]") {
  F f;
  const Instant now = f.clock.Now();
  auto hash = HashPassword("second-admin-pass");
  REQUIRE(hash.ok());
  REQUIRE(f.store->CreateAccount({"admin2", *hash, Role::kClinicAdmin, "demo", "", now}).ok());
  REQUIRE(f.store->CreateClinic({"east", "East Clinic", "Asia/Tokyo"}).ok());
  REQUIRE(f.store->CreateAccount({"east-admin", *hash, Role::kClinicAdmin, "east", "", now}).ok());
  const Token admin = f.SignIn(kAdminUser, kAdminPass);
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const Token patient = f.SignIn(kPatientUser, kPatientPass);
  const Token east = f.SignIn("east-admin", "second-admin-pass");

  for (bool disabled : {true, false}) {
    INFO((disabled ? "disable" : "enable"));
    CHECK_CODE(SetDisabled(f, therapist, kJordanAccount, disabled), Code::PERMISSION_DENIED);
    CHECK_CODE(SetDisabled(f, patient, kJordanAccount, disabled), Code::PERMISSION_DENIED);
    CHECK_CODE(SetDisabled(f, east, kJordanAccount, disabled), Code::PERMISSION_DENIED);
    // Another clinic's account named under one's own clinic is not found, like no account.
    const grpc::Status foreign =
        SetDisabled(f, admin, "clinics/demo/accounts/east-admin", disabled);
    const grpc::Status missing = SetDisabled(f, admin, "clinics/demo/accounts/nobody", disabled);
    CHECK(foreign.error_code() == Code::NOT_FOUND);
    CHECK(foreign.error_message() == missing.error_message());
    CHECK_CODE(SetDisabled(f, admin, "clinics/east/accounts/east-admin", disabled),
               Code::PERMISSION_DENIED);
    for (const char* bad : {"", "clinics/demo/accounts/", "clinics/demo/patients/jordan",
                            "clinics/demo/accounts/Patient", "clinics/demo/accounts/a/b",
                            "clinics//accounts/patient"}) {
      INFO("name " << bad);
      const grpc::Status s = SetDisabled(f, admin, bad, disabled);
      CHECK(s.error_code() == Code::INVALID_ARGUMENT);
      CHECK_THAT(BadRequestFields(s), VectorContains(std::string("name")));
    }
  }
  CHECK_CODE(WhoAmI(f, patient), Code::OK);  // none of the refusals changed anything
  CHECK_CODE(WhoAmI(f, east), Code::OK);

  // Not one's own account (the clinic could be left with nobody to undo it)...
  const grpc::Status self = SetDisabled(f, admin, "clinics/demo/accounts/admin", true);
  CHECK(self.error_code() == Code::FAILED_PRECONDITION);
  CHECK_CODE(WhoAmI(f, admin), Code::OK);
  AuditEvent row = NewestAudit(f);
  CHECK(row.method == "/ptrack.v1.ClinicService/DisableAccount");
  CHECK(row.outcome == "FAILED_PRECONDITION");
  CHECK(row.username == kAdminUser);
  // ...but another admin's, a therapist's and a patient's, each audited.
  const Token admin2 = f.SignIn("admin2", "second-admin-pass");
  REQUIRE_OK(SetDisabled(f, admin, "clinics/demo/accounts/admin2", true));
  CHECK_CODE(WhoAmI(f, admin2), Code::UNAUTHENTICATED);
  CHECK_CODE(TrySignIn(f, "admin2", "second-admin-pass"), Code::UNAUTHENTICATED);
  REQUIRE_OK(SetDisabled(f, admin, "clinics/demo/accounts/therapist", true));
  row = NewestAudit(f);
  CHECK(row.method == "/ptrack.v1.ClinicService/DisableAccount");
  CHECK(row.outcome == "OK");
  CHECK(row.patient_id.empty());
  REQUIRE_OK(SetDisabled(f, admin, kJordanAccount, true));
  row = NewestAudit(f);
  CHECK(row.method == "/ptrack.v1.ClinicService/DisableAccount");
  CHECK(row.username == kAdminUser);
  CHECK(row.patient_id == "jordan");  // a patient's account is their data: the row names them
  REQUIRE_OK(SetDisabled(f, admin, kJordanAccount, false));
  row = NewestAudit(f);
  CHECK(row.method == "/ptrack.v1.ClinicService/EnableAccount");
  CHECK(row.outcome == "OK");
  CHECK(row.patient_id == "jordan");
  CHECK_CODE(TrySignIn(f, kPatientUser, kPatientPass), Code::OK);
}

}  // namespace
}  // namespace ptrack::testing
