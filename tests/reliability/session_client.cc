// The demo patient's gRPC client for the reliability tests.
#include "tests/reliability/session_client.h"

#include <cstdio>
#include <stdexcept>

#include "ptrack/v1/program.grpc.pb.h"

namespace ptrack::testing {
namespace {

constexpr const char* kPatient = "clinics/demo/patients/jordan";

std::string Uuid(std::mt19937_64& rng) {
  const uint64_t a = rng(), b = rng();
  char out[37];
  std::snprintf(out, sizeof out, "%08x-%04x-4%03x-8%03x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>((b >> 48) & 0xfff),
                static_cast<unsigned long long>(b & 0xffffffffffffull));
  return out;
}

}  // namespace

SessionClient::SessionClient(const std::string& address) {
  Reconnect(address);
  v1::SignInRequest req;
  req.set_username("patient");
  req.set_password("demo-patient-pass");
  v1::SignInResponse resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto s = v1::AuthService::NewStub(Channel())->SignIn(&ctx, req, &resp);
  if (!s.ok()) throw std::runtime_error("sign-in: " + s.error_message());
  token_ = resp.token();

  // The exercises of today's plan (or, on a rest day, of the next training day).
  v1::GetPlanRequest plan_req;
  plan_req.set_parent(kPatient);
  plan_req.set_days(7);
  v1::Plan plan;
  grpc::ClientContext ctx2;
  ctx2.AddMetadata("authorization", "Bearer " + token_);
  ctx2.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  s = v1::ProgramService::NewStub(Channel())->GetPlan(&ctx2, plan_req, &plan);
  if (!s.ok()) throw std::runtime_error("plan: " + s.error_message());
  for (const auto& day : plan.days()) {
    for (const auto& e : day.exercises()) {
      if (exercises_.size() < 5) exercises_.push_back(e.exercise());
    }
    if (!exercises_.empty()) break;
  }
  if (exercises_.empty()) throw std::runtime_error("the demo plan has no exercises this week");
}

void SessionClient::Reconnect(const std::string& address) {
  channel_ = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

std::shared_ptr<grpc::Channel> SessionClient::Channel() const { return channel_; }

v1::LogSessionRequest SessionClient::NewSession(std::mt19937_64& rng) const {
  v1::LogSessionRequest req;
  req.set_parent(kPatient);
  req.set_session_id(Uuid(rng));
  v1::Session* s = req.mutable_session();
  const auto when = std::chrono::system_clock::now() - std::chrono::minutes(1);
  s->mutable_perform_time()->set_seconds(std::chrono::system_clock::to_time_t(when));
  s->set_pain_before(static_cast<int>(rng() % 4));
  s->set_pain_after(static_cast<int>(rng() % 4));
  s->set_effort(static_cast<int>(3 + rng() % 4));
  for (const std::string& name : exercises_) {
    v1::ExerciseLog* l = s->add_exercises();
    l->set_exercise(name);
    l->set_sets(3);
    l->set_reps(10);
  }
  return req;
}

grpc::Status SessionClient::Log(const v1::LogSessionRequest& req,
                                std::chrono::milliseconds deadline,
                                v1::LogSessionResponse* resp) const {
  v1::LogSessionResponse ignored;
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + token_);
  ctx.set_deadline(std::chrono::system_clock::now() + deadline);
  return v1::SessionService::NewStub(Channel())->LogSession(&ctx, req, resp ? resp : &ignored);
}

grpc::Status SessionClient::WhoAmI(std::chrono::milliseconds deadline) const {
  v1::WhoAmIRequest req;
  v1::Principal resp;
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + token_);
  ctx.set_deadline(std::chrono::system_clock::now() + deadline);
  return v1::AuthService::NewStub(Channel())->WhoAmI(&ctx, req, &resp);
}

bool SessionClient::Transient(const grpc::Status& s) {
  return s.error_code() == grpc::StatusCode::UNAVAILABLE ||
         s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
         s.error_code() == grpc::StatusCode::CANCELLED ||
         s.error_code() == grpc::StatusCode::UNKNOWN;
}

}  // namespace ptrack::testing
