// Commands: login, logout, whoami, health, services (server reflection); the sign-in helpers
// that enrol shares.
#include <google/protobuf/descriptor.pb.h>

#include <algorithm>
#include <iostream>
#include <set>

#include "clients/cli/commands.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "ptrack/v1/auth.grpc.pb.h"

namespace ptrack::cli {

std::string ReadPassword(const Client& c, const std::string& prompt) {
  std::string password = c.args().Get("password").value_or("");
  if (password.empty()) {
    if (const char* env = std::getenv("PTRACK_PASSWORD"); env && *env) {
      password = env;
    } else {
      std::cerr << prompt << ": ";
      std::getline(std::cin, password);
    }
  }
  return password;
}

int SaveSignIn(const Client& c, const v1::SignInResponse& resp) {
  Profile p{c.server(),
            resp.token(),
            resp.principal().username(),
            v1::Role_Name(resp.principal().role()),
            resp.principal().clinic(),
            resp.principal().subject()};
  std::string error;
  if (!SaveProfile(p, error)) return Usage(error);
  if (c.json()) return c.PrintJson(resp.principal());
  std::cout << "Signed in as " << p.username << " (" << p.role << ", " << p.clinic << ")\n";
  return kExitOk;
}

int Login(Client& c) {
  if (c.args().positional().size() < 2) return Usage("login USER [--password P]");
  const std::string user = c.args().positional()[1];
  const std::string password = ReadPassword(c, "password for " + user);
  auto stub = v1::AuthService::NewStub(c.channel());
  v1::SignInRequest req;
  req.set_username(user);
  req.set_password(password);
  v1::SignInResponse resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto status = stub->SignIn(&ctx, req, &resp);
  if (!status.ok()) return c.Fail(status);
  return SaveSignIn(c, resp);
}

int Logout(Client& c) {
  auto stub = v1::AuthService::NewStub(c.channel());
  v1::SignOutResponse resp;
  auto status = stub->SignOut(c.Context().get(), v1::SignOutRequest(), &resp);
  DeleteProfile();
  if (!status.ok() && status.error_code() != grpc::StatusCode::UNAUTHENTICATED) {
    return c.Fail(status);
  }
  if (!c.json()) std::cout << "Signed out\n";
  return kExitOk;
}

int WhoAmI(Client& c) {
  auto stub = v1::AuthService::NewStub(c.channel());
  v1::Principal resp;
  auto status = stub->WhoAmI(c.Context().get(), v1::WhoAmIRequest(), &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  std::cout << resp.username() << "  " << v1::Role_Name(resp.role()) << "  " << resp.clinic()
            << (resp.subject().empty() ? "" : "  " + resp.subject()) << "\n";
  return kExitOk;
}

int Health(Client& c) {
  auto stub = grpc::health::v1::Health::NewStub(c.channel());
  grpc::health::v1::HealthCheckRequest req;
  req.set_service(c.args().Get("service").value_or(""));
  grpc::health::v1::HealthCheckResponse resp;
  auto status = stub->Check(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  std::cout << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(resp.status()) << "\n";
  return resp.status() == grpc::health::v1::HealthCheckResponse::SERVING ? kExitOk : kExitFailed;
}

// Lists services and their methods using only server reflection: the client looks nothing up
// in its own compiled-in descriptors.
int Services(Client& c) {
  using namespace grpc::reflection::v1alpha;
  auto stub = ServerReflection::NewStub(c.channel());
  auto ctx = c.Context();
  auto stream = stub->ServerReflectionInfo(ctx.get());
  ServerReflectionRequest list;
  list.set_list_services("");
  ServerReflectionResponse resp;
  if (!stream->Write(list) || !stream->Read(&resp) || !resp.has_list_services_response()) {
    stream->WritesDone();
    return c.Fail(stream->Finish());
  }
  std::vector<std::string> names;
  for (const auto& s : resp.list_services_response().service()) names.push_back(s.name());
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    std::cout << name << "\n";
    if (name.rfind("ptrack.", 0) != 0) continue;
    ServerReflectionRequest file;
    file.set_file_containing_symbol(name);
    ServerReflectionResponse fresp;
    if (!stream->Write(file) || !stream->Read(&fresp) || !fresp.has_file_descriptor_response()) {
      continue;
    }
    for (const std::string& bytes : fresp.file_descriptor_response().file_descriptor_proto()) {
      google::protobuf::FileDescriptorProto fd;
      if (!fd.ParseFromString(bytes)) continue;
      for (const auto& svc : fd.service()) {
        if (fd.package() + "." + svc.name() != name) continue;
        for (const auto& m : svc.method()) std::cout << "  " << m.name() << "\n";
      }
    }
  }
  stream->WritesDone();
  auto status = stream->Finish();
  if (!status.ok()) return c.Fail(status);
  return kExitOk;
}

}  // namespace ptrack::cli
