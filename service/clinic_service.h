// ptrack.v1.ClinicService: the caller's clinic, its therapists, and its patients (create with
// a sign-in, read, list, update with FieldMask + etag), and its admins' disabling and enabling
// of accounts.
#pragma once

#include "engine/progress_runner.h"
#include "ptrack/v1/clinic.grpc.pb.h"
#include "service/deps.h"

namespace ptrack {

class ClinicServiceImpl final : public v1::ClinicService::CallbackService {
 public:
  explicit ClinicServiceImpl(Deps deps) : deps_(deps), runner_(deps) {}

  grpc::ServerUnaryReactor* GetClinic(grpc::CallbackServerContext* context,
                                      const v1::GetClinicRequest* request,
                                      v1::Clinic* response) override;
  grpc::ServerUnaryReactor* CreatePatient(grpc::CallbackServerContext* context,
                                          const v1::CreatePatientRequest* request,
                                          v1::Patient* response) override;
  grpc::ServerUnaryReactor* GetPatient(grpc::CallbackServerContext* context,
                                       const v1::GetPatientRequest* request,
                                       v1::Patient* response) override;
  grpc::ServerUnaryReactor* ListPatients(grpc::CallbackServerContext* context,
                                         const v1::ListPatientsRequest* request,
                                         v1::ListPatientsResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePatient(grpc::CallbackServerContext* context,
                                          const v1::UpdatePatientRequest* request,
                                          v1::Patient* response) override;
  grpc::ServerUnaryReactor* ListTherapists(grpc::CallbackServerContext* context,
                                           const v1::ListTherapistsRequest* request,
                                           v1::ListTherapistsResponse* response) override;
  grpc::ServerUnaryReactor* CreateTherapist(grpc::CallbackServerContext* context,
                                            const v1::CreateTherapistRequest* request,
                                            v1::Therapist* response) override;
  grpc::ServerUnaryReactor* CreateEnrolmentCode(grpc::CallbackServerContext* context,
                                                const v1::CreateEnrolmentCodeRequest* request,
                                                v1::EnrolmentCode* response) override;
  // In clinic_service_accounts.cc.
  grpc::ServerUnaryReactor* DisableAccount(grpc::CallbackServerContext* context,
                                           const v1::DisableAccountRequest* request,
                                           v1::Account* response) override;
  grpc::ServerUnaryReactor* EnableAccount(grpc::CallbackServerContext* context,
                                          const v1::EnableAccountRequest* request,
                                          v1::Account* response) override;

 private:
  Deps deps_;
  ProgressRunner runner_;  // a new zone moves the report row's "today"
};

}  // namespace ptrack
