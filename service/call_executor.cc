// CallExecutor: one mutex, one condition variable, two queues (continuations first), and a
// moving average of how long admitted calls run, which the admission rule turns into a wait.
#include "service/call_executor.h"

#include <algorithm>

namespace ptrack {
namespace {

constexpr double kSmoothing = 0.1;  // weight of the newest run time in the moving average
constexpr auto kMinRetry = std::chrono::milliseconds(50);
constexpr auto kMaxRetry = std::chrono::milliseconds(10000);

}  // namespace

int DefaultWorkers() {
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  return std::max(16, 8 * cores);
}

CallExecutor::CallExecutor(ExecutorOptions options)
    : options_(std::move(options)),
      worker_count_(options_.workers > 0 ? options_.workers : DefaultWorkers()) {}

CallExecutor::~CallExecutor() { Stop(); }

CallExecutor::TimePoint CallExecutor::Now() const {
  return options_.now ? options_.now() : std::chrono::system_clock::now();
}

void CallExecutor::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  workers_.reserve(worker_count_);
  for (int i = 0; i < worker_count_; ++i) workers_.emplace_back([this] { Run(); });
}

void CallExecutor::Stop() {
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (joined_) return;
    stopping_ = true;
    workers.swap(workers_);
  }
  cv_.notify_all();
  for (std::thread& t : workers) t.join();
  // Never started (or a task was queued while the last worker left): run what is left here.
  std::unique_lock<std::mutex> lock(mu_);
  joined_ = true;
  while (!continuations_.empty() || !queue_.empty()) {
    if (!continuations_.empty()) {
      auto next = std::move(continuations_.front());
      continuations_.pop_front();
      lock.unlock();
      next();
    } else {
      Queued next = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      next.task(CallStart{CallStart::kStopping, {}});
    }
    lock.lock();
  }
}

std::chrono::milliseconds CallExecutor::EstimatedWaitLocked() const {
  if (queue_.empty() && idle_ > 0) return std::chrono::milliseconds(0);
  const double ms = static_cast<double>(queue_.size() + 1) * mean_run_ms_ / worker_count_;
  return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

std::chrono::milliseconds CallExecutor::RetryAfterLocked() const {
  return std::clamp(EstimatedWaitLocked(), std::chrono::milliseconds(kMinRetry),
                    std::chrono::milliseconds(kMaxRetry));
}

void CallExecutor::Submit(TimePoint deadline, Task task) {
  const TimePoint now = Now();
  CallStart refusal;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // The client's deadline when it set one; otherwise the queue-wait bound.
    const TimePoint start_by =
        deadline != TimePoint::max() ? deadline : now + options_.max_queue_wait;
    if (stopping_) {
      refusal.verdict = CallStart::kStopping;
    } else if (deadline <= now) {
      refusal.verdict = CallStart::kExpired;
      ++refused_expired_;
    } else if (static_cast<int>(queue_.size()) >= options_.max_queue ||
               (!queue_.empty() && now + EstimatedWaitLocked() > start_by)) {
      refusal = {CallStart::kOverloaded, RetryAfterLocked()};
      ++refused_overloaded_;
    } else {
      queue_.push_back({deadline, start_by, std::move(task)});
      cv_.notify_one();
      return;
    }
  }
  task(refusal);
}

void CallExecutor::Continue(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!joined_) {
      continuations_.push_back(std::move(task));
      cv_.notify_one();
      return;
    }
  }
  task();  // stopped: no worker is left to run it
}

void CallExecutor::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    ++idle_;
    cv_.wait(lock, [&] { return stopping_ || !continuations_.empty() || !queue_.empty(); });
    --idle_;
    if (!continuations_.empty()) {
      auto next = std::move(continuations_.front());
      continuations_.pop_front();
      lock.unlock();
      next();
      lock.lock();
      continue;
    }
    if (queue_.empty()) return;  // stopping, nothing left
    Queued next = std::move(queue_.front());
    queue_.pop_front();
    const TimePoint now = Now();
    CallStart start;
    if (stopping_) {
      start.verdict = CallStart::kStopping;
    } else if (now >= next.deadline) {
      start.verdict = CallStart::kExpired;
      ++refused_expired_;
    } else if (now >= next.start_by) {
      start = {CallStart::kOverloaded, RetryAfterLocked()};
      ++refused_overloaded_;
    }
    lock.unlock();
    next.task(start);
    if (start.run()) Record(Now() - now);
    lock.lock();
  }
}

void CallExecutor::Record(std::chrono::nanoseconds ran) {
  const double ms = std::chrono::duration<double, std::milli>(ran).count();
  std::lock_guard<std::mutex> lock(mu_);
  mean_run_ms_ = (1 - kSmoothing) * mean_run_ms_ + kSmoothing * std::max(0.0, ms);
}

int CallExecutor::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(queue_.size());
}

int64_t CallExecutor::refused_overloaded() const {
  std::lock_guard<std::mutex> lock(mu_);
  return refused_overloaded_;
}

int64_t CallExecutor::refused_expired() const {
  std::lock_guard<std::mutex> lock(mu_);
  return refused_expired_;
}

}  // namespace ptrack
