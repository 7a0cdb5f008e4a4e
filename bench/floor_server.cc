// ptrack-floor: the floor under ptrackd's throughput figures (docs/PERFORMANCE.md) — the least
// work a server can do and still answer the calls ptrack-bench measures as ptrackd's contract
// requires, so that a target ptrackd misses can be told apart from one this machine cannot meet.
// It leaves out authentication (SignIn answers one fixed token, which no call checks),
// validation, the engine (a plan is one Plan built at start-up, of the shape of ptrackd's answer
// for one day: five exercises with dose, why and instructions of a real catalogue entry's
// length), the catalogue (ListExercises answers exercises/floor-1..5, enough for the bench's
// Target::Prepare), the executor, admission control, HTTP, reflection and TLS. It keeps what the
// contract makes every server pay: gRPC's callback API with the default health service (so the
// null RPC is the same health check as ptrackd's) and ptrackd's message-size limits; a
// LogSession durable before it is answered (WAL, synchronous=FULL, busy_timeout: ptrackd's
// pragmas) with its client session id unique per patient (a re-sent id with the same payload is
// answered as a replay, with another ALREADY_EXISTS) and its audit row in the same transaction;
// and a plan not answered before its audit row is durable. Every reactor is handed to one writer
// thread doing group commit (all queued calls, up to 256, in one BEGIN IMMEDIATE transaction),
// which finishes the batch's reactors after its COMMIT; a gRPC thread only fills the answer and
// enqueues. Flags: those of ptrackd that tests/integration/process.h passes (--db, --grpc-listen,
// --port-file, and --http-listen, which must be "off"); any other is refused.
#include <SQLiteCpp/SQLiteCpp.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ptrack/v1/auth.grpc.pb.h"
#include "ptrack/v1/catalog.grpc.pb.h"
#include "ptrack/v1/program.grpc.pb.h"
#include "ptrack/v1/session.grpc.pb.h"

namespace ptrack::bench {
namespace {

constexpr const char* kUsage =
    R"(Usage: ptrack-floor --db PATH [--grpc-listen ADDR] [--port-file PATH]
                    [--http-listen off]

The floor server of ptrack-bench (--floor): SignIn, ListExercises, a durable and audited
LogSession, an audited GetPlan of a fixed plan, and gRPC's health check. No authentication.

  --db PATH           SQLite database file (created when absent). Required.
  --grpc-listen ADDR  Loopback host:port (port 0 = any free port). Default: 127.0.0.1:50051
  --port-file PATH    After start-up, write "grpc=PORT" and "http=0" to PATH
  --http-listen off   Accepted for ptrackd's test launcher; no other value (no HTTP here)
)";

constexpr const char* kToken = "floor-token";
constexpr const char* kUser = "therapist";  // whom the fixed token stands for, in audit rows
constexpr size_t kMaxBatch = 256;
constexpr int kBusyTimeoutMs = 5000;  // ptrackd's (storage/sqlite_connection.h)
// A real catalogue entry's instructions (data/catalogue/exercises.json: 138..207 characters).
constexpr const char* kInstructions =
    "Lie on your back with your head on a folded towel and gently nod your chin as if saying a "
    "small 'yes', without lifting your head. Hold the nod, keeping the muscles at the front of "
    "your neck soft, then relax.";

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One call waiting for the group commit. The request and response belong to the call and live
// until its reactor is finished.
struct Write {
  grpc::ServerUnaryReactor* reactor = nullptr;
  int64_t time_ms = 0;
  const char* method = "";
  const std::string* patient = nullptr;  // the request's parent, as the audit row's patient
  // LogSession only (null for a read's audit row): the request, its session serialized, and the
  // response, which already echoes the session.
  const v1::LogSessionRequest* log = nullptr;
  std::string body;
  v1::LogSessionResponse* response = nullptr;
};

// The database and its one writer thread.
class GroupCommit {
 public:
  // Opens (or creates) the database with ptrackd's pragmas and the two tables. Throws
  // SQLite::Exception.
  explicit GroupCommit(const std::string& path) {
    db_ = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db_->exec("PRAGMA busy_timeout = " + std::to_string(kBusyTimeoutMs));
    db_->exec("PRAGMA synchronous = FULL");
    db_->exec("PRAGMA journal_mode = WAL");
    db_->exec(
        "CREATE TABLE IF NOT EXISTS sessions(id INTEGER PRIMARY KEY, patient TEXT NOT NULL, "
        "session_id TEXT NOT NULL, receive_ms INTEGER NOT NULL, body BLOB NOT NULL, "
        "UNIQUE(patient, session_id)) STRICT;"
        "CREATE TABLE IF NOT EXISTS audit_events(id INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, "
        "username TEXT NOT NULL, patient TEXT NOT NULL, method TEXT NOT NULL, "
        "outcome TEXT NOT NULL) STRICT;");
    insert_session_ = std::make_unique<SQLite::Statement>(
        *db_,
        "INSERT INTO sessions(patient, session_id, receive_ms, body) VALUES(?1, ?2, ?3, ?4) "
        "ON CONFLICT(patient, session_id) DO NOTHING");
    find_session_ = std::make_unique<SQLite::Statement>(
        *db_, "SELECT receive_ms, body FROM sessions WHERE patient = ?1 AND session_id = ?2");
    insert_audit_ = std::make_unique<SQLite::Statement>(
        *db_,
        "INSERT INTO audit_events(time_ms, username, patient, method, outcome) "
        "VALUES(?1, ?2, ?3, ?4, ?5)");
    thread_ = std::thread([this] { Loop(); });
  }

  // REQUIRES: no call enqueues any more (the server has shut down). Commits what is queued.
  ~GroupCommit() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }

  void Enqueue(Write w) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(std::move(w));
    }
    cv_.notify_one();
  }

 private:
  void Loop() {
    std::vector<Write> batch;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
        if (queue_.empty()) return;
        const auto n = static_cast<std::ptrdiff_t>(std::min(queue_.size(), kMaxBatch));
        batch.assign(std::make_move_iterator(queue_.begin()),
                     std::make_move_iterator(queue_.begin() + n));
        queue_.erase(queue_.begin(), queue_.begin() + n);
      }
      Commit(batch);
      batch.clear();
    }
  }

  // One transaction for the batch; then every call is answered.
  void Commit(std::vector<Write>& batch) {
    std::vector<grpc::Status> answers(batch.size());
    try {
      db_->exec("BEGIN IMMEDIATE");
      for (size_t i = 0; i < batch.size(); ++i) {
        Write& w = batch[i];
        const char* outcome = "OK";
        if (w.log != nullptr) {
          int64_t receive_ms = w.time_ms;
          SQLite::Statement& insert = *insert_session_;
          insert.reset();
          insert.bindNoCopy(1, *w.patient);
          insert.bindNoCopy(2, w.log->session_id());
          insert.bind(3, static_cast<int64_t>(w.time_ms));
          insert.bindNoCopy(4, w.body.data(), static_cast<int>(w.body.size()));
          if (insert.exec() == 0) {  // the id is stored: a replay, or another payload under it
            SQLite::Statement& find = *find_session_;
            find.reset();
            find.bindNoCopy(1, *w.patient);
            find.bindNoCopy(2, w.log->session_id());
            if (!find.executeStep()) throw std::runtime_error("a conflicting session vanished");
            const SQLite::Column stored = find.getColumn(1);
            if (static_cast<size_t>(stored.getBytes()) == w.body.size() &&
                std::memcmp(stored.getBlob(), w.body.data(), w.body.size()) == 0) {
              receive_ms = find.getColumn(0).getInt64();
              w.response->set_replayed(true);
            } else {
              answers[i] = grpc::Status(grpc::StatusCode::ALREADY_EXISTS,
                                        "a session with this id and another payload is stored");
              outcome = "ALREADY_EXISTS";
            }
            find.reset();
          }
          google::protobuf::Timestamp* t = w.response->mutable_session()->mutable_receive_time();
          t->set_seconds(receive_ms / 1000);
          t->set_nanos(static_cast<int32_t>(receive_ms % 1000) * 1000000);
        }
        SQLite::Statement& audit = *insert_audit_;
        audit.reset();
        audit.bind(1, static_cast<int64_t>(w.time_ms));
        audit.bindNoCopy(2, kUser);
        audit.bindNoCopy(3, *w.patient);
        audit.bindNoCopy(4, w.method);
        audit.bindNoCopy(5, outcome);
        audit.exec();
      }
      db_->exec("COMMIT");
    } catch (const std::exception& e) {
      // Nothing of the batch is stored, and every caller hears so (ptrackd's storage faults are
      // UNAVAILABLE too: the client retries with the same id).
      try {
        if (!sqlite3_get_autocommit(db_->getHandle())) db_->exec("ROLLBACK");
      } catch (const std::exception&) {
      }
      const grpc::Status failed(grpc::StatusCode::UNAVAILABLE,
                                std::string("the change is not confirmed: ") + e.what());
      std::fill(answers.begin(), answers.end(), failed);
    }
    for (size_t i = 0; i < batch.size(); ++i) batch[i].reactor->Finish(answers[i]);
  }

  std::unique_ptr<SQLite::Database> db_;
  std::unique_ptr<SQLite::Statement> insert_session_;
  std::unique_ptr<SQLite::Statement> find_session_;
  std::unique_ptr<SQLite::Statement> insert_audit_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Write> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

// "YYYY-MM-DD" in UTC.
std::string Today() {
  const std::time_t t = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &utc);
  return buf;
}

// The one plan every GetPlan answers: ptrackd's answer for one training day, in shape and size
// (2.1 KB; the demo patient's six exercises are 2.2 KB from ptrackd).
v1::Plan BuildPlan() {
  v1::Plan plan;
  plan.set_program(
      "clinics/demo/patients/bench-000001/programs/3f1c9a52-7b4e-4d21-9a0e-5c8f2d6b1e47");
  plan.set_time_zone("Europe/Berlin");
  plan.set_today(Today());
  v1::PlanDay* day = plan.add_days();
  day->set_date(plan.today());
  day->set_program_week(3);
  day->set_phase_number(1);
  day->set_phase_name("Calm and activate");
  day->set_training_day(true);
  day->set_revision(1);
  for (int i = 1; i <= 5; ++i) {
    v1::PlannedExercise* e = day->add_exercises();
    e->set_exercise("exercises/floor-" + std::to_string(i));
    e->set_display_name("Chin nod lying down");
    e->set_region(v1::REGION_NECK);
    v1::Dose* dose = e->mutable_dose();
    dose->set_sets(2);
    dose->set_reps(10);
    dose->set_hold_seconds(10);
    dose->set_rest_seconds(30);
    e->set_dose_step(2);
    e->set_why(  // as the engine explains a progression
        "Chin nod lying down: 1 x 10 reps, hold 5 s -> 2 x 10 reps, hold 10 s: 2 of 3 sessions "
        "done, pain 2/10 at most, effort 4/10.");
    e->set_instructions(kInstructions);
  }
  return plan;
}

class AuthFloor final : public v1::AuthService::CallbackService {
  grpc::ServerUnaryReactor* SignIn(grpc::CallbackServerContext* context,
                                   const v1::SignInRequest* req,
                                   v1::SignInResponse* resp) override {
    resp->set_token(kToken);
    resp->mutable_expire_time()->set_seconds(NowMs() / 1000 + 30 * 86400);
    v1::Principal* p = resp->mutable_principal();
    p->set_username(req->username());
    p->set_role(v1::ROLE_THERAPIST);
    p->set_clinic("clinics/demo");
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

class CatalogFloor final : public v1::CatalogService::CallbackService {
  grpc::ServerUnaryReactor* ListExercises(grpc::CallbackServerContext* context,
                                          const v1::ListExercisesRequest*,
                                          v1::ListExercisesResponse* resp) override {
    for (int i = 1; i <= 5; ++i) {
      v1::Exercise* e = resp->add_exercises();
      e->set_name("exercises/floor-" + std::to_string(i));
      e->set_display_name("Chin nod lying down");
      e->set_region(v1::REGION_NECK);
      e->set_instructions(kInstructions);
    }
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

class SessionFloor final : public v1::SessionService::CallbackService {
 public:
  explicit SessionFloor(GroupCommit& writes) : writes_(writes) {}

  grpc::ServerUnaryReactor* LogSession(grpc::CallbackServerContext* context,
                                       const v1::LogSessionRequest* req,
                                       v1::LogSessionResponse* resp) override {
    Write w;
    w.reactor = context->DefaultReactor();
    w.time_ms = NowMs();
    w.method = "/ptrack.v1.SessionService/LogSession";
    w.patient = &req->parent();
    w.log = req;
    req->session().SerializeToString(&w.body);
    *resp->mutable_session() = req->session();
    resp->mutable_session()->set_name(req->parent() + "/sessions/" + req->session_id());
    w.response = resp;
    grpc::ServerUnaryReactor* reactor = w.reactor;
    writes_.Enqueue(std::move(w));
    return reactor;
  }

 private:
  GroupCommit& writes_;
};

class ProgramFloor final : public v1::ProgramService::CallbackService {
 public:
  explicit ProgramFloor(GroupCommit& writes) : writes_(writes), plan_(BuildPlan()) {}

  grpc::ServerUnaryReactor* GetPlan(grpc::CallbackServerContext* context,
                                    const v1::GetPlanRequest* req, v1::Plan* resp) override {
    *resp = plan_;  // not sent before the audit row is committed
    Write w;
    w.reactor = context->DefaultReactor();
    w.time_ms = NowMs();
    w.method = "/ptrack.v1.ProgramService/GetPlan";
    w.patient = &req->parent();
    grpc::ServerUnaryReactor* reactor = w.reactor;
    writes_.Enqueue(std::move(w));
    return reactor;
  }

 private:
  GroupCommit& writes_;
  const v1::Plan plan_;
};

struct Flags {
  std::string db;
  std::string grpc_listen = "127.0.0.1:50051";
  std::string port_file;
};

// Returns false (after printing why) on a bad command line.
bool ParseFlags(int argc, char** argv, Flags& f, bool& help) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) {
        std::cerr << "ptrack-floor: " << arg << " needs a value\n";
        return false;
      }
      out = argv[++i];
      return true;
    };
    std::string http;
    if (arg == "--help" || arg == "-h") {
      help = true;
    } else if (arg == "--db") {
      if (!value(f.db)) return false;
    } else if (arg == "--grpc-listen") {
      if (!value(f.grpc_listen)) return false;
    } else if (arg == "--port-file") {
      if (!value(f.port_file)) return false;
    } else if (arg == "--http-listen") {
      if (!value(http)) return false;
      if (http != "off") {
        std::cerr << "ptrack-floor: serves no HTTP: --http-listen must be off\n";
        return false;
      }
    } else {
      std::cerr << "ptrack-floor: unknown flag " << arg << " (see --help)\n";
      return false;
    }
  }
  if (!help && f.db.empty()) {
    std::cerr << "ptrack-floor: --db PATH is required\n";
    return false;
  }
  return true;
}

bool IsLoopback(const std::string& address) {
  const std::string host = address.substr(0, address.rfind(':'));
  return host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

int Main(int argc, char** argv) {
  ::umask(077);
  Flags flags;
  bool help = false;
  if (!ParseFlags(argc, argv, flags, help)) return 2;
  if (help) {
    std::cout << kUsage;
    return 0;
  }
  if (!IsLoopback(flags.grpc_listen)) {
    std::cerr << "ptrack-floor: plaintext without authentication: listen on loopback only\n";
    return 2;
  }
  // The stop signals go to one thread that waits for them, as in ptrackd.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::unique_ptr<GroupCommit> writes;
  try {
    writes = std::make_unique<GroupCommit>(flags.db);
  } catch (const std::exception& e) {
    std::cerr << "ptrack-floor: " << flags.db << ": " << e.what() << "\n";
    return 1;
  }
  AuthFloor auth;
  CatalogFloor catalog;
  SessionFloor sessions(*writes);
  ProgramFloor programs(*writes);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(flags.grpc_listen, grpc::InsecureServerCredentials(), &port);
  builder.SetMaxReceiveMessageSize(1024 * 1024);  // ptrackd's limits (service/server.h)
  builder.SetMaxSendMessageSize(64 * 1024 * 1024);
  builder.RegisterService(&auth);
  builder.RegisterService(&catalog);
  builder.RegisterService(&sessions);
  builder.RegisterService(&programs);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::cerr << "ptrack-floor: cannot listen on " << flags.grpc_listen << "\n";
    return 1;
  }
  server->GetHealthCheckService()->SetServingStatus(true);
  if (!flags.port_file.empty()) {
    const std::string tmp = flags.port_file + ".tmp";
    std::ofstream(tmp) << "grpc=" << port << "\n"
                       << "http=0\n";
    std::rename(tmp.c_str(), flags.port_file.c_str());
  }
  std::cout << "ptrack-floor serving on 127.0.0.1:" << port << ", database " << flags.db
            << std::endl;

  std::thread stopper([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    server->GetHealthCheckService()->SetServingStatus(false);
    // The writer still runs: calls in its queue are committed and answered within the grace.
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(10));
  });
  server->Wait();
  stopper.join();
  writes.reset();
  std::cerr << "ptrack-floor: stopped\n";
  return 0;
}

}  // namespace
}  // namespace ptrack::bench

int main(int argc, char** argv) { return ptrack::bench::Main(argc, argv); }
