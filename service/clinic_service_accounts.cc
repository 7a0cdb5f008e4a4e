// ClinicService.DisableAccount and EnableAccount: a clinic admin switches an account of their
// clinic off (signing it out everywhere in the same store transaction) and on again. An account
// of another clinic, or one that does not exist, is NOT_FOUND with one message; an admin cannot
// disable their own account (which could leave a clinic without an admin able to undo it).
#include "service/call.h"
#include "service/clinic_service.h"
#include "service/convert.h"

namespace ptrack {
namespace {

void ToProto(const Account& account, v1::Account* out) {
  out->set_name(names::Account(account.clinic_id, account.username));
  out->set_username(account.username);
  out->set_role(convert::ToProto(account.role));
  if (account.role == Role::kPatient) {
    out->set_subject(names::Patient(account.clinic_id, account.subject_id));
  } else if (account.role == Role::kTherapist) {
    out->set_subject(names::Therapist(account.clinic_id, account.subject_id));
  }
  out->set_disabled(account.disabled);
}

// Sets the named account's flag. REQUIRES: the caller passed the gate (a clinic admin).
Status SetDisabled(const Deps& deps, Call& call, const std::string& name, bool disabled,
                   v1::Account* resp) {
  PTRACK_ASSIGN_OR_RETURN(auto parsed, names::ParseAccount(name, "name"));
  PTRACK_RETURN_IF_ERROR(call.CheckClinic(parsed.clinic));
  static const Status not_found = Status::NotFound("account not found");
  auto account = deps.store.GetAccount(parsed.username);
  if (!account.ok()) {
    return account.status().code() == StatusCode::kNotFound ? not_found : account.status();
  }
  if (account->clinic_id != call.who().clinic_id) return not_found;
  // A patient's account is that patient's data: the audit row names them.
  if (account->role == Role::kPatient) call.NamePatient(account->subject_id);
  if (disabled && account->username == call.who().username) {
    return Status::FailedPrecondition("an admin cannot disable their own account");
  }
  PTRACK_RETURN_IF_ERROR(
      deps.store.SetAccountDisabled(account->username, disabled, deps.clock.Now()));
  account->disabled = disabled;
  ToProto(*account, resp);
  return Status::Ok();
}

}  // namespace

grpc::ServerUnaryReactor* ClinicServiceImpl::DisableAccount(grpc::CallbackServerContext* context,
                                                            const v1::DisableAccountRequest* req,
                                                            v1::Account* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ClinicService/DisableAccount",
      [=, this](Call& call) { return SetDisabled(deps_, call, req->name(), true, resp); });
}

grpc::ServerUnaryReactor* ClinicServiceImpl::EnableAccount(grpc::CallbackServerContext* context,
                                                           const v1::EnableAccountRequest* req,
                                                           v1::Account* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ClinicService/EnableAccount",
      [=, this](Call& call) { return SetDisabled(deps_, call, req->name(), false, resp); });
}

}  // namespace ptrack
