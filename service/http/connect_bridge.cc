// Connect unary calls translated to generic gRPC calls on an in-process channel.
#include "service/http/connect_bridge.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>
#include <sodium.h>

#include <algorithm>
#include <future>
#include <map>
#include <nlohmann/json.hpp>

#include "google/rpc/status.pb.h"
#include "grpc/health/v1/health.pb.h"

namespace ptrack {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::Message;
using google::protobuf::MessageFactory;

constexpr auto kDefaultTimeout = std::chrono::seconds(30);
constexpr auto kMaxTimeout = std::chrono::seconds(60);

// Connect's code names and HTTP statuses (connectrpc.com/docs/protocol#error-codes).
struct CodeInfo {
  const char* name;
  int http;
};
CodeInfo Info(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::CANCELLED:
      return {"canceled", 499};
    case grpc::StatusCode::UNKNOWN:
      return {"unknown", 500};
    case grpc::StatusCode::INVALID_ARGUMENT:
      return {"invalid_argument", 400};
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return {"deadline_exceeded", 504};
    case grpc::StatusCode::NOT_FOUND:
      return {"not_found", 404};
    case grpc::StatusCode::ALREADY_EXISTS:
      return {"already_exists", 409};
    case grpc::StatusCode::PERMISSION_DENIED:
      return {"permission_denied", 403};
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return {"resource_exhausted", 429};
    case grpc::StatusCode::FAILED_PRECONDITION:
      return {"failed_precondition", 400};
    case grpc::StatusCode::ABORTED:
      return {"aborted", 409};
    case grpc::StatusCode::OUT_OF_RANGE:
      return {"out_of_range", 400};
    case grpc::StatusCode::UNIMPLEMENTED:
      return {"unimplemented", 501};
    case grpc::StatusCode::INTERNAL:
      return {"internal", 500};
    case grpc::StatusCode::UNAVAILABLE:
      return {"unavailable", 503};
    case grpc::StatusCode::DATA_LOSS:
      return {"data_loss", 500};
    case grpc::StatusCode::UNAUTHENTICATED:
      return {"unauthenticated", 401};
    default:
      return {"unknown", 500};
  }
}

int HttpStatusOf(std::string_view code) {
  static const std::map<std::string, int, std::less<>> statuses = {{"canceled", 499},
                                                                   {"unknown", 500},
                                                                   {"invalid_argument", 400},
                                                                   {"deadline_exceeded", 504},
                                                                   {"not_found", 404},
                                                                   {"already_exists", 409},
                                                                   {"permission_denied", 403},
                                                                   {"resource_exhausted", 429},
                                                                   {"failed_precondition", 400},
                                                                   {"aborted", 409},
                                                                   {"out_of_range", 400},
                                                                   {"unimplemented", 501},
                                                                   {"internal", 500},
                                                                   {"unavailable", 503},
                                                                   {"data_loss", 500},
                                                                   {"unauthenticated", 401}};
  auto it = statuses.find(code);
  return it == statuses.end() ? 500 : it->second;
}

std::string Base64(const std::string& bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// The error details of a failed call (google.rpc.Status in grpc-status-details-bin) in Connect's
// form: {"type": "google.rpc.BadRequest", "value": base64, "debug": the detail as JSON}.
nlohmann::json Details(const grpc::Status& status) {
  nlohmann::json details = nlohmann::json::array();
  google::rpc::Status rich;
  if (status.error_details().empty() || !rich.ParseFromString(status.error_details())) {
    return details;
  }
  for (const auto& any : rich.details()) {
    const std::string type = any.type_url().substr(any.type_url().rfind('/') + 1);
    nlohmann::json detail = {{"type", type}, {"value", Base64(any.value())}};
    if (const Descriptor* d = DescriptorPool::generated_pool()->FindMessageTypeByName(type)) {
      std::unique_ptr<Message> message(MessageFactory::generated_factory()->GetPrototype(d)->New());
      std::string json;
      if (message->ParseFromString(any.value()) &&
          google::protobuf::util::MessageToJsonString(*message, &json).ok()) {
        detail["debug"] = nlohmann::json::parse(json, nullptr, false);
      }
    }
    details.push_back(std::move(detail));
  }
  return details;
}

bool Reachable(const std::string& service) {
  return service.rfind("ptrack.v1.", 0) == 0 || service == "grpc.health.v1.Health";
}

// One call in flight: what the completion needs, alive until it runs.
struct PendingCall {
  grpc::ClientContext context;
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
  const google::protobuf::MethodDescriptor* method = nullptr;
  bool json = false;
  ReplyCallback done;
};

// The Connect answer to a finished call.
HttpReply Answer(const PendingCall& call, const grpc::Status& status) {
  if (!status.ok()) {
    const CodeInfo info = Info(status.error_code());
    nlohmann::json error = {{"code", info.name}, {"message", status.error_message()}};
    nlohmann::json details = Details(status);
    if (!details.empty()) error["details"] = std::move(details);
    return {info.http, "application/json", error.dump()};
  }
  std::vector<grpc::Slice> slices;
  std::string payload;
  if (call.response.Dump(&slices).ok()) {
    for (const grpc::Slice& s : slices) {
      payload.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  if (!call.json) return {200, "application/proto", std::move(payload)};
  std::unique_ptr<Message> response(
      MessageFactory::generated_factory()->GetPrototype(call.method->output_type())->New());
  std::string out;
  if (!response->ParseFromString(payload) ||
      !google::protobuf::util::MessageToJsonString(*response, &out).ok()) {
    return ConnectBridge::Error("internal", "the response could not be encoded");
  }
  return {200, "application/json", std::move(out)};
}

// Waits for an asynchronous call's answer.
template <typename Start>
HttpReply Wait(Start start) {
  std::promise<HttpReply> answer;
  start([&answer](HttpReply reply) { answer.set_value(std::move(reply)); });
  return answer.get_future().get();
}

}  // namespace

ConnectBridge::ConnectBridge(std::shared_ptr<grpc::Channel> channel)
    : channel_(std::move(channel)), stub_(std::make_unique<grpc::GenericStub>(channel_)) {
  // The health service's messages are generated into ptrack_proto but referenced by nothing
  // else in ptrackd; touching a descriptor keeps them linked and in the generated pool.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
}

HttpReply ConnectBridge::Error(std::string_view code, const std::string& message) {
  nlohmann::json body = {{"code", code}, {"message", message}};
  return {HttpStatusOf(code), "application/json", body.dump()};
}

std::optional<HttpReply> ConnectBridge::CheckHeaders(
    const ConnectHeaders& headers, std::optional<std::chrono::milliseconds>* timeout) {
  if (headers.content_encoding && *headers.content_encoding != "identity") {
    return Error("unimplemented", "compressed requests are not accepted");
  }
  timeout->reset();
  if (headers.timeout_ms) {
    // Connect: up to 10 ASCII digits. Anything else is refused rather than guessed at.
    const std::string& t = *headers.timeout_ms;
    if (t.empty() || t.size() > 10 ||
        !std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return Error("invalid_argument", "Connect-Timeout-Ms is not a number of milliseconds");
    }
    *timeout = std::chrono::milliseconds(std::stoll(t));
  }
  return std::nullopt;
}

void ConnectBridge::PostAsync(std::string_view path, const ConnectHeaders& headers,
                              std::string body, std::string client_address,
                              ReplyCallback done) const {
  std::optional<std::chrono::milliseconds> timeout;
  if (auto refusal = CheckHeaders(headers, &timeout)) {
    done(std::move(*refusal));
    return;
  }
  UnaryAsync({std::string(path), headers.content_type.value_or(""), std::move(body),
              headers.authorization.value_or(""), timeout, std::move(client_address)},
             std::move(done));
}

HttpReply ConnectBridge::Post(std::string_view path, const ConnectHeaders& headers,
                              const std::string& body) const {
  return Wait([&](ReplyCallback done) { PostAsync(path, headers, body, "", std::move(done)); });
}

HttpReply ConnectBridge::Unary(ConnectCall call) const {
  return Wait([&](ReplyCallback done) { UnaryAsync(std::move(call), std::move(done)); });
}

void ConnectBridge::UnaryAsync(ConnectCall call, ReplyCallback done) const {
  const std::string_view path = call.path;
  // "/package.Service/Method"
  const size_t slash = path.rfind('/');
  if (path.size() < 4 || path.front() != '/' || slash == 0 || slash + 1 >= path.size()) {
    done({404, "application/json", Error("unimplemented", "no such method").body});
    return;
  }
  const std::string service_name(path.substr(1, slash - 1));
  const std::string method_name(path.substr(slash + 1));
  const google::protobuf::ServiceDescriptor* service =
      Reachable(service_name) ? DescriptorPool::generated_pool()->FindServiceByName(service_name)
                              : nullptr;
  const google::protobuf::MethodDescriptor* method =
      service ? service->FindMethodByName(method_name) : nullptr;
  if (!method) {
    done({404, "application/json", Error("unimplemented", "no such method").body});
    return;
  }
  if (method->client_streaming() || method->server_streaming()) {
    done(Error("unimplemented", "streaming methods are not served over Connect unary"));
    return;
  }

  const std::string_view content_type = call.content_type;
  const std::string_view media = content_type.substr(0, content_type.find(';'));
  const bool json = media == "application/json";
  if (!json && media != "application/proto") {
    done({415, "application/json",
          Error("unimplemented", "send application/json or application/proto").body});
    return;
  }
  MessageFactory* factory = MessageFactory::generated_factory();
  std::unique_ptr<Message> request(factory->GetPrototype(method->input_type())->New());
  if (json) {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    if (!google::protobuf::util::JsonStringToMessage(call.body.empty() ? "{}" : call.body,
                                                     request.get(), options)
             .ok()) {
      done(
          Error("invalid_argument", "the body is not a JSON " + method->input_type()->full_name()));
      return;
    }
  } else if (!request->ParseFromString(call.body)) {
    done(
        Error("invalid_argument", "the body is not a binary " + method->input_type()->full_name()));
    return;
  }

  // gRPC metadata values are printable ASCII; gRPC aborts the process on anything else (found by
  // fuzz/connect_fuzzer.cc), so a header no token can match is refused here.
  const auto printable = [](const std::string& value) {
    return std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
  };
  if (!printable(call.authorization)) {
    done(Error("unauthenticated", "the Authorization header is not a valid bearer token"));
    return;
  }
  auto pending = std::make_unique<PendingCall>();
  pending->method = method;
  pending->json = json;
  pending->done = std::move(done);
  if (!call.authorization.empty())
    pending->context.AddMetadata("authorization", call.authorization);
  if (!call.client_address.empty() && printable(call.client_address)) {
    pending->context.AddMetadata(std::string(kClientAddressHeader), call.client_address);
  }
  auto limit =
      call.timeout.value_or(std::chrono::duration_cast<std::chrono::milliseconds>(kDefaultTimeout));
  if (limit > kMaxTimeout || limit.count() <= 0) {
    limit = std::chrono::duration_cast<std::chrono::milliseconds>(kMaxTimeout);
  }
  pending->context.set_deadline(std::chrono::system_clock::now() + limit);
  const std::string bytes = request->SerializeAsString();
  grpc::Slice slice(bytes);
  pending->request = grpc::ByteBuffer(&slice, 1);
  PendingCall* raw = pending.release();  // owned by the completion below
  stub_->UnaryCall(&raw->context, std::string(path), grpc::StubOptions(), &raw->request,
                   &raw->response, [raw](grpc::Status status) {
                     std::unique_ptr<PendingCall> owned(raw);
                     owned->done(Answer(*owned, status));
                   });
}

}  // namespace ptrack
