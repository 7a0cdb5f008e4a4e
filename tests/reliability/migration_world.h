// The records of the migration tests (tests/reliability/migration_test.cc), shared with the
// program that wrote the schema-11 fixture (tests/reliability/data/make_schema11.cc, built
// against the schema-11 release): World is one clinic's complete set of records, every table
// with rows; WriteExtras adds what schema 12 rewrote the storage of — sessions of two programs,
// ties in perform time, loads and notes that must survive byte for byte, exercises outside the
// catalogue, late receipts, next-morning reports, therapist actions and revisions, and a second
// clinic whose patient reuses a session id. Everything here uses only Store methods that both
// releases have, and only fixed values: the fixture was written from exactly these records, so
// changing a value here breaks the schema-11 test (write new records in a new function instead).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "storage/store.h"

namespace ptrack::testing {

inline LocalDate Ymd(int y, unsigned m, unsigned d) {
  return LocalDate{date::year{y} / date::month{m} / date::day{d}};
}
inline Instant At(LocalDate day, int hh, int mm = 0) {
  return Instant{std::chrono::sys_days{day.time_since_epoch()}} + std::chrono::hours{hh} +
         std::chrono::minutes{mm};
}

inline Account MakeAccount(const std::string& username, Role role, const std::string& subject_id) {
  Account a;
  a.username = username;
  a.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaC1vZi0" + username;
  a.role = role;
  a.clinic_id = "harbour";
  a.subject_id = subject_id;
  a.create_time = At(Ymd(2026, 1, 5), 8, 30);
  return a;
}

inline Exercise MakeExercise(const std::string& id, Region region, const std::string& clinic_id) {
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

inline Phase MakePhase(int number, int start_week, int weeks) {
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

inline ProgressionRules MakeRules() {
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

inline ExerciseLog Log(const std::string& exercise_id, int sets, int reps, int hold, double load,
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

inline World MakeWorld() {
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

// Writes `w` through `store` (a new database). The schema-11 release also stored decisions: on a
// store that has SaveDecisions (that release's interface), they are written too. Stops at the
// first refusal.
template <typename S>
Status WriteWorldRecords(S& store, const World& w) {
  PTRACK_RETURN_IF_ERROR(store.CreateClinic(w.clinic));
  Account admin = w.accounts[0];
  admin.failed_sign_ins = 0;
  admin.last_failed_sign_in = Instant{};
  PTRACK_RETURN_IF_ERROR(store.CreateAccount(admin));
  PTRACK_RETURN_IF_ERROR(store.AddSignInFailure(admin.username, w.failed_sign_in, 50).status());
  PTRACK_RETURN_IF_ERROR(store.CreateTherapist(w.therapist, w.accounts[1]));
  PTRACK_RETURN_IF_ERROR(store.SetAccountDisabled(w.therapist.username, true, w.failed_sign_in));
  Patient patient = w.patient;
  patient.display_name = "Jordan L.";
  patient.time_zone = "America/New_York";
  PTRACK_RETURN_IF_ERROR(store.CreatePatient(patient, w.accounts[2]).status());
  patient = w.patient;
  patient.version = 1;
  PTRACK_RETURN_IF_ERROR(store.UpdatePatient(patient).status());
  PTRACK_RETURN_IF_ERROR(store.ReplaceCatalogue({w.exercises[0], w.exercises[1]}, {w.protocol}));
  PTRACK_RETURN_IF_ERROR(store.CreateExercise(w.exercises[2]));
  PTRACK_RETURN_IF_ERROR(store.CreateProtocol(w.clinic_protocol));
  Program program = w.program;
  program.revisions.resize(1);
  PTRACK_RETURN_IF_ERROR(store.CreateProgram(program).status());
  PTRACK_RETURN_IF_ERROR(store.AppendRevision(program.id, w.program.revisions[1], 1).status());
  for (const Session& s : w.sessions) PTRACK_RETURN_IF_ERROR(store.LogSession(s).status());
  PTRACK_RETURN_IF_ERROR(store.AddPainFollowUp(w.patient.id, w.followup, At(Ymd(2026, 3, 3), 7)));
  PTRACK_RETURN_IF_ERROR(store.AddTherapistAction(w.action_id, w.program.id, w.action,
                                                  "clinics/harbour/therapists/ana", w.action.at));
  if constexpr (requires { store.SaveDecisions(w.program.id, {w.decision}, w.fingerprint); }) {
    PTRACK_RETURN_IF_ERROR(store.SaveDecisions(w.program.id, {w.decision}, w.fingerprint));
  }
  TokenRecord token = w.token;
  token.last_use_time = token.create_time;
  PTRACK_RETURN_IF_ERROR(store.PutToken(token));
  PTRACK_RETURN_IF_ERROR(store.TouchToken(token.token_hash, w.token.last_use_time));
  PTRACK_RETURN_IF_ERROR(store.PutEnrolmentCode(w.code));
  for (const AuditEvent& e : w.audit) PTRACK_RETURN_IF_ERROR(store.AppendAudit(e));
  PTRACK_RETURN_IF_ERROR(store.CreateRtmEpisode(w.episode).status());
  bool replayed = false;
  PTRACK_RETURN_IF_ERROR(store.AddRtmTimeEntry(w.entry, &replayed).status());
  PTRACK_RETURN_IF_ERROR(
      store.SavePatientSummary("harbour", "jordan", w.summary, w.alert.create_time).status());
  PTRACK_RETURN_IF_ERROR(
      store.AcknowledgeAlert(w.alert.id, w.alert.ack_by, *w.alert.ack_time).status());
  PTRACK_RETURN_IF_ERROR(store.GetOrCreateSecret(w.secret_name, w.secret).status());
  return Status::Ok();
}

// --- Records beyond World ----------------------------------------------------------------------

inline Session ExtraSession(const std::string& id, const std::string& patient_id,
                            const std::string& program_id, Instant perform, LocalDate local_date,
                            int pain_after) {
  Session s;
  s.id = id;
  s.patient_id = patient_id;
  s.program_id = program_id;
  s.perform_time = perform;
  s.local_date = local_date;
  s.receive_time = perform + std::chrono::minutes{7};
  s.pain_before = 3;
  s.pain_after = pain_after;
  s.effort = 6;
  s.exercises = {Log("chin-nod", 1, 10, 5, 0, "", Side::kBoth, -1)};
  return s;
}

// Casey (harbour, Pacific/Auckland: local dates run ahead of UTC) with an ended program and an
// active one; Riley (clinic summit) whose first session reuses Casey's first session id.
struct Extras {
  Clinic summit{"summit", "Summit Rehab", "Pacific/Auckland"};
  Therapist tess{"tess", "summit", "Tess Ngata", "tess.ngata"};
  Patient casey{"casey", "harbour", "Casey Moana",           "Pacific/Auckland",
                "ana",   "casey",   At(Ymd(2026, 1, 4), 22), 1};
  Patient riley{"riley",
                "summit",
                "Riley Ko",
                "America/Los_Angeles",
                "tess",
                "riley",
                At(Ymd(2026, 1, 10), 17),
                1};
  Program ended;   // prog-casey-1
  Program active;  // prog-casey-2, three revisions
  Program riley_program;
  std::vector<Session> sessions;                            // every session, in the order logged
  std::vector<std::pair<PainFollowUp, Instant>> followups;  // (patient casey) report, received
  std::vector<std::pair<std::string, TherapistAction>> actions;  // on prog-casey-2, by id
};

inline Extras MakeExtras(const World& w) {
  Extras x;
  auto program = [&](const std::string& id, const std::string& patient_id, LocalDate start,
                     ProgramState state) {
    Program p;
    p.id = id;
    p.patient_id = patient_id;
    p.protocol_id = w.protocol.id;
    p.start_date = start;
    p.state = state;
    p.create_time = At(start, 1);
    ProgramRevision first;
    first.revision = 1;
    first.effective_date = start;
    first.reason = "assigned";
    first.author = "clinics/harbour/therapists/ana";
    first.create_time = p.create_time;
    first.phases = w.protocol.phases;  // the same phases as Jordan's first revision
    first.rules = MakeRules();
    p.revisions = {first};
    return p;
  };
  x.ended = program("prog-casey-1", "casey", Ymd(2026, 1, 5), ProgramState::kEnded);
  x.active = program("prog-casey-2", "casey", Ymd(2026, 2, 2), ProgramState::kActive);
  ProgramRevision second = x.active.revisions[0];
  second.revision = 2;
  second.effective_date = Ymd(2026, 2, 16);
  second.reason = "harder rows";
  second.create_time = At(Ymd(2026, 2, 15), 3);
  second.phases[0].prescriptions[1].dose_steps[0].load_kg = 2.25;
  second.rules.reps_step = 3;
  ProgramRevision third = x.active.revisions[0];  // back to the first revision's phases
  third.revision = 3;
  third.effective_date = Ymd(2026, 3, 2);
  third.reason = "back to the plan";
  third.create_time = At(Ymd(2026, 3, 1), 4);
  x.active.revisions = {x.active.revisions[0], second, third};
  x.riley_program = program("prog-riley-1", "riley", Ymd(2026, 2, 9), ProgramState::kActive);
  x.riley_program.revisions[0].author = "clinics/summit/therapists/tess";

  const std::string c = "5a000000-0000-4000-8000-0000000000";  // + two digits
  // The ended program: two January sessions (18:00 UTC is the next morning in Auckland).
  x.sessions.push_back(ExtraSession("c1a00000-0000-4000-8000-000000000001", "casey", x.ended.id,
                                    At(Ymd(2026, 1, 6), 18), Ymd(2026, 1, 7), 4));
  x.sessions.push_back(ExtraSession("c1a00000-0000-4000-8000-000000000002", "casey", x.ended.id,
                                    At(Ymd(2026, 1, 8), 18), Ymd(2026, 1, 9), 3));
  // The active program.
  Session first =
      ExtraSession(c + "01", "casey", x.active.id, At(Ymd(2026, 2, 2), 20), Ymd(2026, 2, 3), 5);
  first.exercises = {Log("chin-nod", 1, 10, 5, 0, "", Side::kBoth, 0),
                     Log("band-row", 3, 12, 0, 0.1 + 0.2, "green", Side::kEach, 10),
                     Log("harbour-wall-angel", 0, 0, 0, 0, "", Side::kUnspecified, -1),
                     Log("not-in-catalogue", 2, 8, 3, 1e-7, "", Side::kLeft, -1)};
  first.exercises[3].reps = 8;
  x.sessions.push_back(first);
  // Two sessions at the same instant: listed by id.
  Session tie_b =
      ExtraSession(c + "03", "casey", x.active.id, At(Ymd(2026, 2, 5), 6), Ymd(2026, 2, 5), 6);
  tie_b.exercises = {Log("band-row", 2, 10, 0, 12.5, "black", Side::kRight, 3)};
  Session tie_a =
      ExtraSession(c + "02", "casey", x.active.id, At(Ymd(2026, 2, 5), 6), Ymd(2026, 2, 5), 2);
  x.sessions.push_back(tie_b);
  x.sessions.push_back(tie_a);
  Session empty =
      ExtraSession(c + "04", "casey", x.active.id, At(Ymd(2026, 2, 7), 23), Ymd(2026, 2, 8), 7);
  empty.exercises.clear();
  empty.notes = "Nacken \xf0\x9f\x99\x82 \"ok\"\nzweite Zeile\t'quoted'";
  empty.red_flags = {"arm-numbness"};
  x.sessions.push_back(empty);
  Session late =
      ExtraSession(c + "05", "casey", x.active.id, At(Ymd(2026, 2, 10), 4), Ymd(2026, 2, 10), 4);
  late.receive_time = At(Ymd(2026, 2, 14), 9, 30);  // synced four days later
  late.exercises = {Log("band-row", 3, 0, 0, 2.25, "red", Side::kEach, 0)};
  x.sessions.push_back(late);
  for (int i = 6; i <= 12; ++i) {
    const LocalDate day = Ymd(2026, 2, 14) + date::days{3 * (i - 6)};
    Session s = ExtraSession(c + (i < 10 ? "0" : "") + std::to_string(i), "casey", x.active.id,
                             At(day, 2, i), day, i % 11);
    s.exercises.push_back(Log("band-row", 3, 10 + i, 0, 1.5 * i, i % 2 ? "red" : "", Side::kEach,
                              i % 3 == 0 ? -1 : i % 11));
    s.notes = i % 4 == 0 ? "" : "session " + std::to_string(i);
    x.sessions.push_back(s);
  }
  // Riley reuses Casey's first id (ids are scoped to their patient).
  Session riley = ExtraSession(c + "01", "riley", x.riley_program.id, At(Ymd(2026, 2, 10), 1),
                               Ymd(2026, 2, 9), 1);
  riley.exercises = {Log("chin-nod", 2, 12, 10, 0, "", Side::kBoth, 1)};
  x.sessions.push_back(riley);

  x.followups = {{PainFollowUp{c + "01", 3}, At(Ymd(2026, 2, 3), 19)},
                 {PainFollowUp{c + "02", 6}, At(Ymd(2026, 2, 9), 20)},  // reported late
                 {PainFollowUp{c + "05", 0}, At(Ymd(2026, 2, 14), 9, 31)},
                 {PainFollowUp{c + "09", 8}, At(Ymd(2026, 2, 24), 21)}};
  auto action = [](TherapistAction::Kind kind, LocalDate day, const std::string& decision,
                   const std::string& note, Instant at) {
    return TherapistAction{kind, day, decision, note, at};
  };
  x.actions = {
      {"a0000000-0000-4000-8000-000000000001",
       action(TherapistAction::Kind::kApprove, Ymd(2026, 2, 10), "w1-band-row", "",
              At(Ymd(2026, 2, 9), 22))},
      {"a0000000-0000-4000-8000-000000000002",
       action(TherapistAction::Kind::kReject, Ymd(2026, 2, 17), "w2-band-row", "not yet: shoulder",
              At(Ymd(2026, 2, 16), 22))},
      {"a0000000-0000-4000-8000-000000000003",
       action(TherapistAction::Kind::kClearRedFlag, Ymd(2026, 2, 17), "", "checked",
              At(Ymd(2026, 2, 16), 22))},
      {"a0000000-0000-4000-8000-000000000004",
       action(TherapistAction::Kind::kBoost, Ymd(2026, 3, 3), "", "", At(Ymd(2026, 3, 2), 20))}};
  return x;
}

// Writes `x` through `store`, which already holds `w`. Stops at the first refusal.
inline Status WriteExtras(Store& store, const Extras& x) {
  PTRACK_RETURN_IF_ERROR(store.CreateClinic(x.summit));
  Account tess = MakeAccount(x.tess.username, Role::kTherapist, x.tess.id);
  tess.clinic_id = x.summit.id;
  PTRACK_RETURN_IF_ERROR(store.CreateTherapist(x.tess, tess));
  PTRACK_RETURN_IF_ERROR(
      store.CreatePatient(x.casey, MakeAccount("casey", Role::kPatient, "casey")).status());
  Account riley = MakeAccount("riley", Role::kPatient, "riley");
  riley.clinic_id = x.summit.id;
  PTRACK_RETURN_IF_ERROR(store.CreatePatient(x.riley, riley).status());
  PTRACK_RETURN_IF_ERROR(store.CreateProgram(x.ended).status());
  Program active = x.active;
  active.revisions.resize(1);
  PTRACK_RETURN_IF_ERROR(store.CreateProgram(active).status());
  PTRACK_RETURN_IF_ERROR(store.AppendRevision(x.active.id, x.active.revisions[1], 1).status());
  PTRACK_RETURN_IF_ERROR(store.AppendRevision(x.active.id, x.active.revisions[2], 2).status());
  PTRACK_RETURN_IF_ERROR(store.CreateProgram(x.riley_program).status());
  for (const Session& s : x.sessions) PTRACK_RETURN_IF_ERROR(store.LogSession(s).status());
  for (const auto& [followup, received] : x.followups) {
    PTRACK_RETURN_IF_ERROR(store.AddPainFollowUp("casey", followup, received));
  }
  for (const auto& [id, action] : x.actions) {
    PTRACK_RETURN_IF_ERROR(store.AddTherapistAction(id, x.active.id, action,
                                                    "clinics/harbour/therapists/ana", action.at));
  }
  PTRACK_RETURN_IF_ERROR(
      store.AppendAudit(AuditEvent{0, At(Ymd(2026, 2, 10), 1, 5), "riley", Role::kPatient, "summit",
                                   "riley", "/ptrack.v1.SessionService/LogSession", "OK"}));
  PTRACK_RETURN_IF_ERROR(store.AppendAudit(
      AuditEvent{0, At(Ymd(2026, 2, 11), 3), "tess.ngata", Role::kTherapist, "summit", "casey",
                 "/ptrack.v1.SessionService/ListSessions", "PERMISSION_DENIED"}));
  return Status::Ok();
}

// --- Records of later schema versions (beyond the schema-11 release's Store) ------------------

// Schema 16: an earlier episode of care of a patient of another clinic (so that World's lists
// stay as they were), discharged, and a pause of World's program. Schema 17: an outcome response
// of World's program and an instrument setting.
struct EpisodeRecords {
  Clinic pier{"pier", "Pier Physio", "Europe/Lisbon"};
  Therapist rui{"rui", "pier", "Rui Mota", "rui.mota"};
  Patient ines;
  Program past;
  Discharge discharge{Ymd(2025, 12, 19), DischargeReason::kGoalsMet, "Back to running",
                      "clinics/harbour/therapists/ana", At(Ymd(2025, 12, 19), 17)};
  Pause pause{
      "7a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", Ymd(2026, 4, 6),       Ymd(2026, 4, 12), "holiday",
      "clinics/harbour/therapists/ana",       At(Ymd(2026, 4, 1), 9)};
  OutcomeResponseRecord response;
  ProgramInstrument instrument{"pgic", false, "clinics/harbour/therapists/ana",
                               At(Ymd(2026, 3, 2), 10)};
};

inline EpisodeRecords MakeEpisodeRecords(const World& w) {
  EpisodeRecords e;
  e.ines = w.patient;
  e.ines.id = "ines";
  e.ines.clinic_id = e.pier.id;
  e.ines.therapist_id = e.rui.id;
  e.ines.username = "ines";
  e.ines.display_name = "Ines P.";
  e.ines.version = 1;
  e.past = w.program;
  e.past.id = "prog-ines-2025";
  e.past.patient_id = e.ines.id;
  e.past.start_date = Ymd(2025, 11, 3);
  e.past.create_time = At(Ymd(2025, 11, 3), 9);
  e.past.revisions.resize(1);
  e.past.revisions[0].effective_date = e.past.start_date;
  e.past.revisions[0].create_time = e.past.create_time;
  e.response.patient_id = w.patient.id;
  e.response.program_id = w.program.id;
  e.response.result = {"3b2a1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d",
                       "ndi",
                       Ymd(2026, 3, 2),
                       At(Ymd(2026, 3, 2), 23),
                       22.5,
                       {"Neck Disability Index", OutcomeDirection::kLowerIsBetter, 7.5, 0, {}, {}}};
  e.response.answer_time = At(Ymd(2026, 3, 2), 22);
  e.response.answers = {{"pain_intensity", 3, ""}, {"lifting", 2, "carrying shopping"}};
  e.response.percent = 45;
  e.response.answered = 9;
  e.response.author = "clinics/harbour/patients/jordan";
  return e;
}

inline Status WriteEpisodeRecords(Store& store, const World& w, const EpisodeRecords& e) {
  PTRACK_RETURN_IF_ERROR(store.CreateClinic(e.pier));
  Account rui = MakeAccount(e.rui.username, Role::kTherapist, e.rui.id);
  rui.clinic_id = e.pier.id;
  PTRACK_RETURN_IF_ERROR(store.CreateTherapist(e.rui, rui));
  Account account = MakeAccount("ines", Role::kPatient, "ines");
  account.clinic_id = e.pier.id;
  PTRACK_RETURN_IF_ERROR(store.CreatePatient(e.ines, account).status());
  PTRACK_RETURN_IF_ERROR(store.CreateProgram(e.past).status());
  PTRACK_RETURN_IF_ERROR(store.DischargeProgram(e.past.id, e.discharge).status());
  PTRACK_RETURN_IF_ERROR(store.AddPause(w.program.id, e.pause).status());
  PTRACK_RETURN_IF_ERROR(store.LogOutcomeResponse(e.response, nullptr).status());
  return store.SetProgramInstrument(w.program.id, e.instrument);
}

}  // namespace ptrack::testing
