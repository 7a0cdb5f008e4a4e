// The operator's commands.
#include "service/admin_command.h"

#include <date/date.h>

#include <iostream>
#include <map>

#include "engine/clock.h"
#include "service/credentials.h"
#include "service/validate.h"
#include "storage/private_files.h"
#include "storage/sqlite_store.h"

namespace ptrack {
namespace {

constexpr const char* kUsage = R"(Usage: ptrackd admin COMMAND --db PATH [flags]

Commands:
  create-clinic --clinic ID --name NAME --time-zone ZONE --admin USERNAME
      Creates a clinic and its first admin account, and prints the admin's enrolment code
      (they choose their password with it: `ptrack enrol CODE`).
  enrolment-code --username USERNAME
      Prints a new enrolment code for any account (first sign-in, forgotten password, unlocking
      after too many failed sign-ins). Earlier codes of the account stop working.
  revoke-tokens --username USERNAME
      Signs the account out everywhere (every token stops working on its next call).
  disable-account --username USERNAME
      Disables the account: signs it out everywhere, voids its enrolment codes and refuses its
      sign-ins (answered as a wrong password) until enable-account.
  enable-account --username USERNAME
      Lets a disabled account sign in again with its existing password.

A clinic ID is 2..40 characters of a-z, 0-9 and '-', starting with a letter or digit.
)";

bool ValidClinicId(const std::string& id) {
  if (id.size() < 2 || id.size() > 40 || id.front() == '-') return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

void PrintCode(const IssuedCode& code, const std::string& username, std::ostream& out) {
  out << "Enrolment code for " << username << ": " << code.code << "\n"
      << "  valid until " << date::format("%FT%TZ", code.expire_time) << ", once; redeem it with\n"
      << "  `ptrack enrol " << code.code << "` (or in the web app) to choose a password.\n";
}

}  // namespace

int RunAdminCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    (args.empty() ? err : out) << kUsage;
    return args.empty() ? 2 : 0;
  }
  const std::string command = args[0];
  std::map<std::string, std::string> flags;
  for (size_t i = 1; i < args.size(); i += 2) {
    if (args[i].rfind("--", 0) != 0 || i + 1 >= args.size()) {
      err << "ptrackd admin: expected --flag VALUE, got " << args[i] << "\n" << kUsage;
      return 2;
    }
    flags[args[i].substr(2)] = args[i + 1];
  }
  auto need = [&](std::initializer_list<const char*> names) {
    bool ok = true;
    for (const char* name : names) {
      if (flags[name].empty()) {
        err << "ptrackd admin " << command << ": --" << name << " is required\n";
        ok = false;
      }
    }
    return ok;
  };
  if (command != "create-clinic" && command != "enrolment-code" && command != "revoke-tokens" &&
      command != "disable-account" && command != "enable-account") {
    err << "ptrackd admin: unknown command " << command << "\n" << kUsage;
    return 2;
  }
  if (!need({"db"})) return 2;
  if (!InitCrypto()) {
    err << "ptrackd admin: cannot initialise libsodium\n";
    return 1;
  }
  for (const std::string& warning : LooseModeWarnings(flags["db"])) {
    err << "ptrackd admin: warning: " << warning << "\n";
  }
  auto opened = SqliteStore::Open(flags["db"]);
  if (!opened.ok()) {
    err << "ptrackd admin: " << flags["db"] << ": " << opened.status().message() << "\n";
    return 1;
  }
  Store& store = **opened;
  SystemClock clock;
  Credentials credentials(store, clock, SecurityPolicy{});
  auto fail = [&](const Status& s) {
    err << "ptrackd admin " << command << ": " << s.ToString() << "\n";
    return 1;
  };

  if (command == "create-clinic") {
    if (!need({"clinic", "name", "time-zone", "admin"})) return 2;
    Violations v;
    if (!ValidClinicId(flags["clinic"])) v.Add("--clinic", "2..40 of a-z, 0-9, '-'");
    validate::Line(flags["name"], "--name", 100, v);
    validate::TimeZone(flags["time-zone"], "--time-zone", v);
    validate::Username(flags["admin"], "--admin", v);
    if (!v.empty()) return fail(v.ToStatus()), 2;
    // Idempotent: running it again with the same clinic and admin issues a fresh code. The
    // admin's name is checked first, so that a taken name leaves no clinic without an admin.
    const Clinic clinic{flags["clinic"], flags["name"], flags["time-zone"]};
    if (auto taken = store.GetAccount(flags["admin"]);
        taken.ok() && (taken->role != Role::kClinicAdmin || taken->clinic_id != clinic.id)) {
      return fail(Status::AlreadyExists("the user name is taken"));
    }
    if (auto s = store.CreateClinic(clinic); !s.ok()) {
      auto stored = store.GetClinic(clinic.id);
      if (s.code() != StatusCode::kAlreadyExists || !stored.ok() ||
          stored->display_name != clinic.display_name || stored->time_zone != clinic.time_zone) {
        return fail(s.code() == StatusCode::kAlreadyExists
                        ? Status::AlreadyExists("another clinic with this id exists")
                        : s);
      }
    }
    const Account admin{flags["admin"], "", Role::kClinicAdmin, clinic.id, "", clock.Now()};
    if (auto s = store.CreateAccount(admin); !s.ok()) {
      auto stored = store.GetAccount(admin.username);
      if (s.code() != StatusCode::kAlreadyExists || !stored.ok() ||
          stored->role != Role::kClinicAdmin || stored->clinic_id != clinic.id) {
        return fail(s.code() == StatusCode::kAlreadyExists
                        ? Status::AlreadyExists("the user name is taken")
                        : s);
      }
    }
    auto code = credentials.IssueEnrolmentCode(admin.username);
    if (!code.ok()) return fail(code.status());
    out << "Created clinic " << clinic.id << " (" << clinic.display_name << ", " << clinic.time_zone
        << ") with admin " << admin.username << ".\n";
    PrintCode(*code, admin.username, out);
    return 0;
  }
  if (!need({"username"})) return 2;
  const std::string username = flags["username"];
  if (command == "enrolment-code") {
    auto code = credentials.IssueEnrolmentCode(username);
    if (!code.ok()) return fail(code.status());
    PrintCode(*code, username, out);
    return 0;
  }
  if (auto account = store.GetAccount(username); !account.ok()) return fail(account.status());
  if (command == "disable-account" || command == "enable-account") {
    const bool disable = command == "disable-account";
    if (auto s = store.SetAccountDisabled(username, disable, clock.Now()); !s.ok()) return fail(s);
    out << (disable ? "Disabled " : "Enabled ") << username
        << (disable ? ": every token is revoked and sign-in is refused.\n"
                    : ": sign-in with the existing password works again.\n");
    return 0;
  }
  // revoke-tokens
  if (auto s = store.RevokeTokens(username); !s.ok()) return fail(s);
  out << "Every token of " << username << " is revoked.\n";
  return 0;
}

}  // namespace ptrack
