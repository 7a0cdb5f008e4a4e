// The engine's own cost, measured in process: how long evaluating one patient takes right after a
// new session (what the summary worker does after every LogSession, with nothing cached), for a
// given length of history. A clinic of `patients` x `days` is generated (clinic_gen.h, on a
// memory file system when there is one; generating it derives every report row, which also
// stores each program's checkpoint), then for each patient a session performed a minute ago is
// stored and the evaluation that follows is timed. The figure is the median in milliseconds;
// eval_growth in ptrack-bench is the ratio of two of them (720 and 60 days). Then some of the
// patients log the rest of a busy day, one session after another (the soak's 3,000 patients log
// about as many in its one day), and the evaluation after the day's last session is timed: what
// an evaluation's cost grows by with the sessions of the day (eval_busy_day_growth, against the
// first session's figure: each later session is taken into the open day, scheduler/open_day.h),
// and then, with the patient's cached evaluation dropped, what a replay of that busy day costs
// (eval_busy_day_replay_ms: what a session the open day cannot take in costs). It also tells what
// one patient's cached evaluation costs in memory: the cache's own estimate (what its byte cap
// counts) and the heap the cache gave back when cleared (malloc's in-use bytes, glibc mallinfo2),
// both per patient.
#pragma once

#include <filesystem>

#include "bench/options.h"
#include "scheduler/status.h"

namespace ptrack::bench {

// How many sessions the busy day has: as many as a soak patient logs in its one day.
constexpr int kBusyDaySessions = 90;
constexpr int kBusyDayPatients = 20;

struct EvalFigures {
  double median_ms = 0;  // one evaluation after a new session
  // The evaluation after the last of kBusyDaySessions sessions logged in one day (median of
  // kBusyDayPatients patients).
  double busy_day_median_ms = 0;
  // The same patients' evaluation again with nothing cached: a replay of the busy day.
  double busy_day_replay_median_ms = 0;
  double cache_kb_each = 0;  // the cache's estimate per cached patient
  double heap_kb_each = 0;   // heap freed by clearing the cache, per cached patient
};

Result<EvalFigures> EvalMsAfterSession(const Options& o, const std::filesystem::path& dir,
                                       int patients, int days);

}  // namespace ptrack::bench
