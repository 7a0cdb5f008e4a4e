// ptrack.v1.ReportService: the clinic report (one derived row per patient,
// engine/report_order.h for its orders), live alerts (a server stream woken by the AlertHub,
// resumable from a cursor) and their acknowledgement. Therapists see their own patients, admins
// the whole clinic.
#pragma once

#include "ptrack/v1/report.grpc.pb.h"
#include "service/deps.h"

namespace ptrack {

class ReportServiceImpl final : public v1::ReportService::CallbackService {
 public:
  explicit ReportServiceImpl(Deps deps) : deps_(deps) {}

  grpc::ServerUnaryReactor* GetClinicReport(grpc::CallbackServerContext* context,
                                            const v1::GetClinicReportRequest* request,
                                            v1::ClinicReport* response) override;
  grpc::ServerWriteReactor<v1::Alert>* WatchAlerts(grpc::CallbackServerContext* context,
                                                   const v1::WatchAlertsRequest* request) override;
  grpc::ServerUnaryReactor* ListAlerts(grpc::CallbackServerContext* context,
                                       const v1::ListAlertsRequest* request,
                                       v1::ListAlertsResponse* response) override;
  grpc::ServerUnaryReactor* AcknowledgeAlert(grpc::CallbackServerContext* context,
                                             const v1::AcknowledgeAlertRequest* request,
                                             v1::Alert* response) override;

 private:
  Deps deps_;
};

}  // namespace ptrack
