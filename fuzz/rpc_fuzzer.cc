// Fuzz target: any bytes as the request of any unary ptrack.v1 rpc, sent by any caller, through
// the real server (gRPC deserialisation, authentication, authorization, validation, handler,
// store). Input: one byte choosing the caller, the method's path up to a newline
// ("/ptrack.v1.SessionService/LogSession"; a path that names no method picks one by its hash),
// then the request's binary protobuf. Properties, for every input: the server answers (no
// crash, hang or sanitizer report) and a refusal is a clear error — never UNKNOWN (an escaped
// exception), INTERNAL or DATA_LOSS, and never without a message. The one exception is gRPC's own:
// bytes that do not parse as the request message at all are answered UNIMPLEMENTED, without a
// message, by gRPC's callback server before any ptrack code runs. State carries over from input
// to input (sessions logged stay logged), as on a real server.
// Left out: SignIn and Enrol (each answer costs an Argon2id hash — the auth target covers the
// token path) and SignOut (it would revoke the token the next inputs use); WatchAlerts streams.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/world.h"
#include "service/access.h"

namespace ptrack::fuzz {
namespace {

// The descriptor of "/ptrack.v1.X/Y" (the method "ptrack.v1.X.Y"), or null.
const google::protobuf::MethodDescriptor* MethodOf(const std::string& path) {
  std::string full = path.substr(1);
  full[full.rfind('/')] = '.';
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(full);
}

// The unary methods an input may call, in the access table's (sorted) order.
const std::vector<std::string>& Methods() {
  static const std::vector<std::string> methods = [] {
    std::vector<std::string> out;
    for (const auto& [path, rule] : AccessTable()) {
      if (path == "/ptrack.v1.AuthService/SignIn" || path == "/ptrack.v1.AuthService/Enrol" ||
          path == "/ptrack.v1.AuthService/SignOut") {
        continue;
      }
      const auto* method = MethodOf(path);
      Require(method != nullptr, "no descriptor for " + path);
      if (method->client_streaming() || method->server_streaming()) continue;
      out.push_back(path);
    }
    return out;
  }();
  return methods;
}

grpc::Status Call(const World& world, Caller caller, const std::string& path,
                  const std::string& request) {
  grpc::ClientContext context;
  const std::string token = world.Token(caller);
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  grpc::Slice slice(request);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  std::promise<grpc::Status> done;
  grpc::GenericStub stub(world.channel);
  stub.UnaryCall(&context, path, grpc::StubOptions(), &request_buffer, &response_buffer,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  return done.get_future().get();
}

// Whether `bytes` parse as the request message of `path` (one of Methods()).
bool ParsesAs(const std::string& path, const std::string& bytes) {
  const auto* method = MethodOf(path);
  std::unique_ptr<google::protobuf::Message> message(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(method->input_type())
          ->New());
  return message->ParseFromString(bytes);
}

// FNV-1a: the method a stray path picks must be the same in every build that replays the corpus.
uint64_t Hash(const std::string& s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace
}  // namespace ptrack::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ptrack::fuzz;
  const World& world = GetWorld();
  if (size < 1) return 0;
  const auto caller = static_cast<Caller>(data[0] % static_cast<int>(Caller::kCount));
  const std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const size_t newline = rest.find('\n');
  std::string path = rest.substr(0, newline);
  const std::string request = newline == std::string::npos ? "" : rest.substr(newline + 1);
  const auto& methods = Methods();
  if (std::find(methods.begin(), methods.end(), path) == methods.end()) {
    path = methods[Hash(path) % methods.size()];
  }

  const grpc::Status status = Call(world, caller, path, request);
  const auto code = status.error_code();
  if (Verbose()) std::printf("%s -> %d %s\n", path.c_str(), code, status.error_message().c_str());
  if (code == grpc::StatusCode::UNIMPLEMENTED && !ParsesAs(path, request)) {
    // Bytes that are not a protobuf message at all never reach ptrack's code: gRPC's callback
    // server answers them UNIMPLEMENTED with no reactor created (server_callback_handlers.h).
    return 0;
  }
  Require(code != grpc::StatusCode::UNKNOWN && code != grpc::StatusCode::INTERNAL &&
              code != grpc::StatusCode::DATA_LOSS && code != grpc::StatusCode::DEADLINE_EXCEEDED,
          path + " answered " + std::to_string(code) + ": " + status.error_message());
  Require(status.ok() || !status.error_message().empty(),
          path + " refused with code " + std::to_string(code) + " and no message");
  return 0;
}
