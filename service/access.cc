// The access table and its enforcement.
#include "service/access.h"

namespace ptrack {

const std::map<std::string, AccessRule, std::less<>>& AccessTable() {
  // clang-format off
  // One row per rpc. Roles: P = patient, T = therapist, A = clinic admin; audit = the call is
  // written to the audit log (it touches patient data, accounts, or signs someone in).
  constexpr bool P = true, T = true, A = true, audit = true, _ = false;
  static const std::map<std::string, AccessRule, std::less<>> table = {
      // method                                              scope      P  T  A  audit
      {"/ptrack.v1.AuthService/SignIn",                     {Scope::kPublic,   P, T, A, audit}},
      {"/ptrack.v1.AuthService/Enrol",                      {Scope::kPublic,   P, T, A, audit}},
      {"/ptrack.v1.AuthService/SignOut",                    {Scope::kSignedIn, P, T, A, audit}},
      {"/ptrack.v1.AuthService/WhoAmI",                     {Scope::kSignedIn, P, T, A, _}},
      {"/ptrack.v1.CatalogService/ListExercises",           {Scope::kSignedIn, P, T, A, _}},
      {"/ptrack.v1.CatalogService/GetExercise",             {Scope::kSignedIn, P, T, A, _}},
      {"/ptrack.v1.CatalogService/ListProtocols",           {Scope::kSignedIn, P, T, A, _}},
      {"/ptrack.v1.CatalogService/GetProtocol",             {Scope::kSignedIn, P, T, A, _}},
      {"/ptrack.v1.CatalogService/CreateExercise",          {Scope::kClinic,   _, T, A, _}},
      {"/ptrack.v1.CatalogService/CreateProtocol",          {Scope::kClinic,   _, T, A, _}},
      {"/ptrack.v1.ClinicService/GetClinic",                {Scope::kClinic,   P, T, A, _}},
      {"/ptrack.v1.ClinicService/CreateTherapist",          {Scope::kClinic,   _, _, A, audit}},
      {"/ptrack.v1.ClinicService/ListTherapists",           {Scope::kClinic,   _, T, A, _}},
      {"/ptrack.v1.ClinicService/CreatePatient",            {Scope::kClinic,   _, T, A, audit}},
      {"/ptrack.v1.ClinicService/GetPatient",               {Scope::kPatient,  P, T, A, audit}},
      {"/ptrack.v1.ClinicService/ListPatients",             {Scope::kClinic,   _, T, A, audit}},
      {"/ptrack.v1.ClinicService/UpdatePatient",            {Scope::kPatient,  _, T, A, audit}},
      {"/ptrack.v1.ClinicService/CreateEnrolmentCode",      {Scope::kAccount,  _, T, A, audit}},
      {"/ptrack.v1.ClinicService/DisableAccount",           {Scope::kClinic,   _, _, A, audit}},
      {"/ptrack.v1.ClinicService/EnableAccount",            {Scope::kClinic,   _, _, A, audit}},
      {"/ptrack.v1.AuditService/ListAuditEvents",           {Scope::kClinic,   _, _, A, _}},
      {"/ptrack.v1.ProgramService/CreateProgram",           {Scope::kPatient,  _, T, A, audit}},
      {"/ptrack.v1.ProgramService/GetProgram",              {Scope::kPatient,  P, T, A, audit}},
      {"/ptrack.v1.ProgramService/UpdateProgram",           {Scope::kPatient,  _, T, A, audit}},
      {"/ptrack.v1.ProgramService/ListPrograms",            {Scope::kPatient,  P, T, A, audit}},
      {"/ptrack.v1.ProgramService/DischargeProgram",        {Scope::kPatient,  _, T, A, audit}},
      {"/ptrack.v1.ProgramService/PauseProgram",            {Scope::kPatient,  _, T, A, audit}},
      {"/ptrack.v1.ProgramService/ResumeProgram",           {Scope::kPatient,  _, T, A, audit}},
      {"/ptrack.v1.ProgramService/ListProgramRevisions",    {Scope::kPatient,  P, T, A, audit}},
      {"/ptrack.v1.ProgramService/GetPlan",                 {Scope::kPatient,  P, T, A, audit}},
      {"/ptrack.v1.SessionService/LogSession",              {Scope::kPatient,  P, T, _, audit}},
      {"/ptrack.v1.SessionService/GetSession",              {Scope::kPatient,  P, T, A, audit}},
      {"/ptrack.v1.SessionService/ListSessions",            {Scope::kPatient,  P, T, A, audit}},
      {"/ptrack.v1.SessionService/GetAdherence",            {Scope::kPatient,  P, T, A, audit}},
      {"/ptrack.v1.OutcomeService/ListInstruments",         {Scope::kSignedIn, P, T, A, _}},
      {"/ptrack.v1.OutcomeService/ListDueQuestionnaires",   {Scope::kPatient,  P, T, A, audit}},
      {"/ptrack.v1.OutcomeService/SubmitOutcomeResponse",   {Scope::kPatient,  P, T, _, audit}},
      {"/ptrack.v1.OutcomeService/ListOutcomeResponses",    {Scope::kPatient,  P, T, A, audit}},
      {"/ptrack.v1.OutcomeService/AssignInstrument",        {Scope::kPatient,  _, T, A, audit}},
      {"/ptrack.v1.ProgressionService/ListDecisions",       {Scope::kPatient,  P, T, A, audit}},
      {"/ptrack.v1.ProgressionService/ApproveDecision",     {Scope::kPatient,  _, T, A, audit}},
      {"/ptrack.v1.ProgressionService/RejectDecision",      {Scope::kPatient,  _, T, A, audit}},
      {"/ptrack.v1.ProgressionService/ListFlags",           {Scope::kPatient,  P, T, A, audit}},
      {"/ptrack.v1.ProgressionService/ClearRedFlag",        {Scope::kPatient,  _, T, A, audit}},
      {"/ptrack.v1.ProgressionService/BoostProgram",        {Scope::kPatient,  _, T, A, audit}},
      {"/ptrack.v1.ProgressionService/ReportNextMorningPain",
                                                            {Scope::kPatient,  P, T, _, audit}},
      {"/ptrack.v1.ProgressionService/GetRedFlagChecklist", {Scope::kSignedIn, P, T, A, _}},
      {"/ptrack.v1.ProgressionService/GetDefaultRules",     {Scope::kSignedIn, P, T, A, _}},
      {"/ptrack.v1.RtmService/StartRtmEpisode",             {Scope::kPatient,  _, T, A, audit}},
      {"/ptrack.v1.RtmService/EndRtmEpisode",               {Scope::kPatient,  _, T, A, audit}},
      {"/ptrack.v1.RtmService/ListRtmEpisodes",             {Scope::kPatient,  _, T, A, audit}},
      {"/ptrack.v1.RtmService/AddRtmTimeEntry",             {Scope::kPatient,  _, T, _, audit}},
      {"/ptrack.v1.RtmService/ListRtmTimeEntries",          {Scope::kPatient,  _, T, A, audit}},
      {"/ptrack.v1.RtmService/GetRtmStatus",                {Scope::kPatient,  _, T, A, audit}},
      {"/ptrack.v1.ExportService/ExportSessionsCsv",        {Scope::kClinic,   _, T, A, audit}},
      {"/ptrack.v1.ExportService/ExportPatientFhir",        {Scope::kPatient,  P, T, A, audit}},
      {"/ptrack.v1.ReportService/GetClinicReport",          {Scope::kClinic,   _, T, A, audit}},
      {"/ptrack.v1.ReportService/WatchAlerts",              {Scope::kClinic,   _, T, A, audit}},
      {"/ptrack.v1.ReportService/ListAlerts",               {Scope::kClinic,   _, T, A, audit}},
      {"/ptrack.v1.ReportService/AcknowledgeAlert",         {Scope::kClinic,   _, T, A, audit}},
  };
  // clang-format on
  return table;
}

std::string Gate::BearerToken(const grpc::ServerContextBase& context) {
  const auto& md = context.client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) return "";
  return BearerToken(std::string_view(it->second.data(), it->second.size()));
}

std::string Gate::BearerToken(std::string_view authorization) {
  constexpr std::string_view kPrefix = "Bearer ";
  if (authorization.size() <= kPrefix.size() || !authorization.starts_with(kPrefix)) return "";
  return std::string(authorization.substr(kPrefix.size()));
}

Status Gate::Enter(const grpc::ServerContextBase& context, std::string_view method,
                   Principal* who) {
  *who = Principal{};
  const auto& table = AccessTable();
  auto rule = table.find(method);
  if (rule == table.end()) return Status::Internal("method has no access rule");
  if (rule->second.scope == Scope::kPublic) return Status::Ok();
  PTRACK_ASSIGN_OR_RETURN(*who, credentials_.Authenticate(BearerToken(context)));
  const AccessRule& r = rule->second;
  const bool allowed = (who->role == Role::kPatient && r.patient) ||
                       (who->role == Role::kTherapist && r.therapist) ||
                       (who->role == Role::kClinicAdmin && r.admin);
  if (!allowed) return Status::PermissionDenied("your role may not call this method");
  return Status::Ok();
}

Status Gate::CheckClinic(const Principal& who, const std::string& clinic_id) const {
  if (clinic_id != who.clinic_id) return Status::PermissionDenied("not your clinic");
  return Status::Ok();
}

Result<Patient> Gate::CheckPatient(const Principal& who, const names::PatientName& name) {
  static const Status not_found = Status::NotFound("patient not found");
  if (name.clinic != who.clinic_id) return not_found;
  auto patient = store_.GetPatient(name.patient);
  if (!patient.ok()) {
    return patient.status().code() == StatusCode::kNotFound ? not_found : patient.status();
  }
  if (patient->clinic_id != who.clinic_id) return not_found;
  switch (who.role) {
    case Role::kPatient:
      if (patient->id != who.subject_id) return not_found;
      break;
    case Role::kTherapist:
      if (patient->therapist_id != who.subject_id) return not_found;
      break;
    case Role::kClinicAdmin:
      break;
    case Role::kUnspecified:
      return not_found;
  }
  return patient;
}

Result<Therapist> Gate::CheckTherapist(const Principal& who, const names::PatientName& name) {
  static const Status not_found = Status::NotFound("therapist not found");
  if (name.clinic != who.clinic_id) return not_found;
  auto therapist = store_.GetTherapist(name.patient);
  if (!therapist.ok()) {
    return therapist.status().code() == StatusCode::kNotFound ? not_found : therapist.status();
  }
  if (therapist->clinic_id != who.clinic_id) return not_found;
  const bool self = who.role == Role::kTherapist && therapist->id == who.subject_id;
  if (!self && who.role != Role::kClinicAdmin) return not_found;
  return therapist;
}

}  // namespace ptrack
