// report-bench: how long the clinic report takes for a large clinic with a long history. It
// builds, in a temporary database (on /dev/shm when present, so generation is not bound by
// fsync), the demo clinic plus N patients each with D days of history — a session on every
// training day of the default protocol, as prescribed, pain easing over time — then derives
// every patient's report row (the server's summary sweep) and times GetClinicReport through the
// real ReportService over the in-process channel: the first page in the default (attention)
// order, and every page. It prints figures; it asserts nothing. The performance issue's
// ptrack-bench will fold this in.
//
//   report-bench [--patients N] [--days D] [--runs R]
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "ptrack/v1/auth.grpc.pb.h"
#include "ptrack/v1/report.grpc.pb.h"
#include "scheduler/plan.h"
#include "service/clinical_defaults.h"
#include "service/demo.h"
#include "service/server.h"
#include "storage/sqlite_store.h"

namespace {

using Steady = std::chrono::steady_clock;

double Ms(Steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

int IntFlag(int argc, char** argv, const std::string& name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == "--" + name) return std::atoi(argv[i + 1]);
  }
  return fallback;
}

int Fail(const std::string& what) {
  std::fprintf(stderr, "report-bench: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ptrack;
  const int patients = IntFlag(argc, argv, "patients", 1000);
  const int days = IntFlag(argc, argv, "days", 180);
  const int runs = IntFlag(argc, argv, "runs", 30);
  const std::filesystem::path dir =
      std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
  const std::filesystem::path db =
      dir / ("ptrack-report-bench-" + std::to_string(getpid()) + ".db");
  struct Cleanup {
    std::filesystem::path db;
    ~Cleanup() {
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + suffix);
    }
  } cleanup{db};

  auto store = SqliteStore::Open(db.string());
  if (!store.ok()) return Fail(store.status().ToString());
  if (auto c = LoadCatalogue(PTRACK_DATA_DIR "/catalogue", **store); !c.ok()) {
    return Fail(c.status().ToString());
  }
  auto defaults = LoadClinicalDefaults(PTRACK_DATA_DIR);
  if (!defaults.ok()) return Fail(defaults.status().ToString());
  const Instant now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  FakeClock clock(now);
  if (auto s = SeedDemo(**store, defaults->rules, now); !s.ok()) return Fail(s.status().ToString());
  auto protocol = (*store)->GetProtocol("upper-back-neck-core-12w");
  if (!protocol.ok()) return Fail(protocol.status().ToString());

  // Generation.
  const auto gen_start = Steady::now();
  const char* zones[] = {"America/New_York", "America/Chicago", "America/Los_Angeles",
                         "Europe/London", "Pacific/Auckland"};
  int sessions = 0;
  for (int p = 0; p < patients; ++p) {
    char id[40];
    std::snprintf(id, sizeof id, "b0000000-0000-4000-8000-%012d", p);
    Patient patient{id,           "demo",   "Bench patient " + std::to_string(p),
                    zones[p % 5], "rivera", std::string("bench") + std::to_string(p),
                    now,          1};
    Account account{patient.username, "", Role::kPatient, "demo", patient.id, now};
    if (auto c = (*store)->CreatePatient(patient, account); !c.ok())
      return Fail(c.status().ToString());
    const Zone zone = date::locate_zone(patient.time_zone);
    const LocalDate today = LocalDateOf(now, zone);
    Program program;
    program.id = std::string(id) + "-program";
    program.patient_id = patient.id;
    program.protocol_id = protocol->id;
    program.start_date = today - date::days{days};
    program.create_time = now;
    ProgramRevision first;
    first.effective_date = program.start_date;
    first.phases = protocol->phases;
    first.rules = defaults->rules;
    program.revisions = {first};
    if (auto c = (*store)->CreateProgram(program); !c.ok()) return Fail(c.status().ToString());
    for (int d = 0; d < days; ++d) {
      const LocalDate day = program.start_date + date::days{d};
      const PlanDay plan = PlanFor(program, day);
      // Every training day, except one in seven patients who stopped two weeks ago.
      if (!plan.training_day || (p % 7 == 0 && d > days - 14)) continue;
      Session s;
      char sid[40];
      std::snprintf(sid, sizeof sid, "%08x-0000-4000-8000-%012d", d, p);
      s.id = sid;
      s.patient_id = patient.id;
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
                               e.dose.load_kg, e.dose.band, e.dose.side, -1});
      }
      if (auto c = (*store)->LogSession(s); !c.ok()) return Fail(c.status().ToString());
      ++sessions;
    }
    if ((p + 1) % 100 == 0) std::fprintf(stderr, "\rgenerated %d/%d patients", p + 1, patients);
  }
  std::fprintf(stderr, "\n");
  const double gen_ms = Ms(Steady::now() - gen_start);

  PtrackServer::Config config;
  config.clinical = *defaults;
  config.summary_sweep_interval = std::chrono::seconds(0);
  PtrackServer server(**store, clock, config);
  if (auto s = server.Start(); !s.ok()) return Fail(s.ToString());
  const auto sweep_start = Steady::now();
  const SweepCounts swept = server.SweepSummaries();
  const double sweep_ms = Ms(Steady::now() - sweep_start);

  auto channel = server.InProcessChannel();
  v1::SignInRequest sign_in;
  sign_in.set_username("admin");
  sign_in.set_password("demo-admin-pass");
  v1::SignInResponse signed_in;
  {
    grpc::ClientContext ctx;
    auto s = v1::AuthService::NewStub(channel)->SignIn(&ctx, sign_in, &signed_in);
    if (!s.ok()) return Fail("sign-in: " + s.error_message());
  }
  auto report = v1::ReportService::NewStub(channel);
  auto call = [&](const std::string& token, v1::ClinicReport* out) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + signed_in.token());
    v1::GetClinicReportRequest req;
    req.set_parent("clinics/demo");
    req.set_page_size(200);
    req.set_page_token(token);
    return report->GetClinicReport(&ctx, req, out);
  };
  std::vector<double> first_page, all_pages;
  int rows = 0;
  for (int r = 0; r < runs; ++r) {
    auto t0 = Steady::now();
    v1::ClinicReport page;
    if (auto s = call("", &page); !s.ok()) return Fail("report: " + s.error_message());
    first_page.push_back(Ms(Steady::now() - t0));
    rows = page.rows_size();
    while (!page.next_page_token().empty()) {
      const std::string token = page.next_page_token();
      page.Clear();
      if (auto s = call(token, &page); !s.ok()) return Fail("report: " + s.error_message());
      rows += page.rows_size();
    }
    all_pages.push_back(Ms(Steady::now() - t0));
  }
  std::sort(first_page.begin(), first_page.end());
  std::sort(all_pages.begin(), all_pages.end());
  auto pct = [](const std::vector<double>& v, double q) {
    return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
  };
  server.Shutdown(std::chrono::milliseconds(0));
  std::printf("clinic: %d patients x %d days, %d sessions (generated in %.1f s)\n", patients, days,
              sessions, gen_ms / 1000);
  std::printf("summary sweep: %d patients evaluated in %.1f s (%.2f ms each), %d failed\n",
              swept.refreshed, sweep_ms / 1000, sweep_ms / std::max(1, swept.refreshed),
              swept.failed);
  std::printf("GetClinicReport, first page of 200 (attention order): p50 %.2f ms, p99 %.2f ms\n",
              pct(first_page, 0.5), pct(first_page, 0.99));
  std::printf("GetClinicReport, all %d rows (%d pages): p50 %.2f ms, p99 %.2f ms\n", rows,
              (rows + 199) / 200, pct(all_pages, 0.5), pct(all_pages, 0.99));
  return 0;
}
