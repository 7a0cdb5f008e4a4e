// Shared client plumbing: connection, contexts, patient naming and output.
#include "clients/cli/client.h"

#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace ptrack::cli {

Client::Client(const Args& args) : args_(args) {
  json_ = args.Has("json");
  profile_ = LoadProfile();
  if (auto s = args.Get("server")) {
    server_ = *s;
  } else if (const char* env = std::getenv("PTRACK_SERVER"); env && *env) {
    server_ = env;
  } else if (profile_ && !profile_->server.empty()) {
    server_ = profile_->server;
  } else {
    server_ = "127.0.0.1:50051";
  }
  if (const char* env = std::getenv("PTRACK_TOKEN"); env && *env) {
    token_ = env;
  } else if (profile_) {
    token_ = profile_->token;
  }
}

std::shared_ptr<grpc::Channel> Client::channel() {
  if (channel_) return channel_;
  std::string ca_file = args_.Get("ca-file").value_or("");
  if (const char* env = std::getenv("PTRACK_CA_FILE"); ca_file.empty() && env) ca_file = env;
  std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
  if (!ca_file.empty()) {
    std::ifstream in(ca_file);
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs.assign(std::istreambuf_iterator<char>(in), {});
    if (!in || tls.pem_root_certs.empty()) {
      std::cerr << "ptrack: cannot read the CA file " << ca_file << "\n";
    }
    creds = grpc::SslCredentials(tls);
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);  // exports can be large (ptrackd's limit too)
  channel_ = grpc::CreateCustomChannel(server_, creds, args);
  return channel_;
}

std::unique_ptr<grpc::ClientContext> Client::Context() const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!token_.empty()) ctx->AddMetadata("authorization", "Bearer " + token_);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

std::string Client::PatientName() const {
  std::string p = args_.Get("patient").value_or("");
  if (p.empty()) {
    if (profile_ && profile_->role == "ROLE_PATIENT") return profile_->subject;
    Usage("--patient is required (a patient id or clinics/{clinic}/patients/{patient})");
    return "";
  }
  if (p.find('/') != std::string::npos) return p;
  if (!profile_ || profile_->clinic.empty()) {
    Usage("sign in first, or give --patient as clinics/{clinic}/patients/{patient}");
    return "";
  }
  return profile_->clinic + "/patients/" + p;
}

int Client::PrintJson(const google::protobuf::Message& message) const {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  std::cout << out;
  return kExitOk;
}

int Client::Fail(const grpc::Status& status) const {
  static const char* kCodes[] = {"OK",
                                 "CANCELLED",
                                 "UNKNOWN",
                                 "INVALID_ARGUMENT",
                                 "DEADLINE_EXCEEDED",
                                 "NOT_FOUND",
                                 "ALREADY_EXISTS",
                                 "PERMISSION_DENIED",
                                 "RESOURCE_EXHAUSTED",
                                 "FAILED_PRECONDITION",
                                 "ABORTED",
                                 "OUT_OF_RANGE",
                                 "UNIMPLEMENTED",
                                 "INTERNAL",
                                 "UNAVAILABLE",
                                 "DATA_LOSS",
                                 "UNAUTHENTICATED"};
  const int code = status.error_code();
  const char* name = code >= 0 && code <= 16 ? kCodes[code] : "UNKNOWN";
  std::cerr << "error: " << name << ": " << status.error_message() << "\n";
  google::rpc::Status rich;
  if (!status.error_details().empty() && rich.ParseFromString(status.error_details())) {
    for (const auto& any : rich.details()) {
      google::rpc::BadRequest bad;
      if (any.UnpackTo(&bad)) {
        for (const auto& v : bad.field_violations()) {
          std::cerr << "  " << v.field() << ": " << v.description() << "\n";
        }
      }
    }
  }
  if (code == grpc::StatusCode::UNAUTHENTICATED)
    std::cerr << "  (sign in with: ptrack login USER)\n";
  if (code == grpc::StatusCode::UNAVAILABLE) {
    std::cerr << "  (is ptrackd running at " << server_ << "?)\n";
    return kExitUnavailable;
  }
  return kExitFailed;
}

int Usage(const std::string& message) {
  std::cerr << "ptrack: " << message << "\n";
  return kExitUsage;
}

}  // namespace ptrack::cli
