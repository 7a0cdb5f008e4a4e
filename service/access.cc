// The access table and its enforcement.
#include "service/access.h"

namespace ptrack {

const std::map<std::string, AccessRule, std::less<>>& AccessTable() {
  //                                                   scope              patient therapist admin
  static const std::map<std::string, AccessRule, std::less<>> table = {
      {"/ptrack.v1.AuthService/SignIn", {Scope::kPublic, true, true, true}},
      {"/ptrack.v1.AuthService/SignOut", {Scope::kSignedIn, true, true, true}},
      {"/ptrack.v1.AuthService/WhoAmI", {Scope::kSignedIn, true, true, true}},
      {"/ptrack.v1.CatalogService/ListExercises", {Scope::kSignedIn, true, true, true}},
      {"/ptrack.v1.CatalogService/GetExercise", {Scope::kSignedIn, true, true, true}},
      {"/ptrack.v1.CatalogService/ListProtocols", {Scope::kSignedIn, true, true, true}},
      {"/ptrack.v1.CatalogService/GetProtocol", {Scope::kSignedIn, true, true, true}},
      {"/ptrack.v1.CatalogService/CreateExercise", {Scope::kClinic, false, true, true}},
      {"/ptrack.v1.CatalogService/CreateProtocol", {Scope::kClinic, false, true, true}},
      {"/ptrack.v1.ClinicService/GetClinic", {Scope::kClinic, true, true, true}},
      {"/ptrack.v1.ClinicService/CreatePatient", {Scope::kClinic, false, true, true}},
      {"/ptrack.v1.ClinicService/GetPatient", {Scope::kPatient, true, true, true}},
      {"/ptrack.v1.ClinicService/ListPatients", {Scope::kClinic, false, true, true}},
      {"/ptrack.v1.ClinicService/UpdatePatient", {Scope::kPatient, false, true, true}},
      {"/ptrack.v1.ClinicService/ListTherapists", {Scope::kClinic, false, true, true}},
      {"/ptrack.v1.ProgramService/CreateProgram", {Scope::kPatient, false, true, true}},
      {"/ptrack.v1.ProgramService/GetProgram", {Scope::kPatient, true, true, true}},
      {"/ptrack.v1.ProgramService/UpdateProgram", {Scope::kPatient, false, true, true}},
      {"/ptrack.v1.ProgramService/ListPrograms", {Scope::kPatient, true, true, true}},
      {"/ptrack.v1.ProgramService/ListProgramRevisions", {Scope::kPatient, true, true, true}},
      {"/ptrack.v1.ProgramService/GetPlan", {Scope::kPatient, true, true, true}},
      {"/ptrack.v1.SessionService/LogSession", {Scope::kPatient, true, true, false}},
      {"/ptrack.v1.SessionService/GetSession", {Scope::kPatient, true, true, true}},
      {"/ptrack.v1.SessionService/ListSessions", {Scope::kPatient, true, true, true}},
      {"/ptrack.v1.SessionService/GetAdherence", {Scope::kPatient, true, true, true}},
      {"/ptrack.v1.ProgressionService/ListDecisions", {Scope::kPatient, true, true, true}},
      {"/ptrack.v1.ProgressionService/ApproveDecision", {Scope::kPatient, false, true, true}},
      {"/ptrack.v1.ProgressionService/RejectDecision", {Scope::kPatient, false, true, true}},
      {"/ptrack.v1.ProgressionService/ListFlags", {Scope::kPatient, true, true, true}},
      {"/ptrack.v1.ProgressionService/ClearRedFlag", {Scope::kPatient, false, true, true}},
      {"/ptrack.v1.ProgressionService/BoostProgram", {Scope::kPatient, false, true, true}},
      {"/ptrack.v1.ProgressionService/ReportNextMorningPain", {Scope::kPatient, true, true, false}},
      {"/ptrack.v1.ProgressionService/GetRedFlagChecklist", {Scope::kSignedIn, true, true, true}},
      {"/ptrack.v1.ProgressionService/GetDefaultRules", {Scope::kSignedIn, true, true, true}},
  };
  return table;
}

std::string Gate::BearerToken(const grpc::ServerContext& context) {
  const auto& md = context.client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) return "";
  const std::string value(it->second.data(), it->second.size());
  static const std::string kPrefix = "Bearer ";
  if (value.size() <= kPrefix.size() || value.compare(0, kPrefix.size(), kPrefix) != 0) return "";
  return value.substr(kPrefix.size());
}

Result<Principal> Gate::Enter(const grpc::ServerContext& context, std::string_view method) {
  const auto& table = AccessTable();
  auto rule = table.find(method);
  if (rule == table.end()) return Status::Internal("method has no access rule");
  if (rule->second.scope == Scope::kPublic) return Principal{};
  auto who = credentials_.Authenticate(BearerToken(context));
  if (!who.ok()) return who.status();
  const AccessRule& r = rule->second;
  const bool allowed = (who->role == Role::kPatient && r.patient) ||
                       (who->role == Role::kTherapist && r.therapist) ||
                       (who->role == Role::kClinicAdmin && r.admin);
  if (!allowed) return Status::PermissionDenied("your role may not call this method");
  return who;
}

Status Gate::CheckClinic(const Principal& who, const std::string& clinic_id) const {
  if (clinic_id != who.clinic_id) return Status::PermissionDenied("not your clinic");
  return Status::Ok();
}

Result<Patient> Gate::CheckPatient(const Principal& who, const names::PatientName& name) {
  if (name.clinic != who.clinic_id) return Status::PermissionDenied("not your clinic");
  auto patient = store_.GetPatient(name.patient);
  if (!patient.ok()) return patient.status();
  if (patient->clinic_id != who.clinic_id) return Status::NotFound("patient not found");
  switch (who.role) {
    case Role::kPatient:
      if (patient->id != who.subject_id) return Status::PermissionDenied("not your record");
      break;
    case Role::kTherapist:
      if (patient->therapist_id != who.subject_id) {
        return Status::PermissionDenied("patient is not assigned to you");
      }
      break;
    case Role::kClinicAdmin:
      break;
    case Role::kUnspecified:
      return Status::PermissionDenied("unknown role");
  }
  return patient;
}

}  // namespace ptrack
