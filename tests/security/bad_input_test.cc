// Bad-input tests (docs/SECURITY.md; DESIGN.md §4 and §6): input validation on every request of
// every ptrack.v1 service, through the real server and its in-process channel. A table of named
// bad-input vectors (out-of-range numbers, NaN and infinities, unknown enum numbers, over-long
// and control-character strings, sessions too far in the past or future, unknown IANA zones,
// malformed resource names, page sizes over the cap and forged page tokens, bad dates and date
// ranges) must each answer INVALID_ARGUMENT with a google.rpc.BadRequest naming the offending
// field, a short message and no secret echoed back — never INTERNAL, OK or a crash. Bad writes
// must change nothing: the lists they would have changed stay byte-identical. Finally a sweep
// sends malformed protobuf bytes to every method through a generic stub: only gRPC's own answer
// to an unparseable body (INTERNAL, see the comment there) is tolerated, a parseable but odd body
// must never be INTERNAL or UNKNOWN, and the server keeps answering.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/stubs/logging.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <functional>
#include <future>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "service/convert.h"
#include "tests/service/service_fixture.h"
#include "tests/service/test_helpers.h"

namespace ptrack::testing {
namespace {

using Catch::Matchers::VectorContains;
using Code = grpc::StatusCode;
using F = ServiceFixture;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Who makes a call: nobody (the public AuthService methods) or a demo account.
enum class Caller { kNobody, kPatient, kTherapist, kAdmin };

const char* CallerName(Caller c) {
  switch (c) {
    case Caller::kNobody:
      return "nobody";
    case Caller::kPatient:
      return "patient";
    case Caller::kTherapist:
      return "therapist";
    case Caller::kAdmin:
      return "admin";
  }
  return "?";
}

// One sign-in per demo role.
struct Callers {
  explicit Callers(F& f)
      : patient(f.SignIn(kPatientUser, kPatientPass)),
        therapist(f.SignIn("therapist", kTherapistPass)),
        admin(f.SignIn("admin", kAdminPass)) {}
  Token For(Caller c) const {
    switch (c) {
      case Caller::kPatient:
        return patient;
      case Caller::kTherapist:
        return therapist;
      case Caller::kAdmin:
        return admin;
      case Caller::kNobody:
        break;
    }
    return Token();
  }
  Token patient, therapist, admin;
};

// One unary call whose response is thrown away.
template <typename Stub, typename Req, typename Resp>
grpc::Status Send(Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                  const Token& token, const Req& request) {
  Resp response;
  return F::Call(stub, method, token, request, &response);
}

// A fresh UUID per call (so that a vector wrongly accepted cannot turn later ones into replays),
// and a fresh suffix for user names and ids.
int Next() {
  static int counter = 0;
  return ++counter;
}
std::string NextUuid() {
  char buf[40];
  std::snprintf(buf, sizeof buf, "5e551000-0000-4000-8000-%012d", Next());
  return buf;
}
std::string Suffix() { return std::to_string(Next()); }

using CallFn = std::function<grpc::Status(F&, const Token&)>;

struct Vector {
  std::string description;
  Caller caller;
  CallFn call;
  std::string field;   // expected in the BadRequest
  std::string secret;  // a text the answer must not echo ("" = none beyond the demo passwords)
};

// --- Builders: a valid request, changed by `mutate` into a bad one --------------------------

template <typename Req>
using Mutate = std::function<void(Req&)>;

CallFn Log(Mutate<v1::LogSessionRequest> mutate) {
  return [mutate](F& f, const Token& t) {
    v1::LogSessionRequest req = SessionRequest(NextUuid(), FixtureNow() - std::chrono::hours(1));
    mutate(req);
    return Send(*f.session, &v1::SessionService::Stub::LogSession, t, req);
  };
}
// A valid NPRS answer by jordan an hour ago, changed by `mutate`.
v1::SubmitOutcomeResponseRequest OutcomeRequest() {
  v1::SubmitOutcomeResponseRequest req;
  req.set_parent(kJordan);
  req.set_response_id(NextUuid());
  req.mutable_response()->set_instrument("instruments/nprs");
  convert::ToProto(FixtureNow() - std::chrono::hours(1),
                   req.mutable_response()->mutable_answer_time());
  v1::OutcomeAnswer* a = req.mutable_response()->add_answers();
  a->set_item("pain_now");
  a->set_value(4);
  return req;
}
CallFn Answer(Mutate<v1::SubmitOutcomeResponseRequest> mutate) {
  return [mutate](F& f, const Token& t) {
    v1::SubmitOutcomeResponseRequest req = OutcomeRequest();
    mutate(req);
    return Send(*f.outcome, &v1::OutcomeService::Stub::SubmitOutcomeResponse, t, req);
  };
}
void SetAnswers(v1::SubmitOutcomeResponseRequest& r, const std::string& instrument,
                const std::vector<std::pair<std::string, int>>& answers) {
  r.mutable_response()->set_instrument("instruments/" + instrument);
  r.mutable_response()->clear_answers();
  for (const auto& [item, value] : answers) {
    v1::OutcomeAnswer* a = r.mutable_response()->add_answers();
    a->set_item(item);
    a->set_value(value);
  }
}

v1::ExerciseLog& Ex0(v1::LogSessionRequest& r) {
  return *r.mutable_session()->mutable_exercises(0);
}
v1::Session& Sess(v1::LogSessionRequest& r) { return *r.mutable_session(); }

CallFn NewPatient(Mutate<v1::CreatePatientRequest> mutate) {
  return [mutate](F& f, const Token& t) {
    v1::CreatePatientRequest req;
    req.set_parent(kClinic);
    req.mutable_patient()->set_display_name("Kai Tanaka");
    req.mutable_patient()->set_time_zone("Asia/Tokyo");
    req.set_username("kai" + Suffix());
    mutate(req);
    return Send(*f.clinic, &v1::ClinicService::Stub::CreatePatient, t, req);
  };
}

// Jordan as just read (so the etag is current), with no update mask yet.
CallFn EditPatient(Mutate<v1::UpdatePatientRequest> mutate) {
  return [mutate](F& f, const Token& t) {
    v1::GetPatientRequest get;
    get.set_name(kJordan);
    v1::UpdatePatientRequest req;
    REQUIRE_OK(
        F::Call(*f.clinic, &v1::ClinicService::Stub::GetPatient, t, get, req.mutable_patient()));
    mutate(req);
    return Send(*f.clinic, &v1::ClinicService::Stub::UpdatePatient, t, req);
  };
}

CallFn NewTherapist(Mutate<v1::CreateTherapistRequest> mutate) {
  return [mutate](F& f, const Token& t) {
    v1::CreateTherapistRequest req;
    req.set_parent(kClinic);
    req.mutable_therapist()->set_display_name("Dr Moe");
    req.mutable_therapist()->set_username("moe" + Suffix());
    mutate(req);
    return Send(*f.clinic, &v1::ClinicService::Stub::CreateTherapist, t, req);
  };
}

CallFn NewExercise(Mutate<v1::CreateExerciseRequest> mutate) {
  return [mutate](F& f, const Token& t) {
    v1::CreateExerciseRequest req;
    req.set_parent(kClinic);
    req.set_exercise_id("demo-wall-slide-" + Suffix());
    v1::Exercise* e = req.mutable_exercise();
    e->set_display_name("Wall slide");
    e->set_region(v1::REGION_UPPER_BACK);
    e->mutable_default_dose()->set_sets(2);
    e->mutable_default_dose()->set_reps(10);
    e->add_levers(v1::LEVER_REPS);
    mutate(req);
    return Send(*f.catalog, &v1::CatalogService::Stub::CreateExercise, t, req);
  };
}

// One phase with one prescription of a shipped exercise.
void OnePhase(google::protobuf::RepeatedPtrField<v1::Phase>* phases) {
  v1::Phase* p = phases->Add();
  p->set_number(1);
  p->set_display_name("Only phase");
  p->set_start_week(1);
  p->set_weeks(0);
  p->set_sessions_per_week(3);
  v1::Prescription* rx = p->add_prescriptions();
  rx->set_exercise("exercises/chin-nod-lying");
  v1::Dose* d = rx->add_dose_steps();
  d->set_sets(2);
  d->set_reps(10);
}
v1::Prescription& Rx0(google::protobuf::RepeatedPtrField<v1::Phase>* phases) {
  return *phases->Mutable(0)->mutable_prescriptions(0);
}

CallFn NewProtocol(Mutate<v1::CreateProtocolRequest> mutate) {
  return [mutate](F& f, const Token& t) {
    v1::CreateProtocolRequest req;
    req.set_parent(kClinic);
    req.set_protocol_id("demo-protocol-" + Suffix());
    req.mutable_protocol()->set_display_name("Demo protocol");
    OnePhase(req.mutable_protocol()->mutable_phases());
    mutate(req);
    return Send(*f.catalog, &v1::CatalogService::Stub::CreateProtocol, t, req);
  };
}

// A program for Sam (who has none) starting today in London.
CallFn NewProgram(Mutate<v1::CreateProgramRequest> mutate) {
  return [mutate](F& f, const Token& t) {
    v1::CreateProgramRequest req;
    req.set_parent(kSam);
    req.mutable_program()->set_protocol(kDefaultProtocol);
    req.mutable_program()->set_start_date("2026-11-21");
    mutate(req);
    return Send(*f.program, &v1::ProgramService::Stub::CreateProgram, t, req);
  };
}

// Jordan's program as just read, with the default rules and a reason, and update mask "rules".
CallFn EditProgram(Mutate<v1::UpdateProgramRequest> mutate) {
  return [mutate](F& f, const Token& t) {
    v1::GetProgramRequest get;
    get.set_name(kJordanProgram);
    v1::UpdateProgramRequest req;
    REQUIRE_OK(
        F::Call(*f.program, &v1::ProgramService::Stub::GetProgram, t, get, req.mutable_program()));
    REQUIRE_OK(F::Call(*f.progression, &v1::ProgressionService::Stub::GetDefaultRules, t,
                       v1::GetDefaultRulesRequest(), req.mutable_rules()));
    req.mutable_update_mask()->add_paths("rules");
    req.set_reason("review after week 3");
    mutate(req);
    return Send(*f.program, &v1::ProgramService::Stub::UpdateProgram, t, req);
  };
}

// Discharging Jordan's program as completed, with a short note.
CallFn Discharge(Mutate<v1::DischargeProgramRequest> mutate) {
  return [mutate](F& f, const Token& t) {
    v1::DischargeProgramRequest req;
    req.set_name(kJordanProgram);
    req.set_reason(v1::DISCHARGE_REASON_COMPLETED);
    req.set_note("goals met early");
    mutate(req);
    return Send(*f.program, &v1::ProgramService::Stub::DischargeProgram, t, req);
  };
}

// Pausing Jordan's program from today for a week's holiday.
CallFn PauseFn(Mutate<v1::PauseProgramRequest> mutate) {
  return [mutate](F& f, const Token& t) {
    v1::PauseProgramRequest req;
    req.set_name(kJordanProgram);
    req.set_pause_id(NextUuid());
    req.set_reason("holiday");
    mutate(req);
    return Send(*f.program, &v1::ProgramService::Stub::PauseProgram, t, req);
  };
}

CallFn Plan(Mutate<v1::GetPlanRequest> mutate) {
  return [mutate](F& f, const Token& t) {
    v1::GetPlanRequest req;
    req.set_parent(kJordan);
    mutate(req);
    return Send(*f.program, &v1::ProgramService::Stub::GetPlan, t, req);
  };
}

CallFn Sessions(Mutate<v1::ListSessionsRequest> mutate) {
  return [mutate](F& f, const Token& t) {
    v1::ListSessionsRequest req;
    req.set_parent(kJordan);
    mutate(req);
    return Send(*f.session, &v1::SessionService::Stub::ListSessions, t, req);
  };
}

CallFn Adherence(const std::string& start, const std::string& end) {
  return [start, end](F& f, const Token& t) {
    v1::GetAdherenceRequest req;
    req.set_parent(kJordan);
    req.set_start_date(start);
    req.set_end_date(end);
    return Send(*f.session, &v1::SessionService::Stub::GetAdherence, t, req);
  };
}

CallFn Resolve(bool approve, Mutate<v1::ResolveDecisionRequest> mutate) {
  return [approve, mutate](F& f, const Token& t) {
    v1::ResolveDecisionRequest req;
    req.set_name(std::string(kJordanProgram) + "/decisions/w3-chin-nod-lying");
    req.set_action_id(NextUuid());
    req.set_note("looks fine");
    mutate(req);
    return approve ? Send(*f.progression, &v1::ProgressionService::Stub::ApproveDecision, t, req)
                   : Send(*f.progression, &v1::ProgressionService::Stub::RejectDecision, t, req);
  };
}

CallFn PatientAction(bool clear, Mutate<v1::PatientActionRequest> mutate) {
  return [clear, mutate](F& f, const Token& t) {
    v1::PatientActionRequest req;
    req.set_parent(kJordan);
    req.set_action_id(NextUuid());
    req.set_note("checked by phone");
    mutate(req);
    return clear ? Send(*f.progression, &v1::ProgressionService::Stub::ClearRedFlag, t, req)
                 : Send(*f.progression, &v1::ProgressionService::Stub::BoostProgram, t, req);
  };
}

CallFn NextMorningPain(const std::string& name, int pain) {
  return [name, pain](F& f, const Token& t) {
    v1::ReportNextMorningPainRequest req;
    req.set_name(name);
    req.set_pain(pain);
    return Send(*f.progression, &v1::ProgressionService::Stub::ReportNextMorningPain, t, req);
  };
}

CallFn AuditEvents(Mutate<v1::ListAuditEventsRequest> mutate) {
  return [mutate](F& f, const Token& t) {
    v1::ListAuditEventsRequest req;
    req.set_parent(kClinic);
    mutate(req);
    return Send(*f.audit, &v1::AuditService::Stub::ListAuditEvents, t, req);
  };
}

CallFn SignIn(const std::string& username, const std::string& password) {
  return [username, password](F& f, const Token& t) {
    v1::SignInRequest req;
    req.set_username(username);
    req.set_password(password);
    return Send(*f.auth, &v1::AuthService::Stub::SignIn, t, req);
  };
}

CallFn Enrol(const std::string& code, const std::string& password) {
  return [code, password](F& f, const Token& t) {
    v1::EnrolRequest req;
    req.set_code(code);
    req.set_password(password);
    return Send(*f.auth, &v1::AuthService::Stub::Enrol, t, req);
  };
}

// Calls of the form Method({name: value}) and List({parent, page_size, page_token}).
template <typename Req, typename Stub, typename Resp>
CallFn ByName(std::unique_ptr<Stub> F::*stub,
              grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
              const std::string& name) {
  return [stub, method, name](F& f, const Token& t) {
    Req req;
    req.set_name(name);
    return Send(*(f.*stub), method, t, req);
  };
}
template <typename Req, typename Stub, typename Resp>
CallFn ByParent(std::unique_ptr<Stub> F::*stub,
                grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                const std::string& parent) {
  return [stub, method, parent](F& f, const Token& t) {
    Req req;
    req.set_parent(parent);
    return Send(*(f.*stub), method, t, req);
  };
}
template <typename Req, typename Stub, typename Resp>
CallFn Page(std::unique_ptr<Stub> F::*stub,
            grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
            const std::string& parent, int page_size, const std::string& page_token) {
  return [stub, method, parent, page_size, page_token](F& f, const Token& t) {
    Req req;
    if constexpr (requires(Req & r) { r.set_parent(""); }) req.set_parent(parent);
    req.set_page_size(page_size);
    req.set_page_token(page_token);
    return Send(*(f.*stub), method, t, req);
  };
}

// A page token in this server's envelope ("p1" + hex) around a cursor it never issued.
std::string ForgedToken(const std::string& cursor) {
  static const char* kHex = "0123456789abcdef";
  std::string out = "p1";
  for (unsigned char c : cursor) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::vector<Vector> BadInputVectors() {
  using C = Caller;
  const std::string long_name(10000, 'x');
  const std::string long_password = "S3cret-Passw0rd-" + std::string(250, 'q');  // 266 chars
  const std::string session_name = std::string(kJordan) + "/sessions/" + NextUuid();
  const Instant now = FixtureNow();
  std::vector<Vector> v;
  auto add = [&v](std::string description, Caller caller, CallFn call, std::string field,
                  std::string secret = "") {
    v.push_back(
        {std::move(description), caller, std::move(call), std::move(field), std::move(secret)});
  };

  // --- AuthService ---
  add("SignIn: empty username", C::kNobody, SignIn("", "whatever-pass"), "username");
  add("SignIn: 65-character username", C::kNobody, SignIn(std::string(65, 'a'), "x"), "username");
  add("SignIn: username with a control character", C::kNobody,
      SignIn(std::string("pat\x01ient"), kPatientPass), "username");
  add("SignIn: empty password", C::kNobody, SignIn(kPatientUser, ""), "password");
  add("SignIn: password over 256 characters", C::kNobody, SignIn(kPatientUser, long_password),
      "password", long_password.substr(0, 24));
  add("Enrol: code not of the form", C::kNobody, Enrol("not-a-code!", "a-good-passphrase"), "code");
  add("Enrol: code of 65 characters", C::kNobody, Enrol(std::string(65, 'A'), "a-good-passphrase"),
      "code");
  add("Enrol: password under 8 characters", C::kNobody, Enrol("ABCD-EFGH-JKMN", "Pw7!x"),
      "password", "Pw7!x");
  add("Enrol: password over 256 characters", C::kNobody, Enrol("ABCD-EFGH-JKMN", long_password),
      "password", long_password.substr(0, 24));

  // --- ClinicService ---
  add("GetClinic: name without an id", C::kAdmin,
      ByName<v1::GetClinicRequest>(&F::clinic, &v1::ClinicService::Stub::GetClinic, "clinics"),
      "name");
  add("CreatePatient: unknown zone Mars/Olympus", C::kTherapist,
      NewPatient([](auto& r) { r.mutable_patient()->set_time_zone("Mars/Olympus"); }),
      "patient.time_zone");
  add("CreatePatient: empty zone", C::kTherapist,
      NewPatient([](auto& r) { r.mutable_patient()->set_time_zone(""); }), "patient.time_zone");
  add("CreatePatient: zone that is a path", C::kTherapist,
      NewPatient([](auto& r) { r.mutable_patient()->set_time_zone("../../../etc/passwd"); }),
      "patient.time_zone");
  add("CreatePatient: zone of 200 characters", C::kTherapist, NewPatient([](auto& r) {
        r.mutable_patient()->set_time_zone("Europe/" + std::string(193, 'b'));
      }),
      "patient.time_zone");
  add("CreatePatient: username with upper case", C::kTherapist,
      NewPatient([](auto& r) { r.set_username("Kai"); }), "username");
  add("CreatePatient: username with a space", C::kTherapist,
      NewPatient([](auto& r) { r.set_username("kai tanaka"); }), "username");
  add("CreatePatient: username too short", C::kTherapist,
      NewPatient([](auto& r) { r.set_username("ka"); }), "username");
  add("CreatePatient: username of 65 characters", C::kTherapist,
      NewPatient([](auto& r) { r.set_username(std::string(65, 'k')); }), "username");
  add("CreatePatient: empty display name", C::kTherapist,
      NewPatient([](auto& r) { r.mutable_patient()->set_display_name(""); }),
      "patient.display_name");
  add("CreatePatient: display name of 101 characters", C::kTherapist,
      NewPatient([](auto& r) { r.mutable_patient()->set_display_name(std::string(101, 'K')); }),
      "patient.display_name");
  add("CreatePatient: display name with a control character", C::kTherapist,
      NewPatient([](auto& r) { r.mutable_patient()->set_display_name("Kai\x1b[31m Tanaka"); }),
      "patient.display_name");
  add("CreatePatient: patient_id not a UUID", C::kTherapist,
      NewPatient([](auto& r) { r.set_patient_id("kai"); }), "patient_id");
  add("CreatePatient: initial password under 8 characters", C::kTherapist,
      NewPatient([](auto& r) { r.set_initial_password("Sekr3t!"); }), "initial_password",
      "Sekr3t!");
  add("CreatePatient: therapist of another clinic", C::kTherapist,
      NewPatient([](auto& r) { r.mutable_patient()->set_therapist("clinics/other/therapists/x"); }),
      "patient.therapist");
  add("CreatePatient: therapist name malformed", C::kAdmin,
      NewPatient([](auto& r) { r.mutable_patient()->set_therapist("therapists/rivera"); }),
      "patient.therapist");
  add("CreatePatient: parent with an empty segment", C::kTherapist,
      NewPatient([](auto& r) { r.set_parent("clinics//patients/x"); }), "parent");
  add("UpdatePatient: unknown zone Mars/Olympus", C::kTherapist, EditPatient([](auto& r) {
        r.mutable_update_mask()->add_paths("time_zone");
        r.mutable_patient()->set_time_zone("Mars/Olympus");
      }),
      "patient.time_zone");
  add("UpdatePatient: empty zone", C::kTherapist, EditPatient([](auto& r) {
        r.mutable_update_mask()->add_paths("time_zone");
        r.mutable_patient()->set_time_zone("");
      }),
      "patient.time_zone");
  add("UpdatePatient: mask names an output-only field", C::kTherapist, EditPatient([](auto& r) {
        r.mutable_update_mask()->add_paths("username");
        r.mutable_patient()->set_username("someone-else");
      }),
      "update_mask");
  add("UpdatePatient: empty mask", C::kTherapist, EditPatient([](auto&) {}), "update_mask");
  add("UpdatePatient: display name of 101 characters", C::kTherapist, EditPatient([](auto& r) {
        r.mutable_update_mask()->add_paths("display_name");
        r.mutable_patient()->set_display_name(std::string(101, 'J'));
      }),
      "patient.display_name");
  add("UpdatePatient: therapist name malformed", C::kTherapist, EditPatient([](auto& r) {
        r.mutable_update_mask()->add_paths("therapist");
        r.mutable_patient()->set_therapist("clinics/demo/therapists/");
      }),
      "patient.therapist");
  add("UpdatePatient: name clinics/demo/patientz/jordan", C::kTherapist, EditPatient([](auto& r) {
        r.mutable_update_mask()->add_paths("display_name");
        r.mutable_patient()->set_name("clinics/demo/patientz/jordan");
      }),
      "patient.name");
  add("CreateTherapist: username with a space and upper case", C::kAdmin,
      NewTherapist([](auto& r) { r.mutable_therapist()->set_username("Dr Moe"); }),
      "therapist.username");
  add("CreateTherapist: therapist_id not a UUID", C::kAdmin,
      NewTherapist([](auto& r) { r.set_therapist_id("moe"); }), "therapist_id");
  add("CreateTherapist: empty display name", C::kAdmin,
      NewTherapist([](auto& r) { r.mutable_therapist()->set_display_name(""); }),
      "therapist.display_name");
  add("CreateEnrolmentCode: clinics/demo/patientz/jordan", C::kTherapist,
      ByName<v1::CreateEnrolmentCodeRequest>(&F::clinic,
                                             &v1::ClinicService::Stub::CreateEnrolmentCode,
                                             "clinics/demo/patientz/jordan"),
      "name");
  add("CreateEnrolmentCode: name with ..", C::kAdmin,
      ByName<v1::CreateEnrolmentCodeRequest>(&F::clinic,
                                             &v1::ClinicService::Stub::CreateEnrolmentCode,
                                             "clinics/demo/patients/../therapists/rivera"),
      "name");
  add("CreateEnrolmentCode: name of 10000 characters", C::kAdmin,
      ByName<v1::CreateEnrolmentCodeRequest>(
          &F::clinic, &v1::ClinicService::Stub::CreateEnrolmentCode, long_name),
      "name");
  add("GetPatient: clinics//patients/jordan", C::kPatient,
      ByName<v1::GetPatientRequest>(&F::clinic, &v1::ClinicService::Stub::GetPatient,
                                    "clinics//patients/jordan"),
      "name");
  add("GetPatient: trailing slash", C::kPatient,
      ByName<v1::GetPatientRequest>(&F::clinic, &v1::ClinicService::Stub::GetPatient,
                                    std::string(kJordan) + "/"),
      "name");
  add("GetPatient: upper-case id", C::kPatient,
      ByName<v1::GetPatientRequest>(&F::clinic, &v1::ClinicService::Stub::GetPatient,
                                    "clinics/demo/patients/Jordan"),
      "name");
  add("GetPatient: name of 10000 characters", C::kPatient,
      ByName<v1::GetPatientRequest>(&F::clinic, &v1::ClinicService::Stub::GetPatient,
                                    "clinics/demo/patients/" + long_name),
      "name");
  add("ListPatients: page_size over the cap", C::kTherapist,
      Page<v1::ListPatientsRequest>(&F::clinic, &v1::ClinicService::Stub::ListPatients, kClinic,
                                    201, ""),
      "page_size");
  add("ListPatients: negative page_size", C::kAdmin,
      Page<v1::ListPatientsRequest>(&F::clinic, &v1::ClinicService::Stub::ListPatients, kClinic, -1,
                                    ""),
      "page_size");
  add("ListPatients: garbage page_token", C::kTherapist,
      Page<v1::ListPatientsRequest>(&F::clinic, &v1::ClinicService::Stub::ListPatients, kClinic, 0,
                                    "garbage"),
      "page_token");
  add("ListTherapists: page_size 500", C::kAdmin,
      Page<v1::ListTherapistsRequest>(&F::clinic, &v1::ClinicService::Stub::ListTherapists, kClinic,
                                      500, ""),
      "page_size");

  // --- CatalogService ---
  add(
      "ListExercises: unknown region 99", C::kPatient,
      [](F& f, const Token& t) {
        v1::ListExercisesRequest req;
        req.set_region(static_cast<v1::Region>(99));
        return Send(*f.catalog, &v1::CatalogService::Stub::ListExercises, t, req);
      },
      "region");
  add("ListExercises: negative page_size", C::kPatient,
      Page<v1::ListExercisesRequest>(&F::catalog, &v1::CatalogService::Stub::ListExercises, "", -1,
                                     ""),
      "page_size");
  add("ListExercises: page_size over the cap", C::kPatient,
      Page<v1::ListExercisesRequest>(&F::catalog, &v1::CatalogService::Stub::ListExercises, "", 201,
                                     ""),
      "page_size");
  add("ListExercises: garbage page_token", C::kPatient,
      Page<v1::ListExercisesRequest>(&F::catalog, &v1::CatalogService::Stub::ListExercises, "", 0,
                                     "garbage"),
      "page_token");
  add("ListProtocols: page_token of odd length", C::kTherapist,
      Page<v1::ListProtocolsRequest>(&F::catalog, &v1::CatalogService::Stub::ListProtocols, "", 0,
                                     "p1abc"),
      "page_token");
  add("GetExercise: upper-case id", C::kPatient,
      ByName<v1::GetExerciseRequest>(&F::catalog, &v1::CatalogService::Stub::GetExercise,
                                     "exercises/Chin-Nod-Lying"),
      "name");
  add("GetProtocol: name of 10000 characters", C::kPatient,
      ByName<v1::GetProtocolRequest>(&F::catalog, &v1::CatalogService::Stub::GetProtocol,
                                     "protocols/" + long_name),
      "name");
  add("CreateExercise: id without the clinic's prefix", C::kTherapist,
      NewExercise([](auto& r) { r.set_exercise_id("wall-slide"); }), "exercise_id");
  add("CreateExercise: display name of 101 characters", C::kTherapist,
      NewExercise([](auto& r) { r.mutable_exercise()->set_display_name(std::string(101, 'W')); }),
      "exercise.display_name");
  add("CreateExercise: unknown region 99", C::kTherapist,
      NewExercise([](auto& r) { r.mutable_exercise()->set_region(static_cast<v1::Region>(99)); }),
      "exercise.region");
  add("CreateExercise: unknown lever 99", C::kAdmin,
      NewExercise([](auto& r) { r.mutable_exercise()->add_levers(static_cast<v1::Lever>(99)); }),
      "exercise.levers");
  add("CreateExercise: NaN default load", C::kTherapist,
      NewExercise([](auto& r) { r.mutable_exercise()->mutable_default_dose()->set_load_kg(kNaN); }),
      "exercise.default_dose.load_kg");
  add("CreateExercise: unknown side 42 in the default dose", C::kTherapist,
      NewExercise([](auto& r) {
        r.mutable_exercise()->mutable_default_dose()->set_side(static_cast<v1::Side>(42));
      }),
      "exercise.default_dose.side");
  add("CreateExercise: max_hold_seconds 601", C::kTherapist,
      NewExercise([](auto& r) { r.mutable_exercise()->set_max_hold_seconds(601); }),
      "exercise.max_hold_seconds");
  add("CreateExercise: instructions with a control character", C::kTherapist,
      NewExercise(
          [](auto& r) { r.mutable_exercise()->set_instructions(std::string("slide\0up", 8)); }),
      "exercise.instructions");
  add("CreateProtocol: id without the clinic's prefix", C::kTherapist,
      NewProtocol([](auto& r) { r.set_protocol_id("my-protocol"); }), "protocol_id");
  add("CreateProtocol: no phases", C::kTherapist,
      NewProtocol([](auto& r) { r.mutable_protocol()->clear_phases(); }), "protocol.phases");
  add("CreateProtocol: unknown progression mode 9", C::kTherapist, NewProtocol([](auto& r) {
        Rx0(r.mutable_protocol()->mutable_phases()).set_mode(static_cast<v1::ProgressionMode>(9));
      }),
      "protocol.phases[0].prescriptions[0].mode");
  add("CreateProtocol: unknown side 42 in a dose step", C::kAdmin, NewProtocol([](auto& r) {
        Rx0(r.mutable_protocol()->mutable_phases())
            .mutable_dose_steps(0)
            ->set_side(static_cast<v1::Side>(42));
      }),
      "protocol.phases[0].prescriptions[0].dose_steps[0].side");

  // --- ProgramService ---
  add("CreateProgram: month 13", C::kAdmin,
      NewProgram([](auto& r) { r.mutable_program()->set_start_date("2026-13-01"); }),
      "program.start_date");
  add("CreateProgram: 30 February", C::kAdmin,
      NewProgram([](auto& r) { r.mutable_program()->set_start_date("2026-02-30"); }),
      "program.start_date");
  add("CreateProgram: start date more than a year ahead", C::kTherapist,
      NewProgram([](auto& r) { r.mutable_program()->set_start_date("2030-01-01"); }),
      "program.start_date");
  add("CreateProgram: unknown protocol", C::kAdmin,
      NewProgram([](auto& r) { r.mutable_program()->set_protocol("protocols/no-such-protocol"); }),
      "program.protocol");
  add("CreateProgram: protocol without its collection", C::kAdmin,
      NewProgram([](auto& r) { r.mutable_program()->set_protocol("upper-back-neck-core-12w"); }),
      "program.protocol");
  add("CreateProgram: program_id not a UUID", C::kAdmin,
      NewProgram([](auto& r) { r.set_program_id("sam-program"); }), "program_id");
  add("UpdateProgram: mask names an output-only field", C::kTherapist,
      EditProgram([](auto& r) { r.mutable_update_mask()->add_paths("state"); }), "update_mask");
  add("DischargeProgram: no reason", C::kTherapist, Discharge([](auto& r) { r.clear_reason(); }),
      "reason");
  add("DischargeProgram: unknown reason 9", C::kTherapist,
      Discharge([](auto& r) { r.set_reason(static_cast<v1::DischargeReason>(9)); }), "reason");
  add("DischargeProgram: a note of 2,001 characters", C::kTherapist,
      Discharge([](auto& r) { r.set_note(std::string(2001, 'x')); }), "note");
  add("DischargeProgram: name without its collection", C::kTherapist,
      Discharge([](auto& r) { r.set_name("programs/x"); }), "name");
  add("PauseProgram: no pause_id", C::kTherapist, PauseFn([](auto& r) { r.clear_pause_id(); }),
      "pause_id");
  add("PauseProgram: no reason", C::kTherapist, PauseFn([](auto& r) { r.clear_reason(); }),
      "reason");
  add("PauseProgram: start in the past", C::kTherapist,
      PauseFn([](auto& r) { r.set_start_date("2020-01-01"); }), "start_date");
  add("PauseProgram: end before start", C::kTherapist, PauseFn([](auto& r) {
        r.set_start_date("2026-12-01");
        r.set_end_date("2026-11-30");
      }),
      "end_date");
  add("PauseProgram: end in year 0", C::kTherapist,
      PauseFn([](auto& r) { r.set_end_date("0000-01-01"); }), "end_date");
  add("UpdateProgram: a phase gate on an unknown instrument", C::kTherapist,
      EditProgram([](auto& r) {
        r.mutable_update_mask()->add_paths("phases");
        r.mutable_program()->mutable_phases(1)->set_outcome_gate("instruments/sf-36");
      }),
      "program.phases[1].outcome_gate");
  add("UpdateProgram: a phase gate that is not an instrument name", C::kTherapist,
      EditProgram([](auto& r) {
        r.mutable_update_mask()->add_paths("phases");
        r.mutable_program()->mutable_phases(1)->set_outcome_gate("psfs");
      }),
      "program.phases[1].outcome_gate");
  add("UpdateProgram: empty mask", C::kTherapist,
      EditProgram([](auto& r) { r.clear_update_mask(); }), "update_mask");
  add("UpdateProgram: NaN adherence_gate", C::kTherapist,
      EditProgram([](auto& r) { r.mutable_rules()->set_adherence_gate(kNaN); }),
      "rules.adherence_gate");
  add("UpdateProgram: +inf load_increase_fraction", C::kTherapist,
      EditProgram([](auto& r) { r.mutable_rules()->set_load_increase_fraction(kInf); }),
      "rules.load_increase_fraction");
  add("UpdateProgram: -inf load_rounding_kg", C::kAdmin,
      EditProgram([](auto& r) { r.mutable_rules()->set_load_rounding_kg(-kInf); }),
      "rules.load_rounding_kg");
  add("UpdateProgram: pain_safe_max 11", C::kTherapist,
      EditProgram([](auto& r) { r.mutable_rules()->set_pain_safe_max(11); }),
      "rules.pain_safe_max");
  add("UpdateProgram: empty reason", C::kTherapist, EditProgram([](auto& r) { r.set_reason(""); }),
      "reason");
  add("UpdateProgram: reason of 501 characters", C::kTherapist,
      EditProgram([](auto& r) { r.set_reason(std::string(501, 'r')); }), "reason");
  add("UpdateProgram: effective date before today", C::kTherapist,
      EditProgram([](auto& r) { r.set_effective_date("2026-11-20"); }), "effective_date");
  add("UpdateProgram: effective date not ISO", C::kTherapist,
      EditProgram([](auto& r) { r.set_effective_date("21/11/2026"); }), "effective_date");
  add("UpdateProgram: missing etag", C::kTherapist,
      EditProgram([](auto& r) { r.mutable_program()->clear_etag(); }), "program.etag");
  add("UpdateProgram: unknown progression mode 7", C::kTherapist, EditProgram([](auto& r) {
        r.mutable_update_mask()->add_paths("phases");
        Rx0(r.mutable_program()->mutable_phases()).set_mode(static_cast<v1::ProgressionMode>(7));
      }),
      "program.phases[0].prescriptions[0].mode");
  add("UpdateProgram: NaN load in a dose step", C::kTherapist, EditProgram([](auto& r) {
        r.mutable_update_mask()->add_paths("phases");
        Rx0(r.mutable_program()->mutable_phases()).mutable_dose_steps(0)->set_load_kg(kNaN);
      }),
      "program.phases[0].prescriptions[0].dose_steps[0].load_kg");
  add("UpdateProgram: unknown side 42 in a dose step", C::kTherapist, EditProgram([](auto& r) {
        r.mutable_update_mask()->add_paths("phases");
        Rx0(r.mutable_program()->mutable_phases())
            .mutable_dose_steps(0)
            ->set_side(static_cast<v1::Side>(42));
      }),
      "program.phases[0].prescriptions[0].dose_steps[0].side");
  add("UpdateProgram: no phases", C::kTherapist, EditProgram([](auto& r) {
        r.mutable_update_mask()->add_paths("phases");
        r.mutable_program()->clear_phases();
      }),
      "program.phases");
  add("UpdateProgram: program name with ..", C::kTherapist, EditProgram([](auto& r) {
        r.mutable_program()->set_name("clinics/demo/patients/jordan/programs/..");
      }),
      "program.name");
  add("ListPrograms: page_token with a non-numeric offset", C::kPatient,
      Page<v1::ListProgramsRequest>(&F::program, &v1::ProgramService::Stub::ListPrograms, kJordan,
                                    0, ForgedToken("abc")),
      "page_token");
  add("ListProgramRevisions: page_size 1000", C::kPatient,
      Page<v1::ListProgramRevisionsRequest>(
          &F::program, &v1::ProgramService::Stub::ListProgramRevisions, kJordanProgram, 1000, ""),
      "page_size");
  add("GetPlan: 31 November", C::kPatient, Plan([](auto& r) { r.set_start_date("2026-11-31"); }),
      "start_date");
  add("GetPlan: 63 days", C::kPatient, Plan([](auto& r) { r.set_days(63); }), "days");
  // Dates outside 0001-9999 (protobuf Timestamp's range) are refused everywhere.
  add("GetPlan: days past year 9999", C::kPatient, Plan([](auto& r) {
        r.set_start_date("9999-12-31");
        r.set_days(2);
      }),
      "start_date");
  add("GetPlan: year 0", C::kPatient, Plan([](auto& r) { r.set_start_date("0000-12-31"); }),
      "start_date");
  add("GetPlan: year 10000", C::kPatient, Plan([](auto& r) { r.set_start_date("10000-01-01"); }),
      "start_date");
  add("GetPlan: negative days", C::kPatient, Plan([](auto& r) { r.set_days(-1); }), "days");
  add("GetProgram: clinics/demo/patients/jordan/program/jordan-program", C::kPatient,
      ByName<v1::GetProgramRequest>(&F::program, &v1::ProgramService::Stub::GetProgram,
                                    "clinics/demo/patients/jordan/program/jordan-program"),
      "name");

  // --- OutcomeService ---
  add("SubmitOutcomeResponse: value 11", C::kPatient,
      Answer([](auto& r) { r.mutable_response()->mutable_answers(0)->set_value(11); }),
      "response.answers[0].value");
  add("SubmitOutcomeResponse: value -1", C::kPatient,
      Answer([](auto& r) { r.mutable_response()->mutable_answers(0)->set_value(-1); }),
      "response.answers[0].value");
  add("SubmitOutcomeResponse: unknown item", C::kPatient, Answer([](auto& r) {
        SetAnswers(r, "nprs", {{"pain_now", 3}, {"mood", 1}});
      }),
      "response.answers[1].item");
  add("SubmitOutcomeResponse: PSFS third activity missing", C::kPatient, Answer([](auto& r) {
        SetAnswers(r, "psfs", {{"activity_1", 3}, {"activity_2", 3}});
      }),
      "response.answers");
  add("SubmitOutcomeResponse: NDI item answered twice", C::kTherapist, Answer([](auto& r) {
        SetAnswers(r, "ndi", {{"lifting", 3}, {"lifting", 3}});
      }),
      "response.answers[1].item");
  add("SubmitOutcomeResponse: PGIC 8", C::kPatient, Answer([](auto& r) {
        SetAnswers(r, "pgic", {{"change", 8}});
      }),
      "response.answers[0].value");
  add("SubmitOutcomeResponse: no answers", C::kPatient,
      Answer([](auto& r) { r.mutable_response()->clear_answers(); }), "response.answers");
  add("SubmitOutcomeResponse: unknown instrument", C::kPatient,
      Answer([](auto& r) { r.mutable_response()->set_instrument("instruments/sf-36"); }),
      "response.instrument");
  add("SubmitOutcomeResponse: malformed instrument", C::kPatient,
      Answer([](auto& r) { r.mutable_response()->set_instrument("nprs"); }), "response.instrument");
  add("SubmitOutcomeResponse: no answer_time", C::kPatient,
      Answer([](auto& r) { r.mutable_response()->clear_answer_time(); }), "response.answer_time");
  add("SubmitOutcomeResponse: answer_time in the future", C::kPatient, Answer([](auto& r) {
        convert::ToProto(FixtureNow() + std::chrono::hours(1),
                         r.mutable_response()->mutable_answer_time());
      }),
      "response.answer_time");
  add("SubmitOutcomeResponse: response_id not a UUID", C::kPatient,
      Answer([](auto& r) { r.set_response_id("my-answer"); }), "response_id");
  add("SubmitOutcomeResponse: activity with a newline", C::kPatient,
      Answer([](auto& r) { r.mutable_response()->mutable_answers(0)->set_activity("a\nb"); }),
      "response.answers[0].activity");
  add(
      "ListOutcomeResponses: malformed instrument", C::kTherapist,
      [](F& f, const Token& t) {
        v1::ListOutcomeResponsesRequest req;
        req.set_parent(kJordan);
        req.set_instrument("ndi");
        return Send(*f.outcome, &v1::OutcomeService::Stub::ListOutcomeResponses, t, req);
      },
      "instrument");
  add(
      "AssignInstrument: unknown instrument", C::kTherapist,
      [](F& f, const Token& t) {
        v1::AssignInstrumentRequest req;
        req.set_program(kJordanProgram);
        req.set_instrument("instruments/sf-36");
        return Send(*f.outcome, &v1::OutcomeService::Stub::AssignInstrument, t, req);
      },
      "instrument");

  // --- SessionService ---
  add("LogSession: pain_after 11", C::kPatient, Log([](auto& r) { Sess(r).set_pain_after(11); }),
      "session.pain_after");
  add("LogSession: pain_before -1", C::kPatient, Log([](auto& r) { Sess(r).set_pain_before(-1); }),
      "session.pain_before");
  add("LogSession: effort missing", C::kPatient, Log([](auto& r) { Sess(r).clear_effort(); }),
      "session.effort");
  add("LogSession: NaN load_kg", C::kPatient, Log([](auto& r) { Ex0(r).set_load_kg(kNaN); }),
      "session.exercises[0].load_kg");
  add("LogSession: +inf load_kg", C::kPatient, Log([](auto& r) { Ex0(r).set_load_kg(kInf); }),
      "session.exercises[0].load_kg");
  add("LogSession: load_kg 500.5", C::kPatient, Log([](auto& r) { Ex0(r).set_load_kg(500.5); }),
      "session.exercises[0].load_kg");
  add("LogSession: negative sets", C::kPatient, Log([](auto& r) { Ex0(r).set_sets(-1); }),
      "session.exercises[0].sets");
  add("LogSession: reps 101", C::kPatient, Log([](auto& r) { Ex0(r).set_reps(101); }),
      "session.exercises[0].reps");
  add("LogSession: hold 601 seconds", C::kPatient,
      Log([](auto& r) { Ex0(r).set_hold_seconds(601); }), "session.exercises[0].hold_seconds");
  add("LogSession: unknown side 42", C::kPatient,
      Log([](auto& r) { Ex0(r).set_side(static_cast<v1::Side>(42)); }),
      "session.exercises[0].side");
  add("LogSession: exercise pain 11", C::kPatient, Log([](auto& r) { Ex0(r).set_pain(11); }),
      "session.exercises[0].pain");
  add("LogSession: band of 33 characters", C::kPatient,
      Log([](auto& r) { Ex0(r).set_band(std::string(33, 'g')); }), "session.exercises[0].band");
  add("LogSession: unknown exercise", C::kPatient,
      Log([](auto& r) { Ex0(r).set_exercise("exercises/no-such-exercise"); }),
      "session.exercises[0].exercise");
  add("LogSession: exercise name with ..", C::kPatient,
      Log([](auto& r) { Ex0(r).set_exercise("exercises/../protocols/x"); }),
      "session.exercises[0].exercise");
  add("LogSession: notes of 2001 characters", C::kPatient,
      Log([](auto& r) { Sess(r).set_notes(std::string(2001, 'n')); }), "session.notes");
  add("LogSession: notes with control characters", C::kPatient, Log([](auto& r) {
        Sess(r).set_notes(
            "felt\x07"
            "fine\r\x1b[2J");
      }),
      "session.notes");
  add("LogSession: session_id not a UUID", C::kPatient,
      Log([](auto& r) { r.set_session_id("session-1"); }), "session_id");
  add("LogSession: session_id missing", C::kPatient, Log([](auto& r) { r.clear_session_id(); }),
      "session_id");
  add("LogSession: perform_time missing", C::kPatient,
      Log([](auto& r) { Sess(r).clear_perform_time(); }), "session.perform_time");
  add("LogSession: performed 91 days ago (over max_session_age)", C::kPatient, Log([now](auto& r) {
        *Sess(r).mutable_perform_time() = Ts(now - std::chrono::hours(24 * 91));
      }),
      "session.perform_time");
  add("LogSession: performed in 1970", C::kPatient,
      Log([](auto& r) { Sess(r).mutable_perform_time()->set_seconds(0); }), "session.perform_time");
  add("LogSession: performed 11 minutes in the future (over max_clock_skew)", C::kPatient,
      Log([now](auto& r) { *Sess(r).mutable_perform_time() = Ts(now + std::chrono::minutes(11)); }),
      "session.perform_time");
  add("LogSession: performed in the year 9999", C::kPatient,
      Log([](auto& r) { Sess(r).mutable_perform_time()->set_seconds(253402300799LL); }),
      "session.perform_time");
  add("LogSession: perform_time past Timestamp's range", C::kPatient, Log([](auto& r) {
        Sess(r).mutable_perform_time()->set_seconds(std::numeric_limits<int64_t>::max());
      }),
      "session.perform_time");
  add("LogSession: perform_time before Timestamp's range", C::kPatient, Log([](auto& r) {
        Sess(r).mutable_perform_time()->set_seconds(std::numeric_limits<int64_t>::min());
      }),
      "session.perform_time");
  add("LogSession: nanos 1000000000", C::kPatient,
      Log([](auto& r) { Sess(r).mutable_perform_time()->set_nanos(1000000000); }),
      "session.perform_time");
  add("LogSession: negative nanos", C::kPatient,
      Log([](auto& r) { Sess(r).mutable_perform_time()->set_nanos(-1); }), "session.perform_time");
  add("LogSession: no exercises", C::kPatient, Log([](auto& r) { Sess(r).clear_exercises(); }),
      "session.exercises");
  add("LogSession: 31 exercises", C::kPatient, Log([](auto& r) {
        const v1::ExerciseLog first = Ex0(r);
        for (int i = 1; i < 31; ++i) *Sess(r).add_exercises() = first;
      }),
      "session.exercises");
  add("LogSession: unknown red flag id", C::kPatient,
      Log([](auto& r) { Sess(r).add_red_flags("not-a-red-flag"); }), "session.red_flags[0]");
  add("LogSession: 21 red flag answers", C::kPatient, Log([](auto& r) {
        for (int i = 0; i < 21; ++i) Sess(r).add_red_flags("saddle-numbness");
      }),
      "session.red_flags");
  add("LogSession: parent with ..", C::kPatient,
      Log([](auto& r) { r.set_parent("clinics/demo/patients/jordan/../sam"); }), "parent");
  add("GetSession: session id not a UUID", C::kPatient,
      ByName<v1::GetSessionRequest>(&F::session, &v1::SessionService::Stub::GetSession,
                                    std::string(kJordan) + "/sessions/not-a-uuid"),
      "name");
  add("ListSessions: start_date with slashes", C::kPatient,
      Sessions([](auto& r) { r.set_start_date("2026/11/01"); }), "start_date");
  add("ListSessions: start_date in year 0", C::kPatient,
      Sessions([](auto& r) { r.set_start_date("0000-06-01"); }), "start_date");
  add("ListSessions: end_date before start_date", C::kPatient, Sessions([](auto& r) {
        r.set_start_date("2026-11-21");
        r.set_end_date("2026-11-01");
      }),
      "end_date");
  add("ListSessions: page_size over the cap", C::kPatient,
      Sessions([](auto& r) { r.set_page_size(201); }), "page_size");
  add("ListSessions: page_token around a cursor it never issued", C::kPatient,
      Sessions([](auto& r) { r.set_page_token(ForgedToken("zz")); }), "page_token");
  add("GetAdherence: range over 366 days", C::kPatient, Adherence("2025-11-01", "2026-11-21"),
      "end_date");
  add("GetAdherence: end before start", C::kPatient, Adherence("2026-11-21", "2026-11-01"),
      "end_date");
  add("GetAdherence: start_date missing", C::kPatient, Adherence("", "2026-11-21"), "start_date");

  // --- ProgressionService ---
  add("ReportNextMorningPain: pain 11", C::kPatient, NextMorningPain(session_name, 11), "pain");
  add("ReportNextMorningPain: pain -1", C::kPatient, NextMorningPain(session_name, -1), "pain");
  add("ReportNextMorningPain: session id not a UUID", C::kPatient,
      NextMorningPain(std::string(kJordan) + "/sessions/yesterday", 3), "name");
  add("ApproveDecision: action_id not a UUID", C::kTherapist,
      Resolve(true, [](auto& r) { r.set_action_id("approve-once"); }), "action_id");
  add("ApproveDecision: note of 2001 characters", C::kTherapist,
      Resolve(true, [](auto& r) { r.set_note(std::string(2001, 'n')); }), "note");
  add("RejectDecision: action_id missing", C::kTherapist,
      Resolve(false, [](auto& r) { r.clear_action_id(); }), "action_id");
  add("RejectDecision: name is a program, not a decision", C::kAdmin,
      Resolve(false, [](auto& r) { r.set_name(kJordanProgram); }), "name");
  add("ClearRedFlag: note missing", C::kTherapist,
      PatientAction(true, [](auto& r) { r.clear_note(); }), "note");
  add("ClearRedFlag: action_id not a UUID", C::kAdmin,
      PatientAction(true, [](auto& r) { r.set_action_id("clear-1"); }), "action_id");
  add("BoostProgram: note with a control character", C::kTherapist,
      PatientAction(false, [](auto& r) { r.set_note("boost\x08\x08\x08"); }), "note");
  add("ListDecisions: parent is a patient, not a program", C::kPatient,
      ByParent<v1::ListDecisionsRequest>(&F::progression,
                                         &v1::ProgressionService::Stub::ListDecisions, kJordan),
      "parent");
  add("ListFlags: parent with an empty id", C::kPatient,
      ByParent<v1::ListFlagsRequest>(&F::progression, &v1::ProgressionService::Stub::ListFlags,
                                     "clinics/demo/patients/"),
      "parent");

  // --- AuditService ---
  add("ListAuditEvents: patient of another clinic", C::kAdmin,
      AuditEvents([](auto& r) { r.set_patient("clinics/other/patients/jordan"); }), "patient");
  add("ListAuditEvents: patient not a resource name", C::kAdmin,
      AuditEvents([](auto& r) { r.set_patient("jordan"); }), "patient");
  add("ListAuditEvents: negative page_size", C::kAdmin,
      AuditEvents([](auto& r) { r.set_page_size(-5); }), "page_size");
  add("ListAuditEvents: page_token around a non-numeric cursor", C::kAdmin,
      AuditEvents([](auto& r) { r.set_page_token(ForgedToken("x")); }), "page_token");
  return v;
}

// The answer to bad input: INVALID_ARGUMENT naming the field, short, with no secret in it.
void CheckRefused(const grpc::Status& status, const std::string& field, const std::string& secret) {
  INFO(Describe(status));
  CHECK(status.error_code() == Code::INVALID_ARGUMENT);
  CHECK_THAT(BadRequestFields(status), VectorContains(field));
  CHECK_FALSE(status.error_message().empty());
  // The answer never echoes the input at length (a 10 000-character name stays out of it).
  CHECK(status.error_message().size() < 1000);
  CHECK(status.error_details().size() < 4000);
  for (const std::string& s : {std::string(kPatientPass), std::string(kTherapistPass),
                               std::string(kAdminPass), std::string(kPatient2Pass), secret}) {
    if (s.empty()) continue;
    INFO("secret " << s);
    CHECK(status.error_message().find(s) == std::string::npos);
    CHECK(status.error_details().find(s) == std::string::npos);
  }
}

TEST_CASE("Every bad-input vector is INVALID_ARGUMENT naming its field", "[security]") {
  F f;
  const Callers callers(f);
  const std::vector<Vector> vectors = BadInputVectors();
  REQUIRE(vectors.size() >= 50);
  for (const Vector& vec : vectors) {
    INFO(vec.description << " (as " << CallerName(vec.caller) << "), expecting field "
                         << vec.field);
    const grpc::Status status = vec.call(f, callers.For(vec.caller));
    CheckRefused(status, vec.field, vec.secret);
  }
  // And the server is still answering.
  v1::Principal who;
  REQUIRE_OK(
      F::Call(*f.auth, &v1::AuthService::Stub::WhoAmI, callers.patient, v1::WhoAmIRequest(), &who));
}

TEST_CASE("Bad input changes nothing", "[security]") {
  F f;
  const Callers c(f);

  // Snapshots of what the bad writes below would change, as bytes.
  auto sessions = [&] {
    v1::ListSessionsRequest req;
    req.set_parent(kJordan);
    req.set_page_size(200);
    v1::ListSessionsResponse resp;
    REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::ListSessions, c.patient, req, &resp));
    return resp.SerializeAsString();
  };
  auto flags = [&] {
    v1::ListFlagsRequest req;
    req.set_parent(kJordan);
    v1::ListFlagsResponse resp;
    REQUIRE_OK(
        F::Call(*f.progression, &v1::ProgressionService::Stub::ListFlags, c.therapist, req, &resp));
    return resp.SerializeAsString();
  };
  auto patients = [&] {
    v1::ListPatientsRequest req;
    req.set_parent(kClinic);
    req.set_page_size(200);
    v1::ListPatientsResponse resp;
    REQUIRE_OK(F::Call(*f.clinic, &v1::ClinicService::Stub::ListPatients, c.admin, req, &resp));
    return resp.SerializeAsString();
  };
  auto therapists = [&] {
    v1::ListTherapistsRequest req;
    req.set_parent(kClinic);
    req.set_page_size(200);
    v1::ListTherapistsResponse resp;
    REQUIRE_OK(F::Call(*f.clinic, &v1::ClinicService::Stub::ListTherapists, c.admin, req, &resp));
    return resp.SerializeAsString();
  };
  auto jordan = [&] {
    v1::GetPatientRequest req;
    req.set_name(kJordan);
    v1::Patient resp;
    REQUIRE_OK(F::Call(*f.clinic, &v1::ClinicService::Stub::GetPatient, c.therapist, req, &resp));
    return resp;
  };
  auto revisions = [&] {
    v1::ListProgramRevisionsRequest req;
    req.set_parent(kJordanProgram);
    req.set_page_size(200);
    v1::ListProgramRevisionsResponse resp;
    REQUIRE_OK(F::Call(*f.program, &v1::ProgramService::Stub::ListProgramRevisions, c.therapist,
                       req, &resp));
    return resp.SerializeAsString();
  };
  auto program = [&] {
    v1::GetProgramRequest req;
    req.set_name(kJordanProgram);
    v1::Program resp;
    REQUIRE_OK(F::Call(*f.program, &v1::ProgramService::Stub::GetProgram, c.therapist, req, &resp));
    return resp;
  };
  auto sam_programs = [&] {
    v1::ListProgramsRequest req;
    req.set_parent(kSam);
    v1::ListProgramsResponse resp;
    REQUIRE_OK(F::Call(*f.program, &v1::ProgramService::Stub::ListPrograms, c.admin, req, &resp));
    return resp.SerializeAsString();
  };

  const std::string sessions_before = sessions(), flags_before = flags(),
                    patients_before = patients(), therapists_before = therapists(),
                    revisions_before = revisions(), sam_programs_before = sam_programs();
  const v1::Patient jordan_before = jordan();
  const v1::Program program_before = program();
  const Instant hour_ago = FixtureNow() - std::chrono::hours(1);

  SECTION("LogSession") {
    std::vector<v1::LogSessionRequest> bad;
    auto base = [&] { return SessionRequest(NextUuid(), hour_ago); };
    bad.push_back(base());
    bad.back().mutable_session()->set_pain_after(11);
    bad.push_back(base());  // a valid first exercise and a bad second one
    *bad.back().mutable_session()->add_exercises() = bad.back().session().exercises(0);
    bad.back().mutable_session()->mutable_exercises(1)->set_reps(101);
    bad.push_back(base());  // a real red flag, but the session is bad otherwise
    bad.back().mutable_session()->add_red_flags("saddle-numbness");
    bad.back().mutable_session()->mutable_exercises(0)->set_load_kg(kNaN);
    bad.push_back(base());  // a real red flag next to an unknown one
    bad.back().mutable_session()->add_red_flags("saddle-numbness");
    bad.back().mutable_session()->add_red_flags("no-such-flag");
    bad.push_back(SessionRequest(NextUuid(), FixtureNow() - std::chrono::hours(24 * 91)));
    bad.push_back(SessionRequest(NextUuid(), FixtureNow() + std::chrono::minutes(11)));
    bad.push_back(base());
    bad.back().mutable_session()->set_notes(std::string(2001, 'n'));
    for (const v1::LogSessionRequest& req : bad) {
      INFO(req.ShortDebugString().substr(0, 300));
      v1::LogSessionResponse resp;
      CHECK_CODE(F::Call(*f.session, &v1::SessionService::Stub::LogSession, c.patient, req, &resp),
                 Code::INVALID_ARGUMENT);
      CHECK_FALSE(resp.has_session());
      v1::GetSessionRequest get;
      get.set_name(std::string(kJordan) + "/sessions/" + req.session_id());
      v1::Session stored;
      CHECK_CODE(
          F::Call(*f.session, &v1::SessionService::Stub::GetSession, c.patient, get, &stored),
          Code::NOT_FOUND);
    }
    CHECK(sessions() == sessions_before);
    CHECK(flags() == flags_before);  // the refused red flags suspended nothing
  }

  SECTION("SubmitOutcomeResponse") {
    auto responses = [&] {
      v1::ListOutcomeResponsesRequest req;
      req.set_parent(kJordan);
      v1::ListOutcomeResponsesResponse resp;
      REQUIRE_OK(F::Call(*f.outcome, &v1::OutcomeService::Stub::ListOutcomeResponses, c.therapist,
                         req, &resp));
      return resp.SerializeAsString();
    };
    const std::string before = responses();
    std::vector<v1::SubmitOutcomeResponseRequest> bad(4, OutcomeRequest());
    bad[0].mutable_response()->mutable_answers(0)->set_value(11);
    SetAnswers(bad[1], "ndi", {{"lifting", 2}, {"no_such_item", 2}});
    SetAnswers(bad[2], "psfs", {{"activity_1", 3}, {"activity_2", 3}});
    convert::ToProto(FixtureNow() + std::chrono::hours(1),
                     bad[3].mutable_response()->mutable_answer_time());
    for (v1::SubmitOutcomeResponseRequest& req : bad) {
      req.set_response_id(NextUuid());
      INFO(req.ShortDebugString());
      v1::SubmitOutcomeResponseResponse resp;
      CHECK_CODE(F::Call(*f.outcome, &v1::OutcomeService::Stub::SubmitOutcomeResponse, c.patient,
                         req, &resp),
                 Code::INVALID_ARGUMENT);
      CHECK_FALSE(resp.has_response());
    }
    CHECK(responses() == before);
    CHECK(flags() == flags_before);
  }

  SECTION("CreatePatient, CreateTherapist and CreateProgram") {
    v1::CreatePatientRequest patient;
    patient.set_parent(kClinic);
    patient.mutable_patient()->set_display_name("Kai Tanaka");
    patient.mutable_patient()->set_time_zone("Mars/Olympus");
    patient.set_username("kai");
    v1::Patient created;
    CHECK_CODE(
        F::Call(*f.clinic, &v1::ClinicService::Stub::CreatePatient, c.therapist, patient, &created),
        Code::INVALID_ARGUMENT);
    patient.mutable_patient()->set_time_zone("Asia/Tokyo");
    patient.set_initial_password("short");
    CHECK_CODE(
        F::Call(*f.clinic, &v1::ClinicService::Stub::CreatePatient, c.therapist, patient, &created),
        Code::INVALID_ARGUMENT);

    v1::CreateTherapistRequest therapist;
    therapist.set_parent(kClinic);
    therapist.mutable_therapist()->set_display_name("Dr Moe");
    therapist.mutable_therapist()->set_username("Moe");
    v1::Therapist made;
    CHECK_CODE(
        F::Call(*f.clinic, &v1::ClinicService::Stub::CreateTherapist, c.admin, therapist, &made),
        Code::INVALID_ARGUMENT);

    v1::CreateProgramRequest prog;
    prog.set_parent(kSam);
    prog.mutable_program()->set_protocol(kDefaultProtocol);
    prog.mutable_program()->set_start_date("2026-02-30");
    v1::Program assigned;
    CHECK_CODE(
        F::Call(*f.program, &v1::ProgramService::Stub::CreateProgram, c.admin, prog, &assigned),
        Code::INVALID_ARGUMENT);

    CHECK(patients() == patients_before);
    CHECK(therapists() == therapists_before);
    CHECK(sam_programs() == sam_programs_before);

    // The refused requests reserved nothing: the same names are still free.
    patient.clear_initial_password();
    REQUIRE_OK(F::Call(*f.clinic, &v1::ClinicService::Stub::CreatePatient, c.therapist, patient,
                       &created));
    therapist.mutable_therapist()->set_username("moe");
    REQUIRE_OK(
        F::Call(*f.clinic, &v1::ClinicService::Stub::CreateTherapist, c.admin, therapist, &made));
  }

  SECTION("UpdatePatient") {
    // A valid change next to an invalid one: neither is applied.
    v1::UpdatePatientRequest req;
    *req.mutable_patient() = jordan_before;
    req.mutable_patient()->set_display_name("Jordan Renamed");
    req.mutable_patient()->set_time_zone("Mars/Olympus");
    req.mutable_update_mask()->add_paths("display_name");
    req.mutable_update_mask()->add_paths("time_zone");
    v1::Patient updated;
    CHECK_CODE(
        F::Call(*f.clinic, &v1::ClinicService::Stub::UpdatePatient, c.therapist, req, &updated),
        Code::INVALID_ARGUMENT);
    req.mutable_patient()->set_time_zone("");
    CHECK_CODE(
        F::Call(*f.clinic, &v1::ClinicService::Stub::UpdatePatient, c.therapist, req, &updated),
        Code::INVALID_ARGUMENT);
    req.mutable_patient()->set_time_zone("Europe/Berlin");
    req.mutable_update_mask()->add_paths("username");
    CHECK_CODE(
        F::Call(*f.clinic, &v1::ClinicService::Stub::UpdatePatient, c.therapist, req, &updated),
        Code::INVALID_ARGUMENT);
    const v1::Patient after = jordan();
    CHECK(after.SerializeAsString() == jordan_before.SerializeAsString());
    CHECK(after.etag() == jordan_before.etag());
    CHECK(patients() == patients_before);
  }

  SECTION("UpdateProgram") {
    v1::UpdateProgramRequest req;
    *req.mutable_program() = program_before;
    REQUIRE_OK(F::Call(*f.progression, &v1::ProgressionService::Stub::GetDefaultRules, c.therapist,
                       v1::GetDefaultRulesRequest(), req.mutable_rules()));
    req.set_reason("review after week 3");
    req.mutable_update_mask()->add_paths("phases");
    req.mutable_update_mask()->add_paths("rules");
    // Valid phases (one dose step changed) next to a NaN rule.
    REQUIRE(req.program().phases_size() > 0);
    REQUIRE(req.program().phases(0).prescriptions_size() > 0);
    v1::Dose* step =
        req.mutable_program()->mutable_phases(0)->mutable_prescriptions(0)->mutable_dose_steps(0);
    step->set_rest_seconds(step->rest_seconds() == 30 ? 45 : 30);
    req.mutable_rules()->set_adherence_gate(kNaN);
    v1::Program updated;
    CHECK_CODE(
        F::Call(*f.program, &v1::ProgramService::Stub::UpdateProgram, c.therapist, req, &updated),
        Code::INVALID_ARGUMENT);
    req.mutable_rules()->set_adherence_gate(0.8);
    req.mutable_rules()->set_load_increase_fraction(kInf);
    CHECK_CODE(
        F::Call(*f.program, &v1::ProgramService::Stub::UpdateProgram, c.therapist, req, &updated),
        Code::INVALID_ARGUMENT);
    req.mutable_rules()->set_load_increase_fraction(0.1);
    req.set_effective_date("2026-01-01");
    CHECK_CODE(
        F::Call(*f.program, &v1::ProgramService::Stub::UpdateProgram, c.therapist, req, &updated),
        Code::INVALID_ARGUMENT);
    req.clear_effective_date();
    req.mutable_program()->mutable_phases(0)->mutable_prescriptions(0)->set_mode(
        static_cast<v1::ProgressionMode>(9));
    CHECK_CODE(
        F::Call(*f.program, &v1::ProgramService::Stub::UpdateProgram, c.therapist, req, &updated),
        Code::INVALID_ARGUMENT);
    CHECK(revisions() == revisions_before);
    const v1::Program after = program();
    CHECK(after.SerializeAsString() == program_before.SerializeAsString());
    CHECK(after.etag() == program_before.etag());
  }
}

// Malformed protobuf bodies, sent as raw bytes.
std::vector<std::string> GarbageBodies() {
  using namespace std::string_literals;
  std::vector<std::string> bodies = {
      ""s,                                      // the empty message: every field at its default
      "\xff\xff\xff"s,                          // a varint tag that never ends
      "\x08"s,                                  // field 1, varint, value missing
      "\x0a\xff\xff\xff\xff\x0f"s,              // field 1, length-delimited, claiming 4 GiB
      "\x0a\x05\x61\x62"s,                      // field 1 claims 5 bytes, 2 follow
      "\x0d\x01\x02\x03\x04"s,                  // field 1 as fixed32 (wrong wire type)
      "\x09\x01\x02\x03\x04\x05\x06\x07\x08"s,  // field 1 as fixed64 (wrong wire type)
      "\x10\x0a\x0a\x01\x61"s,                  // field 2 varint, field 1 string: types swapped
      "\x0e\x00"s,                              // wire type 6 does not exist
      "\x00\x00"s,                              // field number 0
      "\x0a\x02\xc3\x28"s,                      // field 1 string with invalid UTF-8
      "\xf8\xff\xff\xff\x0f\x01"s,              // the highest field number, unknown
      std::string(200, '\x0b'),                 // 200 unclosed groups
      "\x1a\x05\x0a\x03\xff\xff\xff"s,          // field 3 message holding a broken string
  };
  std::mt19937 rng(20261121);  // fixed seed: the same bytes on every run
  for (int n : {7, 64, 512}) {
    std::string random;
    for (int i = 0; i < n; ++i) random.push_back(static_cast<char>(rng() & 0xff));
    bodies.push_back(random);
  }
  return bodies;
}

std::string Hex(const std::string& bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes.substr(0, 24)) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return bytes.size() > 24 ? out + "..." : out;
}

TEST_CASE("Malformed protobuf bytes to every method never get INTERNAL from the handlers",
          "[security]") {
  F f;
  // SignOut revokes the token it carries: the sweep signs in again after each one that worked.
  auto sign_in = [&f](Caller c) {
    return c == Caller::kAdmin ? f.SignIn("admin", kAdminPass)
                               : f.SignIn(kPatientUser, kPatientPass);
  };
  grpc::GenericStub generic(f.channel);
  const std::vector<std::string> methods = DescribedMethods();
  const std::vector<std::string> bodies = GarbageBodies();
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  // The server logs (through protobuf) every body with invalid UTF-8 it fails to parse; that
  // noise is expected here.
  google::protobuf::LogSilencer quiet;
  int unparseable = 0, parseable = 0;
  for (Caller caller : {Caller::kAdmin, Caller::kPatient}) {
    Token token = sign_in(caller);
    for (const std::string& method : methods) {
      // "/ptrack.v1.X/Y" -> "ptrack.v1.X.Y"
      std::string full = method.substr(1);
      full[full.rfind('/')] = '.';
      const google::protobuf::MethodDescriptor* md = pool->FindMethodByName(full);
      INFO(method);
      REQUIRE(md != nullptr);
      const google::protobuf::Message* prototype = factory->GetPrototype(md->input_type());
      REQUIRE(prototype != nullptr);
      const bool signs_out = md->name() == "SignOut";
      for (const std::string& body : bodies) {
        std::unique_ptr<google::protobuf::Message> local(prototype->New());
        const bool parses = local->ParseFromString(body);
        INFO(method << " as " << CallerName(caller) << ", body " << Hex(body) << " (" << body.size()
                    << " bytes, " << (parses ? "parses" : "does not parse") << " as "
                    << md->input_type()->full_name() << ")");
        auto context = F::Context(token);
        grpc::Slice slice(body);
        grpc::ByteBuffer request(&slice, 1);
        grpc::ByteBuffer response;
        std::promise<grpc::Status> done;
        generic.UnaryCall(context.get(), method, grpc::StubOptions(), &request, &response,
                          [&done](grpc::Status s) { done.set_value(std::move(s)); });
        const grpc::Status status = done.get_future().get();
        INFO(Describe(status));
        if (signs_out && status.ok()) token = sign_in(caller);  // that one is revoked now
        if (parses) {
          ++parseable;
          // The handler ran on an odd but well-formed request: a deliberate answer only.
          CHECK(status.error_code() != Code::INTERNAL);
          CHECK(status.error_code() != Code::UNKNOWN);
        } else {
          ++unparseable;
          // gRPC 1.51's callback server deserialises the body before the handler (and so before
          // authentication) runs; when protobuf cannot parse it, no reactor is created and gRPC
          // itself answers UNIMPLEMENTED with an empty message (grpcpp/impl/codegen/
          // server_callback_handlers.h, CallbackUnaryHandler::RunHandler). No ptrack code is
          // reached, nothing is written or logged by ptrack. (The synchronous server answered
          // INTERNAL here.)
          CHECK(status.error_code() == Code::UNIMPLEMENTED);
          CHECK(status.error_message().empty());
        }
      }
      // The server still answers.
      v1::Principal who;
      REQUIRE_OK(
          F::Call(*f.auth, &v1::AuthService::Stub::WhoAmI, token, v1::WhoAmIRequest(), &who));
    }
  }
  CHECK(parseable > 0);
  CHECK(unparseable > 0);
}

}  // namespace
}  // namespace ptrack::testing
