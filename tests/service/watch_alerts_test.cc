// Service tests of the bounds on ReportService.WatchAlerts (service/alert_watchdog.h,
// docs/SECURITY.md "Alert watches") through the real server over its in-process channel, with a
// fake clock: watches are limited per user and per clinic (a clinic at its limit does not stop
// another clinic) and in total, each refusal naming its limit; a sign-out ends the caller's
// watches at once and nothing stored afterwards reaches them; a token revoked behind the server's
// back (as `ptrackd admin revoke-tokens` does, straight in the database) is caught before the next
// alert is written, and by the periodic check when no alert comes; an idled-out token ends its
// watch; and a client that stops reading (the in-process transport completes a Write only when
// the client reads) is closed once its Write has been stuck for the stall bound by the injected
// clock — also at once, without the bound, when its token is revoked by a sign-out or by the
// redemption of an enrolment code for the account. At shutdown every watch ends UNAVAILABLE.
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ptrack/v1/report.grpc.pb.h"
#include "service/credentials.h"
#include "tests/service/service_fixture.h"
#include "tests/service/test_helpers.h"

namespace ptrack::testing {
namespace {

using F = ServiceFixture;
using Code = grpc::StatusCode;
constexpr auto kDeadline = std::chrono::seconds(10);

// Waits (polling, at most kDeadline) until `done()`; returns whether it held.
bool Eventually(const std::function<bool()>& done) {
  const auto until = std::chrono::steady_clock::now() + kDeadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

ServiceOptions SmallLimits() {
  ServiceOptions options;
  options.watches.max_per_user = 2;
  options.watches.max_per_clinic = 3;
  options.watches.max_total = 5;
  options.watches.write_stall = std::chrono::seconds(10);
  options.watches.token_check = std::chrono::seconds(5);
  return options;
}

// A WatchAlerts stream of `parent` with `token`. With `read`, a thread reads it and records the
// alerts; without, nobody reads until Finish (a client that stopped reading).
class Watch {
 public:
  Watch(F& f, const Token& token, const std::string& parent, bool read)
      : context_(F::Context(token)) {
    v1::WatchAlertsRequest req;
    req.set_parent(parent);
    reader_ = f.report->WatchAlerts(context_.get(), req);
    // Returns once the server admitted the watch (its initial metadata) or refused it (the
    // status), so the next watch is judged with this one counted.
    reader_->WaitForInitialMetadata();
    if (read) thread_ = std::thread([this] { Drain(); });
  }
  ~Watch() {
    context_->TryCancel();
    Finish();
  }

  // Whether the stream has ended (only known for a reading watch).
  bool ended() const {
    std::lock_guard<std::mutex> lock(mu_);
    return ended_;
  }
  std::vector<v1::Alert> received() const {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }
  // Waits for the end of the stream (reading what is left) and returns its status.
  grpc::Status Finish() {
    if (!thread_.joinable() && !ended_) Drain();
    if (thread_.joinable()) thread_.join();
    return status_;
  }

 private:
  void Drain() {
    v1::Alert alert;
    while (reader_->Read(&alert)) {
      std::lock_guard<std::mutex> lock(mu_);
      received_.push_back(alert);
    }
    grpc::Status finished = reader_->Finish();
    std::lock_guard<std::mutex> lock(mu_);
    status_ = finished;
    ended_ = true;
  }

  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientReader<v1::Alert>> reader_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<v1::Alert> received_;  // guarded by mu_
  bool ended_ = false;               // guarded by mu_
  grpc::Status status_;              // written by Drain before ended_
};

// Opens a reading watch and waits until the server has admitted it (open() grows by one).
std::unique_ptr<Watch> Admitted(F& f, const Token& token, const std::string& parent) {
  const int before = f.server->watches().open();
  auto w = std::make_unique<Watch>(f, token, parent, true);
  REQUIRE(Eventually([&] { return f.server->watches().open() == before + 1; }));
  return w;
}

// Opens a watch the server must refuse; returns how it ended.
grpc::Status Refused(F& f, const Token& token, const std::string& parent) {
  Watch w(f, token, parent, true);
  grpc::Status s = w.Finish();
  CHECK(w.received().empty());
  return s;
}

// An account made through the store as the operator would: a clinic admin, or a therapist.
Token AddAccount(F& f, const std::string& clinic, const std::string& username, Role role) {
  auto hash = HashPassword(username + "-password");
  REQUIRE(hash.ok());
  Account account;
  account.username = username;
  account.password_hash = *hash;
  account.role = role;
  account.clinic_id = clinic;
  account.create_time = f.clock.Now();
  if (role == Role::kTherapist) {
    account.subject_id = username;
    REQUIRE(f.store->CreateTherapist({username, clinic, username, username}, account).ok());
  } else {
    REQUIRE(f.store->CreateAccount(account).ok());
  }
  return f.SignIn(username, username + "-password");
}

bool Mentions(const grpc::Status& s, const std::string& word) {
  return s.error_message().find(word) != std::string::npos;
}

}  // namespace

TEST_CASE("WatchAlerts limits watches per user, per clinic and in total, clinics apart",
          "[reports][hardening]") {
  F f(SmallLimits());  // 2 per user, 3 per clinic, 5 in all
  REQUIRE(f.store->CreateClinic({"north", "North PT", "Europe/Oslo"}).ok());
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const Token therapist_again = f.SignIn(kTherapistUser, kTherapistPass);  // a second device
  const Token admin = f.SignIn(kAdminUser, kAdminPass);
  const Token lee = AddAccount(f, "demo", "lee", Role::kTherapist);
  const Token north_admin = AddAccount(f, "north", "north-admin", Role::kClinicAdmin);
  const Token north_therapist = AddAccount(f, "north", "north-ther", Role::kTherapist);

  // Per user, whichever of their tokens: the third is refused and the message says why.
  auto t1 = Admitted(f, therapist, kClinic);
  auto t2 = Admitted(f, therapist_again, kClinic);
  grpc::Status s = Refused(f, therapist, kClinic);
  CHECK(s.error_code() == Code::RESOURCE_EXHAUSTED);
  CHECK(Mentions(s, "one user"));
  // Per clinic: demo's admin takes the clinic's third; demo's other therapist is refused.
  auto a1 = Admitted(f, admin, kClinic);
  s = Refused(f, lee, kClinic);
  CHECK(s.error_code() == Code::RESOURCE_EXHAUSTED);
  CHECK(Mentions(s, "one clinic"));
  // Demo at its limit does not stop North.
  auto n1 = Admitted(f, north_admin, "clinics/north");
  auto n2 = Admitted(f, north_admin, "clinics/north");
  CHECK(f.server->watches().open() == 5);
  // The total: North is below its clinic limit (2 of 3) but the server is full (5 of 5).
  s = Refused(f, north_therapist, "clinics/north");
  CHECK(s.error_code() == Code::RESOURCE_EXHAUSTED);
  CHECK(Mentions(s, "server"));
  // A watch that ends frees its places: lee gets demo's place back.
  t2.reset();
  REQUIRE(Eventually([&] { return f.server->watches().open() == 4; }));
  auto l1 = Admitted(f, lee, kClinic);
  CHECK(f.server->watches().open() == 5);
  for (Watch* w : {t1.get(), a1.get(), n1.get(), n2.get(), l1.get()}) CHECK_FALSE(w->ended());
}

TEST_CASE("WatchAlerts: a sign-out ends the watch at once and nothing stored later reaches it",
          "[reports][hardening]") {
  F f(SmallLimits());
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const Token watching = f.SignIn(kTherapistUser, kTherapistPass);
  const TestPatient ava = NewPatient(f, therapist, "watch-ava", "Ava Stream", "America/New_York",
                                     false);  // an inactivity alert to start with
  auto w = Admitted(f, watching, kClinic);
  REQUIRE(Eventually([&] { return !w->received().empty(); }));
  const size_t before = w->received().size();

  v1::SignOutResponse out;
  REQUIRE_OK(
      F::Call(*f.auth, &v1::AuthService::Stub::SignOut, watching, v1::SignOutRequest(), &out));
  // Stored right after the sign-out returned (the clock has not moved, so no periodic check ran).
  const TestPatient bo = NewPatient(f, therapist, "watch-bo", "Bo Stream", "Europe/London", false);
  const grpc::Status ended = w->Finish();
  CHECK(ended.error_code() == Code::UNAUTHENTICATED);
  CHECK(w->received().size() == before);
  for (const v1::Alert& a : w->received()) CHECK(a.patient() != bo.name);
  CHECK(f.server->watches().open() == 0);
}

TEST_CASE("WatchAlerts: a token revoked in the database is caught before the next alert is sent",
          "[reports][hardening]") {
  F f(SmallLimits());
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const Token watching = f.SignIn(kTherapistUser, kTherapistPass);
  NewPatient(f, therapist, "watch-ava", "Ava Stream", "America/New_York", false);
  auto w = Admitted(f, watching, kClinic);
  REQUIRE(Eventually([&] { return !w->received().empty(); }));
  const size_t before = w->received().size();

  // As `ptrackd admin revoke-tokens` does from another process: the server is not told.
  REQUIRE(f.store->RevokeTokens(kTherapistUser).ok());
  const Token fresh = f.SignIn(kTherapistUser, kTherapistPass);
  const TestPatient bo = NewPatient(f, fresh, "watch-bo", "Bo Stream", "Europe/London", false);
  const grpc::Status ended = w->Finish();
  CHECK(ended.error_code() == Code::UNAUTHENTICATED);
  CHECK(w->received().size() == before);
  for (const v1::Alert& a : w->received()) CHECK(a.patient() != bo.name);
}

TEST_CASE("WatchAlerts: with no alert coming, the periodic check ends a revoked or idle watch",
          "[reports][hardening]") {
  F f(SmallLimits());  // token_check 5 s; staff tokens idle out after 12 h
  const Token revoked = f.SignIn(kTherapistUser, kTherapistPass);
  const Token idle = f.SignIn(kAdminUser, kAdminPass);
  auto r = Admitted(f, revoked, kClinic);
  auto i = Admitted(f, idle, kClinic);

  REQUIRE(f.store->RevokeTokens(kTherapistUser).ok());
  f.clock.Advance(std::chrono::seconds(6));
  REQUIRE(Eventually([&] { return r->ended(); }));
  CHECK(r->Finish().error_code() == Code::UNAUTHENTICATED);
  CHECK_FALSE(i->ended());  // the admin's token is still good (and the check counts as use)

  f.clock.Advance(std::chrono::hours(13));
  REQUIRE(Eventually([&] { return i->ended(); }));
  CHECK(i->Finish().error_code() == Code::UNAUTHENTICATED);
}

TEST_CASE("WatchAlerts: a client that stops reading is closed after the stall bound",
          "[reports][hardening]") {
  F f(SmallLimits());  // write_stall 10 s by the injected clock
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  NewPatient(f, therapist, "watch-ava", "Ava Stream", "America/New_York", false);
  NewPatient(f, therapist, "watch-bo", "Bo Stream", "Europe/London", false);

  auto stuck = std::make_unique<Watch>(f, therapist, kClinic, /*read=*/false);
  // The server's first Write waits for a Read that never comes.
  REQUIRE(Eventually([&] { return f.server->watches().writing() == 1; }));
  f.clock.Advance(std::chrono::seconds(11));
  REQUIRE(Eventually([&] { return f.server->watches().open() == 0; }));
  CHECK(stuck->Finish().error_code() == Code::CANCELLED);
}

TEST_CASE("WatchAlerts: revoking the token of a client that stopped reading ends it at once",
          "[reports][hardening]") {
  F f(SmallLimits());
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const Token watching = f.SignIn(kTherapistUser, kTherapistPass);
  NewPatient(f, therapist, "watch-ava", "Ava Stream", "America/New_York", false);
  NewPatient(f, therapist, "watch-bo", "Bo Stream", "Europe/London", false);

  auto stuck = std::make_unique<Watch>(f, watching, kClinic, /*read=*/false);
  REQUIRE(Eventually([&] { return f.server->watches().writing() == 1; }));
  v1::SignOutResponse out;
  REQUIRE_OK(
      F::Call(*f.auth, &v1::AuthService::Stub::SignOut, watching, v1::SignOutRequest(), &out));
  // The clock stands still: neither the stall bound nor the periodic check can be what ends it.
  REQUIRE(Eventually([&] { return f.server->watches().open() == 0; }));
  const grpc::Status ended = stuck->Finish();
  CHECK(ended.error_code() == Code::CANCELLED);
}

TEST_CASE("WatchAlerts: redeeming an enrolment code ends the account's blocked watches at once",
          "[reports][hardening]") {
  F f(SmallLimits());
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const Token admin = f.SignIn(kAdminUser, kAdminPass);
  NewPatient(f, therapist, "watch-ava", "Ava Stream", "America/New_York", false);
  NewPatient(f, therapist, "watch-bo", "Bo Stream", "Europe/London", false);

  auto stuck = std::make_unique<Watch>(f, therapist, kClinic, /*read=*/false);
  REQUIRE(Eventually([&] { return f.server->watches().writing() == 1; }));
  // The admin resets the therapist's password; redeeming the code revokes every earlier token.
  v1::CreateEnrolmentCodeRequest issue;
  issue.set_name(kRivera);
  v1::EnrolmentCode code;
  REQUIRE_OK(
      F::Call(*f.clinic, &v1::ClinicService::Stub::CreateEnrolmentCode, admin, issue, &code));
  v1::EnrolRequest enrol;
  enrol.set_code(code.code());
  enrol.set_password("a-new-password-1");
  v1::SignInResponse signed_in;
  REQUIRE_OK(F::Call(*f.auth, &v1::AuthService::Stub::Enrol, Token(), enrol, &signed_in));
  // The clock stands still: neither the stall bound nor the periodic check can be what ends it.
  REQUIRE(Eventually([&] { return f.server->watches().open() == 0; }));
  CHECK(stuck->Finish().error_code() == Code::CANCELLED);
}

}  // namespace ptrack::testing

namespace ptrack::testing {
namespace {

TEST_CASE("WatchAlerts: at shutdown every watch ends UNAVAILABLE, reading or idle",
          "[reports][hardening]") {
  F f(SmallLimits());
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const Token admin = f.SignIn(kAdminUser, kAdminPass);
  NewPatient(f, therapist, "watch-ava", "Ava Stream", "America/New_York", false);
  auto reading = Admitted(f, therapist, kClinic);
  REQUIRE(Eventually([&] { return !reading->received().empty(); }));
  auto idle = Admitted(f, admin, kClinic);  // has read its alert too, and now waits

  // No thread waits inside either watch: the hub's closing must wake them.
  f.server->Shutdown(std::chrono::seconds(10));
  CHECK(reading->Finish().error_code() == Code::UNAVAILABLE);
  CHECK(idle->Finish().error_code() == Code::UNAVAILABLE);
  CHECK(f.server->watches().open() == 0);
}

}  // namespace
}  // namespace ptrack::testing
