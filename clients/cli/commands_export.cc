// Commands: export-csv, export-fhir — a clinic's sessions as CSV and one patient's record as a
// FHIR R4 Bundle, written to --out (or standard output).
#include <fstream>
#include <iostream>

#include "clients/cli/commands.h"
#include "ptrack/v1/export.grpc.pb.h"

namespace ptrack::cli {
namespace {

// Writes `bytes` to --out when given (saying where), else to standard output.
int Emit(const Client& c, const std::string& bytes, const std::string& what) {
  const auto out = c.args().Get("out");
  if (!out) {
    std::cout << bytes;
    return kExitOk;
  }
  std::ofstream file(*out, std::ios::binary);
  file << bytes;
  if (!file.good()) {
    std::cerr << "ptrack: cannot write " << *out << "\n";
    return kExitFailed;
  }
  std::cerr << "Wrote " << what << " to " << *out << "\n";
  return kExitOk;
}

}  // namespace

int ExportCsv(Client& c) {
  const auto from = c.args().Get("from");
  const auto to = c.args().Get("to");
  const auto clinic = c.profile() ? std::optional<std::string>(c.profile()->clinic) : std::nullopt;
  if (!from || !to || !clinic || clinic->empty()) {
    return Usage(
        "export-csv --from YYYY-MM-DD --to YYYY-MM-DD [--patient P] [--out FILE] "
        "(signed in as a therapist or admin)");
  }
  v1::ExportSessionsCsvRequest req;
  req.set_parent(*clinic);
  if (c.args().Has("patient")) {
    const std::string patient = c.PatientName();
    if (patient.empty()) return kExitUsage;
    req.set_patient(patient);
  }
  req.set_start_date(*from);
  req.set_end_date(*to);
  v1::CsvFile resp;
  auto status =
      v1::ExportService::NewStub(c.channel())->ExportSessionsCsv(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  return Emit(c, resp.content(), std::to_string(resp.rows()) + " sessions");
}

int ExportFhir(Client& c) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  v1::ExportPatientFhirRequest req;
  req.set_name(patient);
  v1::FhirBundle resp;
  auto status =
      v1::ExportService::NewStub(c.channel())->ExportPatientFhir(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  return Emit(c, resp.json() + "\n", "a FHIR R4 Bundle");
}

}  // namespace ptrack::cli
