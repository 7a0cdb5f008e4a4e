// ptrack.v1.AuthService: sign in with user name and password for a bearer token, redeem an
// enrolment code (choose a password), sign out (revoke the token), and ask who the token belongs
// to. Thin: validate, call Credentials, map the status.
#pragma once

#include "ptrack/v1/auth.grpc.pb.h"
#include "service/deps.h"

namespace ptrack {

class AuthServiceImpl final : public v1::AuthService::Service {
 public:
  explicit AuthServiceImpl(Deps deps) : deps_(deps) {}

  grpc::Status SignIn(grpc::ServerContext* context, const v1::SignInRequest* request,
                      v1::SignInResponse* response) override;
  grpc::Status Enrol(grpc::ServerContext* context, const v1::EnrolRequest* request,
                     v1::SignInResponse* response) override;
  grpc::Status SignOut(grpc::ServerContext* context, const v1::SignOutRequest* request,
                       v1::SignOutResponse* response) override;
  grpc::Status WhoAmI(grpc::ServerContext* context, const v1::WhoAmIRequest* request,
                      v1::Principal* response) override;

 private:
  Deps deps_;
};

// The wire form of a principal.
void ToProto(const Principal& who, v1::Principal* out);

}  // namespace ptrack
