// The two load drivers.
#include "bench/load.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace ptrack::bench {
namespace {

using Steady = std::chrono::steady_clock;

double MsSince(Steady::time_point t) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t).count();
}

// What every driver collects.
struct Tally {
  std::mutex mu;
  std::vector<double> latencies;  // successful calls only
  int64_t failed = 0;
  std::string first_error;

  void Add(bool ok, double ms, const std::string& error) {
    std::lock_guard<std::mutex> lock(mu);
    if (ok) {
      latencies.push_back(ms);
    } else {
      ++failed;
      if (first_error.empty()) first_error = error;
    }
  }

  LoadFigures Figures(double seconds) {
    LoadFigures f;
    f.ok = static_cast<int64_t>(latencies.size());
    f.failed = failed;
    f.seconds = seconds;
    f.qps = seconds > 0 ? static_cast<double>(f.ok) / seconds : 0;
    f.p50_ms = Quantile(latencies, 0.5);
    f.p99_ms = Quantile(latencies, 0.99);
    f.first_error = first_error;
    return f;
  }
};

}  // namespace

double Quantile(std::vector<double> ms, double q) {
  if (ms.empty()) return 0;
  const size_t k = std::min(ms.size() - 1, static_cast<size_t>(q * static_cast<double>(ms.size())));
  std::nth_element(ms.begin(), ms.begin() + static_cast<std::ptrdiff_t>(k), ms.end());
  return ms[k];
}

LoadFigures RunCallbackLoad(int inflight, double seconds, const StartCall& start) {
  Tally tally;
  std::mutex mu;
  std::condition_variable idle;
  int active = inflight;
  const Steady::time_point begin = Steady::now();
  const Steady::time_point end =
      begin + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(seconds));
  // Each slot restarts itself from its completion until the time is up.
  std::function<void(int)> next = [&](int slot) {
    const Steady::time_point t0 = Steady::now();
    start(slot, [&, slot, t0](bool ok, const std::string& error) {
      tally.Add(ok, MsSince(t0), error);
      if (Steady::now() < end) {
        next(slot);
        return;
      }
      std::lock_guard<std::mutex> lock(mu);
      if (--active == 0) idle.notify_all();
    });
  };
  for (int slot = 0; slot < inflight; ++slot) next(slot);
  {
    std::unique_lock<std::mutex> lock(mu);
    idle.wait(lock, [&] { return active == 0; });
  }
  return tally.Figures(std::chrono::duration<double>(Steady::now() - begin).count());
}

LoadFigures RunThreadedLoad(int threads, double seconds,
                            const std::function<std::string(int thread)>& call) {
  Tally tally;
  const Steady::time_point begin = Steady::now();
  const Steady::time_point end =
      begin + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      while (Steady::now() < end) {
        const Steady::time_point t0 = Steady::now();
        const std::string error = call(t);
        tally.Add(error.empty(), MsSince(t0), error);
      }
    });
  }
  for (std::thread& th : pool) th.join();
  return tally.Figures(std::chrono::duration<double>(Steady::now() - begin).count());
}

OpenLoadFigures RunOpenLoad(double rate, double seconds, double interval, int workers,
                            double late_ms, const std::function<std::string(int worker)>& call,
                            const std::function<void(const IntervalFigures&)>& on_interval) {
  OpenLoadFigures out;
  out.scheduled = static_cast<int64_t>(std::ceil(seconds * rate));
  std::mutex mu;
  IntervalFigures current;  // the open interval, guarded by mu
  std::atomic<int64_t> next{0};
  auto at = [](double s) {
    return std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(s));
  };
  // A little ahead, so that every worker is waiting when the first call is due.
  const Steady::time_point begin = Steady::now() + std::chrono::milliseconds(50);
  const Steady::time_point end = begin + at(seconds);
  std::atomic<int64_t> made{0};
  std::vector<std::thread> pool;
  for (int w = 0; w < workers; ++w) {
    pool.emplace_back([&, w] {
      for (int64_t k = next++; k < out.scheduled; k = next++) {
        const Steady::time_point due = begin + at(static_cast<double>(k) / rate);
        if (Steady::now() >= end) break;  // too far behind: the rest are not made
        std::this_thread::sleep_until(due);
        ++made;
        const Steady::time_point t0 = Steady::now();
        const double late_by = std::chrono::duration<double, std::milli>(t0 - due).count();
        const std::string error = call(w);
        const double ms = MsSince(t0);
        std::lock_guard<std::mutex> lock(mu);
        ++current.calls;
        if (error.empty()) {
          current.latencies_ms.push_back(ms);
        } else {
          ++current.failed;
          ++current.errors[error];
        }
        if (late_by > late_ms) ++current.late;
        current.max_late_ms = std::max(current.max_late_ms, late_by);
      }
    });
  }
  auto close = [&](double end_s) {
    IntervalFigures f;
    {
      std::lock_guard<std::mutex> lock(mu);
      std::swap(f, current);
    }
    f.end_s = end_s;
    f.p50_ms = Quantile(f.latencies_ms, 0.5);
    f.p99_ms = Quantile(f.latencies_ms, 0.99);
    if (!f.latencies_ms.empty()) {
      f.max_ms = *std::max_element(f.latencies_ms.begin(), f.latencies_ms.end());
    }
    on_interval(f);
    out.intervals.push_back(std::move(f));
  };
  const int intervals = std::max(1, static_cast<int>(std::ceil(seconds / interval - 1e-9)));
  for (int i = 1; i < intervals; ++i) {
    std::this_thread::sleep_until(begin + at(i * interval));
    close(i * interval);
  }
  for (std::thread& th : pool) th.join();
  out.seconds = std::chrono::duration<double>(Steady::now() - begin).count();
  out.not_made = out.scheduled - made;
  close(out.seconds);
  return out;
}

}  // namespace ptrack::bench
