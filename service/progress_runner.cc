// Gathering a program's history and evaluating it.
#include "service/progress_runner.h"

#include <algorithm>

#include "service/catalogue_snapshot.h"

namespace ptrack {

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

Result<Evaluated> ProgressRunner::Run(const Patient& patient, Program program) {
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
  // Reads are frequent and decisions change at most once a week: write only when they differ.
  PTRACK_ASSIGN_OR_RETURN(auto stored, deps_.store.ListDecisions(program.id));
  auto by_week = out.timeline.decisions;
  std::stable_sort(by_week.begin(), by_week.end(), [](const Decision& a, const Decision& b) {
    return a.week != b.week ? a.week < b.week : a.id < b.id;
  });
  if (stored != by_week) {
    PTRACK_RETURN_IF_ERROR(deps_.store.SaveDecisions(program.id, out.timeline.decisions));
  }
  out.program = std::move(program);
  out.catalogue = std::move(catalogue);  // its View is not used after this point
  return out;
}

}  // namespace ptrack
