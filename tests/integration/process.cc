// fork/exec helpers for integration tests.
#include "tests/integration/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ptrack::testing {
namespace {

// Forks and execs argv with stdout/stderr redirected to files, calling `in_child` (when set) in
// the child just before exec; returns the child's pid.
pid_t Spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
            const std::string& out_path, const std::string& err_path,
            const std::function<void()>& in_child = {}) {
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // One file for both streams shares one open file description, so neither overwrites the
    // other's output.
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
    const int err = err_path == out_path
                        ? out
                        : open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
    const int in = open("/dev/null", O_RDONLY);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    if (in_child) in_child();
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

int WaitExit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

}  // namespace

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "ptrack-it-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

RunResult Run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
  TempDir dir;
  const std::string out = dir.path() + "/out", err = dir.path() + "/err";
  RunResult r;
  r.exit_code = WaitExit(Spawn(argv, env, out, err));
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  return r;
}

RunResult RunWithDeadline(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env,
                          std::chrono::milliseconds limit) {
  TempDir dir;
  const std::string out = dir.path() + "/out", err = dir.path() + "/err";
  RunResult r;
  const pid_t pid = Spawn(argv, env, out, err);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (done < 0 && errno != EINTR) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      r.exit_code = WaitExit(pid);
      r.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // exit poll, not timing
  }
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  return r;
}

Ptrackd::Ptrackd(const std::string& binary, const std::string& db, const std::string& workdir,
                 const std::vector<std::string>& extra_args)
    : Ptrackd(binary, db, workdir, extra_args, "127.0.0.1:0") {}

Ptrackd::Ptrackd(const std::string& binary, const std::string& db, const std::string& workdir,
                 const std::vector<std::string>& extra_args, const std::string& listen)
    : Ptrackd(binary, db, workdir, extra_args, listen, {}) {}

Ptrackd::Ptrackd(const std::string& binary, const std::string& db, const std::string& workdir,
                 const std::vector<std::string>& extra_args, const std::string& listen,
                 const std::function<void()>& in_child) {
  static int counter = 0;
  const std::string tag = std::to_string(getpid()) + "-" + std::to_string(++counter);
  const std::string port_file = workdir + "/port-" + tag;
  log_path_ = workdir + "/ptrackd-" + tag + ".log";
  std::vector<std::string> argv = {binary, "--db",        db,       "--grpc-listen",
                                   listen, "--port-file", port_file};
  // A free HTTP port too, unless the test chooses one (ptrackd's default is fixed).
  if (std::find(extra_args.begin(), extra_args.end(), "--http-listen") == extra_args.end()) {
    argv.insert(argv.end(), {"--http-listen", "127.0.0.1:0"});
  }
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  pid_ = Spawn(argv, {}, log_path_, log_path_, in_child);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string content = ReadFile(port_file);
    if (content.rfind("grpc=", 0) == 0 && content.back() == '\n') {
      port_ = std::atoi(content.c_str() + 5);
      if (const size_t http = content.find("http="); http != std::string::npos) {
        http_port_ = std::atoi(content.c_str() + http + 5);
      }
      if (port_ > 0) return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("ptrackd exited during start-up:\n" + Log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // readiness poll, not timing
  }
  Stop();
  throw std::runtime_error("ptrackd did not report its port within 30 s:\n" + Log());
}

Ptrackd::~Ptrackd() {
  if (pid_ > 0) Stop();
}

int Ptrackd::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  const int code = WaitExit(pid_);
  pid_ = -1;
  return code;
}

std::string Ptrackd::Log() const { return ReadFile(log_path_); }

}  // namespace ptrack::testing
