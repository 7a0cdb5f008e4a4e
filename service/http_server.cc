// The HTTP routes.
#include "service/http_server.h"

#include <httplib.h>

#include <algorithm>
#include <filesystem>

#include "ptrack/v1/export.pb.h"

namespace ptrack {
namespace {

constexpr size_t kHttpThreads = 64;  // concurrent HTTP connections served

void Reply(httplib::Response& res, const HttpReply& reply) {
  res.status = reply.status;
  res.set_content(reply.body, reply.content_type.c_str());
}

}  // namespace

HttpServer::HttpServer(const ConnectBridge& bridge, HttpOptions options)
    : bridge_(bridge), options_(std::move(options)), server_(std::make_unique<httplib::Server>()) {
  Routes();
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Routes() {
  httplib::Server& s = *server_;
  s.set_payload_max_length(options_.max_body_bytes);
  // A kept-alive connection holds one of these threads while it is open: the default (8 on this
  // machine) made a ninth client wait for another's connection to close.
  s.new_task_queue = [] { return new httplib::ThreadPool(kHttpThreads); };
  // httplib closes a kept-alive connection after 5 requests by default; a client that sent its
  // next request just then sees a broken connection.
  s.set_keep_alive_max_count(1000);
  // Answers are small and sent as headers then body: without TCP_NODELAY the body waits for the
  // client's delayed ACK (~40 ms on Linux) on every kept-alive request.
  s.set_tcp_nodelay(true);

  s.Post(R"(/[A-Za-z0-9_.]+/[A-Za-z0-9_]+)",
         [this](const httplib::Request& req, httplib::Response& res) {
           auto header = [&req](const char* name) -> std::optional<std::string> {
             if (!req.has_header(name)) return std::nullopt;
             return req.get_header_value(name);
           };
           Reply(res, bridge_.Post(req.path,
                                   {header("Content-Type"), header("Content-Encoding"),
                                    header("Authorization"), header("Connect-Timeout-Ms")},
                                   req.body));
         });

  // The sessions CSV for spreadsheets and scripts: the query names ExportSessionsCsv's fields
  // (parent, patient, start_date, end_date); the call goes through the bridge like any other, with
  // the Authorization header, and a refusal answers in Connect's error format.
  s.Get("/exports/sessions.csv", [this](const httplib::Request& req, httplib::Response& res) {
    v1::ExportSessionsCsvRequest call;
    call.set_parent(req.get_param_value("parent"));
    call.set_patient(req.get_param_value("patient"));
    call.set_start_date(req.get_param_value("start_date"));
    call.set_end_date(req.get_param_value("end_date"));
    const HttpReply reply = bridge_.Unary("/ptrack.v1.ExportService/ExportSessionsCsv",
                                          "application/proto", call.SerializeAsString(),
                                          req.get_header_value("Authorization"), std::nullopt);
    v1::CsvFile file;
    if (reply.status != 200 || !file.ParseFromString(reply.body)) {
      Reply(res,
            reply.status != 200 ? reply : ConnectBridge::Error("internal", "bad export answer"));
      return;
    }
    res.set_header("Content-Disposition", "attachment; filename=\"" + file.filename() + "\"");
    res.set_content(file.content(), "text/csv; charset=utf-8");
  });

  s.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    const HttpReply health = bridge_.Unary("/grpc.health.v1.Health/Check", "application/json", "{}",
                                           "", std::chrono::milliseconds(2000));
    const bool serving =
        health.status == 200 && health.body.find("\"SERVING\"") != std::string::npos;
    res.status = serving ? 200 : 503;
    res.set_content(serving ? "ok\n" : "not serving\n", "text/plain");
  });

  if (!options_.web_dir.empty() && std::filesystem::is_directory(options_.web_dir)) {
    s.set_mount_point("/", options_.web_dir);
    s.set_file_extension_and_mimetype_mapping("webmanifest", "application/manifest+json");
    s.set_file_extension_and_mimetype_mapping("map", "application/json");
  } else {
    s.Get("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("ptrackd: the web app is not built; the Connect API is served here.\n",
                      "text/plain");
    });
  }

  // CORS: only for configured origins, and only what a Connect client needs.
  auto allowed = [this](const httplib::Request& req) {
    const std::string origin = req.get_header_value("Origin");
    return !origin.empty() && std::find(options_.cors_origins.begin(), options_.cors_origins.end(),
                                        origin) != options_.cors_origins.end();
  };
  s.Options(R"(.*)", [allowed](const httplib::Request& req, httplib::Response& res) {
    res.status = allowed(req) ? 204 : 403;
  });
  s.set_post_routing_handler([allowed](const httplib::Request& req, httplib::Response& res) {
    res.set_header("X-Content-Type-Options", "nosniff");
    // The web app is all our own files: no inline script, no other origin, no framing.
    res.set_header("Content-Security-Policy",
                   "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; "
                   "base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
    res.set_header("Referrer-Policy", "no-referrer");
    // Files are revalidated every time (a new build must reach phones; the service worker caches
    // the shell); API answers and exports, which carry health data, are never stored.
    const bool health_data = req.method != "GET" || req.path.rfind("/exports/", 0) == 0;
    res.set_header("Cache-Control", health_data ? "no-store" : "no-cache");
    if (!allowed(req)) return;
    res.set_header("Access-Control-Allow-Origin", req.get_header_value("Origin"));
    res.set_header("Vary", "Origin");
    res.set_header("Access-Control-Allow-Methods", "POST, GET, OPTIONS");
    res.set_header("Access-Control-Allow-Headers",
                   "Content-Type, Authorization, Connect-Protocol-Version, Connect-Timeout-Ms");
    res.set_header("Access-Control-Max-Age", "3600");
  });

  // Errors the router produces itself, in Connect's format.
  s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413) {
      Reply(res,
            {413, "application/json",
             ConnectBridge::Error("resource_exhausted", "the request body is too large").body});
    } else if (res.status == 404) {
      Reply(res, {404, "application/json",
                  ConnectBridge::Error("unimplemented", "no such method or page").body});
    }
  });
}

Status HttpServer::Start() {
  const size_t colon = options_.listen.rfind(':');
  if (colon == std::string::npos) return Status::Unavailable("bad HTTP address");
  std::string host = options_.listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    port = std::stoi(options_.listen.substr(colon + 1));
  } catch (const std::exception&) {
    return Status::Unavailable("bad HTTP port in " + options_.listen);
  }
  if (port == 0) {
    port_ = server_->bind_to_any_port(host);
    if (port_ <= 0) return Status::Unavailable("cannot listen on " + options_.listen);
  } else {
    if (!server_->bind_to_port(host, port)) {
      return Status::Unavailable("cannot listen on " + options_.listen);
    }
    port_ = port;
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return Status::Ok();
}

void HttpServer::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace ptrack
