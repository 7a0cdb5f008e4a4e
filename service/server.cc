// Server assembly: builder options, services, health and reflection.
#include "service/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <algorithm>

namespace ptrack {
namespace {

ServiceOptions SizeWatches(ServiceOptions options) {
  if (options.watches.max_total <= 0) {
    options.watches.max_total = PtrackServer::kDefaultWatchesTotal;
  }
  return options;
}

}  // namespace

PtrackServer::PtrackServer(Store& store, const Clock& clock, Config config)
    : config_(std::move(config)),
      options_(SizeWatches(config_.options)),
      credentials_(store, clock, options_.security),
      gate_(credentials_, store),
      watches_(credentials_, clock, alerts_, options_.watches),
      executor_(config_.executor),
      evaluations_(config_.evaluation_cache_bytes),
      deps_{{store, clock, config_.clinical, alerts_, refresh_, evaluations_},
            credentials_,
            gate_,
            options_,
            watches_,
            executor_},
      auth_(deps_),
      audit_(deps_),
      rtm_(deps_),
      export_(deps_),
      catalog_(deps_),
      clinic_(deps_),
      program_(deps_),
      session_(deps_),
      outcome_(deps_),
      progression_(deps_),
      report_(deps_),
      sweeper_(deps_) {}

PtrackServer::~PtrackServer() {
  if (server_) Shutdown(std::chrono::milliseconds(0));
}

Status PtrackServer::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  if (!config_.grpc_listen.empty()) {
    std::shared_ptr<grpc::ServerCredentials> creds = grpc::InsecureServerCredentials();
    if (!config_.tls_cert_pem.empty()) {
      grpc::SslServerCredentialsOptions tls;
      tls.pem_key_cert_pairs.push_back({config_.tls_key_pem, config_.tls_cert_pem});
      creds = grpc::SslServerCredentials(tls);
    }
    builder.AddListeningPort(config_.grpc_listen, creds, &port_);
  }
  builder.SetMaxReceiveMessageSize(config_.max_message_bytes);
  builder.SetMaxSendMessageSize(config_.max_response_bytes);
  builder.RegisterService(&auth_);
  builder.RegisterService(&audit_);
  builder.RegisterService(&rtm_);
  builder.RegisterService(&export_);
  builder.RegisterService(&catalog_);
  builder.RegisterService(&clinic_);
  builder.RegisterService(&program_);
  builder.RegisterService(&session_);
  builder.RegisterService(&outcome_);
  builder.RegisterService(&progression_);
  builder.RegisterService(&report_);
  executor_.Start();  // before the first call can arrive
  server_ = builder.BuildAndStart();
  if (!server_ || (!config_.grpc_listen.empty() && port_ == 0)) {
    server_.reset();
    return Status::Unavailable("cannot listen on " + config_.grpc_listen);
  }
  server_->GetHealthCheckService()->SetServingStatus(true);
  watches_.Start();
  sweeper_.StartWorker();
  if (config_.summary_sweep_interval.count() > 0) sweeper_.Start(config_.summary_sweep_interval);
  return Status::Ok();
}

std::shared_ptr<grpc::Channel> PtrackServer::InProcessChannel() {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(config_.max_response_bytes);  // the bridge relays exports
  return server_->InProcessChannel(args);
}

void PtrackServer::Shutdown(std::chrono::milliseconds grace) {
  if (!server_) return;
  server_->GetHealthCheckService()->SetServingStatus(false);
  alerts_.Close();
  sweeper_.Stop();  // and the worker, after the rows it is deriving
  // Waits for every call to finish, the executor still running their bodies (a queued call gRPC
  // cancelled after the grace finishes CANCELLED without running).
  server_->Shutdown(std::chrono::system_clock::now() + grace);
  executor_.Stop();
  watches_.Stop();  // after the server: a watch blocked in a write is cancelled by Shutdown
}

void PtrackServer::Wait() {
  if (server_) server_->Wait();
}

}  // namespace ptrack
