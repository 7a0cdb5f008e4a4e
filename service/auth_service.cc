// AuthService handlers.
#include "service/auth_service.h"

#include "service/convert.h"
#include "service/grpc_status.h"

namespace ptrack {

void ToProto(const Principal& who, v1::Principal* out) {
  out->set_username(who.username);
  out->set_role(convert::ToProto(who.role));
  out->set_clinic(names::Clinic(who.clinic_id));
  if (who.role != Role::kClinicAdmin) out->set_subject(ActorName(who));
}

grpc::Status AuthServiceImpl::SignIn(grpc::ServerContext* context, const v1::SignInRequest* req,
                                     v1::SignInResponse* resp) {
  auto gate = deps_.gate.Enter(*context, "/ptrack.v1.AuthService/SignIn");
  if (!gate.ok()) return ToGrpcStatus(gate.status());
  Violations v;
  if (req->username().empty() || req->username().size() > 64) v.Add("username", "1..64 characters");
  if (req->password().empty() || req->password().size() > 256)
    v.Add("password", "1..256 characters");
  if (!v.empty()) return ToGrpcStatus(v.ToStatus());
  auto issued = deps_.credentials.SignIn(req->username(), req->password());
  if (!issued.ok()) return ToGrpcStatus(issued.status());
  resp->set_token(issued->token);
  convert::ToProto(issued->expire_time, resp->mutable_expire_time());
  ToProto(issued->principal, resp->mutable_principal());
  return grpc::Status::OK;
}

grpc::Status AuthServiceImpl::SignOut(grpc::ServerContext* context, const v1::SignOutRequest*,
                                      v1::SignOutResponse*) {
  auto who = deps_.gate.Enter(*context, "/ptrack.v1.AuthService/SignOut");
  if (!who.ok()) return ToGrpcStatus(who.status());
  return ToGrpcStatus(deps_.credentials.Revoke(Gate::BearerToken(*context)));
}

grpc::Status AuthServiceImpl::WhoAmI(grpc::ServerContext* context, const v1::WhoAmIRequest*,
                                     v1::Principal* resp) {
  auto who = deps_.gate.Enter(*context, "/ptrack.v1.AuthService/WhoAmI");
  if (!who.ok()) return ToGrpcStatus(who.status());
  ToProto(*who, resp);
  return grpc::Status::OK;
}

}  // namespace ptrack
