// Authentication and authorization in one place (DESIGN.md §6, docs/SECURITY.md). Every rpc
// runs through Serve() (call.h), which calls Gate::Enter: it authenticates the bearer token and
// applies the method's row of the access table (access.cc: the one table to review). Handlers of
// clinic-, patient- or account-scoped methods then check their target through the Call, which
// uses CheckClinic / CheckPatient / CheckTherapist below. The tenant always comes from the
// principal, never from the request; a patient or therapist the caller may not see is
// NOT_FOUND with the same message as one that does not exist.
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
  kPublic,    // no token needed (sign-in, enrolment)
  kSignedIn,  // any valid token (own identity, the shared catalogue)
  kClinic,    // a clinic: the caller's own
  kPatient,   // one patient: the patient themself, their assigned therapist, their clinic's admin
  kAccount,   // a patient (as kPatient) or a therapist (their clinic's admin)
};

struct AccessRule {
  Scope scope = Scope::kSignedIn;
  bool patient = false;  // roles allowed to call the method at all
  bool therapist = false;
  bool admin = false;
  bool audit = false;  // every call by a known caller is written to the audit log
};

// Full method name ("/ptrack.v1.SessionService/LogSession") -> rule.
const std::map<std::string, AccessRule, std::less<>>& AccessTable();

class Gate {
 public:
  Gate(Credentials& credentials, Store& store) : credentials_(credentials), store_(store) {}

  // Authenticates the caller from "authorization: Bearer <token>" metadata and checks the
  // method's role rule. UNAUTHENTICATED without a valid token; PERMISSION_DENIED when the role
  // may not call the method (whatever the target); INTERNAL when the method has no rule (a
  // programming error). Sets *who to the authenticated caller, also when the role is denied (so
  // that the denial can be audited); for Scope::kPublic leaves it empty.
  Status Enter(const grpc::ServerContextBase& context, std::string_view method, Principal* who);

  // PERMISSION_DENIED unless the clinic is the caller's own.
  Status CheckClinic(const Principal& who, const std::string& clinic_id) const;

  // Loads the named patient when the caller may see them (the patient themself, the assigned
  // therapist, an admin of their clinic); otherwise NOT_FOUND "patient not found", exactly as
  // for a patient that does not exist.
  Result<Patient> CheckPatient(const Principal& who, const names::PatientName& name);

  // Loads the named therapist when the caller is that therapist or an admin of their clinic;
  // otherwise NOT_FOUND "therapist not found", as for one that does not exist.
  Result<Therapist> CheckTherapist(const Principal& who, const names::PatientName& name);

  // The bearer token of the call, or empty.
  static std::string BearerToken(const grpc::ServerContextBase& context);
  // The token of an Authorization value "Bearer <token>"; empty for anything else (another
  // scheme, a missing token, a different case of "Bearer").
  static std::string BearerToken(std::string_view authorization);

 private:
  Credentials& credentials_;
  Store& store_;
};

}  // namespace ptrack
