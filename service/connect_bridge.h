// The Connect protocol (unary, JSON and binary protobuf) in front of the gRPC server, for
// browsers and thin clients that cannot speak gRPC. Generic by construction: the request path
// "/{package.Service}/{Method}" names the method, the generated descriptor pool gives its
// request and response types, and the call goes into the same gRPC server through an in-process
// channel with a generic stub — so every rpc passes the same authentication, authorization,
// validation and audit as over gRPC, and there is no per-method code here. Errors use Connect's
// JSON error format and HTTP status mapping, with google.rpc details (e.g. BadRequest) in
// `details`. Only ptrack.v1 services and grpc.health.v1.Health are reachable. Thread-safe.
#pragma once

#include <grpcpp/channel.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ptrack {

// The request headers a Connect unary call reads; nullopt when the request did not send one.
struct ConnectHeaders {
  std::optional<std::string> content_type;
  std::optional<std::string> content_encoding;
  std::optional<std::string> authorization;
  std::optional<std::string> timeout_ms;  // Connect-Timeout-Ms
};

struct HttpReply {
  int status = 200;
  std::string content_type;
  std::string body;
};

class ConnectBridge {
 public:
  // `channel`: an in-process channel to the running server.
  explicit ConnectBridge(std::shared_ptr<grpc::Channel> channel);

  // One POST /{package.Service}/{Method} as it arrived over HTTP: refuses a compressed body and a
  // Connect-Timeout-Ms that is not a number (a clear Connect error, nothing called), then Unary.
  HttpReply Post(std::string_view path, const ConnectHeaders& headers,
                 const std::string& body) const;

  // One unary Connect call. `authorization` is the request's Authorization header (passed on
  // as gRPC metadata), `timeout` its Connect-Timeout-Ms (capped at 60 s; default 30 s).
  HttpReply Unary(std::string_view path, std::string_view content_type, const std::string& body,
                  const std::string& authorization,
                  std::optional<std::chrono::milliseconds> timeout) const;

  // A Connect error reply: HTTP status from the code, JSON body {"code": ..., "message": ...}.
  static HttpReply Error(std::string_view code, const std::string& message);

 private:
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace ptrack
