// End-to-end tests of adaptive progression with the real ptrackd and ptrack binaries: a
// therapist reads the demo patient's decisions and adjusts a dose (a new revision whose reason
// the patient sees), a red flag stops the plan at once, only a therapist with a note can clear it;
// a discharge ends the episode and a new program starts the patient's return.
#include <ctime>
#include <fstream>

#include "tests/integration/cli.h"

namespace {

using ptrack::testing::Cli;
using ptrack::testing::json;
using ptrack::testing::Ptrackd;
using ptrack::testing::RunResult;
using ptrack::testing::TempDir;

}  // namespace

TEST_CASE("progression through the client: decisions, a dose adjustment, a red flag cleared",
          "[progression][integration]") {
  TempDir dir;
  Ptrackd server(PTRACKD, dir.path() + "/ptrack.db", dir.path(), {"--demo"});
  Cli therapist(server.address(), dir.path() + "/therapist");
  Cli patient(server.address(), dir.path() + "/patient");
  therapist.Login("therapist", "demo-therapist-pass");
  patient.Login("patient", "demo-patient-pass");

  // Three weeks of demo history produced explained decisions, including progressions.
  const json decisions = therapist.Json({"decisions", "--patient", "jordan"});
  int progressed = 0;
  for (const json& d : decisions["decisions"]) {
    CHECK_FALSE(d["explanation"].get<std::string>().empty());
    CHECK_FALSE(d["rule"].get<std::string>().empty());
    progressed += d["kind"] == "DECISION_KIND_PROGRESS";
  }
  CHECK(progressed > 0);

  // The therapist puts the row on a green band and asks to approve its changes from now on.
  const json updated = therapist.Json({"adjust", "--patient", "jordan", "--exercise", "band-row",
                                       "--band", "green", "--reps", "8", "--mode", "suggest",
                                       "--reason", "stronger band after review"});
  CHECK(updated["revision"] == 2);
  json plan = patient.Json({"plan"});
  bool saw_row = false;
  for (const json& e : plan["days"][0]["exercises"]) {
    if (e["exercise"] != "exercises/band-row") continue;
    saw_row = true;
    CHECK(e["dose"]["band"] == "green");
    CHECK(e["why"].get<std::string>().find("stronger band after review") != std::string::npos);
  }
  CHECK(saw_row);

  // A red flag stops the plan at once.
  const json logged = patient.Json({"log", "--as-prescribed", "--pain-before", "2", "--pain-after",
                                    "2", "--effort", "4", "--red-flag", "dizziness-vision-speech"});
  CHECK(logged["program_suspended"] == true);
  CHECK_FALSE(logged["stop_message"].get<std::string>().empty());
  plan = patient.Json({"plan"});
  CHECK(plan["days"][0]["suspended"] == true);
  CHECK(plan["days"][0]["exercises"].empty());

  // Only a therapist clears it, and only with a note of what was checked.
  RunResult by_patient = patient({"clear-flag", "--note", "I feel fine"});
  CHECK(by_patient.exit_code == 1);
  CHECK(by_patient.err.find("PERMISSION_DENIED") != std::string::npos);
  RunResult no_note = therapist({"clear-flag", "--patient", "jordan"});
  CHECK(no_note.exit_code == 1);
  CHECK(no_note.err.find("INVALID_ARGUMENT") != std::string::npos);
  CHECK(patient.Json({"flags"})["suspended"] == true);
  therapist.Json({"clear-flag", "--patient", "jordan", "--note", "phoned: vertigo resolved"});
  plan = patient.Json({"plan"});
  CHECK_FALSE(plan["days"][0]["suspended"].get<bool>());
  CHECK_FALSE(plan["days"][0]["exercises"].empty());
  const json flags = therapist.Json({"flags", "--patient", "jordan"});
  CHECK(flags["suspended"] == false);
  bool red = false;
  for (const json& f : flags["flags"]) red |= f["kind"] == "FLAG_KIND_RED_FLAG";
  CHECK(red);  // the flag stays on record
}

TEST_CASE("a clinic adds its own exercise and protocol from JSON files",
          "[progression][integration]") {
  TempDir dir;
  Ptrackd server(PTRACKD, dir.path() + "/ptrack.db", dir.path(), {"--demo"});
  Cli therapist(server.address(), dir.path() + "/therapist");
  therapist.Login("therapist", "demo-therapist-pass");
  std::ofstream(dir.path() + "/exercise.json") << R"({
    "display_name": "Wall slide", "region": "REGION_UPPER_BACK",
    "default_dose": {"sets": 2, "reps": 10}, "levers": ["LEVER_REPS"],
    "instructions": "Slide your forearms up the wall and back down."})";
  const json exercise = therapist.Json(
      {"exercise-create", "--id", "demo-wall-slide", "--file", dir.path() + "/exercise.json"});
  CHECK(exercise["name"] == "exercises/demo-wall-slide");
  CHECK(exercise["clinic"] == "clinics/demo");

  std::ofstream(dir.path() + "/protocol.json") << R"({
    "display_name": "Desk break", "phases": [{"number": 1, "display_name": "Daily",
      "start_week": 1, "weeks": 0, "sessions_per_week": 5,
      "prescriptions": [{"exercise": "exercises/demo-wall-slide",
                         "dose_steps": [{"sets": 1, "reps": 10}]}]}]})";
  const json protocol = therapist.Json(
      {"protocol-create", "--id", "demo-desk-break", "--file", dir.path() + "/protocol.json"});
  CHECK(protocol["name"] == "protocols/demo-desk-break");
  bool listed = false;
  const json protocols = therapist.Json({"protocols"});
  for (const json& p : protocols["protocols"]) {
    listed |= p["name"] == "protocols/demo-desk-break";
  }
  CHECK(listed);
  // Its id must carry the clinic's prefix.
  RunResult bad =
      therapist({"exercise-create", "--id", "wall-slide", "--file", dir.path() + "/exercise.json"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("exercise_id") != std::string::npos);
}

TEST_CASE("an episode of care through the client: discharge, then a new program for the return",
          "[progression][integration][care]") {
  TempDir dir;
  Ptrackd server(PTRACKD, dir.path() + "/ptrack.db", dir.path(), {"--demo"});
  Cli therapist(server.address(), dir.path() + "/therapist");
  Cli patient(server.address(), dir.path() + "/patient");
  therapist.Login("therapist", "demo-therapist-pass");
  patient.Login("patient", "demo-patient-pass");

  RunResult no_reason = therapist({"discharge", "--patient", "jordan"});
  CHECK(no_reason.exit_code != 0);
  CHECK(patient.Json({"plan"})["days"].size() == 1);  // still active
  RunResult by_patient = patient({"discharge", "--reason", "completed"});
  CHECK(by_patient.exit_code == 1);
  CHECK(by_patient.err.find("PERMISSION_DENIED") != std::string::npos);

  const json ended = therapist.Json(
      {"discharge", "--patient", "jordan", "--reason", "goals-met", "--note", "back to full work"});
  CHECK(ended["state"] == "PROGRAM_STATE_ENDED");
  CHECK(ended["discharge"]["reason"] == "DISCHARGE_REASON_GOALS_MET");
  RunResult plan = patient({"plan"});
  CHECK(plan.exit_code == 1);
  CHECK(plan.err.find("FAILED_PRECONDITION") != std::string::npos);

  // The return: a new program, the old one kept as history.
  // Yesterday in UTC: week 1 in every zone (the patient's today is between it and two days on).
  const std::time_t yesterday = std::time(nullptr) - 86400;
  char start[16];
  std::strftime(start, sizeof start, "%Y-%m-%d", std::gmtime(&yesterday));
  therapist.Json(
      {"assign", "--patient", "jordan", "--protocol", "neck-desk-worker-8w", "--start", start});
  const json again = patient.Json({"plan"});
  CHECK(again["days"][0]["program_week"] == 1);
  const json programs = therapist.Json({"programs", "--patient", "jordan"});
  REQUIRE(programs["programs"].size() == 2);
  CHECK(programs["programs"][1]["discharge"]["note"] == "back to full work");
}

TEST_CASE("outcome measures through the client: due, answered exactly once, scored and listed",
          "[outcomes][integration][care]") {
  TempDir dir;
  Ptrackd server(PTRACKD, dir.path() + "/ptrack.db", dir.path(), {"--demo"});
  Cli therapist(server.address(), dir.path() + "/therapist");
  Cli patient(server.address(), dir.path() + "/patient");
  therapist.Login("therapist", "demo-therapist-pass");
  patient.Login("patient", "demo-patient-pass");

  const json due = patient.Json({"questionnaires"});
  REQUIRE(due["due"].size() > 0);
  CHECK(patient({"questionnaires"}).out.find("pain_now 0..10") != std::string::npos);

  const std::string id = "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b";
  RunResult first = patient({"answer", "--instrument", "nprs", "--item", "pain_now=5", "--id", id,
                             "--at", "2026-01-01T00:00:00Z"});
  // Answered before the program started (or long ago): refused with the reason, nothing stored.
  CHECK(first.exit_code == 1);
  RunResult stored =
      patient({"answer", "--instrument", "nprs", "--item", "pain_now=5", "--id", id});
  CHECK(stored.exit_code == 0);
  CHECK(stored.out.find("Submitted nprs: score 5") != std::string::npos);
  RunResult again = patient({"answer", "--instrument", "nprs", "--item", "pain_now=5", "--id", id});
  CHECK(again.out.find("Already submitted nprs") != std::string::npos);
  RunResult other = patient({"answer", "--instrument", "nprs", "--item", "pain_now=6", "--id", id});
  CHECK(other.exit_code == 1);
  CHECK(other.err.find("ALREADY_EXISTS") != std::string::npos);

  RunResult bad = patient({"answer", "--instrument", "psfs", "--item", "activity_1=3:driving",
                           "--item", "activity_2=11"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("response.answers[1].value") != std::string::npos);
  CHECK(patient({"answer", "--instrument", "psfs", "--item", "activity_1=3:driving", "--item",
                 "activity_2=4:reading", "--item", "activity_3=2:lifting my child"})
            .exit_code == 0);

  const json listed = therapist.Json({"outcomes", "--patient", "jordan"});
  REQUIRE(listed["responses"].size() == 2);
  CHECK(listed["responses"][1]["score"] == 3);
  CHECK(listed["responses"][1]["answers"][2]["activity"] == "lifting my child");
  CHECK(therapist({"outcomes", "--patient", "jordan"}).out.find("baseline") != std::string::npos);

  RunResult not_patients = patient({"assign-instrument", "--instrument", "pgic", "--remove"});
  CHECK(not_patients.err.find("PERMISSION_DENIED") != std::string::npos);
  RunResult removed =
      therapist({"assign-instrument", "--patient", "jordan", "--instrument", "pgic", "--remove"});
  CHECK(removed.exit_code == 0);
  CHECK(removed.out.find("The program asks: ndi nprs psfs") != std::string::npos);
}
