// ptrack.v1.OutcomeService: the outcome-measure instruments (data/outcomes), the questionnaires
// due for a patient, their responses — scored by the server, stored exactly once per client UUID
// — with the change since the program's baseline, and which instruments a program asks.
//
// Which instruments a program asks: each instrument's latest setting for the program (the
// therapist's AssignInstrument), else its data file's assign_by_default; an instrument a phase
// gate of the program's latest revision waits on is always asked.
#pragma once

#include "ptrack/v1/outcome.grpc.pb.h"
#include "service/deps.h"

namespace ptrack {

class OutcomeServiceImpl final : public v1::OutcomeService::CallbackService {
 public:
  explicit OutcomeServiceImpl(Deps deps) : deps_(deps) {}

  grpc::ServerUnaryReactor* ListInstruments(grpc::CallbackServerContext* context,
                                            const v1::ListInstrumentsRequest* request,
                                            v1::ListInstrumentsResponse* response) override;
  grpc::ServerUnaryReactor* ListDueQuestionnaires(
      grpc::CallbackServerContext* context, const v1::ListDueQuestionnairesRequest* request,
      v1::ListDueQuestionnairesResponse* response) override;
  grpc::ServerUnaryReactor* SubmitOutcomeResponse(
      grpc::CallbackServerContext* context, const v1::SubmitOutcomeResponseRequest* request,
      v1::SubmitOutcomeResponseResponse* response) override;
  grpc::ServerUnaryReactor* ListOutcomeResponses(
      grpc::CallbackServerContext* context, const v1::ListOutcomeResponsesRequest* request,
      v1::ListOutcomeResponsesResponse* response) override;
  grpc::ServerUnaryReactor* AssignInstrument(grpc::CallbackServerContext* context,
                                             const v1::AssignInstrumentRequest* request,
                                             v1::AssignInstrumentResponse* response) override;

 private:
  // Instrument `id` as the clinic uses it (its own data, else the shipped one).
  const Instrument* Find(const std::string& clinic_id, const std::string& id) const;
  // The ids of the instruments `program` (of a patient of `clinic_id`) asks (see above), by id.
  Result<std::vector<std::string>> Asked(const Program& program, const std::string& clinic_id);
  // The program a patient's responses count for today: the active one, else the latest
  // discharged one (answers are taken within its instruments' discharge windows). NOT_FOUND
  // when the patient has never had a program.
  Result<Program> CurrentProgram(const Patient& patient);

  Deps deps_;
};

}  // namespace ptrack
