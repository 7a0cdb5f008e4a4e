// Timing the evaluation after a new session, at one history length.
#include "bench/eval.h"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "bench/clinic_gen.h"
#include "engine/alert_hub.h"
#include "engine/clinical_defaults.h"
#include "engine/clock.h"
#include "engine/evaluation_cache.h"
#include "engine/progress_runner.h"
#include "engine/refresh_queue.h"
#include "storage/sqlite_store.h"

namespace ptrack::bench {

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

Result<EvalFigures> EvalMsAfterSession(const Options& o, const fs::path& dir, int patients,
                                       int days) {
  const fs::path scratch = fs::exists("/dev/shm") ? fs::path("/dev/shm") : dir;
  const fs::path db = scratch / ("ptrack-bench-eval-" + std::to_string(getpid()) + "-" +
                                 std::to_string(days) + ".db");
  struct Cleanup {
    fs::path db;
    ~Cleanup() {
      for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
    }
  } cleanup{db};
  const std::string what = "eval clinic " + std::to_string(patients) + " x " + std::to_string(days);
  PTRACK_RETURN_IF_ERROR(
      GenerateClinic(db.string(), o.data_dir, patients, days, [&](int done, int total) {
        Progress(what, done, total);
      }).status());
  PTRACK_ASSIGN_OR_RETURN(auto store, SqliteStore::Open(db.string()));
  PTRACK_ASSIGN_OR_RETURN(const ClinicalDefaults clinical, LoadClinicalDefaults(o.data_dir));
  const Instant now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  FakeClock clock(now);
  AlertHub alerts;
  RefreshQueue refresh;
  EvaluationCache evaluations(64u << 20);
  ProgressRunner runner({*store, clock, clinical, alerts, refresh, evaluations});

  // Stores the patient's n-th session of today (n from 0) and times the evaluation that follows.
  auto session_then_evaluate = [&](int p, int n) -> Result<double> {
    PTRACK_ASSIGN_OR_RETURN(const Patient patient, store->GetPatient(BenchPatientId(p)));
    PTRACK_ASSIGN_OR_RETURN(const Program program, store->GetActiveProgram(patient.id));
    const Zone zone = date::locate_zone(patient.time_zone);
    Session s;
    char id[40];
    std::snprintf(id, sizeof id, "e%07d-0000-4000-8000-%012d", n, p);
    s.id = id;
    s.patient_id = patient.id;
    s.program_id = program.id;
    s.perform_time = now - std::chrono::minutes(1);
    s.local_date = LocalDateOf(s.perform_time, zone);
    s.receive_time = now + std::chrono::milliseconds(n);
    s.pain_before = 2;
    s.pain_after = 2;
    s.effort = 4;
    // Up to five of the program's exercises, as a phone logs them.
    for (const Phase& phase : program.revisions.back().phases) {
      for (const Prescription& rx : phase.prescriptions) {
        if (s.exercises.size() < 5) {
          s.exercises.push_back({rx.exercise_id, 2, 10, 5, 0, "", Side::kUnspecified, -1, {}});
        }
      }
    }
    PTRACK_RETURN_IF_ERROR(store->LogSession(s).status());
    const auto t0 = Steady::now();
    PTRACK_RETURN_IF_ERROR(runner.Refresh(patient));
    return std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
  };
  std::vector<double> ms, busy_ms, replay_ms;
  for (int p = 0; p < patients; ++p) {
    PTRACK_ASSIGN_OR_RETURN(const double one, session_then_evaluate(p, 0));
    ms.push_back(one);
  }
  if (ms.empty()) return Status::FailedPrecondition("no patients to evaluate");
  // A few patients then log the rest of a busy day (the soak's shape): the last evaluation.
  for (int p = 0; p < std::min(patients, kBusyDayPatients); ++p) {
    double last = 0;
    for (int n = 1; n < kBusyDaySessions; ++n) {
      PTRACK_ASSIGN_OR_RETURN(last, session_then_evaluate(p, n));
    }
    busy_ms.push_back(last);
    PTRACK_ASSIGN_OR_RETURN(const Patient patient, store->GetPatient(BenchPatientId(p)));
    evaluations.Erase(patient.id);
    const auto t0 = Steady::now();
    PTRACK_RETURN_IF_ERROR(runner.Refresh(patient));
    replay_ms.push_back(std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
  }
  const auto median = [](std::vector<double>& v) {
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    return v[v.size() / 2];
  };
  EvalFigures figures;
  figures.median_ms = median(ms);
  figures.busy_day_median_ms = busy_ms.empty() ? 0 : median(busy_ms);
  figures.busy_day_replay_median_ms = replay_ms.empty() ? 0 : median(replay_ms);
  const EvaluationCacheStats stats = evaluations.Stats();
  if (stats.entries > 0) {
    const size_t held = mallinfo2().uordblks;
    evaluations.Clear();
    const size_t after = mallinfo2().uordblks;
    const double n = static_cast<double>(stats.entries);
    figures.cache_kb_each = static_cast<double>(stats.bytes) / n / 1024;
    figures.heap_kb_each = held > after ? static_cast<double>(held - after) / n / 1024 : 0;
  }
  return figures;
}

}  // namespace ptrack::bench
