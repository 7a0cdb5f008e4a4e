// ptrack.v1.SessionService: log a session exactly once per client UUID, read sessions back,
// and compute adherence over a period of the patient's local days.
#pragma once

#include "engine/progress_runner.h"
#include "ptrack/v1/session.grpc.pb.h"
#include "service/deps.h"

namespace ptrack {

class SessionServiceImpl final : public v1::SessionService::CallbackService {
 public:
  explicit SessionServiceImpl(Deps deps) : deps_(deps), runner_(deps) {}

  grpc::ServerUnaryReactor* LogSession(grpc::CallbackServerContext* context,
                                       const v1::LogSessionRequest* request,
                                       v1::LogSessionResponse* response) override;
  grpc::ServerUnaryReactor* GetSession(grpc::CallbackServerContext* context,
                                       const v1::GetSessionRequest* request,
                                       v1::Session* response) override;
  grpc::ServerUnaryReactor* ListSessions(grpc::CallbackServerContext* context,
                                         const v1::ListSessionsRequest* request,
                                         v1::ListSessionsResponse* response) override;
  grpc::ServerUnaryReactor* GetAdherence(grpc::CallbackServerContext* context,
                                         const v1::GetAdherenceRequest* request,
                                         v1::Adherence* response) override;

 private:
  // Validates the client-supplied part of a LogSession request (shape, ranges, catalogue); fills
  // `out` with the domain session without derived fields.
  Status ValidateSession(const v1::LogSessionRequest& req, const std::string& clinic_id,
                         Session& out);
  // The logging window for new sessions: not in the future beyond clock skew, not older than
  // ServiceOptions::max_session_age.
  Status CheckWindow(Instant perform_time) const;
  // Fills program_suspended / stop_message from a fresh evaluation (a red flag in this very
  // session suspends at once).
  // Sets program_suspended and the stop message when the patient's program is suspended now.
  Status ReportSuspension(const Patient& patient, const Session& session,
                          v1::LogSessionResponse& resp);
  Deps deps_;
  ProgressRunner runner_;
};

}  // namespace ptrack
