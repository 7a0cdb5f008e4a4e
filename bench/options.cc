// ptrack-bench's flags, its help, and its lines on stderr.
#include "bench/options.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace ptrack::bench {
namespace {

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

}  // namespace

std::optional<int> ParseOptions(int argc, char** argv, Options* o) {
  o->quick = Has(argc, argv, "quick");
  o->json = Has(argc, argv, "json");
  if (Has(argc, argv, "help")) {
    std::cout << "Usage: ptrack-bench [--quick] [--json] [--patients N] [--days D] [--seconds S]\n"
                 "                    [--inflight C] [--target HOST:PORT [--http-port P]]\n"
                 "                    [--eval-patients N] [--floor | --no-floor]\n"
                 "                    [--soak [SECONDS]]\n"
                 "Full run: 1,000 x 180 days (plus 10,000 x 180 and 1,000 x 360 for the report),\n"
                 "10 s per phase, 64 calls in flight. --quick: 200 x 60, 3 s, no 10k clinic.\n"
                 "Both time the engine's evaluation after a session at 60 and 720 days of\n"
                 "history on clinics of --eval-patients (30; 20 with --quick; 0 skips it),\n"
                 "and after the 90th session of one day (20 of those patients).\n"
                 "--floor (on in the full run, off with --quick unless given): after ptrackd,\n"
                 "the null RPC, LogSession and plan phases again, three rounds of them, same\n"
                 "calls in flight and seconds, against ptrack-floor (the least server that\n"
                 "answers them durably and audited) on a fresh database: floor_* figures and\n"
                 "ratios (each the median of its rounds'). Not with --target or --soak.\n"
                 "--soak: 300 x 60; the mixed workload's capacity (closed loop, S s, C in\n"
                 "flight), then the mix open loop at 80 % of it for SECONDS (default 600, at\n"
                 "least 3), sampled every 10 s (SECONDS / 30 when shorter); prints the samples\n"
                 "and the verdicts (errors, RSS growth, WAL bound, p99 stability, capacity\n"
                 "kept), and each kind's server CPU per call alone, before and after.\n";
    return 0;
  }
  if (Has(argc, argv, "soak")) {
    const std::string value = Arg(argc, argv, "soak", "");
    o->soak = value.empty() || value.rfind("--", 0) == 0 ? 600 : std::stod(value);
    if (o->soak < 3) {
      std::cerr << "ptrack-bench: --soak needs at least 3 seconds\n";
      return 2;
    }
    o->patients = 300;
    o->days = 60;
  }
  if (o->quick) {
    o->patients = 200;
    o->days = 60;
    o->seconds = 3;
    o->report_runs = 10;
    o->eval_patients = 20;
  }
  o->patients = std::stoi(Arg(argc, argv, "patients", std::to_string(o->patients)));
  o->days = std::stoi(Arg(argc, argv, "days", std::to_string(o->days)));
  o->seconds = std::stod(Arg(argc, argv, "seconds", Num(o->seconds, 3)));
  o->inflight = std::stoi(Arg(argc, argv, "inflight", std::to_string(o->inflight)));
  o->eval_patients = std::stoi(Arg(argc, argv, "eval-patients", std::to_string(o->eval_patients)));
  o->target = Arg(argc, argv, "target", "");
  o->http_port = std::stoi(Arg(argc, argv, "http-port", "0"));
  if (Has(argc, argv, "floor") && (o->soak > 0 || !o->target.empty())) {
    std::cerr << "ptrack-bench: --floor runs beside the ptrackd the bench starts for its phases: "
                 "not with --soak or --target\n";
    return 2;
  }
  o->floor = Has(argc, argv, "floor") ||
             (!o->quick && o->soak == 0 && o->target.empty() && !Has(argc, argv, "no-floor"));
  return std::nullopt;
}

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

std::string Num(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace ptrack::bench
