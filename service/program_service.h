// ptrack.v1.ProgramService: assign a protocol to a patient as a program, read programs and their
// revision history, and compute the plan for local dates in the patient's time zone.
#pragma once

#include "engine/progress_runner.h"
#include "ptrack/v1/program.grpc.pb.h"
#include "service/call.h"
#include "service/deps.h"

namespace ptrack {

class ProgramServiceImpl final : public v1::ProgramService::CallbackService {
 public:
  explicit ProgramServiceImpl(Deps deps) : deps_(deps), runner_(deps) {}

  grpc::ServerUnaryReactor* CreateProgram(grpc::CallbackServerContext* context,
                                          const v1::CreateProgramRequest* request,
                                          v1::Program* response) override;
  grpc::ServerUnaryReactor* GetProgram(grpc::CallbackServerContext* context,
                                       const v1::GetProgramRequest* request,
                                       v1::Program* response) override;
  grpc::ServerUnaryReactor* UpdateProgram(grpc::CallbackServerContext* context,
                                          const v1::UpdateProgramRequest* request,
                                          v1::Program* response) override;
  grpc::ServerUnaryReactor* DischargeProgram(grpc::CallbackServerContext* context,
                                             const v1::DischargeProgramRequest* request,
                                             v1::Program* response) override;
  grpc::ServerUnaryReactor* PauseProgram(grpc::CallbackServerContext* context,
                                         const v1::PauseProgramRequest* request,
                                         v1::Program* response) override;
  grpc::ServerUnaryReactor* ResumeProgram(grpc::CallbackServerContext* context,
                                          const v1::ResumeProgramRequest* request,
                                          v1::Program* response) override;
  grpc::ServerUnaryReactor* ListPrograms(grpc::CallbackServerContext* context,
                                         const v1::ListProgramsRequest* request,
                                         v1::ListProgramsResponse* response) override;
  grpc::ServerUnaryReactor* ListProgramRevisions(
      grpc::CallbackServerContext* context, const v1::ListProgramRevisionsRequest* request,
      v1::ListProgramRevisionsResponse* response) override;
  grpc::ServerUnaryReactor* GetPlan(grpc::CallbackServerContext* context,
                                    const v1::GetPlanRequest* request, v1::Plan* response) override;

 private:
  // Loads the named program after checking access to its patient; NOT_FOUND when the program
  // belongs to another patient. A revision stored before rules were (schema 1) comes with the
  // server's default rules filled in, which is what its evaluation applies.
  Result<Program> LoadProgram(Call& call, const std::string& name, const std::string& field,
                              std::string* clinic_id);
  // As LoadProgram, with its patient and the patient's today: what a change to a program needs.
  struct ProgramToday {
    Program program;
    Patient patient;
    LocalDate today{};
  };
  Result<ProgramToday> LoadProgramToday(Call& call, const std::string& name,
                                        const std::string& field);
  // A discharge ends the patient's open RTM episode (if any) on the program's last day, so no
  // monitoring period runs on without a program.
  Status EndMonitoring(const Patient& patient, LocalDate last_day);
  Deps deps_;
  ProgressRunner runner_;
};

}  // namespace ptrack
