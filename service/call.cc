// The Call: gate checks that remember their target, and the audit row.
#include "service/call.h"

namespace ptrack {

Status Call::Enter() { return deps_.gate.Enter(context_, method_, &who_); }

std::chrono::milliseconds Call::TimeLeft(std::chrono::milliseconds cap) const {
  const auto deadline = context_.deadline();
  const auto now = std::chrono::system_clock::now();
  if (deadline <= now) return std::chrono::milliseconds(0);
  if (deadline - now >= cap) return cap;
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
}

grpc::Status Refused(const CallStart& start) {
  switch (start.verdict) {
    case CallStart::kOverloaded:
      return OverloadedStatus(
          "the server is busy: retry after " + std::to_string(start.retry_after.count()) + " ms",
          start.retry_after);
    case CallStart::kExpired:
      return DeadlineExceededStatus("the deadline passed before the server could start the call");
    case CallStart::kStopping:
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is stopping; retry");
    case CallStart::kRun:
      break;
  }
  return grpc::Status(grpc::StatusCode::INTERNAL, "the call was not refused");
}

std::optional<AuditEvent> Call::AuditRow(std::string outcome) const {
  const auto& table = AccessTable();
  auto rule = table.find(method_);
  if (rule == table.end() || !rule->second.audit) return std::nullopt;
  // A call without a valid token has no caller to record (and recording it would let anyone
  // make the server write): it is not audited.
  if (who_.username.empty()) return std::nullopt;
  AuditEvent event;
  event.time = deps_.clock.Now();
  event.username = who_.username;
  event.role = who_.role;
  event.clinic_id = who_.clinic_id;
  event.patient_id = patient_id_;
  event.method = std::string(method_);
  event.outcome = std::move(outcome);
  return event;
}

const AuditEvent* Call::AuditOnSuccess() {
  success_row_ = AuditRow(CodeName(StatusCode::kOk));
  return success_row_ ? &*success_row_ : nullptr;
}

Status Call::Finish(Status outcome) {
  if (audit_written_ && outcome.ok()) return outcome;  // committed with the write
  std::optional<AuditEvent> event = AuditRow(CodeName(outcome.code()));
  if (!event) return outcome;
  Status recorded = deps_.store.AppendAudit(*event);
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
