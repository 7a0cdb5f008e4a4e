// Running the real binaries from integration tests: a one-shot command with captured output and
// exit code, and a long-running ptrackd started on a free port (port 0, reported through
// --port-file) with its own temporary database, stopped with SIGTERM. No fixed ports, no sleeps
// for timing: readiness is the port file appearing, bounded by a deadline.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace ptrack::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv[0] with argv and `env` added to the environment; waits for it to exit.
RunResult Run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env);

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
  // Starts `binary` with --db db --grpc-listen 127.0.0.1:0 plus `extra_args`, and waits (up to
  // 30 s) for it to report its port. Throws std::runtime_error (with the server log) on failure.
  Ptrackd(const std::string& binary, const std::string& db, const std::string& workdir,
          const std::vector<std::string>& extra_args);
  // Stops the server with SIGTERM if it is still running.
  ~Ptrackd();

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // Sends SIGTERM and waits; returns the exit status (0 = clean shutdown).
  int Stop();
  std::string Log() const;  // stdout + stderr so far

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
};

}  // namespace ptrack::testing
