// ptrackd's HTTP port: the Connect bridge at POST /{package.Service}/{Method}, GET /healthz, CSV
// exports and the web app's static files (router.h), served by an event loop on a few threads
// (Boost.Beast on Asio; connection.h) so that idle, slow or many clients hold no thread. Limits
// (options.h): bodies and headers are checked while they are read, every phase of a request has
// a deadline, and connections are capped in total and per client address — past a cap a new
// connection gets a 503 and is closed at once. Start() raises the process's soft limit on open
// files to its hard limit (each connection is a file descriptor) and clamps the total cap below
// it. Runs on its own threads until Stop().
#pragma once

#include <memory>

#include "scheduler/status.h"
#include "service/http/connect_bridge.h"
#include "service/http/options.h"

namespace ptrack {

class HttpServer {
 public:
  // REQUIRES: bridge outlives the server.
  HttpServer(const ConnectBridge& bridge, HttpOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving. UNAVAILABLE when the address cannot be bound.
  Status Start();
  int port() const;
  // Stops accepting, closes every connection, waits for answers still coming from the gRPC
  // server (bounded by their deadlines), and joins the threads. Idempotent.
  void Stop();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace ptrack
