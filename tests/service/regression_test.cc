// Regression tests for defects found in review, each named after the bug it pins: replays
// judged before time- and zone-dependent checks, timestamp overflow, program replays after a
// catalogue change, readable client ids leaking across clinics, upper-case UUIDs in names,
// resumable demo seeding, stored zones the tz database no longer knows, and session ids that
// were unique across clinics (so one patient could learn and squat another's).
#include <catch2/catch.hpp>

#include "service/credentials.h"
#include "service/demo.h"
#include "tests/service/service_fixture.h"
#include "tests/service/test_helpers.h"

namespace ptrack::testing {
namespace {

using Code = grpc::StatusCode;
using F = ServiceFixture;

constexpr const char* kId = "c0ffee00-1234-4abc-8def-000000000001";

}  // namespace

TEST_CASE("regression: a replay is recognised after the logging window has passed",
          "[foundation][regression]") {
  F f;
  const Token patient = f.SignIn(kPatientUser, kPatientPass);
  const auto req = SessionRequest(kId, FixtureNow() - std::chrono::hours(2));
  v1::LogSessionResponse first, again;
  REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::LogSession, patient, req, &first));
  CHECK_FALSE(first.replayed());

  f.clock.Advance(std::chrono::hours(24 * 120));  // far beyond the 90-day window
  const Token later = f.SignIn(kPatientUser, kPatientPass);
  REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::LogSession, later, req, &again));
  CHECK(again.replayed());
  CHECK(again.session().receive_time().seconds() == first.session().receive_time().seconds());

  // A new session that old is still refused.
  v1::LogSessionResponse old;
  const auto stale =
      SessionRequest("c0ffee00-1234-4abc-8def-000000000002", FixtureNow() - std::chrono::hours(2));
  CHECK_CODE(F::Call(*f.session, &v1::SessionService::Stub::LogSession, later, stale, &old),
             Code::INVALID_ARGUMENT);
}

TEST_CASE("regression: a replay is recognised after the patient's zone moved its day",
          "[foundation][regression]") {
  F f;
  const Token patient = f.SignIn(kPatientUser, kPatientPass);
  const Token therapist = f.SignIn("therapist", "demo-therapist-pass");
  // 00:30 in New York on the program's first day (2026-10-31).
  const auto req = SessionRequest(kId, Utc(2026, 10, 31, 4, 30));
  v1::LogSessionResponse first;
  REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::LogSession, patient, req, &first));
  CHECK(first.session().local_date() == "2026-10-31");

  // Moving the patient west puts that instant on 2026-10-30, before the program's start.
  v1::Patient jordan;
  v1::GetPatientRequest get;
  get.set_name(kJordan);
  REQUIRE_OK(F::Call(*f.clinic, &v1::ClinicService::Stub::GetPatient, therapist, get, &jordan));
  v1::UpdatePatientRequest update;
  *update.mutable_patient() = jordan;
  update.mutable_patient()->set_time_zone("America/Los_Angeles");
  update.mutable_update_mask()->add_paths("time_zone");
  REQUIRE_OK(
      F::Call(*f.clinic, &v1::ClinicService::Stub::UpdatePatient, therapist, update, &jordan));

  v1::LogSessionResponse again;
  REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::LogSession, patient, req, &again));
  CHECK(again.replayed());
  CHECK(again.session().local_date() == "2026-10-31");  // the day it was first counted for
}

TEST_CASE("regression: extreme perform_time seconds are INVALID_ARGUMENT, not overflow",
          "[foundation][regression]") {
  F f;
  const Token patient = f.SignIn(kPatientUser, kPatientPass);
  for (int64_t seconds : {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
                          int64_t{-62135596801}, int64_t{253402300800}}) {
    INFO(seconds);
    auto req = SessionRequest(kId, FixtureNow());
    req.mutable_session()->mutable_perform_time()->set_seconds(seconds);
    v1::LogSessionResponse resp;
    const grpc::Status status =
        F::Call(*f.session, &v1::SessionService::Stub::LogSession, patient, req, &resp);
    CHECK(status.error_code() == Code::INVALID_ARGUMENT);
    CHECK(BadRequestFields(status) == std::vector<std::string>{"session.perform_time"});
  }
}

TEST_CASE("regression: a program replay still matches after the protocol data changed",
          "[foundation][regression]") {
  F f;
  const Token therapist = f.SignIn("therapist", "demo-therapist-pass");
  v1::CreateProgramRequest req;
  req.set_parent(kSam);
  req.set_program_id("c0ffee00-1234-4abc-8def-0000000000aa");
  req.mutable_program()->set_protocol(kDefaultProtocol);
  req.mutable_program()->set_start_date("2026-11-23");
  v1::Program first, again;
  REQUIRE_OK(F::Call(*f.program, &v1::ProgramService::Stub::CreateProgram, therapist, req, &first));

  // A new release changes the protocol's first dose.
  auto protocol = f.store->GetProtocol("upper-back-neck-core-12w");
  REQUIRE(protocol.ok());
  protocol->phases[0].prescriptions[0].dose_steps[0].reps += 1;
  REQUIRE(f.store->PutProtocol(*protocol).ok());

  REQUIRE_OK(F::Call(*f.program, &v1::ProgramService::Stub::CreateProgram, therapist, req, &again));
  CHECK(again.name() == first.name());
  CHECK(again.phases(0).prescriptions(0).dose_steps(0).reps() ==
        first.phases(0).prescriptions(0).dose_steps(0).reps());

  // Another start date under the same id is a different program.
  req.mutable_program()->set_start_date("2026-11-30");
  CHECK_CODE(F::Call(*f.program, &v1::ProgramService::Stub::CreateProgram, therapist, req, &again),
             Code::ALREADY_EXISTS);
}

TEST_CASE("regression: client ids must be UUIDs, so slugs cannot probe other clinics",
          "[foundation][regression]") {
  F f;
  const Token therapist = f.SignIn("therapist", "demo-therapist-pass");
  v1::CreatePatientRequest req;
  req.set_parent(kClinic);
  req.set_patient_id("jordan");  // exists (in this clinic here; it could be any clinic's)
  req.mutable_patient()->set_display_name("Probe");
  req.mutable_patient()->set_time_zone("Europe/Paris");
  req.set_username("probe");
  req.set_initial_password("probe-password");
  v1::Patient resp;
  const grpc::Status status =
      F::Call(*f.clinic, &v1::ClinicService::Stub::CreatePatient, therapist, req, &resp);
  CHECK(status.error_code() == Code::INVALID_ARGUMENT);
  CHECK(BadRequestFields(status) == std::vector<std::string>{"patient_id"});
}

TEST_CASE("regression: upper-case UUIDs in resource names find lower-case records",
          "[foundation][regression]") {
  F f;
  const Token therapist = f.SignIn("therapist", "demo-therapist-pass");
  v1::CreatePatientRequest req;
  req.set_parent(kClinic);
  req.set_patient_id("ABCDEF00-1234-4ABC-8DEF-000000000003");
  req.mutable_patient()->set_display_name("Casing");
  req.mutable_patient()->set_time_zone("Europe/Paris");
  req.set_username("casing");
  req.set_initial_password("casing-password");
  v1::Patient created, fetched;
  REQUIRE_OK(F::Call(*f.clinic, &v1::ClinicService::Stub::CreatePatient, therapist, req, &created));
  CHECK(created.name() == "clinics/demo/patients/abcdef00-1234-4abc-8def-000000000003");
  v1::GetPatientRequest get;
  get.set_name("clinics/demo/patients/ABCDEF00-1234-4ABC-8DEF-000000000003");
  REQUIRE_OK(F::Call(*f.clinic, &v1::ClinicService::Stub::GetPatient, therapist, get, &fetched));
  CHECK(fetched.name() == created.name());
}

TEST_CASE("regression: demo seeding resumes after an interruption and is idempotent",
          "[foundation][regression]") {
  F f;  // seeds the demo once
  const auto count = [&] {
    auto page = f.store->ListSessions("jordan", std::nullopt, std::nullopt, {1000, ""});
    REQUIRE(page.ok());
    return page->items.size();
  };
  const size_t seeded = count();
  REQUIRE(seeded > 5);
  REQUIRE(SeedDemo(*f.store, TestDefaults().rules, FixtureNow()).ok());
  CHECK(count() == seeded);
  // Seeding again weeks later adds no new history.
  REQUIRE(
      SeedDemo(*f.store, TestDefaults().rules, FixtureNow() + std::chrono::hours(24 * 30)).ok());
  CHECK(count() == seeded);

  // An interrupted seeding (only the clinic written) is completed by the next one.
  TempDbFile other;
  auto store = SqliteStore::Open(other.path().string());
  REQUIRE(store.ok());
  auto full = f.store->GetProtocol("upper-back-neck-core-12w");
  REQUIRE(full.ok());
  auto exercises = f.store->ListExercises(Region::kUnspecified, {1000, ""}, "");
  REQUIRE(exercises.ok());
  REQUIRE((*store)->ReplaceCatalogue(exercises->items, {*full}).ok());
  REQUIRE((*store)->CreateClinic({"demo", "Demo Physio Clinic", "America/New_York"}).ok());
  REQUIRE(SeedDemo(**store, TestDefaults().rules, FixtureNow()).ok());
  CHECK((*store)->GetAccount("patient").ok());
  auto resumed = (*store)->ListSessions("jordan", std::nullopt, std::nullopt, {1000, ""});
  REQUIRE(resumed.ok());
  CHECK(resumed->items.size() == seeded);
}

TEST_CASE("regression: a stored zone the tz database does not know is FAILED_PRECONDITION",
          "[foundation][regression]") {
  F f;
  auto jordan = f.store->GetPatient("jordan");
  REQUIRE(jordan.ok());
  jordan->time_zone = "Atlantis/Old_Town";  // e.g. a zone removed from a newer tz database
  REQUIRE(f.store->UpdatePatient(*jordan).ok());
  const Token patient = f.SignIn(kPatientUser, kPatientPass);
  v1::GetPlanRequest req;
  req.set_parent(kJordan);
  v1::Plan plan;
  const grpc::Status status =
      F::Call(*f.program, &v1::ProgramService::Stub::GetPlan, patient, req, &plan);
  CHECK(status.error_code() == Code::FAILED_PRECONDITION);
  CHECK(BadRequestFields(status).empty());
}

TEST_CASE(
    "regression: a session id is scoped to its patient, so another clinic's patient can "
    "neither probe nor squat it",
    "[foundation][regression]") {
  F f;
  // Clinic "east" with therapist east-t and patient cora, made through the store as the operator
  // and their staff would; cora's program through the service.
  const Instant now = f.clock.Now();
  auto account = [&](const std::string& user, Role role, const std::string& subject) {
    auto hash = HashPassword(user + "-password");
    REQUIRE(hash.ok());
    return Account{user, *hash, role, "east", subject, now};
  };
  REQUIRE(f.store->CreateClinic({"east", "East Clinic", "Asia/Tokyo"}).ok());
  REQUIRE(f.store
              ->CreateTherapist({"east-t", "east", "Aki Mori", "east-t"},
                                account("east-t", Role::kTherapist, "east-t"))
              .ok());
  REQUIRE(f.store
              ->CreatePatient({"cora", "east", "Cora Sato", "Asia/Tokyo", "east-t", "cora", now, 1},
                              account("cora", Role::kPatient, "cora"))
              .ok());
  const Token east_therapist = f.SignIn("east-t", "east-t-password");
  v1::CreateProgramRequest assign;
  assign.set_parent("clinics/east/patients/cora");
  assign.set_program_id(SequentialUuid());
  assign.mutable_program()->set_protocol(kDefaultProtocol);
  assign.mutable_program()->set_start_date("2026-11-01");
  v1::Program program;
  REQUIRE_OK(F::Call(*f.program, &v1::ProgramService::Stub::CreateProgram, east_therapist, assign,
                     &program));
  const Token jordan = f.SignIn(kPatientUser, kPatientPass);
  const Token cora = f.SignIn("cora", "cora-password");

  auto log = [&](const Token& token, const v1::LogSessionRequest& req,
                 v1::LogSessionResponse* resp) {
    return F::Call(*f.session, &v1::SessionService::Stub::LogSession, token, req, resp);
  };
  auto get = [&](const Token& token, const std::string& name, v1::Session* resp) {
    v1::GetSessionRequest req;
    req.set_name(name);
    return F::Call(*f.session, &v1::SessionService::Stub::GetSession, token, req, resp);
  };
  const std::string jordans = std::string(kJordan) + "/sessions/" + kId;
  const std::string coras = std::string("clinics/east/patients/cora/sessions/") + kId;

  // Jordan's session, then cora's with the same UUID: two sessions, neither refused.
  const v1::LogSessionRequest mine = SessionRequest(kId, FixtureNow() - std::chrono::hours(2));
  v1::LogSessionRequest theirs = SessionRequest(kId, FixtureNow() - std::chrono::hours(3));
  theirs.set_parent("clinics/east/patients/cora");
  theirs.mutable_session()->set_notes("cora's own");
  theirs.mutable_session()->set_pain_after(4);
  v1::LogSessionResponse first, second;
  REQUIRE_OK(log(jordan, mine, &first));
  CHECK_FALSE(first.replayed());
  REQUIRE_OK(log(cora, theirs, &second));  // was ALREADY_EXISTS: Jordan's id was visible
  CHECK_FALSE(second.replayed());
  CHECK(second.session().name() == coras);
  CHECK(second.session().notes() == "cora's own");

  // Each reads back their own.
  v1::Session read;
  REQUIRE_OK(get(jordan, jordans, &read));
  CHECK(read.notes() == "felt fine");
  CHECK(read.pain_after() == 2);
  REQUIRE_OK(get(cora, coras, &read));
  CHECK(read.notes() == "cora's own");
  CHECK(read.pain_after() == 4);

  // Within one patient the id is the idempotency key as before: the same payload is a replay
  // with the stored session, another payload ALREADY_EXISTS and changes nothing.
  v1::LogSessionResponse replay;
  REQUIRE_OK(log(cora, theirs, &replay));
  CHECK(replay.replayed());
  CHECK(replay.session().notes() == "cora's own");
  v1::LogSessionRequest changed = theirs;
  changed.mutable_session()->set_pain_after(9);
  CHECK_CODE(log(cora, changed, &replay), Code::ALREADY_EXISTS);
  CHECK_CODE(log(
                 jordan,
                 [&] {
                   v1::LogSessionRequest r = mine;
                   r.mutable_session()->set_notes("changed");
                   return r;
                 }(),
                 &replay),
             Code::ALREADY_EXISTS);
  REQUIRE_OK(get(jordan, jordans, &read));
  CHECK(read.notes() == "felt fine");
  REQUIRE_OK(get(cora, coras, &read));
  CHECK(read.pain_after() == 4);

  // The next-morning pain report names the session under its patient: each patient's report
  // lands on their own session.
  v1::ReportNextMorningPainRequest pain;
  v1::ReportNextMorningPainResponse pain_resp;
  pain.set_name(coras);
  pain.set_pain(1);
  REQUIRE_OK(F::Call(*f.progression, &v1::ProgressionService::Stub::ReportNextMorningPain, cora,
                     pain, &pain_resp));
  pain.set_name(jordans);
  pain.set_pain(6);
  REQUIRE_OK(F::Call(*f.progression, &v1::ProgressionService::Stub::ReportNextMorningPain, jordan,
                     pain, &pain_resp));
}

}  // namespace ptrack::testing
