// The service-test fixture: a temporary SQLite file, the shipped catalogue, the demo clinic seeded
// as of a fixed instant on a FakeClock, and the real PtrackServer reached over its in-process
// channel (no port is bound). Set-up failures are REQUIREd, so a broken fixture fails the test
// that uses it with the reason rather than crashing later. Argon2id makes seeding cost a few
// hundred milliseconds, which is why the fixture does no sign-in of its own.
#include "tests/service/service_fixture.h"

#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <random>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "service/credentials.h"
#include "service/demo.h"
#include "storage/catalogue_loader.h"
#include "tests/service/test_helpers.h"

namespace ptrack::testing {

const ClinicalDefaults& TestDefaults() {
  static const ClinicalDefaults defaults = [] {
    auto loaded = LoadClinicalDefaults(PTRACK_DATA_DIR);
    REQUIRE(loaded.ok());
    return *loaded;
  }();
  return defaults;
}

Instant FixtureNow() {
  using namespace std::chrono;
  return time_point_cast<milliseconds>(
      date::sys_days{date::year{2026} / date::month{11} / date::day{21}} + hours{15});
}

TempDbFile::TempDbFile() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("ptrack-service-test-" + std::to_string(::getpid()) + "-" +
           std::to_string(counter.fetch_add(1)) + "-" + std::to_string(rd()) + ".db");
}

TempDbFile::~TempDbFile() {
  std::error_code ec;  // best effort: a destructor must not throw
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path_.string() + suffix, ec);
  }
}

ServiceFixture::ServiceFixture(ServiceOptions options) : clock(FixtureNow()) {
  REQUIRE(InitCrypto());
  REQUIRE_FALSE(std::filesystem::exists(db_file.path()));
  auto opened = SqliteStore::Open(db_file.path().string());
  REQUIRE(opened.ok());
  store = std::move(opened).value();

  auto loaded = LoadCatalogue(std::string(PTRACK_DATA_DIR) + "/catalogue", *store);
  INFO((loaded.ok() ? std::string() : loaded.status().ToString()));
  REQUIRE(loaded.ok());
  REQUIRE(loaded->exercises >= 20);

  auto seeded = SeedDemo(*store, TestDefaults().rules, clock.Now());
  INFO((seeded.ok() ? std::string() : seeded.status().ToString()));
  REQUIRE(seeded.ok());
  REQUIRE(seeded->size() == 4);

  PtrackServer::Config config;
  config.grpc_listen = "";  // in-process only
  config.clinical = TestDefaults();
  config.options = options;
  config.summary_sweep_interval = std::chrono::seconds(0);  // tests sweep when they mean to
  server = std::make_unique<PtrackServer>(*store, clock, config);
  const Status started = server->Start();
  INFO(started.ToString());
  REQUIRE(started.ok());
  REQUIRE(server->port() == 0);

  channel = server->InProcessChannel();
  REQUIRE(channel != nullptr);
  auth = v1::AuthService::NewStub(channel);
  catalog = v1::CatalogService::NewStub(channel);
  clinic = v1::ClinicService::NewStub(channel);
  program = v1::ProgramService::NewStub(channel);
  session = v1::SessionService::NewStub(channel);
  progression = v1::ProgressionService::NewStub(channel);
  outcome = v1::OutcomeService::NewStub(channel);
  audit = v1::AuditService::NewStub(channel);
  report = v1::ReportService::NewStub(channel);
}

ServiceFixture::~ServiceFixture() {
  auth.reset();
  catalog.reset();
  clinic.reset();
  program.reset();
  session.reset();
  progression.reset();
  audit.reset();
  channel.reset();
  if (server) server->Shutdown(std::chrono::milliseconds(0));
  server.reset();
  store.reset();  // closes every connection before TempDbFile removes the files
}

Token ServiceFixture::SignIn(const std::string& username, const std::string& password) {
  v1::SignInRequest request;
  request.set_username(username);
  request.set_password(password);
  v1::SignInResponse response;
  const grpc::Status status =
      Call(*auth, &v1::AuthService::Stub::SignIn, Token(), request, &response);
  INFO("SignIn(" << username << "): " << Describe(status));
  REQUIRE(status.ok());
  REQUIRE_FALSE(response.token().empty());
  return response.token();
}

std::unique_ptr<grpc::ClientContext> ServiceFixture::Context(const Token& token) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  return context;
}

std::vector<std::string> BadRequestFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  if (status.error_details().empty()) return fields;
  google::rpc::Status rich;
  if (!rich.ParseFromString(status.error_details()) || rich.details_size() == 0) return fields;
  google::rpc::BadRequest bad_request;
  if (!rich.details(0).UnpackTo(&bad_request)) return fields;
  for (const auto& violation : bad_request.field_violations()) {
    fields.push_back(violation.field());
  }
  return fields;
}

std::string Describe(const grpc::Status& status) {
  std::string out =
      std::to_string(static_cast<int>(status.error_code())) + ": " + status.error_message();
  for (const std::string& field : BadRequestFields(status)) out += " [" + field + "]";
  return out;
}

ServiceOptions LongLivedTokens() {
  ServiceOptions options;
  options.security.token_lifetime = std::chrono::hours(24 * 365);
  options.security.patient_idle = options.security.staff_idle = std::chrono::hours(24 * 365);
  return options;
}

std::string SequentialUuid() {
  static std::atomic<unsigned> counter{0};
  char buf[40];
  std::snprintf(buf, sizeof buf, "5e9c0000-0000-4000-8000-%012x", ++counter);
  return buf;
}

TestPatient NewPatient(ServiceFixture& f, const Token& therapist, const std::string& username,
                       const std::string& display_name, const std::string& zone, bool sign_in) {
  TestPatient p;
  p.id = SequentialUuid();
  v1::CreatePatientRequest create;
  create.set_parent(kClinic);
  create.set_patient_id(p.id);
  create.mutable_patient()->set_display_name(display_name);
  create.mutable_patient()->set_time_zone(zone);
  create.set_username(username);
  if (sign_in) create.set_initial_password(username + "-password");
  v1::Patient patient;
  REQUIRE_OK(ServiceFixture::Call(*f.clinic, &v1::ClinicService::Stub::CreatePatient, therapist,
                                  create, &patient));
  p.name = patient.name();
  REQUIRE(p.name == std::string(kClinic) + "/patients/" + p.id);

  v1::CreateProgramRequest assign;
  assign.set_parent(p.name);
  p.program_id = SequentialUuid();
  assign.set_program_id(p.program_id);
  assign.mutable_program()->set_protocol(kDefaultProtocol);
  assign.mutable_program()->set_start_date("2026-11-01");
  v1::Program program;
  REQUIRE_OK(ServiceFixture::Call(*f.program, &v1::ProgramService::Stub::CreateProgram, therapist,
                                  assign, &program));
  if (sign_in) p.token = f.SignIn(username, username + "-password");
  return p;
}

}  // namespace ptrack::testing
