// A patient's phone for the reliability tests: signs in as the demo patient over gRPC and logs
// sessions with client-chosen ids, remembering every request it sent so that it can re-send one
// unchanged (the same id and payload), as the phone app does after a timeout. Log and NewSession
// may be called from many threads at once; Reconnect only while no call is in flight.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "ptrack/v1/auth.grpc.pb.h"
#include "ptrack/v1/session.grpc.pb.h"

namespace ptrack::testing {

class SessionClient {
 public:
  // Signs in as the demo patient at `address` (the server must run with --demo). Throws
  // std::runtime_error when it cannot.
  explicit SessionClient(const std::string& address);

  // Talks to a restarted server at `address` from now on; the token stays valid (it is stored).
  void Reconnect(const std::string& address);

  // A new session of the demo patient (5 exercises, performed a minute ago) with a random id.
  v1::LogSessionRequest NewSession(std::mt19937_64& rng) const;

  // Sends `req` with a deadline; the status of the call.
  grpc::Status Log(const v1::LogSessionRequest& req, std::chrono::milliseconds deadline,
                   v1::LogSessionResponse* resp = nullptr) const;

  // AuthService/WhoAmI with the patient's token: a signed-in call that reads the database (the
  // token) and writes nothing that it needs (no audit row).
  grpc::Status WhoAmI(std::chrono::milliseconds deadline) const;

  // True for the statuses a client sees when the server went away mid-call (and should retry).
  static bool Transient(const grpc::Status& s);

 private:
  std::shared_ptr<grpc::Channel> Channel() const;

  std::shared_ptr<grpc::Channel> channel_;
  std::string token_;
  std::vector<std::string> exercises_;
};

}  // namespace ptrack::testing
