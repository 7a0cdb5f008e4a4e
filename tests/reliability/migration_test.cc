// Schema migrations (storage/migrations.h) on real files. A database as every earlier ptrack wrote
// it — built with MigrateTo(v) and filled with the rows of a database written through the current
// store, cut down to the columns version v had — upgrades on open with every row intact: each
// old column of each row is unchanged, the store reads every record back as written (fields that
// did not exist yet read as their documented defaults), the file passes integrity and foreign-key
// checks, and its schema is exactly that of a database migrated from empty. A database written by
// a newer ptrack is refused by the real ptrackd with a message naming both versions, and the file
// is left byte for byte as it was. The real ptrackd killed (SIGKILL) at random moments while it
// migrates a large database leaves, after every kill, exactly the schema of some version between
// the old and the new one — never a mix — with every row intact, and a run to completion then
// reaches the latest version.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "storage/json_codec.h"
#include "storage/migrations.h"
#include "storage/sqlite_store.h"
#include "tests/integration/process.h"

namespace ptrack::testing {
namespace {

using std::chrono::milliseconds;

// --- Looking at database files ----------------------------------------------------------------

int UserVersion(SQLite::Database& db) { return db.execAndGet("PRAGMA user_version").getInt(); }

// "ok", or what PRAGMA integrity_check found.
std::string Integrity(SQLite::Database& db) {
  SQLite::Statement q(db, "PRAGMA integrity_check");
  std::string out;
  while (q.executeStep()) out += (out.empty() ? "" : "; ") + q.getColumn(0).getString();
  return out;
}

// One line per violation of PRAGMA foreign_key_check; empty when there are none.
std::vector<std::string> ForeignKeyViolations(SQLite::Database& db) {
  SQLite::Statement q(db, "PRAGMA foreign_key_check");
  std::vector<std::string> out;
  while (q.executeStep()) {
    out.push_back(q.getColumn(0).getString() + " row " + q.getColumn(1).getString() + " -> " +
                  q.getColumn(2).getString());
  }
  return out;
}

// Every schema object as "type name on table: sql" (whitespace runs collapsed), sorted.
std::vector<std::string> Schema(SQLite::Database& db) {
  SQLite::Statement q(db, "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master");
  std::vector<std::string> out;
  while (q.executeStep()) {
    std::istringstream words(q.getColumn(3).getString());
    std::string sql, word;
    while (words >> word) sql += (sql.empty() ? "" : " ") + word;
    out.push_back(q.getColumn(0).getString() + " " + q.getColumn(1).getString() + " on " +
                  q.getColumn(2).getString() + ": " + sql);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The schema of a database migrated from empty to `version`.
const std::vector<std::string>& FreshSchema(int version) {
  static std::map<int, std::vector<std::string>> cache;
  auto it = cache.find(version);
  if (it == cache.end()) {
    SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    const Status s = MigrateTo(db, version);
    INFO(s.ToString());
    REQUIRE(s.ok());
    it = cache.emplace(version, Schema(db)).first;
  }
  return it->second;
}

// The tables of schema `schema` ("main", or an attached one), by name.
std::vector<std::string> Tables(SQLite::Database& db, const std::string& schema) {
  SQLite::Statement q(db, "SELECT name FROM " + schema +
                              ".sqlite_master WHERE type = 'table' AND name NOT LIKE "
                              "'sqlite_%' ORDER BY name");
  std::vector<std::string> out;
  while (q.executeStep()) out.push_back(q.getColumn(0).getString());
  return out;
}

// The columns of `table` as "a, b, c", in declaration order.
std::string ColumnList(SQLite::Database& db, const std::string& schema, const std::string& table) {
  SQLite::Statement q(db, "SELECT name FROM pragma_table_info(?, ?)");
  q.bind(1, table);
  q.bind(2, schema);
  std::string out;
  while (q.executeStep()) out += (out.empty() ? "" : ", ") + q.getColumn(0).getString();
  return out;
}

int64_t Count(SQLite::Database& db, const std::string& sql) {
  return db.execAndGet(sql).getInt64();
}

// --- A database written through the current store ---------------------------------------------

LocalDate Ymd(int y, unsigned m, unsigned d) {
  return LocalDate{date::year{y} / date::month{m} / date::day{d}};
}
Instant At(LocalDate day, int hh, int mm = 0) {
  return Instant{std::chrono::sys_days{day.time_since_epoch()}} + std::chrono::hours{hh} +
         std::chrono::minutes{mm};
}

Account MakeAccount(const std::string& username, Role role, const std::string& subject_id) {
  Account a;
  a.username = username;
  a.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaC1vZi0" + username;
  a.role = role;
  a.clinic_id = "harbour";
  a.subject_id = subject_id;
  a.create_time = At(Ymd(2026, 1, 5), 8, 30);
  return a;
}

Exercise MakeExercise(const std::string& id, Region region, const std::string& clinic_id) {
  Exercise e;
  e.id = id;
  e.display_name = "Exercise " + id;
  e.region = region;
  e.ladder = id;
  e.ladder_rank = 1;
  e.default_dose.sets = 2;
  e.default_dose.reps = 10;
  e.default_dose.hold_seconds = 5;
  e.default_dose.side = Side::kBoth;
  e.default_dose.rest_seconds = 30;
  e.levers = {Lever::kHoldSeconds, Lever::kReps};
  e.instructions = "Slowly; stop if it hurts more than 5/10.";
  e.max_hold_seconds = 10;
  e.clinic_id = clinic_id;
  return e;
}

Phase MakePhase(int number, int start_week, int weeks) {
  Phase p;
  p.number = number;
  p.display_name = number == 1 ? "Calm and activate" : "Home maintenance";
  p.start_week = start_week;
  p.weeks = weeks;
  p.sessions_per_week = number == 1 ? 4 : 2;
  Prescription nod;
  nod.exercise_id = "chin-nod";
  Dose d;
  d.sets = 1;
  d.reps = 10;
  d.hold_seconds = 5;
  d.side = Side::kBoth;
  nod.dose_steps = {d, d};
  nod.dose_steps[1].hold_seconds = 10;
  nod.notes = "keep the jaw relaxed";
  Prescription row;
  row.exercise_id = "band-row";
  Dose r;
  r.sets = 3;
  r.pyramid_reps = {12, 10, 8};
  r.band = "red";
  r.load_kg = 1.5;
  r.side = Side::kEach;
  r.rest_seconds = 45;
  row.dose_steps = {r};
  row.mode = ProgressionMode::kSuggest;
  p.prescriptions = {nod, row};
  p.gate = "pain at most 3/10 for a week";
  return p;
}

ProgressionRules MakeRules() {
  ProgressionRules r;
  r.pain_safe_max = 3;
  r.pain_acceptable_max = 5;
  r.effort_progress_max = 6;
  r.adherence_gate = 0.66;
  r.sessions_at_target = 2;
  r.hold_step_seconds = 5;
  r.hold_max_seconds = 60;
  r.reps_step = 2;
  r.reps_range_min = 8;
  r.reps_range_max = 12;
  r.load_increase_fraction = 0.05;
  r.load_rounding_kg = 0.5;
  r.pyramid_step = 2;
  r.sets_max = 3;
  r.band_order = {"yellow", "red", "green", "blue", "black"};
  r.inactivity_days = 4;
  r.reevaluation_after_weeks = 6;
  r.reevaluation_min_drop_points = 2;
  r.reevaluation_min_drop_fraction = 0.3;
  r.phase_max_extension_weeks = 2;
  r.boost_phase = 1;
  r.maintenance_pain_return = 4;
  return r;
}

ExerciseLog Log(const std::string& exercise_id, int sets, int reps, int hold, double load,
                const std::string& band, Side side, int pain) {
  ExerciseLog l;
  l.exercise_id = exercise_id;
  l.sets = sets;
  l.reps = reps;
  l.hold_seconds = hold;
  l.load_kg = load;
  l.band = band;
  l.side = side;
  l.pain = pain;
  return l;
}

// Everything written, as the store should read it back from a database at the latest version.
struct World {
  Clinic clinic{"harbour", "Harbour Physio", "America/New_York"};
  std::vector<Account> accounts;  // admin (one failed sign-in), therapist (disabled), patient
  Instant failed_sign_in = At(Ymd(2026, 3, 20), 7);
  Therapist therapist{"ana", "harbour", "Ana Ruiz", "ana.ruiz"};
  Patient patient;                  // as updated once (version 2)
  std::vector<Exercise> exercises;  // the shipped ones, then the clinic's own
  Protocol protocol;                // shipped
  Protocol clinic_protocol;
  Program program;  // both revisions
  std::vector<Session> sessions;
  PainFollowUp followup;
  std::string action_id = "4d0b2f9e-1c1a-4b6e-9a57-0c1b5b0f2a11";
  TherapistAction action;
  Decision decision;
  uint64_t fingerprint = 0xfeedface12345678ULL;  // above INT64_MAX: stored bit for bit
  TokenRecord token;
  EnrolmentCodeRecord code;
  std::vector<AuditEvent> audit;  // oldest first, with the ids the store gives them
  RtmEpisodeRecord episode;
  RtmTimeEntryRecord entry;
  PatientSummary summary;
  AlertRecord alert;  // acknowledged
  std::string secret_name = "audit-unknown-name-key";
  std::string secret{"\x00\x01key bytes\xff", 13};  // a blob, stored byte for byte
};

World MakeWorld() {
  World w;
  w.accounts = {MakeAccount("harbour-admin", Role::kClinicAdmin, ""),
                MakeAccount(w.therapist.username, Role::kTherapist, w.therapist.id),
                MakeAccount("jordan", Role::kPatient, "jordan")};
  w.accounts[0].failed_sign_ins = 1;
  w.accounts[0].last_failed_sign_in = w.failed_sign_in;
  w.accounts[1].disabled = true;
  w.patient = Patient{"jordan", "harbour", "Jordan Lee",           "America/Chicago",
                      "ana",    "jordan",  At(Ymd(2026, 1, 5), 9), 2};
  w.exercises = {MakeExercise("band-row", Region::kUpperBack, ""),
                 MakeExercise("chin-nod", Region::kNeck, ""),
                 MakeExercise("harbour-wall-angel", Region::kUpperBack, "harbour")};
  w.protocol = Protocol{"neck-basic",
                        "Neck basics",
                        "Deep neck flexors, then rows.",
                        {MakePhase(1, 1, 4), MakePhase(2, 5, 0)},
                        ""};
  w.clinic_protocol = w.protocol;
  w.clinic_protocol.id = "harbour-neck";
  w.clinic_protocol.clinic_id = "harbour";

  const LocalDate start = Ymd(2026, 3, 2);
  w.program.id = "prog-jordan-1";
  w.program.patient_id = "jordan";
  w.program.protocol_id = w.protocol.id;
  w.program.start_date = start;
  w.program.state = ProgramState::kActive;
  w.program.create_time = At(start, 14);
  ProgramRevision first;
  first.revision = 1;
  first.effective_date = start;
  first.reason = "assigned";
  first.author = "clinics/harbour/therapists/ana";
  first.create_time = w.program.create_time;
  first.phases = w.protocol.phases;
  first.rules = MakeRules();
  ProgramRevision second = first;
  second.revision = 2;
  second.effective_date = Ymd(2026, 3, 16);
  second.reason = "green band after review";
  second.create_time = At(Ymd(2026, 3, 15), 16, 20);
  second.phases[0].prescriptions[1].dose_steps[0].band = "green";
  second.rules.pain_acceptable_max = 4;
  w.program.revisions = {first, second};

  auto session = [&](const std::string& id, LocalDate day, int hh, int pain_after) {
    Session s;
    s.id = id;
    s.patient_id = "jordan";
    s.program_id = w.program.id;
    s.perform_time = At(day, hh, 12);
    s.local_date = day;
    s.receive_time = s.perform_time + std::chrono::minutes{3};
    s.pain_before = 2;
    s.pain_after = pain_after;
    s.effort = 5;
    s.exercises = {Log("chin-nod", 1, 10, 5, 0, "", Side::kBoth, 2),
                   Log("band-row", 3, 0, 0, 1.5, "red", Side::kEach, -1)};
    s.exercises[1].reps = 10;
    s.notes = "felt fine; \"tight\" after rows";
    return s;
  };
  w.sessions = {session("0f6c5a9e-8b1d-4c3e-9f2a-1b2c3d4e5f01", Ymd(2026, 3, 2), 15, 3),
                session("0f6c5a9e-8b1d-4c3e-9f2a-1b2c3d4e5f02", Ymd(2026, 3, 4), 16, 4),
                session("0f6c5a9e-8b1d-4c3e-9f2a-1b2c3d4e5f03", Ymd(2026, 3, 18), 23, 7)};
  w.sessions[1].exercises[1].sets = 0;  // skipped
  w.sessions[1].notes = "";
  w.sessions[2].red_flags = {"arm-numbness", "night-pain"};
  w.followup = PainFollowUp{w.sessions[0].id, 2};
  w.action = TherapistAction{TherapistAction::Kind::kClearRedFlag, Ymd(2026, 3, 19), "",
                             "spoke to Jordan: posture, not nerve", At(Ymd(2026, 3, 19), 14)};

  w.decision.id = "w1-band-row";
  w.decision.week = 1;
  w.decision.effective_date = Ymd(2026, 3, 9);
  w.decision.exercise_id = "band-row";
  w.decision.kind = DecisionKind::kProgress;
  w.decision.rule = "progress.all_gates_met";
  w.decision.inputs = {{"max_pain", "4"}, {"adherence", "2/4"}};
  w.decision.old_exercise_id = w.decision.new_exercise_id = "band-row";
  w.decision.old_dose = w.program.revisions[0].phases[0].prescriptions[1].dose_steps[0];
  w.decision.new_dose = w.decision.old_dose;
  w.decision.new_dose.band = "green";
  w.decision.mode = ProgressionMode::kSuggest;
  w.decision.status = DecisionStatus::kPending;
  w.decision.explanation = "Pain stayed acceptable: a stronger band is suggested.";

  for (int i = 0; i < 32; ++i) w.token.token_hash += static_cast<char>(i * 37 % 256);  // raw bytes
  w.token.username = "jordan";
  w.token.create_time = At(Ymd(2026, 3, 2), 15);
  w.token.expire_time = At(Ymd(2026, 4, 1), 15);
  w.token.last_use_time = At(Ymd(2026, 3, 18), 23, 15);  // touched after creation
  w.code = EnrolmentCodeRecord{std::string(31, '\x05') + std::string(1, '\0'), "jordan",
                               At(Ymd(2026, 1, 5), 9), At(Ymd(2026, 1, 12), 9)};

  auto audit = [&](int64_t id, Instant at, const std::string& user, Role role,
                   const std::string& method, const std::string& outcome) {
    return AuditEvent{id, at, user, role, "harbour", "jordan", method, outcome};
  };
  w.audit = {audit(1, At(Ymd(2026, 3, 2), 15, 15), "jordan", Role::kPatient,
                   "/ptrack.v1.SessionService/LogSession", "OK"),
             audit(2, At(Ymd(2026, 3, 19), 14), "ana.ruiz", Role::kTherapist,
                   "/ptrack.v1.ProgressionService/ClearRedFlag", "OK")};

  w.episode = RtmEpisodeRecord{"rtm-jordan-1",
                               "jordan",
                               Ymd(2026, 3, 2),
                               std::nullopt,
                               true,
                               "ana",
                               "clinics/harbour/therapists/ana",
                               At(Ymd(2026, 3, 2), 14, 30)};
  w.entry = RtmTimeEntryRecord{"7e1d9c4a-5b6f-4a3b-8c2d-9e0f1a2b3c4d",
                               "jordan",
                               "ana",
                               Ymd(2026, 3, 19),
                               25,
                               true,
                               "reviewed pain trend, phoned",
                               At(Ymd(2026, 3, 19), 14, 40)};

  w.summary.as_of = Ymd(2026, 3, 19);
  w.summary.program_id = w.program.id;
  w.summary.phase_number = 1;
  w.summary.phase_name = "Calm and activate";
  w.summary.suspended = true;
  w.summary.last_7 = AdherenceWindow{4, 1, 2, 1};
  w.summary.last_30 = AdherenceWindow{12, 3, 6, 4};
  w.summary.pain_baseline = 3.5;
  w.summary.pain_recent = 7;
  w.summary.last_session = Ymd(2026, 3, 18);
  w.summary.open_flags = {
      Flag{FlagKind::kRedFlag, Ymd(2026, 3, 18), "arm numbness reported", w.sessions[2].id}};
  w.summary.pending_decisions = 1;
  w.summary.alerts = {AlertCandidate{AlertKind::kRedFlag, "red_flag/2026-03-18/" + w.sessions[2].id,
                                     Ymd(2026, 3, 18), "arm numbness reported", w.sessions[2].id}};
  w.alert = AlertRecord{1,
                        "harbour",
                        "jordan",
                        w.summary.alerts[0],
                        At(Ymd(2026, 3, 19), 4),
                        At(Ymd(2026, 3, 19), 13, 55),
                        "clinics/harbour/therapists/ana"};
  return w;
}

std::string StatusText(const Status& s) { return s.ToString(); }
template <typename T>
std::string StatusText(const Result<T>& r) {
  return r.status().ToString();
}
#define PTRACK_REQUIRE(expr)     \
  do {                           \
    auto&& ptrack_r_ = (expr);   \
    INFO(#expr);                 \
    INFO(StatusText(ptrack_r_)); \
    REQUIRE(ptrack_r_.ok());     \
  } while (0)

// Writes `w` through a SqliteStore on a new file at `path` (the latest schema version).
void WriteWorld(const std::string& path, const World& w) {
  auto opened = SqliteStore::Open(path);
  PTRACK_REQUIRE(opened);
  Store& store = **opened;
  PTRACK_REQUIRE(store.CreateClinic(w.clinic));
  Account admin = w.accounts[0];
  admin.failed_sign_ins = 0;
  admin.last_failed_sign_in = Instant{};
  PTRACK_REQUIRE(store.CreateAccount(admin));
  PTRACK_REQUIRE(store.AddSignInFailure(admin.username, w.failed_sign_in, 50));
  PTRACK_REQUIRE(store.CreateTherapist(w.therapist, w.accounts[1]));
  PTRACK_REQUIRE(store.SetAccountDisabled(w.therapist.username, true, w.failed_sign_in));
  Patient patient = w.patient;
  patient.display_name = "Jordan L.";
  patient.time_zone = "America/New_York";
  PTRACK_REQUIRE(store.CreatePatient(patient, w.accounts[2]));
  patient = w.patient;
  patient.version = 1;
  PTRACK_REQUIRE(store.UpdatePatient(patient));
  PTRACK_REQUIRE(store.ReplaceCatalogue({w.exercises[0], w.exercises[1]}, {w.protocol}));
  PTRACK_REQUIRE(store.CreateExercise(w.exercises[2]));
  PTRACK_REQUIRE(store.CreateProtocol(w.clinic_protocol));
  Program program = w.program;
  program.revisions.resize(1);
  PTRACK_REQUIRE(store.CreateProgram(program));
  PTRACK_REQUIRE(store.AppendRevision(program.id, w.program.revisions[1], 1));
  for (const Session& s : w.sessions) PTRACK_REQUIRE(store.LogSession(s));
  PTRACK_REQUIRE(store.AddPainFollowUp(w.patient.id, w.followup, At(Ymd(2026, 3, 3), 7)));
  PTRACK_REQUIRE(store.AddTherapistAction(w.action_id, w.program.id, w.action,
                                          "clinics/harbour/therapists/ana", w.action.at));
  PTRACK_REQUIRE(store.SaveDecisions(w.program.id, {w.decision}, w.fingerprint));
  TokenRecord token = w.token;
  token.last_use_time = token.create_time;
  PTRACK_REQUIRE(store.PutToken(token));
  PTRACK_REQUIRE(store.TouchToken(token.token_hash, w.token.last_use_time));
  PTRACK_REQUIRE(store.PutEnrolmentCode(w.code));
  for (const AuditEvent& e : w.audit) PTRACK_REQUIRE(store.AppendAudit(e));
  PTRACK_REQUIRE(store.CreateRtmEpisode(w.episode));
  bool replayed = false;
  PTRACK_REQUIRE(store.AddRtmTimeEntry(w.entry, &replayed));
  PTRACK_REQUIRE(store.SavePatientSummary("harbour", "jordan", w.summary, w.alert.create_time));
  PTRACK_REQUIRE(store.AcknowledgeAlert(w.alert.id, w.alert.ack_by, *w.alert.ack_time));
  PTRACK_REQUIRE(store.GetOrCreateSecret(w.secret_name, w.secret));
}

// --- Comparable text of what the store reads --------------------------------------------------

std::string Ms(Instant t) { return std::to_string(ToUnixMillis(t)); }

std::string Show(const Account& a) {
  return a.username + "|" + a.password_hash + "|" + std::to_string(static_cast<int>(a.role)) + "|" +
         a.clinic_id + "|" + a.subject_id + "|" + Ms(a.create_time) + "|" +
         std::to_string(a.failed_sign_ins) + "|" + Ms(a.last_failed_sign_in) + "|" +
         (a.disabled ? "disabled" : "enabled");
}
std::string Show(const Patient& p) {
  return p.id + "|" + p.clinic_id + "|" + p.display_name + "|" + p.time_zone + "|" +
         p.therapist_id + "|" + p.username + "|" + Ms(p.create_time) + "|v" +
         std::to_string(p.version);
}
std::string Show(const Therapist& t) {
  return t.id + "|" + t.clinic_id + "|" + t.display_name + "|" + t.username;
}
std::string Show(const Session& s) {
  std::string flags;
  for (const auto& f : s.red_flags) flags += f + ",";
  return s.id + "|" + s.patient_id + "|" + s.program_id + "|" + Ms(s.perform_time) + "|" +
         FormatIsoDate(s.local_date) + "|" + Ms(s.receive_time) + "|" +
         std::to_string(s.pain_before) + "/" + std::to_string(s.pain_after) + "/" +
         std::to_string(s.effort) + "|" + json::EncodeLogs(s.exercises).dump() + "|" + s.notes +
         "|" + flags;
}
std::string Show(const Program& p) {
  std::string out = p.id + "|" + p.patient_id + "|" + p.protocol_id + "|" +
                    FormatIsoDate(p.start_date) + "|" + std::to_string(static_cast<int>(p.state)) +
                    "|" + Ms(p.create_time);
  for (const ProgramRevision& r : p.revisions) {
    out += "\n  revision " + std::to_string(r.revision) + "|" + FormatIsoDate(r.effective_date) +
           "|" + r.reason + "|" + r.author + "|" + Ms(r.create_time) + "|" +
           json::EncodePhases(r.phases).dump() + "|" + json::Encode(r.rules).dump();
  }
  return out;
}
std::string Show(const TokenRecord& t) {
  return t.username + "|" + Ms(t.create_time) + "|" + Ms(t.expire_time) + "|" +
         Ms(t.last_use_time) + "|" + (t.revoked ? "revoked" : "live");
}
std::string Show(const AuditEvent& e) {
  return std::to_string(e.id) + "|" + Ms(e.time) + "|" + e.username + "|" +
         std::to_string(static_cast<int>(e.role)) + "|" + e.clinic_id + "|" + e.patient_id + "|" +
         e.method + "|" + e.outcome;
}
std::string Show(const TherapistAction& a) {
  return std::to_string(static_cast<int>(a.kind)) + "|" + FormatIsoDate(a.date) + "|" +
         a.decision_id + "|" + a.note + "|" + Ms(a.at);
}
std::string Show(const RtmEpisodeRecord& e) {
  return e.id + "|" + e.patient_id + "|" + FormatIsoDate(e.start_date) + "|" +
         (e.end_date ? FormatIsoDate(*e.end_date) : "open") + "|" + (e.onboarding ? "1" : "0") +
         "|" + e.practitioner_id + "|" + e.author + "|" + Ms(e.create_time);
}
std::string Show(const RtmTimeEntryRecord& e) {
  return e.id + "|" + e.patient_id + "|" + e.therapist_id + "|" + FormatIsoDate(e.date) + "|" +
         std::to_string(e.minutes) + "|" + (e.live ? "live" : "not live") + "|" + e.activity + "|" +
         Ms(e.create_time);
}
std::string Show(const AlertRecord& a) {
  return std::to_string(a.id) + "|" + a.clinic_id + "|" + a.patient_id + "|" +
         std::to_string(static_cast<int>(a.alert.kind)) + "|" + a.alert.key + "|" +
         FormatIsoDate(a.alert.date) + "|" + a.alert.detail + "|" + a.alert.session_id + "|" +
         Ms(a.create_time) + "|" + (a.ack_time ? Ms(*a.ack_time) : "unacknowledged") + "|" +
         a.ack_by;
}
template <typename T>
std::string ShowAll(const std::vector<T>& items) {
  std::string out;
  for (const T& item : items) out += Show(item) + "\n";
  return out;
}

// `w` as a database of schema version `v` held it, read after the upgrade: what version v could
// not store reads as the defaults its migration documents.
World AsUpgradedFrom(World w, int v) {
  if (v < 2) {  // no red flags, rules, follow-ups, therapist actions or decisions
    for (Session& s : w.sessions) s.red_flags.clear();
    for (ProgramRevision& r : w.program.revisions) r.rules = ProgressionRules{};
  }
  if (v < 3) {  // no clinic-defined catalogue entries
    w.exercises.pop_back();
  }
  if (v < 4) {  // no sign-in throttling or idle expiry: counters zero, last use = creation
    for (Account& a : w.accounts) {
      a.failed_sign_ins = 0;
      a.last_failed_sign_in = Instant{};
    }
    w.token.last_use_time = w.token.create_time;
    w.audit.clear();
  }
  if (v < 11) {  // no disabled accounts (schema 11): every account upgrades enabled
    for (Account& a : w.accounts) a.disabled = false;
  }
  return w;
}

// Reads everything `w` holds through `store` and checks it equals `w`, as held by a database
// created at schema version `v` and upgraded.
void CheckReadsBack(Store& store, const World& w, int v) {
  auto clinic = store.GetClinic(w.clinic.id);
  PTRACK_REQUIRE(clinic);
  CHECK(clinic->display_name == w.clinic.display_name);
  CHECK(clinic->time_zone == w.clinic.time_zone);
  for (const Account& a : w.accounts) {
    auto read = store.GetAccount(a.username);
    PTRACK_REQUIRE(read);
    CHECK(Show(*read) == Show(a));
  }
  auto therapist = store.GetTherapist(w.therapist.id);
  PTRACK_REQUIRE(therapist);
  CHECK(Show(*therapist) == Show(w.therapist));
  auto patient = store.GetPatient(w.patient.id);
  PTRACK_REQUIRE(patient);
  CHECK(Show(*patient) == Show(w.patient));
  auto patients = store.ListPatients(w.clinic.id, w.therapist.id, PageRequest{});
  PTRACK_REQUIRE(patients);
  CHECK(ShowAll(patients->items) == Show(w.patient) + "\n");

  // The catalogue: every entry reads back; listed for the clinic are exactly those it had.
  for (const Exercise& e : w.exercises) {
    auto read = store.GetExercise(e.id);
    PTRACK_REQUIRE(read);
    CHECK(json::Encode(*read).dump() == json::Encode(e).dump());
    CHECK(read->clinic_id == e.clinic_id);
  }
  auto listed = store.ListExercises(Region::kUnspecified, PageRequest{}, w.clinic.id);
  PTRACK_REQUIRE(listed);
  CHECK(listed->items.size() == w.exercises.size());
  auto protocol = store.GetProtocol(w.protocol.id);
  PTRACK_REQUIRE(protocol);
  CHECK(*protocol == w.protocol);
  auto protocols = store.ListProtocols(PageRequest{}, w.clinic.id);
  PTRACK_REQUIRE(protocols);
  CHECK(protocols->items.size() == (v >= 3 ? 2u : 1u));

  auto program = store.GetProgram(w.program.id);
  PTRACK_REQUIRE(program);
  CHECK(Show(*program) == Show(w.program));
  auto active = store.GetActiveProgram(w.patient.id);
  PTRACK_REQUIRE(active);
  CHECK(Show(*active) == Show(w.program));

  std::vector<Session> newest_first(w.sessions.rbegin(), w.sessions.rend());
  auto sessions = store.ListSessions(w.patient.id, std::nullopt, std::nullopt, PageRequest{});
  PTRACK_REQUIRE(sessions);
  CHECK(ShowAll(sessions->items) == ShowAll(newest_first));
  auto program_sessions = store.ListProgramSessions(w.program.id);
  PTRACK_REQUIRE(program_sessions);
  CHECK(ShowAll(*program_sessions) == ShowAll(w.sessions));
  for (const Session& s : w.sessions) {
    auto read = store.GetSession(s.patient_id, s.id);
    PTRACK_REQUIRE(read);
    CHECK(Show(*read) == Show(s));
  }
  auto facts = store.GetDailyFacts(w.patient.id, Ymd(2026, 3, 1), Ymd(2026, 3, 31));
  PTRACK_REQUIRE(facts);
  REQUIRE(facts->size() == w.sessions.size());
  for (size_t i = 0; i < w.sessions.size(); ++i) {
    CHECK((*facts)[i] == Accumulate(DailyFacts{w.sessions[i].local_date}, w.sessions[i]));
  }
  auto receive =
      store.ListReceiveTimes(w.patient.id, At(Ymd(2026, 3, 1), 0), At(Ymd(2026, 4, 1), 0));
  PTRACK_REQUIRE(receive);
  CHECK(receive->size() == w.sessions.size());

  auto token = store.GetToken(w.token.token_hash);
  PTRACK_REQUIRE(token);
  CHECK(Show(*token) == Show(w.token));

  // Tables a version did not have start empty.
  auto followups = store.ListPainFollowUps(w.program.id);
  PTRACK_REQUIRE(followups);
  auto actions = store.ListTherapistActions(w.program.id);
  PTRACK_REQUIRE(actions);
  auto decisions = store.ListDecisions(w.program.id);
  PTRACK_REQUIRE(decisions);
  auto differ = store.DecisionsDiffer(w.program.id, w.fingerprint);
  PTRACK_REQUIRE(differ);
  CHECK(*differ == (v < 8));  // no fingerprint before version 8: the next evaluation rewrites
  if (v >= 2) {
    REQUIRE(followups->size() == 1);
    CHECK((*followups)[0].session_id == w.followup.session_id);
    CHECK((*followups)[0].pain == w.followup.pain);
    CHECK(ShowAll(*actions) == Show(w.action) + "\n");
    auto action = store.GetTherapistAction(w.action_id);
    PTRACK_REQUIRE(action);
    CHECK(Show(*action) == Show(w.action));
    CHECK(*decisions == std::vector<Decision>{w.decision});
  } else {
    CHECK(followups->empty());
    CHECK(actions->empty());
    CHECK(decisions->empty());
  }
  auto audit = store.ListAudit(w.clinic.id, "", PageRequest{});
  PTRACK_REQUIRE(audit);
  std::vector<AuditEvent> audit_newest_first(w.audit.rbegin(), w.audit.rend());
  CHECK(ShowAll(audit->items) == ShowAll(audit_newest_first));

  auto episodes = store.ListRtmEpisodes(w.patient.id);
  PTRACK_REQUIRE(episodes);
  auto entries = store.ListRtmTimeEntries(w.patient.id, Ymd(2026, 3, 1), Ymd(2026, 3, 31));
  PTRACK_REQUIRE(entries);
  CHECK(ShowAll(*episodes) == (v >= 6 ? Show(w.episode) + "\n" : ""));
  CHECK(ShowAll(*entries) == (v >= 6 ? Show(w.entry) + "\n" : ""));

  auto summary = store.GetPatientSummary(w.patient.id);
  auto alerts = store.ListAlerts(w.clinic.id, "", 0, 100);
  PTRACK_REQUIRE(alerts);
  if (v >= 7) {
    PTRACK_REQUIRE(summary);
    CHECK(json::Encode(*summary).dump() == json::Encode(w.summary).dump());
    CHECK(ShowAll(*alerts) == Show(w.alert) + "\n");
  } else {
    CHECK(summary.status().code() == StatusCode::kNotFound);
    CHECK(alerts->empty());
  }

  // Secrets exist from version 9; an older database gets its first one when it is first asked
  // for (here, last: it is a write).
  auto secret = store.GetOrCreateSecret(w.secret_name, "created after the upgrade");
  PTRACK_REQUIRE(secret);
  CHECK(*secret == (v >= 9 ? w.secret : std::string("created after the upgrade")));
}

// --- Building a database as version v wrote it -------------------------------------------------

// Creates `path` at schema version `v` and copies into it, from the latest-version database
// `source`, the rows version v could hold: the columns its tables had, and no clinic-defined
// catalogue entries before version 3 introduced them. Returns each table's columns.
std::map<std::string, std::string> BuildOldDatabase(const std::string& path, int v,
                                                    const std::string& source) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  const Status migrated = MigrateTo(db, v);
  INFO(migrated.ToString());
  REQUIRE(migrated.ok());
  REQUIRE(UserVersion(db) == v);
  SQLite::Statement attach(db, "ATTACH DATABASE ? AS src");
  attach.bind(1, source);
  attach.exec();
  std::map<std::string, std::string> columns;
  {
    SQLite::Transaction tx(db);
    for (const std::string& table : Tables(db, "main")) {
      const std::string cols = ColumnList(db, "main", table);
      columns[table] = cols;
      const bool shipped_only = (table == "exercises" || table == "protocols") && v < 3;
      db.exec("INSERT INTO main." + table + "(" + cols + ") SELECT " + cols + " FROM src." + table +
              (shipped_only ? " WHERE clinic_id IS NULL" : ""));
    }
    tx.commit();
  }
  db.exec("DETACH DATABASE src");
  return columns;
}

TEST_CASE("migrations: a database from every earlier schema version upgrades with its rows intact",
          "[reliability]") {
  TempDir dir;
  const World world = MakeWorld();
  const std::string latest = dir.path() + "/latest.db";
  WriteWorld(latest, world);
  {
    // Every table of the latest schema has rows, so every table is carried through the upgrades.
    SQLite::Database db(latest, SQLite::OPEN_READWRITE);
    REQUIRE(UserVersion(db) == LatestSchemaVersion());
    for (const std::string& table : Tables(db, "main")) {
      INFO("table " << table);
      CHECK(Count(db, "SELECT count(*) FROM " + table) > 0);
    }
  }
  {
    // The reference: everything reads back as written at the latest version.
    auto store = SqliteStore::Open(latest);
    PTRACK_REQUIRE(store);
    CheckReadsBack(**store, world, LatestSchemaVersion());
  }

  for (int v = 1; v < LatestSchemaVersion(); ++v) {
    INFO("created at schema version " << v);
    const std::string path = dir.path() + "/v" + std::to_string(v) + ".db";
    const std::map<std::string, std::string> old_columns = BuildOldDatabase(path, v, latest);

    // Opening migrates; the store reads every record as version v held it.
    const World expected = AsUpgradedFrom(world, v);
    {
      auto store = SqliteStore::Open(path);
      PTRACK_REQUIRE(store);
      CheckReadsBack(**store, expected, v);
    }

    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    CHECK(UserVersion(db) == LatestSchemaVersion());
    CHECK(Integrity(db) == "ok");
    CHECK(ForeignKeyViolations(db).empty());
    CHECK(Schema(db) == FreshSchema(LatestSchemaVersion()));
    // Every old column of every row is as it was: the same rows, no more, no fewer.
    SQLite::Statement attach(db, "ATTACH DATABASE ? AS src");
    attach.bind(1, latest);
    attach.exec();
    for (const auto& [table, cols] : old_columns) {
      INFO("table " << table << " (" << cols << ")");
      const std::string where =
          (table == "exercises" || table == "protocols") && v < 3 ? " WHERE clinic_id IS NULL" : "";
      const std::string upgraded = "SELECT " + cols + " FROM main." + table;
      const std::string original = "SELECT " + cols + " FROM src." + table + where;
      CHECK(Count(db, "SELECT count(*) FROM main." + table) ==
            Count(db, "SELECT count(*) FROM (" + original + ")"));
      CHECK(Count(db, "SELECT count(*) FROM (" + upgraded + " EXCEPT " + original + ")") == 0);
      CHECK(Count(db, "SELECT count(*) FROM (" + original + " EXCEPT " + upgraded + ")") == 0);
    }
    db.exec("DETACH DATABASE src");
  }
}

// --- A newer database through the real binary ------------------------------------------------

TEST_CASE("migrations: ptrackd refuses a database from a newer version and leaves it untouched",
          "[reliability]") {
  TempDir dir;
  const std::string path = dir.path() + "/future.db";
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE sessions_v99(id TEXT PRIMARY KEY, body BLOB) STRICT");
    db.exec("INSERT INTO sessions_v99 VALUES ('a', x'00ff'), ('b', NULL)");
    db.exec("PRAGMA user_version = 99");
  }
  const std::string before = ReadFile(path);
  std::vector<std::string> schema_before;
  {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    schema_before = Schema(db);
  }

  RunResult run = RunWithDeadline({PTRACKD, "--db", path, "--grpc-listen", "127.0.0.1:0",
                                   "--http-listen", "off", "--port-file", dir.path() + "/port"},
                                  {}, milliseconds(20000));
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK_FALSE(run.timed_out);
  CHECK(run.exit_code == 1);
  CHECK(run.err.find("schema version 99 is newer than this ptrackd supports (" +
                     std::to_string(LatestSchemaVersion()) + ")") != std::string::npos);
  CHECK(run.err.find(path) != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/port"));  // never served

  CHECK(ReadFile(path) == before);
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    INFO(suffix);
    CHECK_FALSE(std::filesystem::exists(path + suffix));
  }
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  CHECK(UserVersion(db) == 99);
  CHECK(Schema(db) == schema_before);
  CHECK(Count(db, "SELECT count(*) FROM sessions_v99") == 2);
}

// --- Kills during migration --------------------------------------------------------------------

constexpr int kKillFromVersion = 1;  // steps 2 and 6 each index every session
constexpr int kKillSessions = 200000;
constexpr int kKills = 8;

// What must survive any kill: the rows, summed so that any change to one shows.
struct Content {
  int64_t sessions = 0, perform = 0, receive = 0, scores = 0, text = 0, facts = 0, facts_sum = 0;
  bool operator==(const Content&) const = default;
};

Content ReadContent(SQLite::Database& db) {
  SQLite::Statement q(db,
                      "SELECT count(*), sum(perform_ms), sum(receive_ms), "
                      "sum(pain_before + 11 * pain_after + 121 * effort), "
                      "sum(length(id) + length(local_date) + length(notes) + length(exercises)) "
                      "FROM sessions");
  q.executeStep();
  Content c;
  c.sessions = q.getColumn(0).getInt64();
  c.perform = q.getColumn(1).getInt64();
  c.receive = q.getColumn(2).getInt64();
  c.scores = q.getColumn(3).getInt64();
  c.text = q.getColumn(4).getInt64();
  c.facts = Count(db, "SELECT count(*) FROM daily_facts");
  c.facts_sum = Count(db, "SELECT sum(sessions_done) FROM daily_facts");
  return c;
}

// A database at kKillFromVersion with one clinic, therapist and patient whose (ended) program
// has kKillSessions sessions, with their daily facts.
void BuildLargeDatabase(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  REQUIRE(MigrateTo(db, kKillFromVersion).ok());
  const World w = MakeWorld();
  SQLite::Transaction tx(db);
  db.exec("INSERT INTO clinics VALUES ('harbour', 'Harbour Physio', 'America/New_York')");
  for (const Account& a : w.accounts) {
    SQLite::Statement q(db, "INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(1, a.username);
    q.bind(2, a.password_hash);
    q.bind(3, static_cast<int>(a.role));
    q.bind(4, a.clinic_id);
    q.bind(5, a.subject_id);
    q.bind(6, static_cast<int64_t>(ToUnixMillis(a.create_time)));
    q.exec();
  }
  db.exec("INSERT INTO therapists VALUES ('ana', 'harbour', 'Ana Ruiz', 'ana.ruiz')");
  db.exec(
      "INSERT INTO patients VALUES ('jordan', 'harbour', 'Jordan Lee', 'America/Chicago', 'ana', "
      "'jordan', 1767605400000, 1)");
  db.exec(
      "INSERT INTO programs VALUES ('prog-jordan-1', 'jordan', 'neck-basic', '2020-01-01', 2, "
      "1577880000000)");
  SQLite::Statement rev(db,
                        "INSERT INTO program_revisions VALUES ('prog-jordan-1', 1, '2020-01-01', "
                        "'assigned', 'clinics/harbour/therapists/ana', 1577880000000, ?)");
  rev.bind(1, json::EncodePhases(w.protocol.phases).dump());
  rev.exec();
  // One session every 10 minutes from 2020-01-01 on.
  SQLite::Statement sessions(
      db,
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) "
      "INSERT INTO sessions(id, patient_id, program_id, perform_ms, local_date, receive_ms, "
      "pain_before, pain_after, effort, notes, exercises) "
      "SELECT printf('00000000-0000-4000-8000-%012d', i), 'jordan', 'prog-jordan-1', "
      "1577880000000 + i * 600000, date(1577880000 + i * 600, 'unixepoch'), "
      "1577880000000 + i * 600000 + 180000, i % 11, (i * 7) % 11, (i * 3) % 11, "
      "CASE WHEN i % 5 = 0 THEN 'felt fine' ELSE '' END, ?2 FROM n");
  sessions.bind(1, kKillSessions);
  sessions.bind(2, json::EncodeLogs(w.sessions[0].exercises).dump());
  sessions.exec();
  db.exec(
      "INSERT INTO daily_facts SELECT patient_id, local_date, count(*), 2 * count(*), "
      "max(max(pain_before, pain_after)) FROM sessions GROUP BY patient_id, local_date");
  tx.commit();
}

void CopyFile(const std::string& from, const std::string& to) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(to + suffix);
  std::filesystem::copy_file(from, to);
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

TEST_CASE("migrations: a kill during migration leaves the old or the new version, never a mix",
          "[reliability]") {
  TempDir dir;
  const std::string pristine = dir.path() + "/v" + std::to_string(kKillFromVersion) + ".db";
  BuildLargeDatabase(pristine);
  Content content;
  {
    SQLite::Database db(pristine, SQLite::OPEN_READWRITE);
    content = ReadContent(db);
  }
  REQUIRE(content.sessions == kKillSessions);
  const std::vector<std::string> serve_args = {"--http-listen", "off"};

  // How long ptrackd takes to serve this file (migrating it), and an already migrated one.
  const std::string measured = dir.path() + "/measured.db";
  CopyFile(pristine, measured);
  auto t0 = std::chrono::steady_clock::now();
  CHECK(Ptrackd(PTRACKD, measured, dir.path(), serve_args).Stop() == 0);
  const auto migrating = std::chrono::steady_clock::now() - t0;
  t0 = std::chrono::steady_clock::now();
  CHECK(Ptrackd(PTRACKD, measured, dir.path(), serve_args).Stop() == 0);
  const auto plain = std::chrono::steady_clock::now() - t0;
  std::filesystem::remove(measured);
  WARN("ptrackd ready after " << Seconds(migrating) << " s migrating " << kKillSessions
                              << " sessions from version " << kKillFromVersion << ", "
                              << Seconds(plain) << " s when already migrated");

  // Kills at spread random delays within that time (one in each of kKills equal slices, in
  // random order), each on what the previous run left; once a run has completed the migration,
  // the next starts again from a fresh copy of the old file.
  std::mt19937_64 rng(Catch::rngSeed() + 8);
  std::vector<milliseconds> delays;
  const auto slice = std::chrono::duration_cast<milliseconds>(migrating) / kKills;
  for (int k = 0; k < kKills; ++k) {
    delays.push_back(slice * k + milliseconds(rng() % std::max<int64_t>(1, slice.count())));
  }
  std::shuffle(delays.begin(), delays.end(), rng);

  const std::string path = dir.path() + "/killed.db";
  const std::string port_file = dir.path() + "/port";
  CopyFile(pristine, path);
  std::map<int, int> outcomes;  // version after the kill -> how many
  int killed_starting = 0;      // killed before it served (while migrating or loading data)
  int killed_migrating = 0;     // killed after the migration had written, before it finished
  int rolled_back = 0;          // of those, killed inside a step whose work was then discarded
  std::string log;
  for (int k = 0; k < kKills; ++k) {
    int version_before = 0;
    {
      SQLite::Database db(path, SQLite::OPEN_READONLY);
      version_before = UserVersion(db);
    }
    std::filesystem::remove(port_file);
    RunResult run = RunWithDeadline({PTRACKD, "--db", path, "--grpc-listen", "127.0.0.1:0",
                                     "--http-listen", "off", "--port-file", port_file},
                                    {}, delays[k]);
    INFO("kill " << k << " after " << delays[k].count() << " ms, from version " << version_before
                 << "\n"
                 << run.out << run.err);
    REQUIRE(run.timed_out);  // ptrackd never stops by itself: it was running when killed
    const bool served = std::filesystem::exists(port_file);
    if (!served) ++killed_starting;
    const uintmax_t wal =
        std::filesystem::exists(path + "-wal") ? std::filesystem::file_size(path + "-wal") : 0;

    int version = 0;
    {
      SQLite::Database db(path, SQLite::OPEN_READWRITE);  // recovers the WAL as a restart would
      version = UserVersion(db);
      INFO("version after the kill " << version);
      CHECK(version >= version_before);
      REQUIRE(version >= kKillFromVersion);
      REQUIRE(version <= LatestSchemaVersion());
      CHECK(Schema(db) == FreshSchema(version));
      CHECK(ReadContent(db) == content);
      CHECK(Integrity(db) == "ok");
    }
    ++outcomes[version];
    // Each run starts without a WAL (the check before closed the file cleanly), so a WAL means
    // this run wrote; with the version unchanged, none of what it wrote was committed.
    if (wal > 0 && version < LatestSchemaVersion()) ++killed_migrating;
    if (wal > 0 && version < LatestSchemaVersion() && version == version_before) ++rolled_back;
    log += "\n  after " + std::to_string(delays[k].count()) + " ms: version " +
           std::to_string(version_before) + " -> " + std::to_string(version) +
           (served ? " (serving)" : "") + ", WAL " + std::to_string(wal / 1024) + " KiB";
    if (version == LatestSchemaVersion() && k + 1 < kKills) CopyFile(pristine, path);
  }
  std::string distribution;
  for (const auto& [version, n] : outcomes) {
    distribution += " v" + std::to_string(version) + ":" + std::to_string(n);
  }
  WARN(kKills << " kills; versions left:" << distribution << "; killed before serving "
              << killed_starting << ", while migrating " << killed_migrating
              << " (inside a step, rolled back: " << rolled_back << ")" << log);
  CHECK(killed_starting >= 1);
  CHECK(killed_migrating >= 1);

  // A run to completion on what the last kill left.
  CHECK(Ptrackd(PTRACKD, path, dir.path(), serve_args).Stop() == 0);
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  CHECK(UserVersion(db) == LatestSchemaVersion());
  CHECK(Schema(db) == FreshSchema(LatestSchemaVersion()));
  CHECK(ReadContent(db) == content);
  CHECK(Integrity(db) == "ok");
  CHECK(ForeignKeyViolations(db).empty());
}

}  // namespace
}  // namespace ptrack::testing
