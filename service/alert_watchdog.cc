// AlertWatchdog: admission counts under one mutex; one thread that looks at every open watch
// every kTick for a stalled write and, every token_check, for a token that is no longer valid;
// and one that waits on the AlertHub and wakes every watch when it moves or closes.
#include "service/alert_watchdog.h"

#include <grpcpp/server_context.h>

#include <limits>
#include <vector>

namespace ptrack {
namespace {

// How often the watchdog looks at the watches (the granularity of both bounds).
constexpr auto kTick = std::chrono::milliseconds(200);
// How long the hub thread waits on the hub before it looks at stop_ again.
constexpr auto kHubWait = std::chrono::milliseconds(200);
constexpr int64_t kNotWriting = std::numeric_limits<int64_t>::min();

enum Reason : int { kValid = 0, kTokenInvalid = 1, kStalled = 2 };

}  // namespace

struct AlertWatchdog::State {
  std::string username;
  std::string clinic_id;
  std::string token;
  grpc::ServerContextBase* context = nullptr;     // valid while `active`
  std::function<void()> wake;                     // called only under mu_ while `active`
  bool active = true;                             // guarded by AlertWatchdog::mu_
  std::atomic<int> reason{kValid};                // set once, never cleared
  std::atomic<int64_t> write_since{kNotWriting};  // Clock ms when the current Write began
  std::atomic<int64_t> checked{0};                // Clock ms of the last token read
};

AlertWatchdog::AlertWatchdog(Credentials& credentials, const Clock& clock, const AlertHub& hub,
                             WatchOptions options)
    : credentials_(credentials), clock_(clock), hub_(hub), options_(options) {}

AlertWatchdog::~AlertWatchdog() { Stop(); }

void AlertWatchdog::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
  hub_thread_ = std::thread([this] { RunHub(); });
}

void AlertWatchdog::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (hub_thread_.joinable()) hub_thread_.join();
}

Result<std::unique_ptr<AlertWatchdog::Watch>> AlertWatchdog::Admit(const Principal& who,
                                                                   const std::string& token,
                                                                   grpc::ServerContextBase* context,
                                                                   std::function<void()> wake) {
  std::lock_guard<std::mutex> lock(mu_);
  auto count = [](const std::map<std::string, int>& counts, const std::string& key) {
    auto it = counts.find(key);
    return it == counts.end() ? 0 : it->second;
  };
  if (count(per_user_, who.username) >= options_.max_per_user) {
    return Status::ResourceExhausted("you already have " + std::to_string(options_.max_per_user) +
                                     " alert watches open, the most one user may have; close "
                                     "one before opening another");
  }
  if (count(per_clinic_, who.clinic_id) >= options_.max_per_clinic) {
    return Status::ResourceExhausted(
        "your clinic already has " + std::to_string(options_.max_per_clinic) +
        " alert watches open, the most one clinic may have; retry later");
  }
  if (static_cast<int>(watches_.size()) >= options_.max_total) {
    return Status::ResourceExhausted("the server already has " +
                                     std::to_string(options_.max_total) +
                                     " alert watches open, its limit; retry later");
  }
  auto state = std::make_shared<State>();
  state->username = who.username;
  state->clinic_id = who.clinic_id;
  state->token = token;
  state->context = context;
  state->wake = std::move(wake);
  state->checked = ToUnixMillis(clock_.Now());  // the gate has just authenticated it
  watches_[state.get()] = state;
  ++per_user_[who.username];
  ++per_clinic_[who.clinic_id];
  return std::unique_ptr<Watch>(new Watch(*this, std::move(state)));
}

void AlertWatchdog::Release(const std::shared_ptr<State>& state) {
  std::lock_guard<std::mutex> lock(mu_);
  state->active = false;
  watches_.erase(state.get());
  if (--per_user_[state->username] == 0) per_user_.erase(state->username);
  if (--per_clinic_[state->clinic_id] == 0) per_clinic_.erase(state->clinic_id);
}

void AlertWatchdog::RecheckUser(const std::string& username) {
  std::vector<std::shared_ptr<State>> mine;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [key, state] : watches_) {
      if (state->username == username) mine.push_back(state);
    }
  }
  const Instant now = clock_.Now();
  for (const auto& state : mine) Check(state, now, /*token_due=*/true);
}

int AlertWatchdog::open() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(watches_.size());
}

int AlertWatchdog::writing() const {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  for (const auto& [key, state] : watches_) n += state->write_since != kNotWriting ? 1 : 0;
  return n;
}

void AlertWatchdog::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, kTick, [&] { return stop_; });
    if (stop_) break;
    std::vector<std::shared_ptr<State>> all;
    all.reserve(watches_.size());
    for (const auto& [key, state] : watches_) all.push_back(state);
    lock.unlock();
    const Instant now = clock_.Now();
    const int64_t now_ms = ToUnixMillis(now);
    const int64_t check_ms = std::chrono::milliseconds(options_.token_check).count();
    for (const auto& state : all) Check(state, now, now_ms - state->checked >= check_ms);
    lock.lock();
  }
}

void AlertWatchdog::RunHub() {
  uint64_t seen = hub_.Generation();
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return;
    }
    hub_.Wait(seen, kHubWait);
    const uint64_t now = hub_.Generation();
    const bool closed = hub_.closed();
    if (now == seen && !closed) continue;
    seen = now;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& [key, state] : watches_) {
        if (state->active && state->wake) state->wake();
      }
    }
    if (closed) {
      // Every watch has been told; the hub stays closed. Wait for Stop, waking watches admitted
      // since (a watch checks the hub when it opens, but this costs nothing).
      std::unique_lock<std::mutex> lock(mu_);
      while (!stop_) {
        cv_.wait_for(lock, kHubWait, [&] { return stop_; });
        for (const auto& [key, state] : watches_) {
          if (state->active && state->wake) state->wake();
        }
      }
      return;
    }
  }
}

void AlertWatchdog::Check(const std::shared_ptr<State>& state, Instant now, bool token_due) {
  if (state->reason != kValid) return;
  const int64_t now_ms = ToUnixMillis(now);
  const int64_t since = state->write_since;
  if (since != kNotWriting &&
      now_ms - since >= std::chrono::milliseconds(options_.write_stall).count()) {
    End(*state, kStalled);
    return;
  }
  if (!token_due) return;
  // A store error (busy, disk) is not a verdict on the token: the next check tries again, and
  // the handler's own check before each batch fails closed.
  auto who = credentials_.Authenticate(state->token);
  state->checked = now_ms;
  if (!who.ok() && who.status().code() == StatusCode::kUnauthenticated) {
    End(*state, kTokenInvalid);
  }
}

void AlertWatchdog::End(State& state, int reason) {
  int expected = kValid;
  state.reason.compare_exchange_strong(expected, reason);
  // The watch sets write_since before it reads the verdict; reading write_since after setting
  // the verdict, one of the two sees the other: either the write never starts or it is cancelled.
  // A watch that is not writing is woken to read its verdict and end itself.
  const bool writing = state.write_since != kNotWriting;
  std::lock_guard<std::mutex> lock(mu_);
  if (!state.active) return;
  if (writing) {
    state.context->TryCancel();
  } else if (state.wake) {
    state.wake();
  }
}

AlertWatchdog::Watch::~Watch() { owner_.Release(state_); }

Status AlertWatchdog::Watch::Verdict() const {
  switch (state_->reason.load()) {
    case kValid:
      return Status::Ok();
    case kTokenInvalid:
      return Status::Unauthenticated(
          "the token is no longer valid (signed out, revoked or "
          "expired); sign in again");
    default:
      return Status::ResourceExhausted("the client read no alert for " +
                                       std::to_string(owner_.options_.write_stall.count()) +
                                       " s; the watch was closed (reconnect with the last cursor)");
  }
}

Status AlertWatchdog::Watch::CheckToken() {
  auto who = owner_.credentials_.Authenticate(state_->token);
  state_->checked = ToUnixMillis(owner_.clock_.Now());
  if (!who.ok()) {
    if (who.status().code() != StatusCode::kUnauthenticated) return who.status();
    int expected = kValid;
    state_->reason.compare_exchange_strong(expected, kTokenInvalid);
  }
  return Verdict();
}

Status AlertWatchdog::Watch::BeginWrite() {
  state_->write_since = ToUnixMillis(owner_.clock_.Now());
  if (state_->reason != kValid) {
    state_->write_since = kNotWriting;
    return Verdict();
  }
  return Status::Ok();
}

Status AlertWatchdog::Watch::EndWrite() {
  state_->write_since = kNotWriting;
  return Verdict();
}

}  // namespace ptrack
