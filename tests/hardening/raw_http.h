// A plain TCP client for attacking the HTTP port the way real attackers do: connections from a
// chosen loopback source address (127.0.0.2, ...; all of 127/8 is this machine), raw bytes
// sent as they are (broken framing, slow drips, bodies that never end), answers read until the
// server closes. Also the server's memory from /proc/PID/status and the latency of ordinary
// probes. No timing assertions: callers print what they measure.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace ptrack::testing {

class RawConnection {
 public:
  // Connects to 127.0.0.1:port from `source` (an IPv4 loopback address; port chosen by the
  // kernel). Throws std::runtime_error when the connection cannot be made.
  RawConnection(int port, const std::string& source = "127.0.0.1");
  ~RawConnection();
  RawConnection(RawConnection&& other) noexcept;
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Sends all of `bytes`; false when the server closed or reset the connection first.
  bool Send(const std::string& bytes);
  // Reads until the server closes the connection or `limit` passes; what arrived.
  std::string ReadUntilClosed(std::chrono::milliseconds limit);
  // Whether the server has closed (or reset) the connection, waiting at most `limit`.
  bool ClosedWithin(std::chrono::milliseconds limit);
  // Reads what is available within `limit` (at least one byte unless it times out or closes).
  std::string ReadSome(std::chrono::milliseconds limit);
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

// The status code of a raw HTTP/1.1 answer ("HTTP/1.1 413 ..."), or 0.
int StatusOf(const std::string& answer);
// Whether `answer` is one whole answer: a header with a Content-Length, and exactly that many
// body bytes after it.
bool IsWholeAnswer(const std::string& answer);

// VmRSS and VmHWM of a process, in KiB (0 when unreadable).
struct Memory {
  long rss_kib = 0;
  long peak_kib = 0;
};
Memory MemoryOf(pid_t pid);

// Raises this process's soft limit on open files to its hard limit (tests open thousands).
void RaiseFileLimit();

// Latencies of probes, in milliseconds; failures counted apart.
struct ProbeFigures {
  std::vector<double> ms;
  int failures = 0;
  double P(double q) const;  // quantile of ms (q in 0..1); 0 when empty
};

// One GET /healthz and one Connect health check (POST grpc.health.v1.Health/Check) on a fresh
// connection each, `rounds` times; each must answer 200 within `timeout` or counts as a failure.
ProbeFigures Probe(int port, int rounds, std::chrono::milliseconds timeout);

}  // namespace ptrack::testing
