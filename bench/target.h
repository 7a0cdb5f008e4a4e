// The server under test, as ptrack-bench talks to it. A Target holds one gRPC channel (and the
// HTTP port of the Connect bridge, when there is one) to a ptrackd, signs in as the demo therapist
// and reads the exercises a session logs (Prepare), and then makes the calls the phases and the
// soak measure: each kind of unary call as a UnaryCall (how its request is made from a random
// stream, started on the callback API, and judged), the closed-loop phases built from them (null
// RPC, LogSession, GetPlan, LogSession through the Connect bridge), the clinic report timed one
// call after another, and single calls waited for (Once, ConnectLogSession) for the soak's mix.
// Requests name random patients of those given to Prepare; every LogSession has a fresh id.
#pragma once

#include <grpcpp/grpcpp.h>
#include <httplib.h>

#include <functional>
#include <future>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "bench/load.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "ptrack/v1/program.grpc.pb.h"
#include "ptrack/v1/report.grpc.pb.h"
#include "ptrack/v1/session.grpc.pb.h"

namespace ptrack::bench {

// The name of a gRPC status code, as the soak counts errors by code.
std::string CodeName(grpc::StatusCode code);

// One kind of unary call: how each request is made from a random stream, how it is started on
// the stub's callback API, and how the answer is judged (status and response). The closed-loop
// phases and the soak's mix make their calls from these.
template <typename Req, typename Resp>
struct UnaryCall {
  bool authorize = true;
  std::function<void(std::mt19937_64&, Req&)> fill;
  std::function<void(grpc::ClientContext*, Req*, Resp*, std::function<void(grpc::Status)>)> issue;
  std::function<bool(const grpc::Status&, const Resp&)> ok;
  std::string rejected = "REJECTED";  // the error code when the status is OK but ok() is false
};

// One server under test and what the phases need to talk to it.
class Target {
 public:
  Target(const std::string& address, int http_port);

  // Signs in as the demo therapist (every generated patient's) and reads the exercises a
  // session logs. Returns "" or the error.
  std::string Prepare(const std::vector<std::string>& patient_ids);

  void Authorize(grpc::ClientContext& ctx) const;

  std::string Patient(std::mt19937_64& rng) const;

  // A session of 5 exercises, performed a minute ago, with a fresh id.
  v1::LogSessionRequest SessionRequest(std::mt19937_64& rng) const;

  // The first page of 200 of the clinic report in the default order.
  static v1::GetClinicReportRequest ReportRequest();

  UnaryCall<grpc::health::v1::HealthCheckRequest, grpc::health::v1::HealthCheckResponse>
  HealthCall();
  UnaryCall<v1::LogSessionRequest, v1::LogSessionResponse> LogSessionCall();
  UnaryCall<v1::GetPlanRequest, v1::Plan> PlanCall();
  // A phone's history screen: the 20 newest sessions.
  UnaryCall<v1::ListSessionsRequest, v1::ListSessionsResponse> ListSessionsCall();
  // Adherence over the last 28 days (UTC dates).
  UnaryCall<v1::GetAdherenceRequest, v1::Adherence> AdherenceCall();
  UnaryCall<v1::GetClinicReportRequest, v1::ClinicReport> ReportCall();

  LoadFigures NullRpc(int inflight, double seconds);
  // Fresh session ids each `round` (the same round twice would re-send its ids: replays).
  LoadFigures LogSessions(int inflight, double seconds, int round = 0);
  LoadFigures Plans(int inflight, double seconds);
  // Cold plans: each call is a LogSession for a random patient and, as soon as it is answered,
  // GetPlan for the same patient — so the plan cannot come from an evaluation cached before the
  // session (the summary worker may have refreshed it in between: that work is part of the
  // figure). The figures are of the pairs; qps counts cold plans.
  LoadFigures ColdPlans(int inflight, double seconds);

  // One call made and waited for: "" on success, else the error code (the status code's name, or
  // the call's `rejected` code), with the message in *message.
  template <typename Req, typename Resp>
  std::string Once(const UnaryCall<Req, Resp>& call, std::mt19937_64& rng, std::string* message) {
    grpc::ClientContext ctx;
    Req req;
    Resp resp;
    if (call.authorize) Authorize(ctx);
    call.fill(rng, req);
    auto answered = std::make_shared<std::promise<grpc::Status>>();
    std::future<grpc::Status> answer = answered->get_future();
    call.issue(&ctx, &req, &resp,
               [answered](grpc::Status s) { answered->set_value(std::move(s)); });
    const grpc::Status s = answer.get();
    if (call.ok(s, resp)) return "";
    *message = s.error_message();
    return s.ok() ? call.rejected : CodeName(s.error_code());
  }

  bool has_http() const { return http_port_ != 0; }

  // A blocking HTTP client for the Connect bridge, kept alive, with TCP_NODELAY as a browser.
  std::unique_ptr<httplib::Client> HttpClient() const;

  // LogSession as JSON through the Connect bridge: "" or the error; *code (when given) gets a
  // short code for it ("HTTP 503", "HTTP Read").
  std::string ConnectLogSession(httplib::Client& client, std::mt19937_64& rng,
                                std::string* code = nullptr) const;

  // LogSession through the Connect bridge, one blocking client per thread.
  LoadFigures ConnectLogSessions(int threads, double seconds);

  // Milliseconds per GetClinicReport (the first page of 200 in the default order): the median
  // of `runs` calls one after another, and the rows the report has.
  std::pair<double, int> Report(int runs);

 private:
  // Keeps `inflight` calls of one kind going through the stub's callback API (one random stream
  // per slot, seeded from `seed`).
  template <typename Req, typename Resp>
  LoadFigures Unary(const UnaryCall<Req, Resp>& call, int inflight, double seconds, uint64_t seed);

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

}  // namespace ptrack::bench
