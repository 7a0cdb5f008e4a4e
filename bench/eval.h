// The engine's own cost, measured in process: how long evaluating one patient takes right after a
// new session (what the summary worker does after every LogSession, with nothing cached), for a
// given length of history. A clinic of `patients` x `days` is generated (clinic_gen.h, on a
// memory file system when there is one; generating it derives every report row, which also
// stores each program's checkpoint), then for each patient a session performed a minute ago is
// stored and the evaluation that follows is timed. The figure is the median in milliseconds;
// eval_growth in ptrack-bench is the ratio of two of them (720 and 60 days). It also tells what one
// patient's cached evaluation costs in memory: the cache's own estimate (what its byte cap
// counts) and the heap the cache gave back when cleared (malloc's in-use bytes, glibc mallinfo2),
// both per patient.
#pragma once

#include <filesystem>

#include "bench/options.h"
#include "scheduler/status.h"

namespace ptrack::bench {

struct EvalFigures {
  double median_ms = 0;      // one evaluation after a new session
  double cache_kb_each = 0;  // the cache's estimate per cached patient
  double heap_kb_each = 0;   // heap freed by clearing the cache, per cached patient
};

Result<EvalFigures> EvalMsAfterSession(const Options& o, const std::filesystem::path& dir,
                                       int patients, int days);

}  // namespace ptrack::bench
