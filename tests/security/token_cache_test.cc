// The token cache never outlives a revocation (docs/SECURITY.md "Passwords and tokens"), against
// the real ptrackd: the server caches each resolved bearer token, so every test first uses a
// token twice (the second call is answered from the cache) and then revokes it — from another
// process with the real `ptrackd admin revoke-tokens` and `ptrackd admin disable-account` on the
// same database file while the server runs, by SignOut in the server itself, and by a clinic
// admin's DisableAccount — and requires the very next call with it to be UNAUTHENTICATED, while
// tokens nobody revoked keep working.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "ptrack/v1/auth.grpc.pb.h"
#include "ptrack/v1/clinic.grpc.pb.h"
#include "tests/integration/process.h"

namespace ptrack::testing {
namespace {

using Code = grpc::StatusCode;

// The demo clinic's sign-ins (service/demo.cc).
constexpr const char* kTherapist = "therapist";
constexpr const char* kTherapistPass = "demo-therapist-pass";
constexpr const char* kAdmin = "admin";
constexpr const char* kAdminPass = "demo-admin-pass";

class Client {
 public:
  explicit Client(const std::string& address)
      : channel_(grpc::CreateChannel(address, grpc::InsecureChannelCredentials())),
        auth_(v1::AuthService::NewStub(channel_)),
        clinic_(v1::ClinicService::NewStub(channel_)) {}

  std::string SignIn(const std::string& user, const std::string& password) {
    auto context = Context("");
    v1::SignInRequest req;
    req.set_username(user);
    req.set_password(password);
    v1::SignInResponse resp;
    const grpc::Status s = auth_->SignIn(context.get(), req, &resp);
    INFO(s.error_message());
    REQUIRE(s.ok());
    return resp.token();
  }

  grpc::Status WhoAmI(const std::string& token) {
    auto context = Context(token);
    v1::Principal who;
    return auth_->WhoAmI(context.get(), v1::WhoAmIRequest(), &who);
  }

  grpc::Status SignOut(const std::string& token) {
    auto context = Context(token);
    v1::SignOutResponse resp;
    return auth_->SignOut(context.get(), v1::SignOutRequest(), &resp);
  }

  grpc::Status Disable(const std::string& token, const std::string& account, bool disable) {
    auto context = Context(token);
    v1::Account resp;
    if (disable) {
      v1::DisableAccountRequest req;
      req.set_name(account);
      return clinic_->DisableAccount(context.get(), req, &resp);
    }
    v1::EnableAccountRequest req;
    req.set_name(account);
    return clinic_->EnableAccount(context.get(), req, &resp);
  }

 private:
  static std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
    return context;
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AuthService::Stub> auth_;
  std::unique_ptr<v1::ClinicService::Stub> clinic_;
};

// Runs `ptrackd admin ARGS...` (another process, the same database file) and requires success.
void Admin(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {PTRACKD, "admin"};
  argv.insert(argv.end(), args.begin(), args.end());
  const RunResult r = RunWithDeadline(argv, {}, std::chrono::seconds(60));
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE_FALSE(r.timed_out);
  REQUIRE(r.exit_code == 0);
}

// Uses the token twice: the first call resolves it from the database, the second from the cache.
void Warm(Client& client, const std::string& token) {
  REQUIRE(client.WhoAmI(token).ok());
  REQUIRE(client.WhoAmI(token).ok());
}

TEST_CASE("A cached token revoked by ptrackd admin in another process fails on the next call",
          "[security]") {
  TempDir dir;
  const std::string db = dir.path() + "/ptrack.db";
  Ptrackd server(PTRACKD, db, dir.path(), {"--demo", "--http-listen", "off"});
  Client client(server.address());
  const std::string token = client.SignIn(kTherapist, kTherapistPass);
  const std::string admin = client.SignIn(kAdmin, kAdminPass);
  Warm(client, token);
  Warm(client, admin);

  Admin({"revoke-tokens", "--db", db, "--username", kTherapist});
  CHECK(client.WhoAmI(token).error_code() == Code::UNAUTHENTICATED);
  CHECK(client.WhoAmI(admin).ok());  // someone else's token is untouched

  // The same for disabling from another process, with a token signed in after the revocation.
  const std::string again = client.SignIn(kTherapist, kTherapistPass);
  Warm(client, again);
  Admin({"disable-account", "--db", db, "--username", kTherapist});
  CHECK(client.WhoAmI(again).error_code() == Code::UNAUTHENTICATED);
  CHECK(client.WhoAmI(admin).ok());
  Admin({"enable-account", "--db", db, "--username", kTherapist});
  // Enabling does not bring back the revoked token; a new sign-in works.
  CHECK(client.WhoAmI(again).error_code() == Code::UNAUTHENTICATED);
  Warm(client, client.SignIn(kTherapist, kTherapistPass));
  CHECK(server.Stop() == 0);
}

TEST_CASE("A cached token fails on the next call after its own sign-out, and only it",
          "[security]") {
  TempDir dir;
  Ptrackd server(PTRACKD, dir.path() + "/ptrack.db", dir.path(),
                 {"--demo", "--http-listen", "off"});
  Client client(server.address());
  const std::string phone = client.SignIn(kTherapist, kTherapistPass);
  const std::string desk = client.SignIn(kTherapist, kTherapistPass);
  Warm(client, phone);
  Warm(client, desk);

  REQUIRE(client.SignOut(phone).ok());
  CHECK(client.WhoAmI(phone).error_code() == Code::UNAUTHENTICATED);
  CHECK(client.WhoAmI(desk).ok());
  CHECK(client.SignOut(phone).error_code() == Code::UNAUTHENTICATED);
  CHECK(server.Stop() == 0);
}

TEST_CASE("A cached token fails on the next call after an admin disables its account",
          "[security]") {
  TempDir dir;
  Ptrackd server(PTRACKD, dir.path() + "/ptrack.db", dir.path(),
                 {"--demo", "--http-listen", "off"});
  Client client(server.address());
  const std::string admin = client.SignIn(kAdmin, kAdminPass);
  const std::string token = client.SignIn(kTherapist, kTherapistPass);
  Warm(client, admin);
  Warm(client, token);

  const std::string account = std::string("clinics/demo/accounts/") + kTherapist;
  REQUIRE(client.Disable(admin, account, true).ok());
  CHECK(client.WhoAmI(token).error_code() == Code::UNAUTHENTICATED);
  CHECK(client.WhoAmI(admin).ok());
  REQUIRE(client.Disable(admin, account, false).ok());
  CHECK(client.WhoAmI(token).error_code() == Code::UNAUTHENTICATED);
  CHECK(server.Stop() == 0);
}

}  // namespace
}  // namespace ptrack::testing
