// The authorization matrix (DESIGN.md §6, docs/SECURITY.md): every ptrack.v1 method is called
// against the real services by nine callers — no token, an expired token, a revoked token,
// patient A, patient B, the therapist assigned to A, a therapist of the clinic not assigned to A,
// the clinic's admin, and the admin of another clinic — on four objects each: A's, B's, another
// clinic's, and a random id. Every status is compared with the checked-in table
// authz_matrix.txt (a reviewer reads that table to see who may do what). Independently of the
// table, the test asserts the invariants that make object-level authorization sound: the
// unrelated callers never get OK on someone else's object, a foreign object and a random id get
// identical answers (code and message), and every audited call by a known caller leaves exactly
// one audit row naming the caller, the method, the patient and the outcome — denials included —
// while calls without a valid token leave none.
//
// To regenerate the table after an intended change: PTRACK_WRITE_AUTHZ_MATRIX=path runs the
// matrix and writes what it observed to `path`; review the diff before checking it in.
#include <SQLiteCpp/Database.h>
#include <grpcpp/generic/generic_stub.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <sstream>
#include <thread>

#include "service/access.h"
#include "service/convert.h"
#include "service/credentials.h"
#include "tests/service/test_helpers.h"

namespace ptrack::testing {
namespace {

using Code = grpc::StatusCode;
using Message = google::protobuf::Message;

// The ids an object is made of: A's, B's, another clinic's, or random ones.
struct Target {
  std::string clinic, patient, program, session, decision, therapist;
  std::string scope_clinic;  // the clinic that clinic-scoped methods name
  std::string alert;         // an alert id of the patient
  // The user name that account methods (DisableAccount, EnableAccount) name: a spare admin
  // account of the object's clinic, so that disabling it ends none of the callers' tokens.
  std::string account;

  std::string PatientName() const { return names::Patient(clinic, patient); }
  std::string ProgramName() const { return names::Program(clinic, patient, program); }
  std::string SessionName() const { return names::Session(clinic, patient, session); }
};

struct Caller {
  std::string label;
  std::string username;  // empty for the token-less callers
  std::string password;
  Token token;
};

constexpr const char* kTargets[] = {"A", "B", "other-clinic", "random"};

struct AuditRow {
  int64_t id = 0;
  std::string username, patient_id, method, outcome;
};

AuditRow NewestAudit(const std::string& db_path) {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  SQLite::Statement q(db,
                      "SELECT id, username, patient_id, method, outcome FROM audit_events "
                      "ORDER BY id DESC LIMIT 1");
  if (!q.executeStep()) return {};
  return {q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
          q.getColumn(3).getString(), q.getColumn(4).getString()};
}

std::string CodeName(Code code) {
  static const std::map<Code, std::string> names = {
      {Code::OK, "OK"},
      {Code::INVALID_ARGUMENT, "INVALID_ARGUMENT"},
      {Code::NOT_FOUND, "NOT_FOUND"},
      {Code::ALREADY_EXISTS, "ALREADY_EXISTS"},
      {Code::PERMISSION_DENIED, "PERMISSION_DENIED"},
      {Code::UNAUTHENTICATED, "UNAUTHENTICATED"},
      {Code::RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED"},
      {Code::FAILED_PRECONDITION, "FAILED_PRECONDITION"},
      {Code::ABORTED, "ABORTED"},
      {Code::UNAVAILABLE, "UNAVAILABLE"},
      {Code::INTERNAL, "INTERNAL"}};
  auto it = names.find(code);
  return it == names.end() ? "CODE_" + std::to_string(static_cast<int>(code)) : it->second;
}

// A fresh lower-case UUID per call, so that create calls never collide with earlier ones.
std::string FreshUuid() {
  static int n = 0;
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", ++n);
  return buf;
}

class Matrix {
 public:
  Matrix() : f_(LongLivedTokens()) {}

  // Builds the second therapist, the other clinic and B's and C's programs and sessions, and
  // signs every caller in.
  void SetUp();
  // Runs one call and returns its status.
  grpc::Status Invoke(const std::string& method, const Caller& caller, const Target& target);

  ServiceFixture& fixture() { return f_; }
  std::vector<Caller>& callers() { return callers_; }
  const Target& target(const std::string& label) const { return targets_.at(label); }
  std::map<std::string, std::function<std::unique_ptr<Message>(const Target&)>> builders;

 private:
  static ServiceOptions LongLivedTokens() {
    ServiceOptions o;
    o.security.patient_idle = o.security.staff_idle = std::chrono::hours(24 * 60);
    return o;
  }
  Token SignIn(const std::string& user, const std::string& pass) { return f_.SignIn(user, pass); }
  grpc::Status Watch(const Message& request, const Token& token);
  void Builders();

  ServiceFixture f_;
  std::vector<Caller> callers_;
  std::map<std::string, Target> targets_;
  v1::ProgressionRules default_rules_;
};

void Matrix::SetUp() {
  Store& store = *f_.store;
  const Instant now = f_.clock.Now();
  auto account = [&](const std::string& user, const std::string& pass, Role role,
                     const std::string& clinic, const std::string& subject) {
    auto hash = HashPassword(pass);
    REQUIRE(hash.ok());
    return Account{user, *hash, role, clinic, subject, now};
  };
  // A second therapist in the demo clinic, to whom B (sam) is now assigned.
  REQUIRE(store
              .CreateTherapist({"lee", "demo", "Kim Lee", "lee"},
                               account("lee", "lee-password-1", Role::kTherapist, "demo", "lee"))
              .ok());
  auto sam = store.GetPatient("sam");
  REQUIRE(sam.ok());
  sam->therapist_id = "lee";
  REQUIRE(store.UpdatePatient(*sam).ok());
  // Another clinic with its admin, therapist and patient C (cora).
  REQUIRE(store.CreateClinic({"east", "East Clinic", "Asia/Tokyo"}).ok());
  REQUIRE(store
              .CreateAccount(
                  account("east-admin", "east-admin-password", Role::kClinicAdmin, "east", ""))
              .ok());
  REQUIRE(
      store
          .CreateTherapist({"east-t", "east", "Aki Mori", "east-t"},
                           account("east-t", "east-t-password", Role::kTherapist, "east", "east-t"))
          .ok());
  REQUIRE(store
              .CreatePatient({"cora", "east", "Cora Sato", "Asia/Tokyo", "east-t", "cora", now, 1},
                             account("cora", "cora-password-1", Role::kPatient, "east", "cora"))
              .ok());

  // The spare accounts that account methods name (one per object; never signed in).
  for (const auto& [user, clinic] : {std::pair<const char*, const char*>{"spare-a", "demo"},
                                     {"spare-b", "demo"},
                                     {"spare-c", "east"}}) {
    REQUIRE(store.CreateAccount({user, "", Role::kClinicAdmin, clinic, "", now}).ok());
  }

  const Token admin = SignIn("admin", "demo-admin-pass");
  const Token east_admin = SignIn("east-admin", "east-admin-password");
  REQUIRE_OK(ServiceFixture::Call(*f_.progression, &v1::ProgressionService::Stub::GetDefaultRules,
                                  admin, v1::GetDefaultRulesRequest(), &default_rules_));

  // Programs and one session each for B and C (A, jordan, has the demo's).
  auto program_and_session = [&](const Token& staff, const std::string& patient_name,
                                 const std::string& patient_user, const std::string& patient_pass,
                                 Target& t) {
    v1::CreateProgramRequest create;
    create.set_parent(patient_name);
    create.mutable_program()->set_protocol(kDefaultProtocol);
    create.mutable_program()->set_start_date("2026-11-16");
    v1::Program program;
    REQUIRE_OK(ServiceFixture::Call(*f_.program, &v1::ProgramService::Stub::CreateProgram, staff,
                                    create, &program));
    t.program = program.name().substr(program.name().rfind('/') + 1);
    v1::LogSessionRequest log = SessionRequest(FreshUuid(), now - std::chrono::hours(2));
    log.set_parent(patient_name);
    v1::LogSessionResponse logged;
    REQUIRE_OK(ServiceFixture::Call(*f_.session, &v1::SessionService::Stub::LogSession,
                                    SignIn(patient_user, patient_pass), log, &logged));
    t.session = log.session_id();
  };
  Target a{"demo", "jordan", "jordan-program", "", "", "rivera", "demo", "", "spare-a"};
  {
    v1::ListSessionsRequest list;
    list.set_parent(kJordan);
    v1::ListSessionsResponse sessions;
    REQUIRE_OK(ServiceFixture::Call(*f_.session, &v1::SessionService::Stub::ListSessions, admin,
                                    list, &sessions));
    REQUIRE(sessions.sessions_size() > 0);
    const std::string& name = sessions.sessions(0).name();
    a.session = name.substr(name.rfind('/') + 1);
    v1::ListDecisionsRequest decisions_req;
    decisions_req.set_parent(kJordanProgram);
    v1::ListDecisionsResponse decisions;
    REQUIRE_OK(ServiceFixture::Call(*f_.progression, &v1::ProgressionService::Stub::ListDecisions,
                                    admin, decisions_req, &decisions));
    REQUIRE(decisions.decisions_size() > 0);
    const std::string& d = decisions.decisions(0).name();
    a.decision = d.substr(d.rfind('/') + 1);
  }
  Target b{"demo", "sam", "", "", a.decision, "lee", "demo", "", "spare-b"};
  program_and_session(admin, kSam, "patient2", "demo-patient2-pass", b);
  Target c{"east", "cora", "", "", a.decision, "east-t", "east", "", "spare-c"};
  program_and_session(east_admin, "clinics/east/patients/cora", "cora", "cora-password-1", c);
  Target r{"demo",
           "9b2f6c1e-0d4a-4e8b-9a51-3c7d2e6f8a10",
           "1f0e2d3c-4b5a-4678-8899-aabbccddeeff",
           "7d6c5b4a-3928-4716-8a5b-4c3d2e1f0a9b",
           a.decision,
           "2a3b4c5d-6e7f-4809-9a1b-2c3d4e5f6a7b",
           "zq7-no-such-clinic",
           "",
           "no-such-user"};
  // One alert each for A, B and C, written straight into the log (alerts are otherwise raised
  // by flags, which would change what the other methods answer).
  {
    SQLite::Database db(f_.db_file.path().string(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA busy_timeout = 5000");  // the server's summary worker may be writing
    for (const auto& [t, id] : {std::pair<Target*, int>{&a, 9001}, {&b, 9002}, {&c, 9003}}) {
      SQLite::Statement ins(db,
                            "INSERT INTO alerts(id, clinic_id, patient_id, kind, key, local_date, "
                            "detail, session_id, create_ms) VALUES (?, ?, ?, 2, 'matrix', "
                            "'2026-11-20', 'a pain flare', '', 0)");
      ins.bind(1, id);
      ins.bind(2, t->clinic);
      ins.bind(3, t->patient);
      ins.exec();
      t->alert = std::to_string(id);
    }
    r.alert = "9999999";
  }
  targets_ = {{"A", a}, {"B", b}, {"other-clinic", c}, {"random", r}};

  // Callers. The expired token was issued 31 days ago; the revoked one was signed out.
  Caller none{"no-token", "", "", ""};
  f_.clock.Set(now - std::chrono::hours(24 * 31));
  Caller expired{"expired", "", "", SignIn("patient", "demo-patient-pass")};
  f_.clock.Set(now);
  Caller revoked{"revoked", "", "", SignIn("patient", "demo-patient-pass")};
  v1::SignOutResponse out;
  REQUIRE_OK(ServiceFixture::Call(*f_.auth, &v1::AuthService::Stub::SignOut, revoked.token,
                                  v1::SignOutRequest(), &out));
  callers_ = {none,
              expired,
              revoked,
              {"patient-a", "patient", "demo-patient-pass", ""},
              {"patient-b", "patient2", "demo-patient2-pass", ""},
              {"therapist-of-a", "therapist", "demo-therapist-pass", ""},
              {"therapist-not-of-a", "lee", "lee-password-1", ""},
              {"admin", "admin", "demo-admin-pass", ""},
              {"admin-other-clinic", "east-admin", "east-admin-password", ""}};
  for (Caller& caller : callers_) {
    if (!caller.username.empty()) caller.token = SignIn(caller.username, caller.password);
  }
  Builders();
}

template <typename T>
std::unique_ptr<Message> Make(const std::function<void(T&)>& fill) {
  auto m = std::make_unique<T>();
  fill(*m);
  return m;
}

void Matrix::Builders() {
  const Instant now = f_.clock.Now();
  Store& store = *f_.store;
  auto& b = builders;
  // Auth and catalogue: the target does not matter.
  b["/ptrack.v1.AuthService/SignIn"] = [](const Target&) {
    return Make<v1::SignInRequest>([](auto& r) {
      r.set_username("patient");
      r.set_password("demo-patient-pass");
    });
  };
  b["/ptrack.v1.AuthService/Enrol"] = [](const Target&) {
    return Make<v1::EnrolRequest>([](auto& r) {
      r.set_code("ABCD-EFGH-JKMN");
      r.set_password("a-new-password");
    });
  };
  b["/ptrack.v1.AuthService/SignOut"] = [](const Target&) {
    return std::make_unique<v1::SignOutRequest>();
  };
  b["/ptrack.v1.AuthService/WhoAmI"] = [](const Target&) {
    return std::make_unique<v1::WhoAmIRequest>();
  };
  b["/ptrack.v1.CatalogService/ListExercises"] = [](const Target&) {
    return std::make_unique<v1::ListExercisesRequest>();
  };
  b["/ptrack.v1.CatalogService/GetExercise"] = [](const Target&) {
    return Make<v1::GetExerciseRequest>([](auto& r) { r.set_name("exercises/chin-nod-lying"); });
  };
  b["/ptrack.v1.CatalogService/ListProtocols"] = [](const Target&) {
    return std::make_unique<v1::ListProtocolsRequest>();
  };
  b["/ptrack.v1.CatalogService/GetProtocol"] = [](const Target&) {
    return Make<v1::GetProtocolRequest>([](auto& r) { r.set_name(kDefaultProtocol); });
  };
  b["/ptrack.v1.ProgressionService/GetRedFlagChecklist"] = [](const Target&) {
    return std::make_unique<v1::GetRedFlagChecklistRequest>();
  };
  b["/ptrack.v1.ProgressionService/GetDefaultRules"] = [](const Target&) {
    return std::make_unique<v1::GetDefaultRulesRequest>();
  };
  // Clinic-scoped: the target's clinic.
  b["/ptrack.v1.CatalogService/CreateExercise"] = [](const Target& t) {
    return Make<v1::CreateExerciseRequest>([&](auto& r) {
      r.set_parent(names::Clinic(t.scope_clinic));
      r.set_exercise_id(t.scope_clinic + "-ex-" + FreshUuid().substr(24));
      r.mutable_exercise()->set_display_name("Wall slide");
      r.mutable_exercise()->set_region(v1::REGION_UPPER_BACK);
      r.mutable_exercise()->mutable_default_dose()->set_sets(2);
      r.mutable_exercise()->mutable_default_dose()->set_reps(10);
      r.mutable_exercise()->add_levers(v1::LEVER_REPS);
    });
  };
  b["/ptrack.v1.CatalogService/CreateProtocol"] = [](const Target& t) {
    return Make<v1::CreateProtocolRequest>([&](auto& r) {
      r.set_parent(names::Clinic(t.scope_clinic));
      r.set_protocol_id(t.scope_clinic + "-pr-" + FreshUuid().substr(24));
      r.mutable_protocol()->set_display_name("Desk break");
      v1::Phase* phase = r.mutable_protocol()->add_phases();
      phase->set_number(1);
      phase->set_display_name("Daily");
      phase->set_start_week(1);
      phase->set_sessions_per_week(5);
      v1::Prescription* rx = phase->add_prescriptions();
      rx->set_exercise("exercises/chin-nod-sitting");
      rx->add_dose_steps()->set_sets(1);
      rx->mutable_dose_steps(0)->set_reps(10);
    });
  };
  b["/ptrack.v1.ClinicService/DisableAccount"] = [](const Target& t) {
    return Make<v1::DisableAccountRequest>(
        [&](auto& r) { r.set_name(names::Account(t.scope_clinic, t.account)); });
  };
  b["/ptrack.v1.ClinicService/EnableAccount"] = [](const Target& t) {
    return Make<v1::EnableAccountRequest>(
        [&](auto& r) { r.set_name(names::Account(t.scope_clinic, t.account)); });
  };
  b["/ptrack.v1.ClinicService/GetClinic"] = [](const Target& t) {
    return Make<v1::GetClinicRequest>([&](auto& r) { r.set_name(names::Clinic(t.scope_clinic)); });
  };
  b["/ptrack.v1.ClinicService/CreateTherapist"] = [](const Target& t) {
    return Make<v1::CreateTherapistRequest>([&](auto& r) {
      r.set_parent(names::Clinic(t.scope_clinic));
      r.mutable_therapist()->set_display_name("New Therapist");
      r.mutable_therapist()->set_username("t-" + FreshUuid().substr(24));
    });
  };
  b["/ptrack.v1.ClinicService/ListTherapists"] = [](const Target& t) {
    return Make<v1::ListTherapistsRequest>(
        [&](auto& r) { r.set_parent(names::Clinic(t.scope_clinic)); });
  };
  b["/ptrack.v1.ClinicService/CreatePatient"] = [](const Target& t) {
    return Make<v1::CreatePatientRequest>([&](auto& r) {
      r.set_parent(names::Clinic(t.scope_clinic));
      r.mutable_patient()->set_display_name("New Patient");
      r.mutable_patient()->set_time_zone("Europe/Berlin");
      r.mutable_patient()->set_therapist(names::Therapist(t.scope_clinic, t.therapist));
      r.set_username("p-" + FreshUuid().substr(24));
    });
  };
  b["/ptrack.v1.ClinicService/ListPatients"] = [](const Target& t) {
    return Make<v1::ListPatientsRequest>(
        [&](auto& r) { r.set_parent(names::Clinic(t.scope_clinic)); });
  };
  b["/ptrack.v1.AuditService/ListAuditEvents"] = [](const Target& t) {
    return Make<v1::ListAuditEventsRequest>(
        [&](auto& r) { r.set_parent(names::Clinic(t.scope_clinic)); });
  };
  // Patient-scoped.
  b["/ptrack.v1.ClinicService/GetPatient"] = [](const Target& t) {
    return Make<v1::GetPatientRequest>([&](auto& r) { r.set_name(t.PatientName()); });
  };
  b["/ptrack.v1.ClinicService/UpdatePatient"] = [&store](const Target& t) {
    return Make<v1::UpdatePatientRequest>([&](auto& r) {
      r.mutable_patient()->set_name(t.PatientName());
      auto stored = store.GetPatient(t.patient);
      r.mutable_patient()->set_etag(stored.ok() ? convert::PatientEtag(*stored) : "v1");
      r.mutable_patient()->set_display_name(stored.ok() ? stored->display_name : "Nobody");
      r.mutable_update_mask()->add_paths("display_name");
    });
  };
  b["/ptrack.v1.ClinicService/CreateEnrolmentCode"] = [](const Target& t) {
    return Make<v1::CreateEnrolmentCodeRequest>([&](auto& r) { r.set_name(t.PatientName()); });
  };
  b["/ptrack.v1.ProgramService/CreateProgram"] = [](const Target& t) {
    return Make<v1::CreateProgramRequest>([&](auto& r) {
      r.set_parent(t.PatientName());
      r.mutable_program()->set_protocol(kDefaultProtocol);
      r.mutable_program()->set_start_date("2026-11-23");
    });
  };
  b["/ptrack.v1.ProgramService/GetProgram"] = [](const Target& t) {
    return Make<v1::GetProgramRequest>([&](auto& r) { r.set_name(t.ProgramName()); });
  };
  b["/ptrack.v1.ProgramService/UpdateProgram"] = [this, &store](const Target& t) {
    return Make<v1::UpdateProgramRequest>([&](auto& r) {
      r.mutable_program()->set_name(t.ProgramName());
      auto stored = store.GetProgram(t.program);
      r.mutable_program()->set_etag("r" +
                                    std::to_string(stored.ok() ? stored->latest().revision : 1));
      r.mutable_update_mask()->add_paths("rules");
      *r.mutable_rules() = default_rules_;
      r.set_reason("same rules again");
    });
  };
  // An unknown reason: the access check runs first, and an allowed caller's request is refused
  // as bad input, so the matrix never ends patient A's program (the methods after it need it).
  // The scenario tests discharge for real.
  b["/ptrack.v1.ProgramService/DischargeProgram"] = [](const Target& t) {
    return Make<v1::DischargeProgramRequest>([&](auto& r) {
      r.set_name(t.ProgramName());
      r.set_reason(static_cast<v1::DischargeReason>(99));
    });
  };
  // Likewise a pause that cannot be (an end before its start) and a resume of a program that
  // has no pause: refused after the access check, changing nothing.
  b["/ptrack.v1.ProgramService/PauseProgram"] = [](const Target& t) {
    return Make<v1::PauseProgramRequest>([&](auto& r) {
      r.set_name(t.ProgramName());
      r.set_pause_id(FreshUuid());
      r.set_start_date("2099-01-02");
      r.set_reason("holiday");
    });
  };
  b["/ptrack.v1.ProgramService/ResumeProgram"] = [](const Target& t) {
    return Make<v1::ResumeProgramRequest>([&](auto& r) { r.set_name(t.ProgramName()); });
  };
  b["/ptrack.v1.ProgramService/ListPrograms"] = [](const Target& t) {
    return Make<v1::ListProgramsRequest>([&](auto& r) { r.set_parent(t.PatientName()); });
  };
  b["/ptrack.v1.ProgramService/ListProgramRevisions"] = [](const Target& t) {
    return Make<v1::ListProgramRevisionsRequest>([&](auto& r) { r.set_parent(t.ProgramName()); });
  };
  b["/ptrack.v1.ProgramService/GetPlan"] = [](const Target& t) {
    return Make<v1::GetPlanRequest>([&](auto& r) { r.set_parent(t.PatientName()); });
  };
  b["/ptrack.v1.SessionService/LogSession"] = [now](const Target& t) {
    auto r = std::make_unique<v1::LogSessionRequest>(
        SessionRequest(FreshUuid(), now - std::chrono::hours(1)));
    r->set_parent(t.PatientName());
    return r;
  };
  b["/ptrack.v1.SessionService/GetSession"] = [](const Target& t) {
    return Make<v1::GetSessionRequest>([&](auto& r) { r.set_name(t.SessionName()); });
  };
  b["/ptrack.v1.SessionService/ListSessions"] = [](const Target& t) {
    return Make<v1::ListSessionsRequest>([&](auto& r) { r.set_parent(t.PatientName()); });
  };
  b["/ptrack.v1.SessionService/GetAdherence"] = [](const Target& t) {
    return Make<v1::GetAdherenceRequest>([&](auto& r) {
      r.set_parent(t.PatientName());
      r.set_start_date("2026-11-01");
      r.set_end_date("2026-11-20");
    });
  };
  b["/ptrack.v1.OutcomeService/ListInstruments"] = [](const Target&) {
    return std::make_unique<v1::ListInstrumentsRequest>();
  };
  b["/ptrack.v1.OutcomeService/ListDueQuestionnaires"] = [](const Target& t) {
    return Make<v1::ListDueQuestionnairesRequest>([&](auto& r) { r.set_parent(t.PatientName()); });
  };
  b["/ptrack.v1.OutcomeService/SubmitOutcomeResponse"] = [now](const Target& t) {
    return Make<v1::SubmitOutcomeResponseRequest>([&](auto& r) {
      r.set_parent(t.PatientName());
      r.set_response_id(FreshUuid());
      r.mutable_response()->set_instrument("instruments/nprs");
      convert::ToProto(now - std::chrono::hours(1), r.mutable_response()->mutable_answer_time());
      v1::OutcomeAnswer* a = r.mutable_response()->add_answers();
      a->set_item("pain_now");
      a->set_value(3);
    });
  };
  b["/ptrack.v1.OutcomeService/ListOutcomeResponses"] = [](const Target& t) {
    return Make<v1::ListOutcomeResponsesRequest>([&](auto& r) { r.set_parent(t.PatientName()); });
  };
  b["/ptrack.v1.OutcomeService/AssignInstrument"] = [](const Target& t) {
    return Make<v1::AssignInstrumentRequest>([&](auto& r) {
      r.set_program(t.ProgramName());
      r.set_instrument("instruments/pgic");
    });
  };
  b["/ptrack.v1.ProgressionService/ListDecisions"] = [](const Target& t) {
    return Make<v1::ListDecisionsRequest>([&](auto& r) { r.set_parent(t.ProgramName()); });
  };
  auto resolve = [](const Target& t) {
    return Make<v1::ResolveDecisionRequest>([&](auto& r) {
      r.set_name(t.ProgramName() + "/decisions/" + t.decision);
      r.set_action_id(FreshUuid());
    });
  };
  b["/ptrack.v1.ProgressionService/ApproveDecision"] = resolve;
  b["/ptrack.v1.ProgressionService/RejectDecision"] = resolve;
  b["/ptrack.v1.ProgressionService/ListFlags"] = [](const Target& t) {
    return Make<v1::ListFlagsRequest>([&](auto& r) { r.set_parent(t.PatientName()); });
  };
  auto action = [](const Target& t) {
    return Make<v1::PatientActionRequest>([&](auto& r) {
      r.set_parent(t.PatientName());
      r.set_action_id(FreshUuid());
      r.set_note("checked with the patient");
    });
  };
  b["/ptrack.v1.ProgressionService/ClearRedFlag"] = action;
  b["/ptrack.v1.ProgressionService/BoostProgram"] = action;
  b["/ptrack.v1.ProgressionService/ReportNextMorningPain"] = [](const Target& t) {
    return Make<v1::ReportNextMorningPainRequest>([&](auto& r) {
      r.set_name(t.SessionName());
      r.set_pain(3);
    });
  };
  b["/ptrack.v1.RtmService/StartRtmEpisode"] = [](const Target& t) {
    return Make<v1::StartRtmEpisodeRequest>([&](auto& r) {
      r.set_parent(t.PatientName());
      r.set_episode_id(FreshUuid());
      r.mutable_episode()->set_start_date("2026-11-01");
    });
  };
  b["/ptrack.v1.RtmService/EndRtmEpisode"] = [](const Target& t) {
    return Make<v1::EndRtmEpisodeRequest>([&](auto& r) { r.set_parent(t.PatientName()); });
  };
  b["/ptrack.v1.RtmService/ListRtmEpisodes"] = [](const Target& t) {
    return Make<v1::ListRtmEpisodesRequest>([&](auto& r) { r.set_parent(t.PatientName()); });
  };
  b["/ptrack.v1.RtmService/AddRtmTimeEntry"] = [](const Target& t) {
    return Make<v1::AddRtmTimeEntryRequest>([&](auto& r) {
      r.set_parent(t.PatientName());
      r.set_entry_id(FreshUuid());
      r.mutable_entry()->set_date("2026-11-10");
      r.mutable_entry()->set_minutes(12);
      r.mutable_entry()->set_activity("reviewed the pain trend");
    });
  };
  b["/ptrack.v1.RtmService/ListRtmTimeEntries"] = [](const Target& t) {
    return Make<v1::ListRtmTimeEntriesRequest>([&](auto& r) {
      r.set_parent(t.PatientName());
      r.set_start_date("2026-11-01");
      r.set_end_date("2026-11-20");
    });
  };
  b["/ptrack.v1.RtmService/GetRtmStatus"] = [](const Target& t) {
    return Make<v1::GetRtmStatusRequest>([&](auto& r) { r.set_parent(t.PatientName()); });
  };
  b["/ptrack.v1.ExportService/ExportSessionsCsv"] = [](const Target& t) {
    return Make<v1::ExportSessionsCsvRequest>([&](auto& r) {
      r.set_parent(names::Clinic(t.scope_clinic));
      r.set_patient(t.PatientName());
      r.set_start_date("2026-11-01");
      r.set_end_date("2026-11-20");
    });
  };
  b["/ptrack.v1.ExportService/ExportPatientFhir"] = [](const Target& t) {
    return Make<v1::ExportPatientFhirRequest>([&](auto& r) { r.set_name(t.PatientName()); });
  };
  b["/ptrack.v1.ReportService/GetClinicReport"] = [](const Target& t) {
    return Make<v1::GetClinicReportRequest>(
        [&](auto& r) { r.set_parent(names::Clinic(t.scope_clinic)); });
  };
  b["/ptrack.v1.ReportService/WatchAlerts"] = [](const Target& t) {
    return Make<v1::WatchAlertsRequest>(
        [&](auto& r) { r.set_parent(names::Clinic(t.scope_clinic)); });
  };
  b["/ptrack.v1.ReportService/ListAlerts"] = [](const Target& t) {
    return Make<v1::ListAlertsRequest>(
        [&](auto& r) { r.set_parent(names::Clinic(t.scope_clinic)); });
  };
  b["/ptrack.v1.ReportService/AcknowledgeAlert"] = [](const Target& t) {
    return Make<v1::AcknowledgeAlertRequest>(
        [&](auto& r) { r.set_name(names::Clinic(t.scope_clinic) + "/alerts/" + t.alert); });
  };
}

grpc::Status Matrix::Invoke(const std::string& method, const Caller& caller, const Target& target) {
  std::unique_ptr<Message> request = builders.at(method)(target);
  // Signing out would end the caller's token for the rest of the matrix: those calls use a
  // fresh token of the same person.
  Token token = caller.token;
  if (method == "/ptrack.v1.AuthService/SignOut" && !caller.username.empty()) {
    token = SignIn(caller.username, caller.password);
  }
  if (method == "/ptrack.v1.ReportService/WatchAlerts") return Watch(*request, token);
  grpc::GenericStub generic(f_.channel);
  auto context = ServiceFixture::Context(token);
  const std::string bytes = request->SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  generic.UnaryCall(context.get(), method, grpc::StubOptions(), &request_buffer, &response,
                    [&done](grpc::Status s) { done.set_value(std::move(s)); });
  return done.get_future().get();
}

// A watch that is allowed stays open: it counts as OK when it is still open after a moment
// (the client then cancels it). It is audited when the server notices the cancellation, so wait
// for that row before the caller looks for it.
grpc::Status Matrix::Watch(const Message& request, const Token& token) {
  v1::WatchAlertsRequest req;
  REQUIRE(req.ParseFromString(request.SerializeAsString()));
  const std::string db_path = f_.db_file.path().string();
  const int64_t before = NewestAudit(db_path).id;
  auto stub = v1::ReportService::NewStub(f_.channel);
  auto context = ServiceFixture::Context(token);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
  auto reader = stub->WatchAlerts(context.get(), req);
  v1::Alert alert;
  while (reader->Read(&alert)) {
  }
  grpc::Status status = reader->Finish();
  if (status.error_code() != Code::DEADLINE_EXCEEDED) return status;
  for (int i = 0; i < 100 && NewestAudit(db_path).id == before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return grpc::Status::OK;
}

// method -> caller -> target -> code name
using Table = std::map<std::string, std::map<std::string, std::map<std::string, std::string>>>;

Table ReadTable(const std::string& path) {
  Table table;
  std::ifstream in(path);
  REQUIRE(in.good());
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream row(line);
    std::string method, caller;
    row >> method >> caller;
    for (const char* t : kTargets) row >> table["/ptrack.v1." + method][caller][t];
  }
  return table;
}

bool RoleAllowed(const AccessRule& rule, const std::string& caller) {
  if (caller.rfind("patient", 0) == 0) return rule.patient;
  if (caller.rfind("therapist", 0) == 0) return rule.therapist;
  if (caller.rfind("admin", 0) == 0) return rule.admin;
  return false;
}

TEST_CASE("Authorization matrix: every method x caller x object matches the checked-in table",
          "[security]") {
  Matrix m;
  m.SetUp();
  const std::vector<std::string> methods = DescribedMethods();
  for (const std::string& method : methods) {
    INFO("no request builder for " << method);
    REQUIRE(m.builders.count(method) == 1);
  }
  const std::string db_path = m.fixture().db_file.path().string();
  const Table expected = ReadTable(PTRACK_AUTHZ_MATRIX);
  Table observed;
  int calls = 0, audited_rows = 0;

  for (const std::string& method : methods) {
    const AccessRule& rule = AccessTable().at(method);
    for (const Caller& caller : m.callers()) {
      std::map<std::string, grpc::Status> answers;
      for (const char* label : kTargets) {
        const Target& target = m.target(label);
        const int64_t before = NewestAudit(db_path).id;
        const grpc::Status status = m.Invoke(method, caller, target);
        ++calls;
        answers[label] = status;
        const std::string code = CodeName(status.error_code());
        observed[method][caller.label][label] = code;
        INFO(method << " by " << caller.label << " on " << label << ": " << code << " "
                    << status.error_message());

        // Never a server error, whoever asks for whatever.
        CHECK(status.error_code() != Code::INTERNAL);
        CHECK(status.error_code() != Code::UNKNOWN);
        // No token, an expired or a revoked one: nothing but UNAUTHENTICATED, except public calls.
        if (caller.username.empty() && rule.scope != Scope::kPublic) {
          CHECK(status.error_code() == Code::UNAUTHENTICATED);
        }
        // Object-level authorization: nobody unrelated succeeds on a patient's object.
        if (rule.scope == Scope::kPatient || rule.scope == Scope::kAccount) {
          const std::string who = caller.label;
          const bool related =
              (std::string(label) == "A" &&
               (who == "patient-a" || who == "therapist-of-a" || who == "admin")) ||
              (std::string(label) == "B" &&
               (who == "patient-b" || who == "therapist-not-of-a" || who == "admin")) ||
              (std::string(label) == "other-clinic" && who == "admin-other-clinic");
          if (!related) CHECK(status.error_code() != Code::OK);
        }
        if (rule.scope == Scope::kClinic && std::string(label) != "A" &&
            std::string(label) != "B") {
          const bool own_clinic =
              std::string(label) == "other-clinic" && caller.label == "admin-other-clinic";
          if (!own_clinic) CHECK(status.error_code() != Code::OK);
        }

        // The audit row.
        const AuditRow after = NewestAudit(db_path);
        const bool known_caller = !caller.username.empty();
        if (rule.audit && (known_caller || rule.scope == Scope::kPublic) &&
            !(method == "/ptrack.v1.AuthService/Enrol" && !status.ok())) {
          CHECK(after.id == before + 1 +
                                (method == "/ptrack.v1.AuthService/SignOut" && known_caller
                                     ? 1  // the fresh sign-in for it is audited too
                                     : 0));
          CHECK(after.method == method);
          CHECK(after.outcome == code);
          if (rule.scope != Scope::kPublic) CHECK(after.username == caller.username);
          if ((rule.scope == Scope::kPatient || rule.scope == Scope::kAccount) &&
              RoleAllowed(rule, caller.label)) {
            CHECK(after.patient_id == target.patient);
          }
          ++audited_rows;
        } else {
          CHECK(after.id == before);
        }
      }
      // A foreign object and a random id get the same answer, to the letter.
      const grpc::Status& foreign = answers["other-clinic"];
      const grpc::Status& random = answers["random"];
      if (caller.label != "admin-other-clinic") {
        INFO(method << " by " << caller.label
                    << ": other clinic = " << CodeName(foreign.error_code()) << " "
                    << foreign.error_message() << "; random = " << CodeName(random.error_code())
                    << " " << random.error_message());
        if (rule.scope != Scope::kSignedIn && rule.scope != Scope::kPublic) {
          CHECK(foreign.error_code() == random.error_code());
          CHECK(foreign.error_message() == random.error_message());
        }
      }
    }
  }
  CHECK(calls == static_cast<int>(methods.size() * 9 * 4));
  CHECK(audited_rows > 500);

  if (const char* out = std::getenv("PTRACK_WRITE_AUTHZ_MATRIX")) {
    std::ofstream file(out);
    file << "# The authorization matrix: the expected status of every ptrack.v1 method called by\n"
            "# each kind of caller on each kind of object (tests/security/authz_matrix_test.cc).\n"
            "# A = patient A's object (jordan, clinic demo, therapist rivera); B = patient B's\n"
            "# (sam, clinic demo, therapist lee); other-clinic = patient C's (cora, clinic east);\n"
            "# random = ids that exist nowhere. Clinic-scoped methods name the object's clinic;\n"
            "# account methods a spare admin account of it (spare-a, spare-b, spare-c).\n"
            "#\n";
    char header[200];
    std::snprintf(header, sizeof header, "# %-43s %-19s %-19s %-19s %-19s %s\n", "method", "caller",
                  kTargets[0], kTargets[1], kTargets[2], kTargets[3]);
    file << header;
    for (const auto& [method, by_caller] : observed) {
      for (const Caller& caller : m.callers()) {
        const auto& cells = by_caller.at(caller.label);
        char line[300];
        std::snprintf(line, sizeof line, "%-45s %-19s %-19s %-19s %-19s %s\n",
                      method.substr(std::string("/ptrack.v1.").size()).c_str(),
                      caller.label.c_str(), cells.at("A").c_str(), cells.at("B").c_str(),
                      cells.at("other-clinic").c_str(), cells.at("random").c_str());
        file << line;
      }
    }
    WARN("wrote the observed matrix to " << out);
    return;
  }
  // Every cell against the checked-in table.
  for (const auto& [method, by_caller] : observed) {
    for (const auto& [caller, cells] : by_caller) {
      for (const auto& [target, code] : cells) {
        INFO(method << " by " << caller << " on " << target);
        auto m_it = expected.find(method);
        REQUIRE(m_it != expected.end());
        CHECK(m_it->second.at(caller).at(target) == code);
      }
    }
  }
  CHECK(expected.size() == observed.size());
}

}  // namespace
}  // namespace ptrack::testing
