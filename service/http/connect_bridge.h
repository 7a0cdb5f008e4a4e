// The Connect protocol (unary, JSON and binary protobuf) in front of the gRPC server, for
// browsers and thin clients that cannot speak gRPC. Generic by construction: the request path
// "/{package.Service}/{Method}" names the method, the generated descriptor pool gives its
// request and response types, and the call goes into the same gRPC server through an in-process
// channel with a generic stub — so every rpc passes the same authentication, authorization,
// validation and audit as over gRPC, and there is no per-method code here. Errors use Connect's
// JSON error format and HTTP status mapping, with google.rpc details (e.g. BadRequest) in
// `details`. Only ptrack.v1 services and grpc.health.v1.Health are reachable. Calls are
// asynchronous (the HTTP port's threads never wait for a handler); blocking forms exist for the
// fuzzers. Every call carries the HTTP client's address as the metadata `x-ptrack-client-address`
// (kClientAddressHeader, service/client_address.h), which the server believes only from this
// in-process channel. Thread-safe.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/generic/generic_stub.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "service/client_address.h"

namespace ptrack {

// The request headers a Connect unary call reads; nullopt when the request did not send one.
struct ConnectHeaders {
  std::optional<std::string> content_type;
  std::optional<std::string> content_encoding;
  std::optional<std::string> authorization;
  std::optional<std::string> timeout_ms;  // Connect-Timeout-Ms
};

// One unary call into the gRPC server.
struct ConnectCall {
  std::string path;  // "/{package.Service}/{Method}"
  std::string content_type;
  std::string body;
  std::string authorization;  // the Authorization header, passed on as gRPC metadata
  std::optional<std::chrono::milliseconds> timeout;  // capped at 60 s; default 30 s
  std::string client_address;                        // the HTTP client's IP; empty when unknown
};

struct HttpReply {
  int status = 200;
  std::string content_type;
  std::string body;
};

using ReplyCallback = std::function<void(HttpReply)>;

class ConnectBridge {
 public:
  // `channel`: an in-process channel to the running server.
  explicit ConnectBridge(std::shared_ptr<grpc::Channel> channel);

  // The checks a POST's headers must pass before its body is even read: a compressed body
  // (refused, never inflated) and a Connect-Timeout-Ms that is not 1-10 digits. nullopt when they
  // pass, with `*timeout` set from Connect-Timeout-Ms; otherwise the Connect error to answer.
  static std::optional<HttpReply> CheckHeaders(const ConnectHeaders& headers,
                                               std::optional<std::chrono::milliseconds>* timeout);

  // One POST /{package.Service}/{Method} as it arrived over HTTP: CheckHeaders, then UnaryAsync.
  // `done` is called exactly once, on this thread (for an error found before the call) or on a
  // gRPC thread; it must not block.
  void PostAsync(std::string_view path, const ConnectHeaders& headers, std::string body,
                 std::string client_address, ReplyCallback done) const;
  // The same, waiting for the answer (fuzzers and tools; never on the HTTP port's threads).
  HttpReply Post(std::string_view path, const ConnectHeaders& headers,
                 const std::string& body) const;

  // One unary Connect call; `done` as for PostAsync.
  void UnaryAsync(ConnectCall call, ReplyCallback done) const;
  // The same, waiting for the answer.
  HttpReply Unary(ConnectCall call) const;

  // A Connect error reply: HTTP status from the code, JSON body {"code": ..., "message": ...}.
  static HttpReply Error(std::string_view code, const std::string& message);

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::GenericStub> stub_;
};

}  // namespace ptrack
