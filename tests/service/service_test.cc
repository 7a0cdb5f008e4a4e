// Service tests (DESIGN.md §7): the real ptrack.v1 services over PtrackServer's in-process channel,
// a temporary SQLite database with the shipped catalogue and the demo clinic, and a FakeClock at
// 2026-11-21T15:00:00Z. They pin the contract of the .proto comments and DESIGN.md §4/§6: sign-in,
// tokens (forgery, revocation, expiry), the catalogue with pagination, the plan in the patient's
// own zone, idempotent session logging keyed by the client's UUID, INVALID_ARGUMENT naming the
// offending field in a google.rpc.BadRequest with nothing stored, tenancy and role checks, the
// therapist's patient and program management with etags and field masks, adherence agreeing with
// the plan, and a walk over the service descriptors proving the access table covers every method.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <functional>
#include <future>
#include <set>
#include <string>
#include <vector>

#include "service/access.h"
#include "tests/service/service_fixture.h"
#include "tests/service/test_helpers.h"

namespace ptrack::testing {
namespace {

using Catch::Matchers::VectorContains;
using google::protobuf::util::MessageDifferencer;
using Code = grpc::StatusCode;
using F = ServiceFixture;

// Every session of `parent`, paged with `page_size`, in the order the server returns them.
std::vector<v1::Session> AllSessions(F& f, const Token& token, const std::string& parent,
                                     int page_size = 200) {
  std::vector<v1::Session> out;
  v1::ListSessionsRequest req;
  req.set_parent(parent);
  req.set_page_size(page_size);
  for (int pages = 0; pages < 1000; ++pages) {
    v1::ListSessionsResponse resp;
    REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::ListSessions, token, req, &resp));
    REQUIRE(resp.sessions_size() <= page_size);
    out.insert(out.end(), resp.sessions().begin(), resp.sessions().end());
    if (resp.next_page_token().empty()) return out;
    req.set_page_token(resp.next_page_token());
  }
  FAIL("ListSessions never ended");
  return out;
}

v1::Plan GetPlan(F& f, const Token& token, const std::string& parent,
                 const std::string& start_date = "", int days = 0) {
  v1::GetPlanRequest req;
  req.set_parent(parent);
  req.set_start_date(start_date);
  req.set_days(days);
  v1::Plan plan;
  REQUIRE_OK(F::Call(*f.program, &v1::ProgramService::Stub::GetPlan, token, req, &plan));
  return plan;
}

v1::Protocol GetProtocol(F& f, const Token& token, const std::string& name) {
  v1::GetProtocolRequest req;
  req.set_name(name);
  v1::Protocol protocol;
  REQUIRE_OK(F::Call(*f.catalog, &v1::CatalogService::Stub::GetProtocol, token, req, &protocol));
  return protocol;
}

int TrainingDays(const v1::Plan& plan) {
  return static_cast<int>(std::count_if(plan.days().begin(), plan.days().end(),
                                        [](const v1::PlanDay& d) { return d.training_day(); }));
}

// --- Authentication ------------------------------------------------------------------------------

TEST_CASE("SignIn returns a 64-hex token and the caller's principal", "[foundation][service]") {
  F f;
  struct Case {
    const char* user;
    const char* pass;
    v1::Role role;
    const char* subject;
  };
  const Case cases[] = {
      {kPatientUser, kPatientPass, v1::ROLE_PATIENT, kJordan},
      {"therapist", "demo-therapist-pass", v1::ROLE_THERAPIST, kRivera},
      {"admin", "demo-admin-pass", v1::ROLE_CLINIC_ADMIN, ""},
  };
  std::set<std::string> tokens;
  for (const Case& c : cases) {
    INFO(c.user);
    v1::SignInRequest req;
    req.set_username(c.user);
    req.set_password(c.pass);
    v1::SignInResponse resp;
    REQUIRE_OK(F::Call(*f.auth, &v1::AuthService::Stub::SignIn, Token(), req, &resp));
    CHECK(resp.token().size() == 64);
    CHECK(IsLowerHex(resp.token()));
    tokens.insert(resp.token());
    CHECK(resp.principal().username() == c.user);
    CHECK(resp.principal().role() == c.role);
    CHECK(resp.principal().clinic() == kClinic);
    CHECK(resp.principal().subject() == c.subject);
    const Instant expiry = FixtureNow() + std::chrono::hours(24 * 30);
    CHECK(resp.expire_time().seconds() == ToUnixMillis(expiry) / 1000);

    v1::Principal who;
    REQUIRE_OK(
        F::Call(*f.auth, &v1::AuthService::Stub::WhoAmI, resp.token(), v1::WhoAmIRequest(), &who));
    CHECK(MessageDifferencer::Equals(who, resp.principal()));
  }
  CHECK(tokens.size() == 3);
}

TEST_CASE("SignIn answers a wrong password and an unknown user identically",
          "[foundation][service]") {
  F f;
  v1::SignInRequest wrong_password;
  wrong_password.set_username(kPatientUser);
  wrong_password.set_password("not-the-password");
  v1::SignInRequest unknown_user;
  unknown_user.set_username("nobody-here");
  unknown_user.set_password(kPatientPass);

  v1::SignInResponse r1, r2;
  const grpc::Status s1 =
      F::Call(*f.auth, &v1::AuthService::Stub::SignIn, Token(), wrong_password, &r1);
  const grpc::Status s2 =
      F::Call(*f.auth, &v1::AuthService::Stub::SignIn, Token(), unknown_user, &r2);
  CHECK_CODE(s1, Code::UNAUTHENTICATED);
  CHECK_CODE(s2, Code::UNAUTHENTICATED);
  CHECK_FALSE(s1.error_message().empty());
  CHECK(s1.error_message() == s2.error_message());
  CHECK(s1.error_details() == s2.error_details());
  CHECK(r1.token().empty());
  CHECK(r2.token().empty());

  // Malformed input is a different matter: it names the field.
  v1::SignInRequest empty_user;
  empty_user.set_password("x");
  v1::SignInResponse r3;
  const grpc::Status s3 =
      F::Call(*f.auth, &v1::AuthService::Stub::SignIn, Token(), empty_user, &r3);
  CHECK_CODE(s3, Code::INVALID_ARGUMENT);
  CHECK_THAT(BadRequestFields(s3), VectorContains(std::string("username")));
}

TEST_CASE("Every method but the public ones refuses a call without a valid bearer header",
          "[foundation][service]") {
  F f;
  grpc::GenericStub generic(f.channel);
  const std::vector<std::string> methods = DescribedMethods();
  int checked = 0;
  for (const std::string& method : methods) {
    if (AccessTable().at(method).scope == Scope::kPublic) continue;
    for (const char* header : {"", "Basic cGF0aWVudDpwYXNz", "Bearer ", "bearer 0123"}) {
      INFO(method << " with authorization \"" << header << "\"");
      auto context = F::Context(Token());
      if (*header != '\0') context->AddMetadata("authorization", header);
      grpc::Slice empty_message{std::string()};
      grpc::ByteBuffer request(&empty_message, 1);
      grpc::ByteBuffer response;
      std::promise<grpc::Status> done;
      generic.UnaryCall(context.get(), method, grpc::StubOptions(), &request, &response,
                        [&done](grpc::Status s) { done.set_value(std::move(s)); });
      CHECK_CODE(done.get_future().get(), Code::UNAUTHENTICATED);
    }
    ++checked;
  }
  CHECK(checked == static_cast<int>(methods.size()) - 2);  // SignIn and Enrol are public
  CHECK(checked >= 20);
}

TEST_CASE("A forged or altered token is UNAUTHENTICATED", "[foundation][service]") {
  F f;
  const Token real = f.SignIn(kPatientUser, kPatientPass);
  Token altered = real;
  altered.back() = altered.back() == '0' ? '1' : '0';
  const std::vector<Token> bad = {
      std::string(64, 'a'),
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      altered,
      real.substr(0, 63),
      real + "0",
  };
  v1::GetPlanRequest plan_req;
  plan_req.set_parent(kJordan);
  for (const Token& token : bad) {
    INFO("token " << token);
    v1::Principal who;
    CHECK_CODE(F::Call(*f.auth, &v1::AuthService::Stub::WhoAmI, token, v1::WhoAmIRequest(), &who),
               Code::UNAUTHENTICATED);
    CHECK(who.username().empty());
    v1::Plan plan;
    CHECK_CODE(F::Call(*f.program, &v1::ProgramService::Stub::GetPlan, token, plan_req, &plan),
               Code::UNAUTHENTICATED);
    CHECK(plan.days_size() == 0);
  }
  v1::Principal who;
  REQUIRE_OK(F::Call(*f.auth, &v1::AuthService::Stub::WhoAmI, real, v1::WhoAmIRequest(), &who));
  CHECK(who.subject() == kJordan);
}

TEST_CASE("SignOut revokes the caller's token and only that one", "[foundation][service]") {
  F f;
  const Token first = f.SignIn(kPatientUser, kPatientPass);
  const Token second = f.SignIn(kPatientUser, kPatientPass);
  REQUIRE(first != second);

  v1::SignOutResponse out;
  REQUIRE_OK(F::Call(*f.auth, &v1::AuthService::Stub::SignOut, first, v1::SignOutRequest(), &out));

  v1::Principal who;
  CHECK_CODE(F::Call(*f.auth, &v1::AuthService::Stub::WhoAmI, first, v1::WhoAmIRequest(), &who),
             Code::UNAUTHENTICATED);
  v1::GetPlanRequest plan_req;
  plan_req.set_parent(kJordan);
  v1::Plan plan;
  CHECK_CODE(F::Call(*f.program, &v1::ProgramService::Stub::GetPlan, first, plan_req, &plan),
             Code::UNAUTHENTICATED);
  CHECK_CODE(F::Call(*f.auth, &v1::AuthService::Stub::SignOut, first, v1::SignOutRequest(), &out),
             Code::UNAUTHENTICATED);

  REQUIRE_OK(F::Call(*f.auth, &v1::AuthService::Stub::WhoAmI, second, v1::WhoAmIRequest(), &who));
  CHECK(who.username() == kPatientUser);
}

TEST_CASE("A token expires 30 days after sign-in, however often it is used",
          "[foundation][service]") {
  F f;
  const Token token = f.SignIn(kPatientUser, kPatientPass);
  v1::Principal who;

  for (int day = 10; day < 30; day += 10) {  // used every 10 days: never idle for too long
    f.clock.Advance(std::chrono::hours(24 * 10));
    REQUIRE_OK(F::Call(*f.auth, &v1::AuthService::Stub::WhoAmI, token, v1::WhoAmIRequest(), &who));
  }
  f.clock.Advance(std::chrono::hours(24 * 10) - std::chrono::minutes(1));
  REQUIRE_OK(F::Call(*f.auth, &v1::AuthService::Stub::WhoAmI, token, v1::WhoAmIRequest(), &who));
  CHECK(who.username() == kPatientUser);

  f.clock.Advance(std::chrono::minutes(2));
  CHECK_CODE(F::Call(*f.auth, &v1::AuthService::Stub::WhoAmI, token, v1::WhoAmIRequest(), &who),
             Code::UNAUTHENTICATED);

  // Signing in again gives a token that works at the new time.
  const Token fresh = f.SignIn(kPatientUser, kPatientPass);
  REQUIRE_OK(F::Call(*f.auth, &v1::AuthService::Stub::WhoAmI, fresh, v1::WhoAmIRequest(), &who));
}

// --- Catalogue -----------------------------------------------------------------------------------

TEST_CASE("ListExercises pages through the whole catalogue without duplicates",
          "[foundation][service]") {
  F f;
  const Token token = f.SignIn(kPatientUser, kPatientPass);

  v1::ListExercisesRequest all_req;
  all_req.set_page_size(200);
  v1::ListExercisesResponse all;
  REQUIRE_OK(F::Call(*f.catalog, &v1::CatalogService::Stub::ListExercises, token, all_req, &all));
  CHECK(all.next_page_token().empty());
  REQUIRE(all.exercises_size() >= 20);

  std::vector<std::string> paged;
  std::set<std::string> unique;
  v1::ListExercisesRequest req;
  req.set_page_size(5);
  int pages = 0;
  while (true) {
    v1::ListExercisesResponse resp;
    REQUIRE_OK(F::Call(*f.catalog, &v1::CatalogService::Stub::ListExercises, token, req, &resp));
    ++pages;
    REQUIRE(pages <= 100);
    REQUIRE(resp.exercises_size() <= 5);
    for (const v1::Exercise& e : resp.exercises()) {
      paged.push_back(e.name());
      CHECK(unique.insert(e.name()).second);
    }
    if (resp.next_page_token().empty()) break;
    CHECK(resp.exercises_size() == 5);  // only the last page may be short
    req.set_page_token(resp.next_page_token());
  }
  CHECK(paged.size() == static_cast<size_t>(all.exercises_size()));
  CHECK(pages == (all.exercises_size() + 4) / 5);
  for (int i = 0; i < all.exercises_size() && i < static_cast<int>(paged.size()); ++i) {
    CHECK(paged[i] == all.exercises(i).name());
  }

  v1::ListExercisesRequest bad_token;
  bad_token.set_page_token("not-a-token");
  v1::ListExercisesResponse resp;
  const grpc::Status s =
      F::Call(*f.catalog, &v1::CatalogService::Stub::ListExercises, token, bad_token, &resp);
  CHECK_CODE(s, Code::INVALID_ARGUMENT);
  CHECK_THAT(BadRequestFields(s), VectorContains(std::string("page_token")));
}

TEST_CASE("The catalogue filters by region, gets one entry and lists the protocols",
          "[foundation][service]") {
  F f;
  const Token token = f.SignIn(kPatientUser, kPatientPass);

  v1::ListExercisesRequest all_req;
  all_req.set_page_size(200);
  v1::ListExercisesResponse all;
  REQUIRE_OK(F::Call(*f.catalog, &v1::CatalogService::Stub::ListExercises, token, all_req, &all));

  v1::ListExercisesRequest neck_req;
  neck_req.set_region(v1::REGION_NECK);
  neck_req.set_page_size(200);
  v1::ListExercisesResponse neck;
  REQUIRE_OK(F::Call(*f.catalog, &v1::CatalogService::Stub::ListExercises, token, neck_req, &neck));
  REQUIRE(neck.exercises_size() > 0);
  CHECK(neck.exercises_size() < all.exercises_size());
  const int expected_neck = static_cast<int>(
      std::count_if(all.exercises().begin(), all.exercises().end(),
                    [](const v1::Exercise& e) { return e.region() == v1::REGION_NECK; }));
  CHECK(neck.exercises_size() == expected_neck);
  for (const v1::Exercise& e : neck.exercises()) CHECK(e.region() == v1::REGION_NECK);

  v1::GetExerciseRequest get_req;
  get_req.set_name(neck.exercises(0).name());
  v1::Exercise one;
  REQUIRE_OK(F::Call(*f.catalog, &v1::CatalogService::Stub::GetExercise, token, get_req, &one));
  CHECK(MessageDifferencer::Equals(one, neck.exercises(0)));
  CHECK_FALSE(one.display_name().empty());

  get_req.set_name("exercises/no-such-exercise");
  CHECK_CODE(F::Call(*f.catalog, &v1::CatalogService::Stub::GetExercise, token, get_req, &one),
             Code::NOT_FOUND);
  get_req.set_name("exercise/chin-nod-lying");
  const grpc::Status malformed =
      F::Call(*f.catalog, &v1::CatalogService::Stub::GetExercise, token, get_req, &one);
  CHECK_CODE(malformed, Code::INVALID_ARGUMENT);
  CHECK_THAT(BadRequestFields(malformed), VectorContains(std::string("name")));

  v1::ListProtocolsResponse protocols;
  REQUIRE_OK(F::Call(*f.catalog, &v1::CatalogService::Stub::ListProtocols, token,
                     v1::ListProtocolsRequest(), &protocols));
  const auto it = std::find_if(protocols.protocols().begin(), protocols.protocols().end(),
                               [](const v1::Protocol& p) { return p.name() == kDefaultProtocol; });
  REQUIRE(it != protocols.protocols().end());
  REQUIRE(it->phases_size() == 4);
  CHECK(it->phases(3).weeks() == 0);  // open-ended home maintenance
  CHECK(MessageDifferencer::Equals(GetProtocol(f, token, kDefaultProtocol), *it));
}

// --- Plans ---------------------------------------------------------------------------------------

TEST_CASE("GetPlan gives today's prescription in the patient's own zone", "[foundation][service]") {
  F f;
  const Token token = f.SignIn(kPatientUser, kPatientPass);
  const v1::Protocol protocol = GetProtocol(f, token, kDefaultProtocol);
  REQUIRE(protocol.phases_size() >= 2);
  const v1::Phase& phase2 = protocol.phases(1);

  // 15:00Z is 10:00 in New York on 2026-11-21, day 21 after the start: week 4, phase 2.
  const v1::Plan plan = GetPlan(f, token, kJordan);
  CHECK(plan.today() == "2026-11-21");
  CHECK(plan.time_zone() == "America/New_York");
  CHECK(plan.program() == kJordanProgram);
  REQUIRE(plan.days_size() == 1);
  const v1::PlanDay& day = plan.days(0);
  CHECK(day.date() == "2026-11-21");
  CHECK(day.program_week() == 4);
  CHECK(day.phase_number() == 2);
  CHECK(day.phase_name() == phase2.display_name());
  CHECK(day.training_day());  // the first day of a program week is always a training day
  CHECK(day.revision() == 1);
  CHECK(day.sessions_logged() == 0);
  REQUIRE(day.exercises_size() == phase2.prescriptions_size());
  // The doses are the adaptive plan's: a position the patient has earned along each
  // prescription's written steps (the demo history progressed some of them).
  int progressed = 0;
  for (int i = 0; i < day.exercises_size(); ++i) {
    const v1::PlannedExercise& e = day.exercises(i);
    const v1::Prescription& rx = phase2.prescriptions(i);
    INFO(e.exercise());
    CHECK(e.exercise() == rx.exercise());
    CHECK_FALSE(e.display_name().empty());
    CHECK_FALSE(e.instructions().empty());
    const int step = e.dose_step();
    REQUIRE(step >= 1);
    REQUIRE(step <= rx.dose_steps_size());
    CHECK(MessageDifferencer::Equals(e.dose(), rx.dose_steps(step - 1)));
    CHECK(e.dose().sets() >= 1);
    progressed += step > 1;

    v1::GetExerciseRequest get_req;
    get_req.set_name(e.exercise());
    v1::Exercise exercise;
    REQUIRE_OK(
        F::Call(*f.catalog, &v1::CatalogService::Stub::GetExercise, token, get_req, &exercise));
    CHECK(e.display_name() == exercise.display_name());
    CHECK(e.region() == exercise.region());
  }
  CHECK(progressed > 0);  // the adherent demo patient earned progressions in phase 2

  // 03:00Z on the 22nd is still the evening of the 21st in New York...
  f.clock.Set(Utc(2026, 11, 22, 3, 0));
  CHECK(GetPlan(f, token, kJordan).today() == "2026-11-21");
  // ...and 05:30Z is half past midnight on the 22nd.
  f.clock.Set(Utc(2026, 11, 22, 5, 30));
  const v1::Plan next = GetPlan(f, token, kJordan);
  CHECK(next.today() == "2026-11-22");
  REQUIRE(next.days_size() == 1);
  CHECK(next.days(0).date() == "2026-11-22");
}

TEST_CASE("A week of plan has the phase's training days, and no program is FAILED_PRECONDITION",
          "[foundation][service]") {
  F f;
  const Token token = f.SignIn(kPatientUser, kPatientPass);
  const v1::Protocol protocol = GetProtocol(f, token, kDefaultProtocol);
  const int per_week = protocol.phases(1).sessions_per_week();
  CHECK(per_week == 3);

  const v1::Plan week = GetPlan(f, token, kJordan, "", 7);
  REQUIRE(week.days_size() == 7);
  std::vector<std::string> training;
  for (int i = 0; i < 7; ++i) {
    const v1::PlanDay& d = week.days(i);
    CHECK(d.date() == AddDays("2026-11-21", i));
    CHECK(d.program_week() == 4);
    CHECK(d.phase_number() == 2);
    if (d.training_day()) training.push_back(d.date());
  }
  CHECK(static_cast<int>(training.size()) == per_week);
  // Three sessions spread from the first day of the program week: offsets 0, 2 and 4.
  CHECK(training == std::vector<std::string>{"2026-11-21", "2026-11-23", "2026-11-25"});

  // Phase 1 (weeks 1-2) prescribes six sessions a week.
  const v1::Plan first_week = GetPlan(f, token, kJordan, "2026-10-31", 7);
  CHECK(first_week.days(0).program_week() == 1);
  CHECK(TrainingDays(first_week) == protocol.phases(0).sessions_per_week());

  v1::GetPlanRequest too_long;
  too_long.set_parent(kJordan);
  too_long.set_days(63);
  v1::Plan plan;
  const grpc::Status s =
      F::Call(*f.program, &v1::ProgramService::Stub::GetPlan, token, too_long, &plan);
  CHECK_CODE(s, Code::INVALID_ARGUMENT);
  CHECK_THAT(BadRequestFields(s), VectorContains(std::string("days")));

  const Token sam = f.SignIn("patient2", "demo-patient2-pass");
  v1::GetPlanRequest sam_req;
  sam_req.set_parent(kSam);
  CHECK_CODE(F::Call(*f.program, &v1::ProgramService::Stub::GetPlan, sam, sam_req, &plan),
             Code::FAILED_PRECONDITION);
}

// --- Sessions ------------------------------------------------------------------------------------

TEST_CASE("LogSession stores once, replays the same payload and refuses another",
          "[foundation][service]") {
  F f;
  const Token token = f.SignIn(kPatientUser, kPatientPass);
  const size_t before = AllSessions(f, token, kJordan).size();
  REQUIRE(before > 0);  // the demo history

  const std::string id = "6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b";
  const Instant performed = FixtureNow() - std::chrono::hours(1);
  const v1::LogSessionRequest req = SessionRequest(id, performed);
  v1::LogSessionResponse first;
  REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::LogSession, token, req, &first));
  CHECK_FALSE(first.replayed());
  CHECK(first.session().name() == std::string(kJordan) + "/sessions/" + id);
  CHECK(first.session().program() == kJordanProgram);
  CHECK(first.session().local_date() == "2026-11-21");
  CHECK(MessageDifferencer::Equals(first.session().perform_time(), Ts(performed)));
  CHECK(MessageDifferencer::Equals(first.session().receive_time(), Ts(FixtureNow())));
  CHECK(first.session().pain_before() == 3);
  CHECK(first.session().pain_after() == 2);
  CHECK(first.session().effort() == 5);
  CHECK(first.session().exercises_size() == 1);
  CHECK(AllSessions(f, token, kJordan).size() == before + 1);
  CHECK(GetPlan(f, token, kJordan).days(0).sessions_logged() == 1);

  // The phone retries an hour later: the stored session comes back, nothing new is written.
  f.clock.Advance(std::chrono::hours(1));
  v1::LogSessionResponse replay;
  REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::LogSession, token, req, &replay));
  CHECK(replay.replayed());
  CHECK(MessageDifferencer::Equals(replay.session(), first.session()));

  // The id is case-insensitive hex.
  v1::LogSessionRequest upper = req;
  std::string upper_id = id;
  std::transform(upper_id.begin(), upper_id.end(), upper_id.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  upper.set_session_id(upper_id);
  v1::LogSessionResponse replay_upper;
  REQUIRE_OK(
      F::Call(*f.session, &v1::SessionService::Stub::LogSession, token, upper, &replay_upper));
  CHECK(replay_upper.replayed());
  CHECK(replay_upper.session().name() == first.session().name());
  CHECK(AllSessions(f, token, kJordan).size() == before + 1);

  // The same id with another payload is a conflict, and the stored session is untouched.
  v1::LogSessionRequest other = req;
  other.mutable_session()->set_pain_after(7);
  v1::LogSessionResponse conflict;
  CHECK_CODE(F::Call(*f.session, &v1::SessionService::Stub::LogSession, token, other, &conflict),
             Code::ALREADY_EXISTS);
  v1::GetSessionRequest get_req;
  get_req.set_name(first.session().name());
  v1::Session stored;
  REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::GetSession, token, get_req, &stored));
  CHECK(MessageDifferencer::Equals(stored, first.session()));
  CHECK(AllSessions(f, token, kJordan).size() == before + 1);
  CHECK(GetPlan(f, token, kJordan).days(0).sessions_logged() == 1);
}

TEST_CASE("A session counts for the patient's local calendar day", "[foundation][service]") {
  F f;
  const Token token = f.SignIn(kPatientUser, kPatientPass);

  // 04:30Z is 23:30 on the 20th in New York (UTC-5 in November); 05:30Z is 00:30 on the 21st.
  const auto late =
      SessionRequest("11111111-1111-4111-8111-111111111111", Utc(2026, 11, 21, 4, 30));
  const auto early =
      SessionRequest("22222222-2222-4222-8222-222222222222", Utc(2026, 11, 21, 5, 30));
  v1::LogSessionResponse late_resp, early_resp;
  REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::LogSession, token, late, &late_resp));
  REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::LogSession, token, early, &early_resp));
  CHECK(late_resp.session().local_date() == "2026-11-20");
  CHECK(early_resp.session().local_date() == "2026-11-21");

  v1::GetSessionRequest get_req;
  get_req.set_name(late_resp.session().name());
  v1::Session stored;
  REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::GetSession, token, get_req, &stored));
  CHECK(stored.local_date() == "2026-11-20");

  v1::ListSessionsRequest day_req;
  day_req.set_parent(kJordan);
  day_req.set_start_date("2026-11-21");
  day_req.set_end_date("2026-11-21");
  v1::ListSessionsResponse day;
  REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::ListSessions, token, day_req, &day));
  REQUIRE(day.sessions_size() == 1);
  CHECK(day.sessions(0).name() == early_resp.session().name());

  day_req.set_start_date("2026-11-20");
  day_req.set_end_date("2026-11-20");
  REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::ListSessions, token, day_req, &day));
  std::vector<std::string> names;
  for (const v1::Session& s : day.sessions()) {
    CHECK(s.local_date() == "2026-11-20");
    names.push_back(s.name());
  }
  CHECK_THAT(names, VectorContains(late_resp.session().name()));
  CHECK_FALSE(std::find(names.begin(), names.end(), early_resp.session().name()) != names.end());
}

TEST_CASE("ListSessions pages newest first without duplicates", "[foundation][service]") {
  F f;
  const Token token = f.SignIn(kPatientUser, kPatientPass);
  const std::vector<v1::Session> all = AllSessions(f, token, kJordan, 200);
  REQUIRE(all.size() >= 6);
  const std::vector<v1::Session> paged = AllSessions(f, token, kJordan, 4);
  REQUIRE(paged.size() == all.size());
  std::set<std::string> names;
  for (size_t i = 0; i < paged.size(); ++i) {
    CHECK(paged[i].name() == all[i].name());
    CHECK(names.insert(paged[i].name()).second);
    if (i > 0) {
      CHECK(paged[i].perform_time().seconds() <= paged[i - 1].perform_time().seconds());
    }
  }
}

TEST_CASE("An invalid session is INVALID_ARGUMENT naming the field, and nothing is stored",
          "[foundation][service]") {
  F f;
  const Token token = f.SignIn(kPatientUser, kPatientPass);
  const size_t before = AllSessions(f, token, kJordan).size();
  const std::string id = "3a4b5c6d-7e8f-4a0b-9c1d-2e3f4a5b6c7d";
  const Instant now = FixtureNow();

  struct Case {
    const char* what;
    std::string field;
    std::function<void(v1::LogSessionRequest&)> spoil;
  };
  const std::vector<Case> cases = {
      {"pain_after 11", "session.pain_after",
       [](auto& r) { r.mutable_session()->set_pain_after(11); }},
      {"pain_before -1", "session.pain_before",
       [](auto& r) { r.mutable_session()->set_pain_before(-1); }},
      {"missing effort", "session.effort", [](auto& r) { r.mutable_session()->clear_effort(); }},
      {"unknown exercise", "session.exercises[0].exercise",
       [](auto& r) {
         r.mutable_session()->mutable_exercises(0)->set_exercise("exercises/no-such-exercise");
       }},
      {"malformed exercise name", "session.exercises[0].exercise",
       [](auto& r) { r.mutable_session()->mutable_exercises(0)->set_exercise("chin-nod-lying"); }},
      {"21 sets", "session.exercises[0].sets",
       [](auto& r) { r.mutable_session()->mutable_exercises(0)->set_sets(21); }},
      {"no exercises", "session.exercises",
       [](auto& r) { r.mutable_session()->clear_exercises(); }},
      {"session_id not a UUID", "session_id", [](auto& r) { r.set_session_id("not-a-uuid"); }},
      {"session_id empty", "session_id", [](auto& r) { r.set_session_id(""); }},
      {"perform_time missing", "session.perform_time",
       [](auto& r) { r.mutable_session()->clear_perform_time(); }},
      {"perform_time 11 minutes ahead", "session.perform_time",
       [now](auto& r) {
         *r.mutable_session()->mutable_perform_time() = Ts(now + std::chrono::minutes(11));
       }},
      {"perform_time 200 days ago", "session.perform_time",
       [now](auto& r) {
         *r.mutable_session()->mutable_perform_time() = Ts(now - std::chrono::hours(24 * 200));
       }},
      {"notes over 2000 characters", "session.notes",
       [](auto& r) { r.mutable_session()->set_notes(std::string(2001, 'x')); }},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    v1::LogSessionRequest req = SessionRequest(id, now - std::chrono::hours(1));
    c.spoil(req);
    v1::LogSessionResponse resp;
    const grpc::Status s =
        F::Call(*f.session, &v1::SessionService::Stub::LogSession, token, req, &resp);
    CHECK_CODE(s, Code::INVALID_ARGUMENT);
    CHECK_THAT(BadRequestFields(s), VectorContains(c.field));
    CHECK_FALSE(resp.has_session());
  }
  CHECK(AllSessions(f, token, kJordan).size() == before);

  // Several faults at once are all reported.
  v1::LogSessionRequest many = SessionRequest(id, now);
  many.mutable_session()->set_pain_after(11);
  many.mutable_session()->clear_effort();
  v1::LogSessionResponse resp;
  const grpc::Status s =
      F::Call(*f.session, &v1::SessionService::Stub::LogSession, token, many, &resp);
  CHECK_CODE(s, Code::INVALID_ARGUMENT);
  CHECK_THAT(BadRequestFields(s), VectorContains(std::string("session.pain_after")));
  CHECK_THAT(BadRequestFields(s), VectorContains(std::string("session.effort")));

  // None of the refused attempts claimed the id: the valid session is new, not a replay. A
  // perform_time 9 minutes ahead is within the allowed clock skew.
  v1::LogSessionRequest valid = SessionRequest(id, now + std::chrono::minutes(9));
  REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::LogSession, token, valid, &resp));
  CHECK_FALSE(resp.replayed());
  CHECK(AllSessions(f, token, kJordan).size() == before + 1);
}

TEST_CASE("LogSession refuses a session dated before the program started",
          "[foundation][service]") {
  // session.proto: LogSession answers FAILED_PRECONDITION when no program is active on the
  // session's date. Jordan's program starts on 2026-10-31; 2026-10-22 is within the 90-day
  // logging window but before the start.
  F f;
  const Token token = f.SignIn(kPatientUser, kPatientPass);
  const size_t before = AllSessions(f, token, kJordan).size();
  const auto req = SessionRequest("44444444-4444-4444-8444-444444444444", Utc(2026, 10, 22, 23, 0));
  v1::LogSessionResponse resp;
  CHECK_CODE(F::Call(*f.session, &v1::SessionService::Stub::LogSession, token, req, &resp),
             Code::FAILED_PRECONDITION);
  CHECK(AllSessions(f, token, kJordan).size() == before);
}

TEST_CASE("Other invalid requests are INVALID_ARGUMENT naming the field", "[foundation][service]") {
  F f;
  const Token therapist = f.SignIn("therapist", "demo-therapist-pass");

  v1::ListPatientsRequest list_req;
  list_req.set_parent(kClinic);
  v1::ListPatientsResponse patients;
  REQUIRE_OK(
      F::Call(*f.clinic, &v1::ClinicService::Stub::ListPatients, therapist, list_req, &patients));
  const int patients_before = patients.patients_size();

  auto create = [](const std::string& parent, const std::string& zone) {
    v1::CreatePatientRequest req;
    req.set_parent(parent);
    req.set_patient_id("11111111-2222-4333-8444-555555555501");
    req.mutable_patient()->set_display_name("Riley Quinn");
    req.mutable_patient()->set_time_zone(zone);
    req.set_username("riley");
    req.set_initial_password("riley-initial-pw");
    return req;
  };
  v1::Patient created;
  const grpc::Status mars = F::Call(*f.clinic, &v1::ClinicService::Stub::CreatePatient, therapist,
                                    create(kClinic, "Mars/Olympus"), &created);
  CHECK_CODE(mars, Code::INVALID_ARGUMENT);
  CHECK(BadRequestFields(mars) == std::vector<std::string>{"patient.time_zone"});

  const grpc::Status parent = F::Call(*f.clinic, &v1::ClinicService::Stub::CreatePatient, therapist,
                                      create("clinic/demo", "Europe/Berlin"), &created);
  CHECK_CODE(parent, Code::INVALID_ARGUMENT);
  CHECK_THAT(BadRequestFields(parent), VectorContains(std::string("parent")));

  v1::CreatePatientRequest many = create(kClinic, "Mars/Olympus");
  many.set_username("Not Valid");
  many.set_initial_password("short");
  const grpc::Status all_faults =
      F::Call(*f.clinic, &v1::ClinicService::Stub::CreatePatient, therapist, many, &created);
  CHECK_CODE(all_faults, Code::INVALID_ARGUMENT);
  const auto fields = BadRequestFields(all_faults);
  CHECK_THAT(fields, VectorContains(std::string("patient.time_zone")));
  CHECK_THAT(fields, VectorContains(std::string("username")));
  CHECK_THAT(fields, VectorContains(std::string("initial_password")));

  REQUIRE_OK(
      F::Call(*f.clinic, &v1::ClinicService::Stub::ListPatients, therapist, list_req, &patients));
  CHECK(patients.patients_size() == patients_before);

  list_req.set_page_size(500);
  const grpc::Status page =
      F::Call(*f.clinic, &v1::ClinicService::Stub::ListPatients, therapist, list_req, &patients);
  CHECK_CODE(page, Code::INVALID_ARGUMENT);
  CHECK_THAT(BadRequestFields(page), VectorContains(std::string("page_size")));

  v1::ListSessionsRequest sessions_req;
  sessions_req.set_parent(kJordan);
  sessions_req.set_page_size(500);
  v1::ListSessionsResponse sessions;
  const grpc::Status sessions_page = F::Call(*f.session, &v1::SessionService::Stub::ListSessions,
                                             therapist, sessions_req, &sessions);
  CHECK_CODE(sessions_page, Code::INVALID_ARGUMENT);
  CHECK_THAT(BadRequestFields(sessions_page), VectorContains(std::string("page_size")));

  v1::LogSessionRequest log = SessionRequest("55555555-5555-4555-8555-555555555555", FixtureNow());
  log.set_parent("clinics/demo/patient/jordan");
  v1::LogSessionResponse logged;
  const grpc::Status log_parent =
      F::Call(*f.session, &v1::SessionService::Stub::LogSession, therapist, log, &logged);
  CHECK_CODE(log_parent, Code::INVALID_ARGUMENT);
  CHECK_THAT(BadRequestFields(log_parent), VectorContains(std::string("parent")));

  v1::GetPlanRequest plan_req;
  plan_req.set_parent(kJordan);
  plan_req.set_start_date("2026-02-30");
  v1::Plan plan;
  const grpc::Status bad_date =
      F::Call(*f.program, &v1::ProgramService::Stub::GetPlan, therapist, plan_req, &plan);
  CHECK_CODE(bad_date, Code::INVALID_ARGUMENT);
  CHECK_THAT(BadRequestFields(bad_date), VectorContains(std::string("start_date")));
}

// --- Access --------------------------------------------------------------------------------------

TEST_CASE("A patient reaches only their own records", "[foundation][service]") {
  F f;
  const Token token = f.SignIn(kPatientUser, kPatientPass);

  auto plan_code = [&](const std::string& parent) {
    v1::GetPlanRequest req;
    req.set_parent(parent);
    v1::Plan plan;
    return F::Call(*f.program, &v1::ProgramService::Stub::GetPlan, token, req, &plan);
  };
  REQUIRE_OK(plan_code(kJordan));
  // Someone else's record answers exactly like a record that does not exist.
  CHECK_CODE(plan_code(kSam), Code::NOT_FOUND);
  CHECK_CODE(plan_code("clinics/demo/patients/nobody"), Code::NOT_FOUND);
  CHECK_CODE(plan_code("clinics/other/patients/jordan"), Code::NOT_FOUND);

  v1::GetAdherenceRequest adherence_req;
  adherence_req.set_parent(kSam);
  adherence_req.set_start_date("2026-11-01");
  adherence_req.set_end_date("2026-11-20");
  v1::Adherence adherence;
  CHECK_CODE(F::Call(*f.session, &v1::SessionService::Stub::GetAdherence, token, adherence_req,
                     &adherence),
             Code::NOT_FOUND);

  v1::LogSessionRequest for_sam =
      SessionRequest("66666666-6666-4666-8666-666666666666", FixtureNow() - std::chrono::hours(1));
  for_sam.set_parent(kSam);
  v1::LogSessionResponse logged;
  CHECK_CODE(F::Call(*f.session, &v1::SessionService::Stub::LogSession, token, for_sam, &logged),
             Code::NOT_FOUND);

  v1::CreatePatientRequest create;
  create.set_parent(kClinic);
  create.mutable_patient()->set_display_name("Someone Else");
  create.mutable_patient()->set_time_zone("Europe/Berlin");
  create.set_username("someone");
  create.set_initial_password("someone-initial-pw");
  v1::Patient created;
  CHECK_CODE(F::Call(*f.clinic, &v1::ClinicService::Stub::CreatePatient, token, create, &created),
             Code::PERMISSION_DENIED);

  v1::ListPatientsRequest list_req;
  list_req.set_parent(kClinic);
  v1::ListPatientsResponse patients;
  CHECK_CODE(F::Call(*f.clinic, &v1::ClinicService::Stub::ListPatients, token, list_req, &patients),
             Code::PERMISSION_DENIED);
  CHECK(patients.patients_size() == 0);

  v1::CreateProgramRequest program_req;
  program_req.set_parent(kJordan);
  program_req.mutable_program()->set_protocol(kDefaultProtocol);
  program_req.mutable_program()->set_start_date("2026-12-01");
  v1::Program program;
  CHECK_CODE(
      F::Call(*f.program, &v1::ProgramService::Stub::CreateProgram, token, program_req, &program),
      Code::PERMISSION_DENIED);

  v1::GetClinicRequest clinic_req;
  clinic_req.set_name(kClinic);
  v1::Clinic clinic;
  REQUIRE_OK(F::Call(*f.clinic, &v1::ClinicService::Stub::GetClinic, token, clinic_req, &clinic));
  CHECK(clinic.name() == kClinic);
  clinic_req.set_name("clinics/other");
  CHECK_CODE(F::Call(*f.clinic, &v1::ClinicService::Stub::GetClinic, token, clinic_req, &clinic),
             Code::PERMISSION_DENIED);
}

TEST_CASE("The therapist sees their patients, the admin reads but cannot log sessions",
          "[foundation][service]") {
  F f;
  const Token therapist = f.SignIn("therapist", "demo-therapist-pass");
  const Token admin = f.SignIn("admin", "demo-admin-pass");

  for (const Token& token : {therapist, admin}) {
    v1::ListPatientsRequest list_req;
    list_req.set_parent(kClinic);
    v1::ListPatientsResponse patients;
    REQUIRE_OK(
        F::Call(*f.clinic, &v1::ClinicService::Stub::ListPatients, token, list_req, &patients));
    REQUIRE(patients.patients_size() == 2);
    std::set<std::string> names;
    for (const v1::Patient& p : patients.patients()) {
      names.insert(p.name());
      CHECK(p.therapist() == kRivera);
    }
    CHECK(names == std::set<std::string>{kJordan, kSam});

    list_req.set_parent("clinics/other");
    CHECK_CODE(
        F::Call(*f.clinic, &v1::ClinicService::Stub::ListPatients, token, list_req, &patients),
        Code::PERMISSION_DENIED);
  }

  v1::GetAdherenceRequest adherence_req;
  adherence_req.set_parent(kJordan);
  adherence_req.set_start_date("2026-11-14");
  adherence_req.set_end_date("2026-11-20");
  v1::Adherence adherence;
  REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::GetAdherence, therapist, adherence_req,
                     &adherence));
  CHECK(adherence.days_size() == 7);
  CHECK(adherence.parent() == kJordan);

  // A session belongs to its patient: Jordan's session is not reachable under Sam's name.
  const std::vector<v1::Session> sessions = AllSessions(f, therapist, kJordan);
  REQUIRE_FALSE(sessions.empty());
  const std::string session_id =
      sessions[0].name().substr(sessions[0].name().find_last_of('/') + 1);
  v1::GetSessionRequest get_req;
  get_req.set_name(std::string(kSam) + "/sessions/" + session_id);
  v1::Session session;
  CHECK_CODE(
      F::Call(*f.session, &v1::SessionService::Stub::GetSession, therapist, get_req, &session),
      Code::NOT_FOUND);

  GetPlan(f, admin, kJordan);  // an admin may read a plan of the clinic
  const size_t before = AllSessions(f, admin, kJordan).size();
  const auto log =
      SessionRequest("77777777-7777-4777-8777-777777777777", FixtureNow() - std::chrono::hours(1));
  v1::LogSessionResponse logged;
  CHECK_CODE(F::Call(*f.session, &v1::SessionService::Stub::LogSession, admin, log, &logged),
             Code::PERMISSION_DENIED);
  CHECK(AllSessions(f, admin, kJordan).size() == before);
}

// --- Patients and programs -----------------------------------------------------------------------

TEST_CASE("A therapist creates a patient and assigns the default protocol once",
          "[foundation][service]") {
  F f;
  const Token therapist = f.SignIn("therapist", "demo-therapist-pass");
  const std::string casey = "clinics/demo/patients/11111111-2222-4333-8444-555555555502";

  v1::CreatePatientRequest create;
  create.set_parent(kClinic);
  create.set_patient_id("11111111-2222-4333-8444-555555555502");
  create.mutable_patient()->set_display_name("Casey Park");
  create.mutable_patient()->set_time_zone("Europe/Berlin");
  create.set_username("casey");
  create.set_initial_password("casey-initial-pw");
  v1::Patient patient;
  REQUIRE_OK(
      F::Call(*f.clinic, &v1::ClinicService::Stub::CreatePatient, therapist, create, &patient));
  CHECK(patient.name() == casey);
  CHECK(patient.display_name() == "Casey Park");
  CHECK(patient.time_zone() == "Europe/Berlin");
  CHECK(patient.therapist() == kRivera);  // defaults to the creating therapist
  CHECK(patient.username() == "casey");
  CHECK_FALSE(patient.etag().empty());
  CHECK(MessageDifferencer::Equals(patient.create_time(), Ts(FixtureNow())));

  // Replaying the creation returns the stored patient; another patient with a taken user name is
  // ALREADY_EXISTS.
  v1::Patient replayed;
  REQUIRE_OK(
      F::Call(*f.clinic, &v1::ClinicService::Stub::CreatePatient, therapist, create, &replayed));
  CHECK(MessageDifferencer::Equals(replayed, patient));
  v1::CreatePatientRequest taken = create;
  taken.set_patient_id("11111111-2222-4333-8444-555555555503");
  taken.mutable_patient()->set_display_name("Dana Park");
  taken.set_username("patient");
  CHECK_CODE(
      F::Call(*f.clinic, &v1::ClinicService::Stub::CreatePatient, therapist, taken, &replayed),
      Code::ALREADY_EXISTS);

  v1::ListPatientsRequest list_req;
  list_req.set_parent(kClinic);
  v1::ListPatientsResponse patients;
  REQUIRE_OK(
      F::Call(*f.clinic, &v1::ClinicService::Stub::ListPatients, therapist, list_req, &patients));
  CHECK(patients.patients_size() == 3);

  v1::CreateProgramRequest program_req;
  program_req.set_parent(casey);
  program_req.set_program_id("11111111-2222-4333-8444-5555555555a1");
  program_req.mutable_program()->set_protocol(kDefaultProtocol);
  program_req.mutable_program()->set_start_date("2026-11-16");
  v1::Program program;
  REQUIRE_OK(F::Call(*f.program, &v1::ProgramService::Stub::CreateProgram, therapist, program_req,
                     &program));
  CHECK(program.name() == casey + "/programs/11111111-2222-4333-8444-5555555555a1");
  CHECK(program.protocol() == kDefaultProtocol);
  CHECK(program.start_date() == "2026-11-16");
  CHECK(program.state() == v1::PROGRAM_STATE_ACTIVE);
  CHECK(program.revision() == 1);
  CHECK(program.phases_size() == GetProtocol(f, therapist, kDefaultProtocol).phases_size());

  // A retry later returns the stored program unchanged.
  f.clock.Advance(std::chrono::hours(1));
  v1::Program again;
  REQUIRE_OK(F::Call(*f.program, &v1::ProgramService::Stub::CreateProgram, therapist, program_req,
                     &again));
  CHECK(MessageDifferencer::Equals(again, program));

  v1::CreateProgramRequest other_payload = program_req;
  other_payload.mutable_program()->set_start_date("2026-11-23");
  CHECK_CODE(F::Call(*f.program, &v1::ProgramService::Stub::CreateProgram, therapist, other_payload,
                     &again),
             Code::ALREADY_EXISTS);

  v1::CreateProgramRequest second = program_req;
  second.set_program_id("11111111-2222-4333-8444-5555555555a2");
  second.mutable_program()->set_start_date("2026-12-01");
  CHECK_CODE(
      F::Call(*f.program, &v1::ProgramService::Stub::CreateProgram, therapist, second, &again),
      Code::FAILED_PRECONDITION);

  v1::ListProgramsRequest programs_req;
  programs_req.set_parent(casey);
  v1::ListProgramsResponse programs;
  REQUIRE_OK(F::Call(*f.program, &v1::ProgramService::Stub::ListPrograms, therapist, programs_req,
                     &programs));
  REQUIRE(programs.programs_size() == 1);
  CHECK(programs.programs(0).name() == program.name());

  // The new patient signs in with the initial password and sees their plan: 16:00Z is 17:00 in
  // Berlin on 2026-11-21, day 6 of week 1 (phase 1, six sessions a week).
  v1::SignInRequest sign_in;
  sign_in.set_username("casey");
  sign_in.set_password("casey-initial-pw");
  v1::SignInResponse signed_in;
  REQUIRE_OK(F::Call(*f.auth, &v1::AuthService::Stub::SignIn, Token(), sign_in, &signed_in));
  CHECK(signed_in.principal().role() == v1::ROLE_PATIENT);
  CHECK(signed_in.principal().subject() == casey);
  const v1::Plan plan = GetPlan(f, signed_in.token(), casey);
  CHECK(plan.program() == program.name());
  CHECK(plan.time_zone() == "Europe/Berlin");
  CHECK(plan.today() == "2026-11-21");
  REQUIRE(plan.days_size() == 1);
  CHECK(plan.days(0).program_week() == 1);
  CHECK(plan.days(0).phase_number() == 1);
  CHECK(plan.days(0).training_day());
  CHECK(plan.days(0).exercises_size() > 0);
}

TEST_CASE("CreateProgram without a program_id serves patients whose ids share a prefix",
          "[foundation][service]") {
  // program.proto: program_id is optional and ALREADY_EXISTS is only for a program_id sent with
  // another payload. Two patients of the clinic whose ids begin alike (UUIDs sharing a prefix)
  // must each get their program when the client leaves program_id empty. A blind retry without
  // an id meets the one-active-program rule (FAILED_PRECONDITION) and creates nothing.
  F f;
  const Token therapist = f.SignIn("therapist", "demo-therapist-pass");
  std::vector<std::string> names;
  for (const char* id :
       {"aaaaaaaa-0000-4000-8000-000000000001", "aaaaaaaa-0000-4000-8000-000000000002"}) {
    INFO(id);
    v1::CreatePatientRequest create;
    create.set_parent(kClinic);
    create.set_patient_id(id);
    create.mutable_patient()->set_display_name(std::string("Patient ") + id);
    create.mutable_patient()->set_time_zone("Europe/Berlin");
    create.set_username(id);
    create.set_initial_password("initial-password");
    v1::Patient patient;
    REQUIRE_OK(
        F::Call(*f.clinic, &v1::ClinicService::Stub::CreatePatient, therapist, create, &patient));
    names.push_back(patient.name());
  }
  std::vector<v1::Program> programs;
  for (const std::string& name : names) {
    INFO(name);
    v1::CreateProgramRequest req;
    req.set_parent(name);
    req.mutable_program()->set_protocol(kDefaultProtocol);
    req.mutable_program()->set_start_date("2026-11-23");
    v1::Program program;
    CHECK_CODE(
        F::Call(*f.program, &v1::ProgramService::Stub::CreateProgram, therapist, req, &program),
        Code::OK);
    CHECK(program.name().rfind(name + "/programs/", 0) == 0);
    programs.push_back(program);

    v1::Program retry;
    CHECK_CODE(
        F::Call(*f.program, &v1::ProgramService::Stub::CreateProgram, therapist, req, &retry),
        Code::FAILED_PRECONDITION);
    v1::ListProgramsRequest list;
    list.set_parent(name);
    v1::ListProgramsResponse listed;
    REQUIRE_OK(
        F::Call(*f.program, &v1::ProgramService::Stub::ListPrograms, therapist, list, &listed));
    REQUIRE(listed.programs_size() == 1);
    CHECK(listed.programs(0).name() == program.name());
  }
  REQUIRE(programs.size() == 2);
  CHECK(programs[0].name() != programs[1].name());
}

TEST_CASE("UpdatePatient honours the etag and the field mask", "[foundation][service]") {
  F f;
  const Token therapist = f.SignIn("therapist", "demo-therapist-pass");

  v1::GetPatientRequest get_req;
  get_req.set_name(kJordan);
  v1::Patient original;
  REQUIRE_OK(
      F::Call(*f.clinic, &v1::ClinicService::Stub::GetPatient, therapist, get_req, &original));
  REQUIRE_FALSE(original.etag().empty());

  v1::UpdatePatientRequest update;
  update.mutable_patient()->set_name(kJordan);
  update.mutable_patient()->set_etag(original.etag());
  update.mutable_patient()->set_time_zone("America/Chicago");
  update.mutable_patient()->set_display_name("Not In The Mask");
  update.mutable_update_mask()->add_paths("time_zone");
  v1::Patient updated;
  REQUIRE_OK(
      F::Call(*f.clinic, &v1::ClinicService::Stub::UpdatePatient, therapist, update, &updated));
  CHECK(updated.time_zone() == "America/Chicago");
  CHECK(updated.display_name() == original.display_name());  // not in the mask: unchanged
  CHECK(updated.therapist() == original.therapist());
  CHECK(updated.etag() != original.etag());

  // The same update again carries a stale etag now.
  v1::Patient stale;
  update.mutable_patient()->set_time_zone("America/Denver");
  CHECK_CODE(F::Call(*f.clinic, &v1::ClinicService::Stub::UpdatePatient, therapist, update, &stale),
             Code::ABORTED);
  v1::Patient current;
  REQUIRE_OK(
      F::Call(*f.clinic, &v1::ClinicService::Stub::GetPatient, therapist, get_req, &current));
  CHECK(MessageDifferencer::Equals(current, updated));
  CHECK(GetPlan(f, therapist, kJordan).time_zone() == "America/Chicago");

  update.mutable_patient()->set_etag(updated.etag());
  update.mutable_update_mask()->clear_paths();
  update.mutable_update_mask()->add_paths("username");
  const grpc::Status unknown_path =
      F::Call(*f.clinic, &v1::ClinicService::Stub::UpdatePatient, therapist, update, &stale);
  CHECK_CODE(unknown_path, Code::INVALID_ARGUMENT);
  CHECK_THAT(BadRequestFields(unknown_path), VectorContains(std::string("update_mask")));

  update.mutable_update_mask()->clear_paths();
  update.mutable_update_mask()->add_paths("time_zone");
  update.mutable_patient()->set_time_zone("Mars/Olympus");
  const grpc::Status bad_zone =
      F::Call(*f.clinic, &v1::ClinicService::Stub::UpdatePatient, therapist, update, &stale);
  CHECK_CODE(bad_zone, Code::INVALID_ARGUMENT);
  CHECK_THAT(BadRequestFields(bad_zone), VectorContains(std::string("patient.time_zone")));

  REQUIRE_OK(
      F::Call(*f.clinic, &v1::ClinicService::Stub::GetPatient, therapist, get_req, &current));
  CHECK(MessageDifferencer::Equals(current, updated));

  // A patient may not update their own record.
  const Token patient = f.SignIn(kPatientUser, kPatientPass);
  update.mutable_patient()->set_time_zone("Europe/Paris");
  CHECK_CODE(F::Call(*f.clinic, &v1::ClinicService::Stub::UpdatePatient, patient, update, &stale),
             Code::PERMISSION_DENIED);
}

// --- Adherence -----------------------------------------------------------------------------------

TEST_CASE("GetAdherence over the last 21 days agrees with the plan", "[foundation][service]") {
  F f;
  const Token token = f.SignIn(kPatientUser, kPatientPass);
  const std::string today = GetPlan(f, token, kJordan).today();
  const std::string start = AddDays(today, -21);
  const std::string end = AddDays(today, -1);

  const v1::Plan plan = GetPlan(f, token, kJordan, start, 21);
  REQUIRE(plan.days_size() == 21);
  const int prescribed = TrainingDays(plan);
  REQUIRE(prescribed > 0);

  v1::GetAdherenceRequest req;
  req.set_parent(kJordan);
  req.set_start_date(start);
  req.set_end_date(end);
  v1::Adherence adherence;
  REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::GetAdherence, token, req, &adherence));
  CHECK(adherence.parent() == kJordan);
  CHECK(adherence.start_date() == start);
  CHECK(adherence.end_date() == end);
  REQUIRE(adherence.days_size() == 21);
  CHECK(adherence.sessions_prescribed() == prescribed);
  CHECK(adherence.sessions_done() <= adherence.sessions_prescribed());
  CHECK(adherence.sessions_done() > 0);  // the demo logged most prescribed sessions
  CHECK(adherence.ratio() >= 0.0);
  CHECK(adherence.ratio() <= 1.0);
  CHECK(adherence.ratio() ==
        Approx(static_cast<double>(adherence.sessions_done()) / adherence.sessions_prescribed()));
  int done = 0;
  for (int i = 0; i < 21; ++i) {
    const v1::AdherenceDay& day = adherence.days(i);
    INFO(day.date());
    CHECK(day.date() == plan.days(i).date());
    CHECK(day.sessions_prescribed() == (plan.days(i).training_day() ? 1 : 0));
    CHECK(day.sessions_done() == plan.days(i).sessions_logged());
    if (day.sessions_done() == 0) CHECK(day.max_pain() == -1);
    done += day.sessions_done();
  }
  CHECK(adherence.sessions_done() <= done);

  req.set_start_date(end);
  req.set_end_date(start);
  const grpc::Status reversed =
      F::Call(*f.session, &v1::SessionService::Stub::GetAdherence, token, req, &adherence);
  CHECK_CODE(reversed, Code::INVALID_ARGUMENT);
  CHECK_THAT(BadRequestFields(reversed), VectorContains(std::string("end_date")));

  req.set_start_date("");
  req.set_end_date(end);
  const grpc::Status missing =
      F::Call(*f.session, &v1::SessionService::Stub::GetAdherence, token, req, &adherence);
  CHECK_CODE(missing, Code::INVALID_ARGUMENT);
  CHECK_THAT(BadRequestFields(missing), VectorContains(std::string("start_date")));
}

TEST_CASE("Adherence credits at most the week's prescribed sessions", "[foundation][service]") {
  F f;
  const Token token = f.SignIn(kPatientUser, kPatientPass);
  // Program week 4 is 2026-11-21..27 with three prescribed sessions; four are logged today.
  const v1::Plan week = GetPlan(f, token, kJordan, "2026-11-21", 7);
  REQUIRE(TrainingDays(week) == 3);
  const char* ids[] = {
      "a0000000-0000-4000-8000-000000000001", "a0000000-0000-4000-8000-000000000002",
      "a0000000-0000-4000-8000-000000000003", "a0000000-0000-4000-8000-000000000004"};
  int minute = 0;
  for (const char* id : ids) {
    v1::LogSessionResponse resp;
    REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::LogSession, token,
                       SessionRequest(id, Utc(2026, 11, 21, 14, minute)), &resp));
    minute += 10;
  }
  v1::GetAdherenceRequest req;
  req.set_parent(kJordan);
  req.set_start_date("2026-11-21");
  req.set_end_date("2026-11-27");
  v1::Adherence adherence;
  REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::GetAdherence, token, req, &adherence));
  REQUIRE(adherence.days_size() == 7);
  CHECK(adherence.days(0).sessions_done() == 4);
  CHECK(adherence.days(0).max_pain() == 3);
  CHECK(adherence.sessions_prescribed() == 3);
  CHECK(adherence.sessions_done() == 3);
  CHECK(adherence.ratio() == Approx(1.0));
}

// --- The access table ----------------------------------------------------------------------------

}  // namespace
}  // namespace ptrack::testing
