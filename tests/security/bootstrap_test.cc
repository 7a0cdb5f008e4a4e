// The operator's and the users' account life cycle through the real binaries (docs/SECURITY.md,
// "Accounts"): `ptrackd admin create-clinic` prints the first admin's enrolment code, is
// idempotent (a fresh code voids the old one) and refuses bad input with exit code 2 without
// creating anything; on a server without the demo the admin enrols with `ptrack enrol`, creates
// a therapist, who creates a patient, each choosing their own password with their one-time
// code; codes work once; the admin reads the audit log and nobody else may; and, while the
// server runs, `ptrackd admin enrolment-code` resets a password and `ptrackd admin
// revoke-tokens` signs an account out everywhere. Every CLI user has its own config directory.
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/cli.h"
#include "tests/integration/process.h"

namespace ptrack::testing {
namespace {

using Catch::Matchers::Contains;
using nlohmann::json;

// Runs `ptrackd admin ARGS...`; such a command must finish on its own.
RunResult Admin(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {PTRACKD, "admin"};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult r = RunWithDeadline(argv, {}, std::chrono::seconds(60));
  REQUIRE_FALSE(r.timed_out);
  return r;
}

const std::regex kCode("[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}");

// The enrolment code a command printed ("Enrolment code for USER: XXXX-XXXX-XXXX"); empty when
// it printed none.
std::string CodeIn(const std::string& text) {
  static const std::regex line("Enrolment code for [a-z0-9._-]+: ([^\\s]+)");
  std::smatch m;
  if (!std::regex_search(text, m, line)) return "";
  return m[1];
}

// The code a successful command printed, which must have the code's form.
std::string PrintedCode(const RunResult& r) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  const std::string code = CodeIn(r.out);
  REQUIRE(std::regex_match(code, kCode));
  return code;
}

std::vector<std::string> CreateNorth(const std::string& db) {
  return {"create-clinic", "--db",        db,        "--clinic", "north", "--name", "North PT",
          "--time-zone",   "Europe/Oslo", "--admin", "boss"};
}

void Enrol(const Cli& cli, const std::string& code, const std::string& password) {
  const RunResult r = cli({"enrol", code, "--password", password});
  INFO("enrol " << code << ": " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("Signed in as"));
}

json WhoAmI(const Cli& cli) { return cli.Json({"whoami"}); }

// Exit 1 with the given status code name on stderr.
void CheckFails(const RunResult& r, const std::string& code) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("error: " + code));
}

// Clinic "north" bootstrapped through the real binaries, as an operator and its users would:
// the operator creates it; boss (admin) enrols and creates therapist drt, who enrols and creates
// patient pat1, who enrols. Everyone has their own CLI config directory.
struct North {
  static constexpr const char* kBossPassword = "boss-password-1";
  static constexpr const char* kTherapistPassword = "drt-password-1";
  static constexpr const char* kPatientPassword = "pat1-password-1";

  explicit North(const TempDir& dir)
      : dir_(dir.path()),
        db(dir.path() + "/ptrack.db"),
        boss_code(PrintedCode(Admin(CreateNorth(db)))),
        server(std::make_unique<Ptrackd>(PTRACKD, db, dir.path(), std::vector<std::string>{})),
        boss(Client("boss")),
        therapist(Client("drt")),
        patient(Client("pat1")) {
    CHECK_THAT(server->Log(), !Contains("Demo sign-ins"));
    Enrol(boss, boss_code, kBossPassword);

    const RunResult t = boss({"therapist-create", "--name", "Dr Tove Berg", "--username", "drt"});
    therapist_code = PrintedCode(t);
    CHECK_THAT(t.out, Contains("Created clinics/north/therapists/"));
    Enrol(therapist, therapist_code, kTherapistPassword);

    const RunResult p = therapist(
        {"patient-create", "--name", "Pat One", "--zone", "Europe/Oslo", "--username", "pat1"});
    patient_code = PrintedCode(p);
    std::smatch m;
    REQUIRE(std::regex_search(p.out, m, std::regex("Created (clinics/north/patients/\\S+)")));
    patient_name = m[1];
    // A password that is too short is refused before the code is spent.
    CheckFails(patient({"enrol", patient_code, "--password", "short"}), "INVALID_ARGUMENT");
    Enrol(patient, patient_code, kPatientPassword);
  }

  // A CLI user with a config directory of its own.
  Cli Client(const std::string& who) const { return Cli(server->address(), dir_ + "/cli-" + who); }

  std::string dir_;
  std::string db;
  std::string boss_code;
  std::unique_ptr<Ptrackd> server;
  Cli boss, therapist, patient;
  std::string therapist_code, patient_code;
  std::string patient_name;  // clinics/north/patients/{id}
};

}  // namespace

TEST_CASE("ptrackd admin create-clinic prints a code, is idempotent and refuses bad input",
          "[security]") {
  TempDir dir;
  const std::string db = dir.path() + "/ptrack.db";

  const RunResult first = Admin(CreateNorth(db));
  const std::string first_code = PrintedCode(first);
  CHECK_THAT(first.out, Contains("Created clinic north (North PT, Europe/Oslo) with admin boss."));
  CHECK(first.err.empty());
  // Idempotent: the same command again succeeds with a new code.
  const RunResult again = Admin(CreateNorth(db));
  const std::string code = PrintedCode(again);
  CHECK(code != first_code);
  // The same id with other details is a conflict, and issues nothing.
  const RunResult other = Admin({"create-clinic", "--db", db, "--clinic", "north", "--name",
                                 "Other PT", "--time-zone", "Europe/Oslo", "--admin", "boss"});
  CHECK(other.exit_code == 1);
  CHECK_THAT(other.err, Contains("ALREADY_EXISTS"));
  CHECK(CodeIn(other.out).empty());

  struct Bad {
    std::vector<std::string> args;  // after "create-clinic --db DB"
    const char* says;
    const char* admin;   // an account the command must not have created
    const char* clinic;  // a valid clinic id that must still be free ("" = none)
  };
  const std::vector<Bad> bad = {
      {{"--clinic", "west", "--name", "West PT", "--time-zone", "Mars/Olympus", "--admin",
        "west-boss"},
       "--time-zone",
       "west-boss",
       "west"},
      {{"--clinic", "North", "--name", "North PT", "--time-zone", "Europe/Oslo", "--admin",
        "upper-boss"},
       "--clinic",
       "upper-boss",
       ""},
      {{"--clinic", "-north", "--name", "North PT", "--time-zone", "Europe/Oslo", "--admin",
        "dash-boss"},
       "--clinic",
       "dash-boss",
       ""},
      {{"--clinic", "north_pt!", "--name", "North PT", "--time-zone", "Europe/Oslo", "--admin",
        "odd-boss"},
       "--clinic",
       "odd-boss",
       ""},
      {{"--clinic", "south", "--name", "South PT", "--time-zone", "Europe/Oslo", "--admin",
        "Bad Boss!"},
       "--admin",
       "",
       "south"},
      {{"--clinic", "south", "--name", "South\nPT", "--time-zone", "Europe/Oslo", "--admin",
        "south-boss"},
       "--name",
       "south-boss",
       "south"},
      {{"--clinic", "south", "--name", "South PT", "--time-zone", "Europe/Oslo"},
       "--admin is required",
       "",
       "south"},
      {{"--clinic", "south", "--time-zone", "Europe/Oslo", "--admin", "south-boss"},
       "--name is required",
       "south-boss",
       "south"},
      {{"--clinic", "south", "--name", "South PT", "--admin", "south-boss"},
       "--time-zone is required",
       "south-boss",
       "south"},
      {{"--clinic", "south", "--name", "South PT", "--time-zone", "Europe/Oslo", "--admin"},
       "expected --flag VALUE",
       "",
       "south"},
  };
  for (const Bad& b : bad) {
    std::vector<std::string> args = {"create-clinic", "--db", db};
    args.insert(args.end(), b.args.begin(), b.args.end());
    const RunResult r = Admin(args);
    INFO("create-clinic " << b.args[1] << " ...: " << r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains(b.says));
    CHECK(CodeIn(r.out).empty());
    if (*b.admin) {
      const RunResult probe = Admin({"enrolment-code", "--db", db, "--username", b.admin});
      CHECK(probe.exit_code == 1);
      CHECK_THAT(probe.err, Contains("NOT_FOUND"));
    }
  }
  // No --db, an unknown command, no command: usage errors too.
  CHECK(Admin({"create-clinic", "--clinic", "south", "--name", "South PT", "--time-zone",
               "Europe/Oslo", "--admin", "south-boss"})
            .exit_code == 2);
  CHECK(Admin({"delete-clinic", "--db", db, "--clinic", "north"}).exit_code == 2);
  CHECK(Admin({}).exit_code == 2);
  // The ids the bad commands named are still free: creating them with other details works
  // (it would be ALREADY_EXISTS had any of them been stored).
  for (const char* id : {"west", "south"}) {
    INFO("clinic " << id);
    PrintedCode(
        Admin({"create-clinic", "--db", db, "--clinic", id, "--name", std::string("Fresh ") + id,
               "--time-zone", "America/New_York", "--admin", std::string("fresh-") + id}));
  }

  // On the server: the voided first code is NOT_FOUND, the newest one enrols boss as admin.
  Ptrackd server(PTRACKD, db, dir.path(), {});
  Cli boss(server.address(), dir.path() + "/cli-boss");
  CheckFails(boss({"enrol", first_code, "--password", "boss-password-1"}), "NOT_FOUND");
  Enrol(boss, code, "boss-password-1");
  const json who = WhoAmI(boss);
  CHECK(who["username"] == "boss");
  CHECK(who["role"] == "ROLE_CLINIC_ADMIN");
  CHECK(who["clinic"] == "clinics/north");
  CHECK(server.Stop() == 0);
}

TEST_CASE("admin, therapist and patient enrol with one-time codes and only the admin reads audit",
          "[security]") {
  TempDir dir;
  North north(dir);

  const json boss = WhoAmI(north.boss);
  CHECK(boss["username"] == "boss");
  CHECK(boss["role"] == "ROLE_CLINIC_ADMIN");
  CHECK(boss["clinic"] == "clinics/north");
  const json therapist = WhoAmI(north.therapist);
  CHECK(therapist["username"] == "drt");
  CHECK(therapist["role"] == "ROLE_THERAPIST");
  CHECK_THAT(therapist["subject"].get<std::string>(), Contains("clinics/north/therapists/"));
  const RunResult who = north.patient({"whoami"});
  REQUIRE(who.exit_code == 0);
  CHECK_THAT(who.out, Contains("pat1"));
  CHECK_THAT(who.out, Contains("ROLE_PATIENT"));
  CHECK_THAT(who.out, Contains(north.patient_name));

  // Every code works once: used again (by anyone) it is NOT_FOUND.
  const Cli stranger = north.Client("stranger");
  for (const std::string& code : {north.patient_code, north.therapist_code, north.boss_code}) {
    CheckFails(stranger({"enrol", code, "--password", "stolen-password-1"}), "NOT_FOUND");
  }
  CHECK(stranger({"whoami"}).exit_code == 1);
  // The chosen passwords sign in.
  north.Client("pat1-again").Login("pat1", North::kPatientPassword);
  north.Client("drt-again").Login("drt", North::kTherapistPassword);

  // The patient's own data works; staff-only commands do not.
  CHECK(north.patient.Json({"sessions"})["sessions"].empty());
  CheckFails(north.patient({"patients"}), "PERMISSION_DENIED");
  // A therapist cannot create therapists, nor read the audit log; neither can a patient.
  CheckFails(north.therapist({"therapist-create", "--name", "Eve", "--username", "eve"}),
             "PERMISSION_DENIED");
  CheckFails(north.therapist({"audit"}), "PERMISSION_DENIED");
  CheckFails(north.patient({"audit"}), "PERMISSION_DENIED");

  // The admin's audit log shows the life cycle.
  const json audit = north.boss.Json({"audit", "--limit", "200"});
  std::set<std::string> methods;
  bool create_patient_by_drt = false, patient_enrolled = false;
  const std::string patient_id = north.patient_name.substr(north.patient_name.rfind('/') + 1);
  for (const json& e : audit["events"]) {
    const std::string method = e["method"];
    methods.insert(method);
    if (method == "/ptrack.v1.ClinicService/CreatePatient" && e["username"] == "drt" &&
        e["outcome"] == "OK" && e["patient_id"] == patient_id) {
      create_patient_by_drt = true;
    }
    if (method == "/ptrack.v1.AuthService/Enrol" && e["username"] == "pat1" &&
        e["outcome"] == "OK") {
      patient_enrolled = true;
    }
  }
  INFO("audit: " << audit.dump(1));
  CHECK(create_patient_by_drt);
  CHECK(patient_enrolled);
  for (const char* m :
       {"/ptrack.v1.AuthService/Enrol", "/ptrack.v1.AuthService/SignIn",
        "/ptrack.v1.ClinicService/CreateTherapist", "/ptrack.v1.ClinicService/CreatePatient",
        "/ptrack.v1.ClinicService/CreateEnrolmentCode", "/ptrack.v1.SessionService/ListSessions"}) {
    CHECK(methods.count(m) == 1);
  }
  CHECK(north.server->Stop() == 0);
}

TEST_CASE("ptrackd admin resets a password and revokes tokens while the server runs",
          "[security]") {
  TempDir dir;
  North north(dir);
  REQUIRE(north.patient({"whoami"}).exit_code == 0);

  // A new code does not change the password by itself...
  const std::string reset =
      PrintedCode(Admin({"enrolment-code", "--db", north.db, "--username", "pat1"}));
  const Cli before = north.Client("pat1-before");
  before.Login("pat1", North::kPatientPassword);
  REQUIRE(before({"whoami"}).exit_code == 0);
  // ...redeeming it does: the old password stops working, and so does every earlier token.
  const Cli after = north.Client("pat1-after");
  Enrol(after, reset, "pat1-new-password");
  CHECK(WhoAmI(after)["role"] == "ROLE_PATIENT");
  CheckFails(north.Client("pat1-old-pw")({"login", "pat1", "--password", North::kPatientPassword}),
             "UNAUTHENTICATED");
  CheckFails(north.patient({"whoami"}), "UNAUTHENTICATED");
  CheckFails(before({"whoami"}), "UNAUTHENTICATED");
  CheckFails(after({"enrol", reset, "--password", "pat1-third-password"}), "NOT_FOUND");
  north.Client("pat1-new-pw").Login("pat1", "pat1-new-password");

  // revoke-tokens: the saved token fails on its next call; the server keeps serving, other
  // accounts keep their sign-ins, and the patient can sign in again.
  const Cli phone = north.Client("pat1-phone");
  phone.Login("pat1", "pat1-new-password");
  REQUIRE(phone({"whoami"}).exit_code == 0);
  const RunResult revoked = Admin({"revoke-tokens", "--db", north.db, "--username", "pat1"});
  INFO("revoke-tokens: " << revoked.err);
  REQUIRE(revoked.exit_code == 0);
  CHECK_THAT(revoked.out, Contains("Every token of pat1 is revoked."));
  CheckFails(phone({"whoami"}), "UNAUTHENTICATED");
  CheckFails(phone({"sessions"}), "UNAUTHENTICATED");
  CheckFails(after({"whoami"}), "UNAUTHENTICATED");
  const RunResult health = phone({"health"});
  CHECK(health.exit_code == 0);
  CHECK(health.out == "SERVING\n");
  CHECK(WhoAmI(north.boss)["username"] == "boss");
  CHECK(WhoAmI(north.therapist)["username"] == "drt");
  phone.Login("pat1", "pat1-new-password");
  CHECK(WhoAmI(phone)["username"] == "pat1");

  // Unknown accounts and missing flags.
  const RunResult unknown_code =
      Admin({"enrolment-code", "--db", north.db, "--username", "nobody"});
  CHECK(unknown_code.exit_code == 1);
  CHECK_THAT(unknown_code.err, Contains("NOT_FOUND"));
  CHECK(CodeIn(unknown_code.out).empty());
  const RunResult unknown_revoke =
      Admin({"revoke-tokens", "--db", north.db, "--username", "nobody"});
  CHECK(unknown_revoke.exit_code == 1);
  CHECK_THAT(unknown_revoke.err, Contains("NOT_FOUND"));
  CHECK(Admin({"revoke-tokens", "--db", north.db}).exit_code == 2);
  CHECK(Admin({"enrolment-code", "--db", north.db}).exit_code == 2);

  CHECK(north.server->Stop() == 0);
}

}  // namespace ptrack::testing
