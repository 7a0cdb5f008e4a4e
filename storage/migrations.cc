// The migration steps. Append new steps at the end; never edit a step that has shipped.
#include "storage/migrations.h"

#include <SQLiteCpp/Transaction.h>

#include <string>
#include <vector>

namespace ptrack {
namespace {

const std::vector<const char*>& Steps() {
  static const std::vector<const char*> steps = {
      // 1: the foundation schema.
      R"sql(
CREATE TABLE clinics(
  id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  time_zone TEXT NOT NULL
) STRICT;

CREATE TABLE accounts(
  username TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  role INTEGER NOT NULL CHECK (role BETWEEN 1 AND 3),
  clinic_id TEXT NOT NULL REFERENCES clinics(id),
  subject_id TEXT NOT NULL,
  create_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE therapists(
  id TEXT PRIMARY KEY,
  clinic_id TEXT NOT NULL REFERENCES clinics(id),
  display_name TEXT NOT NULL,
  username TEXT NOT NULL UNIQUE REFERENCES accounts(username)
) STRICT, WITHOUT ROWID;
CREATE INDEX therapists_by_clinic ON therapists(clinic_id, id);

CREATE TABLE patients(
  id TEXT PRIMARY KEY,
  clinic_id TEXT NOT NULL REFERENCES clinics(id),
  display_name TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  therapist_id TEXT NOT NULL REFERENCES therapists(id),
  username TEXT NOT NULL UNIQUE REFERENCES accounts(username),
  create_ms INTEGER NOT NULL,
  version INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX patients_by_clinic ON patients(clinic_id, id);
CREATE INDEX patients_by_therapist ON patients(therapist_id, id);

CREATE TABLE tokens(
  hash BLOB PRIMARY KEY,
  username TEXT NOT NULL REFERENCES accounts(username),
  create_ms INTEGER NOT NULL,
  expire_ms INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

-- retired = 1: removed from the shipped data; still readable (old programs name it), not listed.
CREATE TABLE exercises(
  id TEXT PRIMARY KEY,
  region TEXT NOT NULL,
  body TEXT NOT NULL,
  retired INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

CREATE TABLE protocols(
  id TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  retired INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

CREATE TABLE programs(
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  protocol_id TEXT NOT NULL,
  start_date TEXT NOT NULL,
  state INTEGER NOT NULL,
  create_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX one_active_program ON programs(patient_id) WHERE state = 1;

CREATE TABLE program_revisions(
  program_id TEXT NOT NULL REFERENCES programs(id),
  revision INTEGER NOT NULL,
  effective_date TEXT NOT NULL,
  reason TEXT NOT NULL,
  author TEXT NOT NULL,
  create_ms INTEGER NOT NULL,
  phases TEXT NOT NULL,
  PRIMARY KEY(program_id, revision)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER program_revisions_no_update BEFORE UPDATE ON program_revisions
BEGIN SELECT RAISE(ABORT, 'program revisions are append-only'); END;
CREATE TRIGGER program_revisions_no_delete BEFORE DELETE ON program_revisions
BEGIN SELECT RAISE(ABORT, 'program revisions are append-only'); END;

CREATE TABLE sessions(
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  program_id TEXT NOT NULL REFERENCES programs(id),
  perform_ms INTEGER NOT NULL,
  local_date TEXT NOT NULL,
  receive_ms INTEGER NOT NULL,
  pain_before INTEGER NOT NULL CHECK (pain_before BETWEEN 0 AND 10),
  pain_after INTEGER NOT NULL CHECK (pain_after BETWEEN 0 AND 10),
  effort INTEGER NOT NULL CHECK (effort BETWEEN 0 AND 10),
  notes TEXT NOT NULL,
  exercises TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_by_patient_time ON sessions(patient_id, perform_ms DESC, id DESC);
CREATE INDEX sessions_by_patient_date ON sessions(patient_id, local_date);

CREATE TABLE daily_facts(
  patient_id TEXT NOT NULL REFERENCES patients(id),
  local_date TEXT NOT NULL,
  sessions_done INTEGER NOT NULL,
  exercises_done INTEGER NOT NULL,
  max_pain INTEGER NOT NULL,
  PRIMARY KEY(patient_id, local_date)
) STRICT, WITHOUT ROWID;
)sql",
      // 2: adaptive progression.
      R"sql(
-- NULL: a revision recorded before rules were stored; it follows the server's default rules.
ALTER TABLE program_revisions ADD COLUMN rules TEXT;
ALTER TABLE sessions ADD COLUMN red_flags TEXT NOT NULL DEFAULT '[]';

CREATE TABLE pain_followups(
  session_id TEXT PRIMARY KEY REFERENCES sessions(id),
  pain INTEGER NOT NULL CHECK (pain BETWEEN 0 AND 10),
  report_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE therapist_actions(
  id TEXT PRIMARY KEY,
  program_id TEXT NOT NULL REFERENCES programs(id),
  kind INTEGER NOT NULL,
  local_date TEXT NOT NULL,
  decision_id TEXT NOT NULL,
  note TEXT NOT NULL,
  author TEXT NOT NULL,
  create_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX therapist_actions_by_program ON therapist_actions(program_id, local_date);
CREATE TRIGGER therapist_actions_no_update BEFORE UPDATE ON therapist_actions
BEGIN SELECT RAISE(ABORT, 'therapist actions are append-only'); END;
CREATE TRIGGER therapist_actions_no_delete BEFORE DELETE ON therapist_actions
BEGIN SELECT RAISE(ABORT, 'therapist actions are append-only'); END;

-- Derived from the replay (scheduler/progression.h) and kept current by the service.
CREATE TABLE decisions(
  program_id TEXT NOT NULL REFERENCES programs(id),
  id TEXT NOT NULL,
  week INTEGER NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY(program_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_by_program ON sessions(program_id, local_date);
)sql",
      // 3: clinic-defined catalogue entries (NULL = shipped with ptrack).
      R"sql(
ALTER TABLE exercises ADD COLUMN clinic_id TEXT REFERENCES clinics(id);
ALTER TABLE protocols ADD COLUMN clinic_id TEXT REFERENCES clinics(id);
)sql",
      // 4: identity and audit: sign-in throttling, idle expiry, enrolment codes, the audit log.
      R"sql(
ALTER TABLE accounts ADD COLUMN failed_sign_ins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN last_failed_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tokens ADD COLUMN last_use_ms INTEGER NOT NULL DEFAULT 0;
UPDATE tokens SET last_use_ms = create_ms;
CREATE INDEX tokens_by_username ON tokens(username);

-- redeemed_ms: when it was redeemed or voided by a newer code; NULL while it can still be used.
CREATE TABLE enrolment_codes(
  hash BLOB PRIMARY KEY,
  username TEXT NOT NULL REFERENCES accounts(username),
  create_ms INTEGER NOT NULL,
  expire_ms INTEGER NOT NULL,
  redeemed_ms INTEGER
) STRICT, WITHOUT ROWID;
CREATE INDEX enrolment_codes_by_username ON enrolment_codes(username);

-- Append-only: the triggers refuse any change to a stored row.
CREATE TABLE audit_events(
  id INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  username TEXT NOT NULL,
  role INTEGER NOT NULL,
  clinic_id TEXT NOT NULL,
  patient_id TEXT NOT NULL,
  method TEXT NOT NULL,
  outcome TEXT NOT NULL
) STRICT;
CREATE INDEX audit_by_clinic ON audit_events(clinic_id, id);
CREATE INDEX audit_by_patient ON audit_events(patient_id, id);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
)sql",
      // 5: REPLACE (INSERT OR REPLACE) deletes the row it conflicts with without firing delete
      // triggers, so refuse an insert that would overwrite a stored audit event.
      R"sql(
CREATE TRIGGER audit_events_no_replace BEFORE INSERT ON audit_events
WHEN EXISTS (SELECT 1 FROM audit_events WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
)sql",
      // 6: Remote Therapeutic Monitoring (CLINICAL.md §6): episodes and clinician time, billing
      // evidence, so time entries are append-only; data days are read by receive time.
      R"sql(
CREATE TABLE rtm_episodes(
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  start_date TEXT NOT NULL,
  end_date TEXT,
  onboarding INTEGER NOT NULL,
  practitioner_id TEXT NOT NULL REFERENCES therapists(id),
  author TEXT NOT NULL,
  create_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX rtm_episodes_by_patient ON rtm_episodes(patient_id, start_date);
CREATE UNIQUE INDEX rtm_episodes_one_open ON rtm_episodes(patient_id) WHERE end_date IS NULL;

CREATE TABLE rtm_time_entries(
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  therapist_id TEXT NOT NULL REFERENCES therapists(id),
  local_date TEXT NOT NULL,
  minutes INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 240),
  live INTEGER NOT NULL,
  activity TEXT NOT NULL,
  create_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX rtm_time_entries_by_patient ON rtm_time_entries(patient_id, local_date);
CREATE TRIGGER rtm_time_entries_no_update BEFORE UPDATE ON rtm_time_entries
BEGIN SELECT RAISE(ABORT, 'time entries are append-only'); END;
CREATE TRIGGER rtm_time_entries_no_delete BEFORE DELETE ON rtm_time_entries
BEGIN SELECT RAISE(ABORT, 'time entries are append-only'); END;
-- REPLACE deletes the conflicting row without firing delete triggers: refuse it too.
CREATE TRIGGER rtm_time_entries_no_replace BEFORE INSERT ON rtm_time_entries
WHEN EXISTS (SELECT 1 FROM rtm_time_entries WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'time entries are append-only'); END;

CREATE INDEX sessions_by_patient_receive ON sessions(patient_id, receive_ms);
)sql",
      // 7: the clinic report's derived row per patient (rewritten after each evaluation; the body
      // is storage/summary_codec.cc's JSON) and the alert log, whose id is the watchers' cursor.
      R"sql(
CREATE TABLE patient_status(
  patient_id TEXT PRIMARY KEY REFERENCES patients(id),
  as_of TEXT NOT NULL,
  body TEXT NOT NULL,
  update_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE alerts(
  id INTEGER PRIMARY KEY,
  clinic_id TEXT NOT NULL REFERENCES clinics(id),
  patient_id TEXT NOT NULL REFERENCES patients(id),
  kind INTEGER NOT NULL,
  key TEXT NOT NULL,
  local_date TEXT NOT NULL,
  detail TEXT NOT NULL,
  session_id TEXT NOT NULL,
  create_ms INTEGER NOT NULL,
  ack_ms INTEGER,
  ack_by TEXT NOT NULL DEFAULT '',
  UNIQUE(patient_id, key)
) STRICT;
CREATE INDEX alerts_by_clinic ON alerts(clinic_id, id);
CREATE TRIGGER alerts_no_delete BEFORE DELETE ON alerts
BEGIN SELECT RAISE(ABORT, 'alerts are kept'); END;
CREATE TRIGGER alerts_only_ack BEFORE UPDATE OF
  id, clinic_id, patient_id, kind, key, local_date, detail, session_id, create_ms ON alerts
BEGIN SELECT RAISE(ABORT, 'only an acknowledgement changes an alert'); END;
)sql",
      // 8: the fingerprint of each program's stored decisions (scheduler/fingerprint.h), so that
      // an evaluation can tell whether they changed without reading them back (NULL: unknown).
      R"sql(
ALTER TABLE programs ADD COLUMN decisions_digest INTEGER;
)sql",
      // 9: secrets the server creates once per database and never shows, such as the key of
      // the audit log's hashes of unknown sign-in names (Store::GetOrCreateSecret).
      R"sql(
CREATE TABLE secrets(
  name TEXT PRIMARY KEY,
  value BLOB NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TRIGGER secrets_no_update BEFORE UPDATE ON secrets
BEGIN SELECT RAISE(ABORT, 'secrets are created once'); END;
)sql",
      // 10: a session id is unique per patient, not across every clinic: it is the patient's
      // idempotency key, and a global one let a patient learn that another patient's id exists
      // (ALREADY_EXISTS) and take ids before their owner synced. The key of sessions becomes
      // (patient_id, id), and the next-morning pain reports, which name a session, name it with
      // its patient. SQLite cannot change a primary key in place: both tables are rebuilt with
      // their rows (pain_followups_v10 refers to sessions_v10, so dropping the old sessions
      // table touches no child, and the rename carries the reference along) and the session
      // indexes are created again. Rows are copied in the new key's order, so that the new
      // B-tree is appended to rather than written at random.
      R"sql(
CREATE TABLE sessions_v10(
  id TEXT NOT NULL,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  program_id TEXT NOT NULL REFERENCES programs(id),
  perform_ms INTEGER NOT NULL,
  local_date TEXT NOT NULL,
  receive_ms INTEGER NOT NULL,
  pain_before INTEGER NOT NULL CHECK (pain_before BETWEEN 0 AND 10),
  pain_after INTEGER NOT NULL CHECK (pain_after BETWEEN 0 AND 10),
  effort INTEGER NOT NULL CHECK (effort BETWEEN 0 AND 10),
  notes TEXT NOT NULL,
  exercises TEXT NOT NULL,
  red_flags TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY(patient_id, id)
) STRICT, WITHOUT ROWID;
INSERT INTO sessions_v10(id, patient_id, program_id, perform_ms, local_date, receive_ms,
                         pain_before, pain_after, effort, notes, exercises, red_flags)
  SELECT id, patient_id, program_id, perform_ms, local_date, receive_ms,
         pain_before, pain_after, effort, notes, exercises, red_flags FROM sessions
  ORDER BY patient_id, id;

CREATE TABLE pain_followups_v10(
  patient_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  pain INTEGER NOT NULL CHECK (pain BETWEEN 0 AND 10),
  report_ms INTEGER NOT NULL,
  PRIMARY KEY(patient_id, session_id),
  FOREIGN KEY(patient_id, session_id) REFERENCES sessions_v10(patient_id, id)
) STRICT, WITHOUT ROWID;
INSERT INTO pain_followups_v10(patient_id, session_id, pain, report_ms)
  SELECT s.patient_id, f.session_id, f.pain, f.report_ms
  FROM pain_followups f JOIN sessions s ON s.id = f.session_id
  ORDER BY s.patient_id, f.session_id;

DROP TABLE pain_followups;
DROP TABLE sessions;
ALTER TABLE sessions_v10 RENAME TO sessions;
ALTER TABLE pain_followups_v10 RENAME TO pain_followups;
CREATE INDEX sessions_by_patient_time ON sessions(patient_id, perform_ms DESC, id DESC);
CREATE INDEX sessions_by_patient_date ON sessions(patient_id, local_date);
CREATE INDEX sessions_by_program ON sessions(program_id, local_date);
CREATE INDEX sessions_by_patient_receive ON sessions(patient_id, receive_ms);
)sql",
      // 11: accounts a clinic admin (or the operator) has disabled; every existing account stays
      // enabled.
      R"sql(
ALTER TABLE accounts ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));
)sql",
      // 12: the evaluation engine's storage, and compact storage (docs/ARCHITECTURE.md
      // "Storage").
      //  - Derived decisions are no longer stored (settled ones live in checkpoints): the
      //    decisions table and programs.decisions_digest go. A checkpoint per program takes
      //    their place, and a catalogue generation tells the engine when the catalogue changed.
      //  - patients.data_version: bumped by the triggers below, in the writing transaction, on
      //    every write to what a patient's evaluation reads.
      //  - Patients and programs get a small integer `key` (numbered in id order here; the store
      //    gives new rows max + 1), which the per-session tables use instead of 36-byte ids.
      //  - Sessions get an integer surrogate key (the rowid); the client's id stays, unique per
      //    patient. Dates become day numbers (days since 1970-01-01). A session's exercise logs
      //    name exercises by a key of exercise_keys (an append-only dictionary of the ids logs
      //    have named) instead of the id: [key, sets, reps, hold, load, band, side, pain] —
      //    rows written from now on drop trailing defaults; rows copied here keep all their
      //    elements and every number as it was written (json_replace rewrites only the first).
      //    The date index goes: date-bounded reads range over perform time with a margin of two
      //    days (no zone is 48 hours from UTC), which the CHECK on `day` guarantees.
      //  - Next-morning reports are keyed by the session's key and carry its program, daily
      //    facts by (patient key, day number).
      //  - Program revisions name their phases and rules by a key of revision_bodies, where each
      //    distinct JSON body is stored once (most programs copy their protocol unchanged).
      // Every table rebuilt is copied in its new key's order; child tables refer to the new
      // ones before the old ones are dropped (as in step 10), and triggers are created last, so
      // the copies bump nothing.
      R"sql(
DROP TABLE decisions;
ALTER TABLE programs DROP COLUMN decisions_digest;

ALTER TABLE patients ADD COLUMN data_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE patients ADD COLUMN key INTEGER;
UPDATE patients SET key = n.key
  FROM (SELECT id, row_number() OVER (ORDER BY id) AS key FROM patients) AS n
  WHERE n.id = patients.id;
CREATE UNIQUE INDEX patients_by_key ON patients(key);
ALTER TABLE programs ADD COLUMN key INTEGER;
UPDATE programs SET key = n.key
  FROM (SELECT id, row_number() OVER (ORDER BY id) AS key FROM programs) AS n
  WHERE n.id = programs.id;
CREATE UNIQUE INDEX programs_by_key ON programs(key);

CREATE TABLE exercise_keys(
  key INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE
) STRICT;
INSERT INTO exercise_keys(id)
  SELECT DISTINCT e.value ->> 0 FROM sessions s, json_each(s.exercises) e ORDER BY 1;

CREATE TABLE sessions_v12(
  key INTEGER PRIMARY KEY,
  patient INTEGER NOT NULL REFERENCES patients(key),
  id TEXT NOT NULL,
  program INTEGER NOT NULL REFERENCES programs(key),
  perform_ms INTEGER NOT NULL,
  day INTEGER NOT NULL CHECK (perform_ms BETWEEN day * 86400000 - 172800000
                                             AND day * 86400000 + 259200000),
  receive_ms INTEGER NOT NULL,
  pain_before INTEGER NOT NULL CHECK (pain_before BETWEEN 0 AND 10),
  pain_after INTEGER NOT NULL CHECK (pain_after BETWEEN 0 AND 10),
  effort INTEGER NOT NULL CHECK (effort BETWEEN 0 AND 10),
  notes TEXT NOT NULL,
  logs TEXT NOT NULL,
  red_flags TEXT NOT NULL,
  UNIQUE(patient, id)
) STRICT;
INSERT INTO sessions_v12(patient, id, program, perform_ms, day, receive_ms, pain_before,
                         pain_after, effort, notes, logs, red_flags)
  SELECT p.key, s.id, g.key, s.perform_ms, unixepoch(s.local_date) / 86400, s.receive_ms,
         s.pain_before, s.pain_after, s.effort, s.notes,
         (SELECT json_group_array(json_replace(e.value, '$[0]',
                    (SELECT k.key FROM exercise_keys k WHERE k.id = e.value ->> 0)))
          FROM json_each(s.exercises) e),
         s.red_flags
  FROM sessions s JOIN patients p ON p.id = s.patient_id JOIN programs g ON g.id = s.program_id
  ORDER BY p.key, s.perform_ms, s.id;

CREATE TABLE pain_followups_v12(
  session INTEGER PRIMARY KEY REFERENCES sessions_v12(key),
  program INTEGER NOT NULL REFERENCES programs(key),
  pain INTEGER NOT NULL CHECK (pain BETWEEN 0 AND 10),
  report_ms INTEGER NOT NULL
) STRICT;
INSERT INTO pain_followups_v12(session, program, pain, report_ms)
  SELECT n.key, n.program, f.pain, f.report_ms
  FROM pain_followups f JOIN patients p ON p.id = f.patient_id
  JOIN sessions_v12 n ON n.patient = p.key AND n.id = f.session_id
  ORDER BY n.key;

CREATE TABLE daily_facts_v12(
  patient INTEGER NOT NULL REFERENCES patients(key),
  day INTEGER NOT NULL,
  sessions_done INTEGER NOT NULL,
  exercises_done INTEGER NOT NULL,
  max_pain INTEGER NOT NULL,
  PRIMARY KEY(patient, day)
) STRICT, WITHOUT ROWID;
INSERT INTO daily_facts_v12(patient, day, sessions_done, exercises_done, max_pain)
  SELECT p.key, unixepoch(d.local_date) / 86400, d.sessions_done, d.exercises_done, d.max_pain
  FROM daily_facts d JOIN patients p ON p.id = d.patient_id
  ORDER BY 1, 2;

DROP TABLE pain_followups;
DROP TABLE sessions;
DROP TABLE daily_facts;
ALTER TABLE sessions_v12 RENAME TO sessions;
ALTER TABLE pain_followups_v12 RENAME TO pain_followups;
ALTER TABLE daily_facts_v12 RENAME TO daily_facts;
CREATE INDEX sessions_by_patient_time ON sessions(patient, perform_ms);
CREATE INDEX sessions_by_program_time ON sessions(program, perform_ms);
CREATE INDEX sessions_by_patient_receive ON sessions(patient, receive_ms);
CREATE INDEX pain_followups_by_program ON pain_followups(program, report_ms);

CREATE TABLE revision_bodies(
  key INTEGER PRIMARY KEY,
  body TEXT NOT NULL UNIQUE
) STRICT;
INSERT INTO revision_bodies(body)
  SELECT phases FROM program_revisions
  UNION SELECT rules FROM program_revisions WHERE rules IS NOT NULL
  ORDER BY 1;
CREATE TABLE program_revisions_v12(
  program_id TEXT NOT NULL REFERENCES programs(id),
  revision INTEGER NOT NULL,
  effective_date TEXT NOT NULL,
  reason TEXT NOT NULL,
  author TEXT NOT NULL,
  create_ms INTEGER NOT NULL,
  phases INTEGER NOT NULL REFERENCES revision_bodies(key),
  -- NULL: a revision recorded before rules were stored; it follows the server's default rules.
  rules INTEGER REFERENCES revision_bodies(key),
  PRIMARY KEY(program_id, revision)
) STRICT, WITHOUT ROWID;
INSERT INTO program_revisions_v12(program_id, revision, effective_date, reason, author,
                                  create_ms, phases, rules)
  SELECT r.program_id, r.revision, r.effective_date, r.reason, r.author, r.create_ms,
         (SELECT b.key FROM revision_bodies b WHERE b.body = r.phases),
         (SELECT b.key FROM revision_bodies b WHERE b.body = r.rules)
  FROM program_revisions r ORDER BY r.program_id, r.revision;
DROP TABLE program_revisions;
ALTER TABLE program_revisions_v12 RENAME TO program_revisions;
CREATE TRIGGER program_revisions_no_update BEFORE UPDATE ON program_revisions
BEGIN SELECT RAISE(ABORT, 'program revisions are append-only'); END;
CREATE TRIGGER program_revisions_no_delete BEFORE DELETE ON program_revisions
BEGIN SELECT RAISE(ABORT, 'program revisions are append-only'); END;
-- The dictionaries back append-only rows: an entry never changes or goes.
CREATE TRIGGER revision_bodies_no_update BEFORE UPDATE ON revision_bodies
BEGIN SELECT RAISE(ABORT, 'revision bodies are append-only'); END;
CREATE TRIGGER revision_bodies_no_delete BEFORE DELETE ON revision_bodies
BEGIN SELECT RAISE(ABORT, 'revision bodies are append-only'); END;
CREATE TRIGGER exercise_keys_no_update BEFORE UPDATE ON exercise_keys
BEGIN SELECT RAISE(ABORT, 'exercise keys are append-only'); END;
CREATE TRIGGER exercise_keys_no_delete BEFORE DELETE ON exercise_keys
BEGIN SELECT RAISE(ABORT, 'exercise keys are append-only'); END;

-- A replay's state at the end of `day`, one per program, and the key it was made under (opaque
-- to the store). The body is deflated compact JSON (storage/checkpoint_codec.h).
CREATE TABLE checkpoints(
  program INTEGER PRIMARY KEY REFERENCES programs(key),
  key TEXT NOT NULL,
  day TEXT NOT NULL,
  body BLOB NOT NULL
) STRICT;

-- One number that every change to a catalogue row increases (an update that changes nothing,
-- such as the start-up reload of unchanged shipped data, leaves it).
CREATE TABLE catalogue_generation(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value INTEGER NOT NULL
) STRICT;
INSERT INTO catalogue_generation(id, value) VALUES (1, 1);
CREATE TRIGGER exercises_generation_insert AFTER INSERT ON exercises
BEGIN UPDATE catalogue_generation SET value = value + 1; END;
CREATE TRIGGER exercises_generation_update AFTER UPDATE ON exercises
WHEN OLD.id IS NOT NEW.id OR OLD.region IS NOT NEW.region OR OLD.body IS NOT NEW.body
  OR OLD.retired IS NOT NEW.retired OR OLD.clinic_id IS NOT NEW.clinic_id
BEGIN UPDATE catalogue_generation SET value = value + 1; END;
CREATE TRIGGER exercises_generation_delete AFTER DELETE ON exercises
BEGIN UPDATE catalogue_generation SET value = value + 1; END;
CREATE TRIGGER protocols_generation_insert AFTER INSERT ON protocols
BEGIN UPDATE catalogue_generation SET value = value + 1; END;
CREATE TRIGGER protocols_generation_update AFTER UPDATE ON protocols
WHEN OLD.id IS NOT NEW.id OR OLD.body IS NOT NEW.body OR OLD.retired IS NOT NEW.retired
  OR OLD.clinic_id IS NOT NEW.clinic_id
BEGIN UPDATE catalogue_generation SET value = value + 1; END;
CREATE TRIGGER protocols_generation_delete AFTER DELETE ON protocols
BEGIN UPDATE catalogue_generation SET value = value + 1; END;

-- data_version: what an evaluation of the patient reads changed.
CREATE TRIGGER sessions_data_version AFTER INSERT ON sessions
BEGIN UPDATE patients SET data_version = data_version + 1 WHERE key = NEW.patient; END;
CREATE TRIGGER pain_followups_data_version AFTER INSERT ON pain_followups
BEGIN
  UPDATE patients SET data_version = data_version + 1
  WHERE key = (SELECT patient FROM sessions WHERE key = NEW.session);
END;
CREATE TRIGGER therapist_actions_data_version AFTER INSERT ON therapist_actions
BEGIN
  UPDATE patients SET data_version = data_version + 1
  WHERE id = (SELECT patient_id FROM programs WHERE id = NEW.program_id);
END;
CREATE TRIGGER programs_data_version_insert AFTER INSERT ON programs
BEGIN UPDATE patients SET data_version = data_version + 1 WHERE id = NEW.patient_id; END;
CREATE TRIGGER programs_data_version_update AFTER UPDATE ON programs
BEGIN
  UPDATE patients SET data_version = data_version + 1 WHERE id IN (OLD.patient_id, NEW.patient_id);
END;
CREATE TRIGGER program_revisions_data_version AFTER INSERT ON program_revisions
BEGIN
  UPDATE patients SET data_version = data_version + 1
  WHERE id = (SELECT patient_id FROM programs WHERE id = NEW.program_id);
END;
CREATE TRIGGER patients_zone_data_version AFTER UPDATE OF time_zone ON patients
WHEN OLD.time_zone IS NOT NEW.time_zone
BEGIN UPDATE patients SET data_version = data_version + 1 WHERE id = NEW.id; END;
)sql",
      // 13: the revocation epoch (Store::GetRevocationEpoch), one row bumped by triggers in the
      // same transaction as any change that can invalidate a token early, whichever process or
      // statement makes it; servers cache resolved tokens and drop the cache when it moves.
      R"sql(
CREATE TABLE revocation_epoch (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  epoch INTEGER NOT NULL
) STRICT;
INSERT INTO revocation_epoch(id, epoch) VALUES (1, 0);
CREATE TRIGGER tokens_revoked_bumps_epoch AFTER UPDATE OF revoked ON tokens
  WHEN NEW.revoked IS NOT OLD.revoked
BEGIN
  UPDATE revocation_epoch SET epoch = epoch + 1 WHERE id = 1;
END;
CREATE TRIGGER tokens_deleted_bumps_epoch AFTER DELETE ON tokens
BEGIN
  UPDATE revocation_epoch SET epoch = epoch + 1 WHERE id = 1;
END;
CREATE TRIGGER accounts_changed_bumps_epoch
  AFTER UPDATE OF disabled, password_hash, role, clinic_id, subject_id ON accounts
  WHEN NEW.disabled IS NOT OLD.disabled OR NEW.password_hash IS NOT OLD.password_hash OR
       NEW.role IS NOT OLD.role OR NEW.clinic_id IS NOT OLD.clinic_id OR
       NEW.subject_id IS NOT OLD.subject_id
BEGIN
  UPDATE revocation_epoch SET epoch = epoch + 1 WHERE id = 1;
END;
CREATE TRIGGER accounts_deleted_bumps_epoch AFTER DELETE ON accounts
BEGIN
  UPDATE revocation_epoch SET epoch = epoch + 1 WHERE id = 1;
END;
)sql",
      // 14: the receive-time index also holds each session's program and day, so that the
      // earliest day among the sessions received since a moment (what a resume from a checkpoint
      // asks, Store::EarliestSessionDayReceivedSince) is read from the index alone: a day with
      // many sessions cost a table lookup per session on every evaluation.
      R"sql(
DROP INDEX sessions_by_patient_receive;
CREATE INDEX sessions_by_patient_receive ON sessions(patient, receive_ms, program, day);
)sql",
      // 15: an evaluation reads its program's sessions of the last weeks (ListProgramSessionsFrom)
      // from an index that holds every column it reads, in its order: the rows of one program lie
      // together there, where in the table they lie in the order they arrived, among every other
      // patient's, so a day of many sessions cost a table page per session on every evaluation.
      R"sql(
DROP INDEX sessions_by_program_time;
CREATE INDEX sessions_by_program_time ON sessions(program, perform_ms, id, patient, day,
  receive_ms, pain_before, pain_after, effort, notes, logs, red_flags);
)sql",
      // 16: episodes of care: a program's discharge (its last day, why, the note), recorded
      // once with the program's state in the same transaction, never changed or removed; and its
      // pauses, whose end may only move earlier (a resume). Both are evaluation inputs, so they
      // bump the patient's data version.
      R"sql(
CREATE TABLE program_discharges(
  program_id TEXT PRIMARY KEY REFERENCES programs(id),
  end_date TEXT NOT NULL,
  reason INTEGER NOT NULL CHECK (reason BETWEEN 1 AND 4),
  note TEXT NOT NULL,
  author TEXT NOT NULL,
  create_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TRIGGER program_discharges_no_update BEFORE UPDATE ON program_discharges
BEGIN SELECT RAISE(ABORT, 'discharges are append-only'); END;
CREATE TRIGGER program_discharges_no_delete BEFORE DELETE ON program_discharges
BEGIN SELECT RAISE(ABORT, 'discharges are append-only'); END;
CREATE TABLE program_pauses(
  program_id TEXT NOT NULL REFERENCES programs(id),
  pause_id TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT,
  reason TEXT NOT NULL,
  author TEXT NOT NULL,
  create_ms INTEGER NOT NULL,
  PRIMARY KEY(program_id, pause_id)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER program_pauses_only_end_earlier BEFORE UPDATE ON program_pauses
WHEN NEW.program_id IS NOT OLD.program_id OR NEW.pause_id IS NOT OLD.pause_id
  OR NEW.start_date IS NOT OLD.start_date OR NEW.reason IS NOT OLD.reason
  OR NEW.author IS NOT OLD.author OR NEW.create_ms IS NOT OLD.create_ms
  OR NEW.end_date IS NULL OR (OLD.end_date IS NOT NULL AND NEW.end_date > OLD.end_date)
BEGIN SELECT RAISE(ABORT, 'a pause may only end earlier'); END;
CREATE TRIGGER program_pauses_no_delete BEFORE DELETE ON program_pauses
BEGIN SELECT RAISE(ABORT, 'pauses are kept'); END;
CREATE TRIGGER program_pauses_data_version_insert AFTER INSERT ON program_pauses
BEGIN
  UPDATE patients SET data_version = data_version + 1
  WHERE id = (SELECT patient_id FROM programs WHERE id = NEW.program_id);
END;
CREATE TRIGGER program_pauses_data_version_update AFTER UPDATE ON program_pauses
BEGIN
  UPDATE patients SET data_version = data_version + 1
  WHERE id = (SELECT patient_id FROM programs WHERE id = NEW.program_id);
END;
)sql",
      // 17: outcome measures: each response stored once per (patient, client id), never changed
      // (an evaluation input: it bumps the patient's data version), with its answers and
      // judgement as JSON; and which instruments each program asks, the latest setting counting.
      R"sql(
CREATE TABLE outcome_responses(
  patient_id TEXT NOT NULL REFERENCES patients(id),
  id TEXT NOT NULL,
  program_id TEXT NOT NULL REFERENCES programs(id),
  instrument_id TEXT NOT NULL,
  day TEXT NOT NULL,
  answer_ms INTEGER NOT NULL,
  receive_ms INTEGER NOT NULL,
  answers TEXT NOT NULL,
  score REAL NOT NULL,
  percent REAL,
  answered INTEGER NOT NULL,
  judgement TEXT NOT NULL,
  author TEXT NOT NULL,
  PRIMARY KEY(patient_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX outcome_responses_by_program ON outcome_responses(program_id, day, receive_ms);
CREATE TRIGGER outcome_responses_no_update BEFORE UPDATE ON outcome_responses
BEGIN SELECT RAISE(ABORT, 'outcome responses are append-only'); END;
CREATE TRIGGER outcome_responses_no_delete BEFORE DELETE ON outcome_responses
BEGIN SELECT RAISE(ABORT, 'outcome responses are append-only'); END;
CREATE TRIGGER outcome_responses_data_version AFTER INSERT ON outcome_responses
BEGIN UPDATE patients SET data_version = data_version + 1 WHERE id = NEW.patient_id; END;
CREATE TABLE program_instruments(
  program_id TEXT NOT NULL REFERENCES programs(id),
  instrument_id TEXT NOT NULL,
  assigned INTEGER NOT NULL CHECK (assigned IN (0, 1)),
  author TEXT NOT NULL,
  update_ms INTEGER NOT NULL,
  PRIMARY KEY(program_id, instrument_id)
) STRICT, WITHOUT ROWID;
)sql",
  };
  return steps;
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(Steps().size()); }

Status Migrate(SQLite::Database& db) { return MigrateTo(db, LatestSchemaVersion()); }

Status MigrateTo(SQLite::Database& db, int target) {
  if (target < 0 || target > LatestSchemaVersion()) {
    return Status::InvalidArgument("target", "no such schema version");
  }
  try {
    const int current = db.execAndGet("PRAGMA user_version").getInt();
    if (current > LatestSchemaVersion()) {
      return Status::FailedPrecondition("database schema version " + std::to_string(current) +
                                        " is newer than this ptrackd supports (" +
                                        std::to_string(LatestSchemaVersion()) +
                                        "); use a newer ptrackd");
    }
    for (int v = current + 1; v <= target; ++v) {
      SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
      db.exec(Steps()[v - 1]);
      db.exec("PRAGMA user_version = " + std::to_string(v));
      tx.commit();
    }
    return Status::Ok();
  } catch (const SQLite::Exception& e) {
    return Status::Unavailable("database migration failed (sqlite code " +
                               std::to_string(e.getExtendedErrorCode()) + ")");
  }
}

}  // namespace ptrack
