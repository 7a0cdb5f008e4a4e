// Account hardening against the real ptrackd (docs/SECURITY.md "Failed sign-ins" and
// "Accounts"). A flood of sign-ins for unknown names from one source address (127.0.0.1, which
// also tries to pass itself off as other addresses with the HTTP bridge's header) is answered
// RESOURCE_EXHAUSTED before any hashing once its burst is spent, while a genuine user connecting
// from another source address (::1: the server listens on the dual-stack [::]) keeps signing in.
// And the account life cycle through the real binaries: a clinic admin disables an account with
// `ptrack account-disable` (its saved sign-in stops working, sign-in is refused as a wrong
// password), the operator enables it with `ptrackd admin enable-account` while the server runs,
// the operator disables it and the admin enables it again; an admin cannot disable themself.
// The flood test prints its figures.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "ptrack/v1/auth.grpc.pb.h"
#include "tests/integration/cli.h"
#include "tests/integration/process.h"

namespace ptrack::testing {
namespace {

using Catch::Matchers::Contains;
using Code = grpc::StatusCode;
using Clock = std::chrono::steady_clock;

constexpr int kBurst = 30;        // SecurityPolicy::address_burst's default
constexpr int kDrainSeconds = 2;  // SecurityPolicy::address_drain_every's default

grpc::Status SignIn(v1::AuthService::Stub& stub, const std::string& user,
                    const std::string& password, const std::string& spoofed_address = "") {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  if (!spoofed_address.empty()) context.AddMetadata("x-ptrack-client-address", spoofed_address);
  v1::SignInRequest req;
  req.set_username(user);
  req.set_password(password);
  v1::SignInResponse resp;
  return stub.SignIn(&context, req, &resp);
}

TEST_CASE(
    "A sign-in flood from one address is refused before hashing while another address signs in",
    "[hardening]") {
  TempDir dir;
  Ptrackd server(PTRACKD, dir.path() + "/ptrack.db", dir.path(),
                 {"--demo", "--insecure", "--http-listen", "off"}, "[::]:0");
  const std::string port = server.address().substr(server.address().rfind(':') + 1);
  auto flood_channel = grpc::CreateChannel("127.0.0.1:" + port, grpc::InsecureChannelCredentials());
  auto genuine_channel = grpc::CreateChannel("[::1]:" + port, grpc::InsecureChannelCredentials());
  auto genuine = v1::AuthService::NewStub(genuine_channel);
  REQUIRE(SignIn(*genuine, "patient", "demo-patient-pass").ok());  // warm: the channel is up

  constexpr int kFloodThreads = 8;
  std::atomic<bool> stop{false};
  std::atomic<int> hashed{0}, refused{0}, busy{0}, other{0}, sent{0};
  std::vector<std::thread> flood;
  const Clock::time_point start = Clock::now();
  for (int t = 0; t < kFloodThreads; ++t) {
    flood.emplace_back([&, t] {
      auto stub = v1::AuthService::NewStub(flood_channel);
      for (int i = 0; !stop.load(); ++i) {
        // A new unknown name every time (no per-name throttle), and a new claimed address (which a
        // TCP caller must not be believed).
        const std::string n = std::to_string(t) + "-" + std::to_string(i);
        const grpc::Status s = SignIn(*stub, "flood-" + n, "guess-guess-guess",
                                      "10." + std::to_string(t) + "." + std::to_string(i % 250) +
                                          "." + std::to_string(i / 250 % 250));
        ++sent;
        switch (s.error_code()) {
          case Code::UNAUTHENTICATED:
            ++hashed;
            break;
          case Code::RESOURCE_EXHAUSTED:
            ++refused;
            break;
          case Code::UNAVAILABLE:
            ++busy;
            break;
          default:
            ++other;
        }
      }
    });
  }
  // The genuine user signs in repeatedly while the flood runs (and is already refused; without
  // the throttle the flood would hash every attempt: give up waiting after 1000 of them).
  while (refused.load() < 200 && sent.load() < 1000) std::this_thread::yield();
  std::vector<grpc::Status> genuine_results;
  std::vector<double> genuine_ms;
  for (int i = 0; i < 10; ++i) {
    const Clock::time_point t0 = Clock::now();
    genuine_results.push_back(SignIn(*genuine, "patient", "demo-patient-pass"));
    genuine_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  const int refused_during_genuine = refused.load();
  stop = true;
  for (std::thread& t : flood) t.join();
  const double elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();

  std::printf(
      "sign-in flood from 127.0.0.1 (%d threads, spoofed address headers): %d calls in %.1f s: "
      "%d hashed (UNAUTHENTICATED), %d refused before hashing (RESOURCE_EXHAUSTED), %d "
      "UNAVAILABLE, %d other\n",
      kFloodThreads, sent.load(), elapsed_s, hashed.load(), refused.load(), busy.load(),
      other.load());
  std::printf("genuine sign-ins from ::1 during the flood (ms):");
  for (double ms : genuine_ms) std::printf(" %.0f", ms);
  std::printf("\n");

  for (const grpc::Status& s : genuine_results) {
    INFO(s.error_code() << " " << s.error_message());
    CHECK(s.ok());
  }
  CHECK(refused_during_genuine >= 200);
  // The flood's address got its burst and one attempt per drain period, whatever it claimed to
  // be: every other attempt was refused without a hash.
  CHECK(hashed.load() <= kBurst + static_cast<int>(elapsed_s / kDrainSeconds) + 1);
  CHECK(busy.load() == 0);
  CHECK(other.load() == 0);
  CHECK(server.Stop() == 0);
}

// Runs `ptrackd admin ARGS...`.
RunResult Admin(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {PTRACKD, "admin"};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult r = RunWithDeadline(argv, {}, std::chrono::seconds(60));
  REQUIRE_FALSE(r.timed_out);
  return r;
}

void CheckFails(const RunResult& r, const std::string& code) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains(code));
}

TEST_CASE("Accounts are disabled and enabled by a clinic admin's CLI and by the operator",
          "[hardening]") {
  TempDir dir;
  const std::string db = dir.path() + "/ptrack.db";
  Ptrackd server(PTRACKD, db, dir.path(), {"--demo"});
  const Cli admin(server.address(), dir.path() + "/admin");
  const Cli patient(server.address(), dir.path() + "/patient");
  admin.Login("admin", "demo-admin-pass");
  patient.Login("patient", "demo-patient-pass");
  REQUIRE(patient({"whoami"}).exit_code == 0);

  RunResult r = admin({"account-disable", "patient"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("Disabled patient"));
  CheckFails(patient({"whoami"}), "UNAUTHENTICATED");  // the saved token died with it
  const RunResult refused = patient({"login", "patient", "--password", "demo-patient-pass"});
  CheckFails(refused, "UNAUTHENTICATED");
  CHECK_THAT(refused.err, Contains("unknown user name or wrong password"));

  // The operator, on the server's machine, while it runs.
  r = Admin({"enable-account", "--db", db, "--username", "patient"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("Enabled patient"));
  patient.Login("patient", "demo-patient-pass");
  REQUIRE(patient({"whoami"}).exit_code == 0);
  r = Admin({"disable-account", "--db", db, "--username", "patient"});
  REQUIRE(r.exit_code == 0);
  CheckFails(patient({"whoami"}), "UNAUTHENTICATED");
  r = admin({"account-enable", "patient"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("Enabled patient"));
  CheckFails(patient({"whoami"}), "UNAUTHENTICATED");  // enabling does not revive old tokens
  patient.Login("patient", "demo-patient-pass");
  CHECK(patient({"whoami"}).exit_code == 0);

  CheckFails(admin({"account-disable", "admin"}), "FAILED_PRECONDITION");
  CHECK(admin({"whoami"}).exit_code == 0);
  CheckFails(patient({"account-disable", "therapist"}), "PERMISSION_DENIED");
  CheckFails(Admin({"disable-account", "--db", db, "--username", "nobody"}), "NOT_FOUND");
  CHECK(server.Stop() == 0);
}

}  // namespace
}  // namespace ptrack::testing
