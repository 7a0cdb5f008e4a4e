// ptrack.v1.ProgressionService: decisions and their approval, flags, clearing red flags, boosts,
// next-morning pain, and the red-flag checklist. Every answer comes from a fresh evaluation of
// the program's history (engine/progress_runner.h); therapist actions are appended, never edited.
#pragma once

#include "engine/progress_runner.h"
#include "ptrack/v1/progression.grpc.pb.h"
#include "service/call.h"
#include "service/deps.h"

namespace ptrack {

class ProgressionServiceImpl final : public v1::ProgressionService::CallbackService {
 public:
  explicit ProgressionServiceImpl(Deps deps) : deps_(deps), runner_(deps) {}

  grpc::ServerUnaryReactor* ListDecisions(grpc::CallbackServerContext* context,
                                          const v1::ListDecisionsRequest* request,
                                          v1::ListDecisionsResponse* response) override;
  grpc::ServerUnaryReactor* ApproveDecision(grpc::CallbackServerContext* context,
                                            const v1::ResolveDecisionRequest* request,
                                            v1::Decision* response) override;
  grpc::ServerUnaryReactor* RejectDecision(grpc::CallbackServerContext* context,
                                           const v1::ResolveDecisionRequest* request,
                                           v1::Decision* response) override;
  grpc::ServerUnaryReactor* ListFlags(grpc::CallbackServerContext* context,
                                      const v1::ListFlagsRequest* request,
                                      v1::ListFlagsResponse* response) override;
  grpc::ServerUnaryReactor* ClearRedFlag(grpc::CallbackServerContext* context,
                                         const v1::PatientActionRequest* request,
                                         v1::PatientActionResponse* response) override;
  grpc::ServerUnaryReactor* BoostProgram(grpc::CallbackServerContext* context,
                                         const v1::PatientActionRequest* request,
                                         v1::PatientActionResponse* response) override;
  grpc::ServerUnaryReactor* ReportNextMorningPain(
      grpc::CallbackServerContext* context, const v1::ReportNextMorningPainRequest* request,
      v1::ReportNextMorningPainResponse* response) override;
  grpc::ServerUnaryReactor* GetRedFlagChecklist(grpc::CallbackServerContext* context,
                                                const v1::GetRedFlagChecklistRequest* request,
                                                v1::GetRedFlagChecklistResponse* response) override;
  grpc::ServerUnaryReactor* GetDefaultRules(grpc::CallbackServerContext* context,
                                            const v1::GetDefaultRulesRequest* request,
                                            v1::ProgressionRules* response) override;

 private:
  // The evaluation of `program` that holds decision `decision_id`: the patient's cached one when
  // the program is active and the decision is among those it keeps, else a replay from the start.
  Result<std::shared_ptr<const Evaluated>> Evaluate(const Patient& patient, const Program& program,
                                                    const std::string& decision_id);
  // Approve or reject: the shared path.
  Status Resolve(Call& call, const v1::ResolveDecisionRequest& req, TherapistAction::Kind kind,
                 v1::Decision& out);
  // Clear or boost: the shared path.
  Status PatientAction(Call& call, const v1::PatientActionRequest& req, TherapistAction::Kind kind);
  Deps deps_;
  ProgressRunner runner_;
};

}  // namespace ptrack
