// The routes of the HTTP port (router.h).
#include "service/http/router.h"

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <filesystem>
#include <fstream>
#include <regex>

#include "ptrack/v1/export.pb.h"
#include "service/http/url.h"

namespace ptrack::http {
namespace {

namespace bh = boost::beast::http;

constexpr const char* kAllowedMethods = "GET, HEAD, POST, OPTIONS";

bool IsConnectPath(const std::string& path) {
  static const std::regex pattern(R"(/[A-Za-z0-9_.]+/[A-Za-z0-9_]+)");
  return std::regex_match(path, pattern);
}

std::string_view View(boost::beast::string_view text) { return {text.data(), text.size()}; }

template <typename Name>
std::optional<std::string> Field(const RequestHeader& header, Name name) {
  auto it = header.find(name);
  if (it == header.end()) return std::nullopt;
  return std::string(it->value());
}

// A HEAD answer: the GET answer's header, Content-Length included, without its body.
void StripBodyForHead(const RequestHeader& header, Response& response) {
  if (header.method() != bh::verb::head) return;
  const size_t length = response.body().size();
  response.body().clear();
  response.content_length(length);
}

}  // namespace

Router::Router(const ConnectBridge& bridge, const HttpOptions& options)
    : bridge_(bridge),
      options_(options),
      serve_files_(!options.web_dir.empty() && std::filesystem::is_directory(options.web_dir)) {}

std::optional<Response> Router::Screen(const RequestHeader& header, bool chunked) const {
  const HttpLimits& limits = options_.limits;
  switch (header.method()) {
    case bh::verb::get:
    case bh::verb::head:
    case bh::verb::post:
    case bh::verb::options:
      break;
    default: {
      Response r = Refusal(header, 405, "unimplemented", "the method is not allowed");
      r.set(bh::field::allow, kAllowedMethods);
      return r;
    }
  }
  if (header.target().size() > limits.max_target_bytes) {
    return Refusal(header, 414, "resource_exhausted", "the request target is too long");
  }
  if (static_cast<size_t>(std::distance(header.begin(), header.end())) > limits.max_header_count) {
    return Refusal(header, 431, "resource_exhausted", "the request has too many header fields");
  }
  // RFC 9112 6.1 and 6.3: a request whose Transfer-Encoding does not end in chunked has no
  // length a server can trust, and HTTP/1.0 has no transfer coding at all. Codings before
  // chunked (gzip, deflate) are not decoded here, so only a plain "chunked" is read.
  // (Content-Length together with chunked, and differing Content-Lengths, are refused by the parser
  // itself.)
  if (header.count(bh::field::transfer_encoding) > 0 &&
      (header.count(bh::field::transfer_encoding) > 1 || !chunked || header.version() < 11 ||
       !boost::beast::iequals(header[bh::field::transfer_encoding], "chunked"))) {
    return Refusal(header, 400, "invalid_argument", "unsupported Transfer-Encoding");
  }
  if (!ParseTarget(View(header.target()))) {
    return Refusal(header, 400, "invalid_argument", "the request target is not a valid URL path");
  }
  if (header.method() == bh::verb::post) {
    std::optional<std::chrono::milliseconds> timeout;
    const ConnectHeaders connect{Field(header, bh::field::content_type),
                                 Field(header, bh::field::content_encoding), std::nullopt,
                                 Field(header, "Connect-Timeout-Ms")};
    if (auto refusal = ConnectBridge::CheckHeaders(connect, &timeout)) {
      return FromReply(header, *refusal);
    }
  }
  return std::nullopt;
}

void Router::Handle(const Request& request, const std::string& client_address,
                    Respond respond) const {
  const RequestHeader& header = request.base();
  const std::optional<Target> target = ParseTarget(View(request.target()));  // Screen checked it
  const std::string path = target ? target->path : std::string();

  if (request.method() == bh::verb::options) {
    Response r{CorsAllowed(header) ? bh::status::no_content : bh::status::forbidden,
               request.version()};
    r.prepare_payload();  // Content-Length: 0 on the 403, so a kept-alive client stops reading
    Decorate(header, r);
    respond(std::move(r));
    return;
  }
  if (request.method() == bh::verb::post) {
    if (!IsConnectPath(path)) {
      respond(Refusal(header, 404, "unimplemented", "no such method or page"));
      return;
    }
    const ConnectHeaders connect{
        Field(header, bh::field::content_type), Field(header, bh::field::content_encoding),
        Field(header, bh::field::authorization), Field(header, "Connect-Timeout-Ms")};
    bridge_.PostAsync(
        path, connect, request.body(), client_address,
        [this, header, respond](HttpReply reply) { respond(FromReply(header, reply)); });
    return;
  }
  // GET and HEAD.
  if (path == "/healthz") {
    bridge_.UnaryAsync(
        {"/grpc.health.v1.Health/Check", "application/json", "{}", "",
         std::chrono::milliseconds(2000), client_address},
        [this, header, respond](HttpReply health) {
          const bool serving =
              health.status == 200 && health.body.find("\"SERVING\"") != std::string::npos;
          Response r{serving ? bh::status::ok : bh::status::service_unavailable, header.version()};
          r.set(bh::field::content_type, "text/plain");
          r.body() = serving ? "ok\n" : "not serving\n";
          r.prepare_payload();
          Decorate(header, r);
          StripBodyForHead(header, r);
          respond(std::move(r));
        });
    return;
  }
  if (path == "/exports/sessions.csv") {
    Export(request, client_address, std::move(respond));
    return;
  }
  if (!serve_files_) {
    if (path != "/") {
      respond(Refusal(header, 404, "unimplemented", "no such method or page"));
      return;
    }
    Response r{bh::status::ok, request.version()};
    r.set(bh::field::content_type, "text/plain");
    r.body() = "ptrackd: the web app is not built; the Connect API is served here.\n";
    r.prepare_payload();
    Decorate(header, r);
    StripBodyForHead(header, r);
    respond(std::move(r));
    return;
  }
  respond(StaticFile(header, path));
}

// The sessions CSV for spreadsheets and scripts: the query names ExportSessionsCsv's fields
// (parent, patient, start_date, end_date); the call goes through the bridge like any other, with
// the Authorization header, and a refusal answers in Connect's error format.
void Router::Export(const Request& request, const std::string& client_address,
                    Respond respond) const {
  const RequestHeader& header = request.base();
  const Target target = *ParseTarget(View(request.target()));
  auto param = [&target](const char* name) {
    auto it = target.query.find(name);
    return it == target.query.end() ? std::string() : it->second;
  };
  v1::ExportSessionsCsvRequest call;
  call.set_parent(param("parent"));
  call.set_patient(param("patient"));
  call.set_start_date(param("start_date"));
  call.set_end_date(param("end_date"));
  bridge_.UnaryAsync(
      {"/ptrack.v1.ExportService/ExportSessionsCsv", "application/proto", call.SerializeAsString(),
       Field(header, bh::field::authorization).value_or(""), std::nullopt, client_address},
      [this, header, respond](HttpReply reply) {
        v1::CsvFile file;
        if (reply.status != 200 || !file.ParseFromString(reply.body)) {
          respond(FromReply(header, reply.status != 200
                                        ? reply
                                        : ConnectBridge::Error("internal", "bad export answer")));
          return;
        }
        Response r{bh::status::ok, header.version()};
        r.set(bh::field::content_type, "text/csv; charset=utf-8");
        r.set(bh::field::content_disposition, "attachment; filename=\"" + file.filename() + "\"");
        r.body() = std::move(*file.mutable_content());
        r.prepare_payload();
        Decorate(header, r);
        StripBodyForHead(header, r);
        respond(std::move(r));
      });
}

Response Router::StaticFile(const RequestHeader& header, const std::string& path) const {
  const std::optional<std::string> file = StaticFilePath(options_.web_dir, path);
  if (!file) return Refusal(header, 400, "invalid_argument", "the path is not a valid file path");
  std::error_code error;
  if (!std::filesystem::is_regular_file(*file, error)) {
    return Refusal(header, 404, "unimplemented", "no such method or page");
  }
  std::ifstream in(*file, std::ios::binary);
  if (!in) return Refusal(header, 404, "unimplemented", "no such method or page");
  Response r{bh::status::ok, header.version()};
  r.body().assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  r.set(bh::field::content_type, std::string(MimeType(*file)));
  r.prepare_payload();
  Decorate(header, r);
  StripBodyForHead(header, r);
  return r;
}

Response Router::Refusal(const RequestHeader& header, int status, std::string_view code,
                         const std::string& message) const {
  HttpReply reply = ConnectBridge::Error(code, message);
  reply.status = status;
  return FromReply(header, reply);
}

Response Router::FromReply(const RequestHeader& header, const HttpReply& reply) const {
  Response r{static_cast<bh::status>(reply.status), header.version()};
  r.set(bh::field::content_type, reply.content_type);
  r.body() = reply.body;
  r.prepare_payload();
  Decorate(header, r);
  StripBodyForHead(header, r);
  return r;
}

bool Router::CorsAllowed(const RequestHeader& header) const {
  const std::optional<std::string> origin = Field(header, bh::field::origin);
  return origin && !origin->empty() &&
         std::find(options_.cors_origins.begin(), options_.cors_origins.end(), *origin) !=
             options_.cors_origins.end();
}

void Router::Decorate(const RequestHeader& header, Response& r) const {
  r.set(bh::field::server, "ptrackd");
  r.set("X-Content-Type-Options", "nosniff");
  // The web app is all our own files: no inline script, no other origin, no framing.
  r.set("Content-Security-Policy",
        "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
  r.set("Referrer-Policy", "no-referrer");
  // Files are revalidated every time (a new build must reach phones; the service worker caches
  // the shell); API answers and exports, which carry health data, are never stored.
  const bool health_data =
      (header.method() != bh::verb::get && header.method() != bh::verb::head) ||
      header.target().starts_with("/exports/");
  r.set(bh::field::cache_control, health_data ? "no-store" : "no-cache");
  if (!CorsAllowed(header)) return;
  r.set(bh::field::access_control_allow_origin, header[bh::field::origin]);
  r.set(bh::field::vary, "Origin");
  r.set(bh::field::access_control_allow_methods, "POST, GET, OPTIONS");
  r.set(bh::field::access_control_allow_headers,
        "Content-Type, Authorization, Connect-Protocol-Version, Connect-Timeout-Ms");
  r.set(bh::field::access_control_max_age, "3600");
}

}  // namespace ptrack::http
