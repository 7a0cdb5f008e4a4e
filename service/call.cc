// The Call: gate checks that remember their target, and the audit row.
#include "service/call.h"

namespace ptrack {

Status Call::Enter() { return deps_.gate.Enter(context_, method_, &who_); }

Status Call::Finish(Status outcome) {
  const auto& table = AccessTable();
  auto rule = table.find(method_);
  if (rule == table.end() || !rule->second.audit) return outcome;
  // A call without a valid token has no caller to record (and recording it would let anyone
  // make the server write): it is not audited.
  if (who_.username.empty()) return outcome;
  AuditEvent event;
  event.time = deps_.clock.Now();
  event.username = who_.username;
  event.role = who_.role;
  event.clinic_id = who_.clinic_id;
  event.patient_id = patient_id_;
  event.method = std::string(method_);
  event.outcome = CodeName(outcome.code());
  Status recorded = deps_.store.AppendAudit(event);
  if (!recorded.ok() && outcome.ok()) {
    // The change itself is done (a retry is answered as a replay); say why the answer is not OK.
    return Status::Unavailable("the access could not be recorded in the audit log (" +
                               recorded.message() + "); try again");
  }
  return outcome;
}

Result<Patient> Call::CheckPatient(const names::PatientName& name) {
  patient_id_ = name.patient;
  return deps_.gate.CheckPatient(who_, name);
}

Result<Therapist> Call::CheckTherapist(const names::PatientName& name) {
  return deps_.gate.CheckTherapist(who_, name);
}

Status Call::CheckClinic(const std::string& clinic_id) const {
  return deps_.gate.CheckClinic(who_, clinic_id);
}

}  // namespace ptrack
