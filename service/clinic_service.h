// ptrack.v1.ClinicService: the caller's clinic, its therapists, and its patients (create with
// a sign-in, read, list, update with FieldMask + etag), and its admins' disabling and enabling
// of accounts.
#pragma once

#include "engine/progress_runner.h"
#include "ptrack/v1/clinic.grpc.pb.h"
#include "service/deps.h"

namespace ptrack {

class ClinicServiceImpl final : public v1::ClinicService::Service {
 public:
  explicit ClinicServiceImpl(Deps deps) : deps_(deps), runner_(deps) {}

  grpc::Status GetClinic(grpc::ServerContext* context, const v1::GetClinicRequest* request,
                         v1::Clinic* response) override;
  grpc::Status CreatePatient(grpc::ServerContext* context, const v1::CreatePatientRequest* request,
                             v1::Patient* response) override;
  grpc::Status GetPatient(grpc::ServerContext* context, const v1::GetPatientRequest* request,
                          v1::Patient* response) override;
  grpc::Status ListPatients(grpc::ServerContext* context, const v1::ListPatientsRequest* request,
                            v1::ListPatientsResponse* response) override;
  grpc::Status UpdatePatient(grpc::ServerContext* context, const v1::UpdatePatientRequest* request,
                             v1::Patient* response) override;
  grpc::Status ListTherapists(grpc::ServerContext* context,
                              const v1::ListTherapistsRequest* request,
                              v1::ListTherapistsResponse* response) override;
  grpc::Status CreateTherapist(grpc::ServerContext* context,
                               const v1::CreateTherapistRequest* request,
                               v1::Therapist* response) override;
  grpc::Status CreateEnrolmentCode(grpc::ServerContext* context,
                                   const v1::CreateEnrolmentCodeRequest* request,
                                   v1::EnrolmentCode* response) override;
  // In clinic_service_accounts.cc.
  grpc::Status DisableAccount(grpc::ServerContext* context,
                              const v1::DisableAccountRequest* request,
                              v1::Account* response) override;
  grpc::Status EnableAccount(grpc::ServerContext* context, const v1::EnableAccountRequest* request,
                             v1::Account* response) override;

 private:
  Deps deps_;
  ProgressRunner runner_;  // a new zone moves the report row's "today"
};

}  // namespace ptrack
