// What ptrackd's HTTP port serves and the limits that keep one client from holding it: sizes
// checked while a request is read (nothing is buffered past them), deadlines for each phase of
// a request, and caps on open connections in total and per client address. The defaults are
// documented in docs/SECURITY.md ("The HTTP port's limits") and set from ptrackd's flags.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace ptrack {

struct HttpLimits {
  size_t max_body_bytes = 1024 * 1024;  // a longer body (any framing) is 413 and closes
  size_t max_header_bytes = 16 * 1024;  // request line and fields together: 431
  size_t max_header_count = 100;        // fields: 431
  size_t max_target_bytes = 8 * 1024;   // the request-target (path and query): 414
  // A request's header must be complete this long after its first byte (or after the
  // connection opened); slowloris clients are closed at this point.
  std::chrono::milliseconds header_timeout{10'000};
  // The whole body must arrive within this (1 MiB at 35 KB/s).
  std::chrono::milliseconds body_timeout{30'000};
  // A kept-alive connection with no new request is closed after this.
  std::chrono::milliseconds idle_timeout{30'000};
  // A client must take an answer within this (one that stops reading is closed).
  std::chrono::milliseconds write_timeout{30'000};
  // Connections open at once; more are accepted and closed at once. Clamped to the process's
  // file-descriptor limit less a reserve for the database and gRPC.
  size_t max_connections = 4096;
  // Connections open at once from one client IP address; 0 = no per-address cap (behind a
  // reverse proxy every connection comes from the proxy's address).
  size_t max_connections_per_address = 256;
};

struct HttpOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  std::string web_dir;                    // static files served at /; empty = none
  std::vector<std::string> cors_origins;  // origins allowed to call from a browser; empty = none
  HttpLimits limits;
  int threads = 2;  // event-loop threads; none of them ever waits for a handler
};

}  // namespace ptrack
