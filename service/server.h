// Assembles the gRPC server: the ptrack.v1 services (callback API, their bodies on the server's
// CallExecutor) over one Store and Clock, the standard health service, server reflection,
// message-size limits and (when configured) TLS. Used by ptrackd and by the service tests (which
// talk to it over an in-process channel), so both run the same wiring.
#pragma once

#include <grpcpp/server.h>

#include <memory>
#include <string>

#include "engine/summary_sweeper.h"
#include "service/audit_service.h"
#include "service/auth_service.h"
#include "service/catalog_service.h"
#include "service/clinic_service.h"
#include "service/export_service.h"
#include "service/outcome_service.h"
#include "service/program_service.h"
#include "service/progression_service.h"
#include "service/report_service.h"
#include "service/rtm_service.h"
#include "service/session_service.h"

namespace ptrack {

class PtrackServer {
 public:
  struct Config {
    std::string grpc_listen;  // "host:port"; port 0 picks a free one; empty = in-process only
    // PEM certificate chain and private key; both empty = plaintext (ptrackd allows that only
    // on loopback unless told --insecure).
    std::string tls_cert_pem;
    std::string tls_key_pem;
    int max_message_bytes = 1024 * 1024;  // requests; a session is a few KiB
    // Responses: exports (a clinic's year of sessions as CSV, a long FHIR record) are large.
    int max_response_bytes = 64 * 1024 * 1024;
    // The executor that runs every ptrack.v1 handler body, with its admission control
    // (call_executor.h): worker threads (0 = 8 × cores, at least 16), calls waiting at most, and
    // the longest wait for a worker. A call in flight holds no thread until a worker takes it.
    ExecutorOptions executor;
    // WatchAlerts bounds are in options.watches; a max_total of 0 there becomes
    // kDefaultWatchesTotal (a watch holds no thread).
    // How often patients whose summary is from an earlier local day are re-evaluated (so that
    // inactivity, re-evaluation and RTM deadlines reach the report and the alerts without any
    // session); 0 = never (tests call SweepSummaries).
    std::chrono::seconds summary_sweep_interval{300};
    // The byte cap of the evaluation cache (engine/evaluation_cache.h): the latest evaluation
    // of the most recently used patients, 26-37 KiB each, so 64 MiB hold about 2,000.
    size_t evaluation_cache_bytes = 64u << 20;
    ServiceOptions options;
    ClinicalDefaults clinical;  // REQUIRES: loaded from data (LoadClinicalDefaults)
  };

  // REQUIRES: store and clock outlive the server.
  PtrackServer(Store& store, const Clock& clock, Config config);
  ~PtrackServer();

  // Builds and starts the server. UNAVAILABLE when the address cannot be bound.
  Status Start();
  // The bound port (after Start), 0 when none.
  int port() const { return port_; }
  // A channel to the running server that does not go through the network.
  std::shared_ptr<grpc::Channel> InProcessChannel();
  // Re-evaluates every patient whose report row is from an earlier local day (SummarySweeper);
  // the server does this every summary_sweep_interval on its own.
  SweepCounts SweepSummaries() { return sweeper_.SweepOnce(); }
  // The alert watchdog (open and writing watches, for tests and figures).
  const AlertWatchdog& watches() const { return watches_; }
  // The executor that runs handler bodies (queue and refusals, for tests and figures).
  const CallExecutor& executor() const { return executor_; }
  // The total of open watches when Config::options.watches.max_total is 0.
  static constexpr int kDefaultWatchesTotal = 1000;
  // The evaluation cache's counters (hits, misses, entries, bytes), for tests and figures.
  EvaluationCacheStats evaluation_cache() const { return evaluations_.Stats(); }
  // Marks health NOT_SERVING, ends alert watches (UNAVAILABLE) and the sweeper, then stops
  // accepting and waits up to `grace` for in-flight calls (queued ones still run, or are answered
  // CANCELLED once gRPC cancels them after the grace); then stops the executor.
  void Shutdown(std::chrono::milliseconds grace);
  void Wait();

 private:
  Config config_;
  ServiceOptions options_;
  Credentials credentials_;
  Gate gate_;
  AlertHub alerts_;
  AlertWatchdog watches_;
  RefreshQueue refresh_;
  CallExecutor executor_;
  EvaluationCache evaluations_;
  Deps deps_;  // what every service below is given (declared after what it refers to)
  AuthServiceImpl auth_;
  AuditServiceImpl audit_;
  RtmServiceImpl rtm_;
  ExportServiceImpl export_;
  CatalogServiceImpl catalog_;
  ClinicServiceImpl clinic_;
  ProgramServiceImpl program_;
  SessionServiceImpl session_;
  OutcomeServiceImpl outcome_;
  ProgressionServiceImpl progression_;
  ReportServiceImpl report_;
  SummarySweeper sweeper_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace ptrack
