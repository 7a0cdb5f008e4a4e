// The ptrackd that ptrack-bench starts and measures. Serve generates a clinic of N patients x D
// days (clinic_gen.h) on a memory file system when there is one, copies the database into `dir`
// on disk, starts the real ptrackd (PTRACKD) on free ports over it, and returns it with a Target
// signed in and given the generated patients; the server stops when Served::server is reset or
// destroyed. ServeFloor starts ptrack-floor (PTRACK_FLOOR, floor_server.cc) the same way, with
// the same launcher, on a fresh database. RssMb and CpuSeconds read a process's resident memory
// and CPU time from /proc, MachineCpuSeconds the whole machine's.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <utility>

#include "bench/clinic_gen.h"
#include "bench/options.h"
#include "bench/target.h"
#include "scheduler/status.h"
#include "tests/integration/process.h"

namespace ptrack::bench {

// A generated clinic served by a fresh ptrackd in `dir`.
struct Served {
  GeneratedClinic clinic;
  double db_bytes_per_session = 0;
  double startup_ms = 0;
  std::filesystem::path db;  // the server's database (its WAL is db + "-wal")
  std::unique_ptr<testing::Ptrackd> server;
  std::unique_ptr<Target> target;
};

// Generates a clinic of `patients` x `days` and serves it from `dir` (o.data_dir is the server's
// data; progress on a terminal).
Result<Served> Serve(const Options& o, const std::filesystem::path& dir, int patients, int days);

// ptrack-floor on a fresh database in `dir` (no clinic: the floor keeps no patients), with a
// Target signed in and given the ids of `patients` generated patients. No HTTP port.
Result<Served> ServeFloor(const std::filesystem::path& dir, int patients);

// Megabytes of resident memory (VmRSS) of the process; 0 when unreadable.
double RssMb(pid_t pid);

// Seconds of CPU (user + system) the process has used; -1 when unreadable.
double CpuSeconds(pid_t pid);

// Seconds of CPU the whole machine (all cores, all processes) has been busy, and has had in all,
// since boot (/proc/stat; busy is all but idle and I/O wait); {-1, -1} when unreadable. The
// busy share of an interval is the difference of the first over that of the second.
std::pair<double, double> MachineCpuSeconds();

}  // namespace ptrack::bench
