// ptrack.v1.ExportService: a clinic's sessions as CSV (csv.h) and one patient's record as a FHIR
// R4 Bundle (fhir_bundle.h). Both read the store page by page; the CSV is also served over HTTP
// (GET /exports/sessions.csv, http_server.cc) through this same rpc.
#pragma once

#include "ptrack/v1/export.grpc.pb.h"
#include "service/deps.h"

namespace ptrack {

class ExportServiceImpl final : public v1::ExportService::CallbackService {
 public:
  explicit ExportServiceImpl(Deps deps) : deps_(deps) {}

  grpc::ServerUnaryReactor* ExportSessionsCsv(grpc::CallbackServerContext* context,
                                              const v1::ExportSessionsCsvRequest* request,
                                              v1::CsvFile* response) override;
  grpc::ServerUnaryReactor* ExportPatientFhir(grpc::CallbackServerContext* context,
                                              const v1::ExportPatientFhirRequest* request,
                                              v1::FhirBundle* response) override;

 private:
  Deps deps_;
};

}  // namespace ptrack
