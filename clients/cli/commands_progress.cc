// Commands: decisions, approve, reject, flags, clear-flag, boost, morning-pain, adjust,
// red-flags, rules — adaptive progression for therapists and patients.
#include <cctype>
#include <cstdio>
#include <iostream>
#include <random>

#include "clients/cli/commands.h"
#include "clients/cli/format.h"
#include "clients/cli/uuid.h"
#include "ptrack/v1/program.grpc.pb.h"
#include "ptrack/v1/progression.grpc.pb.h"

namespace ptrack::cli {

std::string ActiveProgram(Client& c, const std::string& patient, v1::Plan* plan_out) {
  auto stub = v1::ProgramService::NewStub(c.channel());
  v1::GetPlanRequest req;
  req.set_parent(patient);
  v1::Plan plan;
  auto status = stub->GetPlan(c.Context().get(), req, &plan);
  if (!status.ok()) {
    c.Fail(status);
    return "";
  }
  if (plan_out != nullptr) *plan_out = plan;
  return plan.program();
}

namespace {

int Resolve(Client& c, bool approve) {
  if (c.args().positional().size() < 2) {
    return Usage(std::string(approve ? "approve" : "reject") + " DECISION_NAME [--note TEXT]");
  }
  auto stub = v1::ProgressionService::NewStub(c.channel());
  v1::ResolveDecisionRequest req;
  req.set_name(c.args().positional()[1]);
  req.set_action_id(c.args().Get("id").value_or(NewUuid()));
  req.set_note(c.args().Get("note").value_or(""));
  v1::Decision resp;
  auto status = approve ? stub->ApproveDecision(c.Context().get(), req, &resp)
                        : stub->RejectDecision(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  std::cout << EnumWord(v1::DecisionStatus_Name(resp.status()), "DECISION_STATUS_") << ": "
            << resp.explanation() << "\n";
  return kExitOk;
}

int PatientAction(Client& c, bool clear) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  auto stub = v1::ProgressionService::NewStub(c.channel());
  v1::PatientActionRequest req;
  req.set_parent(patient);
  req.set_action_id(c.args().Get("id").value_or(NewUuid()));
  req.set_note(c.args().Get("note").value_or(""));
  v1::PatientActionResponse resp;
  auto status = clear ? stub->ClearRedFlag(c.Context().get(), req, &resp)
                      : stub->BoostProgram(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  std::cout << (clear ? "Red flag cleared; the program resumes today\n"
                      : "Boosted back to strength work from today\n");
  return kExitOk;
}

}  // namespace

int Decisions(Client& c) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  const std::string program = ActiveProgram(c, patient);
  if (program.empty()) return kExitFailed;
  auto stub = v1::ProgressionService::NewStub(c.channel());
  v1::ListDecisionsRequest req;
  req.set_parent(program);
  v1::ListDecisionsResponse resp;
  auto status = stub->ListDecisions(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  const bool all = c.args().Has("all");
  for (const auto& d : resp.decisions()) {
    if (!all && d.kind() == v1::DECISION_KIND_HOLD) continue;
    std::printf("week %-2d %-9s %-10s %s\n", d.week(),
                EnumWord(v1::DecisionKind_Name(d.kind()), "DECISION_KIND_").c_str(),
                EnumWord(v1::DecisionStatus_Name(d.status()), "DECISION_STATUS_").c_str(),
                d.explanation().c_str());
    if (d.status() == v1::DECISION_STATUS_PENDING)
      std::printf("        approve with: %s\n", d.name().c_str());
  }
  if (!all) std::cout << "(holds hidden; --all shows every decision)\n";
  return kExitOk;
}

int Approve(Client& c) { return Resolve(c, true); }
int Reject(Client& c) { return Resolve(c, false); }

int SignOff(Client& c) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  const std::string program = ActiveProgram(c, patient);
  if (program.empty()) return kExitFailed;
  auto stub = v1::ProgressionService::NewStub(c.channel());
  v1::ListDecisionsRequest list;
  list.set_parent(program);
  v1::ListDecisionsResponse decisions;
  auto status = stub->ListDecisions(c.Context().get(), list, &decisions);
  if (!status.ok()) return c.Fail(status);
  const v1::Decision* asked = nullptr;
  for (const auto& d : decisions.decisions()) {
    if (d.kind() == v1::DECISION_KIND_PHASE_ADVANCE && d.status() == v1::DECISION_STATUS_PENDING) {
      asked = &d;
    }
  }
  if (asked == nullptr) {
    std::cerr << "No phase change is waiting for sign-off for this patient.\n";
    return kExitFailed;
  }
  v1::ResolveDecisionRequest req;
  req.set_name(asked->name());
  req.set_action_id(c.args().Get("id").value_or(NewUuid()));
  req.set_note(c.args().Get("note").value_or(""));
  v1::Decision resp;
  status = stub->ApproveDecision(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  std::cout << "signed off: phase " << resp.new_phase() << " from today (" << resp.name() << ")\n";
  return kExitOk;
}

int Flags(Client& c) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  auto stub = v1::ProgressionService::NewStub(c.channel());
  v1::ListFlagsRequest req;
  req.set_parent(patient);
  v1::ListFlagsResponse resp;
  auto status = stub->ListFlags(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  for (const auto& f : resp.flags()) {
    std::printf("%s  %-22s %s\n", f.date().c_str(),
                EnumWord(v1::FlagKind_Name(f.kind()), "FLAG_KIND_").c_str(), f.detail().c_str());
  }
  if (resp.suspended()) std::cout << "The program is SUSPENDED by an open red flag.\n";
  return kExitOk;
}

int ClearFlag(Client& c) { return PatientAction(c, true); }
int Boost(Client& c) { return PatientAction(c, false); }

int Pause(Client& c) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  const std::string program = ActiveProgram(c, patient);
  if (program.empty()) return kExitFailed;
  auto stub = v1::ProgramService::NewStub(c.channel());
  v1::PauseProgramRequest req;
  req.set_name(program);
  req.set_pause_id(c.args().Get("id").value_or(NewUuid()));
  req.set_start_date(c.args().Get("from").value_or(""));
  req.set_end_date(c.args().Get("until").value_or(""));
  req.set_reason(c.args().Get("reason").value_or(""));
  v1::Program resp;
  auto status = stub->PauseProgram(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  for (const auto& p : resp.pauses()) {
    if (p.id() != req.pause_id()) continue;
    std::cout << "paused from " << p.start_date() << " "
              << (p.end_date().empty() ? "until resumed" : "to " + p.end_date()) << "\n";
  }
  return kExitOk;
}

int Resume(Client& c) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  const std::string program = ActiveProgram(c, patient);  // a paused program is still active
  if (program.empty()) return kExitFailed;
  auto stub = v1::ProgramService::NewStub(c.channel());
  v1::ResumeProgramRequest req;
  req.set_name(program);
  v1::Program resp;
  auto status = stub->ResumeProgram(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  std::cout << "resumed: sessions are due again from today\n";
  return kExitOk;
}

int Discharge(Client& c) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  const auto reason_word = c.args().Get("reason");
  v1::DischargeReason reason = v1::DISCHARGE_REASON_UNSPECIFIED;
  if (reason_word) {
    std::string upper = "DISCHARGE_REASON_";
    for (char ch : *reason_word) upper += ch == '-' ? '_' : static_cast<char>(std::toupper(ch));
    if (!v1::DischargeReason_Parse(upper, &reason)) reason = v1::DISCHARGE_REASON_UNSPECIFIED;
  }
  if (reason == v1::DISCHARGE_REASON_UNSPECIFIED) {
    return Usage("--reason must be completed, goals-met, referred-on or dropped-out");
  }
  const std::string program = ActiveProgram(c, patient);
  if (program.empty()) return kExitFailed;
  auto stub = v1::ProgramService::NewStub(c.channel());
  v1::DischargeProgramRequest req;
  req.set_name(program);
  req.set_reason(reason);
  req.set_note(c.args().Get("note").value_or(""));
  v1::Program resp;
  auto status = stub->DischargeProgram(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  std::cout << "discharged: " << resp.name() << " ended " << resp.discharge().date() << " ("
            << *reason_word << ")\n";
  return kExitOk;
}

int MorningPain(Client& c) {
  const auto session = c.args().Get("session");
  const auto pain = c.args().Get("pain");
  if (!session || !pain) return Usage("morning-pain --session SESSION_NAME --pain 0..10");
  auto stub = v1::ProgressionService::NewStub(c.channel());
  v1::ReportNextMorningPainRequest req;
  req.set_name(*session);
  try {
    req.set_pain(std::stoi(*pain));
  } catch (const std::exception&) {
    return Usage("--pain must be a whole number 0..10");
  }
  v1::ReportNextMorningPainResponse resp;
  auto status = stub->ReportNextMorningPain(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (!c.json()) std::cout << "Recorded\n";
  return kExitOk;
}

// Sets one prescription of the current phase: its dose (the given values over today's dose) and
// or its mode. A new program revision, with a reason the patient will see.
int Adjust(Client& c) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  const auto exercise = c.args().Get("exercise");
  const auto reason = c.args().Get("reason");
  if (!exercise || !reason) {
    return Usage(
        "adjust --patient P --exercise ID --reason TEXT [--sets N] [--reps N] "
        "[--hold S] [--load KG] [--band COLOUR] [--mode auto|suggest|fixed] [--from DATE]");
  }
  v1::Plan plan;
  const std::string program_name = ActiveProgram(c, patient, &plan);
  if (program_name.empty()) return kExitFailed;
  const std::string ex_name =
      exercise->find('/') == std::string::npos ? "exercises/" + *exercise : *exercise;
  auto programs = v1::ProgramService::NewStub(c.channel());
  v1::GetProgramRequest get;
  get.set_name(program_name);
  v1::Program program;
  auto status = programs->GetProgram(c.Context().get(), get, &program);
  if (!status.ok()) return c.Fail(status);
  // The plan lists the phase's prescriptions in protocol order, so the position of ex_name in
  // today's plan finds its prescription even after the patient moved along its ladder (the plan
  // names the rung, the prescription its starting exercise). The revision prescribes that rung.
  const v1::PlanDay& today = plan.days(0);
  int index = -1;
  for (int i = 0; i < today.exercises_size(); ++i) {
    if (today.exercises(i).exercise() == ex_name) index = i;
  }
  v1::Prescription* rx = nullptr;
  for (auto& phase : *program.mutable_phases()) {
    if (phase.number() == today.phase_number() && index >= 0 &&
        index < phase.prescriptions_size() &&
        phase.prescriptions_size() == today.exercises_size()) {
      rx = phase.mutable_prescriptions(index);
    }
  }
  if (rx == nullptr) return Usage(ex_name + " is not in today's plan");
  rx->set_exercise(ex_name);
  bool dose_changed = false;
  v1::Dose dose = today.exercises(index).dose();
  auto number = [&](const char* flag, auto set) -> bool {
    if (auto v = c.args().Get(flag)) {
      try {
        set(std::stod(*v));
      } catch (const std::exception&) {
        Usage(std::string("--") + flag + " must be a number");
        return false;
      }
      dose_changed = true;
    }
    return true;
  };
  if (!number("sets", [&](double v) { dose.set_sets(static_cast<int>(v)); }) ||
      !number("reps", [&](double v) { dose.set_reps(static_cast<int>(v)); }) ||
      !number("hold", [&](double v) { dose.set_hold_seconds(static_cast<int>(v)); }) ||
      !number("load", [&](double v) { dose.set_load_kg(v); })) {
    return kExitUsage;
  }
  if (auto band = c.args().Get("band")) {
    dose.set_band(*band);
    dose_changed = true;
  }
  if (dose_changed) {
    rx->clear_dose_steps();
    *rx->add_dose_steps() = dose;
  }
  if (auto mode = c.args().Get("mode")) {
    std::string upper = "PROGRESSION_MODE_";
    for (char ch : *mode) upper += static_cast<char>(std::toupper(ch));
    v1::ProgressionMode m;
    if (!v1::ProgressionMode_Parse(upper, &m)) return Usage("--mode: auto, suggest or fixed");
    rx->set_mode(m);
  }
  v1::UpdateProgramRequest req;
  *req.mutable_program() = program;
  req.mutable_update_mask()->add_paths("phases");
  req.set_reason(*reason);
  req.set_effective_date(c.args().Get("from").value_or(""));
  v1::Program updated;
  status = programs->UpdateProgram(c.Context().get(), req, &updated);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(updated);
  std::cout << "Revision " << updated.revision() << ": " << ex_name << " "
            << (dose_changed ? "now " + DoseText(dose) : std::string("mode changed")) << "\n";
  return kExitOk;
}

int RedFlags(Client& c) {
  auto stub = v1::ProgressionService::NewStub(c.channel());
  v1::GetRedFlagChecklistResponse resp;
  auto status =
      stub->GetRedFlagChecklist(c.Context().get(), v1::GetRedFlagChecklistRequest(), &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  for (const auto& q : resp.questions())
    std::printf("%-26s %s\n", q.id().c_str(), q.question().c_str());
  return kExitOk;
}

int Rules(Client& c) {
  auto stub = v1::ProgressionService::NewStub(c.channel());
  v1::ProgressionRules resp;
  auto status = stub->GetDefaultRules(c.Context().get(), v1::GetDefaultRulesRequest(), &resp);
  if (!status.ok()) return c.Fail(status);
  return c.PrintJson(resp);  // the rules are a list of named values: JSON reads well
}

}  // namespace ptrack::cli
