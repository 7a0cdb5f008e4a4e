// Service tests of ExportService (proto/ptrack/v1/export.proto) through the real server over
// PtrackServer's in-process channel, with a temporary SQLite file and a fake clock: the sessions
// CSV is split by a small RFC 4180 parser written here and checked cell by cell — the BOM, the
// exact header, CRLF line ends, rows oldest first, the filename, times in ISO 8601 with the
// clinic's offset (America/New_York) while `date` is the session's day in the patient's zone
// (Asia/Tokyo), formula-like text cells prefixed with an apostrophe and quoted where needed,
// numeric cells never prefixed — then csv::Cell on its own, who may export what (therapist,
// admin, patient, another therapist, bad and too long date ranges), and the FHIR R4 Bundle of one
// patient parsed with nlohmann::json: its Patient, ActivityDefinitions, CarePlan activities with
// their statuses, the two LOINC 72514-3 pain Observations per session, determinism apart from the
// timestamp, and access by the patient and by another clinic's admin.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "ptrack/v1/export.grpc.pb.h"
#include "service/convert.h"
#include "service/credentials.h"
#include "service/csv.h"
#include "tests/service/service_fixture.h"
#include "tests/service/test_helpers.h"

namespace ptrack::testing {
namespace {

using Code = grpc::StatusCode;
using Strings = std::vector<std::string>;
using Rows = std::vector<Strings>;
using nlohmann::json;

constexpr const char* kBom = "\xEF\xBB\xBF";
constexpr const char* kHeader =
    "session_id,patient_id,patient,date,performed_at,received_at,pain_before,pain_after,effort,"
    "exercises_done,exercises_logged,red_flags,notes";

// Column indexes of the CSV.
enum Column {
  kSessionId,
  kPatientId,
  kPatientName,
  kDate,
  kPerformedAt,
  kReceivedAt,
  kPainBefore,
  kPainAfter,
  kEffort,
  kExercisesDone,
  kExercisesLogged,
  kRedFlags,
  kNotes,
  kColumns
};

struct F : ServiceFixture {
  F() : ServiceFixture(LongLivedTokens()), exports(v1::ExportService::NewStub(channel)) {}
  std::unique_ptr<v1::ExportService::Stub> exports;
};

// The export tests' patients are always signed in.
TestPatient NewPatient(F& f, const Token& therapist, const std::string& username,
                       const std::string& display_name, const std::string& zone) {
  return testing::NewPatient(f, therapist, username, display_name, zone, /*sign_in=*/true);
}

struct Logged {
  std::string id;
  Instant perform;
  Instant receive;
};

// Logs a session for `patient` (by `token`) performed at `perform` and received at the clock's
// now: two exercises, one done (2 sets) and one skipped (0 sets).
Logged LogAt(F& f, const Token& token, const std::string& patient, Instant perform,
             const std::string& notes, int pain_before = 3, int pain_after = 2, int effort = 5) {
  v1::LogSessionRequest req = SessionRequest(SequentialUuid(), perform);
  req.set_parent(patient);
  req.mutable_session()->set_pain_before(pain_before);
  req.mutable_session()->set_pain_after(pain_after);
  req.mutable_session()->set_effort(effort);
  req.mutable_session()->set_notes(notes);
  v1::ExerciseLog* skipped = req.mutable_session()->add_exercises();
  skipped->set_exercise("exercises/scapular-setting");
  skipped->set_sets(0);
  v1::LogSessionResponse resp;
  INFO("LogSession(" << patient << ", notes '" << notes << "')");
  REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::LogSession, token, req, &resp));
  return {req.session_id(), perform, f.clock.Now()};
}

grpc::Status ExportCsv(F& f, const Token& token, const std::string& parent,
                       const std::string& patient, const std::string& from, const std::string& to,
                       v1::CsvFile* out = nullptr) {
  v1::ExportSessionsCsvRequest req;
  req.set_parent(parent);
  req.set_patient(patient);
  req.set_start_date(from);
  req.set_end_date(to);
  v1::CsvFile ignored;
  return F::Call(*f.exports, &v1::ExportService::Stub::ExportSessionsCsv, token, req,
                 out != nullptr ? out : &ignored);
}

grpc::Status ExportFhir(F& f, const Token& token, const std::string& name,
                        v1::FhirBundle* out = nullptr) {
  v1::ExportPatientFhirRequest req;
  req.set_name(name);
  v1::FhirBundle ignored;
  return F::Call(*f.exports, &v1::ExportService::Stub::ExportPatientFhir, token, req,
                 out != nullptr ? out : &ignored);
}

// Splits RFC 4180 text (without the BOM) into records of cells. Every record must end with CRLF;
// a quoted cell may hold commas, doubled quotes and line breaks; an unquoted cell may hold no
// quote and no line break. A violation fails the test.
Rows ParseCsv(const std::string& text) {
  Rows records;
  Strings record;
  std::string cell;
  bool in_quotes = false;
  bool was_quoted = false;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    INFO("offset " << i << " of " << text.size());
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell += '"';
          i += 2;
          continue;
        }
        in_quotes = false;
        ++i;
        // A closing quote ends the cell.
        REQUIRE(i < text.size());
        REQUIRE((text[i] == ',' || text[i] == '\r'));
        continue;
      }
      cell += c;
      ++i;
      continue;
    }
    if (c == '"') {
      REQUIRE(cell.empty());  // a quote may only open a cell
      REQUIRE_FALSE(was_quoted);
      in_quotes = was_quoted = true;
      ++i;
      continue;
    }
    if (c == ',') {
      record.push_back(cell);
      cell.clear();
      was_quoted = false;
      ++i;
      continue;
    }
    if (c == '\r') {
      REQUIRE(i + 1 < text.size());
      REQUIRE(text[i + 1] == '\n');  // CR only as part of CRLF outside quotes
      record.push_back(cell);
      records.push_back(record);
      record.clear();
      cell.clear();
      was_quoted = false;
      i += 2;
      continue;
    }
    REQUIRE(c != '\n');  // no bare LF outside quotes
    cell += c;
    ++i;
  }
  REQUIRE_FALSE(in_quotes);
  REQUIRE(cell.empty());  // the last record ends with CRLF too
  REQUIRE(record.empty());
  return records;
}

// The records of a CSV file's content after checking and removing the BOM; records[0] is the
// header, checked to be the documented one, and every record has every column.
Rows Records(const v1::CsvFile& file) {
  const std::string& content = file.content();
  REQUIRE(content.size() >= 3);
  REQUIRE(content.substr(0, 3) == kBom);
  Rows records = ParseCsv(content.substr(3));
  REQUIRE_FALSE(records.empty());
  for (const Strings& r : records) REQUIRE(r.size() == kColumns);
  CHECK(records[0] == ParseCsv(std::string(kHeader) + "\r\n")[0]);
  CHECK(static_cast<size_t>(file.rows()) == records.size() - 1);
  return records;
}

// The data records (without the header) of `patient_id`.
Rows RowsOf(const Rows& records, const std::string& patient_id) {
  Rows out;
  for (size_t i = 1; i < records.size(); ++i) {
    if (records[i][kPatientId] == patient_id) out.push_back(records[i]);
  }
  return out;
}

std::set<std::string> PatientIds(const Rows& records) {
  std::set<std::string> out;
  for (size_t i = 1; i < records.size(); ++i) out.insert(records[i][kPatientId]);
  return out;
}

// A therapist ("lee", password "lee-password") or admin of `clinic`, made through the store as the
// operator would; creates the clinic first when `zone` is given.
void AddStaff(F& f, const std::string& clinic, const std::string& username, Role role,
              const std::string& zone = "") {
  if (!zone.empty()) REQUIRE(f.store->CreateClinic({clinic, clinic + " clinic", zone}).ok());
  auto hash = HashPassword(username + "-password");
  REQUIRE(hash.ok());
  Account account{username,     *hash, role, clinic, role == Role::kTherapist ? username : "",
                  f.clock.Now()};
  if (role == Role::kTherapist) {
    REQUIRE(f.store->CreateTherapist({username, clinic, "Therapist " + username, username}, account)
                .ok());
  } else {
    REQUIRE(f.store->CreateAccount(account).ok());
  }
}

TEST_CASE("Sessions CSV: BOM, header, CRLF, oldest first, clinic offsets, patient-zone dates",
          "[export][csv]") {
  F f;  // 2026-11-21T15:00Z: 10:00 in New York (the clinic), 2026-11-22 00:00 in Tokyo
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const TestPatient tokyo = NewPatient(f, therapist, "csv-tokyo", "Kenji Sato", "Asia/Tokyo");

  // Logged newest first; received at the clock's time of logging.
  f.clock.Advance(std::chrono::minutes(5));  // received 2026-11-21T15:05:00Z
  // 22:30:15Z on the 20th: 07:30 on the 21st in Tokyo, 17:30 on the 20th in New York.
  const Logged late =
      LogAt(f, tokyo.token, tokyo.name, Utc(2026, 11, 20, 22, 30) + std::chrono::seconds(15),
            "evening in New York", 6, 4, 7);
  f.clock.Advance(std::chrono::minutes(7));  // received 2026-11-21T15:12:00Z
  // 10:00Z on the 19th: 19:00 on the 19th in Tokyo, 05:00 on the 19th in New York.
  const Logged early =
      LogAt(f, tokyo.token, tokyo.name, Utc(2026, 11, 19, 10, 0), "morning", 5, 3, 4);

  v1::CsvFile file;
  REQUIRE_OK(ExportCsv(f, therapist, kClinic, tokyo.name, "2026-11-19", "2026-11-21", &file));
  const std::string& content = file.content();
  INFO(content);

  // Byte-exact shape: BOM, then the header line, every line ended by CRLF.
  REQUIRE(content.rfind(std::string(kBom) + kHeader + "\r\n", 0) == 0);
  for (size_t i = 0; i < content.size(); ++i) {
    if (content[i] == '\n') {
      INFO("LF at offset " << i);
      CHECK((i > 0 && content[i - 1] == '\r'));
    }
  }
  REQUIRE(content.size() >= 2);
  CHECK(content.substr(content.size() - 2) == "\r\n");
  CHECK(file.filename() == "demo-sessions-2026-11-19-2026-11-21.csv");
  CHECK(file.rows() == 2);

  const Rows records = Records(file);
  REQUIRE(records.size() == 3);
  // Oldest first, every cell exact.
  CHECK(records[1] == Strings{early.id, tokyo.id, "Kenji Sato", "2026-11-19",
                              "2026-11-19T05:00:00-05:00", "2026-11-21T10:12:00-05:00", "5", "3",
                              "4", "1", "2", "", "morning"});
  CHECK(records[2] == Strings{late.id, tokyo.id, "Kenji Sato", "2026-11-21",
                              "2026-11-20T17:30:15-05:00", "2026-11-21T10:05:00-05:00", "6", "4",
                              "7", "1", "2", "", "evening in New York"});

  // The range bounds the patient's local date: the 20th in New York is the 21st in Tokyo.
  v1::CsvFile only_20th;
  REQUIRE_OK(ExportCsv(f, therapist, kClinic, tokyo.name, "2026-11-20", "2026-11-20", &only_20th));
  CHECK(only_20th.rows() == 0);
  CHECK(only_20th.content() == std::string(kBom) + kHeader + "\r\n");
  CHECK(only_20th.filename() == "demo-sessions-2026-11-20-2026-11-20.csv");
  v1::CsvFile only_21st;
  REQUIRE_OK(ExportCsv(f, therapist, kClinic, tokyo.name, "2026-11-21", "2026-11-21", &only_21st));
  const Rows r21 = Records(only_21st);
  REQUIRE(r21.size() == 2);
  CHECK(r21[1][kSessionId] == late.id);

  // The whole clinic: the rows count equals the data lines, Jordan's demo sessions included.
  v1::CsvFile clinic;
  REQUIRE_OK(ExportCsv(f, therapist, kClinic, "", "2026-11-01", "2026-11-30", &clinic));
  const Rows all = Records(clinic);
  CHECK(RowsOf(all, "jordan").size() >= 10);
  CHECK(RowsOf(all, tokyo.id).size() == 2);
  for (const Strings& r : RowsOf(all, "jordan")) {
    INFO(r[kSessionId]);
    CHECK(r[kPatientName] == "Jordan Lee");
    // Demo sessions are performed at 18:30 New York time and received two minutes later.
    CHECK(r[kPerformedAt].substr(10) == "T18:30:00-05:00");
    CHECK(r[kPerformedAt].substr(0, 10) == r[kDate]);
    CHECK(r[kReceivedAt].substr(10) == "T18:32:00-05:00");
  }
  CHECK(clinic.filename() == "demo-sessions-2026-11-01-2026-11-30.csv");
}

TEST_CASE("Sessions CSV: a clinic-wide export groups each patient's sessions, oldest first",
          "[export][csv]") {
  F f;
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const Token admin = f.SignIn(kAdminUser, kAdminPass);
  // A new patient whose sessions fall between Jordan's demo sessions (18:30 New York, about four
  // days in five from 2026-10-31 on).
  const TestPatient p = NewPatient(f, therapist, "csv-order", "Order Patient", "America/New_York");
  LogAt(f, p.token, p.name, Utc(2026, 11, 10, 12, 0), "a");
  LogAt(f, p.token, p.name, Utc(2026, 11, 15, 12, 0), "b");
  for (const Token& token : {therapist, admin}) {
    v1::CsvFile file;
    REQUIRE_OK(ExportCsv(f, token, kClinic, "", "2026-11-01", "2026-11-30", &file));
    const Rows records = Records(file);
    REQUIRE(records.size() > 3);
    // Each patient's rows are together (a patient never reappears after another's) and, within
    // them, oldest first. All times are in the clinic's zone: ISO 8601 with one offset sorts as
    // text.
    std::set<std::string> finished;
    for (size_t i = 2; i < records.size(); ++i) {
      INFO("row " << i << ": " << records[i - 1][1] << " " << records[i - 1][kPerformedAt]
                  << " then " << records[i][1] << " " << records[i][kPerformedAt]);
      if (records[i - 1][1] == records[i][1]) {
        CHECK(records[i - 1][kPerformedAt] <= records[i][kPerformedAt]);
      } else {
        finished.insert(records[i - 1][1]);
        CHECK(finished.count(records[i][1]) == 0);
      }
    }
    CHECK(finished.size() >= 1);
  }
}

TEST_CASE("Sessions CSV: formula-like text is prefixed with an apostrophe and quoted per RFC 4180",
          "[export][csv]") {
  F f;
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const std::string evil_name = "=HYPERLINK(\"http://x\",\"y\")";
  const TestPatient p = NewPatient(f, therapist, "csv-evil", evil_name, "America/New_York");

  struct Case {
    std::string notes;
    std::string cell;  // the cell's text after RFC 4180 unquoting
    std::string raw;   // as written in the file
  };
  const std::vector<Case> cases = {
      {"+1 call me", "'+1 call me", "'+1 call me"},
      {"-2 worse today", "'-2 worse today", "'-2 worse today"},
      {"@home, with \"band\"\nsecond line", "'@home, with \"band\"\nsecond line",
       "\"'@home, with \"\"band\"\"\nsecond line\""},
      {"plain, \"quoted\"", "plain, \"quoted\"", "\"plain, \"\"quoted\"\"\""},
      {"=SUM(A1:A2)", "'=SUM(A1:A2)", "'=SUM(A1:A2)"},
      {"multi\nline", "multi\nline", "\"multi\nline\""},
  };
  std::map<std::string, const Case*> by_id;
  for (size_t i = 0; i < cases.size(); ++i) {
    f.clock.Advance(std::chrono::minutes(1));
    const Logged s = LogAt(f, p.token, p.name, Utc(2026, 11, 20, 12, static_cast<int>(i)),
                           cases[i].notes, 0, 10, 0);
    by_id[s.id] = &cases[i];
  }

  // The API refuses control characters in notes, so a tab-led note (from an older version or an
  // import) is written through the store.
  const Case tab{"\tx tabbed", "'\tx tabbed", "'\tx tabbed"};
  {
    Session s;
    s.id = SequentialUuid();
    s.patient_id = p.id;
    s.program_id = p.program_id;
    s.perform_time = Utc(2026, 11, 20, 13, 0);
    s.local_date = *ParseIsoDate("2026-11-20");
    s.receive_time = f.clock.Now();
    s.pain_before = 10;
    s.pain_after = 0;
    s.effort = 10;
    s.notes = tab.notes;
    s.exercises.push_back({"chin-nod-lying", 1, 10, 5, 0, "", Side::kBoth, -1, {}});
    REQUIRE(f.store->LogSession(s).ok());
    by_id[s.id] = &tab;
  }

  v1::CsvFile file;
  REQUIRE_OK(ExportCsv(f, therapist, kClinic, p.name, "2026-11-20", "2026-11-20", &file));
  const std::string& content = file.content();
  INFO(content);
  const Rows records = Records(file);
  REQUIRE(records.size() == cases.size() + 2);
  CHECK(file.rows() == static_cast<int>(cases.size() + 1));

  // The patient's name: apostrophe, then quoted for its quotes and comma.
  CHECK(content.find(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",") != std::string::npos);
  for (size_t i = 1; i < records.size(); ++i) {
    const Strings& r = records[i];
    INFO("row " << i << " " << r[kSessionId]);
    REQUIRE(by_id.count(r[kSessionId]) == 1);
    const Case& c = *by_id.at(r[kSessionId]);
    CHECK(r[kPatientName] == "'" + evil_name);
    CHECK(r[kNotes] == c.cell);
    // The raw note ends the line.
    CHECK(content.find("," + c.raw + "\r\n") != std::string::npos);
    // Numeric columns are never prefixed or quoted.
    for (int col : {kPainBefore, kPainAfter, kEffort, kExercisesDone, kExercisesLogged}) {
      INFO("column " << col << " '" << r[col] << "'");
      CHECK_FALSE(r[col].empty());
      CHECK(std::all_of(r[col].begin(), r[col].end(),
                        [](char ch) { return ch >= '0' && ch <= '9'; }));
    }
    if (&c == &tab) {
      CHECK(Strings(r.begin() + kPainBefore, r.begin() + kRedFlags) ==
            Strings{"10", "0", "10", "1", "1"});
    } else {
      CHECK(Strings(r.begin() + kPainBefore, r.begin() + kRedFlags) ==
            Strings{"0", "10", "0", "1", "2"});
    }
  }
  // Raw numbers in the file: ",0,10,0,1,2," with no apostrophe before any digit.
  CHECK(content.find(",0,10,0,1,2,") != std::string::npos);
  CHECK(content.find(",10,0,10,1,1,") != std::string::npos);
  CHECK(content.find("'0") == std::string::npos);
  CHECK(content.find("'1") == std::string::npos);
}

TEST_CASE("csv::Cell escapes formulas and quotes per RFC 4180", "[export][csv]") {
  CHECK(csv::Cell("=1+1") == "'=1+1");
  CHECK(csv::Cell("+1") == "'+1");
  CHECK(csv::Cell("-3") == "'-3");
  CHECK(csv::Cell("@SUM") == "'@SUM");
  CHECK(csv::Cell("\tx") == "'\tx");
  CHECK(csv::Cell("\rx") == "\"'\rx\"");
  CHECK(csv::Cell("plain") == "plain");
  CHECK(csv::Cell("a,b") == "\"a,b\"");
  CHECK(csv::Cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv::Cell("") == "");
  CHECK(csv::Cell("line\nbreak") == "\"line\nbreak\"");
  CHECK(csv::Cell("=A1,\"x\"") == "\"'=A1,\"\"x\"\"\"");
  CHECK(csv::Cell("a=1") == "a=1");  // only a leading character counts

  // A whole file: numeric columns as given, the rest through Cell; CRLF after every line.
  CHECK(csv::File({"n", "t"}, {{"-1", "-1"}, {"2", "a,b"}}, {0}) ==
        "\xEF\xBB\xBFn,t\r\n-1,'-1\r\n2,\"a,b\"\r\n");
}

TEST_CASE("Sessions CSV: therapists get their patients, admins every patient, others refused",
          "[export][csv][access]") {
  F f;
  const Token rivera = f.SignIn(kTherapistUser, kTherapistPass);
  const Token admin = f.SignIn(kAdminUser, kAdminPass);
  const Token jordan = f.SignIn(kPatientUser, kPatientPass);
  AddStaff(f, "demo", "lee", Role::kTherapist);
  const Token lee = f.SignIn("lee", "lee-password");
  const TestPatient mine = NewPatient(f, rivera, "csv-mine", "Rivera Patient", "Europe/London");
  const TestPatient theirs = NewPatient(f, lee, "csv-theirs", "Lee Patient", "Europe/London");
  LogAt(f, mine.token, mine.name, Utc(2026, 11, 20, 12, 0), "mine");
  LogAt(f, theirs.token, theirs.name, Utc(2026, 11, 20, 12, 0), "theirs");

  v1::CsvFile file;
  REQUIRE_OK(ExportCsv(f, rivera, kClinic, "", "2026-11-01", "2026-11-30", &file));
  CHECK(PatientIds(Records(file)) == std::set<std::string>{"jordan", mine.id});
  REQUIRE_OK(ExportCsv(f, lee, kClinic, "", "2026-11-01", "2026-11-30", &file));
  CHECK(PatientIds(Records(file)) == std::set<std::string>{theirs.id});
  REQUIRE_OK(ExportCsv(f, admin, kClinic, "", "2026-11-01", "2026-11-30", &file));
  CHECK(PatientIds(Records(file)) == std::set<std::string>{"jordan", mine.id, theirs.id});
  REQUIRE_OK(ExportCsv(f, admin, kClinic, theirs.name, "2026-11-01", "2026-11-30", &file));
  CHECK(PatientIds(Records(file)) == std::set<std::string>{theirs.id});

  // Another therapist's patient, or one that does not exist: NOT_FOUND alike.
  CHECK_CODE(ExportCsv(f, rivera, kClinic, theirs.name, "2026-11-01", "2026-11-30"),
             Code::NOT_FOUND);
  CHECK_CODE(ExportCsv(f, lee, kClinic, kJordan, "2026-11-01", "2026-11-30"), Code::NOT_FOUND);
  CHECK_CODE(ExportCsv(f, rivera, kClinic, std::string(kClinic) + "/patients/" + SequentialUuid(),
                       "2026-11-01", "2026-11-30"),
             Code::NOT_FOUND);

  // Patients may not export, not even their own sessions; nobody signed in is unauthenticated;
  // another clinic's parent is refused.
  CHECK_CODE(ExportCsv(f, jordan, kClinic, "", "2026-11-01", "2026-11-30"),
             Code::PERMISSION_DENIED);
  CHECK_CODE(ExportCsv(f, jordan, kClinic, kJordan, "2026-11-01", "2026-11-30"),
             Code::PERMISSION_DENIED);
  CHECK_CODE(ExportCsv(f, "", kClinic, "", "2026-11-01", "2026-11-30"), Code::UNAUTHENTICATED);
  CHECK_CODE(ExportCsv(f, admin, "clinics/east", "", "2026-11-01", "2026-11-30"),
             Code::PERMISSION_DENIED);

  // Dates: each bad one named.
  struct Bad {
    const char* from;
    const char* to;
    Strings fields;
  };
  for (const Bad& bad : std::vector<Bad>{
           {"", "2026-11-30", {"start_date"}},
           {"2026-11-01", "", {"end_date"}},
           {"2026-13-01", "2026-11-30", {"start_date"}},
           {"2026-11-01", "2026-11-31", {"end_date"}},
           {"11/01/2026", "2026-11-30", {"start_date"}},
           {"x", "y", {"start_date", "end_date"}},
           {"2026-11-30", "2026-11-29", {"end_date"}},
           {"2025-11-20", "2026-11-22", {"end_date"}},  // 367 days
           {"2024-01-01", "2026-11-30", {"end_date"}},
       }) {
    INFO("start_date '" << bad.from << "', end_date '" << bad.to << "'");
    const grpc::Status status = ExportCsv(f, rivera, kClinic, "", bad.from, bad.to);
    CHECK_CODE(status, Code::INVALID_ARGUMENT);
    CHECK(BadRequestFields(status) == bad.fields);
  }
  // Exactly 366 days after the start is still allowed; a single day is too.
  REQUIRE_OK(ExportCsv(f, rivera, kClinic, "", "2025-11-21", "2026-11-22", &file));
  CHECK(file.filename() == "demo-sessions-2025-11-21-2026-11-22.csv");
  REQUIRE_OK(ExportCsv(f, rivera, kClinic, "", "2026-11-21", "2026-11-21", &file));
  // A patient of the parent clinic is required when one is named.
  const grpc::Status malformed =
      ExportCsv(f, rivera, kClinic, "patients/jordan", "2026-11-01", "2026-11-30");
  CHECK_CODE(malformed, Code::INVALID_ARGUMENT);
  CHECK(BadRequestFields(malformed) == Strings{"patient"});
}

// The entries of `bundle` whose resource has `type`.
std::vector<json> EntriesOf(const json& bundle, const std::string& type) {
  std::vector<json> out;
  for (const json& e : bundle.at("entry")) {
    if (e.at("resource").at("resourceType") == type) out.push_back(e);
  }
  return out;
}

std::string IsoUtc(Instant t) {
  return date::format("%FT%TZ", std::chrono::time_point_cast<std::chrono::seconds>(t));
}

TEST_CASE("FHIR bundle: Patient, ActivityDefinitions, CarePlan and pain Observations",
          "[export][fhir]") {
  F f;  // 2026-11-21: program week 3 of a program started 2026-11-01 (phase 2, weeks 3..8)
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const TestPatient p = NewPatient(f, therapist, "fhir-one", "Ana Silva", "Europe/Lisbon");
  const Instant t1 = Utc(2026, 11, 18, 9, 15) + std::chrono::milliseconds(250);
  const Instant t2 = Utc(2026, 11, 20, 22, 45) + std::chrono::seconds(59);
  const Logged s1 = LogAt(f, p.token, p.name, t1, "first", 6, 4, 5);
  const Logged s2 = LogAt(f, p.token, p.name, t2, "second", 5, 3, 5);

  v1::GetProgramRequest get;
  get.set_name(p.name + "/programs/" + p.program_id);
  v1::Program program;
  REQUIRE_OK(F::Call(*f.program, &v1::ProgramService::Stub::GetProgram, therapist, get, &program));
  REQUIRE(program.phases_size() == 4);
  std::set<std::string> exercise_ids;
  std::vector<std::pair<std::string, std::string>> expected_activities;  // canonical, status
  for (const v1::Phase& phase : program.phases()) {
    const int week = 3;
    const std::string status =
        week < phase.start_week()
            ? "not-started"
            : (phase.weeks() > 0 && week >= phase.start_week() + phase.weeks() ? "completed"
                                                                               : "in-progress");
    for (const v1::Prescription& rx : phase.prescriptions()) {
      const std::string id = rx.exercise().substr(std::string("exercises/").size());
      exercise_ids.insert(id);
      expected_activities.emplace_back(id, status);
    }
  }
  REQUIRE(expected_activities.size() == 24);
  REQUIRE(exercise_ids.size() == 12);

  v1::FhirBundle out;
  REQUIRE_OK(ExportFhir(f, therapist, p.name, &out));
  INFO(out.json());
  const json bundle = json::parse(out.json());
  CHECK(bundle.at("resourceType") == "Bundle");
  CHECK(bundle.at("type") == "collection");
  CHECK(bundle.at("timestamp") == "2026-11-21T15:00:00Z");

  // fullUrls: urn:uuid: and a lower-case 8-4-4-4-12 UUID, all distinct.
  const std::regex urn("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
  std::set<std::string> urls;
  for (const json& e : bundle.at("entry")) {
    const std::string url = e.at("fullUrl");
    INFO(url);
    CHECK(std::regex_match(url, urn));
    CHECK(urls.insert(url).second);
  }

  const auto patients = EntriesOf(bundle, "Patient");
  REQUIRE(patients.size() == 1);
  const std::string patient_url = patients[0].at("fullUrl");
  CHECK(patients[0].at("resource").at("id") == p.id);
  CHECK(patients[0].at("resource").at("name").at(0).at("text") == "Ana Silva");

  const auto definitions = EntriesOf(bundle, "ActivityDefinition");
  CHECK(definitions.size() == exercise_ids.size());
  std::set<std::string> canonicals;
  std::set<std::string> defined_ids;
  const std::regex machine_name("^[A-Z][A-Za-z0-9_]*$");
  for (const json& e : definitions) {
    const json& ad = e.at("resource");
    INFO(ad.dump());
    CHECK(ad.at("status") == "active");
    CHECK(ad.at("kind") == "Task");
    CHECK_FALSE(ad.at("title").get<std::string>().empty());
    CHECK(std::regex_match(ad.at("name").get<std::string>(), machine_name));
    const std::string url = ad.at("url");
    CHECK_FALSE(url.empty());
    CHECK(canonicals.insert(url).second);
    defined_ids.insert(ad.at("id").get<std::string>());
  }
  CHECK(defined_ids == exercise_ids);

  const auto plans = EntriesOf(bundle, "CarePlan");
  REQUIRE(plans.size() == 1);
  const json& plan = plans[0].at("resource");
  CHECK(plan.at("status") == "active");
  CHECK(plan.at("intent") == "plan");
  CHECK(plan.at("subject").at("reference") == patient_url);
  CHECK(plan.at("period").at("start") == "2026-11-01");
  const json& activities = plan.at("activity");
  REQUIRE(activities.size() == expected_activities.size());
  std::map<std::string, std::string> url_of;  // exercise id -> ActivityDefinition url
  for (const json& e : definitions) {
    url_of[e.at("resource").at("id")] = e.at("resource").at("url");
  }
  for (size_t i = 0; i < activities.size(); ++i) {
    const json& detail = activities[i].at("detail");
    INFO("activity " << i << ": " << detail.dump());
    const std::string canonical = detail.at("instantiatesCanonical").at(0);
    CHECK(canonicals.count(canonical) == 1);
    CHECK(canonical == url_of[expected_activities[i].first]);
    CHECK(detail.at("status") == expected_activities[i].second);
  }
  CHECK(std::count_if(activities.begin(), activities.end(), [](const json& a) {
          return a.at("detail").at("status") == "in-progress";
        }) == 6);

  const auto observations = EntriesOf(bundle, "Observation");
  CHECK(observations.size() == 4);
  struct Expect {
    const Logged* session;
    int before;
    int after;
  };
  for (const Expect& x : {Expect{&s1, 6, 4}, Expect{&s2, 5, 3}}) {
    const std::string when = IsoUtc(x.session->perform);
    INFO("session " << x.session->id << " at " << when);
    std::vector<json> mine;
    for (const json& e : observations) {
      if (e.at("resource").at("effectiveDateTime") == when) mine.push_back(e.at("resource"));
    }
    REQUIRE(mine.size() == 2);
    for (const json& o : mine) {
      INFO(o.dump());
      CHECK(o.at("status") == "final");
      CHECK(o.at("code").at("coding").at(0).at("system") == "http://loinc.org");
      CHECK(o.at("code").at("coding").at(0).at("code") == "72514-3");
      CHECK(o.at("subject").at("reference") == patient_url);
    }
    const std::string text0 = mine[0].at("code").at("text");
    const bool first_is_before = text0.find("before") != std::string::npos;
    const json& before = first_is_before ? mine[0] : mine[1];
    const json& after = first_is_before ? mine[1] : mine[0];
    CHECK(before.at("code").at("text").get<std::string>().find("before") != std::string::npos);
    CHECK(after.at("code").at("text").get<std::string>().find("after") != std::string::npos);
    CHECK(before.at("valueInteger") == x.before);
    CHECK(after.at("valueInteger") == x.after);
  }
  CHECK(IsoUtc(t1) == "2026-11-18T09:15:00Z");
  CHECK(IsoUtc(t2) == "2026-11-20T22:45:59Z");
}

TEST_CASE("FHIR bundle: outcome measures as Questionnaire, QuestionnaireResponse and Observation",
          "[export][fhir][outcomes][care]") {
  F f;
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const TestPatient p = NewPatient(f, therapist, "fhir-proms", "Rui Costa", "Europe/Lisbon");
  auto submit = [&](const std::string& id, const std::string& instrument,
                    const std::vector<std::tuple<std::string, int, std::string>>& answers) {
    v1::SubmitOutcomeResponseRequest req;
    req.set_parent(p.name);
    req.set_response_id(id);
    req.mutable_response()->set_instrument("instruments/" + instrument);
    convert::ToProto(Utc(2026, 11, 20, 9, 30), req.mutable_response()->mutable_answer_time());
    for (const auto& [item, value, activity] : answers) {
      v1::OutcomeAnswer* a = req.mutable_response()->add_answers();
      a->set_item(item);
      a->set_value(value);
      a->set_activity(activity);
    }
    v1::SubmitOutcomeResponseResponse resp;
    REQUIRE_OK(
        F::Call(*f.outcome, &v1::OutcomeService::Stub::SubmitOutcomeResponse, p.token, req, &resp));
  };
  const std::string nprs_id = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c41";
  const std::string psfs_id = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c42";
  submit(nprs_id, "nprs", {{"pain_now", 6, ""}});
  submit(
      psfs_id, "psfs",
      {{"activity_1", 2, "driving"}, {"activity_2", 3, "reading"}, {"activity_3", 4, "lifting"}});

  v1::FhirBundle out;
  REQUIRE_OK(ExportFhir(f, therapist, p.name, &out));
  INFO(out.json());
  const json bundle = json::parse(out.json());
  const auto questionnaires = EntriesOf(bundle, "Questionnaire");
  REQUIRE(questionnaires.size() == 2);
  const json& nprs = questionnaires[0].at("resource");
  CHECK(nprs.at("url") == "urn:ptrack:instruments:nprs");
  CHECK(nprs.at("code")[0].at("code") == "72514-3");  // LOINC, from data/outcomes/nprs.json
  CHECK(nprs.at("item")[0].at("answerOption").size() == 11);
  CHECK_FALSE(nprs.at("copyright").get<std::string>().empty());
  CHECK_FALSE(questionnaires[1].at("resource").contains("code"));  // the PSFS has none

  const auto responses = EntriesOf(bundle, "QuestionnaireResponse");
  REQUIRE(responses.size() == 2);
  const json& psfs = responses[1].at("resource");
  CHECK(psfs.at("id") == psfs_id);
  CHECK(psfs.at("questionnaire") == "urn:ptrack:instruments:psfs");
  CHECK(psfs.at("status") == "completed");
  CHECK(psfs.at("authored") == "2026-11-20T09:30:00Z");
  CHECK(psfs.at("item")[2].at("text") == "lifting");
  CHECK(psfs.at("item")[2].at("answer")[0].at("valueCoding").at("code") == "4");

  std::vector<json> scores;
  for (const json& e : EntriesOf(bundle, "Observation")) {
    if (e.at("resource").contains("derivedFrom")) scores.push_back(e);
  }
  REQUIRE(scores.size() == 2);
  CHECK(scores[0].at("resource").at("code").at("coding")[0].at("code") == "72514-3");
  CHECK(scores[0].at("resource").at("valueQuantity").at("value") == 6);
  CHECK(scores[1].at("resource").at("valueQuantity").at("value") == Approx(3));
  CHECK(scores[1].at("resource").at("derivedFrom")[0].at("reference") ==
        responses[1].at("fullUrl"));
}

TEST_CASE("FHIR bundle: deterministic apart from the timestamp, and who may export it",
          "[export][fhir][access]") {
  F f;
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const Token admin = f.SignIn(kAdminUser, kAdminPass);
  const TestPatient p = NewPatient(f, therapist, "fhir-two", "Bo Chen", "America/New_York");
  LogAt(f, p.token, p.name, Utc(2026, 11, 19, 14, 0), "one", 4, 2, 3);
  LogAt(f, p.token, p.name, Utc(2026, 11, 20, 14, 0), "two", 3, 1, 3);

  v1::FhirBundle first;
  REQUIRE_OK(ExportFhir(f, therapist, p.name, &first));
  f.clock.Advance(std::chrono::hours(1));
  v1::FhirBundle second;
  REQUIRE_OK(ExportFhir(f, admin, p.name, &second));
  json a = json::parse(first.json());
  json b = json::parse(second.json());
  CHECK(a.at("timestamp") == "2026-11-21T15:00:00Z");
  CHECK(b.at("timestamp") == "2026-11-21T16:00:00Z");
  a.erase("timestamp");
  b.erase("timestamp");
  CHECK(a == b);
  CHECK(a.at("entry").size() == 1 + 12 + 1 + 4);

  // The patient themself gets the same record.
  v1::FhirBundle own;
  REQUIRE_OK(ExportFhir(f, p.token, p.name, &own));
  json c = json::parse(own.json());
  c.erase("timestamp");
  CHECK(c == a);

  // Another patient, another therapist, another clinic's admin: NOT_FOUND; nobody: refused.
  const Token jordan = f.SignIn(kPatientUser, kPatientPass);
  CHECK_CODE(ExportFhir(f, jordan, p.name), Code::NOT_FOUND);
  REQUIRE_OK(ExportFhir(f, jordan, kJordan));
  AddStaff(f, "demo", "lee", Role::kTherapist);
  CHECK_CODE(ExportFhir(f, f.SignIn("lee", "lee-password"), p.name), Code::NOT_FOUND);
  AddStaff(f, "east", "east-admin", Role::kClinicAdmin, "Asia/Tokyo");
  const Token east = f.SignIn("east-admin", "east-admin-password");
  CHECK_CODE(ExportFhir(f, east, p.name), Code::NOT_FOUND);
  CHECK_CODE(ExportFhir(f, east, "clinics/east/patients/" + p.id), Code::NOT_FOUND);
  CHECK_CODE(ExportFhir(f, "", p.name), Code::UNAUTHENTICATED);
  CHECK_CODE(ExportFhir(f, therapist, std::string(kClinic) + "/patients/" + SequentialUuid()),
             Code::NOT_FOUND);
  const grpc::Status bad = ExportFhir(f, therapist, "patients/x");
  CHECK_CODE(bad, Code::INVALID_ARGUMENT);
  CHECK(BadRequestFields(bad) == Strings{"name"});
}

}  // namespace
}  // namespace ptrack::testing
