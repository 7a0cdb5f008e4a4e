// Commands: enrol (redeem an enrolment code), therapist-create, enrolment-code, audit,
// account-disable and account-enable.
#include <google/protobuf/util/time_util.h>

#include <iostream>

#include "clients/cli/commands.h"
#include "ptrack/v1/audit.grpc.pb.h"
#include "ptrack/v1/auth.grpc.pb.h"
#include "ptrack/v1/clinic.grpc.pb.h"

namespace ptrack::cli {
namespace {

// A full name under the caller's clinic for a bare id ("sam" -> clinics/c/patients/sam).
std::string InClinic(const Client& c, const std::string& name, const char* collection) {
  if (name.find('/') != std::string::npos || !c.profile()) return name;
  return c.profile()->clinic + "/" + collection + "/" + name;
}

}  // namespace

int PrintEnrolmentCode(Client& c, const std::string& account_name) {
  auto stub = v1::ClinicService::NewStub(c.channel());
  v1::CreateEnrolmentCodeRequest req;
  req.set_name(account_name);
  v1::EnrolmentCode resp;
  auto status = stub->CreateEnrolmentCode(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  std::cout << "Enrolment code for " << resp.username() << ": " << resp.code() << "\n"
            << "  valid once, until "
            << google::protobuf::util::TimeUtil::ToString(resp.expire_time())
            << "; they choose a password with `ptrack enrol CODE` or in the app.\n";
  return kExitOk;
}

int Enrol(Client& c) {
  if (c.args().positional().size() < 2) return Usage("enrol CODE [--password P]");
  const std::string code = c.args().positional()[1];
  const std::string password = ReadPassword(c, "new password (8 or more characters)");
  auto stub = v1::AuthService::NewStub(c.channel());
  v1::EnrolRequest req;
  req.set_code(code);
  req.set_password(password);
  v1::SignInResponse resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto status = stub->Enrol(&ctx, req, &resp);
  if (!status.ok()) return c.Fail(status);
  return SaveSignIn(c, resp);
}

int CreateTherapist(Client& c) {
  if (!c.profile()) return Usage("sign in first: ptrack login USER");
  const auto name = c.args().Get("name"), user = c.args().Get("username");
  if (!name || !user) return Usage("therapist-create --name NAME --username USER [--id UUID]");
  auto stub = v1::ClinicService::NewStub(c.channel());
  v1::CreateTherapistRequest req;
  req.set_parent(c.profile()->clinic);
  req.set_therapist_id(c.args().Get("id").value_or(""));
  req.mutable_therapist()->set_display_name(*name);
  req.mutable_therapist()->set_username(*user);
  v1::Therapist resp;
  auto status = stub->CreateTherapist(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  std::cout << "Created " << resp.name() << " (" << resp.display_name() << ")\n";
  return PrintEnrolmentCode(c, resp.name());
}

int EnrolmentCode(Client& c) {
  if (c.args().positional().size() < 2) {
    return Usage("enrolment-code PATIENT | clinics/C/therapists/T");
  }
  return PrintEnrolmentCode(c, InClinic(c, c.args().positional()[1], "patients"));
}

namespace {

// Disables or enables the account USER (or a full "clinics/C/accounts/U" name) of the caller's
// clinic.
int SetAccountDisabled(Client& c, bool disabled) {
  const char* usage = disabled ? "account-disable USER" : "account-enable USER";
  if (c.args().positional().size() < 2) return Usage(usage);
  if (!c.profile()) return Usage("sign in first: ptrack login USER");
  auto stub = v1::ClinicService::NewStub(c.channel());
  const std::string name = InClinic(c, c.args().positional()[1], "accounts");
  v1::Account resp;
  grpc::Status status;
  if (disabled) {
    v1::DisableAccountRequest req;
    req.set_name(name);
    status = stub->DisableAccount(c.Context().get(), req, &resp);
  } else {
    v1::EnableAccountRequest req;
    req.set_name(name);
    status = stub->EnableAccount(c.Context().get(), req, &resp);
  }
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  if (resp.disabled()) {
    std::cout << "Disabled " << resp.username() << ": signed out everywhere; sign-in refused.\n";
  } else {
    std::cout << "Enabled " << resp.username()
              << ": they sign in with their password (earlier sessions stay signed out).\n";
  }
  return kExitOk;
}

}  // namespace

int DisableAccount(Client& c) { return SetAccountDisabled(c, true); }
int EnableAccount(Client& c) { return SetAccountDisabled(c, false); }

int Audit(Client& c) {
  if (!c.profile()) return Usage("sign in first: ptrack login USER");
  auto stub = v1::AuditService::NewStub(c.channel());
  v1::ListAuditEventsRequest req;
  req.set_parent(c.profile()->clinic);
  if (auto p = c.args().Get("patient")) req.set_patient(InClinic(c, *p, "patients"));
  int limit = 50;
  if (auto l = c.args().Get("limit")) {
    try {
      limit = std::stoi(*l);
    } catch (const std::exception&) {
      return Usage("--limit takes a number");
    }
  }
  req.set_page_size(std::min(std::max(limit, 1), 200));
  v1::ListAuditEventsResponse resp;
  auto status = stub->ListAuditEvents(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  for (const v1::AuditEvent& e : resp.events()) {
    std::cout << google::protobuf::util::TimeUtil::ToString(e.time()) << "  " << e.username()
              << " (" << v1::Role_Name(e.role()) << ")  " << e.method() << "  "
              << (e.patient_id().empty() ? "-" : e.patient_id()) << "  " << e.outcome() << "\n";
  }
  if (!resp.next_page_token().empty()) std::cout << "(more: raise --limit)\n";
  return kExitOk;
}

}  // namespace ptrack::cli
