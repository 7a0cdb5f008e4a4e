// Authentication and authorization in one place (DESIGN.md §6). Every rpc handler starts with
// Gate::Enter(context, method), which authenticates the bearer token and applies the method's
// row of the access table (access.cc: the one table to review); handlers of clinic- or
// patient-scoped methods then call CheckClinic / CheckPatient. The tenant always comes from the
// principal, never from the request.
#pragma once

#include <grpcpp/server_context.h>

#include <map>
#include <string>
#include <string_view>

#include "service/credentials.h"
#include "service/names.h"
#include "storage/store.h"

namespace ptrack {

// What a method's target is, and so which relationship the caller must have to it.
enum class Scope {
  kPublic,    // no token needed (sign-in)
  kSignedIn,  // any valid token (own identity, the shared catalogue)
  kClinic,    // a clinic: the caller's own
  kPatient,   // one patient: the patient themself, their assigned therapist, their clinic's admin
};

struct AccessRule {
  Scope scope = Scope::kSignedIn;
  bool patient = false;  // roles allowed to call the method at all
  bool therapist = false;
  bool admin = false;
};

// Full method name ("/ptrack.v1.SessionService/LogSession") -> rule.
const std::map<std::string, AccessRule, std::less<>>& AccessTable();

class Gate {
 public:
  Gate(Credentials& credentials, Store& store) : credentials_(credentials), store_(store) {}

  // Authenticates the caller from "authorization: Bearer <token>" metadata and checks the
  // method's role rule. UNAUTHENTICATED without a valid token; PERMISSION_DENIED when the role
  // may not call the method; INTERNAL when the method has no rule (a programming error).
  // For Scope::kPublic returns an empty principal.
  Result<Principal> Enter(const grpc::ServerContext& context, std::string_view method);

  // PERMISSION_DENIED unless the clinic is the caller's own.
  Status CheckClinic(const Principal& who, const std::string& clinic_id) const;

  // Loads the named patient and checks the caller's relationship to them: NOT_FOUND when the
  // patient does not exist in the caller's clinic, PERMISSION_DENIED when it is in another clinic
  // or not the caller's (own record for patients, assigned for therapists, clinic for admins).
  Result<Patient> CheckPatient(const Principal& who, const names::PatientName& name);

  // The bearer token of the call, or empty.
  static std::string BearerToken(const grpc::ServerContext& context);

 private:
  Credentials& credentials_;
  Store& store_;
};

}  // namespace ptrack
