// Closed-loop load for the benchmarks: `inflight` calls are kept in flight for a fixed time; each
// completion records its latency and starts the next call. Two drivers: gRPC's client callback
// API (one call per slot, no threads of our own) and blocking HTTP clients on `inflight` threads
// (the Connect bridge). Figures only: nothing here judges them.
#pragma once

#include <chrono>
#include <functional>
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

// The q-quantile (0..1) of `ms`; 0 when empty.
double Quantile(std::vector<double> ms, double q);

}  // namespace ptrack::bench
