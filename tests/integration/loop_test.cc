// End-to-end tests of the foundation: the real ptrackd binary on a free port with a temporary
// SQLite file, driven only through the real ptrack command-line client (--json output parsed
// here). Covers the whole therapy loop for each role, exactly-once logging, restart durability,
// reflection and health, bad input and access errors, and graceful SIGTERM.
#include <date/tz.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "tests/integration/cli.h"
#include "tests/integration/process.h"

namespace {

using nlohmann::json;
using ptrack::testing::Cli;
using ptrack::testing::Ptrackd;
using ptrack::testing::RunResult;
using ptrack::testing::TempDir;

std::string LocalToday(const std::string& zone, int offset_days) {
  const auto now = std::chrono::system_clock::now();
  const auto local = date::locate_zone(zone)->to_local(now);
  const auto day = date::floor<date::days>(local) + date::days{offset_days};
  return date::format("%F", day);
}

std::string NowUtc() {
  return date::format("%FT%TZ",
                      date::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

constexpr const char* kKai = "6a1d7c52-0f3e-4b8a-9c2d-7e6f5a4b3c21";
constexpr const char* kSessionId = "5f0c3c1e-9b7a-4d2c-8e1f-3a2b1c0d9e8f";

}  // namespace

TEST_CASE("the therapy loop end to end through ptrackd and the ptrack client",
          "[foundation][integration]") {
  TempDir dir;
  const std::string db = dir.path() + "/ptrack.db";
  auto server =
      std::make_unique<Ptrackd>(PTRACKD, db, dir.path(), std::vector<std::string>{"--demo"});
  Cli therapist(server->address(), dir.path() + "/therapist");
  Cli patient(server->address(), dir.path() + "/patient");

  // Health and reflection answer without a token.
  RunResult health = therapist({"health"});
  CHECK(health.exit_code == 0);
  CHECK(health.out == "SERVING\n");
  RunResult services = therapist({"services"});
  REQUIRE(services.exit_code == 0);
  for (const char* s :
       {"ptrack.v1.AuthService", "ptrack.v1.CatalogService", "ptrack.v1.ClinicService",
        "ptrack.v1.ProgramService", "ptrack.v1.SessionService", "  LogSession\n", "  GetPlan\n"}) {
    CHECK(services.out.find(s) != std::string::npos);
  }

  // The therapist enrols a patient in Tokyo and assigns the default protocol a week ago.
  therapist.Login("therapist", "demo-therapist-pass");
  json created =
      therapist.Json({"patient-create", "--name", "Kai Tanaka", "--zone", "Asia/Tokyo",
                      "--username", "kai", "--password", "kai-initial-pw", "--id", kKai});
  CHECK(created["name"] == std::string("clinics/demo/patients/") + kKai);
  const std::string start = LocalToday("Asia/Tokyo", -7);
  json program = therapist.Json(
      {"assign", "--patient", kKai, "--protocol", "upper-back-neck-core-12w", "--start", start});
  CHECK(program["start_date"] == start);
  CHECK(program["revision"] == 1);

  // The patient sees today's plan: week 2 of phase 1, a training day.
  patient.Login("kai", "kai-initial-pw");
  json plan = patient.Json({"plan"});
  REQUIRE(plan["days"].size() == 1);
  CHECK(plan["today"] == LocalToday("Asia/Tokyo", 0));
  CHECK(plan["days"][0]["program_week"] == 2);
  CHECK(plan["days"][0]["phase_number"] == 1);
  CHECK(plan["days"][0]["training_day"] == true);
  CHECK(plan["days"][0]["exercises"].size() >= 3);

  // Logging the same session twice (same id, same payload) stores it once.
  const std::vector<std::string> log = {
      "log",  "--as-prescribed", "--pain-before", "3",     "--pain-after", "2", "--effort", "4",
      "--id", kSessionId,        "--at",          NowUtc()};
  json first = patient.Json(log);
  CHECK(first["replayed"] == false);
  CHECK(first["session"]["local_date"] == LocalToday("Asia/Tokyo", 0));
  json second = patient.Json(log);
  CHECK(second["replayed"] == true);
  CHECK(second["session"]["receive_time"] == first["session"]["receive_time"]);
  json sessions = patient.Json({"sessions"});
  REQUIRE(sessions["sessions"].size() == 1);
  // The same id with another payload is refused and changes nothing.
  std::vector<std::string> changed = log;
  changed[5] = "7";  // pain after
  RunResult conflict = patient(changed);
  CHECK(conflict.exit_code == 1);
  CHECK(conflict.err.find("ALREADY_EXISTS") != std::string::npos);
  CHECK(patient.Json({"sessions"}) == sessions);

  // The therapist sees it in the patient's adherence.
  json adherence = therapist.Json(
      {"adherence", "--patient", kKai, "--from", start, "--to", LocalToday("Asia/Tokyo", 0)});
  CHECK(adherence["sessions_done"] == 1);
  CHECK(adherence["sessions_prescribed"].get<int>() >= 6);
  CHECK(adherence["days"].size() == 8);

  // After a restart (graceful stop, then a new process on the same file) everything is there,
  // including the patient's sign-in.
  CHECK(server->Stop() == 0);
  server = std::make_unique<Ptrackd>(PTRACKD, db, dir.path(), std::vector<std::string>{});
  Cli patient2(server->address(), dir.path() + "/patient");
  json after = patient2.Json({"sessions"});
  REQUIRE(after["sessions"].size() == 1);
  CHECK(after["sessions"][0]["name"] ==
        std::string("clinics/demo/patients/") + kKai + "/sessions/" + kSessionId);
  json replay = patient2.Json(log);
  CHECK(replay["replayed"] == true);
}

TEST_CASE("bad input and foreign records get clear errors and change nothing",
          "[foundation][integration]") {
  TempDir dir;
  Ptrackd server(PTRACKD, dir.path() + "/ptrack.db", dir.path(), {"--demo"});
  Cli patient(server.address(), dir.path() + "/patient");
  Cli anonymous(server.address(), dir.path() + "/nobody");

  RunResult no_token = anonymous({"exercises"});
  CHECK(no_token.exit_code == 1);
  CHECK(no_token.err.find("UNAUTHENTICATED") != std::string::npos);

  patient.Login("patient", "demo-patient-pass");
  const json before = patient.Json({"sessions"});

  struct Case {
    std::vector<std::string> args;
    const char* code;
    const char* field;
  };
  const std::vector<Case> cases = {
      {{"log", "--as-prescribed", "--pain-before", "2", "--pain-after", "11", "--effort", "3"},
       "INVALID_ARGUMENT",
       "session.pain_after"},
      {{"log", "--exercise", "no-such-exercise:sets=1,reps=5", "--pain-before", "2", "--pain-after",
        "2", "--effort", "3"},
       "INVALID_ARGUMENT",
       "session.exercises[0].exercise"},
      {{"log", "--as-prescribed", "--pain-before", "2", "--pain-after", "2"},
       "INVALID_ARGUMENT",
       "session.effort"},
      {{"plan", "--patient", "nobody"}, "NOT_FOUND", ""},
      // Another patient's records answer exactly like records that do not exist.
      {{"plan", "--patient", "sam"}, "NOT_FOUND: patient not found", ""},
      {{"sessions", "--patient", "clinics/elsewhere/patients/jordan"},
       "NOT_FOUND: patient not found",
       ""},
      {{"patient-create", "--name", "X", "--zone", "Europe/Nowhere", "--username", "xyz",
        "--password", "longenough"},
       "PERMISSION_DENIED",
       ""},  // patients may not create patients
  };
  for (const Case& c : cases) {
    RunResult r = patient(c.args);
    INFO("ptrack " << c.args[0] << " -> " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find(c.code) != std::string::npos);
    CHECK(r.err.find(c.field) != std::string::npos);
  }
  CHECK(patient.Json({"sessions"}) == before);

  Cli therapist(server.address(), dir.path() + "/therapist");
  therapist.Login("therapist", "demo-therapist-pass");
  RunResult zone = therapist({"patient-create", "--name", "X", "--zone", "Mars/Olympus",
                              "--username", "xyz", "--password", "longenough"});
  CHECK(zone.exit_code == 1);
  CHECK(zone.err.find("INVALID_ARGUMENT") != std::string::npos);
  CHECK(zone.err.find("patient.time_zone") != std::string::npos);
  CHECK(therapist.Json({"patients"})["patients"].size() == 2);
}

TEST_CASE("SIGTERM stops ptrackd cleanly and the database reopens", "[foundation][integration]") {
  TempDir dir;
  const std::string db = dir.path() + "/ptrack.db";
  {
    Ptrackd server(PTRACKD, db, dir.path(), {"--demo"});
    CHECK(server.Stop() == 0);
    CHECK(server.Log().find("stopped") != std::string::npos);
  }
  // The demo is seeded once: a second --demo start keeps the same history.
  Ptrackd server(PTRACKD, db, dir.path(), {"--demo"});
  Cli patient(server.address(), dir.path() + "/patient");
  patient.Login("patient", "demo-patient-pass");
  const size_t sessions = patient.Json({"sessions"})["sessions"].size();
  CHECK(sessions > 5);
  CHECK(sessions < 21);
}
