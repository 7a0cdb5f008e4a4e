// ProgramService handlers.
#include "service/program_service.h"

#include <map>

#include "engine/paging.h"
#include "scheduler/plan.h"
#include "service/call.h"
#include "service/convert.h"
#include "service/grpc_status.h"
#include "service/ids.h"
#include "service/validate.h"

namespace ptrack {

Result<Program> ProgramServiceImpl::LoadProgram(Call& call, const std::string& name,
                                                const std::string& field, std::string* clinic_id) {
  PTRACK_ASSIGN_OR_RETURN(auto parsed, names::ParseProgram(name, field));
  PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient({parsed.clinic, parsed.patient}));
  PTRACK_ASSIGN_OR_RETURN(auto program, deps_.store.GetProgram(parsed.child));
  if (program.patient_id != patient.id) return Status::NotFound("program not found");
  *clinic_id = patient.clinic_id;
  FillDefaultRules(program, deps_.clinical.rules);  // shown (and copied) as they are applied
  return program;
}

namespace {

// `text` as a date from today to a year ahead (empty: today), or today with a violation on
// `field`: a change takes effect from today on, never rewriting history.
LocalDate FromTodayOn(const std::string& text, const std::string& field, LocalDate today,
                      Violations& v) {
  if (text.empty()) return today;
  auto d = ParseIsoDate(text);
  if (!d) {
    v.Add(field, "must be a date as YYYY-MM-DD");
  } else if (*d < today) {
    v.Add(field, "must not be before today (history is never rewritten)");
  } else if (*d > today + date::days{366}) {
    v.Add(field, "must be within a year from today");
  } else {
    return *d;
  }
  return today;
}

}  // namespace

Status ProgramServiceImpl::EndMonitoring(const Patient& patient, LocalDate last_day) {
  auto ended = deps_.store.EndRtmEpisode(patient.id, last_day);
  if (ended.ok() || ended.status().code() == StatusCode::kNotFound) return Status::Ok();
  // An episode that starts after the last day (started on a later day than a backdated end
  // could allow) is left for the therapist; anything else is an error.
  if (ended.status().code() == StatusCode::kInvalidArgument) return Status::Ok();
  return ended.status();
}

Result<ProgramServiceImpl::ProgramToday> ProgramServiceImpl::LoadProgramToday(
    Call& call, const std::string& name, const std::string& field) {
  std::string clinic_id;
  ProgramToday out;
  PTRACK_ASSIGN_OR_RETURN(out.program, LoadProgram(call, name, field, &clinic_id));
  PTRACK_ASSIGN_OR_RETURN(out.patient, deps_.store.GetPatient(out.program.patient_id));
  PTRACK_ASSIGN_OR_RETURN(Zone zone, PatientZone(out.patient));
  out.today = LocalDateOf(deps_.clock.Now(), zone);
  return out;
}

grpc::ServerUnaryReactor* ProgramServiceImpl::CreateProgram(grpc::CallbackServerContext* context,
                                                            const v1::CreateProgramRequest* req,
                                                            v1::Program* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ProgramService/CreateProgram", [=, this](Call& call) -> Status {
        const Principal& who = call.who();
        PTRACK_ASSIGN_OR_RETURN(auto name, names::ParsePatient(req->parent(), "parent"));
        PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient(name));
        PTRACK_ASSIGN_OR_RETURN(Zone zone, PatientZone(patient));

        Violations v;
        std::string id = validate::ClientId(req->program_id(), "program_id", v, false);
        auto start = ParseIsoDate(req->program().start_date());
        if (!start) {
          v.Add("program.start_date", "is required, as YYYY-MM-DD");
        } else {
          const LocalDate today = LocalDateOf(deps_.clock.Now(), zone);
          if (*start < today - date::days{366} || *start > today + date::days{366}) {
            v.Add("program.start_date", "must be within a year of today");
          }
        }
        auto protocol_id = names::ParseProtocol(req->program().protocol(), "program.protocol");
        std::optional<Protocol> protocol;
        if (!protocol_id.ok()) {
          v.Add("program.protocol", "must be a protocol name like protocols/{protocol}");
        } else {
          auto p = deps_.store.GetProtocol(*protocol_id);
          if (p.ok() && !VisibleTo(*p, patient.clinic_id)) {
            v.Add("program.protocol", "unknown protocol");
          } else if (p.ok()) {
            protocol = std::move(*p);
          } else if (p.status().code() == StatusCode::kNotFound) {
            v.Add("program.protocol", "unknown protocol");
          } else {
            return p.status();
          }
        }
        PTRACK_RETURN_IF_ERROR(v.ToStatus());
        if (!id.empty()) {
          // A retry is judged on what the client sent (patient, protocol, start date), not on the
          // phases copied from the catalogue, which a new release may have changed since.
          auto existing = deps_.store.GetProgram(id);
          if (existing.ok()) {
            FillDefaultRules(*existing, deps_.clinical.rules);
            if (existing->patient_id != patient.id || existing->protocol_id != protocol->id ||
                existing->start_date != *start) {
              return Status::AlreadyExists("a different program with this id already exists");
            }
            convert::ToProto(*existing, patient.clinic_id, resp);
            return Status::Ok();
          }
          if (existing.status().code() != StatusCode::kNotFound) return existing.status();
        }
        // Without a client id the server makes one; a blind retry then meets the one-active-program
        // rule (FAILED_PRECONDITION) instead of creating a second program.
        if (id.empty()) id = NewUuid();

        const Instant now = deps_.clock.Now();
        Program program;
        program.id = id;
        program.patient_id = patient.id;
        program.protocol_id = protocol->id;
        program.start_date = *start;
        program.state = ProgramState::kActive;
        program.create_time = now;
        ProgramRevision first;
        first.revision = 1;
        first.effective_date = *start;
        first.reason = "Assigned " + protocol->display_name;
        first.author = ActorName(who);
        first.create_time = now;
        first.phases = protocol->phases;
        first.rules = deps_.clinical.rules;
        program.revisions.push_back(std::move(first));
        PTRACK_ASSIGN_OR_RETURN(auto stored, deps_.store.CreateProgram(program));
        convert::ToProto(stored, patient.clinic_id, resp);
        return runner_.Refresh(patient);
      });
}

grpc::ServerUnaryReactor* ProgramServiceImpl::GetProgram(grpc::CallbackServerContext* context,
                                                         const v1::GetProgramRequest* req,
                                                         v1::Program* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ProgramService/GetProgram", [=, this](Call& call) -> Status {
        std::string clinic_id;
        PTRACK_ASSIGN_OR_RETURN(auto program, LoadProgram(call, req->name(), "name", &clinic_id));
        convert::ToProto(program, clinic_id, resp);
        return Status::Ok();
      });
}

grpc::ServerUnaryReactor* ProgramServiceImpl::UpdateProgram(grpc::CallbackServerContext* context,
                                                            const v1::UpdateProgramRequest* req,
                                                            v1::Program* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ProgramService/UpdateProgram", [=, this](Call& call) -> Status {
        const Principal& who = call.who();
        PTRACK_ASSIGN_OR_RETURN(auto loaded,
                                LoadProgramToday(call, req->program().name(), "program.name"));
        const auto& [program, patient, today] = loaded;
        const std::string& clinic_id = patient.clinic_id;
        if (program.state != ProgramState::kActive) {
          return Status::FailedPrecondition("the program has ended");
        }

        Violations v;
        if (req->program().etag().empty())
          v.Add("program.etag", "is required (from the last read)");
        validate::Text(req->reason(), "reason", 500, v);
        const LocalDate effective = FromTodayOn(req->effective_date(), "effective_date", today, v);
        ProgramRevision next = program.latest();
        next.revision = program.latest().revision + 1;
        next.effective_date = effective;
        next.reason = req->reason();
        next.author = ActorName(who);
        next.create_time = deps_.clock.Now();
        if (req->update_mask().paths_size() == 0)
          v.Add("update_mask", "name \"phases\" and/or \"rules\"");
        for (const std::string& path : req->update_mask().paths()) {
          if (path == "phases") {
            next.phases = convert::FromProto(req->program().phases(), "program.phases", v);
            deps_.clinical.CheckOutcomeGates(patient.clinic_id, next.phases, "program.phases", v);
            ValidatePhases(
                next.phases,
                [&](const std::string& id) {
                  auto e = deps_.store.GetExercise(id);
                  return e.ok() && VisibleTo(*e, patient.clinic_id);
                },
                "program.phases", v);
          } else if (path == "rules") {
            next.rules = convert::FromProto(req->rules());
            ValidateRules(next.rules, "rules", v);
          } else {
            v.Add("update_mask", "\"" + path + "\" cannot be updated");
          }
        }
        PTRACK_RETURN_IF_ERROR(v.ToStatus());
        if (req->program().etag() != "r" + std::to_string(program.latest().revision)) {
          return Status::Aborted("the program changed since it was read; re-read and retry");
        }
        PTRACK_ASSIGN_OR_RETURN(
            auto stored, deps_.store.AppendRevision(program.id, next, program.latest().revision));
        convert::ToProto(stored, clinic_id, resp);
        return runner_.Refresh(patient);
      });
}

grpc::ServerUnaryReactor* ProgramServiceImpl::DischargeProgram(
    grpc::CallbackServerContext* context, const v1::DischargeProgramRequest* req,
    v1::Program* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ProgramService/DischargeProgram",
      [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto loaded, LoadProgramToday(call, req->name(), "name"));
        auto& [program, patient, today] = loaded;
        const std::string& clinic_id = patient.clinic_id;
        Violations v;
        if (req->reason() == v1::DISCHARGE_REASON_UNSPECIFIED ||
            !v1::DischargeReason_IsValid(req->reason())) {
          v.Add("reason", "is required: completed, goals met, referred on or dropped out");
        }
        validate::Text(req->note(), "note", 2000, v, false);
        PTRACK_RETURN_IF_ERROR(v.ToStatus());
        if (program.discharge && program.discharge->reason == convert::FromProto(req->reason()) &&
            program.discharge->note == req->note()) {
          // A retry, on whatever day it arrives (and it finishes what a first try left undone).
          PTRACK_RETURN_IF_ERROR(EndMonitoring(patient, program.discharge->date));
          convert::ToProto(program, clinic_id, resp);
          return Status::Ok();
        }
        Discharge discharge;
        discharge.date = today;
        discharge.reason = convert::FromProto(req->reason());
        discharge.note = req->note();
        discharge.author = ActorName(call.who());
        discharge.create_time = deps_.clock.Now();
        if (program.state == ProgramState::kActive && discharge.date < program.start_date) {
          // Not started yet: it ends before its first day, so nothing was ever prescribed.
          discharge.date = program.start_date - date::days{1};
        }
        PTRACK_ASSIGN_OR_RETURN(auto stored, deps_.store.DischargeProgram(program.id, discharge));
        PTRACK_RETURN_IF_ERROR(EndMonitoring(patient, stored.discharge->date));
        FillDefaultRules(stored, deps_.clinical.rules);
        convert::ToProto(stored, clinic_id, resp);
        return Status::Ok();
      });
}

grpc::ServerUnaryReactor* ProgramServiceImpl::PauseProgram(grpc::CallbackServerContext* context,
                                                           const v1::PauseProgramRequest* req,
                                                           v1::Program* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ProgramService/PauseProgram", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto loaded, LoadProgramToday(call, req->name(), "name"));
        const auto& [program, patient, today] = loaded;
        const std::string& clinic_id = patient.clinic_id;
        Violations v;
        Pause pause;
        pause.id = validate::ClientId(req->pause_id(), "pause_id", v, true);
        pause.start = FromTodayOn(req->start_date(), "start_date", today, v);
        if (!req->end_date().empty()) {
          auto d = ParseIsoDate(req->end_date());
          if (!d) {
            v.Add("end_date", "must be a date as YYYY-MM-DD");
          } else if (*d < pause.start || *d > pause.start + date::days{366}) {
            v.Add("end_date", "must be on or after the start, within a year of it");
          } else {
            pause.end = *d;
          }
        }
        validate::Text(req->reason(), "reason", 500, v);
        PTRACK_RETURN_IF_ERROR(v.ToStatus());
        pause.reason = req->reason();
        pause.author = ActorName(call.who());
        pause.create_time = deps_.clock.Now();
        PTRACK_ASSIGN_OR_RETURN(auto stored, deps_.store.AddPause(program.id, pause));
        FillDefaultRules(stored, deps_.clinical.rules);
        convert::ToProto(stored, clinic_id, resp);
        return runner_.Refresh(patient);
      });
}

grpc::ServerUnaryReactor* ProgramServiceImpl::ResumeProgram(grpc::CallbackServerContext* context,
                                                            const v1::ResumeProgramRequest* req,
                                                            v1::Program* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ProgramService/ResumeProgram", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto loaded, LoadProgramToday(call, req->name(), "name"));
        const auto& [program, patient, today] = loaded;
        const std::string& clinic_id = patient.clinic_id;
        // The pause covering today, else the next one to come.
        const Pause* found = nullptr;
        for (const Pause& p : program.pauses) {
          if (p.Covers(today) || (p.start > today && (!p.end || *p.end >= p.start) &&
                                  (found == nullptr || p.start < found->start))) {
            found = &p;
            if (p.Covers(today)) break;
          }
        }
        if (found == nullptr || program.state != ProgramState::kActive) {
          return Status::FailedPrecondition("the program has no current or coming pause");
        }
        // From today on nothing is paused; the days already paused stay so. A pause that
        // begins today or later ends before its first day (cancelled).
        const LocalDate last = std::max(today, found->start) - date::days{1};
        PTRACK_ASSIGN_OR_RETURN(auto stored, deps_.store.EndPause(program.id, found->id, last));
        FillDefaultRules(stored, deps_.clinical.rules);
        convert::ToProto(stored, clinic_id, resp);
        return runner_.Refresh(patient);
      });
}

grpc::ServerUnaryReactor* ProgramServiceImpl::ListPrograms(grpc::CallbackServerContext* context,
                                                           const v1::ListProgramsRequest* req,
                                                           v1::ListProgramsResponse* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ProgramService/ListPrograms", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto name, names::ParsePatient(req->parent(), "parent"));
        PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient(name));
        PTRACK_ASSIGN_OR_RETURN(auto page,
                                paging::FromRequest(req->page_size(), req->page_token()));
        PTRACK_ASSIGN_OR_RETURN(auto programs, deps_.store.ListPrograms(patient.id));
        for (Program& p : programs) FillDefaultRules(p, deps_.clinical.rules);
        // A patient has a handful of programs: page over the list in memory by offset.
        PTRACK_ASSIGN_OR_RETURN(size_t offset, paging::Offset(page));
        for (size_t i = offset; i < programs.size() && i < offset + page.limit; ++i) {
          convert::ToProto(programs[i], patient.clinic_id, resp->add_programs());
        }
        if (offset + page.limit < programs.size()) {
          resp->set_next_page_token(paging::Token(std::to_string(offset + page.limit)));
        }
        return Status::Ok();
      });
}

grpc::ServerUnaryReactor* ProgramServiceImpl::ListProgramRevisions(
    grpc::CallbackServerContext* context, const v1::ListProgramRevisionsRequest* req,
    v1::ListProgramRevisionsResponse* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ProgramService/ListProgramRevisions",
      [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto page,
                                paging::FromRequest(req->page_size(), req->page_token()));
        std::string clinic_id;
        PTRACK_ASSIGN_OR_RETURN(auto program,
                                LoadProgram(call, req->parent(), "parent", &clinic_id));
        PTRACK_ASSIGN_OR_RETURN(size_t offset, paging::Offset(page));
        const auto& revs = program.revisions;
        for (size_t i = offset; i < revs.size() && i < offset + page.limit; ++i) {
          convert::ToProto(revs[i], resp->add_revisions());
        }
        if (offset + page.limit < revs.size()) {
          resp->set_next_page_token(paging::Token(std::to_string(offset + page.limit)));
        }
        return Status::Ok();
      });
}

grpc::ServerUnaryReactor* ProgramServiceImpl::GetPlan(grpc::CallbackServerContext* context,
                                                      const v1::GetPlanRequest* req,
                                                      v1::Plan* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ProgramService/GetPlan", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto name, names::ParsePatient(req->parent(), "parent"));
        Violations v;
        std::optional<LocalDate> start;
        if (!req->start_date().empty()) {
          start = ParseIsoDate(req->start_date());
          if (!start) v.Add("start_date", "must be a date as YYYY-MM-DD");
        }
        const int days = req->days() == 0 ? 1 : req->days();
        if (days < 1 || days > 62) v.Add("days", "must be 1..62 (0 = 1)");
        if (start && days >= 1 && *start > kLastDate - date::days{days - 1}) {
          v.Add("start_date", "the plan's days must end by 9999-12-31");
        }
        PTRACK_RETURN_IF_ERROR(v.ToStatus());
        PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient(name));
        PTRACK_ASSIGN_OR_RETURN(auto evaluated, runner_.RunActive(patient));
        const LocalDate today = evaluated->today;
        const LocalDate first = start.value_or(today);
        const LocalDate last = first + date::days{days - 1};
        // A plan explains a dose by the plan one week earlier: days before what the evaluation
        // keeps are replayed from the start.
        if (!evaluated->Covers(first - date::days{7})) {
          PTRACK_ASSIGN_OR_RETURN(evaluated, runner_.RunComplete(patient, evaluated->program));
        }
        const Program& program = evaluated->program;
        PTRACK_ASSIGN_OR_RETURN(auto facts, deps_.store.GetDailyFacts(patient.id, first, last));
        std::map<LocalDate, int> logged;
        for (const DailyFacts& f : facts) logged[f.date] = f.sessions_done;

        resp->set_program(names::Program(patient.clinic_id, patient.id, program.id));
        resp->set_time_zone(patient.time_zone);
        resp->set_today(FormatIsoDate(today));
        for (LocalDate day = first; day <= last; day += date::days{1}) {
          // Days after today assume nothing changes: their doses are today's.
          const PlanDay plan = PlanFor(program, evaluated->timeline, day);
          v1::PlanDay* pd = resp->add_days();
          pd->set_date(FormatIsoDate(day));
          pd->set_program_week(plan.program_week);
          pd->set_phase_number(plan.phase_number);
          pd->set_phase_name(plan.phase_name);
          pd->set_training_day(plan.training_day);
          pd->set_paused(plan.paused);
          pd->set_sessions_logged(logged.count(day) ? logged[day] : 0);
          pd->set_revision(plan.revision);
          if (plan.suspended) {
            pd->set_suspended(true);
            pd->set_stop_message(deps_.clinical.red_flags.stop_message + " (" + plan.stop_reason +
                                 ")");
          }
          for (const PlannedExercise& e : plan.exercises) {
            // The evaluation's catalogue snapshot holds every exercise a plan can name.
            const Exercise* ex = evaluated->catalogue->Find(e.exercise_id);
            if (ex == nullptr)
              return Status::Internal("planned exercise missing from the catalogue");
            v1::PlannedExercise* pe = pd->add_exercises();
            pe->set_exercise(names::Exercise(e.exercise_id));
            pe->set_display_name(ex->display_name);
            pe->set_region(convert::ToProto(ex->region));
            convert::ToProto(e.dose, pe->mutable_dose());
            pe->set_dose_step(e.dose_step);
            pe->set_why(e.why);
            pe->set_instructions(ex->instructions);
          }
        }
        return Status::Ok();
      });
}

}  // namespace ptrack
