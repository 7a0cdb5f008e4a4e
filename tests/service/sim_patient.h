// A simulated patient for scenario tests through the real services: created by the demo
// therapist on the default 12-week protocol starting on their local today, living one day at a
// time on the fake clock — today's plan read at 18:30 local time, a session logged from it on
// training days by a scripted behaviour — with readers for decisions, flags and adherence, and
// small helpers to pick decisions and flags out of the answers.
#pragma once

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/service/service_fixture.h"
#include "tests/service/test_helpers.h"

namespace ptrack::testing {

struct F : ServiceFixture {
  F() : ServiceFixture(LongLivedTokens()) {}
};

// A new UUID on every call (unique within the process, so within every test database).
inline std::string NewUuid() {
  static unsigned counter = 0;
  char buf[40];
  std::snprintf(buf, sizeof buf, "5ce7a710-0000-4000-8000-%012x", ++counter);
  return buf;
}

// What a simulated patient reports for one session.
struct Report {
  int pain_before = 1;
  int pain_after = 1;
  int effort = 4;
  int exercise_pain = 1;               // every exercise's own pain; -1 = not reported per exercise
  std::map<std::string, int> pain_of;  // overrides of exercise_pain, by exercise name
  std::vector<std::string> red_flags;
};

// What a patient does on a training day (of a program that is not suspended): a report to log,
// or nullopt to skip the session.
using Behaviour = std::function<std::optional<Report>(int day, const v1::PlanDay& plan)>;

// Does every session at the full dose, pain-free (1/10 before, after and in every exercise).
inline std::optional<Report> Adherent(int, const v1::PlanDay&) { return Report{}; }

inline std::string Show(const v1::Decision& d) { return d.ShortDebugString(); }

// A patient created by the demo therapist, with the default protocol starting on the patient's
// local today, whose days are lived one at a time. Each simulated day sets the fake clock to
// 18:30 in the patient's zone, so the clock only moves forward as long as days increase.
class SimPatient {
 public:
  SimPatient(F& fixture, const std::string& username, const std::string& time_zone)
      : f(fixture), username_(username), zone_(date::locate_zone(time_zone)) {
    therapist = f.SignIn(kTherapistUser, kTherapistPass);
    v1::CreatePatientRequest create;
    create.set_parent(kClinic);
    create.set_patient_id(NewUuid());
    create.mutable_patient()->set_display_name("Scenario " + username);
    create.mutable_patient()->set_time_zone(time_zone);
    create.set_username(username);
    create.set_initial_password(username + "-password");
    v1::Patient patient;
    REQUIRE_OK(
        F::Call(*f.clinic, &v1::ClinicService::Stub::CreatePatient, therapist, create, &patient));
    name = patient.name();

    start_ = LocalDateOf(f.clock.Now(), zone_);
    v1::CreateProgramRequest assign;
    assign.set_parent(name);
    assign.set_program_id(NewUuid());
    assign.mutable_program()->set_protocol(kDefaultProtocol);
    assign.mutable_program()->set_start_date(FormatIsoDate(start_));
    v1::Program created;
    REQUIRE_OK(
        F::Call(*f.program, &v1::ProgramService::Stub::CreateProgram, therapist, assign, &created));
    program = created.name();

    token = f.SignIn(username, username + "-password");
    signed_in_ = f.clock.Now();
    REQUIRE(At(0) >= f.clock.Now());  // day 0 at 18:30 local is still ahead of the fixture's clock
  }

  // 18:30 local time on program day `day` (0 = the start date).
  Instant At(int day) const {
    const auto local = date::local_days(start_ + date::days{day}) + std::chrono::hours{18} +
                       std::chrono::minutes{30};
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        zone_->to_sys(local, date::choose::earliest));
  }
  std::string Iso(int day) const { return FormatIsoDate(start_ + date::days{day}); }

  // Moves the clock to day `day` at 18:30 local, signing both in again before tokens expire.
  void GoTo(int day) {
    f.clock.Set(At(day));
    day_ = day;
    if (f.clock.Now() - signed_in_ >= std::chrono::hours(24 * 25)) {
      token = f.SignIn(username_, username_ + "-password");
      therapist = f.SignIn(kTherapistUser, kTherapistPass);
      signed_in_ = f.clock.Now();
    }
  }

  // Today's plan, as the patient sees it.
  v1::PlanDay Plan() {
    v1::GetPlanRequest req;
    req.set_parent(name);
    v1::Plan plan;
    REQUIRE_OK(F::Call(*f.program, &v1::ProgramService::Stub::GetPlan, token, req, &plan));
    REQUIRE(plan.days_size() == 1);
    REQUIRE(plan.days(0).date() == Iso(day_));
    return plan.days(0);
  }

  // A session done now (30 minutes ago) from `plan`'s exercises at their full dose.
  v1::LogSessionRequest SessionFrom(const v1::PlanDay& plan, const Report& r) const {
    v1::LogSessionRequest req;
    req.set_parent(name);
    req.set_session_id(NewUuid());
    v1::Session* s = req.mutable_session();
    *s->mutable_perform_time() = Ts(f.clock.Now() - std::chrono::minutes(30));
    s->set_pain_before(r.pain_before);
    s->set_pain_after(r.pain_after);
    s->set_effort(r.effort);
    for (const std::string& flag : r.red_flags) s->add_red_flags(flag);
    for (const v1::PlannedExercise& e : plan.exercises()) {
      const v1::Dose& d = e.dose();
      v1::ExerciseLog* l = s->add_exercises();
      l->set_exercise(e.exercise());
      l->set_sets(d.pyramid_reps_size() > 0 ? d.pyramid_reps_size() : d.sets());
      l->set_reps(d.pyramid_reps_size() > 0 ? d.pyramid_reps(0) : d.reps());
      l->set_hold_seconds(d.hold_seconds());
      l->set_load_kg(d.load_kg());
      l->set_band(d.band());
      l->set_side(d.side());
      auto own = r.pain_of.find(e.exercise());
      const int pain = own != r.pain_of.end() ? own->second : r.exercise_pain;
      if (pain >= 0) l->set_pain(pain);
    }
    return req;
  }

  v1::LogSessionResponse Log(const v1::LogSessionRequest& req) {
    v1::LogSessionResponse resp;
    REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::LogSession, token, req, &resp));
    CHECK_FALSE(resp.replayed());
    return resp;
  }

  // One day: the clock moves to 18:30 local, today's plan is read (kept in `plans`), and on a
  // training day of a program that is not suspended the behaviour's report (if any) is logged
  // (kept in `logged`). Checks on the way that a dose that changed since yesterday says why.
  void Live(int day, const Behaviour& behaviour) {
    GoTo(day);
    const v1::PlanDay plan = Plan();
    CheckWhy(day, plan);
    plans[day] = plan;
    if (!plan.training_day() || plan.suspended()) return;
    REQUIRE(plan.exercises_size() > 0);
    if (auto report = behaviour(day, plan)) logged[day] = Log(SessionFrom(plan, *report));
  }
  void LiveDays(int from, int to_exclusive, const Behaviour& behaviour) {
    for (int day = from; day < to_exclusive; ++day) Live(day, behaviour);
  }

  std::vector<v1::Decision> Decisions() {
    v1::ListDecisionsRequest req;
    req.set_parent(program);
    v1::ListDecisionsResponse resp;
    REQUIRE_OK(F::Call(*f.progression, &v1::ProgressionService::Stub::ListDecisions, therapist, req,
                       &resp));
    return {resp.decisions().begin(), resp.decisions().end()};
  }

  v1::ListFlagsResponse Flags() {
    v1::ListFlagsRequest req;
    req.set_parent(name);
    v1::ListFlagsResponse resp;
    REQUIRE_OK(
        F::Call(*f.progression, &v1::ProgressionService::Stub::ListFlags, therapist, req, &resp));
    return resp;
  }

  v1::Adherence Adherence(int from_day, int to_day) {
    v1::GetAdherenceRequest req;
    req.set_parent(name);
    req.set_start_date(Iso(from_day));
    req.set_end_date(Iso(to_day));
    v1::Adherence resp;
    REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::GetAdherence, therapist, req, &resp));
    return resp;
  }

  F& f;
  std::string name;                  // "clinics/demo/patients/{uuid}"
  std::string program;               // the program's name
  Token token;                       // the patient's
  Token therapist;                   // the demo therapist's (the patient's assigned therapist)
  std::map<int, v1::PlanDay> plans;  // the plan read on each simulated day
  std::map<int, v1::LogSessionResponse> logged;  // the sessions logged, by day

 private:
  std::string username_;
  void CheckWhy(int day, const v1::PlanDay& plan) const {
    auto prev = plans.find(day - 1);
    if (prev == plans.end() || prev->second.suspended() || plan.suspended()) return;
    for (int i = 0; i < plan.exercises_size(); ++i) {
      const v1::PlannedExercise& e = plan.exercises(i);
      const bool same = i < prev->second.exercises_size() &&
                        prev->second.exercises(i).exercise() == e.exercise() &&
                        google::protobuf::util::MessageDifferencer::Equals(
                            prev->second.exercises(i).dose(), e.dose());
      if (same) continue;
      INFO("day " << day << ": " << e.ShortDebugString());
      CHECK_FALSE(e.why().empty());
    }
  }

  Zone zone_;
  LocalDate start_{};
  Instant signed_in_{};
  int day_ = 0;
};

// The decisions about `exercise` ("exercises/{e}"; empty = phase decisions) made for `week`.
inline std::vector<v1::Decision> For(const std::vector<v1::Decision>& all, int week,
                                     const std::string& exercise) {
  std::vector<v1::Decision> out;
  for (const v1::Decision& d : all) {
    if (d.week() == week && d.exercise() == exercise) out.push_back(d);
  }
  return out;
}

// The one decision about `exercise` for `week`; REQUIREs that there is exactly one.
inline v1::Decision One(const std::vector<v1::Decision>& all, int week,
                        const std::string& exercise) {
  const auto found = For(all, week, exercise);
  INFO("week " << week << " " << exercise);
  REQUIRE(found.size() == 1);
  return found.front();
}

inline int Count(const std::vector<v1::Decision>& all, v1::DecisionKind kind) {
  return static_cast<int>(std::count_if(all.begin(), all.end(),
                                        [&](const v1::Decision& d) { return d.kind() == kind; }));
}

inline std::vector<v1::Flag> FlagsOf(const v1::ListFlagsResponse& flags, v1::FlagKind kind) {
  std::vector<v1::Flag> out;
  for (const v1::Flag& flag : flags.flags()) {
    if (flag.kind() == kind) out.push_back(flag);
  }
  return out;
}

inline const v1::PlannedExercise* Planned(const v1::PlanDay& plan, const std::string& exercise) {
  for (const v1::PlannedExercise& e : plan.exercises()) {
    if (e.exercise() == exercise) return &e;
  }
  return nullptr;
}

}  // namespace ptrack::testing
