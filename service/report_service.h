// ptrack.v1.ReportService: the clinic report (one derived row per patient,
// engine/report_order.h for its orders), live alerts (a server stream woken by the AlertHub,
// resumable from a cursor) and their acknowledgement. Therapists see their own patients, admins
// the whole clinic.
#pragma once

#include "ptrack/v1/report.grpc.pb.h"
#include "service/deps.h"

namespace ptrack {

class ReportServiceImpl final : public v1::ReportService::Service {
 public:
  explicit ReportServiceImpl(Deps deps) : deps_(deps) {}

  grpc::Status GetClinicReport(grpc::ServerContext* context,
                               const v1::GetClinicReportRequest* request,
                               v1::ClinicReport* response) override;
  grpc::Status WatchAlerts(grpc::ServerContext* context, const v1::WatchAlertsRequest* request,
                           grpc::ServerWriter<v1::Alert>* writer) override;
  grpc::Status ListAlerts(grpc::ServerContext* context, const v1::ListAlertsRequest* request,
                          v1::ListAlertsResponse* response) override;
  grpc::Status AcknowledgeAlert(grpc::ServerContext* context,
                                const v1::AcknowledgeAlertRequest* request,
                                v1::Alert* response) override;

 private:
  Deps deps_;
};

}  // namespace ptrack
