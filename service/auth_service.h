// ptrack.v1.AuthService: sign in with user name and password for a bearer token, redeem an
// enrolment code (choose a password), sign out (revoke the token), and ask who the token belongs
// to. Thin: validate, call Credentials, map the status.
#pragma once

#include "ptrack/v1/auth.grpc.pb.h"
#include "service/deps.h"

namespace ptrack {

class AuthServiceImpl final : public v1::AuthService::CallbackService {
 public:
  explicit AuthServiceImpl(Deps deps) : deps_(deps) {}

  grpc::ServerUnaryReactor* SignIn(grpc::CallbackServerContext* context,
                                   const v1::SignInRequest* request,
                                   v1::SignInResponse* response) override;
  grpc::ServerUnaryReactor* Enrol(grpc::CallbackServerContext* context,
                                  const v1::EnrolRequest* request,
                                  v1::SignInResponse* response) override;
  grpc::ServerUnaryReactor* SignOut(grpc::CallbackServerContext* context,
                                    const v1::SignOutRequest* request,
                                    v1::SignOutResponse* response) override;
  grpc::ServerUnaryReactor* WhoAmI(grpc::CallbackServerContext* context,
                                   const v1::WhoAmIRequest* request,
                                   v1::Principal* response) override;

 private:
  Deps deps_;
};

// The wire form of a principal.
void ToProto(const Principal& who, v1::Principal* out);

}  // namespace ptrack
