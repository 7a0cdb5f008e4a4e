// AuthService handlers.
#include "service/auth_service.h"

#include "service/call.h"
#include "service/client_address.h"
#include "service/convert.h"
#include "service/validate.h"

namespace ptrack {
namespace {

void ToProto(const IssuedToken& issued, v1::SignInResponse* out) {
  out->set_token(issued.token);
  convert::ToProto(issued.expire_time, out->mutable_expire_time());
  ToProto(issued.principal, out->mutable_principal());
}

}  // namespace

void ToProto(const Principal& who, v1::Principal* out) {
  out->set_username(who.username);
  out->set_role(convert::ToProto(who.role));
  out->set_clinic(names::Clinic(who.clinic_id));
  if (who.role != Role::kClinicAdmin) out->set_subject(ActorName(who));
}

grpc::ServerUnaryReactor* AuthServiceImpl::SignIn(grpc::CallbackServerContext* context,
                                                  const v1::SignInRequest* req,
                                                  v1::SignInResponse* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.AuthService/SignIn", [=, this](Call& call) -> Status {
        Violations v;
        validate::Text(req->username(), "username", 64, v);
        if (req->password().empty() || req->password().size() > 256) {
          v.Add("password", "1..256 characters");
        }
        PTRACK_RETURN_IF_ERROR(v.ToStatus());
        auto issued =
            deps_.credentials.SignIn(req->username(), req->password(), ClientAddress(*context));
        if (!issued.ok()) {
          // The failure is audited under the account's clinic when the name is a real account (so
          // its admin sees attempts on it). Any other name is recorded only as a keyed hash: people
          // type passwords into the name field, and the audit log keeps what it records forever.
          if (auto account = deps_.store.GetAccount(req->username()); account.ok()) {
            call.Identify(
                {account->username, account->role, account->clinic_id, account->subject_id});
          } else {
            call.Attempted(deps_.credentials.UnknownNameTag(req->username()));
          }
          return issued.status();
        }
        call.Identify(issued->principal);
        ToProto(*issued, resp);
        return Status::Ok();
      });
}

grpc::ServerUnaryReactor* AuthServiceImpl::Enrol(grpc::CallbackServerContext* context,
                                                 const v1::EnrolRequest* req,
                                                 v1::SignInResponse* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.AuthService/Enrol", [=, this](Call& call) -> Status {
        Violations v;
        if (req->code().size() > 64 || Credentials::NormaliseCode(req->code()).empty()) {
          v.Add("code", "is 12 letters and digits, like ABCD-EFGH-JKMN");
        }
        validate::Password(req->password(), "password", v);
        PTRACK_RETURN_IF_ERROR(v.ToStatus());
        PTRACK_ASSIGN_OR_RETURN(auto issued, deps_.credentials.Enrol(req->code(), req->password()));
        deps_.watches.RecheckUser(issued.principal.username);  // earlier tokens are revoked
        call.Identify(issued.principal);
        ToProto(issued, resp);
        return Status::Ok();
      });
}

grpc::ServerUnaryReactor* AuthServiceImpl::SignOut(grpc::CallbackServerContext* context,
                                                   const v1::SignOutRequest*,
                                                   v1::SignOutResponse*) {
  return ServeAsync(deps_, context, "/ptrack.v1.AuthService/SignOut",
                    [=, this](Call& call) -> Status {
                      PTRACK_RETURN_IF_ERROR(deps_.credentials.Revoke(Gate::BearerToken(*context)));
                      deps_.watches.RecheckUser(call.who().username);  // its alert watches end now
                      return Status::Ok();
                    });
}

grpc::ServerUnaryReactor* AuthServiceImpl::WhoAmI(grpc::CallbackServerContext* context,
                                                  const v1::WhoAmIRequest*, v1::Principal* resp) {
  return ServeAsync(deps_, context, "/ptrack.v1.AuthService/WhoAmI",
                    [=, this](Call& call) -> Status {
                      ToProto(call.who(), resp);
                      return Status::Ok();
                    });
}

}  // namespace ptrack
