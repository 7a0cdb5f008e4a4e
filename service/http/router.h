// What ptrackd's HTTP port answers, apart from how bytes move (connection.h): Connect calls at
// POST /{package.Service}/{Method} (through the ConnectBridge), GET /healthz, GET
// /exports/sessions.csv, the web app's static files, CORS preflights. Screen() judges a request
// from its header alone, before any body byte is read: unsupported methods (405), targets and
// headers over their limits (414, 431), framing it will not read (a Transfer-Encoding other than
// chunked: 400), a compressed Connect body (refused, never inflated). (A declared body over the
// limit is refused by the parser as the header completes: connection.h.) Every answer carries the
// security headers (CSP, nosniff, no-referrer, Cache-Control) and, for configured origins only,
// CORS. Errors are Connect JSON. Thread-safe; never blocks.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <optional>
#include <string>

#include "service/http/connect_bridge.h"
#include "service/http/options.h"

namespace ptrack::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using RequestHeader = boost::beast::http::request_header<>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;
using Respond = std::function<void(Response)>;

class Router {
 public:
  // REQUIRES: bridge and options outlive the router.
  Router(const ConnectBridge& bridge, const HttpOptions& options);

  // nullopt when the body may be read and the request handled; otherwise the answer, after
  // which the connection is closed (the body, if any, is not read). `chunked`: the parser found
  // a Transfer-Encoding ending in chunked.
  std::optional<Response> Screen(const RequestHeader& header, bool chunked) const;

  // Answers a complete request that passed Screen. `respond` is called exactly once, on this
  // thread or on a gRPC thread; it must not block. `client_address` is the peer's IP.
  void Handle(const Request& request, const std::string& client_address, Respond respond) const;

  // A Connect error answer with the security headers, for the connection's own refusals
  // (body too large, bad framing).
  Response Refusal(const RequestHeader& header, int status, std::string_view code,
                   const std::string& message) const;

 private:
  Response FromReply(const RequestHeader& header, const HttpReply& reply) const;
  void Decorate(const RequestHeader& header, Response& response) const;
  bool CorsAllowed(const RequestHeader& header) const;
  void Export(const Request& request, const std::string& client_address, Respond respond) const;
  Response StaticFile(const RequestHeader& header, const std::string& path) const;

  const ConnectBridge& bridge_;
  const HttpOptions& options_;
  bool serve_files_ = false;
};

}  // namespace ptrack::http
