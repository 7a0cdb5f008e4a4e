// Gathering a program's history and evaluating it.
#include "service/progress_runner.h"

#include <array>
#include <functional>
#include <mutex>

#include "scheduler/summary.h"
#include "service/catalogue_snapshot.h"
#include "service/rtm_facts.h"

namespace ptrack {
namespace {

// Evaluations of one patient run one at a time (striped by patient id; process-wide, so every
// service's runner shares them).
std::mutex& PatientLock(const std::string& patient_id) {
  static std::array<std::mutex, 64> stripes;
  return stripes[std::hash<std::string>{}(patient_id) % stripes.size()];
}

}  // namespace

void FillDefaultRules(Program& program, const ProgressionRules& defaults) {
  for (ProgramRevision& r : program.revisions) {
    Violations v;
    ValidateRules(r.rules, "rules", v);
    if (!v.empty()) r.rules = defaults;
  }
}

Result<Evaluated> ProgressRunner::RunActive(const Patient& patient) {
  auto program = deps_.store.GetActiveProgram(patient.id);
  if (!program.ok() && program.status().code() == StatusCode::kNotFound) {
    return Status::FailedPrecondition("the patient has no active program");
  }
  if (!program.ok()) return program.status();
  return Run(patient, std::move(*program));
}

Status ProgressRunner::Refresh(const Patient& patient) {
  auto evaluated = RunActive(patient);
  if (!evaluated.ok() && evaluated.status().code() != StatusCode::kFailedPrecondition) {
    return evaluated.status();
  }
  return Status::Ok();
}

Result<Evaluated> ProgressRunner::Run(const Patient& patient, Program program) {
  std::lock_guard<std::mutex> serialized(PatientLock(patient.id));
  Evaluated out;
  PTRACK_ASSIGN_OR_RETURN(out.zone, PatientZone(patient));
  out.today = LocalDateOf(deps_.clock.Now(), out.zone);
  FillDefaultRules(program, deps_.clinical.rules);

  ProgramHistory history;
  PTRACK_ASSIGN_OR_RETURN(history.sessions, deps_.store.ListProgramSessions(program.id));
  PTRACK_ASSIGN_OR_RETURN(history.followups, deps_.store.ListPainFollowUps(program.id));
  PTRACK_ASSIGN_OR_RETURN(history.actions, deps_.store.ListTherapistActions(program.id));

  PTRACK_ASSIGN_OR_RETURN(auto catalogue,
                          CatalogueSnapshot::Load(deps_.store, patient.clinic_id, program));
  out.timeline = Evaluate(program, history, catalogue.View(), out.zone, out.today);
  out.program = std::move(program);
  out.catalogue = std::move(catalogue);  // its View is not used after this point
  if (out.program.state == ProgramState::kActive) {
    PTRACK_RETURN_IF_ERROR(KeepSummary(patient, out, history));
  }
  return out;
}

Status ProgressRunner::KeepSummary(const Patient& patient, const Evaluated& evaluated,
                                   const ProgramHistory& history) {
  const LocalDate today = evaluated.today;
  PTRACK_ASSIGN_OR_RETURN(auto facts,
                          deps_.store.GetDailyFacts(patient.id, today - date::days{29}, today));
  PTRACK_ASSIGN_OR_RETURN(auto rtm, ComputeRtmOn(deps_, patient, evaluated.zone, today));
  PatientSummary summary = Summarize(evaluated.program, evaluated.timeline, today, history, facts,
                                     rtm.status, deps_.clinical.report);
  auto stored = deps_.store.GetPatientSummary(patient.id);
  if (stored.ok() && *stored == summary) return Status::Ok();  // reads are frequent: no write
  if (!stored.ok() && stored.status().code() != StatusCode::kNotFound) return stored.status();
  PTRACK_ASSIGN_OR_RETURN(auto raised, deps_.store.SavePatientSummary(patient.clinic_id, patient.id,
                                                                      summary, deps_.clock.Now()));
  if (!raised.empty()) deps_.alerts.Notify();
  return Status::Ok();
}

}  // namespace ptrack
