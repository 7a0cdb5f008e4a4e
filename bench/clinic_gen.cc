// Writing the benchmark clinic through the store, and deriving its report rows.
#include "bench/clinic_gen.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "engine/clinical_defaults.h"
#include "scheduler/plan.h"
#include "service/demo.h"
#include "service/server.h"
#include "storage/sqlite_store.h"

namespace ptrack::bench {
namespace {

using Steady = std::chrono::steady_clock;

double Seconds(Steady::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

std::string BenchPatientId(int index) {
  char id[40];
  std::snprintf(id, sizeof id, "b0000000-0000-4000-8000-%012d", index);
  return id;
}

Result<GeneratedClinic> GenerateClinic(const std::string& db_path, const std::string& data_dir,
                                       int patients, int days,
                                       const std::function<void(int, int)>& progress) {
  GeneratedClinic out;
  out.patients = patients;
  PTRACK_ASSIGN_OR_RETURN(auto store, SqliteStore::Open(db_path));
  PTRACK_RETURN_IF_ERROR(LoadCatalogue(data_dir + "/catalogue", *store).status());
  PTRACK_ASSIGN_OR_RETURN(auto defaults, LoadClinicalDefaults(data_dir));
  const Instant now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  PTRACK_RETURN_IF_ERROR(SeedDemo(*store, defaults.rules, now).status());
  PTRACK_ASSIGN_OR_RETURN(auto protocol, store->GetProtocol("upper-back-neck-core-12w"));

  const auto start = Steady::now();
  const char* zones[] = {"America/New_York", "America/Chicago", "America/Los_Angeles",
                         "Europe/London", "Pacific/Auckland"};
  for (int p = 0; p < patients; ++p) {
    const std::string id = BenchPatientId(p);
    Patient patient{id,           "demo",   "Bench patient " + std::to_string(p),
                    zones[p % 5], "rivera", "bench" + std::to_string(p),
                    now,          1};
    Account account{patient.username, "", Role::kPatient, "demo", patient.id, now};
    PTRACK_RETURN_IF_ERROR(store->CreatePatient(patient, account).status());
    const Zone zone = date::locate_zone(patient.time_zone);
    Program program;
    program.id = id + "-program";
    program.patient_id = id;
    program.protocol_id = protocol.id;
    program.start_date = LocalDateOf(now, zone) - date::days{days};
    program.create_time = now;
    ProgramRevision first;
    first.effective_date = program.start_date;
    first.phases = protocol.phases;
    first.rules = defaults.rules;
    program.revisions = {first};
    PTRACK_RETURN_IF_ERROR(store->CreateProgram(program).status());
    for (int d = 0; d < days; ++d) {
      const LocalDate day = program.start_date + date::days{d};
      const PlanDay plan = PlanFor(program, day);
      if (!plan.training_day || (p % 7 == 0 && d > days - 14)) continue;
      Session s;
      char sid[40];
      std::snprintf(sid, sizeof sid, "%08x-0000-4000-8000-%012d", d, p);
      s.id = sid;
      s.patient_id = id;
      s.program_id = program.id;
      s.perform_time = std::chrono::time_point_cast<std::chrono::milliseconds>(
          zone->to_sys(date::local_days{day} + std::chrono::hours(18), date::choose::earliest));
      s.local_date = day;
      s.receive_time = s.perform_time + std::chrono::minutes(2);
      s.pain_before = 3;
      s.pain_after = std::max(1, 5 - d / 30);
      s.effort = 4;
      for (const PlannedExercise& e : plan.exercises) {
        s.exercises.push_back({e.exercise_id, e.dose.sets, e.dose.reps, e.dose.hold_seconds,
                               e.dose.load_kg, e.dose.band, e.dose.side, -1, e.dose.pyramid_reps});
      }
      PTRACK_RETURN_IF_ERROR(store->LogSession(s).status());
      ++out.sessions;
    }
    if (progress && ((p + 1) % 50 == 0 || p + 1 == patients)) progress(p + 1, patients);
  }
  out.generate_s = Seconds(Steady::now() - start);

  // The report rows, as the server's sweep derives them.
  FakeClock clock(now);
  PtrackServer::Config config;
  config.clinical = defaults;
  config.summary_sweep_interval = std::chrono::seconds(0);
  PtrackServer server(*store, clock, config);
  PTRACK_RETURN_IF_ERROR(server.Start());
  const auto sweep_start = Steady::now();
  const SweepCounts swept = server.SweepSummaries();
  out.sweep_s = Seconds(Steady::now() - sweep_start);
  server.Shutdown(std::chrono::milliseconds(0));
  if (swept.failed > 0) return Status::Internal("the summary sweep failed for some patients");
  return out;
}

}  // namespace ptrack::bench
