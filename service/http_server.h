// ptrackd's HTTP port (cpp-httplib): the Connect bridge at POST /{package.Service}/{Method},
// GET /healthz, and the web app's static files. Requests are limited in size (413 with a Connect
// error); CORS is off unless origins are configured. Runs on its own threads until Stop().
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "scheduler/status.h"
#include "service/connect_bridge.h"

namespace httplib {
class Server;
}

namespace ptrack {

struct HttpOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  std::string web_dir;                    // static files served at /; empty = none
  std::vector<std::string> cors_origins;  // origins allowed to call from a browser; empty = none
  size_t max_body_bytes = 1024 * 1024;
};

class HttpServer {
 public:
  // REQUIRES: bridge outlives the server.
  HttpServer(const ConnectBridge& bridge, HttpOptions options);
  ~HttpServer();

  // Binds and starts serving. UNAVAILABLE when the address cannot be bound.
  Status Start();
  int port() const { return port_; }
  // Stops accepting and waits for the serving thread.
  void Stop();

 private:
  void Routes();

  const ConnectBridge& bridge_;
  HttpOptions options_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace ptrack
