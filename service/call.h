// One rpc's passage through the gate, and its audit record. Every handler body runs inside
// Serve(): it authenticates and authorizes the caller (Gate::Enter) before the body runs, lets
// the body check its target through the Call (which remembers the patient it named), and when
// the body ends writes the audit row for methods whose rule says so — denials included. When the
// audit row cannot be written, an OK answer becomes UNAVAILABLE: no patient data leaves without
// its access being recorded.
#pragma once

#include <grpcpp/server_context.h>

#include <string>
#include <string_view>

#include "service/deps.h"
#include "service/grpc_status.h"

namespace ptrack {

class Call {
 public:
  Call(const Deps& deps, const grpc::ServerContext& context, std::string_view method)
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

 private:
  const Deps& deps_;
  const grpc::ServerContext& context_;
  std::string_view method_;
  Principal who_;
  std::string patient_id_;
};

// Runs one rpc: Enter, then `body(call)` (a callable returning Status), then Finish.
template <typename Body>
grpc::Status Serve(const Deps& deps, const grpc::ServerContext& context, std::string_view method,
                   Body&& body) {
  Call call(deps, context, method);
  Status status = call.Enter();
  if (status.ok()) status = body(call);
  return ToGrpcStatus(call.Finish(std::move(status)));
}

}  // namespace ptrack
