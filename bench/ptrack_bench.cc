// ptrack-bench: the performance harness (docs/PERFORMANCE.md). It generates a clinic of N
// patients x D days of history (clinic_gen.h), starts the real ptrackd on free ports over a copy
// of that database on disk (or targets a running server with --target), and measures, each for a
// fixed time with C calls in flight: the null RPC (grpc.health.v1.Health/Check, the baseline),
// durable LogSession with unique ids and 5 exercises, today's plan for random patients, LogSession
// through the Connect JSON bridge on the HTTP port, and the clinic report; in the full run also
// the report at 10,000 x 180 and 1,000 x 360 days, and resident memory with 10,000 patients under
// load. It prints a table, or with --json one JSON object. Ratios are taken within one run,
// because this machine's absolute speed drifts. It asserts nothing about speed.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <httplib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>

#include "bench/clinic_gen.h"
#include "bench/load.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "ptrack/v1/auth.grpc.pb.h"
#include "ptrack/v1/catalog.grpc.pb.h"
#include "ptrack/v1/program.grpc.pb.h"
#include "ptrack/v1/report.grpc.pb.h"
#include "ptrack/v1/session.grpc.pb.h"
#include "tests/integration/process.h"

namespace ptrack::bench {
namespace {

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

struct Options {
  bool quick = false;
  bool json = false;
  std::string target;       // host:port of a running server (skips generation)
  std::string http_target;  // its HTTP port, for the Connect phase
  int patients = 1000;
  int days = 180;
  double seconds = 10;
  int inflight = 64;
  int report_runs = 30;
  std::string data_dir = PTRACK_DATA_DIR;
};

std::string Arg(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == "--" + name) return argv[i + 1];
  }
  return fallback;
}

bool Has(int argc, char** argv, const std::string& name) {
  for (int i = 1; i < argc; ++i) {
    if (argv[i] == "--" + name) return true;
  }
  return false;
}

// Progress on a terminal only (a log file gets no carriage returns).
void Progress(const std::string& what, int done, int total) {
  if (!isatty(STDERR_FILENO)) return;
  const int width = 30, filled = total == 0 ? width : width * done / total;
  std::fprintf(stderr, "\r%-28s [%s%s] %d/%d", what.c_str(), std::string(filled, '#').c_str(),
               std::string(width - filled, '.').c_str(), done, total);
  if (done == total) std::fprintf(stderr, "\n");
}

void Say(const Options& o, const std::string& line) {
  if (!o.json || isatty(STDERR_FILENO)) std::fprintf(stderr, "%s\n", line.c_str());
}

std::string Uuid(std::mt19937_64& rng) {
  char buf[40];
  const uint64_t a = rng(), b = rng();
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

double RssMb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

// One server under test and what the phases need to talk to it.
class Target {
 public:
  Target(const std::string& address, int http_port) : http_port_(http_port) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
    channel_ = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
    health_ = grpc::health::v1::Health::NewStub(channel_);
    sessions_ = v1::SessionService::NewStub(channel_);
    programs_ = v1::ProgramService::NewStub(channel_);
    reports_ = v1::ReportService::NewStub(channel_);
  }

  // Signs in as the demo therapist (every generated patient's) and reads the exercises a
  // session logs. Returns "" or the error.
  std::string Prepare(const std::vector<std::string>& patient_ids) {
    patients_ = patient_ids;
    v1::SignInRequest req;
    req.set_username("therapist");
    req.set_password("demo-therapist-pass");
    v1::SignInResponse resp;
    grpc::ClientContext ctx;
    auto s = v1::AuthService::NewStub(channel_)->SignIn(&ctx, req, &resp);
    if (!s.ok()) return "sign-in: " + s.error_message();
    token_ = resp.token();
    v1::ListExercisesRequest list;
    list.set_page_size(5);
    v1::ListExercisesResponse exercises;
    grpc::ClientContext ctx2;
    Authorize(ctx2);
    s = v1::CatalogService::NewStub(channel_)->ListExercises(&ctx2, list, &exercises);
    if (!s.ok() || exercises.exercises_size() < 5) return "exercises: " + s.error_message();
    for (const auto& e : exercises.exercises()) exercise_names_.push_back(e.name());
    return "";
  }

  void Authorize(grpc::ClientContext& ctx) const {
    ctx.AddMetadata("authorization", "Bearer " + token_);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  }

  std::string Patient(std::mt19937_64& rng) const {
    return "clinics/demo/patients/" + patients_[rng() % patients_.size()];
  }

  // A session of 5 exercises, performed a minute ago, with a fresh id.
  v1::LogSessionRequest SessionRequest(std::mt19937_64& rng) const {
    v1::LogSessionRequest req;
    req.set_parent(Patient(rng));
    req.set_session_id(Uuid(rng));
    v1::Session* s = req.mutable_session();
    const auto when = std::chrono::system_clock::now() - std::chrono::minutes(1);
    s->mutable_perform_time()->set_seconds(std::chrono::system_clock::to_time_t(when));
    s->set_pain_before(2);
    s->set_pain_after(2);
    s->set_effort(4);
    for (const std::string& name : exercise_names_) {
      v1::ExerciseLog* l = s->add_exercises();
      l->set_exercise(name);
      l->set_sets(3);
      l->set_reps(10);
      l->set_hold_seconds(5);
    }
    s->set_notes("felt fine");
    return req;
  }

  LoadFigures NullRpc(int inflight, double seconds) {
    return Unary<grpc::health::v1::HealthCheckRequest, grpc::health::v1::HealthCheckResponse>(
        inflight, seconds, 0, false, [](std::mt19937_64&, auto&) {},
        [&](auto* ctx, auto* req, auto* resp, auto done) {
          health_->async()->Check(ctx, req, resp, std::move(done));
        },
        [](const grpc::Status& s, const auto&) { return s.ok(); });
  }

  LoadFigures LogSessions(int inflight, double seconds) {
    return Unary<v1::LogSessionRequest, v1::LogSessionResponse>(
        inflight, seconds, 1000, true,
        [&](std::mt19937_64& rng, v1::LogSessionRequest& req) { req = SessionRequest(rng); },
        [&](auto* ctx, auto* req, auto* resp, auto done) {
          sessions_->async()->LogSession(ctx, req, resp, std::move(done));
        },
        // A replay would mean the id was not fresh: count it as a failure.
        [](const grpc::Status& s, const v1::LogSessionResponse& r) {
          return s.ok() && !r.replayed();
        });
  }

  LoadFigures Plans(int inflight, double seconds) {
    return Unary<v1::GetPlanRequest, v1::Plan>(
        inflight, seconds, 2000, true,
        [&](std::mt19937_64& rng, v1::GetPlanRequest& req) { req.set_parent(Patient(rng)); },
        [&](auto* ctx, auto* req, auto* resp, auto done) {
          programs_->async()->GetPlan(ctx, req, resp, std::move(done));
        },
        [](const grpc::Status& s, const auto&) { return s.ok(); });
  }

  // LogSession as JSON through the Connect bridge, one blocking client per thread.
  LoadFigures ConnectLogSessions(int threads, double seconds) {
    if (http_port_ == 0) return {};
    std::vector<std::unique_ptr<httplib::Client>> clients;
    std::vector<std::mt19937_64> rngs;
    for (int t = 0; t < threads; ++t) {
      clients.push_back(std::make_unique<httplib::Client>("127.0.0.1", http_port_));
      clients.back()->set_keep_alive(true);
      clients.back()->set_tcp_nodelay(true);  // as a browser does
      clients.back()->set_read_timeout(60, 0);
      rngs.emplace_back(3000 + t);
    }
    const httplib::Headers headers = {{"Authorization", "Bearer " + token_}};
    return RunThreadedLoad(threads, seconds, [&](int t) -> std::string {
      std::string body;
      (void)google::protobuf::util::MessageToJsonString(SessionRequest(rngs[t]), &body);
      auto res = clients[t]->Post("/ptrack.v1.SessionService/LogSession", headers, body,
                                  "application/json");
      if (!res) return "HTTP: " + httplib::to_string(res.error());
      if (res->status != 200) return "HTTP " + std::to_string(res->status) + ": " + res->body;
      return "";
    });
  }

  // Milliseconds per GetClinicReport (the first page of 200 in the default order): the median
  // of `runs` calls one after another, and the rows the report has.
  std::pair<double, int> Report(int runs) {
    std::vector<double> ms;
    int total = 0;
    for (int r = 0; r < runs; ++r) {
      grpc::ClientContext ctx;
      Authorize(ctx);
      v1::GetClinicReportRequest req;
      req.set_parent("clinics/demo");
      req.set_page_size(200);
      v1::ClinicReport resp;
      const auto t0 = Steady::now();
      auto s = reports_->GetClinicReport(&ctx, req, &resp);
      ms.push_back(std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
      if (!s.ok()) return {-1, 0};
      total = resp.total_size();
    }
    return {Quantile(ms, 0.5), total};
  }

 private:
  // Keeps `inflight` unary calls going through the stub's callback API: fill(rng, request) builds
  // each request (one random stream per slot, seeded from `seed`), issue(context, request,
  // response, done) starts the call, ok(status, response) judges the answer.
  template <typename Req, typename Resp, typename Fill, typename Issue, typename Ok>
  LoadFigures Unary(int inflight, double seconds, uint64_t seed, bool authorize, Fill fill,
                    Issue issue, Ok ok) {
    std::vector<std::mt19937_64> rngs;
    for (int i = 0; i < inflight; ++i) rngs.emplace_back(seed + static_cast<uint64_t>(i));
    return RunCallbackLoad(inflight, seconds, [&](int slot, auto done) {
      struct Pending {
        grpc::ClientContext ctx;
        Req req;
        Resp resp;
      };
      auto* p = new Pending;
      if (authorize) Authorize(p->ctx);
      fill(rngs[slot], p->req);
      issue(&p->ctx, &p->req, &p->resp, [p, done, ok](grpc::Status s) {
        done(ok(s, p->resp), s.error_message());
        delete p;
      });
    });
  }

  int http_port_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
  std::unique_ptr<v1::SessionService::Stub> sessions_;
  std::unique_ptr<v1::ProgramService::Stub> programs_;
  std::unique_ptr<v1::ReportService::Stub> reports_;
  std::vector<std::string> patients_;
  std::vector<std::string> exercise_names_;
  std::string token_;
};

// A generated clinic served by a fresh ptrackd in `dir`.
struct Served {
  GeneratedClinic clinic;
  double db_bytes_per_session = 0;
  double startup_ms = 0;
  std::unique_ptr<testing::Ptrackd> server;
  std::unique_ptr<Target> target;
};

Result<Served> Serve(const Options& o, const fs::path& dir, int patients, int days) {
  Served out;
  // Generated on a memory file system when there is one (the history is written with fsync per
  // session), then copied to disk, where the server under test keeps it.
  const fs::path scratch = fs::exists("/dev/shm") ? fs::path("/dev/shm") : dir;
  const fs::path generated =
      scratch / ("ptrack-bench-" + std::to_string(getpid()) + "-" + std::to_string(patients) + "x" +
                 std::to_string(days) + ".db");
  const std::string what = "clinic " + std::to_string(patients) + " x " + std::to_string(days);
  auto clinic = GenerateClinic(generated.string(), o.data_dir, patients, days,
                               [&](int done, int total) { Progress(what, done, total); });
  if (!clinic.ok()) return clinic.status();
  out.clinic = *clinic;
  const fs::path db = dir / (std::to_string(patients) + "x" + std::to_string(days) + ".db");
  fs::copy_file(generated, db, fs::copy_options::overwrite_existing);
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(generated.string() + suffix);
  out.db_bytes_per_session =
      static_cast<double>(fs::file_size(db)) / std::max(1, out.clinic.sessions);

  const auto t0 = Steady::now();
  try {
    out.server = std::make_unique<testing::Ptrackd>(
        PTRACKD, db.string(), dir.string(),
        std::vector<std::string>{"--data-dir", o.data_dir, "--web-dir", dir.string()});
  } catch (const std::exception& e) {
    return Status::Unavailable(std::string("ptrackd did not start: ") + e.what());
  }
  out.startup_ms = std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
  out.target = std::make_unique<Target>(out.server->address(), out.server->http_port());
  std::vector<std::string> ids;
  for (int i = 0; i < patients; ++i) ids.push_back(BenchPatientId(i));
  if (auto e = out.target->Prepare(ids); !e.empty()) return Status::Unavailable(e);
  return out;
}

std::string Num(double v, int decimals = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

int Main(int argc, char** argv) {
  Options o;
  o.quick = Has(argc, argv, "quick");
  o.json = Has(argc, argv, "json");
  if (Has(argc, argv, "help")) {
    std::cout << "Usage: ptrack-bench [--quick] [--json] [--patients N] [--days D] [--seconds S]\n"
                 "                    [--inflight C] [--target HOST:PORT [--http-port P]]\n"
                 "Full run: 1,000 x 180 days (plus 10,000 x 180 and 1,000 x 360 for the report),\n"
                 "10 s per phase, 64 calls in flight. --quick: 200 x 60, 3 s, no 10k clinic.\n";
    return 0;
  }
  if (o.quick) {
    o.patients = 200;
    o.days = 60;
    o.seconds = 3;
    o.report_runs = 10;
  }
  o.patients = std::stoi(Arg(argc, argv, "patients", std::to_string(o.patients)));
  o.days = std::stoi(Arg(argc, argv, "days", std::to_string(o.days)));
  o.seconds = std::stod(Arg(argc, argv, "seconds", Num(o.seconds, 3)));
  o.inflight = std::stoi(Arg(argc, argv, "inflight", std::to_string(o.inflight)));
  o.target = Arg(argc, argv, "target", "");
  const int http_port = std::stoi(Arg(argc, argv, "http-port", "0"));

  std::map<std::string, double> fig;
  std::vector<std::pair<std::string, std::string>> notes;
  const fs::path dir = fs::temp_directory_path() / ("ptrack-bench-" + std::to_string(getpid()));
  fs::create_directories(dir);
  struct Cleanup {
    fs::path dir;
    ~Cleanup() { fs::remove_all(dir); }
  } cleanup{dir};

  std::unique_ptr<Target> external;
  Served main_clinic;
  Target* t = nullptr;
  if (!o.target.empty()) {
    external = std::make_unique<Target>(o.target, http_port);
    std::vector<std::string> ids;  // the demo clinic's own patient
    ids.push_back("jordan");
    if (auto e = external->Prepare(ids); !e.empty()) {
      std::cerr << "ptrack-bench: " << e << "\n";
      return 1;
    }
    t = external.get();
  } else {
    auto served = Serve(o, dir, o.patients, o.days);
    if (!served.ok()) {
      std::cerr << "ptrack-bench: " << served.status().ToString() << "\n";
      return 1;
    }
    main_clinic = std::move(*served);
    t = main_clinic.target.get();
    fig["sessions_generated"] = main_clinic.clinic.sessions;
    fig["db_bytes_per_session"] = main_clinic.db_bytes_per_session;
    fig["startup_ms"] = main_clinic.startup_ms;
    fig["sweep_ms_per_patient"] = 1000 * main_clinic.clinic.sweep_s / o.patients;
  }

  auto phase = [&](const std::string& name, LoadFigures f) {
    Say(o, name + ": " + Num(f.qps, 0) + " calls/s, p50 " + Num(f.p50_ms, 2) + " ms, p99 " +
               Num(f.p99_ms, 2) + " ms, " + std::to_string(f.failed) + " failed" +
               (f.first_error.empty() ? "" : " (first: " + f.first_error + ")"));
    fig[name + "_qps"] = f.qps;
    fig[name + "_p99_ms"] = f.p99_ms;
    fig[name + "_p50_ms"] = f.p50_ms;
    fig[name + "_failed"] = static_cast<double>(f.failed);
    return f;
  };
  const LoadFigures null_rpc = phase("null_rpc", t->NullRpc(o.inflight, o.seconds));
  const LoadFigures log = phase("log_session", t->LogSessions(o.inflight, o.seconds));
  const LoadFigures plan = phase("plan", t->Plans(o.inflight, o.seconds));
  const LoadFigures connect =
      phase("connect_log", t->ConnectLogSessions(std::min(o.inflight, 16), o.seconds));
  if (main_clinic.server) fig["rss_mb"] = RssMb(main_clinic.server->pid());
  fig["log_ratio"] = null_rpc.qps > 0 ? log.qps / null_rpc.qps : 0;
  fig["plan_ratio"] = null_rpc.qps > 0 ? plan.qps / null_rpc.qps : 0;
  fig["connect_log_ratio"] = log.qps > 0 ? connect.qps / log.qps : 0;
  fig["log_p99_over_null_p99"] = null_rpc.p99_ms > 0 ? log.p99_ms / null_rpc.p99_ms : 0;
  const auto [report_ms, report_rows] = t->Report(o.report_runs);
  fig["report_ms"] = report_ms;
  fig["report_rows"] = report_rows;
  Say(o, "report (" + std::to_string(report_rows) + " rows): " + Num(report_ms, 2) + " ms");
  if (o.patients == 1000 && o.days == 180) fig["report_ms_1k"] = report_ms;

  if (!o.quick && o.target.empty()) {
    main_clinic.server.reset();  // one server at a time on two cores
    auto big = Serve(o, dir, 10 * o.patients, o.days);
    if (!big.ok()) {
      std::cerr << "ptrack-bench: " << big.status().ToString() << "\n";
      return 1;
    }
    fig["report_ms_10k"] = big->target->Report(o.report_runs).first;
    // Resident memory with the large clinic under load: a short mixed burst, then measured.
    big->target->LogSessions(o.inflight, o.seconds / 2);
    big->target->Plans(o.inflight, o.seconds / 2);
    fig["rss_mb_10k"] = RssMb(big->server->pid());
    fig["rss_mb"] = fig["rss_mb_10k"];  // the issue's figure: 10,000 patients under load
    Say(o, "report at " + std::to_string(10 * o.patients) + " x " + std::to_string(o.days) + ": " +
               Num(fig["report_ms_10k"], 2) + " ms; RSS " + Num(fig["rss_mb_10k"], 0) + " MB");
    big->server.reset();
    auto longer = Serve(o, dir, o.patients, 2 * o.days);
    if (!longer.ok()) {
      std::cerr << "ptrack-bench: " << longer.status().ToString() << "\n";
      return 1;
    }
    const double report_long = longer->target->Report(o.report_runs).first;
    fig["report_growth_360_180"] = report_ms > 0 ? report_long / report_ms : 0;
    Say(o, "report at " + std::to_string(o.patients) + " x " + std::to_string(2 * o.days) + ": " +
               Num(report_long, 2) + " ms");
  }

  if (o.json) {
    // The issue's figures always appear; one this run did not measure is null.
    std::map<std::string, std::string> text;
    for (const char* k : {"report_ms_1k", "report_ms_10k", "report_growth_360_180", "rss_mb"}) {
      text[k] = "null";
    }
    for (const auto& [k, v] : fig) text[k] = Num(v, 4);
    std::ostringstream out;
    out << "{";
    bool first = true;
    for (const auto& [k, v] : text) {
      out << (first ? "" : ",") << "\"" << k << "\":" << v;
      first = false;
    }
    out << "}";
    std::cout << out.str() << "\n";
    return 0;
  }
  std::printf("\n%-26s %s\n", "figure", "value");
  for (const auto& [k, v] : fig) std::printf("%-26s %s\n", k.c_str(), Num(v, 3).c_str());
  return 0;
}

}  // namespace
}  // namespace ptrack::bench

int main(int argc, char** argv) { return ptrack::bench::Main(argc, argv); }
