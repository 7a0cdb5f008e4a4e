// One rpc's passage through the gate, and its audit record. Every handler body runs inside
// Serve(): it authenticates and authorizes the caller (Gate::Enter) before the body runs, lets
// the body check its target through the Call (which remembers the patient it named), and when
// the body ends writes the audit row for methods whose rule says so — denials included. When the
// audit row cannot be written, an OK answer becomes UNAVAILABLE: no patient data leaves without
// its access being recorded. ServeAsync() is how a callback-API handler runs Serve(): on the
// server's CallExecutor, behind its admission control, never on a gRPC reaction thread.
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "service/call_executor.h"
#include "service/deps.h"
#include "service/grpc_status.h"

namespace ptrack {

class Call {
 public:
  Call(const Deps& deps, const grpc::ServerContextBase& context, std::string_view method)
      : deps_(deps), context_(context), method_(method) {}

  // Authenticates and authorizes (Gate::Enter).
  Status Enter();
  // Writes the audit row when the method is audited and the caller is known; returns the
  // status to answer with.
  Status Finish(Status outcome);

  // The caller. Empty for public methods until Identify.
  const Principal& who() const { return who_; }
  // The patient named by the request, when the caller may see them (Gate::CheckPatient); the
  // named id goes into the audit row either way.
  Result<Patient> CheckPatient(const names::PatientName& name);
  // The therapist named by the request (Gate::CheckTherapist).
  Result<Therapist> CheckTherapist(const names::PatientName& name);
  // PERMISSION_DENIED unless the clinic is the caller's own.
  Status CheckClinic(const std::string& clinic_id) const;
  // For public methods: who turned out to be calling (after a sign-in) or, when nobody did,
  // what to record of the user name that was tried (for a name that is no account, its
  // Credentials::UnknownNameTag, never the name).
  void Identify(const Principal& who) { who_ = who; }
  void Attempted(const std::string& username) { who_.username = username; }
  // Names the patient of an audited call that reaches one other than through Patient().
  void NamePatient(const std::string& patient_id) { patient_id_ = patient_id; }
  // The audit row this call would record if it succeeds, for a write that commits it in its own
  // transaction (Store::LogSession's `audit`); nullptr when the method is not audited or the
  // caller is unknown. After such a write succeeded, call AuditWritten(): Finish then records
  // nothing more for an OK outcome, and a failure after it (the write is done) gets its own row.
  const AuditEvent* AuditOnSuccess();
  void AuditWritten() { audit_written_ = true; }
  // The client's deadline (system_clock::time_point::max() when it set none).
  std::chrono::system_clock::time_point deadline() const { return context_.deadline(); }
  // How long a wait inside the body may last: `cap`, or less when the deadline comes sooner
  // (zero once it has passed). Bodies pass it to waits they can bound.
  std::chrono::milliseconds TimeLeft(std::chrono::milliseconds cap) const;

 private:
  // The audit row of this call with `outcome`, or nullopt when it records none.
  std::optional<AuditEvent> AuditRow(std::string outcome) const;

  const Deps& deps_;
  const grpc::ServerContextBase& context_;
  std::string_view method_;
  Principal who_;
  std::string patient_id_;
  std::optional<AuditEvent> success_row_;  // what AuditOnSuccess handed out
  bool audit_written_ = false;
};

// Runs one rpc: Enter, then `body(call)` (a callable returning Status), then Finish.
template <typename Body>
grpc::Status Serve(const Deps& deps, const grpc::ServerContextBase& context,
                   std::string_view method, Body&& body) {
  Call call(deps, context, method);
  Status status = call.Enter();
  if (status.ok()) status = body(call);
  return ToGrpcStatus(call.Finish(std::move(status)));
}

// The answer to a call the executor did not run (`start` is not kRun).
grpc::Status Refused(const CallStart& start);

// A unary callback-API handler in one line: returns the call's default reactor at once and runs
// Serve(deps, *context, method, body) on deps.executor, finishing the reactor with its status.
// Admission refusals finish it with RESOURCE_EXHAUSTED (a google.rpc.RetryInfo says when to
// retry), DEADLINE_EXCEEDED (the deadline passed while queued: no work was done) or UNAVAILABLE
// (stopping); a call cancelled while it waited finishes CANCELLED without running the body.
// REQUIRES: `method` names static storage; `body` owns or points to what it uses (capture the
// request, response and context pointers by value: the handler's frame is gone when it runs).
// The request, response and context stay valid until the reactor is finished.
template <typename Body>
grpc::ServerUnaryReactor* ServeAsync(const Deps& deps, grpc::CallbackServerContext* context,
                                     std::string_view method, Body body) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  deps.executor.Submit(context->deadline(), [&deps, context, method, reactor,
                                             body = std::move(body)](const CallStart& start) {
    if (!start.run()) {
      reactor->Finish(Refused(start));
    } else if (context->IsCancelled()) {
      reactor->Finish(grpc::Status::CANCELLED);
    } else {
      reactor->Finish(Serve(deps, *context, method, body));
    }
  });
  return reactor;
}

}  // namespace ptrack
