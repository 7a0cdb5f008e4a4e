// The soak: its workload (Mix), its run sampled every interval, and its verdicts and report.
#include "bench/soak.h"

#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bench/load.h"

namespace ptrack::bench {
namespace {

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

// The soak's workload, as a clinic's traffic is made: patients' phones log sessions (the app over
// gRPC, the web app through the Connect bridge) and read today's plan, their history and their
// adherence; therapists read adherence, and now and then open the clinic report. Weights per
// 1,000 calls; writes are 55 %.
struct MixKind {
  const char* name;
  const char* what;
  int weight;
};
constexpr MixKind kMix[] = {
    {"log_session", "LogSession over gRPC, fresh UUID, 5 exercises (phone app)", 400},
    {"connect_log", "LogSession as Connect JSON over HTTP (web app on a phone)", 150},
    {"plan", "GetPlan, today (phone)", 250},
    {"list_sessions", "ListSessions, 20 newest (phone history)", 100},
    {"adherence", "GetAdherence, last 28 days (phone, therapist)", 98},
    {"report", "GetClinicReport, first 200 rows (therapist, admin)", 2},
};
constexpr int kMixKinds = sizeof kMix / sizeof kMix[0];
enum MixIndex { kLog, kConnect, kPlan, kList, kAdherence, kReport };

// Makes the mix's calls from any number of threads, each with its own random stream; the
// Connect calls share `http_clients` kept-alive connections (a call waits for a free one, and
// that wait counts in its latency, so there are as many as calls of the kind can be in flight).
// Keeps each kind's latencies and failures, and the first message of each error code.
class Mix {
 public:
  Mix(Target& t, int threads, int http_clients)
      : t_(t),
        log_(t.LogSessionCall()),
        plan_(t.PlanCall()),
        list_(t.ListSessionsCall()),
        adherence_(t.AdherenceCall()),
        report_(t.ReportCall()) {
    for (int i = 0; i < kMixKinds; ++i) weights_[i] = kMix[i].weight;
    if (!t.has_http()) {  // no HTTP port: its LogSessions go over gRPC
      weights_[kLog] += weights_[kConnect];
      weights_[kConnect] = 0;
    }
    for (int w : weights_) total_weight_ += w;
    for (int i = 0; i < threads; ++i) rngs_.emplace_back(5000 + i);
    if (t.has_http()) {
      for (int i = 0; i < http_clients; ++i) http_.push_back(t.HttpClient());
    }
  }

  int weight(int kind) const { return weights_[kind]; }

  // One call of a kind drawn by weight: "" or its error code.
  std::string Call(int thread) {
    std::mt19937_64& rng = rngs_[thread];
    int kind = 0;
    for (int r = static_cast<int>(rng() % total_weight_); r >= weights_[kind]; ++kind) {
      r -= weights_[kind];
    }
    return CallKind(thread, kind);
  }

  // One call of `kind`: "" or its error code.
  std::string CallKind(int thread, int kind) {
    std::mt19937_64& rng = rngs_[thread];
    std::string code, message;
    const auto t0 = Steady::now();
    switch (kind) {
      case kLog:
        code = t_.Once(log_, rng, &message);
        break;
      case kConnect: {
        std::unique_ptr<httplib::Client> client = TakeHttp();
        message = t_.ConnectLogSession(*client, rng, &code);
        GiveHttp(std::move(client));
        break;
      }
      case kPlan:
        code = t_.Once(plan_, rng, &message);
        break;
      case kList:
        code = t_.Once(list_, rng, &message);
        break;
      case kAdherence:
        code = t_.Once(adherence_, rng, &message);
        break;
      default:
        code = t_.Once(report_, rng, &message);
        break;
    }
    const double ms = std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_[kind];
    if (code.empty()) {
      latencies_[kind].push_back(ms);
    } else {
      ++failed_[kind];
      first_message_.emplace(code, message);
    }
    return code;
  }

  // What the calls so far did, per kind; Take forgets them (the next phase starts afresh).
  struct KindFigures {
    int64_t calls = 0, failed = 0;
    double p50_ms = 0, p99_ms = 0;
  };
  struct Figures {
    std::array<KindFigures, kMixKinds> kinds;
    std::map<std::string, std::string> first_messages;  // error code -> its first message
  };
  Figures Take() {
    std::lock_guard<std::mutex> lock(mu_);
    Figures out;
    for (int i = 0; i < kMixKinds; ++i) {
      out.kinds[i] = {calls_[i], failed_[i], Quantile(latencies_[i], 0.5),
                      Quantile(latencies_[i], 0.99)};
      calls_[i] = failed_[i] = 0;
      latencies_[i].clear();
    }
    out.first_messages.swap(first_message_);
    return out;
  }

 private:
  std::unique_ptr<httplib::Client> TakeHttp() {
    std::unique_lock<std::mutex> lock(http_mu_);
    http_free_.wait(lock, [&] { return !http_.empty(); });
    std::unique_ptr<httplib::Client> client = std::move(http_.back());
    http_.pop_back();
    return client;
  }
  void GiveHttp(std::unique_ptr<httplib::Client> client) {
    {
      std::lock_guard<std::mutex> lock(http_mu_);
      http_.push_back(std::move(client));
    }
    http_free_.notify_one();
  }

  Target& t_;
  UnaryCall<v1::LogSessionRequest, v1::LogSessionResponse> log_;
  UnaryCall<v1::GetPlanRequest, v1::Plan> plan_;
  UnaryCall<v1::ListSessionsRequest, v1::ListSessionsResponse> list_;
  UnaryCall<v1::GetAdherenceRequest, v1::Adherence> adherence_;
  UnaryCall<v1::GetClinicReportRequest, v1::ClinicReport> report_;
  std::array<int, kMixKinds> weights_{};
  int total_weight_ = 0;
  std::vector<std::mt19937_64> rngs_;
  std::mutex http_mu_;
  std::condition_variable http_free_;
  std::vector<std::unique_ptr<httplib::Client>> http_;
  std::mutex mu_;
  std::array<int64_t, kMixKinds> calls_{}, failed_{};
  std::array<std::vector<double>, kMixKinds> latencies_;
  std::map<std::string, std::string> first_message_;
};

// The soak's rules (docs/RELIABILITY.md, item 5).
constexpr double kSoakLoad = 0.8;       // of the mixed capacity measured just before
constexpr double kWarmUpShare = 0.1;    // the first 10 % (60 s of 600) is warm-up
constexpr double kRssGrowthMax = 0.05;  // RSS: max of the last 10 % vs end of warm-up
// The store restarts the log at 4,000 frames (storage/wal_bound.h: 16 MiB of pages plus frame
// headers); the bound leaves room for one restart that had to wait for a long reader.
constexpr double kWalBoundBytes = 24 << 20;
constexpr double kWalTrendMax = 1.25;   // WAL: max of the last third vs the first third
constexpr double kP99RatioMax = 1.5;    // p99: the last third vs the first third
constexpr double kLateMs = 10;          // a call started later than this is late
constexpr double kLateShareMax = 0.01;  // the schedule is kept when <= 1 % are late

// What the harness reads at each sample: the server's figures (absent with --target) and its own
// CPU use.
struct Sample {
  std::optional<double> rss_mb, wal_bytes, db_bytes;
  // The WAL restarts the server logged in the interval as slow ("ptrackd: WAL restart ..."): how
  // long writes waited for them in all, and how many gave up.
  double restart_wait_ms = 0;
  int restarts_gave_up = 0;
  std::optional<double> cpu_pct;        // the server's CPU use in the interval (100 = one core)
  std::optional<double> bench_cpu_pct;  // this harness's own (it shares the machine's cores)
};

// Adds the slow WAL restarts in the server's log after `*seen` characters to `s`; moves `*seen`
// past the last whole line.
void TakeRestarts(const std::string& log, size_t* seen, Sample& s) {
  static const std::string kPrefix = "ptrackd: WAL restart at ";
  size_t end = log.rfind('\n');
  if (end == std::string::npos || end < *seen) return;
  for (size_t at = log.find(kPrefix, *seen); at != std::string::npos && at < end;
       at = log.find(kPrefix, at + 1)) {
    const size_t eol = log.find('\n', at);
    const std::string line = log.substr(at, eol - at);
    const size_t after = line.find(" after ");
    if (after != std::string::npos) s.restart_wait_ms += std::atof(line.c_str() + after + 7);
    if (line.find(" gave up ") != std::string::npos) ++s.restarts_gave_up;
  }
  *seen = end + 1;
}

std::string Opt(const std::optional<double>& v, int decimals) {
  return v ? Num(*v, decimals) : "null";
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// The mix's capacity: a closed loop, then the work the server deferred (the summary worker
// evaluates, at a lower priority, what the loop's sessions queued; right after the loop it is
// behind) done. Figures of both: the loop's own throughput, which leaves that work out, and the
// server's CPU per call with it, which is what grows when each call costs more, whatever the
// machine's speed at the moment (it drifts by a fifth on this machine; a process's CPU time
// does not count the time its cores were lent to others).
struct Capacity {
  LoadFigures loop;
  double settle_s = 0;           // from the loop's end until the server was idle
  std::optional<double> cpu_us;  // the server's CPU per call, loop and settling
  double settled_qps = 0;        // calls / (loop + settling): what can be kept up
};

// Waits until the server is idle (under a tenth of a core for half a second; its own timers use
// far less), at most two minutes. Returns the seconds waited and the server's CPU seconds then.
std::pair<double, double> WaitIdle(pid_t pid) {
  constexpr double kIdleShare = 0.1, kStep = 0.5, kMaxWait = 120;
  const auto start = Steady::now();
  double waited = 0, prev = CpuSeconds(pid);
  while (waited < kMaxWait) {
    std::this_thread::sleep_for(std::chrono::duration<double>(kStep));
    const double now = CpuSeconds(pid);
    waited = std::chrono::duration<double>(Steady::now() - start).count();
    const bool idle = now - prev < kIdleShare * kStep;
    prev = now;
    if (idle) break;
  }
  return {waited, prev};
}

// A closed loop of `inflight` callers making `call` for `seconds`, then the work it deferred.
// REQUIRES: the server idle (WaitIdle) when it starts, so that only this loop's work is counted.
Capacity ClosedLoop(const Served& served, int inflight, double seconds,
                    const std::function<std::string(int)>& call) {
  Capacity c;
  const pid_t pid = served.server ? served.server->pid() : 0;
  const double cpu_start = pid ? CpuSeconds(pid) : -1;
  c.loop = RunThreadedLoad(inflight, seconds, call);
  if (cpu_start >= 0) {
    const auto [waited, cpu_end] = WaitIdle(pid);
    c.settle_s = waited;
    const double calls = static_cast<double>(c.loop.ok + c.loop.failed);
    if (calls > 0) c.cpu_us = 1e6 * (cpu_end - cpu_start) / calls;
  }
  c.settled_qps = c.loop.ok / std::max(1e-9, c.loop.seconds + c.settle_s);
  return c;
}

// The mix's capacity. REQUIRES: the server idle (WaitIdle).
Capacity MeasureCapacity(const Options& o, const Served& served, Mix& mix) {
  return ClosedLoop(served, o.inflight, o.seconds, [&](int w) { return mix.Call(w); });
}

// Each kind of the mix alone, in a closed loop of `seconds`, with the work it deferred: the
// server's CPU per call of each (nullopt for a kind the mix does not make, or with --target).
// Where growth comes from: the soak's capacity falls when some kind's calls cost more.
std::array<std::optional<double>, kMixKinds> CpuPerKind(const Options& o, const Served& served,
                                                        Mix& mix, double seconds) {
  std::array<std::optional<double>, kMixKinds> out;
  if (!served.server) return out;
  for (int kind = 0; kind < kMixKinds; ++kind) {
    if (mix.weight(kind) == 0) continue;
    WaitIdle(served.server->pid());
    out[kind] = ClosedLoop(served, kind == kReport ? 2 : o.inflight, seconds, [&](int w) {
                  return mix.CallKind(w, kind);
                }).cpu_us;
  }
  mix.Take();
  return out;
}

std::string CapacityText(const Capacity& c) {
  return Num(c.loop.qps, 0) + " calls/s in the loop, " + Num(c.settled_qps, 0) +
         " with the deferred work (" + Num(c.settle_s, 1) + " s more), server CPU " +
         (c.cpu_us ? Num(*c.cpu_us, 0) + " us" : std::string("-")) + " per call, p50 " +
         Num(c.loop.p50_ms, 2) + " ms, p99 " + Num(c.loop.p99_ms, 2) + " ms, " +
         std::to_string(c.loop.failed) + " failed" +
         (c.loop.first_error.empty() ? "" : " (first: " + c.loop.first_error + ")");
}

}  // namespace

int Soak(const Options& o, Target& t, const Served& served,
         const std::map<std::string, double>& clinic_fig) {
  const int workers = 4 * o.inflight;  // enough that a slow stretch does not stall the schedule
  // Connections for the Connect calls: 16 were too few once the server's latency rose (calls of
  // the web app then waited in the bench for a connection: Connect p99 3.6 s against gRPC's
  // 0.3 s in one soak); 128 stay under the server's cap per client address (256).
  Mix mix(t, workers, std::min(workers, 128));
  std::string mix_text;
  for (int i = 0; i < kMixKinds; ++i) {
    mix_text += std::string(i ? ", " : "") + kMix[i].name + " " + std::to_string(mix.weight(i));
  }
  Say(o, "soak mix (per 1,000 calls): " + mix_text);

  // A warm-up loop first, not counted: a server just started answers its first calls from cold
  // caches (evaluations, catalogue, tokens, SQLite's pages) at up to a fifth more CPU per call,
  // which would hide growth during the soak.
  RunThreadedLoad(o.inflight, o.seconds, [&](int w) { return mix.Call(w); });
  mix.Take();
  if (served.server) WaitIdle(served.server->pid());  // its deferred work, the start-up sweep
  const auto kinds_before = CpuPerKind(o, served, mix, o.seconds);
  const Capacity cap_before = MeasureCapacity(o, served, mix);
  const LoadFigures& cap = cap_before.loop;
  Say(o, "capacity (mix, closed loop, " + std::to_string(o.inflight) + " in flight, " +
             Num(o.seconds, 0) + " s): " + CapacityText(cap_before));
  if (cap.qps <= 0) {
    std::cerr << "ptrack-bench: no call of the mix succeeded; cannot soak\n";
    return 1;
  }
  mix.Take();  // the capacity phase's
  // What the server keeps up with, its deferred work included (the loop's throughput alone
  // overstates it: a soak at 80 % of that fell behind from 100 s on).
  const double capacity = served.server ? cap_before.settled_qps : cap.qps;
  const double rate = kSoakLoad * capacity;
  const double interval = std::min(10.0, std::max(1.0, std::round(o.soak / 30)));
  const int expected_samples = static_cast<int>(std::ceil(o.soak / interval - 1e-9));
  Say(o, "soak: " + Num(rate, 0) + " calls/s (" + Num(100 * kSoakLoad, 0) + " % of capacity) for " +
             Num(o.soak, 0) + " s, " + std::to_string(workers) + " workers, a sample every " +
             Num(interval, 0) + " s");

  std::vector<Sample> samples;
  const std::string wal = served.db.string() + "-wal";
  double cpu_before = served.server ? CpuSeconds(served.server->pid()) : -1;
  double bench_cpu_before = CpuSeconds(getpid());
  double prev_end_s = 0;
  size_t log_seen = served.server ? served.server->Log().size() : 0;
  const OpenLoadFigures run = RunOpenLoad(
      rate, o.soak, interval, workers, kLateMs, [&](int w) { return mix.Call(w); },
      [&](const IntervalFigures& f) {
        Sample s;
        const double bench_cpu = CpuSeconds(getpid());
        if (bench_cpu >= 0 && bench_cpu_before >= 0 && f.end_s > prev_end_s) {
          s.bench_cpu_pct = 100 * (bench_cpu - bench_cpu_before) / (f.end_s - prev_end_s);
        }
        bench_cpu_before = bench_cpu;
        if (served.server) {
          std::error_code ec;
          s.rss_mb = RssMb(served.server->pid());
          const double cpu = CpuSeconds(served.server->pid());
          if (cpu >= 0 && cpu_before >= 0 && f.end_s > prev_end_s) {
            s.cpu_pct = 100 * (cpu - cpu_before) / (f.end_s - prev_end_s);
          }
          cpu_before = cpu;
          const auto wal_size = fs::file_size(wal, ec);
          s.wal_bytes = ec ? 0.0 : static_cast<double>(wal_size);
          const auto db_size = fs::file_size(served.db, ec);
          if (!ec) s.db_bytes = static_cast<double>(db_size);
          TakeRestarts(served.server->Log(), &log_seen, s);
        }
        prev_end_s = f.end_s;
        samples.push_back(s);
        Progress("soak", static_cast<int>(samples.size()), expected_samples);
      });
  const std::vector<IntervalFigures>& iv = run.intervals;
  const int n = static_cast<int>(iv.size());
  const Mix::Figures soaked = mix.Take();
  // Capacity again, on what the soak left: each call costs more as the patients' histories
  // grow, so the soak's fixed rate is a larger share of it by the end. (The same Mix, with its
  // kept-alive connections.) First the soak's own deferred work, so that the capacity after
  // starts as the one before did: from an idle server.
  if (served.server) WaitIdle(served.server->pid());
  const Capacity cap_after_all = MeasureCapacity(o, served, mix);
  const LoadFigures& cap_after = cap_after_all.loop;
  Say(o, "capacity after the soak: " + CapacityText(cap_after_all));
  const auto kinds_after = CpuPerKind(o, served, mix, o.seconds);
  for (int kind = 0; kind < kMixKinds; ++kind) {
    if (!kinds_before[kind] || !kinds_after[kind]) continue;
    Say(o, std::string("server CPU per call, ") + kMix[kind].name + " alone: " +
               Num(*kinds_before[kind], 0) + " us before the soak, " + Num(*kinds_after[kind], 0) +
               " after (" + Num(*kinds_after[kind] / *kinds_before[kind], 2) + ")");
  }

  // Totals.
  int64_t calls = 0, failed = 0, late = 0;
  double max_late_ms = 0;
  std::map<std::string, int64_t> errors;
  for (const IntervalFigures& f : iv) {
    calls += f.calls;
    failed += f.failed;
    late += f.late;
    max_late_ms = std::max(max_late_ms, f.max_late_ms);
    for (const auto& [code, count] : f.errors) errors[code] += count;
  }

  // Windows: warm-up = the samples up to 10 % of the soak (at least the first); after it, the
  // first and the last third of the remaining samples; "the end" = the samples after 90 %.
  int warm = 0;
  while (warm < n && iv[warm].end_s <= kWarmUpShare * o.soak + 1e-6) ++warm;
  warm = std::clamp(warm, 1, std::max(1, n - 1));
  const int third = std::max(1, (n - warm) / 3);
  const int first_begin = warm, first_end = std::min(n, warm + third);
  const int last_begin = std::max(warm, n - third);
  int end_begin = n - 1;
  while (end_begin > warm && iv[end_begin - 1].end_s > (1 - kWarmUpShare) * o.soak + 1e-6) {
    --end_begin;
  }
  auto window_p99 = [&](int from, int to) {
    std::vector<double> ms;
    for (int i = from; i < to; ++i) {
      ms.insert(ms.end(), iv[i].latencies_ms.begin(), iv[i].latencies_ms.end());
    }
    return Quantile(ms, 0.99);
  };
  auto window_max = [&](int from, int to, auto field) {
    std::optional<double> m;
    for (int i = from; i < to; ++i) {
      const std::optional<double>& v = samples[i].*field;
      if (v) m = std::max(m.value_or(0), *v);
    }
    return m;
  };

  struct Verdict {
    std::string name, figure, rule;
    std::optional<bool> met;  // absent: not measured
  };
  std::vector<Verdict> verdicts;
  verdicts.push_back({"errors", std::to_string(failed) + " of " + std::to_string(calls) + " calls",
                      "== 0", failed == 0});

  // RSS moves by several MB from sample to sample with what is in flight (a clinic report
  // decodes every row), so growth compares like with like: the largest sample of the end
  // against the largest of as many samples right after the warm-up.
  const int base_end = std::min(end_begin, warm + (n - end_begin));
  const std::optional<double> rss_base =
      window_max(warm, std::max(base_end, warm + 1), &Sample::rss_mb);
  const std::optional<double> rss_end = window_max(end_begin, n, &Sample::rss_mb);
  std::optional<double> rss_growth;
  if (rss_base && rss_end && *rss_base > 0) rss_growth = *rss_end / *rss_base - 1;
  verdicts.push_back(
      {"rss_growth",
       rss_growth ? Num(100 * *rss_growth, 1) + " % (max after " + Num(iv[end_begin - 1].end_s, 0) +
                        " s " + Num(*rss_end, 1) + " MB vs " + Num(*rss_base, 1) + " MB max from " +
                        Num(iv[warm - 1].end_s, 0) + " s to " +
                        Num(iv[std::max(base_end, warm + 1) - 1].end_s, 0) + " s)"
                  : "not measured (--target)",
       "< 5 % (max of the last 10 % of the soak vs max of as many samples after the warm-up)",
       rss_growth ? std::optional<bool>(*rss_growth < kRssGrowthMax) : std::nullopt});

  const std::optional<double> wal_max = window_max(0, n, &Sample::wal_bytes);
  const std::optional<double> wal_first = window_max(first_begin, first_end, &Sample::wal_bytes);
  const std::optional<double> wal_last = window_max(last_begin, n, &Sample::wal_bytes);
  std::optional<double> wal_trend;
  if (wal_first && wal_last)
    wal_trend = *wal_first > 0 ? *wal_last / *wal_first : (*wal_last > 0 ? 1e9 : 1);
  verdicts.push_back(
      {"wal_bounded",
       wal_max ? "max " + Num(*wal_max / (1 << 20), 2) + " MB; last third / first third " +
                     Num(*wal_trend, 2)
               : "not measured (--target)",
       "max <= 24 MB (the store restarts the log at 16 MiB) and last third max <= 1.25x first "
       "third "
       "max",
       wal_max ? std::optional<bool>(*wal_max <= kWalBoundBytes && *wal_trend <= kWalTrendMax)
               : std::nullopt});

  const double p99_first = window_p99(first_begin, first_end);
  const double p99_last = window_p99(last_begin, n);
  const double p99_ratio = p99_first > 0 ? p99_last / p99_first : 0;
  // The server's CPU per call in the same two windows: at the soak's fixed rate, growth in what
  // a call costs shows here first (a figure, not a verdict; the interval's CPU share times its
  // length over its calls).
  auto window_cpu_us = [&](int from, int to) -> std::optional<double> {
    double cpu_s = 0, calls = 0, prev_end = from > 0 ? iv[from - 1].end_s : 0;
    for (int i = from; i < to; ++i) {
      if (!samples[i].cpu_pct) return std::nullopt;
      cpu_s += *samples[i].cpu_pct / 100 * (iv[i].end_s - prev_end);
      calls += static_cast<double>(iv[i].calls);
      prev_end = iv[i].end_s;
    }
    if (calls <= 0) return std::nullopt;
    return 1e6 * cpu_s / calls;
  };
  const std::optional<double> cpu_first = window_cpu_us(first_begin, first_end);
  const std::optional<double> cpu_last = window_cpu_us(last_begin, n);
  verdicts.push_back({"latency_stable",
                      "p99 " + Num(p99_last, 2) + " ms (last third) / " + Num(p99_first, 2) +
                          " ms (first third after warm-up) = " + Num(p99_ratio, 2),
                      "<= 1.5", p99_first > 0 && p99_ratio <= kP99RatioMax});

  // Histories grow during the run: the capacity measured after it against before. Judged on
  // the server's CPU per call with its deferred work (MeasureCapacity); the throughputs are
  // shown beside it (the loop's alone is what runs up to 9 used, and it reads the machine's
  // drift and the worker's backlog as capacity).
  const double capacity_kept = cap.qps > 0 ? cap_after.qps / cap.qps : 0;
  const double settled_kept =
      cap_before.settled_qps > 0 ? cap_after_all.settled_qps / cap_before.settled_qps : 0;
  std::optional<double> cpu_kept;
  if (cap_before.cpu_us && cap_after_all.cpu_us && *cap_after_all.cpu_us > 0) {
    cpu_kept = *cap_before.cpu_us / *cap_after_all.cpu_us;
  }
  verdicts.push_back(
      {"capacity_kept",
       (cpu_kept ? "server CPU per call " + Num(*cap_before.cpu_us, 0) + " us before / " +
                       Num(*cap_after_all.cpu_us, 0) + " us after = " + Num(*cpu_kept, 3) + "; "
                 : std::string()) +
           "with the deferred work " + Num(cap_after_all.settled_qps, 0) + " / " +
           Num(cap_before.settled_qps, 0) + " calls/s = " + Num(settled_kept, 3) + "; loop alone " +
           Num(cap_after.qps, 0) + " / " + Num(cap.qps, 0) + " calls/s = " + Num(capacity_kept, 3),
       ">= 0.95 (CPU per call before / after; the loop's throughput ratio without a server)",
       cpu_kept ? *cpu_kept >= 0.95 : (cap.qps > 0 && capacity_kept >= 0.95)});

  const double late_share =
      run.scheduled > 0 ? static_cast<double>(late + run.not_made) / run.scheduled : 0;
  verdicts.push_back(
      {"schedule_kept",
       std::to_string(late) + " of " + std::to_string(run.scheduled) +
           " calls started > 10 ms late, " + std::to_string(run.not_made) + " not made (" +
           Num(100 * late_share, 2) + " %); latest start " + Num(max_late_ms, 0) + " ms late",
       "<= 1 % late or not made (a late call waited for a free worker or a late wake-up; its "
       "latency counts from its start; calls still waiting at the end are not made)",
       late_share <= kLateShareMax});

  if (o.json) {
    std::ostringstream out;
    out << "{\"mode\":\"soak\",\"soak_s\":" << Num(o.soak, 1)
        << ",\"interval_s\":" << Num(interval, 1)
        << ",\"warm_up_s\":" << Num(iv[warm - 1].end_s, 3);
    for (const auto& [k, v] : clinic_fig) out << ",\"" << k << "\":" << Num(v, 4);
    out << ",\"mix\":[";
    for (int i = 0; i < kMixKinds; ++i) {
      out << (i ? "," : "") << "{\"kind\":\"" << kMix[i].name << "\",\"weight\":" << mix.weight(i)
          << ",\"what\":" << JsonString(kMix[i].what) << ",\"calls\":" << soaked.kinds[i].calls
          << ",\"failed\":" << soaked.kinds[i].failed
          << ",\"p50_ms\":" << Num(soaked.kinds[i].p50_ms, 3)
          << ",\"p99_ms\":" << Num(soaked.kinds[i].p99_ms, 3)
          << ",\"alone_cpu_us_before\":" << Opt(kinds_before[i], 1)
          << ",\"alone_cpu_us_after\":" << Opt(kinds_after[i], 1) << "}";
    }
    out << "],\"capacity_qps\":" << Num(cap.qps, 3) << ",\"capacity_p50_ms\":" << Num(cap.p50_ms, 3)
        << ",\"capacity_p99_ms\":" << Num(cap.p99_ms, 3) << ",\"capacity_failed\":" << cap.failed
        << ",\"capacity_settled_qps\":" << Num(cap_before.settled_qps, 3)
        << ",\"capacity_settle_s\":" << Num(cap_before.settle_s, 2)
        << ",\"capacity_cpu_us\":" << Opt(cap_before.cpu_us, 1)
        << ",\"capacity_after_settled_qps\":" << Num(cap_after_all.settled_qps, 3)
        << ",\"capacity_after_settle_s\":" << Num(cap_after_all.settle_s, 2)
        << ",\"capacity_after_cpu_us\":" << Opt(cap_after_all.cpu_us, 1)
        << ",\"capacity_cpu_kept\":" << Opt(cpu_kept, 4)
        << ",\"capacity_after_qps\":" << Num(cap_after.qps, 3)
        << ",\"capacity_after_over_before\":" << Num(capacity_kept, 4)
        << ",\"rate_qps\":" << Num(rate, 3)
        << ",\"achieved_qps\":" << Num(run.seconds > 0 ? calls / run.seconds : 0, 3)
        << ",\"workers\":" << workers << ",\"scheduled\":" << run.scheduled
        << ",\"not_made\":" << run.not_made << ",\"calls\":" << calls << ",\"errors\":" << failed
        << ",\"errors_by_code\":{";
    bool first = true;
    for (const auto& [code, count] : errors) {
      out << (first ? "" : ",") << JsonString(code) << ":" << count;
      first = false;
    }
    out << "},\"late\":" << late << ",\"samples\":[";
    for (int i = 0; i < n; ++i) {
      const IntervalFigures& f = iv[i];
      const Sample& s = samples[i];
      out << (i ? "," : "") << "{\"t_s\":" << Num(f.end_s, 3) << ",\"calls\":" << f.calls
          << ",\"errors\":" << f.failed << ",\"errors_by_code\":{";
      first = true;
      for (const auto& [code, count] : f.errors) {
        out << (first ? "" : ",") << JsonString(code) << ":" << count;
        first = false;
      }
      out << "},\"late\":" << f.late << ",\"p50_ms\":" << Num(f.p50_ms, 3)
          << ",\"p99_ms\":" << Num(f.p99_ms, 3) << ",\"max_ms\":" << Num(f.max_ms, 3)
          << ",\"rss_mb\":" << Opt(s.rss_mb, 3) << ",\"wal_bytes\":" << Opt(s.wal_bytes, 0)
          << ",\"db_bytes\":" << Opt(s.db_bytes, 0) << ",\"server_cpu_pct\":" << Opt(s.cpu_pct, 1)
          << ",\"bench_cpu_pct\":" << Opt(s.bench_cpu_pct, 1)
          << ",\"wal_restart_wait_ms\":" << Num(s.restart_wait_ms, 0)
          << ",\"wal_restarts_gave_up\":" << s.restarts_gave_up << "}";
    }
    out << "],\"rss_base_mb\":" << Opt(rss_base, 3) << ",\"rss_end_max_mb\":" << Opt(rss_end, 3)
        << ",\"rss_growth\":" << Opt(rss_growth, 4) << ",\"wal_max_bytes\":" << Opt(wal_max, 0)
        << ",\"wal_bound_bytes\":" << Num(kWalBoundBytes, 0)
        << ",\"wal_first_third_max_bytes\":" << Opt(wal_first, 0)
        << ",\"wal_last_third_max_bytes\":" << Opt(wal_last, 0)
        << ",\"wal_trend\":" << Opt(wal_trend, 4) << ",\"p99_first_third_ms\":" << Num(p99_first, 3)
        << ",\"p99_last_third_ms\":" << Num(p99_last, 3) << ",\"p99_ratio\":" << Num(p99_ratio, 4)
        << ",\"late_share\":" << Num(late_share, 6)
        << ",\"cpu_us_per_call_first_third\":" << Opt(cpu_first, 1)
        << ",\"cpu_us_per_call_last_third\":" << Opt(cpu_last, 1) << ",\"verdicts\":{";
    for (size_t i = 0; i < verdicts.size(); ++i) {
      const Verdict& v = verdicts[i];
      out << (i ? "," : "") << "\"" << v.name << "\":{\"figure\":" << JsonString(v.figure)
          << ",\"rule\":" << JsonString(v.rule)
          << ",\"met\":" << (v.met ? (*v.met ? "true" : "false") : "null") << "}";
    }
    out << "}}";
    std::cout << out.str() << "\n";
    return 0;
  }

  std::printf("\nsoak: %.0f s at %.0f calls/s scheduled (%.0f %% of %.0f measured), %d workers\n",
              o.soak, rate, 100 * kSoakLoad, capacity, workers);
  std::printf("%8s %7s %8s %6s %5s %8s %8s %8s %8s %8s %9s %6s %7s %9s\n", "t_s", "calls",
              "calls/s", "errors", "late", "p50_ms", "p99_ms", "max_ms", "rss_mb", "wal_mb",
              "db_mb", "cpu_%", "bench_%", "restart_ms");
  double prev = 0;
  for (int i = 0; i < n; ++i) {
    const IntervalFigures& f = iv[i];
    const Sample& s = samples[i];
    auto mb = [](const std::optional<double>& b) {
      return b ? Num(*b / (1 << 20), 2) : std::string("-");
    };
    std::printf("%8.1f %7lld %8.1f %6lld %5lld %8.2f %8.2f %8.2f %8s %8s %9s %6s %7s %9.0f%s\n",
                f.end_s, static_cast<long long>(f.calls), f.calls / std::max(1e-9, f.end_s - prev),
                static_cast<long long>(f.failed), static_cast<long long>(f.late), f.p50_ms,
                f.p99_ms, f.max_ms, s.rss_mb ? Num(*s.rss_mb, 1).c_str() : "-",
                mb(s.wal_bytes).c_str(), mb(s.db_bytes).c_str(),
                s.cpu_pct ? Num(*s.cpu_pct, 0).c_str() : "-",
                s.bench_cpu_pct ? Num(*s.bench_cpu_pct, 0).c_str() : "-", s.restart_wait_ms,
                i + 1 == warm ? "  <- warm-up" : "");
    prev = f.end_s;
  }
  std::printf("\n%-14s %6s %8s %7s %8s %8s  %s\n", "kind", "weight", "calls", "failed", "p50_ms",
              "p99_ms", "what");
  for (int i = 0; i < kMixKinds; ++i) {
    std::printf("%-14s %6d %8lld %7lld %8.2f %8.2f  %s\n", kMix[i].name, mix.weight(i),
                static_cast<long long>(soaked.kinds[i].calls),
                static_cast<long long>(soaked.kinds[i].failed), soaked.kinds[i].p50_ms,
                soaked.kinds[i].p99_ms, kMix[i].what);
  }
  for (const auto& [code, count] : errors) {
    const auto m = soaked.first_messages.find(code);
    std::printf("error %s: %lld (first: %s)\n", code.c_str(), static_cast<long long>(count),
                m == soaked.first_messages.end() ? "" : m->second.c_str());
  }
  if (cpu_first && cpu_last) {
    std::printf(
        "\nserver CPU per call: %.0f us in the first third after the warm-up, %.0f us in "
        "the last (%.3f)\n",
        *cpu_first, *cpu_last, *cpu_last / *cpu_first);
  }
  std::printf("\n%-15s %-7s %s\n", "verdict", "", "figure  [rule]");
  for (const Verdict& v : verdicts) {
    std::printf("%-15s %-7s %s  [%s]\n", v.name.c_str(),
                v.met ? (*v.met ? "met" : "missed") : "n/a", v.figure.c_str(), v.rule.c_str());
  }
  return 0;
}

}  // namespace ptrack::bench
