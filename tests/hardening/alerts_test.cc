// Attacks on ReportService.WatchAlerts against the real ptrackd (docs/SECURITY.md "Alert
// watches"): one therapist opening watch after watch is refused past the per-user limit, and a
// clinic at its limit does not stop another clinic's admin; a client that opens a watch and
// never reads (a channel with BDP probing off and a tiny stream window, fed more alerts than the
// window holds, so that the server's Write really blocks) is closed within the stall bound; and
// a revoked token — by sign-out or by `ptrackd admin revoke-tokens` from another process — ends
// a reading watch with UNAUTHENTICATED and a blocked one at once, with no alert stored after the
// revocation delivered. Whether a watch is still open on the server is probed from outside
// through the per-user limit (set to 1): a second watch of the same user is refused while the
// first is open. Figures (how long until closed, what was delivered) are printed; bounds are
// generous.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "ptrack/v1/auth.grpc.pb.h"
#include "ptrack/v1/clinic.grpc.pb.h"
#include "ptrack/v1/program.grpc.pb.h"
#include "ptrack/v1/report.grpc.pb.h"
#include "tests/integration/process.h"

namespace ptrack::testing {
namespace {

using Clock = std::chrono::steady_clock;
using Code = grpc::StatusCode;
namespace v1 = ::ptrack::v1;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Runs `ptrackd admin ARGS...`; such a command must finish on its own.
RunResult Admin(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {PTRACKD, "admin"};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult r = RunWithDeadline(argv, {}, std::chrono::seconds(60));
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

std::unique_ptr<grpc::ClientContext> Context(const std::string& token,
                                             std::chrono::seconds deadline) {
  auto c = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) c->AddMetadata("authorization", "Bearer " + token);
  c->set_deadline(std::chrono::system_clock::now() + deadline);
  return c;
}

// A ptrackd with the demo clinic and clinic "north" (admin "boss", enrolled), and stubs.
struct Server {
  explicit Server(const std::vector<std::string>& flags) {
    const std::string db = dir.path() + "/ptrack.db";
    const RunResult created = Admin({"create-clinic", "--db", db, "--clinic", "north", "--name",
                                     "North PT", "--time-zone", "Europe/Oslo", "--admin", "boss"});
    std::smatch m;
    REQUIRE(std::regex_search(created.out, m, std::regex("Enrolment code for boss: ([^\\s]+)")));
    const std::string code = m[1];
    std::vector<std::string> args = {"--demo"};
    args.insert(args.end(), flags.begin(), flags.end());
    server = std::make_unique<Ptrackd>(PTRACKD, db, dir.path(), args);
    channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
    auth = v1::AuthService::NewStub(channel);
    clinic = v1::ClinicService::NewStub(channel);
    program = v1::ProgramService::NewStub(channel);
    report = v1::ReportService::NewStub(channel);
    v1::EnrolRequest enrol;
    enrol.set_code(code);
    enrol.set_password("boss-password-1");
    v1::SignInResponse signed_in;
    auto c = Context("", std::chrono::seconds(30));
    const grpc::Status s = auth->Enrol(c.get(), enrol, &signed_in);
    INFO(s.error_message());
    REQUIRE(s.ok());
    boss = signed_in.token();
  }

  std::string SignIn(const std::string& user, const std::string& password) {
    v1::SignInRequest req;
    req.set_username(user);
    req.set_password(password);
    v1::SignInResponse resp;
    auto c = Context("", std::chrono::seconds(30));
    const grpc::Status s = auth->SignIn(c.get(), req, &resp);
    INFO(s.error_message());
    REQUIRE(s.ok());
    return resp.token();
  }

  grpc::Status SignOut(const std::string& token) {
    v1::SignOutResponse resp;
    auto c = Context(token, std::chrono::seconds(30));
    return auth->SignOut(c.get(), v1::SignOutRequest(), &resp);
  }

  // Demo patients with 100-character names whose programs started three weeks ago: each has an
  // inactivity alert of a few hundred bytes. Returns their resource names.
  std::set<std::string> MakeAlerts(const std::string& therapist, int n, const std::string& tag) {
    const auto start = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) -
                       std::chrono::days(21);
    const std::chrono::year_month_day ymd{start};
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    std::set<std::string> names;
    for (int i = 0; i < n; ++i) {
      char id[40];
      std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", ++next_patient);
      v1::CreatePatientRequest create;
      create.set_parent("clinics/demo");
      create.set_patient_id(id);
      std::string name = tag + " " + std::to_string(i) + " ";
      name.resize(100, 'x');
      create.mutable_patient()->set_display_name(name);
      create.mutable_patient()->set_time_zone("Europe/London");
      create.set_username("fill-" + std::to_string(next_patient));
      v1::Patient patient;
      auto c1 = Context(therapist, std::chrono::seconds(30));
      grpc::Status s = clinic->CreatePatient(c1.get(), create, &patient);
      INFO(s.error_message());
      REQUIRE(s.ok());
      v1::CreateProgramRequest assign;
      assign.set_parent(patient.name());
      assign.set_program_id(std::string(id).replace(0, 1, "1"));
      assign.mutable_program()->set_protocol("protocols/upper-back-neck-core-12w");
      assign.mutable_program()->set_start_date(date);
      v1::Program created;
      auto c2 = Context(therapist, std::chrono::seconds(30));
      s = program->CreateProgram(c2.get(), assign, &created);
      INFO(s.error_message());
      REQUIRE(s.ok());
      names.insert(patient.name());
    }
    return names;
  }

  // How a watch of `token` on `parent` that must be refused or admitted goes: admitted when it is
  // still open after `patience` (it then ends DEADLINE_EXCEEDED, having read whatever came).
  grpc::Status Probe(const std::string& token, const std::string& parent,
                     std::chrono::seconds patience = std::chrono::seconds(1)) {
    auto c = Context(token, patience);
    v1::WatchAlertsRequest req;
    req.set_parent(parent);
    auto reader = report->WatchAlerts(c.get(), req);
    v1::Alert alert;
    while (reader->Read(&alert)) {
    }
    return reader->Finish();
  }

  // Waits (at most `limit`) until a watch of `token` is admitted, i.e. the user's only allowed
  // watch was released; returns how long after `since` the admitted probe started (the release
  // happened before it and after the previous, refused, probe), or nullopt.
  std::optional<Clock::duration> UntilReleased(const std::string& token, Clock::time_point since,
                                               std::chrono::seconds limit) {
    const auto until = Clock::now() + limit;
    while (Clock::now() < until) {
      const auto start = Clock::now();  // the probe is admitted (or refused) right after this
      const grpc::Status s = Probe(token, "clinics/demo", std::chrono::seconds(1));
      if (s.error_code() == Code::DEADLINE_EXCEEDED) return start - since;
      if (s.error_code() != Code::RESOURCE_EXHAUSTED) {
        FAIL("probe ended " << s.error_code() << " " << s.error_message());
      }
    }
    return std::nullopt;
  }

  TempDir dir;
  std::unique_ptr<Ptrackd> server;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::AuthService::Stub> auth;
  std::unique_ptr<v1::ClinicService::Stub> clinic;
  std::unique_ptr<v1::ProgramService::Stub> program;
  std::unique_ptr<v1::ReportService::Stub> report;
  std::string boss;
  int next_patient = 0;
};

// A watch on a channel of its own that does not read until told: BDP probing off and a tiny
// stream window, so that the server's flow-control window fills after a few alerts.
struct SlowWatch {
  SlowWatch(const std::string& address, const std::string& token) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
    args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 1024);
    channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
    stub = v1::ReportService::NewStub(channel);
    context = Context(token, std::chrono::seconds(300));
    v1::WatchAlertsRequest req;
    req.set_parent("clinics/demo");
    reader = stub->WatchAlerts(context.get(), req);
    // The server sends its initial metadata as soon as it admits the watch, so this returns once
    // the watch holds its place (and consumes no message, so no flow-control window).
    reader->WaitForInitialMetadata();
    opened = Clock::now();
  }
  // Reads everything the client holds, then the status.
  grpc::Status ReadAll() {
    v1::Alert alert;
    while (reader->Read(&alert)) received.push_back(alert);
    return reader->Finish();
  }

  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::ReportService::Stub> stub;
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::ClientReader<v1::Alert>> reader;
  Clock::time_point opened;
  std::vector<v1::Alert> received;
};

// The alerts stored so far, as the clinic's admin lists them.
int CountAlerts(Server& s, const std::string& admin) {
  int64_t cursor = 0;
  int n = 0;
  for (;;) {
    v1::ListAlertsRequest req;
    req.set_parent("clinics/demo");
    req.set_after_cursor(cursor);
    req.set_page_size(200);
    v1::ListAlertsResponse resp;
    auto c = Context(admin, std::chrono::seconds(30));
    const grpc::Status st = s.report->ListAlerts(c.get(), req, &resp);
    REQUIRE(st.ok());
    n += resp.alerts_size();
    if (resp.alerts_size() == 0) return n;
    cursor = resp.next_cursor();
  }
}

constexpr int kAlertsToFill = 150;  // ~60 KB of alerts: far more than the slow client's window

}  // namespace

TEST_CASE(
    "Hardening: a therapist opening many watches is refused past the per-user limit, "
    "and a clinic at its limit does not stop another clinic",
    "[hardening]") {
  Server s({"--watches-per-clinic", "6"});  // per user: the default, 4
  const std::string therapist = s.SignIn("therapist", "demo-therapist-pass");
  const std::string admin = s.SignIn("admin", "demo-admin-pass");

  struct Open {
    std::unique_ptr<grpc::ClientContext> context;
    std::unique_ptr<grpc::ClientReader<v1::Alert>> reader;
  };
  std::vector<Open> held;
  auto hold = [&](const std::string& token) {
    Open o{Context(token, std::chrono::seconds(120)), nullptr};
    v1::WatchAlertsRequest req;
    req.set_parent("clinics/demo");
    o.reader = s.report->WatchAlerts(o.context.get(), req);
    o.reader->WaitForInitialMetadata();  // admitted: the server holds its place
    held.push_back(std::move(o));
  };
  for (int i = 0; i < 4; ++i) hold(therapist);
  grpc::Status refused = s.Probe(therapist, "clinics/demo");
  std::cout << "5th watch of one therapist: " << refused.error_code() << " "
            << refused.error_message() << "\n";
  CHECK(refused.error_code() == Code::RESOURCE_EXHAUSTED);
  CHECK(refused.error_message().find("one user") != std::string::npos);
  hold(admin);
  hold(admin);
  refused = s.Probe(admin, "clinics/demo");
  std::cout << "7th watch of clinic demo: " << refused.error_code() << " "
            << refused.error_message() << "\n";
  CHECK(refused.error_code() == Code::RESOURCE_EXHAUSTED);
  CHECK(refused.error_message().find("one clinic") != std::string::npos);
  // North's admin still watches (the probe stays open until its deadline).
  const grpc::Status north = s.Probe(s.boss, "clinics/north");
  CHECK(north.error_code() == Code::DEADLINE_EXCEEDED);
  for (Open& o : held) o.context->TryCancel();
  for (Open& o : held) (void)o.reader->Finish();
}

TEST_CASE("Hardening: a watch whose client stops reading is closed within the stall bound",
          "[hardening]") {
  Server s({"--watches-per-user", "1", "--watch-stall-seconds", "3"});
  const std::string therapist = s.SignIn("therapist", "demo-therapist-pass");
  const std::string admin = s.SignIn("admin", "demo-admin-pass");
  const auto made = Clock::now();
  s.MakeAlerts(therapist, kAlertsToFill, "fill");
  const int stored = CountAlerts(s, admin);
  std::cout << "made " << kAlertsToFill << " patients in " << Seconds(Clock::now() - made) << " s; "
            << stored << " alerts stored\n";

  SlowWatch slow(s.server->address(), therapist);
  const auto closed = s.UntilReleased(therapist, slow.opened, std::chrono::seconds(60));
  REQUIRE(closed.has_value());
  const grpc::Status ended = slow.ReadAll();
  std::cout << "the non-reading watch was closed " << Seconds(*closed)
            << " s after it opened (stall bound 3 s); the client then read " << slow.received.size()
            << " of " << stored << " alerts and " << ended.error_code() << " "
            << ended.error_message() << "\n";
  CHECK(Seconds(*closed) < 30);
  CHECK(static_cast<int>(slow.received.size()) < stored);  // the server's Write had blocked
  CHECK(ended.error_code() == Code::CANCELLED);
}

TEST_CASE(
    "Hardening: a revoked token ends a watch, reading or blocked, and nothing later "
    "reaches it",
    "[hardening]") {
  // Long stall bound and token check: what ends these watches is the revocation itself.
  Server s({"--watches-per-user", "1", "--watch-stall-seconds", "120",
            "--watch-token-check-seconds", "120"});
  const std::string therapist = s.SignIn("therapist", "demo-therapist-pass");
  s.MakeAlerts(therapist, kAlertsToFill, "fill");

  // A reading watch of the admin that has read everything stored (so its handler is idle),
  // revoked by `revoke`; then alerts are stored, and none of them may arrive.
  auto reading = [&](const char* how, const std::function<void(const std::string&)>& revoke) {
    const std::string token = s.SignIn("admin", "demo-admin-pass");
    const int stored = CountAlerts(s, token);
    auto c = Context(token, std::chrono::seconds(120));
    v1::WatchAlertsRequest req;
    req.set_parent("clinics/demo");
    auto reader = s.report->WatchAlerts(c.get(), req);
    v1::Alert alert;
    for (int i = 0; i < stored; ++i) REQUIRE(reader->Read(&alert));
    const auto revoked = Clock::now();
    revoke(token);
    const std::set<std::string> later = s.MakeAlerts(therapist, 3, std::string("after ") + how);
    int after = 0;
    while (reader->Read(&alert)) after += later.count(alert.patient()) > 0 ? 1 : 0;
    const grpc::Status ended = reader->Finish();
    std::cout << "reading watch, " << how << ": ended " << Seconds(Clock::now() - revoked)
              << " s after the revocation (3 alerts stored in between): " << ended.error_code()
              << " " << ended.error_message() << "\n";
    CHECK(ended.error_code() == Code::UNAUTHENTICATED);
    CHECK(after == 0);
  };
  reading("sign-out", [&](const std::string& token) { REQUIRE(s.SignOut(token).ok()); });
  // The server is not told; the token check before the next batch is what stops the alerts.
  reading("ptrackd admin revoke-tokens", [&](const std::string&) {
    Admin({"revoke-tokens", "--db", s.dir.path() + "/ptrack.db", "--username", "admin"});
  });

  // A watch blocked on a client that does not read, signed out.
  const std::string token = s.SignIn("therapist", "demo-therapist-pass");
  SlowWatch slow(s.server->address(), token);
  // The user's one watch is open (a second is refused) while its client reads nothing.
  CHECK(s.Probe(therapist, "clinics/demo").error_code() == Code::RESOURCE_EXHAUSTED);
  const auto revoked = Clock::now();
  REQUIRE(s.SignOut(token).ok());
  const auto closed = s.UntilReleased(therapist, revoked, std::chrono::seconds(60));
  REQUIRE(closed.has_value());
  const std::set<std::string> later = s.MakeAlerts(therapist, 3, "after blocked sign-out");
  const grpc::Status ended = slow.ReadAll();
  int after = 0;
  for (const v1::Alert& a : slow.received) after += later.count(a.patient()) > 0 ? 1 : 0;
  std::cout << "blocked watch closed " << Seconds(*closed)
            << " s after the sign-out (stall bound 120 s); the client then read "
            << slow.received.size() << " alerts and " << ended.error_code() << " "
            << ended.error_message() << "\n";
  CHECK(Seconds(*closed) < 30);
  // The server ended it either way: by cancelling the stream its blocked write held (CANCELLED),
  // or — when that write completed as the revocation was seen — by finishing it UNAUTHENTICATED
  // after the alerts already written (a fresh-clone CI run saw this once).
  CHECK((ended.error_code() == Code::CANCELLED || ended.error_code() == Code::UNAUTHENTICATED));
  CHECK(after == 0);
}

}  // namespace ptrack::testing
