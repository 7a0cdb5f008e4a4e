// ptrackd: the ptrack server. Opens (or creates) the SQLite database, loads the shipped
// catalogue, optionally seeds the demo clinic, and serves gRPC (TLS when a certificate is given;
// plaintext only on loopback unless --insecure) until SIGTERM/SIGINT, on which it reports
// NOT_SERVING, stops accepting and lets in-flight calls finish (bounded grace period).
// `ptrackd admin ...` is the operator's command line (admin_command.h). Every subcommand runs
// with umask 077, so whatever it creates (database, journal, lock, backups, the port file) is
// private to the server's user (storage/private_files.h also sets the modes explicitly).
#include <malloc.h>
#include <sys/stat.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/clinical_defaults.h"
#include "engine/clock.h"
#include "service/admin_command.h"
#include "service/backup_command.h"
#include "service/credentials.h"
#include "service/demo.h"
#include "service/http/connect_bridge.h"
#include "service/http/http_server.h"
#include "service/server.h"
#include "storage/backup.h"
#include "storage/catalogue_loader.h"
#include "storage/private_files.h"
#include "storage/sqlite_store.h"

#ifndef PTRACK_DATA_DIR
#define PTRACK_DATA_DIR "data"
#endif
#ifndef PTRACK_WEB_DIR
#define PTRACK_WEB_DIR "clients/web/dist"
#endif

namespace {

constexpr const char* kUsage = R"(Usage: ptrackd [flags]
       ptrackd admin COMMAND ...   (operator commands; `ptrackd admin --help`)
       ptrackd backup --db PATH --out NEW_FILE      (safe while serving)
       ptrackd restore --from BACKUP --db PATH      (with ptrackd stopped)

Serves the ptrack API (gRPC) over an embedded SQLite database.

Flags:
  --db PATH             SQLite database file (created when absent). Default: ./ptrack.db
  --grpc-listen ADDR    gRPC address host:port (port 0 = any free port). Default: 127.0.0.1:50051
  --http-listen ADDR    HTTP address for the web app and the Connect bridge (port 0 = any free
                        port; "off" = none). Default: 127.0.0.1:8080
  --web-dir DIR         The web app's built files. Default: the build tree's clients/web/dist
  --cors-origin ORIGIN  Let a web page from ORIGIN call the API (repeatable). Default: none
  --http-max-connections N        HTTP connections open at once. Default: 4096 (at most the
                        open-file limit less 256)
  --http-max-connections-per-address N   ... from one client IP; 0 = no cap (behind a reverse
                        proxy, which then must cap its clients itself). Default: 256
  --http-header-timeout-ms N      A request's header must arrive within N ms. Default: 10000
  --http-body-timeout-ms N        Its body within N ms. Default: 30000
  --http-idle-timeout-ms N        Close a kept-alive connection idle for N ms. Default: 30000
  --data-dir DIR        Clinical data (catalogue and protocols). Default: the source tree's data/
  --demo                Seed a demo clinic (idempotent) and print its sign-ins
  --port-file PATH      After start-up, write "grpc=PORT" to PATH (for tests and scripts)
  --tls-cert PATH       PEM certificate chain: serve gRPC over TLS (with --tls-key)
  --tls-key PATH        PEM private key of --tls-cert
  --insecure            Allow plaintext on a non-loopback address (behind a TLS proxy only)
  --workers N           Threads that run calls (the executor). Default: 8 x cores, at least 16
  --queue-max N         Calls that may wait for a worker; more are refused RESOURCE_EXHAUSTED
                        with a retry hint. Default: 512
  --queue-wait-ms N     Refuse a call without a deadline (RESOURCE_EXHAUSTED) that could not
                        start within N ms; a call with one, before its deadline. Default: 1000
  --token-lifetime-hours N   Absolute token lifetime. Default: 720 (30 days)
  --patient-idle-hours N     A patient's token expires after N hours unused. Default: 336
  --staff-idle-hours N       A therapist's or admin's token, likewise. Default: 12
  --watches-per-user N       Alert watches (WatchAlerts streams) one user may hold. Default: 4
  --watches-per-clinic N     Alert watches one clinic's users may hold together. Default: 32
  --watches-total N          Alert watches in all (a watch holds no thread). Default: 1000
  --watch-stall-seconds N    Close a watch blocked N s on a client that stopped reading.
                             Default: 10
  --watch-token-check-seconds N  Read each watch's token again every N s (revocation from
                             `ptrackd admin`, expiry). Default: 5
  --evaluation-cache-mb N    Memory for the latest evaluation of recently used patients
                             (plans and flags read without replaying). Default: 64
  --help                Show this help
)";

struct Flags {
  std::string db = "./ptrack.db";
  std::string grpc_listen = "127.0.0.1:50051";
  std::string http_listen = "127.0.0.1:8080";
  std::string data_dir = PTRACK_DATA_DIR;
  std::string port_file;
  std::string web_dir = PTRACK_WEB_DIR;
  std::vector<std::string> cors_origins;
  ptrack::HttpLimits http_limits;
  std::string tls_cert;
  std::string tls_key;
  bool insecure = false;
  bool demo = false;
  int token_lifetime_hours = 24 * 30;
  int patient_idle_hours = 24 * 14;
  int staff_idle_hours = 12;
  int watches_per_user = 4;
  int watches_per_clinic = 32;
  int watches_total = 0;  // 0 = PtrackServer::kDefaultWatchesTotal (1000)
  int watch_stall_seconds = 10;
  int watch_token_check_seconds = 5;
  ptrack::ExecutorOptions executor;
  int evaluation_cache_mb = 64;
};

// The integer of `text` when it is one within [min, max]; otherwise nullopt.
std::optional<int> ParseInt(const std::string& text, int min, int max) {
  try {
    size_t used = 0;
    const int n = std::stoi(text, &used);
    if (used != text.size() || n < min || n > max) return std::nullopt;
    return n;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Whether `address` ("host:port") can be reached only from this machine.
bool IsLoopback(const std::string& address) {
  const std::string host = address.substr(0, address.rfind(':'));
  return host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

bool ReadFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

// Returns false (after printing why) on a bad command line.
bool ParseFlags(int argc, char** argv, Flags& f, bool& help) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) {
        std::cerr << "ptrackd: " << arg << " needs a value\n";
        return false;
      }
      out = argv[++i];
      return true;
    };
    if (arg == "--help" || arg == "-h") {
      help = true;
    } else if (arg == "--demo") {
      f.demo = true;
    } else if (arg == "--db") {
      if (!value(f.db)) return false;
    } else if (arg == "--grpc-listen") {
      if (!value(f.grpc_listen)) return false;
    } else if (arg == "--http-listen") {
      if (!value(f.http_listen)) return false;
    } else if (arg == "--data-dir") {
      if (!value(f.data_dir)) return false;
    } else if (arg == "--port-file") {
      if (!value(f.port_file)) return false;
    } else if (arg == "--web-dir") {
      if (!value(f.web_dir)) return false;
    } else if (arg == "--cors-origin") {
      std::string origin;
      if (!value(origin)) return false;
      f.cors_origins.push_back(origin);
    } else if (arg == "--http-max-connections" || arg == "--http-max-connections-per-address" ||
               arg == "--http-header-timeout-ms" || arg == "--http-body-timeout-ms" ||
               arg == "--http-idle-timeout-ms") {
      std::string text;
      if (!value(text)) return false;
      long long n = -1;
      try {
        size_t used = 0;
        n = std::stoll(text, &used);
        if (used != text.size()) n = -1;
      } catch (const std::exception&) {
        n = -1;
      }
      const bool per_address = arg == "--http-max-connections-per-address";
      const long long low = per_address ? 0 : 1;
      const long long high = arg.find("timeout") != std::string::npos ? 3'600'000 : 1'000'000;
      if (n < low || n > high) {
        std::cerr << "ptrackd: " << arg << " must be " << low << ".." << high << "\n";
        return false;
      }
      ptrack::HttpLimits& l = f.http_limits;
      if (arg == "--http-max-connections") l.max_connections = n;
      if (per_address) l.max_connections_per_address = n;
      if (arg == "--http-header-timeout-ms") l.header_timeout = std::chrono::milliseconds(n);
      if (arg == "--http-body-timeout-ms") l.body_timeout = std::chrono::milliseconds(n);
      if (arg == "--http-idle-timeout-ms") l.idle_timeout = std::chrono::milliseconds(n);
    } else if (arg == "--tls-cert") {
      if (!value(f.tls_cert)) return false;
    } else if (arg == "--tls-key") {
      if (!value(f.tls_key)) return false;
    } else if (arg == "--insecure") {
      f.insecure = true;
    } else if (arg == "--token-lifetime-hours" || arg == "--patient-idle-hours" ||
               arg == "--staff-idle-hours") {
      std::string text;
      if (!value(text)) return false;
      int hours = 0;
      try {
        size_t used = 0;
        hours = std::stoi(text, &used);
        if (used != text.size()) hours = 0;
      } catch (const std::exception&) {
        hours = 0;
      }
      if (hours < 1 || hours > 24 * 365) {
        std::cerr << "ptrackd: " << arg << " must be 1.." << 24 * 365 << " hours\n";
        return false;
      }
      (arg == "--token-lifetime-hours" ? f.token_lifetime_hours
       : arg == "--patient-idle-hours" ? f.patient_idle_hours
                                       : f.staff_idle_hours) = hours;
    } else if (arg == "--workers" || arg == "--queue-max" || arg == "--queue-wait-ms") {
      std::string text;
      if (!value(text)) return false;
      const int max = arg == "--workers" ? 256 : arg == "--queue-max" ? 100000 : 60000;
      const auto n = ParseInt(text, 1, max);
      if (!n) {
        std::cerr << "ptrackd: " << arg << " must be 1.." << max << "\n";
        return false;
      }
      if (arg == "--workers") {
        f.executor.workers = *n;
      } else if (arg == "--queue-max") {
        f.executor.max_queue = *n;
      } else {
        f.executor.max_queue_wait = std::chrono::milliseconds(*n);
      }
    } else if (arg == "--watches-per-user" || arg == "--watches-per-clinic" ||
               arg == "--watches-total" || arg == "--watch-stall-seconds" ||
               arg == "--watch-token-check-seconds") {
      std::string text;
      if (!value(text)) return false;
      const auto n = ParseInt(text, 1, 3600);  // watches or seconds
      if (!n) {
        std::cerr << "ptrackd: " << arg << " must be 1..3600\n";
        return false;
      }
      (arg == "--watches-per-user"      ? f.watches_per_user
       : arg == "--watches-per-clinic"  ? f.watches_per_clinic
       : arg == "--watches-total"       ? f.watches_total
       : arg == "--watch-stall-seconds" ? f.watch_stall_seconds
                                        : f.watch_token_check_seconds) = *n;
    } else if (arg == "--evaluation-cache-mb") {
      std::string text;
      if (!value(text)) return false;
      const auto n = ParseInt(text, 1, 65536);
      if (!n) {
        std::cerr << "ptrackd: " << arg << " must be 1..65536\n";
        return false;
      }
      f.evaluation_cache_mb = *n;
    } else {
      std::cerr << "ptrackd: unknown flag " << arg << " (see --help)\n";
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  // Patient data: nothing this process creates is for other local users. First, before any
  // thread or file exists.
  ::umask(077);
  Flags flags;
  bool help = false;
  if (argc >= 2 && std::string(argv[1]) == "admin") {
    return ptrack::RunAdminCommand(std::vector<std::string>(argv + 2, argv + argc), std::cout,
                                   std::cerr);
  }
  if (argc >= 2 && (std::string(argv[1]) == "backup" || std::string(argv[1]) == "restore")) {
    return ptrack::RunBackupCommand(argv[1], std::vector<std::string>(argv + 2, argv + argc),
                                    std::cout, std::cerr);
  }
  if (!ParseFlags(argc, argv, flags, help)) return 2;
  if (help) {
    std::cout << kUsage;
    return 0;
  }
  if (flags.tls_cert.empty() != flags.tls_key.empty()) {
    std::cerr << "ptrackd: --tls-cert and --tls-key go together\n";
    return 2;
  }
  std::string cert_pem, key_pem;
  if (!flags.tls_cert.empty() &&
      (!ReadFile(flags.tls_cert, cert_pem) || !ReadFile(flags.tls_key, key_pem))) {
    std::cerr << "ptrackd: cannot read --tls-cert or --tls-key\n";
    return 1;
  }
  const bool http = flags.http_listen != "off" && !flags.http_listen.empty();
  if (http && !IsLoopback(flags.http_listen) && !flags.insecure) {
    std::cerr << "ptrackd: refusing to serve plaintext HTTP on " << flags.http_listen
              << ", which other machines can reach: put a TLS proxy in front and give\n"
              << "  --insecure, or listen on a loopback address\n";
    return 2;
  }
  if (cert_pem.empty() && !IsLoopback(flags.grpc_listen) && !flags.insecure) {
    std::cerr << "ptrackd: refusing to serve plaintext gRPC on " << flags.grpc_listen
              << ", which other machines can reach: give --tls-cert and --tls-key, or\n"
              << "  --insecure if a TLS proxy in front of ptrackd is the only way in\n";
    return 2;
  }
  if (!ptrack::InitCrypto()) {
    std::cerr << "ptrackd: cannot initialise libsodium\n";
    return 1;
  }

  // Four malloc arenas, not glibc's 8 per core: the executor's workers and gRPC's threads share
  // them, so memory one thread frees serves the next instead of staying in that thread's arena
  // (each arena keeps its own high-water mark; docs/PERFORMANCE.md "RSS").
  mallopt(M_ARENA_MAX, 4);

  // Block the stop signals in every thread; one thread waits for them with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  // One server per database file: a second one, or a restore, is refused while this one runs.
  auto lock = ptrack::ServerLock::Acquire(flags.db);
  if (!lock.ok()) {
    std::cerr << "ptrackd: " << lock.status().message() << "\n";
    return 1;
  }
  for (const std::string& warning : ptrack::LooseModeWarnings(flags.db)) {
    std::cerr << "ptrackd: warning: " << warning << "\n";
  }
  auto store = ptrack::SqliteStore::Open(flags.db);
  if (!store.ok()) {
    std::cerr << "ptrackd: " << flags.db << ": " << store.status().message() << "\n";
    return 1;
  }
  auto counts = ptrack::LoadCatalogue(flags.data_dir + "/catalogue", **store);
  if (!counts.ok()) {
    std::cerr << "ptrackd: catalogue: " << counts.status().message() << "\n";
    return 1;
  }
  auto defaults = ptrack::LoadClinicalDefaults(flags.data_dir);
  if (!defaults.ok()) {
    std::cerr << "ptrackd: " << defaults.status().message() << "\n";
    return 1;
  }
  ptrack::SystemClock clock;
  std::vector<ptrack::DemoAccount> demo_accounts;
  if (flags.demo) {
    auto seeded = ptrack::SeedDemo(**store, defaults->rules, clock.Now());
    if (!seeded.ok()) {
      std::cerr << "ptrackd: demo: " << seeded.status().ToString() << "\n";
      return 1;
    }
    demo_accounts = std::move(*seeded);
  }

  ptrack::PtrackServer::Config config;
  config.grpc_listen = flags.grpc_listen;
  config.tls_cert_pem = cert_pem;
  config.tls_key_pem = key_pem;
  config.clinical = std::move(*defaults);
  config.options.security.token_lifetime = std::chrono::hours(flags.token_lifetime_hours);
  config.options.security.patient_idle = std::chrono::hours(flags.patient_idle_hours);
  config.options.security.staff_idle = std::chrono::hours(flags.staff_idle_hours);
  config.options.watches.max_per_user = flags.watches_per_user;
  config.options.watches.max_per_clinic = flags.watches_per_clinic;
  config.options.watches.max_total = flags.watches_total;
  config.options.watches.write_stall = std::chrono::seconds(flags.watch_stall_seconds);
  config.evaluation_cache_bytes = static_cast<size_t>(flags.evaluation_cache_mb) << 20;
  config.options.watches.token_check = std::chrono::seconds(flags.watch_token_check_seconds);
  config.executor = flags.executor;
  ptrack::PtrackServer server(**store, clock, config);
  if (auto s = server.Start(); !s.ok()) {
    std::cerr << "ptrackd: " << s.message() << "\n";
    return 1;
  }
  const std::string host = flags.grpc_listen.substr(0, flags.grpc_listen.rfind(':'));
  ptrack::ConnectBridge bridge(server.InProcessChannel());
  ptrack::HttpOptions http_options;
  http_options.listen = flags.http_listen;
  http_options.web_dir = flags.web_dir;
  http_options.cors_origins = flags.cors_origins;
  http_options.limits = flags.http_limits;
  ptrack::HttpServer web(bridge, http_options);
  std::string web_address = "off";
  if (http) {
    if (auto s = web.Start(); !s.ok()) {
      std::cerr << "ptrackd: " << s.message() << "\n";
      server.Shutdown(std::chrono::milliseconds(0));
      return 1;
    }
    web_address = "http://" + flags.http_listen.substr(0, flags.http_listen.rfind(':')) + ":" +
                  std::to_string(web.port());
  }
  if (!flags.port_file.empty()) {
    const std::string tmp = flags.port_file + ".tmp";
    std::ofstream(tmp) << "grpc=" << server.port() << "\n"
                       << "http=" << (http ? web.port() : 0) << "\n";
    std::rename(tmp.c_str(), flags.port_file.c_str());
  }

  std::cout << "ptrackd " << PTRACK_VERSION << " serving\n"
            << "  gRPC:      " << host << ":" << server.port()
            << (cert_pem.empty() ? "  (plaintext" : "  (TLS") << "; health + reflection on)\n"
            << "  HTTP:      " << web_address << "  (web app, Connect API, /healthz)\n"
            << "  database:  " << flags.db << "\n"
            << "  catalogue: " << counts->exercises << " exercises, " << counts->protocols
            << " protocols\n";
  if (!demo_accounts.empty()) {
    if (http)
      std::cout << "\nOpen " << web_address << " in a browser and sign in with one of these.\n";
    std::cout << "Demo sign-ins (clinic \"demo\"):\n";
    for (const auto& a : demo_accounts) {
      std::printf("  %-10s %-22s %s\n", a.username.c_str(), a.password.c_str(), a.role.c_str());
    }
    std::cout << "Try:  build/clients/cli/ptrack --server " << host << ":" << server.port()
              << " login patient   then   ptrack plan\n";
  }
  std::cout.flush();

  std::thread stopper([&] {
    // While it waits for a stop signal, this thread hands the heap's free memory back to the
    // system every 10 s: each of malloc's arenas (four, above) keeps the peak of what its threads
    // once held (a clinic report of 10,000 rows decodes every row) until trimmed.
    int sig = -1;
    const timespec every = {10, 0};
    while (sig < 0) {
      sig = sigtimedwait(&stop_signals, nullptr, &every);
      if (sig < 0) malloc_trim(0);
    }
    std::cerr << "ptrackd: " << strsignal(sig) << ", shutting down\n";
    web.Stop();  // no new HTTP calls; in-flight ones finish through the gRPC grace period
    server.Shutdown(std::chrono::seconds(10));
  });
  server.Wait();
  stopper.join();
  std::cerr << "ptrackd: stopped\n";
  return 0;
}
