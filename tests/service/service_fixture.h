// The service-test fixture (DESIGN.md §7): each TEST_CASE gets a fresh temporary SQLite file
// (removed with its -wal and -shm files afterwards), the shipped catalogue, a FakeClock standing
// at kNow (2026-11-21T15:00:00Z, 10:00 in New York), the demo clinic seeded as of that instant
// (accounts admin, therapist, patient = "jordan" in America/New_York with the active program
// "jordan-program" started 21 local days earlier, patient2 = "sam" in Europe/London without a
// program), and the real PtrackServer with every service, reached only through its in-process
// channel. Helpers sign in, attach the bearer token to a grpc::ClientContext, make a call in one
// line, and read the field names of a google.rpc.BadRequest out of a failed grpc::Status.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/clinical_defaults.h"
#include "engine/clock.h"
#include "ptrack/v1/audit.grpc.pb.h"
#include "ptrack/v1/auth.grpc.pb.h"
#include "ptrack/v1/catalog.grpc.pb.h"
#include "ptrack/v1/clinic.grpc.pb.h"
#include "ptrack/v1/outcome.grpc.pb.h"
#include "ptrack/v1/program.grpc.pb.h"
#include "ptrack/v1/progression.grpc.pb.h"
#include "ptrack/v1/report.grpc.pb.h"
#include "ptrack/v1/session.grpc.pb.h"
#include "service/server.h"
#include "storage/sqlite_store.h"

namespace ptrack::testing {

// A bearer token as handed out by SignIn.
using Token = std::string;

// The instant the fake clock starts at.
Instant FixtureNow();

// The shipped clinical defaults (data/rules, data/catalogue/red_flags.json), loaded once.
const ClinicalDefaults& TestDefaults();

// Demo names, as the API spells them.
inline constexpr const char* kClinic = "clinics/demo";
inline constexpr const char* kJordan = "clinics/demo/patients/jordan";
inline constexpr const char* kSam = "clinics/demo/patients/sam";
inline constexpr const char* kRivera = "clinics/demo/therapists/rivera";
inline constexpr const char* kJordanProgram =
    "clinics/demo/patients/jordan/programs/jordan-program";
inline constexpr const char* kDefaultProtocol = "protocols/upper-back-neck-core-12w";

// A unique temporary database path; the file and its -wal/-shm companions are removed when this
// object is destroyed.
class TempDbFile {
 public:
  TempDbFile();
  ~TempDbFile();
  TempDbFile(const TempDbFile&) = delete;
  TempDbFile& operator=(const TempDbFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Options for tests that move the clock by days and weeks between calls: tokens idle out and
// expire only after a year, so the tests are about their subject, not about signing in again.
ServiceOptions LongLivedTokens();

// A new lower-case UUID on every call (unique within the process, so within every database).
std::string SequentialUuid();

class ServiceFixture;

// A patient created through the API with the default protocol assigned from 2026-11-01 (so that
// sessions can be logged on the fixture's day).
struct TestPatient {
  std::string name;  // "clinics/demo/patients/{uuid}"
  std::string id;
  std::string program_id;
  Token token;  // the patient's own; empty when created without a password
};
// Creates it as `therapist` (who becomes its therapist); with `sign_in`, the account gets the
// password "{username}-password" and the patient is signed in.
TestPatient NewPatient(ServiceFixture& f, const Token& therapist, const std::string& username,
                       const std::string& display_name, const std::string& zone, bool sign_in);

class ServiceFixture {
 public:
  // `options`: the server's operational options (defaults: the shipped ones).
  explicit ServiceFixture(ServiceOptions options = {});
  ~ServiceFixture();
  ServiceFixture(const ServiceFixture&) = delete;
  ServiceFixture& operator=(const ServiceFixture&) = delete;

  // Signs in and REQUIREs success; returns the bearer token.
  Token SignIn(const std::string& username, const std::string& password);
  // A context carrying "authorization: Bearer <token>" (none when token is empty) and a generous
  // deadline so that a hung call fails the test instead of blocking it.
  static std::unique_ptr<grpc::ClientContext> Context(const Token& token);

  // One unary call with a fresh context: Call(*session, &v1::SessionService::Stub::LogSession,
  // token, request, &response).
  template <typename Stub, typename Req, typename Resp>
  static grpc::Status Call(Stub& stub,
                           grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                           const Token& token, const Req& request, Resp* response) {
    auto context = Context(token);
    return (stub.*method)(context.get(), request, response);
  }

  // Declaration order is destruction order reversed: the file outlives the store, the store
  // outlives the server, the server outlives the channel and stubs.
  TempDbFile db_file;
  std::unique_ptr<SqliteStore> store;
  FakeClock clock;
  std::unique_ptr<PtrackServer> server;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::AuthService::Stub> auth;
  std::unique_ptr<v1::CatalogService::Stub> catalog;
  std::unique_ptr<v1::ClinicService::Stub> clinic;
  std::unique_ptr<v1::ProgramService::Stub> program;
  std::unique_ptr<v1::SessionService::Stub> session;
  std::unique_ptr<v1::ProgressionService::Stub> progression;
  std::unique_ptr<v1::OutcomeService::Stub> outcome;
  std::unique_ptr<v1::AuditService::Stub> audit;
  std::unique_ptr<v1::ReportService::Stub> report;
};

// The field names of the google.rpc.BadRequest carried by an INVALID_ARGUMENT status (parsed from
// status.error_details(): google.rpc.Status whose details[0] is a BadRequest). Empty when the
// status carries none.
std::vector<std::string> BadRequestFields(const grpc::Status& status);

// "code: message" for failure messages.
std::string Describe(const grpc::Status& status);

}  // namespace ptrack::testing
