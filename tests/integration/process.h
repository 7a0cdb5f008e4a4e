// Running the real binaries from integration tests: a one-shot command with captured output and
// exit code, and a long-running ptrackd started on a free port (port 0, reported through
// --port-file) with its own temporary database, stopped with SIGTERM. No fixed ports, no sleeps
// for timing: readiness is the port file appearing, bounded by a deadline.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ptrack::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  bool timed_out = false;  // RunWithDeadline only: killed (SIGKILL) at the deadline
};

// Runs argv[0] with argv and `env` added to the environment; waits for it to exit.
RunResult Run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env);
// Like Run, but kills the process if it has not exited within `limit` (for commands that must
// exit on their own, such as a server that has to refuse to start).
RunResult RunWithDeadline(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env,
                          std::chrono::milliseconds limit);

// The bytes of the file at `path`; empty when it cannot be read.
std::string ReadFile(const std::string& path);

// A temporary directory removed (with its contents) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class Ptrackd {
 public:
  // Starts `binary` with --db db --grpc-listen 127.0.0.1:0 (and --http-listen 127.0.0.1:0 unless
  // `extra_args` names one) plus `extra_args`, and waits (up to
  // 30 s) for it to report its port. Throws std::runtime_error (with the server log) on failure.
  Ptrackd(const std::string& binary, const std::string& db, const std::string& workdir,
          const std::vector<std::string>& extra_args);
  // The same with --grpc-listen `listen` (port 0) instead of 127.0.0.1:0; address() still dials
  // 127.0.0.1, so `listen` must include the IPv4 loopback (127.0.0.1, localhost, 0.0.0.0).
  Ptrackd(const std::string& binary, const std::string& db, const std::string& workdir,
          const std::vector<std::string>& extra_args, const std::string& listen);
  // The same, calling `in_child` in the forked child just before exec: for what exec keeps, such
  // as resource limits or an ignored signal. Only async-signal-safe calls (the test process may
  // have threads): setrlimit, signal.
  Ptrackd(const std::string& binary, const std::string& db, const std::string& workdir,
          const std::vector<std::string>& extra_args, const std::string& listen,
          const std::function<void()>& in_child);
  // Stops the server with SIGTERM if it is still running.
  ~Ptrackd();

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // The HTTP port (web app, Connect bridge); 0 when HTTP is off.
  int http_port() const { return http_port_; }
  // Sends SIGTERM and waits; returns the exit status (0 = clean shutdown).
  int Stop();
  std::string Log() const;  // stdout + stderr so far
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  int http_port_ = 0;
  std::string log_path_;
};

}  // namespace ptrack::testing
