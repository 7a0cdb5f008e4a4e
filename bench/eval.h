// The engine's own cost, measured in process: how long evaluating one patient takes right after a
// new session (what the summary worker does after every LogSession, with nothing cached), for a
// given length of history. A clinic of `patients` x `days` is generated (clinic_gen.h, on a
// memory file system when there is one; generating it derives every report row, which also
// stores each program's checkpoint), then for each patient a session performed a minute ago is
// stored and the evaluation that follows is timed. The figure is the median in milliseconds;
// eval_growth in ptrack-bench is the ratio of two of them (720 and 60 days).
#pragma once

#include <filesystem>

#include "bench/options.h"
#include "scheduler/status.h"

namespace ptrack::bench {

Result<double> EvalMsAfterSession(const Options& o, const std::filesystem::path& dir, int patients,
                                  int days);

}  // namespace ptrack::bench
