// ptrackd: the ptrack server. Opens (or creates) the SQLite database, loads the shipped
// catalogue, optionally seeds the demo clinic, and serves gRPC until SIGTERM/SIGINT, on which it
// reports NOT_SERVING, stops accepting and lets in-flight calls finish (bounded grace period).
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "service/clinical_defaults.h"
#include "service/clock.h"
#include "service/credentials.h"
#include "service/demo.h"
#include "service/server.h"
#include "storage/catalogue_loader.h"
#include "storage/sqlite_store.h"

#ifndef PTRACK_DATA_DIR
#define PTRACK_DATA_DIR "data"
#endif

namespace {

constexpr const char* kUsage = R"(Usage: ptrackd [flags]

Serves the ptrack API (gRPC) over an embedded SQLite database.

Flags:
  --db PATH             SQLite database file (created when absent). Default: ./ptrack.db
  --grpc-listen ADDR    gRPC address host:port (port 0 = any free port). Default: 127.0.0.1:50051
  --http-listen ADDR    HTTP address for the web app and Connect bridge. Default: 127.0.0.1:8080
                        (accepted now; served once the web client lands)
  --data-dir DIR        Clinical data (catalogue and protocols). Default: the source tree's data/
  --demo                Seed a demo clinic (idempotent) and print its sign-ins
  --port-file PATH      After start-up, write "grpc=PORT" to PATH (for tests and scripts)
  --help                Show this help
)";

struct Flags {
  std::string db = "./ptrack.db";
  std::string grpc_listen = "127.0.0.1:50051";
  std::string http_listen = "127.0.0.1:8080";
  std::string data_dir = PTRACK_DATA_DIR;
  std::string port_file;
  bool demo = false;
};

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
    } else {
      std::cerr << "ptrackd: unknown flag " << arg << " (see --help)\n";
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  bool help = false;
  if (!ParseFlags(argc, argv, flags, help)) return 2;
  if (help) {
    std::cout << kUsage;
    return 0;
  }
  if (!ptrack::InitCrypto()) {
    std::cerr << "ptrackd: cannot initialise libsodium\n";
    return 1;
  }

  // Block the stop signals in every thread; one thread waits for them with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

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
  config.clinical = std::move(*defaults);
  ptrack::PtrackServer server(**store, clock, config);
  if (auto s = server.Start(); !s.ok()) {
    std::cerr << "ptrackd: " << s.message() << "\n";
    return 1;
  }
  const std::string host = flags.grpc_listen.substr(0, flags.grpc_listen.rfind(':'));
  if (!flags.port_file.empty()) {
    const std::string tmp = flags.port_file + ".tmp";
    std::ofstream(tmp) << "grpc=" << server.port() << "\n";
    std::rename(tmp.c_str(), flags.port_file.c_str());
  }

  std::cout << "ptrackd " << PTRACK_VERSION << " serving\n"
            << "  gRPC:      " << host << ":" << server.port() << "  (health + reflection on)\n"
            << "  HTTP:      " << flags.http_listen << "  (reserved for the web app)\n"
            << "  database:  " << flags.db << "\n"
            << "  catalogue: " << counts->exercises << " exercises, " << counts->protocols
            << " protocols\n";
  if (!demo_accounts.empty()) {
    std::cout << "Demo sign-ins (clinic \"demo\"):\n";
    for (const auto& a : demo_accounts) {
      std::printf("  %-10s %-22s %s\n", a.username.c_str(), a.password.c_str(), a.role.c_str());
    }
    std::cout << "Try:  build/clients/cli/ptrack --server " << host << ":" << server.port()
              << " login patient   then   ptrack plan\n";
  }
  std::cout.flush();

  std::thread stopper([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    std::cerr << "ptrackd: " << strsignal(sig) << ", shutting down\n";
    server.Shutdown(std::chrono::seconds(10));
  });
  server.Wait();
  stopper.join();
  std::cerr << "ptrackd: stopped\n";
  return 0;
}
