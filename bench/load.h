// Load for the benchmarks. Closed loop: `inflight` calls are kept in flight for a fixed time; each
// completion records its latency and starts the next call. Two drivers: gRPC's client callback
// API (one call per slot, no threads of our own) and blocking calls on `inflight` threads (the
// Connect bridge, mixed workloads). Open loop (the soak): calls issued at a fixed rate on a
// schedule, figures closed every interval. Figures only: nothing here judges them.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ptrack::bench {

struct LoadFigures {
  int64_t ok = 0;
  int64_t failed = 0;
  double seconds = 0;
  double qps = 0;  // successful calls per second
  double p50_ms = 0;
  double p99_ms = 0;
  std::string first_error;  // the first failure's message, for the reader
};

// Starts one call for `slot`; the call must invoke `done(ok, error)` exactly once, from any
// thread.
using StartCall =
    std::function<void(int slot, std::function<void(bool ok, const std::string& error)> done)>;

// Keeps `inflight` calls going for `seconds` (then waits for the last ones).
LoadFigures RunCallbackLoad(int inflight, double seconds, const StartCall& start);

// Runs `call(thread)` in a loop on `threads` threads for `seconds`; it returns "" on success or
// the error.
LoadFigures RunThreadedLoad(int threads, double seconds,
                            const std::function<std::string(int thread)>& call);

// One interval of an open-loop run.
struct IntervalFigures {
  double end_s = 0;   // when the interval was closed, in seconds from the start of the run
  int64_t calls = 0;  // calls completed in the interval, successful or not
  int64_t failed = 0;
  std::map<std::string, int64_t> errors;  // failed calls by error code
  int64_t late = 0;                       // calls that started later than `late_ms` after due
  double max_late_ms = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;  // latency of the successful calls, from their start
  std::vector<double> latencies_ms;           // the same, each, for windows over several intervals
};

struct OpenLoadFigures {
  std::vector<IntervalFigures> intervals;
  int64_t scheduled = 0;  // calls due in the run
  int64_t not_made = 0;   // of those, not started by the end of the run (it fell that far behind)
  double seconds = 0;     // from the start to the last completion
};

// Open loop: call k is due k / rate seconds after the start, for every k with k / rate <
// `seconds`. `workers` threads take the calls in order; each waits until its call is due and runs
// call(worker), which blocks and returns "" on success or an error code. A call that starts more
// than `late_ms` after it was due counts as late (every worker was busy with a slower call, or the
// machine woke the thread late): then the schedule was not kept. Calls still waiting for a worker
// at the end of the run are not made (counted in not_made), so the run ends on time. Every
// `interval` seconds the figures since the previous interval are closed and passed to on_interval,
// on the calling thread (to read the server's memory at that moment); the last interval is closed
// when the last call has completed.
OpenLoadFigures RunOpenLoad(double rate, double seconds, double interval, int workers,
                            double late_ms, const std::function<std::string(int worker)>& call,
                            const std::function<void(const IntervalFigures&)>& on_interval);

// The q-quantile (0..1) of `ms`; 0 when empty.
double Quantile(std::vector<double> ms, double q);

}  // namespace ptrack::bench
