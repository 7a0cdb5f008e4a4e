// SessionService handlers.
#include "service/session_service.h"

#include <algorithm>
#include <cmath>

#include "engine/paging.h"
#include "service/call.h"
#include "service/convert.h"
#include "service/grpc_status.h"
#include "service/validate.h"

namespace ptrack {
namespace {

void Scale(bool has, int value, const std::string& field, Violations& v) {
  if (!has) {
    v.Add(field, "is required (0..10)");
  } else if (value < 0 || value > 10) {
    v.Add(field, "must be 0..10");
  }
}

}  // namespace

Status SessionServiceImpl::ValidateSession(const v1::LogSessionRequest& req,
                                           const std::string& clinic_id, Session& out) {
  Violations v;
  if (!names::IsUuid(req.session_id())) {
    v.Add("session_id", "is required: a client-generated UUID (8-4-4-4-12 hex digits)");
  } else {
    out.id = validate::ClientId(req.session_id(), "session_id", v, true);  // lower-cases it
  }
  const v1::Session& s = req.session();
  if (auto t = validate::RequiredTime(s.has_perform_time(), s.perform_time(),
                                      "session.perform_time", v)) {
    out.perform_time = *t;
  }
  Scale(s.has_pain_before(), s.pain_before(), "session.pain_before", v);
  Scale(s.has_pain_after(), s.pain_after(), "session.pain_after", v);
  Scale(s.has_effort(), s.effort(), "session.effort", v);
  out.pain_before = s.pain_before();
  out.pain_after = s.pain_after();
  out.effort = s.effort();
  validate::Text(s.notes(), "session.notes", 2000, v, false);
  out.notes = s.notes();
  if (s.exercises_size() == 0 || s.exercises_size() > 30) {
    v.Add("session.exercises", "log 1..30 exercises");
  }
  // The clinic's catalogue as the evaluations share it; an exercise not in it (retired, or
  // unknown) is looked up in the store.
  PTRACK_ASSIGN_OR_RETURN(auto catalogue, runner_.ClinicCatalogue(clinic_id));
  for (int i = 0; i < s.exercises_size() && i < 30; ++i) {
    const v1::ExerciseLog& l = s.exercises(i);
    const std::string f = "session.exercises[" + std::to_string(i) + "]";
    auto id = names::ParseExercise(l.exercise(), f + ".exercise");
    if (!id.ok()) {
      v.Add(f + ".exercise", "must be an exercise name like exercises/{exercise}");
    } else if (catalogue->Find(*id) == nullptr) {
      auto e = deps_.store.GetExercise(*id);
      if ((e.ok() && !VisibleTo(*e, clinic_id)) ||
          (!e.ok() && e.status().code() == StatusCode::kNotFound)) {
        v.Add(f + ".exercise", "unknown exercise");
      } else if (!e.ok()) {
        return e.status();
      }
    }
    if (l.sets() < 0 || l.sets() > 20) v.Add(f + ".sets", "must be 0..20");
    if (l.reps() < 0 || l.reps() > 100) v.Add(f + ".reps", "must be 0..100");
    if (l.hold_seconds() < 0 || l.hold_seconds() > 600)
      v.Add(f + ".hold_seconds", "must be 0..600");
    if (!std::isfinite(l.load_kg()) || l.load_kg() < 0 || l.load_kg() > 500) {
      v.Add(f + ".load_kg", "must be a number 0..500");
    }
    validate::Text(l.band(), f + ".band", 32, v, false);
    if (!v1::Side_IsValid(l.side())) v.Add(f + ".side", "unknown side");
    if (l.has_pain() && (l.pain() < 0 || l.pain() > 10)) v.Add(f + ".pain", "must be 0..10");
    if (l.pyramid_reps_size() > 0 && l.pyramid_reps_size() != l.sets()) {
      v.Add(f + ".pyramid_reps", "one entry per set (as many as sets)");
    }
    for (int k = 0; k < l.pyramid_reps_size() && k <= 20; ++k) {
      if (l.pyramid_reps(k) < 0 || l.pyramid_reps(k) > 100) {
        v.Add(f + ".pyramid_reps[" + std::to_string(k) + "]", "must be 0..100");
      }
    }
    out.exercises.push_back(convert::FromProto(l));
  }
  if (s.red_flags_size() > 20) v.Add("session.red_flags", "at most 20 answers");
  for (int i = 0; i < s.red_flags_size() && i < 20; ++i) {
    const std::string& id = s.red_flags(i);
    if (!deps_.clinical.IsRedFlag(id)) {
      v.Add("session.red_flags[" + std::to_string(i) + "]", "not an item of the checklist");
    } else if (std::find(out.red_flags.begin(), out.red_flags.end(), id) == out.red_flags.end()) {
      out.red_flags.push_back(id);
    }
  }
  return v.ToStatus();
}

Status SessionServiceImpl::CheckWindow(Instant perform_time) const {
  const Instant now = deps_.clock.Now();
  if (perform_time > now + deps_.options.max_clock_skew) {
    return Status::InvalidArgument("session.perform_time", "is in the future");
  }
  if (perform_time < now - deps_.options.max_session_age) {
    return Status::InvalidArgument("session.perform_time", "is too far in the past to log");
  }
  return Status::Ok();
}

Status SessionServiceImpl::ReportSuspension(const Patient& patient, const Session& session,
                                            v1::LogSessionResponse& resp) {
  // Without replaying the history (the summary worker does that next): this session's red flag,
  // one still on its way into the patient's row, or the row's own state. A clearing rewrites the
  // row before it answers, so the row is never behind one.
  bool suspended = !session.red_flags.empty() || deps_.refresh.PendingRedFlag(patient.id);
  if (!suspended) {
    auto row = deps_.store.GetPatientSuspended(patient.id);
    if (row.ok()) {
      suspended = *row;
    } else if (row.status().code() == StatusCode::kNotFound) {
      PTRACK_ASSIGN_OR_RETURN(auto evaluated, runner_.RunActive(patient));  // no row yet
      suspended = evaluated->timeline.StateOn(evaluated->today).suspended;
    } else {
      return row.status();
    }
  }
  if (suspended) {
    resp.set_program_suspended(true);
    resp.set_stop_message(deps_.clinical.red_flags.stop_message);
  }
  return Status::Ok();
}

grpc::ServerUnaryReactor* SessionServiceImpl::LogSession(grpc::CallbackServerContext* context,
                                                         const v1::LogSessionRequest* req,
                                                         v1::LogSessionResponse* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.SessionService/LogSession", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto name, names::ParsePatient(req->parent(), "parent"));
        PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient(name));
        Session session;
        PTRACK_RETURN_IF_ERROR(ValidateSession(*req, patient.clinic_id, session));
        session.patient_id = patient.id;
        // A retry of a stored session is answered before the checks that depend on the clock, the
        // patient's zone or the program: they may have changed since it was first stored, and the
        // uniqueness of a session id is permanent. The id is looked up under this patient only:
        // another patient's session with the same id is another session, and invisible here.
        auto stored = deps_.store.GetSession(patient.id, session.id);
        if (stored.ok()) {
          if (!SamePayload(*stored, session)) {
            return Status::AlreadyExists("a different session with this id was already logged");
          }
          convert::ToProto(*stored, patient.clinic_id, resp->mutable_session());
          resp->set_replayed(true);
          return ReportSuspension(patient, *stored, *resp);
        }
        if (stored.status().code() != StatusCode::kNotFound) return stored.status();
        PTRACK_RETURN_IF_ERROR(CheckWindow(session.perform_time));
        PTRACK_ASSIGN_OR_RETURN(Zone zone, PatientZone(patient));
        auto program = deps_.store.GetActiveProgramRef(patient.id);
        if (!program.ok() && program.status().code() == StatusCode::kNotFound) {
          return Status::FailedPrecondition("the patient has no active program");
        }
        if (!program.ok()) return program.status();
        session.program_id = program->id;
        session.local_date = LocalDateOf(session.perform_time, zone);
        if (session.local_date < program->start_date) {
          return Status::FailedPrecondition("the session's date is before the program started (" +
                                            FormatIsoDate(program->start_date) + ")");
        }
        session.receive_time = deps_.clock.Now();
        // The audit row commits with the session (one group commit for both).
        PTRACK_ASSIGN_OR_RETURN(auto logged,
                                deps_.store.LogSession(session, call.AuditOnSuccess()));
        call.AuditWritten();
        convert::ToProto(logged.session, patient.clinic_id, resp->mutable_session());
        resp->set_replayed(logged.replayed);
        if (!logged.replayed) {
          deps_.refresh.Schedule(patient.id,
                                 logged.session.red_flags.empty()
                                     ? std::nullopt
                                     : std::optional<Instant>(logged.session.receive_time));
        }
        return ReportSuspension(patient, logged.session, *resp);
      });
}

grpc::ServerUnaryReactor* SessionServiceImpl::GetSession(grpc::CallbackServerContext* context,
                                                         const v1::GetSessionRequest* req,
                                                         v1::Session* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.SessionService/GetSession", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto name, names::ParseSession(req->name(), "name"));
        PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient({name.clinic, name.patient}));
        Violations v;
        const std::string id = validate::ClientId(name.child, "name", v, true);
        PTRACK_RETURN_IF_ERROR(v.ToStatus());
        PTRACK_ASSIGN_OR_RETURN(auto session, deps_.store.GetSession(patient.id, id));
        convert::ToProto(session, patient.clinic_id, resp);
        return Status::Ok();
      });
}

grpc::ServerUnaryReactor* SessionServiceImpl::ListSessions(grpc::CallbackServerContext* context,
                                                           const v1::ListSessionsRequest* req,
                                                           v1::ListSessionsResponse* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.SessionService/ListSessions", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto name, names::ParsePatient(req->parent(), "parent"));
        Violations v;
        std::optional<LocalDate> from, to;
        if (!req->start_date().empty()) {
          from = ParseIsoDate(req->start_date());
          if (!from) v.Add("start_date", "must be a date as YYYY-MM-DD");
        }
        if (!req->end_date().empty()) {
          to = ParseIsoDate(req->end_date());
          if (!to) v.Add("end_date", "must be a date as YYYY-MM-DD");
        }
        if (from && to && *to < *from) v.Add("end_date", "must be on or after start_date");
        auto page = paging::FromRequest(req->page_size(), req->page_token());
        if (!page.ok()) {
          for (const auto& fv : page.status().violations()) v.Add(fv.field, fv.description);
        }
        PTRACK_RETURN_IF_ERROR(v.ToStatus());
        PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient(name));
        PTRACK_ASSIGN_OR_RETURN(auto result, deps_.store.ListSessions(patient.id, from, to, *page));
        for (const Session& s : result.items) {
          convert::ToProto(s, patient.clinic_id, resp->add_sessions());
        }
        resp->set_next_page_token(paging::Token(result.next_after));
        return Status::Ok();
      });
}

grpc::ServerUnaryReactor* SessionServiceImpl::GetAdherence(grpc::CallbackServerContext* context,
                                                           const v1::GetAdherenceRequest* req,
                                                           v1::Adherence* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.SessionService/GetAdherence", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto name, names::ParsePatient(req->parent(), "parent"));
        Violations v;
        auto from = ParseIsoDate(req->start_date());
        auto to = ParseIsoDate(req->end_date());
        if (!from) v.Add("start_date", "is required, as YYYY-MM-DD");
        if (!to) v.Add("end_date", "is required, as YYYY-MM-DD");
        if (from && to && (*to < *from || (*to - *from).count() > 366)) {
          v.Add("end_date", "must be on or after start_date and at most 366 days later");
        }
        PTRACK_RETURN_IF_ERROR(v.ToStatus());
        PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient(name));
        PTRACK_ASSIGN_OR_RETURN(auto evaluated, runner_.RunActive(patient));
        if (!evaluated->Covers(*from)) {  // days before what the evaluation keeps
          PTRACK_ASSIGN_OR_RETURN(evaluated, runner_.RunComplete(patient, evaluated->program));
        }
        PTRACK_ASSIGN_OR_RETURN(auto facts, deps_.store.GetDailyFacts(patient.id, *from, *to));
        const Adherence adherence =
            ComputeAdherence(evaluated->program, *from, *to, facts, &evaluated->timeline);
        resp->set_parent(req->parent());
        resp->set_start_date(FormatIsoDate(*from));
        resp->set_end_date(FormatIsoDate(*to));
        for (const AdherenceDay& d : adherence.days) convert::ToProto(d, resp->add_days());
        resp->set_sessions_prescribed(adherence.sessions_prescribed);
        resp->set_sessions_done(adherence.sessions_done);
        resp->set_ratio(adherence.ratio);
        return Status::Ok();
      });
}

}  // namespace ptrack
