// The audit log (DESIGN.md §6, docs/SECURITY.md "Audit") through the real services: a read of
// patient data appends exactly one row naming the caller, their role and clinic, the patient, the
// full method and the outcome; denials are recorded (another patient's data, a role that may not
// call the method, failed sign-ins under the account's name, or for a name that is no account
// only a keyed hash of it, stable across restarts), calls without a valid token are not;
// ListAuditEvents is for a clinic's own admins only, newest first, paginated without gaps or
// repeats, filtered by patient, and shows a clinic its own users' events and anyone's attempts at
// its patients but nothing of another clinic; the table refuses UPDATE, DELETE and REPLACE; and
// when the database refuses the row, an audited call answers UNAVAILABLE instead of its data, and
// a logged session, whose row commits in its own transaction, is not stored either (the table is
// read and altered here with SQLiteCpp directly on the fixture's database file).
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <sodium.h>

#include <catch2/catch.hpp>
#include <cctype>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "service/credentials.h"
#include "tests/service/test_helpers.h"

namespace ptrack::testing {
namespace {

using namespace std::chrono_literals;
using Code = grpc::StatusCode;
using F = ServiceFixture;

constexpr const char* kGetPlan = "/ptrack.v1.ProgramService/GetPlan";
constexpr const char* kSignIn = "/ptrack.v1.AuthService/SignIn";

struct Row {
  int64_t id = 0;
  int64_t time_ms = 0;
  std::string username;
  int role = 0;
  std::string clinic_id, patient_id, method, outcome;
};

// Every audit row with an id above `after`, oldest first, straight from the database file.
std::vector<Row> RowsAfter(F& f, int64_t after = 0) {
  SQLite::Database db(f.db_file.path().string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(db,
                      "SELECT id, time_ms, username, role, clinic_id, patient_id, method, outcome "
                      "FROM audit_events WHERE id > ? ORDER BY id");
  q.bind(1, after);
  std::vector<Row> rows;
  while (q.executeStep()) {
    rows.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getInt64(),
                    q.getColumn(2).getString(), q.getColumn(3).getInt(), q.getColumn(4).getString(),
                    q.getColumn(5).getString(), q.getColumn(6).getString(),
                    q.getColumn(7).getString()});
  }
  return rows;
}

int64_t LastId(F& f) {
  const auto rows = RowsAfter(f);
  return rows.empty() ? 0 : rows.back().id;
}

grpc::Status GetPlan(F& f, const Token& token, const std::string& parent) {
  v1::GetPlanRequest req;
  req.set_parent(parent);
  v1::Plan plan;
  return F::Call(*f.program, &v1::ProgramService::Stub::GetPlan, token, req, &plan);
}

grpc::Status GetPatient(F& f, const Token& token, const std::string& name) {
  v1::GetPatientRequest req;
  req.set_name(name);
  v1::Patient patient;
  return F::Call(*f.clinic, &v1::ClinicService::Stub::GetPatient, token, req, &patient);
}

grpc::Status TrySignIn(F& f, const std::string& user, const std::string& password) {
  v1::SignInRequest req;
  req.set_username(user);
  req.set_password(password);
  v1::SignInResponse resp;
  return F::Call(*f.auth, &v1::AuthService::Stub::SignIn, Token(), req, &resp);
}

grpc::Status ListAudit(F& f, const Token& token, const std::string& parent,
                       const std::string& patient, int page_size, const std::string& page_token,
                       v1::ListAuditEventsResponse* resp) {
  v1::ListAuditEventsRequest req;
  req.set_parent(parent);
  req.set_patient(patient);
  req.set_page_size(page_size);
  req.set_page_token(page_token);
  return F::Call(*f.audit, &v1::AuditService::Stub::ListAuditEvents, token, req, resp);
}

// Every event `token`'s owner sees for `parent` (and `patient`), walked with `page_size`.
std::vector<v1::AuditEvent> AllEvents(F& f, const Token& token, const std::string& parent,
                                      const std::string& patient = "", int page_size = 200) {
  std::vector<v1::AuditEvent> out;
  std::string page_token;
  for (int pages = 0; pages < 1000; ++pages) {
    v1::ListAuditEventsResponse resp;
    REQUIRE_OK(ListAudit(f, token, parent, patient, page_size, page_token, &resp));
    REQUIRE(resp.events_size() <= page_size);
    out.insert(out.end(), resp.events().begin(), resp.events().end());
    if (resp.next_page_token().empty()) return out;
    REQUIRE(resp.events_size() == page_size);
    page_token = resp.next_page_token();
  }
  FAIL("ListAuditEvents never ended");
  return out;
}

// Another clinic, "east", with admin "east-admin", therapist "east-t" and patient "cora", made
// through the store as the operator would.
void AddEastClinic(F& f) {
  const Instant now = f.clock.Now();
  auto account = [&](const std::string& user, Role role, const std::string& subject) {
    auto hash = HashPassword(user + "-password");
    REQUIRE(hash.ok());
    return Account{user, *hash, role, "east", subject, now};
  };
  REQUIRE(f.store->CreateClinic({"east", "East Clinic", "Asia/Tokyo"}).ok());
  REQUIRE(f.store->CreateAccount(account("east-admin", Role::kClinicAdmin, "")).ok());
  REQUIRE(f.store
              ->CreateTherapist({"east-t", "east", "Aki Mori", "east-t"},
                                account("east-t", Role::kTherapist, "east-t"))
              .ok());
  REQUIRE(f.store
              ->CreatePatient({"cora", "east", "Cora Sato", "Asia/Tokyo", "east-t", "cora", now, 1},
                              account("cora", Role::kPatient, "cora"))
              .ok());
}

TEST_CASE("A read of patient data appends exactly one row naming who, whose, what and how",
          "[security]") {
  F f;
  const Token therapist = f.SignIn("therapist", "demo-therapist-pass");
  const Token admin = f.SignIn("admin", "demo-admin-pass");
  f.clock.Advance(90s);
  const int64_t before = LastId(f);

  REQUIRE_OK(GetPlan(f, therapist, kJordan));
  const auto rows = RowsAfter(f, before);
  REQUIRE(rows.size() == 1);
  const Row& row = rows[0];
  CHECK(row.username == "therapist");
  CHECK(row.role == static_cast<int>(Role::kTherapist));
  CHECK(row.clinic_id == "demo");
  CHECK(row.patient_id == "jordan");
  CHECK(row.method == kGetPlan);
  CHECK(row.outcome == "OK");
  CHECK(row.time_ms == ToUnixMillis(f.clock.Now()));

  // The same row through the API.
  v1::ListAuditEventsResponse resp;
  REQUIRE_OK(ListAudit(f, admin, kClinic, "", 1, "", &resp));
  REQUIRE(resp.events_size() == 1);
  const v1::AuditEvent& e = resp.events(0);
  CHECK(e.id() == row.id);
  CHECK(e.username() == "therapist");
  CHECK(e.role() == v1::ROLE_THERAPIST);
  CHECK(e.clinic() == kClinic);
  CHECK(e.patient_id() == "jordan");
  CHECK(e.method() == kGetPlan);
  CHECK(e.outcome() == "OK");
  CHECK(e.time().seconds() == Ts(f.clock.Now()).seconds());

  // Calls that touch no patient's data write nothing; listing the log itself writes nothing.
  v1::Principal who;
  REQUIRE_OK(
      F::Call(*f.auth, &v1::AuthService::Stub::WhoAmI, therapist, v1::WhoAmIRequest(), &who));
  v1::ListExercisesResponse exercises;
  REQUIRE_OK(F::Call(*f.catalog, &v1::CatalogService::Stub::ListExercises, therapist,
                     v1::ListExercisesRequest(), &exercises));
  CHECK(RowsAfter(f, before).size() == 1);
}

TEST_CASE("Denials are audited, calls without a valid token are not", "[security]") {
  F f;
  const Token patient = f.SignIn(kPatientUser, kPatientPass);
  int64_t before = LastId(f);

  // Another patient's data: NOT_FOUND, with the patient that was named.
  CHECK_CODE(GetPlan(f, patient, kSam), Code::NOT_FOUND);
  auto rows = RowsAfter(f, before);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].username == kPatientUser);
  CHECK(rows[0].role == static_cast<int>(Role::kPatient));
  CHECK(rows[0].clinic_id == "demo");
  CHECK(rows[0].patient_id == "sam");
  CHECK(rows[0].method == kGetPlan);
  CHECK(rows[0].outcome == "NOT_FOUND");

  // A patient that does not exist is recorded the same way.
  before = LastId(f);
  CHECK_CODE(GetPlan(f, patient, "clinics/demo/patients/nobody"), Code::NOT_FOUND);
  rows = RowsAfter(f, before);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].patient_id == "nobody");
  CHECK(rows[0].outcome == "NOT_FOUND");

  // A method the role may not call at all.
  before = LastId(f);
  v1::ResolveDecisionRequest approve;
  approve.set_name(std::string(kJordanProgram) + "/decisions/week-3");
  approve.set_action_id("6f1c2b1e-3f63-4b8e-9d2a-2f0c1d7e5a10");
  v1::Decision decision;
  CHECK_CODE(F::Call(*f.progression, &v1::ProgressionService::Stub::ApproveDecision, patient,
                     approve, &decision),
             Code::PERMISSION_DENIED);
  rows = RowsAfter(f, before);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].username == kPatientUser);
  CHECK(rows[0].method == "/ptrack.v1.ProgressionService/ApproveDecision");
  CHECK(rows[0].outcome == "PERMISSION_DENIED");

  // No token, a forged one, a revoked one: no caller to record.
  const Token revoked = f.SignIn(kPatientUser, kPatientPass);
  v1::SignOutResponse out;
  REQUIRE_OK(
      F::Call(*f.auth, &v1::AuthService::Stub::SignOut, revoked, v1::SignOutRequest(), &out));
  before = LastId(f);
  for (const Token& t : {Token(), Token(64, 'a'), revoked}) {
    CHECK_CODE(GetPlan(f, t, kJordan), Code::UNAUTHENTICATED);
    CHECK_CODE(F::Call(*f.progression, &v1::ProgressionService::Stub::ApproveDecision, t, approve,
                       &decision),
               Code::UNAUTHENTICATED);
  }
  CHECK(RowsAfter(f, before).empty());
}

TEST_CASE("Failed sign-ins are audited under the name that was tried", "[security]") {
  F f;
  const Token admin = f.SignIn("admin", "demo-admin-pass");
  const int64_t before = LastId(f);
  CHECK_CODE(TrySignIn(f, kPatientUser, "not-the-password"), Code::UNAUTHENTICATED);
  CHECK_CODE(TrySignIn(f, "no-such-user", "not-the-password"), Code::UNAUTHENTICATED);
  CHECK_CODE(TrySignIn(f, kPatientUser, kPatientPass), Code::OK);

  const auto rows = RowsAfter(f, before);
  REQUIRE(rows.size() == 3);
  for (const Row& r : rows) CHECK(r.method == kSignIn);
  // A real account's failures are filed under its clinic; an unknown name has none.
  CHECK(rows[0].username == kPatientUser);
  CHECK(rows[0].clinic_id == "demo");
  CHECK(rows[0].outcome == "UNAUTHENTICATED");
  CHECK(rows[1].username.rfind("unknown:", 0) == 0);  // not the name (test below)
  CHECK(rows[1].role == static_cast<int>(Role::kUnspecified));
  CHECK(rows[1].clinic_id.empty());
  CHECK(rows[1].outcome == "UNAUTHENTICATED");
  CHECK(rows[2].username == kPatientUser);
  CHECK(rows[2].role == static_cast<int>(Role::kPatient));
  CHECK(rows[2].clinic_id == "demo");
  CHECK(rows[2].outcome == "OK");

  // The clinic's admin sees the attempts at its account, not the unknown name; the operator
  // finds unknown names under no clinic.
  const auto events = AllEvents(f, admin, kClinic);
  REQUIRE(events.size() >= 3);
  CHECK(events[0].id() == rows[2].id);
  CHECK(events[1].id() == rows[0].id);
  CHECK(events[1].outcome() == "UNAUTHENTICATED");
  CHECK(events[1].username() == kPatientUser);
  for (const auto& e : events) CHECK(e.username() != rows[1].username);
  auto unknown = f.store->ListAudit("", "", PageRequest{});
  REQUIRE(unknown.ok());
  REQUIRE(unknown->items.size() == 1);
  CHECK(unknown->items[0].username == rows[1].username);
  CHECK(unknown->items[0].outcome == "UNAUTHENTICATED");
}

TEST_CASE("A name that is no account is audited as a keyed hash, never as typed", "[security]") {
  F f;
  // What people type into the name field by mistake: their password.
  const std::string typed = "Tr0ub4dor&3-horse";
  const std::string other = "no-such-user";
  const int64_t before = LastId(f);
  CHECK_CODE(TrySignIn(f, typed, "whatever-they-typed"), Code::UNAUTHENTICATED);
  CHECK_CODE(TrySignIn(f, typed, "whatever-they-typed"), Code::UNAUTHENTICATED);
  CHECK_CODE(TrySignIn(f, other, "whatever-they-typed"), Code::UNAUTHENTICATED);
  CHECK_CODE(TrySignIn(f, kPatientUser, "not-the-password"), Code::UNAUTHENTICATED);

  const auto rows = RowsAfter(f, before);
  REQUIRE(rows.size() == 4);
  // Neither name appears in any column of any row, in any case.
  auto lower = [](std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  };
  for (const Row& r : RowsAfter(f)) {
    for (const std::string& column : {r.username, r.clinic_id, r.patient_id, r.method, r.outcome}) {
      CHECK(lower(column).find(lower(typed)) == std::string::npos);
      CHECK(lower(column).find(other) == std::string::npos);
    }
  }
  // "unknown:" and 128 bits in hex; the same name gives the same value, another name another.
  const std::regex tag("unknown:[0-9a-f]{32}");
  CHECK(std::regex_match(rows[0].username, tag));
  CHECK(std::regex_match(rows[2].username, tag));
  CHECK(rows[0].username == rows[1].username);
  CHECK(rows[2].username != rows[0].username);
  for (int i = 0; i < 3; ++i) CHECK(rows[i].clinic_id.empty());
  // A real account's name is recorded as before.
  CHECK(rows[3].username == kPatientUser);
  CHECK(rows[3].clinic_id == "demo");

  // The key is in the database, not in the process: a server started afresh on the same file
  // (a new store and new Credentials) gives the same value, so guessing stays visible across
  // restarts.
  {
    auto reopened = SqliteStore::Open(f.db_file.path().string());
    REQUIRE(reopened.ok());
    Credentials restarted(**reopened, f.clock, SecurityPolicy{});
    CHECK(restarted.UnknownNameTag(typed) == rows[0].username);
    CHECK(restarted.UnknownNameTag(other) == rows[2].username);
  }
  // Without the key the value cannot be confirmed by hashing a guess.
  unsigned char digest[16];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(typed.data()),
                     typed.size(), nullptr, 0);
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  CHECK(rows[0].username != std::string("unknown:") + hex);
  // One key per database: another database gives other values for the same name.
  F elsewhere;
  Credentials other_db(*elsewhere.store, elsewhere.clock, SecurityPolicy{});
  CHECK(other_db.UnknownNameTag(typed) != rows[0].username);
}

TEST_CASE("ListAuditEvents: a clinic's admins only, newest first, every row once per walk",
          "[security]") {
  F f;
  const Token admin = f.SignIn("admin", "demo-admin-pass");
  const Token therapist = f.SignIn("therapist", "demo-therapist-pass");
  const Token patient = f.SignIn(kPatientUser, kPatientPass);
  v1::ListAuditEventsResponse resp;
  CHECK_CODE(ListAudit(f, therapist, kClinic, "", 0, "", &resp), Code::PERMISSION_DENIED);
  CHECK_CODE(ListAudit(f, patient, kClinic, "", 0, "", &resp), Code::PERMISSION_DENIED);
  CHECK_CODE(ListAudit(f, Token(), kClinic, "", 0, "", &resp), Code::UNAUTHENTICATED);
  CHECK_CODE(ListAudit(f, admin, "clinics/other", "", 0, "", &resp), Code::PERMISSION_DENIED);
  CHECK_CODE(ListAudit(f, admin, kClinic, "clinics/other/patients/jordan", 0, "", &resp),
             Code::INVALID_ARGUMENT);
  CHECK_CODE(ListAudit(f, admin, kClinic, "", 201, "", &resp), Code::INVALID_ARGUMENT);
  CHECK_CODE(ListAudit(f, admin, kClinic, "", 0, "not-a-token", &resp), Code::INVALID_ARGUMENT);

  // Some history, a minute apart: reads of both patients, a denial, a failed sign-in.
  for (int i = 0; i < 3; ++i) {
    f.clock.Advance(60s);
    REQUIRE_OK(GetPlan(f, therapist, kJordan));
    f.clock.Advance(60s);
    REQUIRE_OK(GetPatient(f, admin, kSam));
    f.clock.Advance(60s);
    CHECK_CODE(GetPlan(f, patient, kSam), Code::NOT_FOUND);
    CHECK_CODE(TrySignIn(f, "therapist", "not-the-password"), Code::UNAUTHENTICATED);
  }

  const auto all = AllEvents(f, admin, kClinic);
  // Every row of the clinic: its users' and those naming its patients.
  std::vector<int64_t> expected;
  for (const Row& r : RowsAfter(f)) {
    if (r.clinic_id == "demo" || r.patient_id == "jordan" || r.patient_id == "sam") {
      expected.insert(expected.begin(), r.id);  // newest first
    }
  }
  REQUIRE(expected.size() == 3 + 3 * 4);  // three sign-ins, then four audited calls a round
  std::vector<int64_t> ids;
  for (const auto& e : all) ids.push_back(e.id());
  CHECK(ids == expected);
  for (size_t i = 1; i < all.size(); ++i) {
    CHECK(all[i - 1].id() > all[i].id());
    CHECK(all[i - 1].time().seconds() >= all[i].time().seconds());
  }

  // Pages of two walk the same rows, each exactly once.
  const auto paged = AllEvents(f, admin, kClinic, "", 2);
  std::vector<int64_t> paged_ids;
  for (const auto& e : paged) paged_ids.push_back(e.id());
  CHECK(paged_ids == ids);
  CHECK(std::set<int64_t>(paged_ids.begin(), paged_ids.end()).size() == paged_ids.size());

  // One patient's events: only those naming them, all of them, also in pages of two.
  for (const std::string id : {"jordan", "sam"}) {
    INFO(id);
    std::vector<int64_t> naming;
    for (const auto& e : all) {
      if (e.patient_id() == id) naming.push_back(e.id());
    }
    CHECK(naming.size() >= 3);
    for (int page_size : {200, 2}) {
      const auto theirs = AllEvents(f, admin, kClinic, "clinics/demo/patients/" + id, page_size);
      std::vector<int64_t> their_ids;
      for (const auto& e : theirs) {
        CHECK(e.patient_id() == id);
        their_ids.push_back(e.id());
      }
      CHECK(their_ids == naming);
    }
  }
  CHECK(AllEvents(f, admin, kClinic, "clinics/demo/patients/nobody").empty());
}

TEST_CASE("Another clinic's admin sees only their clinic, and demo's attempts at their patients",
          "[security]") {
  F f;
  AddEastClinic(f);
  const Token demo_admin = f.SignIn("admin", "demo-admin-pass");
  const Token demo_therapist = f.SignIn("therapist", "demo-therapist-pass");
  const Token demo_patient = f.SignIn(kPatientUser, kPatientPass);
  const Token east_admin = f.SignIn("east-admin", "east-admin-password");
  const Token east_therapist = f.SignIn("east-t", "east-t-password");

  REQUIRE_OK(GetPlan(f, demo_therapist, kJordan));
  CHECK_CODE(GetPlan(f, east_therapist, kJordan), Code::NOT_FOUND);  // east at demo's patient
  CHECK_CODE(GetPlan(f, east_therapist, "clinics/east/patients/cora"), Code::FAILED_PRECONDITION);
  const int64_t before_attempts = LastId(f);
  CHECK_CODE(GetPlan(f, demo_patient, "clinics/east/patients/cora"), Code::NOT_FOUND);
  CHECK_CODE(GetPlan(f, demo_therapist, "clinics/demo/patients/cora"), Code::NOT_FOUND);
  const auto attempts = RowsAfter(f, before_attempts);
  REQUIRE(attempts.size() == 2);

  // East: its own users' events and the demo users' attempts at cora; nothing else of demo's.
  const auto east = AllEvents(f, east_admin, "clinics/east");
  std::set<int64_t> east_ids;
  for (const auto& e : east) {
    INFO(e.username() << " " << e.method() << " " << e.patient_id());
    CHECK((e.clinic() == "clinics/east" || e.patient_id() == "cora"));
    east_ids.insert(e.id());
  }
  for (const Row& r : attempts) {
    CHECK(east_ids.count(r.id) == 1);
    CHECK(r.clinic_id == "demo");
    CHECK(r.patient_id == "cora");
    CHECK(r.outcome == "NOT_FOUND");
  }
  CHECK(attempts[0].username == kPatientUser);
  CHECK(attempts[1].username == "therapist");
  const auto east_cora = AllEvents(f, east_admin, "clinics/east", "clinics/east/patients/cora");
  std::set<std::string> cora_callers;
  for (const auto& e : east_cora) cora_callers.insert(e.username());
  CHECK(cora_callers == std::set<std::string>{"east-t", kPatientUser, "therapist"});
  // Filtering on a demo patient's id shows east's own users' attempts at it, nothing of demo's.
  const auto east_jordan = AllEvents(f, east_admin, "clinics/east", "clinics/east/patients/jordan");
  REQUIRE(east_jordan.size() == 1);
  CHECK(east_jordan[0].username() == "east-t");
  CHECK(east_jordan[0].outcome() == "NOT_FOUND");
  v1::ListAuditEventsResponse resp;
  CHECK_CODE(ListAudit(f, east_admin, kClinic, "", 0, "", &resp), Code::PERMISSION_DENIED);

  // Demo: its own users (also their attempts at cora), never east's users' calls on cora.
  const auto demo = AllEvents(f, demo_admin, kClinic);
  for (const auto& e : demo) {
    INFO(e.username() << " " << e.method() << " " << e.patient_id());
    CHECK((e.clinic() == kClinic || e.patient_id() == "jordan" || e.patient_id() == "sam"));
    CHECK((e.username().rfind("east", 0) != 0 || e.patient_id() == "jordan"));
  }
  bool east_at_jordan = false;
  for (const auto& e : demo) {
    east_at_jordan |= e.username() == "east-t" && e.patient_id() == "jordan";
  }
  CHECK(east_at_jordan);
}

TEST_CASE("The audit table refuses UPDATE, DELETE and REPLACE", "[security]") {
  F f;
  const Token therapist = f.SignIn("therapist", "demo-therapist-pass");
  REQUIRE_OK(GetPlan(f, therapist, kJordan));
  const auto rows = RowsAfter(f);
  REQUIRE(rows.size() >= 2);
  const std::string last = std::to_string(rows.back().id);

  SQLite::Database db(f.db_file.path().string(), SQLite::OPEN_READWRITE);
  db.exec("PRAGMA busy_timeout = 5000");  // the server's summary worker may be writing
  db.exec("PRAGMA busy_timeout = 5000");
  const std::string columns =
      "audit_events(id, time_ms, username, role, clinic_id, patient_id, method, outcome)";
  const std::string values = " VALUES(" + last + ", 0, 'x', 0, 'demo', 'jordan', 'm', 'OK')";
  const std::vector<std::string> statements = {
      "UPDATE audit_events SET outcome = 'OK'",
      "UPDATE audit_events SET username = 'someone-else' WHERE id = " + last,
      "DELETE FROM audit_events",
      "DELETE FROM audit_events WHERE id = " + last,
      "INSERT OR REPLACE INTO " + columns + values,
      "REPLACE INTO " + columns + values,
      "INSERT INTO " + columns + values + " ON CONFLICT(id) DO UPDATE SET outcome = 'OK'",
  };
  for (const std::string& sql : statements) {
    INFO(sql);
    CHECK_THROWS_AS(db.exec(sql), SQLite::Exception);
  }
  const auto after = RowsAfter(f);
  REQUIRE(after.size() == rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    CHECK(after[i].id == rows[i].id);
    CHECK(after[i].username == rows[i].username);
    CHECK(after[i].patient_id == rows[i].patient_id);
    CHECK(after[i].outcome == rows[i].outcome);
  }
  // Appending still works.
  REQUIRE_OK(GetPlan(f, therapist, kJordan));
  CHECK(RowsAfter(f).size() == rows.size() + 1);
}

TEST_CASE("When the audit row cannot be written, no patient data leaves", "[security]") {
  F f;
  const Token therapist = f.SignIn("therapist", "demo-therapist-pass");
  const Token patient = f.SignIn(kPatientUser, kPatientPass);
  const size_t rows = RowsAfter(f).size();
  // The database refuses every new audit row (as a full disk or a failing device would).
  SQLite::Database db(f.db_file.path().string(), SQLite::OPEN_READWRITE);
  db.exec("PRAGMA busy_timeout = 5000");  // the server's summary worker may be writing
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec(
      "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_events "
      "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");

  v1::GetPlanRequest req;
  req.set_parent(kJordan);
  v1::Plan plan;
  const grpc::Status refused =
      F::Call(*f.program, &v1::ProgramService::Stub::GetPlan, therapist, req, &plan);
  INFO(Describe(refused));
  CHECK(refused.error_code() == Code::UNAVAILABLE);
  CHECK(plan.days_size() == 0);
  CHECK(plan.program().empty());
  CHECK_CODE(GetPatient(f, patient, kJordan), Code::UNAVAILABLE);
  // A denial stays the denial it was; calls that are not audited are unaffected.
  CHECK_CODE(GetPlan(f, patient, kSam), Code::NOT_FOUND);
  v1::Principal who;
  CHECK_CODE(F::Call(*f.auth, &v1::AuthService::Stub::WhoAmI, patient, v1::WhoAmIRequest(), &who),
             Code::OK);
  CHECK(RowsAfter(f).size() == rows);

  db.exec("DROP TRIGGER test_refuse_audit");
  plan.Clear();
  REQUIRE_OK(F::Call(*f.program, &v1::ProgramService::Stub::GetPlan, therapist, req, &plan));
  CHECK(plan.days_size() > 0);
  CHECK(RowsAfter(f).size() == rows + 1);
}

TEST_CASE("A logged session and its audit row commit together, or neither does", "[security]") {
  F f;
  const Token patient = f.SignIn(kPatientUser, kPatientPass);
  constexpr const char* kLogSession = "/ptrack.v1.SessionService/LogSession";
  const std::string id = "6c1f2a3b-4d5e-4f60-8a7b-000000000001";
  auto log = [&](const v1::LogSessionRequest& req, v1::LogSessionResponse* resp) {
    return F::Call(*f.session, &v1::SessionService::Stub::LogSession, patient, req, resp);
  };
  const v1::LogSessionRequest req = SessionRequest(id, f.clock.Now() - 1h);
  int64_t before = LastId(f);

  // Refused with its session: the database will not take the audit row.
  {
    SQLite::Database db(f.db_file.path().string(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA busy_timeout = 5000");
    db.exec(
        "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
  }
  v1::LogSessionResponse resp;
  const grpc::Status refused = log(req, &resp);
  INFO(Describe(refused));
  CHECK(refused.error_code() == Code::UNAVAILABLE);
  CHECK(RowsAfter(f, before).empty());
  {
    SQLite::Database db(f.db_file.path().string(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA busy_timeout = 5000");
    CHECK(db.execAndGet("SELECT count(*) FROM sessions WHERE id = '" + id + "'").getInt() == 0);
    db.exec("DROP TRIGGER test_refuse_audit");
  }

  // Stored: exactly one row, OK (the write's own, not a second one after it).
  resp.Clear();
  REQUIRE_OK(log(req, &resp));
  CHECK_FALSE(resp.replayed());
  auto rows = RowsAfter(f, before);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].username == kPatientUser);
  CHECK(rows[0].patient_id == "jordan");
  CHECK(rows[0].method == kLogSession);
  CHECK(rows[0].outcome == "OK");

  // A replay is one more OK row; a different session under the same id one ALREADY_EXISTS row.
  before = rows[0].id;
  resp.Clear();
  REQUIRE_OK(log(req, &resp));
  CHECK(resp.replayed());
  v1::LogSessionRequest other = req;
  other.mutable_session()->set_pain_after(9);
  CHECK_CODE(log(other, &resp), Code::ALREADY_EXISTS);
  rows = RowsAfter(f, before);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].outcome == "OK");
  CHECK(rows[1].outcome == "ALREADY_EXISTS");
}

}  // namespace
}  // namespace ptrack::testing
