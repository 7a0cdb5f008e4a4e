// The reliability soak (docs/RELIABILITY.md, item 5), ptrack-bench --soak SECONDS. A clinic's
// mixed traffic (LogSession over gRPC and through the Connect bridge, plans, history, adherence,
// now and then the clinic report) is first run closed loop to measure its capacity, then open
// loop at 80 % of that capacity for SECONDS, sampled every interval for calls, errors by code,
// lateness and latency and, when the harness started the server, its memory, CPU, WAL and
// database size. It prints the samples, the mix and the verdicts (no errors, RSS growth, WAL
// bounded, p99 stable, schedule kept) as a table, or with --json one object. The verdicts are
// figures for the reader: a missed one does not change the exit code.
#pragma once

#include <map>
#include <string>

#include "bench/options.h"
#include "bench/server.h"
#include "bench/target.h"

namespace ptrack::bench {

// --soak SECONDS: the mixed workload's capacity (closed loop, `inflight` calls, o.seconds), then
// the same mix open loop at 80 % of it for SECONDS, sampled every interval; a table, the
// verdicts, or with --json one object. `served` is the server the harness started (its server is
// null with --target: then nothing is read from it); `clinic_fig` are the clinic's figures, copied
// into the JSON. Returns the exit code: 1 only when the harness failed.
int Soak(const Options& o, Target& t, const Served& served,
         const std::map<std::string, double>& clinic_fig);

}  // namespace ptrack::bench
