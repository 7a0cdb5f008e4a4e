// Generating and serving a clinic, and reading the server's process from /proc.
#include "bench/server.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace ptrack::bench {

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

Result<Served> Serve(const Options& o, const fs::path& dir, int patients, int days) {
  Served out;
  // Generated on a memory file system when there is one (the history is written with fsync per
  // session), then copied to disk, where the server under test keeps it.
  const fs::path scratch = fs::exists("/dev/shm") ? fs::path("/dev/shm") : dir;
  const fs::path generated =
      scratch / ("ptrack-bench-" + std::to_string(getpid()) + "-" + std::to_string(patients) + "x" +
                 std::to_string(days) + ".db");
  const std::string what = "clinic " + std::to_string(patients) + " x " + std::to_string(days);
  auto clinic = GenerateClinic(generated.string(), o.data_dir, patients, days,
                               [&](int done, int total) { Progress(what, done, total); });
  if (!clinic.ok()) return clinic.status();
  out.clinic = *clinic;
  const fs::path db = dir / (std::to_string(patients) + "x" + std::to_string(days) + ".db");
  fs::copy_file(generated, db, fs::copy_options::overwrite_existing);
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(generated.string() + suffix);
  out.db_bytes_per_session =
      static_cast<double>(fs::file_size(db)) / std::max(1, out.clinic.sessions);
  out.db = db;

  const auto t0 = Steady::now();
  try {
    out.server = std::make_unique<testing::Ptrackd>(
        PTRACKD, db.string(), dir.string(),
        std::vector<std::string>{"--data-dir", o.data_dir, "--web-dir", dir.string()});
  } catch (const std::exception& e) {
    return Status::Unavailable(std::string("ptrackd did not start: ") + e.what());
  }
  out.startup_ms = std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
  out.target = std::make_unique<Target>(out.server->address(), out.server->http_port());
  std::vector<std::string> ids;
  for (int i = 0; i < patients; ++i) ids.push_back(BenchPatientId(i));
  if (auto e = out.target->Prepare(ids); !e.empty()) return Status::Unavailable(e);
  return out;
}

Result<Served> ServeFloor(const fs::path& dir, int patients) {
  Served out;
  out.db = dir / "floor.db";
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(out.db.string() + suffix);
  const auto t0 = Steady::now();
  try {
    // ptrackd's launcher: the floor takes the flags it passes, and serves no HTTP.
    out.server =
        std::make_unique<testing::Ptrackd>(PTRACK_FLOOR, out.db.string(), dir.string(),
                                           std::vector<std::string>{"--http-listen", "off"});
  } catch (const std::exception& e) {
    return Status::Unavailable(std::string("ptrack-floor did not start: ") + e.what());
  }
  out.startup_ms = std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
  out.target = std::make_unique<Target>(out.server->address(), 0);
  std::vector<std::string> ids;
  for (int i = 0; i < patients; ++i) ids.push_back(BenchPatientId(i));
  if (auto e = out.target->Prepare(ids); !e.empty()) return Status::Unavailable("floor: " + e);
  return out;
}

double RssMb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

double CpuSeconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const size_t paren = text.rfind(')');  // the command name may hold spaces
  if (paren == std::string::npos) return -1;
  std::istringstream fields(text.substr(paren + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {  // utime is field 14, stime 15
    if (i >= 14) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::pair<double, double> MachineCpuSeconds() {
  std::ifstream stat("/proc/stat");
  std::string cpu;
  stat >> cpu;  // the first line sums every core
  if (cpu != "cpu") return {-1, -1};
  double all = 0, idle = 0, ticks = 0;
  for (int i = 0; i < 8 && stat >> ticks; ++i) {  // user nice system idle iowait irq softirq steal
    all += ticks;
    if (i == 3 || i == 4) idle += ticks;
  }
  const double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  return {(all - idle) / hz, all / hz};
}

}  // namespace ptrack::bench
