// ProgressionService handlers.
#include "service/progression_service.h"

#include "service/call.h"
#include "service/convert.h"
#include "service/grpc_status.h"
#include "service/validate.h"

namespace ptrack {

grpc::ServerUnaryReactor* ProgressionServiceImpl::ListDecisions(
    grpc::CallbackServerContext* context, const v1::ListDecisionsRequest* req,
    v1::ListDecisionsResponse* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ProgressionService/ListDecisions",
      [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto name, names::ParseProgram(req->parent(), "parent"));
        PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient({name.clinic, name.patient}));
        PTRACK_ASSIGN_OR_RETURN(auto program, deps_.store.GetProgram(name.child));
        if (program.patient_id != patient.id) return Status::NotFound("program not found");
        // Every decision since the program's start: replayed from the start (a history read).
        PTRACK_ASSIGN_OR_RETURN(auto evaluated, runner_.RunComplete(patient, std::move(program)));
        const std::string parent = names::Program(patient.clinic_id, patient.id, name.child);
        for (const Decision& d : evaluated->timeline.decisions) {
          convert::ToProto(d, parent, resp->add_decisions());
        }
        return Status::Ok();
      });
}

Result<std::shared_ptr<const Evaluated>> ProgressionServiceImpl::Evaluate(
    const Patient& patient, const Program& program, const std::string& decision_id) {
  if (program.state == ProgramState::kActive) {
    PTRACK_ASSIGN_OR_RETURN(auto evaluated, runner_.RunActive(patient));
    const auto& kept = evaluated->timeline.decisions;
    if (evaluated->program.id == program.id &&
        std::any_of(kept.begin(), kept.end(),
                    [&](const Decision& d) { return d.id == decision_id; })) {
      return evaluated;
    }
  }
  // An older decision than the evaluation keeps, or another program's: from the start.
  return runner_.RunComplete(patient, program);
}

Status ProgressionServiceImpl::Resolve(Call& call, const v1::ResolveDecisionRequest& req,
                                       TherapistAction::Kind kind, v1::Decision& out) {
  const Principal& who = call.who();
  PTRACK_ASSIGN_OR_RETURN(auto name, names::ParseDecision(req.name(), "name"));
  Violations v;
  const std::string action_id = validate::ClientId(req.action_id(), "action_id", v, true);
  validate::Text(req.note(), "note", 2000, v, false);
  PTRACK_RETURN_IF_ERROR(v.ToStatus());
  PTRACK_ASSIGN_OR_RETURN(auto patient,
                          call.CheckPatient({name.program.clinic, name.program.patient}));
  PTRACK_ASSIGN_OR_RETURN(auto program, deps_.store.GetProgram(name.program.child));
  if (program.patient_id != patient.id) return Status::NotFound("decision not found");
  PTRACK_ASSIGN_OR_RETURN(auto evaluated, Evaluate(patient, program, name.decision));
  const auto& decisions = evaluated->timeline.decisions;
  auto it = std::find_if(decisions.begin(), decisions.end(),
                         [&](const Decision& d) { return d.id == name.decision; });
  if (it == decisions.end()) return Status::NotFound("decision not found");
  const DecisionStatus wanted = kind == TherapistAction::Kind::kApprove ? DecisionStatus::kApproved
                                                                        : DecisionStatus::kRejected;
  const std::string parent = names::Program(patient.clinic_id, patient.id, program.id);
  if (it->status == wanted) {  // a retry, or someone else got there first: same outcome
    convert::ToProto(*it, parent, &out);
    return Status::Ok();
  }
  if (it->status != DecisionStatus::kPending) {
    return Status::FailedPrecondition("the decision is not waiting for approval");
  }
  for (const Decision& later : decisions) {
    if (later.exercise_id == it->exercise_id && later.week > it->week) {
      return Status::FailedPrecondition("a later decision for this exercise supersedes it");
    }
  }
  if (kind == TherapistAction::Kind::kApprove &&
      evaluated->timeline.StateOn(evaluated->today).suspended) {
    return Status::FailedPrecondition("a red flag is open: clear it before approving changes");
  }
  const Instant now = deps_.clock.Now();
  TherapistAction action{kind, evaluated->today, it->id, req.note(), now};
  PTRACK_RETURN_IF_ERROR(
      deps_.store.AddTherapistAction(action_id, program.id, action, ActorName(who), now));
  PTRACK_ASSIGN_OR_RETURN(const Patient written, deps_.store.GetPatient(patient.id));
  PTRACK_ASSIGN_OR_RETURN(auto after, Evaluate(written, program, name.decision));
  for (const Decision& d : after->timeline.decisions) {
    if (d.id == name.decision) convert::ToProto(d, parent, &out);
  }
  return Status::Ok();
}

grpc::ServerUnaryReactor* ProgressionServiceImpl::ApproveDecision(
    grpc::CallbackServerContext* context, const v1::ResolveDecisionRequest* req,
    v1::Decision* resp) {
  return ServeAsync(deps_, context, "/ptrack.v1.ProgressionService/ApproveDecision",
                    [=, this](Call& call) {
                      return Resolve(call, *req, TherapistAction::Kind::kApprove, *resp);
                    });
}

grpc::ServerUnaryReactor* ProgressionServiceImpl::RejectDecision(
    grpc::CallbackServerContext* context, const v1::ResolveDecisionRequest* req,
    v1::Decision* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ProgressionService/RejectDecision",
      [=, this](Call& call) { return Resolve(call, *req, TherapistAction::Kind::kReject, *resp); });
}

grpc::ServerUnaryReactor* ProgressionServiceImpl::ListFlags(grpc::CallbackServerContext* context,
                                                            const v1::ListFlagsRequest* req,
                                                            v1::ListFlagsResponse* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ProgressionService/ListFlags", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto name, names::ParsePatient(req->parent(), "parent"));
        PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient(name));
        // Every flag since the program's start: a history read, replayed from the start like
        // ListDecisions (the cached evaluation keeps the recent and open ones, which is what
        // the report and the alerts use).
        PTRACK_ASSIGN_OR_RETURN(auto active, runner_.RunActive(patient));
        PTRACK_ASSIGN_OR_RETURN(auto evaluated, runner_.RunComplete(patient, active->program));
        for (const Flag& f : evaluated->timeline.flags) {
          convert::ToProto(f, patient.clinic_id, patient.id, resp->add_flags());
        }
        resp->set_suspended(evaluated->timeline.StateOn(evaluated->today).suspended);
        return Status::Ok();
      });
}

Status ProgressionServiceImpl::PatientAction(Call& call, const v1::PatientActionRequest& req,
                                             TherapistAction::Kind kind) {
  const Principal& who = call.who();
  PTRACK_ASSIGN_OR_RETURN(auto name, names::ParsePatient(req.parent(), "parent"));
  Violations v;
  const std::string action_id = validate::ClientId(req.action_id(), "action_id", v, true);
  validate::Text(req.note(), "note", 2000, v, kind == TherapistAction::Kind::kClearRedFlag);
  PTRACK_RETURN_IF_ERROR(v.ToStatus());
  PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient(name));
  // The action is stamped with the moment of the evaluation it is based on: a red flag that
  // arrives after that moment is not covered by this clearing.
  const Instant seen = deps_.clock.Now();
  PTRACK_ASSIGN_OR_RETURN(auto evaluated, runner_.RunActive(patient));
  // A retry of a recorded action succeeds (or conflicts) without recording anything again.
  auto recorded = deps_.store.GetTherapistAction(action_id);
  if (recorded.ok()) {
    if (recorded->kind == kind && recorded->note == req.note()) return Status::Ok();
    return Status::AlreadyExists("a different action with this id was already recorded");
  }
  if (recorded.status().code() != StatusCode::kNotFound) return recorded.status();
  if (kind == TherapistAction::Kind::kClearRedFlag &&
      !evaluated->timeline.StateOn(evaluated->today).suspended) {
    return Status::FailedPrecondition("no red flag is open");  // and nothing is recorded
  }
  TherapistAction action{kind, evaluated->today, "", req.note(), seen};
  PTRACK_RETURN_IF_ERROR(deps_.store.AddTherapistAction(action_id, evaluated->program.id, action,
                                                        ActorName(who), seen));
  if (kind == TherapistAction::Kind::kClearRedFlag) deps_.refresh.RedFlagsCleared(patient.id, seen);
  return runner_.Refresh(patient);
}

grpc::ServerUnaryReactor* ProgressionServiceImpl::ClearRedFlag(grpc::CallbackServerContext* context,
                                                               const v1::PatientActionRequest* req,
                                                               v1::PatientActionResponse*) {
  return ServeAsync(deps_, context, "/ptrack.v1.ProgressionService/ClearRedFlag",
                    [=, this](Call& call) {
                      return PatientAction(call, *req, TherapistAction::Kind::kClearRedFlag);
                    });
}

grpc::ServerUnaryReactor* ProgressionServiceImpl::BoostProgram(grpc::CallbackServerContext* context,
                                                               const v1::PatientActionRequest* req,
                                                               v1::PatientActionResponse*) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ProgressionService/BoostProgram",
      [=, this](Call& call) { return PatientAction(call, *req, TherapistAction::Kind::kBoost); });
}

grpc::ServerUnaryReactor* ProgressionServiceImpl::ReportNextMorningPain(
    grpc::CallbackServerContext* context, const v1::ReportNextMorningPainRequest* req,
    v1::ReportNextMorningPainResponse*) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ProgressionService/ReportNextMorningPain",
      [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto name, names::ParseSession(req->name(), "name"));
        if (req->pain() < 0 || req->pain() > 10)
          return Status::InvalidArgument("pain", "must be 0..10");
        Violations v;
        const std::string id = validate::ClientId(name.child, "name", v, true);
        PTRACK_RETURN_IF_ERROR(v.ToStatus());
        PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient({name.clinic, name.patient}));
        PTRACK_RETURN_IF_ERROR(
            deps_.store.AddPainFollowUp(patient.id, {id, req->pain()}, deps_.clock.Now()));
        return runner_.Refresh(patient);
      });
}

grpc::ServerUnaryReactor* ProgressionServiceImpl::GetRedFlagChecklist(
    grpc::CallbackServerContext* context, const v1::GetRedFlagChecklistRequest*,
    v1::GetRedFlagChecklistResponse* resp) {
  return ServeAsync(deps_, context, "/ptrack.v1.ProgressionService/GetRedFlagChecklist",
                    [=, this](Call&) -> Status {
                      for (const RedFlagItem& item : deps_.clinical.red_flags.questions) {
                        v1::RedFlagQuestion* q = resp->add_questions();
                        q->set_id(item.id);
                        q->set_question(item.question);
                      }
                      resp->set_stop_message(deps_.clinical.red_flags.stop_message);
                      return Status::Ok();
                    });
}

grpc::ServerUnaryReactor* ProgressionServiceImpl::GetDefaultRules(
    grpc::CallbackServerContext* context, const v1::GetDefaultRulesRequest*,
    v1::ProgressionRules* resp) {
  return ServeAsync(deps_, context, "/ptrack.v1.ProgressionService/GetDefaultRules",
                    [=, this](Call&) -> Status {
                      convert::ToProto(deps_.clinical.rules, resp);
                      return Status::Ok();
                    });
}

}  // namespace ptrack
