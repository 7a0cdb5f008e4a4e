// The server under test: signing in, the calls of each kind, and the phases made of them.
#include "bench/target.h"

#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "ptrack/v1/auth.grpc.pb.h"
#include "ptrack/v1/catalog.grpc.pb.h"

namespace ptrack::bench {
namespace {

using Steady = std::chrono::steady_clock;

std::string Uuid(std::mt19937_64& rng) {
  char buf[40];
  const uint64_t a = rng(), b = rng();
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

// "YYYY-MM-DD" in UTC, `days_ago` days before now.
std::string UtcDate(int days_ago) {
  const std::time_t t =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()) - days_ago * 86400;
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &utc);
  return buf;
}

}  // namespace

std::string CodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  const int i = static_cast<int>(code);
  return i >= 0 && i < 17 ? kNames[i] : "CODE_" + std::to_string(i);
}

Target::Target(const std::string& address, int http_port) : http_port_(http_port) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  channel_ = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  health_ = grpc::health::v1::Health::NewStub(channel_);
  sessions_ = v1::SessionService::NewStub(channel_);
  programs_ = v1::ProgramService::NewStub(channel_);
  reports_ = v1::ReportService::NewStub(channel_);
}

std::string Target::Prepare(const std::vector<std::string>& patient_ids) {
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

void Target::Authorize(grpc::ClientContext& ctx) const {
  ctx.AddMetadata("authorization", "Bearer " + token_);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
}

std::string Target::Patient(std::mt19937_64& rng) const {
  return "clinics/demo/patients/" + patients_[rng() % patients_.size()];
}

v1::LogSessionRequest Target::SessionRequest(std::mt19937_64& rng) const {
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

v1::GetClinicReportRequest Target::ReportRequest() {
  v1::GetClinicReportRequest req;
  req.set_parent("clinics/demo");
  req.set_page_size(200);
  return req;
}

UnaryCall<grpc::health::v1::HealthCheckRequest, grpc::health::v1::HealthCheckResponse>
Target::HealthCall() {
  return {false, [](std::mt19937_64&, auto&) {},
          [this](auto* ctx, auto* req, auto* resp, auto done) {
            health_->async()->Check(ctx, req, resp, std::move(done));
          },
          [](const grpc::Status& s, const auto&) { return s.ok(); }};
}

UnaryCall<v1::LogSessionRequest, v1::LogSessionResponse> Target::LogSessionCall() {
  return {true,
          [this](std::mt19937_64& rng, v1::LogSessionRequest& req) { req = SessionRequest(rng); },
          [this](auto* ctx, auto* req, auto* resp, auto done) {
            sessions_->async()->LogSession(ctx, req, resp, std::move(done));
          },
          // A replay would mean the id was not fresh: count it as a failure.
          [](const grpc::Status& s, const v1::LogSessionResponse& r) {
            return s.ok() && !r.replayed();
          },
          "REPLAYED"};
}

UnaryCall<v1::GetPlanRequest, v1::Plan> Target::PlanCall() {
  return {true,
          [this](std::mt19937_64& rng, v1::GetPlanRequest& req) { req.set_parent(Patient(rng)); },
          [this](auto* ctx, auto* req, auto* resp, auto done) {
            programs_->async()->GetPlan(ctx, req, resp, std::move(done));
          },
          [](const grpc::Status& s, const auto&) { return s.ok(); }};
}

UnaryCall<v1::ListSessionsRequest, v1::ListSessionsResponse> Target::ListSessionsCall() {
  return {true,
          [this](std::mt19937_64& rng, v1::ListSessionsRequest& req) {
            req.set_parent(Patient(rng));
            req.set_page_size(20);
          },
          [this](auto* ctx, auto* req, auto* resp, auto done) {
            sessions_->async()->ListSessions(ctx, req, resp, std::move(done));
          },
          [](const grpc::Status& s, const auto&) { return s.ok(); }};
}

UnaryCall<v1::GetAdherenceRequest, v1::Adherence> Target::AdherenceCall() {
  return {true,
          [this](std::mt19937_64& rng, v1::GetAdherenceRequest& req) {
            req.set_parent(Patient(rng));
            req.set_start_date(UtcDate(27));
            req.set_end_date(UtcDate(0));
          },
          [this](auto* ctx, auto* req, auto* resp, auto done) {
            sessions_->async()->GetAdherence(ctx, req, resp, std::move(done));
          },
          [](const grpc::Status& s, const auto&) { return s.ok(); }};
}

UnaryCall<v1::GetClinicReportRequest, v1::ClinicReport> Target::ReportCall() {
  return {true, [](std::mt19937_64&, v1::GetClinicReportRequest& req) { req = ReportRequest(); },
          [this](auto* ctx, auto* req, auto* resp, auto done) {
            reports_->async()->GetClinicReport(ctx, req, resp, std::move(done));
          },
          [](const grpc::Status& s, const auto&) { return s.ok(); }};
}

template <typename Req, typename Resp>
LoadFigures Target::Unary(const UnaryCall<Req, Resp>& call, int inflight, double seconds,
                          uint64_t seed) {
  std::vector<std::mt19937_64> rngs;
  for (int i = 0; i < inflight; ++i) rngs.emplace_back(seed + static_cast<uint64_t>(i));
  return RunCallbackLoad(inflight, seconds, [&](int slot, auto done) {
    struct Pending {
      grpc::ClientContext ctx;
      Req req;
      Resp resp;
    };
    auto* p = new Pending;
    if (call.authorize) Authorize(p->ctx);
    call.fill(rngs[slot], p->req);
    call.issue(&p->ctx, &p->req, &p->resp, [p, done, ok = call.ok](grpc::Status s) {
      done(ok(s, p->resp), s.error_message());
      delete p;
    });
  });
}

LoadFigures Target::NullRpc(int inflight, double seconds) {
  return Unary(HealthCall(), inflight, seconds, 0);
}

LoadFigures Target::LogSessions(int inflight, double seconds, int round) {
  return Unary(LogSessionCall(), inflight, seconds, 1000 + 1000003ULL * round);
}

LoadFigures Target::Plans(int inflight, double seconds) {
  return Unary(PlanCall(), inflight, seconds, 2000);
}

LoadFigures Target::ColdPlans(int inflight, double seconds) {
  UnaryCall<v1::GetPlanRequest, v1::Plan> call = PlanCall();
  call.issue = [this](grpc::ClientContext* ctx, v1::GetPlanRequest* req, v1::Plan* resp,
                      std::function<void(grpc::Status)> done) {
    // The session first, for the plan's patient, on its own context and messages.
    struct Pair {
      grpc::ClientContext log_ctx;
      v1::LogSessionRequest log_req;
      v1::LogSessionResponse log_resp;
    };
    auto pair = std::make_shared<Pair>();
    Authorize(pair->log_ctx);
    std::mt19937_64 rng(
        std::hash<std::string>{}(req->parent()) ^
        static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
    pair->log_req = SessionRequest(rng);
    pair->log_req.set_parent(req->parent());
    sessions_->async()->LogSession(
        &pair->log_ctx, &pair->log_req, &pair->log_resp,
        [this, pair, ctx, req, resp, done = std::move(done)](grpc::Status s) mutable {
          if (!s.ok()) {
            done(s);
            return;
          }
          programs_->async()->GetPlan(ctx, req, resp, std::move(done));
        });
  };
  return Unary(call, inflight, seconds, 2500);
}

std::unique_ptr<httplib::Client> Target::HttpClient() const {
  auto client = std::make_unique<httplib::Client>("127.0.0.1", http_port_);
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);  // as a browser does
  client->set_read_timeout(60, 0);
  return client;
}

std::string Target::ConnectLogSession(httplib::Client& client, std::mt19937_64& rng,
                                      std::string* code) const {
  const httplib::Headers headers = {{"Authorization", "Bearer " + token_}};
  std::string body;
  (void)google::protobuf::util::MessageToJsonString(SessionRequest(rng), &body);
  auto res = client.Post("/ptrack.v1.SessionService/LogSession", headers, body, "application/json");
  if (!res) {
    if (code) *code = "HTTP " + httplib::to_string(res.error());
    return "HTTP: " + httplib::to_string(res.error());
  }
  if (res->status != 200) {
    if (code) *code = "HTTP " + std::to_string(res->status);
    return "HTTP " + std::to_string(res->status) + ": " + res->body;
  }
  return "";
}

LoadFigures Target::ConnectLogSessions(int threads, double seconds) {
  if (http_port_ == 0) return {};
  std::vector<std::unique_ptr<httplib::Client>> clients;
  std::vector<std::mt19937_64> rngs;
  for (int t = 0; t < threads; ++t) {
    clients.push_back(HttpClient());
    rngs.emplace_back(3000 + t);
  }
  return RunThreadedLoad(threads, seconds, [&](int t) -> std::string {
    return ConnectLogSession(*clients[t], rngs[t]);
  });
}

std::pair<double, int> Target::Report(int runs) {
  std::vector<double> ms;
  int total = 0;
  for (int r = 0; r < runs; ++r) {
    grpc::ClientContext ctx;
    Authorize(ctx);
    const v1::GetClinicReportRequest req = ReportRequest();
    v1::ClinicReport resp;
    const auto t0 = Steady::now();
    auto s = reports_->GetClinicReport(&ctx, req, &resp);
    ms.push_back(std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
    if (!s.ok()) return {-1, 0};
    total = resp.total_size();
  }
  return {Quantile(ms, 0.5), total};
}

}  // namespace ptrack::bench
