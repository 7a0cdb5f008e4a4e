// Outcome measures through the real OutcomeService (CLINICAL.md §8): responses stored exactly
// once however often a phone retries, answered offline and synced days later; bad answers refused
// naming the item with nothing stored; the questionnaires due by the program's schedule; and
// scenarios over 16 weeks in which a phase gate waits on an improvement and the 6-week
// re-evaluation looks at the outcome measures. Label `care`.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/service/service_fixture.h"
#include "tests/service/sim_patient.h"
#include "tests/service/test_helpers.h"

namespace ptrack::testing {
namespace {

using Code = grpc::StatusCode;

v1::SubmitOutcomeResponseRequest Answers(const std::string& patient, const std::string& instrument,
                                         Instant answered,
                                         const std::vector<std::pair<std::string, int>>& values) {
  v1::SubmitOutcomeResponseRequest req;
  req.set_parent(patient);
  req.set_response_id(NewUuid());
  req.mutable_response()->set_instrument("instruments/" + instrument);
  *req.mutable_response()->mutable_answer_time() = Ts(answered);
  for (const auto& [item, value] : values) {
    v1::OutcomeAnswer* a = req.mutable_response()->add_answers();
    a->set_item(item);
    a->set_value(value);
  }
  return req;
}

// PSFS with three activities, each scored `value`, named at baseline.
v1::SubmitOutcomeResponseRequest Psfs(const std::string& patient, Instant answered, int a, int b,
                                      int c) {
  auto req =
      Answers(patient, "psfs", answered, {{"activity_1", a}, {"activity_2", b}, {"activity_3", c}});
  req.mutable_response()->mutable_answers(0)->set_activity("Looking over my shoulder to drive");
  return req;
}

v1::SubmitOutcomeResponseResponse Submit(F& f, const Token& token,
                                         const v1::SubmitOutcomeResponseRequest& req) {
  v1::SubmitOutcomeResponseResponse resp;
  REQUIRE_OK(
      F::Call(*f.outcome, &v1::OutcomeService::Stub::SubmitOutcomeResponse, token, req, &resp));
  return resp;
}

v1::ListOutcomeResponsesResponse Responses(F& f, const Token& token, const std::string& patient) {
  v1::ListOutcomeResponsesRequest req;
  req.set_parent(patient);
  v1::ListOutcomeResponsesResponse resp;
  REQUIRE_OK(
      F::Call(*f.outcome, &v1::OutcomeService::Stub::ListOutcomeResponses, token, req, &resp));
  return resp;
}

std::vector<std::string> Due(F& f, const Token& token, const std::string& patient) {
  v1::ListDueQuestionnairesRequest req;
  req.set_parent(patient);
  v1::ListDueQuestionnairesResponse resp;
  REQUIRE_OK(
      F::Call(*f.outcome, &v1::OutcomeService::Stub::ListDueQuestionnaires, token, req, &resp));
  std::vector<std::string> out;
  for (const v1::DueQuestionnaire& d : resp.due())
    out.push_back(d.instrument() + " " + d.occasion());
  return out;
}

// Adds `instrument` as the outcome gate of phase `number` in a new revision effective today.
void GateOn(F& f, SimPatient& p, int number, const std::string& instrument) {
  v1::GetProgramRequest get;
  get.set_name(p.program);
  v1::Program program;
  REQUIRE_OK(
      F::Call(*f.program, &v1::ProgramService::Stub::GetProgram, p.therapist, get, &program));
  v1::UpdateProgramRequest req;
  *req.mutable_program() = program;
  req.mutable_program()->mutable_phases(number - 1)->set_outcome_gate("instruments/" + instrument);
  req.mutable_update_mask()->add_paths("phases");
  req.set_reason("Consolidation once daily activities have clearly improved");
  v1::Program updated;
  REQUIRE_OK(
      F::Call(*f.program, &v1::ProgramService::Stub::UpdateProgram, p.therapist, req, &updated));
  CHECK(updated.phases(number - 1).outcome_gate() == "instruments/" + instrument);
}

}  // namespace

TEST_CASE("outcome responses are stored exactly once, also when synced days later",
          "[outcomes][care]") {
  F f;
  SimPatient p(f, "olive", "Europe/Lisbon");
  p.GoTo(0);
  const auto baseline = Psfs(p.name, f.clock.Now() - std::chrono::minutes(5), 3, 2, 4);
  const auto first = Submit(f, p.token, baseline);
  CHECK_FALSE(first.replayed());
  CHECK(first.response().score() == Approx(3));
  CHECK(first.response().baseline());
  CHECK(first.response().program() == p.program);
  CHECK(first.response().local_date() == p.Iso(0));
  // The phone did not hear the answer and sends it again: the same response, once.
  const auto again = Submit(f, p.token, baseline);
  CHECK(again.replayed());
  CHECK(again.response().name() == first.response().name());
  CHECK(again.response().receive_time().seconds() == first.response().receive_time().seconds());
  // The same id with other answers is refused, and changes nothing.
  auto changed = baseline;
  changed.mutable_response()->mutable_answers(1)->set_value(9);
  v1::SubmitOutcomeResponseResponse refused;
  CHECK_CODE(F::Call(*f.outcome, &v1::OutcomeService::Stub::SubmitOutcomeResponse, p.token, changed,
                     &refused),
             Code::ALREADY_EXISTS);

  // Answered offline on day 28, synced on day 31: it counts for day 28, against the baseline.
  p.GoTo(28);
  const auto offline = Psfs(p.name, f.clock.Now() - std::chrono::minutes(5), 6, 5, 7);
  p.GoTo(31);
  const auto synced = Submit(f, p.token, offline);
  CHECK(synced.response().local_date() == p.Iso(28));
  CHECK(synced.response().change() == Approx(3));
  CHECK(synced.response().verdict() == v1::OUTCOME_CHANGE_IMPROVED);
  CHECK(synced.response().mcid() == "2 points");
  CHECK(Submit(f, p.token, offline).replayed());

  const auto list = Responses(f, p.therapist, p.name);
  REQUIRE(list.responses_size() == 2);
  CHECK(list.responses(0).answers(0).activity() == "Looking over my shoulder to drive");
  CHECK(list.responses(1).verdict() == v1::OUTCOME_CHANGE_IMPROVED);
  // The improvement is on the patient's timeline, explained, and raised as an alert.
  const auto improved = FlagsOf(p.Flags(), v1::FLAG_KIND_OUTCOME_IMPROVED);
  REQUIRE(improved.size() == 1);
  CHECK(improved[0].date() == p.Iso(31));
  CHECK_THAT(improved[0].detail(),
             Catch::Contains("Patient-Specific Functional Scale 3 -> 6 (improved; MCID 2 points)"));
  CHECK(improved[0].outcome_response() == synced.response().name());
}

TEST_CASE("bad answers are refused naming the item, and nothing is stored", "[outcomes][care]") {
  F f;
  SimPatient p(f, "otto", "America/Chicago");
  p.GoTo(0);
  const Instant now = f.clock.Now() - std::chrono::minutes(1);
  struct Case {
    v1::SubmitOutcomeResponseRequest req;
    std::string field, words;
  };
  std::vector<Case> cases = {
      {Answers(p.name, "nprs", now, {{"pain_now", 11}}), "response.answers[0].value",
       "must be 0..10"},
      {Answers(p.name, "nprs", now, {{"pain_now", 3}, {"mood", 2}}), "response.answers[1].item",
       "not an item"},
      {Answers(p.name, "psfs", now, {{"activity_1", 3}, {"activity_2", 4}}), "response.answers",
       "\"activity_3\" is required"},
      {Answers(p.name, "nprs", now, {{"pain_now", 3}, {"pain_now", 4}}), "response.answers[1].item",
       "answered twice"},
      {Answers(p.name, "unknown", now, {{"pain_now", 3}}), "response.instrument",
       "unknown instrument"},
      {Answers(p.name, "nprs", now + std::chrono::hours(2), {{"pain_now", 3}}),
       "response.answer_time", "in the future"},
  };
  cases.push_back(cases[0]);
  cases.back().req.set_response_id("not-a-uuid");
  cases.back().req.mutable_response()->mutable_answers(0)->set_value(4);
  cases.back().field = "response_id";
  cases.back().words = "UUID";
  for (const Case& c : cases) {
    INFO(c.req.ShortDebugString());
    v1::SubmitOutcomeResponseResponse resp;
    const grpc::Status s = F::Call(*f.outcome, &v1::OutcomeService::Stub::SubmitOutcomeResponse,
                                   p.token, c.req, &resp);
    CHECK(s.error_code() == Code::INVALID_ARGUMENT);
    const auto fields = BadRequestFields(s);
    CHECK(std::find(fields.begin(), fields.end(), c.field) != fields.end());
    CHECK_THAT(s.error_message(), Catch::Contains(c.words));
  }
  CHECK(Responses(f, p.therapist, p.name).responses_size() == 0);
}

TEST_CASE("questionnaires are due by the program's schedule, assignment and discharge",
          "[outcomes][care]") {
  F f;
  SimPatient p(f, "ona", "Asia/Tokyo");
  p.GoTo(0);
  // At the start: every baseline of the instruments asked by default (the PGIC has none).
  CHECK(Due(f, p.token, p.name) == std::vector<std::string>{"instruments/ndi baseline",
                                                            "instruments/nprs baseline",
                                                            "instruments/psfs baseline"});
  Submit(f, p.token, Answers(p.name, "nprs", f.clock.Now(), {{"pain_now", 6}}));
  CHECK(Due(f, p.token, p.name).size() == 2);
  // The therapist stops asking the NDI.
  v1::AssignInstrumentRequest unassign;
  unassign.set_program(p.program);
  unassign.set_instrument("instruments/ndi");
  unassign.set_unassign(true);
  v1::AssignInstrumentResponse asked;
  REQUIRE_OK(F::Call(*f.outcome, &v1::OutcomeService::Stub::AssignInstrument, p.therapist, unassign,
                     &asked));
  CHECK(asked.instruments_size() == 3);
  // A patient cannot change what is asked.
  CHECK_CODE(
      F::Call(*f.outcome, &v1::OutcomeService::Stub::AssignInstrument, p.token, unassign, &asked),
      Code::PERMISSION_DENIED);
  CHECK(Due(f, p.token, p.name) == std::vector<std::string>{"instruments/psfs baseline"});
  // Two weeks on: the pain rating is asked again.
  p.GoTo(14);
  CHECK(Due(f, p.token, p.name) ==
        std::vector<std::string>{"instruments/nprs week 2", "instruments/psfs baseline"});
  // Discharged on day 20: the discharge questionnaires, also the global impression.
  p.GoTo(20);
  v1::DischargeProgramRequest discharge;
  discharge.set_name(p.program);
  discharge.set_reason(v1::DISCHARGE_REASON_COMPLETED);
  v1::Program ended;
  REQUIRE_OK(F::Call(*f.program, &v1::ProgramService::Stub::DischargeProgram, p.therapist,
                     discharge, &ended));
  CHECK(Due(f, p.token, p.name) == std::vector<std::string>{"instruments/nprs discharge",
                                                            "instruments/pgic discharge",
                                                            "instruments/psfs discharge"});
  const auto final_pain =
      Submit(f, p.token, Answers(p.name, "nprs", f.clock.Now(), {{"pain_now", 2}}));
  CHECK(final_pain.response().program() == p.program);
  CHECK(final_pain.response().verdict() == v1::OUTCOME_CHANGE_IMPROVED);  // 6 -> 2
  // After the discharge window nothing is due, and answers are refused with the reason.
  p.GoTo(20 + 15);
  CHECK(Due(f, p.token, p.name).empty());
  v1::SubmitOutcomeResponseResponse late;
  const grpc::Status s =
      F::Call(*f.outcome, &v1::OutcomeService::Stub::SubmitOutcomeResponse, p.token,
              Answers(p.name, "nprs", f.clock.Now(), {{"pain_now", 2}}), &late);
  CHECK(s.error_code() == Code::FAILED_PRECONDITION);
  CHECK_THAT(s.error_message(), Catch::Contains("could be answered until"));
}

TEST_CASE("scenario: a phase gate waits on an outcome measure's improvement over 16 weeks",
          "[outcomes][scenario][care]") {
  F f;
  SimPatient p(f, "gwen", "Europe/Berlin");
  p.GoTo(0);
  GateOn(f, p, 2, "psfs");  // strength -> consolidation needs the PSFS to improve
  Submit(f, p.token, Psfs(p.name, f.clock.Now(), 3, 3, 3));
  p.LiveDays(0, 50, Adherent);
  Submit(f, p.token, Psfs(p.name, f.clock.Now(), 4, 4, 4));  // week 8: +1, less than the MCID
  p.LiveDays(50, 57, Adherent);
  // Week 8 ended (day 55): everything else held, the measure did not.
  const v1::Decision held = One(p.Decisions(), 8, "");
  CHECK(held.kind() == v1::DECISION_KIND_PHASE_HOLD);
  CHECK_THAT(held.explanation(),
             Catch::Contains("Patient-Specific Functional Scale 3 -> 4 (less than the MCID; MCID "
                             "2 points)"));
  CHECK(p.plans[56].phase_number() == 2);
  p.LiveDays(57, 58, Adherent);
  // Day 57, after week 8's grace day: +2.7 counts from week 9's decision on.
  Submit(f, p.token, Psfs(p.name, f.clock.Now(), 6, 5, 6));
  CHECK(One(p.Decisions(), 8, "").kind() == v1::DECISION_KIND_PHASE_HOLD);
  p.LiveDays(58, 64, Adherent);
  const v1::Decision moved = One(p.Decisions(), 9, "");
  CHECK(moved.kind() == v1::DECISION_KIND_PHASE_ADVANCE);
  CHECK_THAT(moved.explanation(), Catch::Contains("3 -> 5.7 (improved; MCID 2 points)"));
  p.LiveDays(64, 16 * 7, Adherent);
  CHECK(p.plans[62].phase_number() == 2);
  CHECK(p.plans[63].phase_number() == 3);
  CHECK(p.plans[16 * 7 - 1].phase_number() == 4);  // and on to maintenance after consolidation
}

TEST_CASE("scenario: the 6-week re-evaluation is due when an outcome measure has not improved",
          "[outcomes][scenario][care]") {
  F f;
  SimPatient ndi_flat(f, "nina", "America/Denver");
  SimPatient ndi_better(f, "ned", "America/Denver");
  // Pain comes down by 2 points (6 -> 4): on pain alone neither needs a re-evaluation.
  const Behaviour easing = [](int day, const v1::PlanDay&) -> std::optional<Report> {
    Report r;
    r.pain_before = 3;
    r.pain_after = day < 7 ? 6 : 4;
    r.exercise_pain = -1;
    return r;
  };
  for (SimPatient* p : {&ndi_flat, &ndi_better}) {
    p->GoTo(0);
    std::vector<std::pair<std::string, int>> items;
    for (const char* item : {"pain_intensity", "personal_care", "lifting", "reading", "headaches",
                             "concentration", "work", "driving", "sleeping", "recreation"}) {
      items.emplace_back(item, item == std::string("pain_intensity") ? 3 : 2);
    }
    Submit(f, p->token, Answers(p->name, "ndi", f.clock.Now(), items));  // 21 / 50
  }
  for (int day = 0; day < 6 * 7 + 1; ++day) {
    for (SimPatient* p : {&ndi_flat, &ndi_better}) {
      p->Live(day, easing);
      if (day == 28) {
        std::vector<std::pair<std::string, int>> items;
        const int each = p == &ndi_flat ? 2 : 1;  // 20 / 50 or 10 / 50
        for (const char* item :
             {"pain_intensity", "personal_care", "lifting", "reading", "headaches", "concentration",
              "work", "driving", "sleeping", "recreation"}) {
          items.emplace_back(item, each);
        }
        Submit(f, p->token, Answers(p->name, "ndi", f.clock.Now(), items));
      }
    }
  }
  const auto flat = FlagsOf(ndi_flat.Flags(), v1::FLAG_KIND_REEVALUATION_DUE);
  REQUIRE(flat.size() == 1);
  CHECK(flat[0].date() == ndi_flat.Iso(6 * 7 - 1));
  CHECK_THAT(
      flat[0].detail(),
      Catch::Contains("Neck Disability Index 21 -> 20 (less than the MCID; MCID 7.5 points)"));
  CHECK(FlagsOf(ndi_better.Flags(), v1::FLAG_KIND_REEVALUATION_DUE).empty());
  CHECK(FlagsOf(ndi_better.Flags(), v1::FLAG_KIND_OUTCOME_IMPROVED).size() == 1);
}

}  // namespace ptrack::testing
