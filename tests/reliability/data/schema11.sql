PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE clinics(
  id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  time_zone TEXT NOT NULL
) STRICT;
INSERT INTO clinics VALUES('harbour','Harbour Physio','America/New_York');
INSERT INTO clinics VALUES('summit','Summit Rehab','Pacific/Auckland');
CREATE TABLE accounts(
  username TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  role INTEGER NOT NULL CHECK (role BETWEEN 1 AND 3),
  clinic_id TEXT NOT NULL REFERENCES clinics(id),
  subject_id TEXT NOT NULL,
  create_ms INTEGER NOT NULL
, failed_sign_ins INTEGER NOT NULL DEFAULT 0, last_failed_ms INTEGER NOT NULL DEFAULT 0, disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))) STRICT, WITHOUT ROWID;
INSERT INTO accounts VALUES('ana.ruiz','$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaC1vZi0ana.ruiz',2,'harbour','ana',1767601800000,0,0,1);
INSERT INTO accounts VALUES('casey','$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaC1vZi0casey',1,'harbour','casey',1767601800000,0,0,0);
INSERT INTO accounts VALUES('harbour-admin','$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaC1vZi0harbour-admin',3,'harbour','',1767601800000,1,1773990000000,0);
INSERT INTO accounts VALUES('jordan','$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaC1vZi0jordan',1,'harbour','jordan',1767601800000,0,0,0);
INSERT INTO accounts VALUES('riley','$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaC1vZi0riley',1,'summit','riley',1767601800000,0,0,0);
INSERT INTO accounts VALUES('tess.ngata','$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaC1vZi0tess.ngata',2,'summit','tess',1767601800000,0,0,0);
CREATE TABLE therapists(
  id TEXT PRIMARY KEY,
  clinic_id TEXT NOT NULL REFERENCES clinics(id),
  display_name TEXT NOT NULL,
  username TEXT NOT NULL UNIQUE REFERENCES accounts(username)
) STRICT, WITHOUT ROWID;
INSERT INTO therapists VALUES('ana','harbour','Ana Ruiz','ana.ruiz');
INSERT INTO therapists VALUES('tess','summit','Tess Ngata','tess.ngata');
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
INSERT INTO patients VALUES('casey','harbour','Casey Moana','Pacific/Auckland','ana','casey',1767564000000,1);
INSERT INTO patients VALUES('jordan','harbour','Jordan Lee','America/Chicago','ana','jordan',1767603600000,2);
INSERT INTO patients VALUES('riley','summit','Riley Ko','America/Los_Angeles','tess','riley',1768064400000,1);
CREATE TABLE tokens(
  hash BLOB PRIMARY KEY,
  username TEXT NOT NULL REFERENCES accounts(username),
  create_ms INTEGER NOT NULL,
  expire_ms INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
, last_use_ms INTEGER NOT NULL DEFAULT 0) STRICT, WITHOUT ROWID;
INSERT INTO tokens VALUES(X'00254a6f94b9de03284d7297bce1062b50759abfe4092e53789dc2e70c31567b','jordan',1772463600000,1775055600000,0,1773875700000);
CREATE TABLE exercises(
  id TEXT PRIMARY KEY,
  region TEXT NOT NULL,
  body TEXT NOT NULL,
  retired INTEGER NOT NULL DEFAULT 0
, clinic_id TEXT REFERENCES clinics(id)) STRICT, WITHOUT ROWID;
INSERT INTO exercises VALUES('band-row','upper_back','{"default_dose":{"hold_seconds":5,"reps":10,"rest_seconds":30,"sets":2,"side":"both"},"display_name":"Exercise band-row","id":"band-row","instructions":"Slowly; stop if it hurts more than 5/10.","ladder":"band-row","ladder_rank":1,"levers":["hold_seconds","reps"],"max_hold_seconds":10,"region":"upper_back"}',0,NULL);
INSERT INTO exercises VALUES('chin-nod','neck','{"default_dose":{"hold_seconds":5,"reps":10,"rest_seconds":30,"sets":2,"side":"both"},"display_name":"Exercise chin-nod","id":"chin-nod","instructions":"Slowly; stop if it hurts more than 5/10.","ladder":"chin-nod","ladder_rank":1,"levers":["hold_seconds","reps"],"max_hold_seconds":10,"region":"neck"}',0,NULL);
INSERT INTO exercises VALUES('harbour-wall-angel','upper_back','{"default_dose":{"hold_seconds":5,"reps":10,"rest_seconds":30,"sets":2,"side":"both"},"display_name":"Exercise harbour-wall-angel","id":"harbour-wall-angel","instructions":"Slowly; stop if it hurts more than 5/10.","ladder":"harbour-wall-angel","ladder_rank":1,"levers":["hold_seconds","reps"],"max_hold_seconds":10,"region":"upper_back"}',0,'harbour');
CREATE TABLE protocols(
  id TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  retired INTEGER NOT NULL DEFAULT 0
, clinic_id TEXT REFERENCES clinics(id)) STRICT, WITHOUT ROWID;
INSERT INTO protocols VALUES('harbour-neck','{"description":"Deep neck flexors, then rows.","display_name":"Neck basics","id":"harbour-neck","phases":[{"display_name":"Calm and activate","gate":"pain at most 3/10 for a week","number":1,"prescriptions":[{"dose_steps":[{"hold_seconds":5,"reps":10,"sets":1,"side":"both"},{"hold_seconds":10,"reps":10,"sets":1,"side":"both"}],"exercise":"chin-nod","notes":"keep the jaw relaxed"},{"dose_steps":[{"band":"red","load_kg":1.5,"pyramid_reps":[12,10,8],"rest_seconds":45,"sets":3,"side":"each"}],"exercise":"band-row","mode":"suggest"}],"sessions_per_week":4,"start_week":1,"weeks":4},{"display_name":"Home maintenance","gate":"pain at most 3/10 for a week","number":2,"prescriptions":[{"dose_steps":[{"hold_seconds":5,"reps":10,"sets":1,"side":"both"},{"hold_seconds":10,"reps":10,"sets":1,"side":"both"}],"exercise":"chin-nod","notes":"keep the jaw relaxed"},{"dose_steps":[{"band":"red","load_kg":1.5,"pyramid_reps":[12,10,8],"rest_seconds":45,"sets":3,"side":"each"}],"exercise":"band-row","mode":"suggest"}],"sessions_per_week":2,"start_week":5,"weeks":0}]}',0,'harbour');
INSERT INTO protocols VALUES('neck-basic','{"description":"Deep neck flexors, then rows.","display_name":"Neck basics","id":"neck-basic","phases":[{"display_name":"Calm and activate","gate":"pain at most 3/10 for a week","number":1,"prescriptions":[{"dose_steps":[{"hold_seconds":5,"reps":10,"sets":1,"side":"both"},{"hold_seconds":10,"reps":10,"sets":1,"side":"both"}],"exercise":"chin-nod","notes":"keep the jaw relaxed"},{"dose_steps":[{"band":"red","load_kg":1.5,"pyramid_reps":[12,10,8],"rest_seconds":45,"sets":3,"side":"each"}],"exercise":"band-row","mode":"suggest"}],"sessions_per_week":4,"start_week":1,"weeks":4},{"display_name":"Home maintenance","gate":"pain at most 3/10 for a week","number":2,"prescriptions":[{"dose_steps":[{"hold_seconds":5,"reps":10,"sets":1,"side":"both"},{"hold_seconds":10,"reps":10,"sets":1,"side":"both"}],"exercise":"chin-nod","notes":"keep the jaw relaxed"},{"dose_steps":[{"band":"red","load_kg":1.5,"pyramid_reps":[12,10,8],"rest_seconds":45,"sets":3,"side":"each"}],"exercise":"band-row","mode":"suggest"}],"sessions_per_week":2,"start_week":5,"weeks":0}]}',0,NULL);
CREATE TABLE programs(
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  protocol_id TEXT NOT NULL,
  start_date TEXT NOT NULL,
  state INTEGER NOT NULL,
  create_ms INTEGER NOT NULL
, decisions_digest INTEGER) STRICT, WITHOUT ROWID;
INSERT INTO programs VALUES('prog-casey-1','casey','neck-basic','2026-01-05',2,1767574800000,NULL);
INSERT INTO programs VALUES('prog-casey-2','casey','neck-basic','2026-02-02',1,1769994000000,NULL);
INSERT INTO programs VALUES('prog-jordan-1','jordan','neck-basic','2026-03-02',1,1772460000000,-77129855619803528);
INSERT INTO programs VALUES('prog-riley-1','riley','neck-basic','2026-02-09',1,1770598800000,NULL);
CREATE TABLE program_revisions(
  program_id TEXT NOT NULL REFERENCES programs(id),
  revision INTEGER NOT NULL,
  effective_date TEXT NOT NULL,
  reason TEXT NOT NULL,
  author TEXT NOT NULL,
  create_ms INTEGER NOT NULL,
  phases TEXT NOT NULL, rules TEXT,
  PRIMARY KEY(program_id, revision)
) STRICT, WITHOUT ROWID;
INSERT INTO program_revisions VALUES('prog-casey-1',1,'2026-01-05','assigned','clinics/harbour/therapists/ana',1767574800000,'[{"display_name":"Calm and activate","gate":"pain at most 3/10 for a week","number":1,"prescriptions":[{"dose_steps":[{"hold_seconds":5,"reps":10,"sets":1,"side":"both"},{"hold_seconds":10,"reps":10,"sets":1,"side":"both"}],"exercise":"chin-nod","notes":"keep the jaw relaxed"},{"dose_steps":[{"band":"red","load_kg":1.5,"pyramid_reps":[12,10,8],"rest_seconds":45,"sets":3,"side":"each"}],"exercise":"band-row","mode":"suggest"}],"sessions_per_week":4,"start_week":1,"weeks":4},{"display_name":"Home maintenance","gate":"pain at most 3/10 for a week","number":2,"prescriptions":[{"dose_steps":[{"hold_seconds":5,"reps":10,"sets":1,"side":"both"},{"hold_seconds":10,"reps":10,"sets":1,"side":"both"}],"exercise":"chin-nod","notes":"keep the jaw relaxed"},{"dose_steps":[{"band":"red","load_kg":1.5,"pyramid_reps":[12,10,8],"rest_seconds":45,"sets":3,"side":"each"}],"exercise":"band-row","mode":"suggest"}],"sessions_per_week":2,"start_week":5,"weeks":0}]','{"adherence_gate":0.66,"band_order":["yellow","red","green","blue","black"],"boost_phase":1,"effort_progress_max":6,"hold_max_seconds":60,"hold_step_seconds":5,"inactivity_days":4,"load_increase_fraction":0.05,"load_rounding_kg":0.5,"maintenance_pain_return":4,"pain_acceptable_max":5,"pain_safe_max":3,"phase_max_extension_weeks":2,"pyramid_step":2,"reevaluation_after_weeks":6,"reevaluation_min_drop_fraction":0.3,"reevaluation_min_drop_points":2,"reps_range_max":12,"reps_range_min":8,"reps_step":2,"sessions_at_target":2,"sets_max":3}');
INSERT INTO program_revisions VALUES('prog-casey-2',1,'2026-02-02','assigned','clinics/harbour/therapists/ana',1769994000000,'[{"display_name":"Calm and activate","gate":"pain at most 3/10 for a week","number":1,"prescriptions":[{"dose_steps":[{"hold_seconds":5,"reps":10,"sets":1,"side":"both"},{"hold_seconds":10,"reps":10,"sets":1,"side":"both"}],"exercise":"chin-nod","notes":"keep the jaw relaxed"},{"dose_steps":[{"band":"red","load_kg":1.5,"pyramid_reps":[12,10,8],"rest_seconds":45,"sets":3,"side":"each"}],"exercise":"band-row","mode":"suggest"}],"sessions_per_week":4,"start_week":1,"weeks":4},{"display_name":"Home maintenance","gate":"pain at most 3/10 for a week","number":2,"prescriptions":[{"dose_steps":[{"hold_seconds":5,"reps":10,"sets":1,"side":"both"},{"hold_seconds":10,"reps":10,"sets":1,"side":"both"}],"exercise":"chin-nod","notes":"keep the jaw relaxed"},{"dose_steps":[{"band":"red","load_kg":1.5,"pyramid_reps":[12,10,8],"rest_seconds":45,"sets":3,"side":"each"}],"exercise":"band-row","mode":"suggest"}],"sessions_per_week":2,"start_week":5,"weeks":0}]','{"adherence_gate":0.66,"band_order":["yellow","red","green","blue","black"],"boost_phase":1,"effort_progress_max":6,"hold_max_seconds":60,"hold_step_seconds":5,"inactivity_days":4,"load_increase_fraction":0.05,"load_rounding_kg":0.5,"maintenance_pain_return":4,"pain_acceptable_max":5,"pain_safe_max":3,"phase_max_extension_weeks":2,"pyramid_step":2,"reevaluation_after_weeks":6,"reevaluation_min_drop_fraction":0.3,"reevaluation_min_drop_points":2,"reps_range_max":12,"reps_range_min":8,"reps_step":2,"sessions_at_target":2,"sets_max":3}');
INSERT INTO program_revisions VALUES('prog-casey-2',2,'2026-02-16','harder rows','clinics/harbour/therapists/ana',1771124400000,'[{"display_name":"Calm and activate","gate":"pain at most 3/10 for a week","number":1,"prescriptions":[{"dose_steps":[{"hold_seconds":5,"reps":10,"sets":1,"side":"both"},{"hold_seconds":10,"reps":10,"sets":1,"side":"both"}],"exercise":"chin-nod","notes":"keep the jaw relaxed"},{"dose_steps":[{"band":"red","load_kg":2.25,"pyramid_reps":[12,10,8],"rest_seconds":45,"sets":3,"side":"each"}],"exercise":"band-row","mode":"suggest"}],"sessions_per_week":4,"start_week":1,"weeks":4},{"display_name":"Home maintenance","gate":"pain at most 3/10 for a week","number":2,"prescriptions":[{"dose_steps":[{"hold_seconds":5,"reps":10,"sets":1,"side":"both"},{"hold_seconds":10,"reps":10,"sets":1,"side":"both"}],"exercise":"chin-nod","notes":"keep the jaw relaxed"},{"dose_steps":[{"band":"red","load_kg":1.5,"pyramid_reps":[12,10,8],"rest_seconds":45,"sets":3,"side":"each"}],"exercise":"band-row","mode":"suggest"}],"sessions_per_week":2,"start_week":5,"weeks":0}]','{"adherence_gate":0.66,"band_order":["yellow","red","green","blue","black"],"boost_phase":1,"effort_progress_max":6,"hold_max_seconds":60,"hold_step_seconds":5,"inactivity_days":4,"load_increase_fraction":0.05,"load_rounding_kg":0.5,"maintenance_pain_return":4,"pain_acceptable_max":5,"pain_safe_max":3,"phase_max_extension_weeks":2,"pyramid_step":2,"reevaluation_after_weeks":6,"reevaluation_min_drop_fraction":0.3,"reevaluation_min_drop_points":2,"reps_range_max":12,"reps_range_min":8,"reps_step":3,"sessions_at_target":2,"sets_max":3}');
INSERT INTO program_revisions VALUES('prog-casey-2',3,'2026-03-02','back to the plan','clinics/harbour/therapists/ana',1772337600000,'[{"display_name":"Calm and activate","gate":"pain at most 3/10 for a week","number":1,"prescriptions":[{"dose_steps":[{"hold_seconds":5,"reps":10,"sets":1,"side":"both"},{"hold_seconds":10,"reps":10,"sets":1,"side":"both"}],"exercise":"chin-nod","notes":"keep the jaw relaxed"},{"dose_steps":[{"band":"red","load_kg":1.5,"pyramid_reps":[12,10,8],"rest_seconds":45,"sets":3,"side":"each"}],"exercise":"band-row","mode":"suggest"}],"sessions_per_week":4,"start_week":1,"weeks":4},{"display_name":"Home maintenance","gate":"pain at most 3/10 for a week","number":2,"prescriptions":[{"dose_steps":[{"hold_seconds":5,"reps":10,"sets":1,"side":"both"},{"hold_seconds":10,"reps":10,"sets":1,"side":"both"}],"exercise":"chin-nod","notes":"keep the jaw relaxed"},{"dose_steps":[{"band":"red","load_kg":1.5,"pyramid_reps":[12,10,8],"rest_seconds":45,"sets":3,"side":"each"}],"exercise":"band-row","mode":"suggest"}],"sessions_per_week":2,"start_week":5,"weeks":0}]','{"adherence_gate":0.66,"band_order":["yellow","red","green","blue","black"],"boost_phase":1,"effort_progress_max":6,"hold_max_seconds":60,"hold_step_seconds":5,"inactivity_days":4,"load_increase_fraction":0.05,"load_rounding_kg":0.5,"maintenance_pain_return":4,"pain_acceptable_max":5,"pain_safe_max":3,"phase_max_extension_weeks":2,"pyramid_step":2,"reevaluation_after_weeks":6,"reevaluation_min_drop_fraction":0.3,"reevaluation_min_drop_points":2,"reps_range_max":12,"reps_range_min":8,"reps_step":2,"sessions_at_target":2,"sets_max":3}');
INSERT INTO program_revisions VALUES('prog-jordan-1',1,'2026-03-02','assigned','clinics/harbour/therapists/ana',1772460000000,'[{"display_name":"Calm and activate","gate":"pain at most 3/10 for a week","number":1,"prescriptions":[{"dose_steps":[{"hold_seconds":5,"reps":10,"sets":1,"side":"both"},{"hold_seconds":10,"reps":10,"sets":1,"side":"both"}],"exercise":"chin-nod","notes":"keep the jaw relaxed"},{"dose_steps":[{"band":"red","load_kg":1.5,"pyramid_reps":[12,10,8],"rest_seconds":45,"sets":3,"side":"each"}],"exercise":"band-row","mode":"suggest"}],"sessions_per_week":4,"start_week":1,"weeks":4},{"display_name":"Home maintenance","gate":"pain at most 3/10 for a week","number":2,"prescriptions":[{"dose_steps":[{"hold_seconds":5,"reps":10,"sets":1,"side":"both"},{"hold_seconds":10,"reps":10,"sets":1,"side":"both"}],"exercise":"chin-nod","notes":"keep the jaw relaxed"},{"dose_steps":[{"band":"red","load_kg":1.5,"pyramid_reps":[12,10,8],"rest_seconds":45,"sets":3,"side":"each"}],"exercise":"band-row","mode":"suggest"}],"sessions_per_week":2,"start_week":5,"weeks":0}]','{"adherence_gate":0.66,"band_order":["yellow","red","green","blue","black"],"boost_phase":1,"effort_progress_max":6,"hold_max_seconds":60,"hold_step_seconds":5,"inactivity_days":4,"load_increase_fraction":0.05,"load_rounding_kg":0.5,"maintenance_pain_return":4,"pain_acceptable_max":5,"pain_safe_max":3,"phase_max_extension_weeks":2,"pyramid_step":2,"reevaluation_after_weeks":6,"reevaluation_min_drop_fraction":0.3,"reevaluation_min_drop_points":2,"reps_range_max":12,"reps_range_min":8,"reps_step":2,"sessions_at_target":2,"sets_max":3}');
INSERT INTO program_revisions VALUES('prog-jordan-1',2,'2026-03-16','green band after review','clinics/harbour/therapists/ana',1773591600000,'[{"display_name":"Calm and activate","gate":"pain at most 3/10 for a week","number":1,"prescriptions":[{"dose_steps":[{"hold_seconds":5,"reps":10,"sets":1,"side":"both"},{"hold_seconds":10,"reps":10,"sets":1,"side":"both"}],"exercise":"chin-nod","notes":"keep the jaw relaxed"},{"dose_steps":[{"band":"green","load_kg":1.5,"pyramid_reps":[12,10,8],"rest_seconds":45,"sets":3,"side":"each"}],"exercise":"band-row","mode":"suggest"}],"sessions_per_week":4,"start_week":1,"weeks":4},{"display_name":"Home maintenance","gate":"pain at most 3/10 for a week","number":2,"prescriptions":[{"dose_steps":[{"hold_seconds":5,"reps":10,"sets":1,"side":"both"},{"hold_seconds":10,"reps":10,"sets":1,"side":"both"}],"exercise":"chin-nod","notes":"keep the jaw relaxed"},{"dose_steps":[{"band":"red","load_kg":1.5,"pyramid_reps":[12,10,8],"rest_seconds":45,"sets":3,"side":"each"}],"exercise":"band-row","mode":"suggest"}],"sessions_per_week":2,"start_week":5,"weeks":0}]','{"adherence_gate":0.66,"band_order":["yellow","red","green","blue","black"],"boost_phase":1,"effort_progress_max":6,"hold_max_seconds":60,"hold_step_seconds":5,"inactivity_days":4,"load_increase_fraction":0.05,"load_rounding_kg":0.5,"maintenance_pain_return":4,"pain_acceptable_max":4,"pain_safe_max":3,"phase_max_extension_weeks":2,"pyramid_step":2,"reevaluation_after_weeks":6,"reevaluation_min_drop_fraction":0.3,"reevaluation_min_drop_points":2,"reps_range_max":12,"reps_range_min":8,"reps_step":2,"sessions_at_target":2,"sets_max":3}');
INSERT INTO program_revisions VALUES('prog-riley-1',1,'2026-02-09','assigned','clinics/summit/therapists/tess',1770598800000,'[{"display_name":"Calm and activate","gate":"pain at most 3/10 for a week","number":1,"prescriptions":[{"dose_steps":[{"hold_seconds":5,"reps":10,"sets":1,"side":"both"},{"hold_seconds":10,"reps":10,"sets":1,"side":"both"}],"exercise":"chin-nod","notes":"keep the jaw relaxed"},{"dose_steps":[{"band":"red","load_kg":1.5,"pyramid_reps":[12,10,8],"rest_seconds":45,"sets":3,"side":"each"}],"exercise":"band-row","mode":"suggest"}],"sessions_per_week":4,"start_week":1,"weeks":4},{"display_name":"Home maintenance","gate":"pain at most 3/10 for a week","number":2,"prescriptions":[{"dose_steps":[{"hold_seconds":5,"reps":10,"sets":1,"side":"both"},{"hold_seconds":10,"reps":10,"sets":1,"side":"both"}],"exercise":"chin-nod","notes":"keep the jaw relaxed"},{"dose_steps":[{"band":"red","load_kg":1.5,"pyramid_reps":[12,10,8],"rest_seconds":45,"sets":3,"side":"each"}],"exercise":"band-row","mode":"suggest"}],"sessions_per_week":2,"start_week":5,"weeks":0}]','{"adherence_gate":0.66,"band_order":["yellow","red","green","blue","black"],"boost_phase":1,"effort_progress_max":6,"hold_max_seconds":60,"hold_step_seconds":5,"inactivity_days":4,"load_increase_fraction":0.05,"load_rounding_kg":0.5,"maintenance_pain_return":4,"pain_acceptable_max":5,"pain_safe_max":3,"phase_max_extension_weeks":2,"pyramid_step":2,"reevaluation_after_weeks":6,"reevaluation_min_drop_fraction":0.3,"reevaluation_min_drop_points":2,"reps_range_max":12,"reps_range_min":8,"reps_step":2,"sessions_at_target":2,"sets_max":3}');
CREATE TABLE daily_facts(
  patient_id TEXT NOT NULL REFERENCES patients(id),
  local_date TEXT NOT NULL,
  sessions_done INTEGER NOT NULL,
  exercises_done INTEGER NOT NULL,
  max_pain INTEGER NOT NULL,
  PRIMARY KEY(patient_id, local_date)
) STRICT, WITHOUT ROWID;
INSERT INTO daily_facts VALUES('casey','2026-01-07',1,1,4);
INSERT INTO daily_facts VALUES('casey','2026-01-09',1,1,3);
INSERT INTO daily_facts VALUES('casey','2026-02-03',1,3,5);
INSERT INTO daily_facts VALUES('casey','2026-02-05',2,2,6);
INSERT INTO daily_facts VALUES('casey','2026-02-08',1,0,7);
INSERT INTO daily_facts VALUES('casey','2026-02-10',1,1,4);
INSERT INTO daily_facts VALUES('casey','2026-02-14',1,2,6);
INSERT INTO daily_facts VALUES('casey','2026-02-17',1,2,7);
INSERT INTO daily_facts VALUES('casey','2026-02-20',1,2,8);
INSERT INTO daily_facts VALUES('casey','2026-02-23',1,2,9);
INSERT INTO daily_facts VALUES('casey','2026-02-26',1,2,10);
INSERT INTO daily_facts VALUES('casey','2026-03-01',1,2,3);
INSERT INTO daily_facts VALUES('casey','2026-03-04',1,2,3);
INSERT INTO daily_facts VALUES('jordan','2026-03-02',1,2,3);
INSERT INTO daily_facts VALUES('jordan','2026-03-04',1,1,4);
INSERT INTO daily_facts VALUES('jordan','2026-03-18',1,2,7);
INSERT INTO daily_facts VALUES('riley','2026-02-09',1,1,3);
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
INSERT INTO therapist_actions VALUES('4d0b2f9e-1c1a-4b6e-9a57-0c1b5b0f2a11','prog-jordan-1',2,'2026-03-19','','spoke to Jordan: posture, not nerve','clinics/harbour/therapists/ana',1773928800000);
INSERT INTO therapist_actions VALUES('a0000000-0000-4000-8000-000000000001','prog-casey-2',0,'2026-02-10','w1-band-row','','clinics/harbour/therapists/ana',1770674400000);
INSERT INTO therapist_actions VALUES('a0000000-0000-4000-8000-000000000002','prog-casey-2',1,'2026-02-17','w2-band-row','not yet: shoulder','clinics/harbour/therapists/ana',1771279200000);
INSERT INTO therapist_actions VALUES('a0000000-0000-4000-8000-000000000003','prog-casey-2',2,'2026-02-17','','checked','clinics/harbour/therapists/ana',1771279200000);
INSERT INTO therapist_actions VALUES('a0000000-0000-4000-8000-000000000004','prog-casey-2',3,'2026-03-03','','','clinics/harbour/therapists/ana',1772481600000);
CREATE TABLE decisions(
  program_id TEXT NOT NULL REFERENCES programs(id),
  id TEXT NOT NULL,
  week INTEGER NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY(program_id, id)
) STRICT, WITHOUT ROWID;
INSERT INTO decisions VALUES('prog-jordan-1','w1-band-row',1,1,'{"effective_date":"2026-03-09","exercise":"band-row","explanation":"Pain stayed acceptable: a stronger band is suggested.","id":"w1-band-row","inputs":[["max_pain","4"],["adherence","2/4"]],"kind":0,"mode":2,"new_dose":{"band":"green","load_kg":1.5,"pyramid_reps":[12,10,8],"rest_seconds":45,"sets":3,"side":"each"},"new_exercise":"band-row","new_phase":0,"new_step":0,"old_dose":{"band":"red","load_kg":1.5,"pyramid_reps":[12,10,8],"rest_seconds":45,"sets":3,"side":"each"},"old_exercise":"band-row","old_phase":0,"rule":"progress.all_gates_met","status":1,"week":1}');
CREATE TABLE enrolment_codes(
  hash BLOB PRIMARY KEY,
  username TEXT NOT NULL REFERENCES accounts(username),
  create_ms INTEGER NOT NULL,
  expire_ms INTEGER NOT NULL,
  redeemed_ms INTEGER
) STRICT, WITHOUT ROWID;
INSERT INTO enrolment_codes VALUES(X'0505050505050505050505050505050505050505050505050505050505050500','jordan',1767603600000,1768208400000,NULL);
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
INSERT INTO audit_events VALUES(1,1772464500000,'jordan',1,'harbour','jordan','/ptrack.v1.SessionService/LogSession','OK');
INSERT INTO audit_events VALUES(2,1773928800000,'ana.ruiz',2,'harbour','jordan','/ptrack.v1.ProgressionService/ClearRedFlag','OK');
INSERT INTO audit_events VALUES(3,1770685500000,'riley',1,'summit','riley','/ptrack.v1.SessionService/LogSession','OK');
INSERT INTO audit_events VALUES(4,1770778800000,'tess.ngata',2,'summit','casey','/ptrack.v1.SessionService/ListSessions','PERMISSION_DENIED');
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
INSERT INTO rtm_episodes VALUES('rtm-jordan-1','jordan','2026-03-02',NULL,1,'ana','clinics/harbour/therapists/ana',1772461800000);
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
INSERT INTO rtm_time_entries VALUES('7e1d9c4a-5b6f-4a3b-8c2d-9e0f1a2b3c4d','jordan','ana','2026-03-19',25,1,'reviewed pain trend, phoned',1773931200000);
CREATE TABLE patient_status(
  patient_id TEXT PRIMARY KEY REFERENCES patients(id),
  as_of TEXT NOT NULL,
  body TEXT NOT NULL,
  update_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO patient_status VALUES('jordan','2026-03-19','{"alerts":[[0,"red_flag/2026-03-18/0f6c5a9e-8b1d-4c3e-9f2a-1b2c3d4e5f03","2026-03-18","arm numbness reported","0f6c5a9e-8b1d-4c3e-9f2a-1b2c3d4e5f03"]],"as_of":"2026-03-19","flags":[[0,"2026-03-18","arm numbness reported","0f6c5a9e-8b1d-4c3e-9f2a-1b2c3d4e5f03"]],"last_30":[12,3,6,4],"last_7":[4,1,2,1],"last_session":"2026-03-18","pain_baseline":3.5,"pain_recent":7.0,"pending":1,"phase":1,"phase_name":"Calm and activate","program":"prog-jordan-1","rtm":{"codes":[],"data_days":0,"days_left":0,"forecast":"","in_episode":false,"live":false,"minutes":0,"month_end":"1970-01-01","month_start":"1970-01-01","needed":0,"period":0,"period_end":"1970-01-01","period_start":"1970-01-01","reachable":true},"rtm_at_risk":false,"suspended":true}',1773892800000);
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
INSERT INTO alerts VALUES(1,'harbour','jordan',0,'red_flag/2026-03-18/0f6c5a9e-8b1d-4c3e-9f2a-1b2c3d4e5f03','2026-03-18','arm numbness reported','0f6c5a9e-8b1d-4c3e-9f2a-1b2c3d4e5f03',1773892800000,1773928500000,'clinics/harbour/therapists/ana');
CREATE TABLE secrets(
  name TEXT PRIMARY KEY,
  value BLOB NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO secrets VALUES('audit-unknown-name-key',X'00016b6579206279746573ff00');
CREATE TABLE IF NOT EXISTS "sessions"(
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
INSERT INTO sessions VALUES('5a000000-0000-4000-8000-000000000001','casey','prog-casey-2',1770062400000,'2026-02-03',1770062820000,3,5,6,'','[["chin-nod",1,10,5,0.0,"",1,0],["band-row",3,12,0,0.30000000000000004,"green",2,10],["harbour-wall-angel",0,0,0,0.0,"",0,-1],["not-in-catalogue",2,8,3,1e-07,"",3,-1]]','[]');
INSERT INTO sessions VALUES('5a000000-0000-4000-8000-000000000002','casey','prog-casey-2',1770271200000,'2026-02-05',1770271620000,3,2,6,'','[["chin-nod",1,10,5,0.0,"",1,-1]]','[]');
INSERT INTO sessions VALUES('5a000000-0000-4000-8000-000000000003','casey','prog-casey-2',1770271200000,'2026-02-05',1770271620000,3,6,6,'','[["band-row",2,10,0,12.5,"black",4,3]]','[]');
INSERT INTO sessions VALUES('5a000000-0000-4000-8000-000000000004','casey','prog-casey-2',1770505200000,'2026-02-08',1770505620000,3,7,6,replace('Nacken 🙂 "ok"\nzweite Zeile	''quoted''','\n',char(10)),'[]','["arm-numbness"]');
INSERT INTO sessions VALUES('5a000000-0000-4000-8000-000000000005','casey','prog-casey-2',1770696000000,'2026-02-10',1771061400000,3,4,6,'','[["band-row",3,0,0,2.25,"red",2,0]]','[]');
INSERT INTO sessions VALUES('5a000000-0000-4000-8000-000000000006','casey','prog-casey-2',1771034760000,'2026-02-14',1771035180000,3,6,6,'session 6','[["chin-nod",1,10,5,0.0,"",1,-1],["band-row",3,16,0,9.0,"",2,-1]]','[]');
INSERT INTO sessions VALUES('5a000000-0000-4000-8000-000000000007','casey','prog-casey-2',1771294020000,'2026-02-17',1771294440000,3,7,6,'session 7','[["chin-nod",1,10,5,0.0,"",1,-1],["band-row",3,17,0,10.5,"red",2,7]]','[]');
INSERT INTO sessions VALUES('5a000000-0000-4000-8000-000000000008','casey','prog-casey-2',1771553280000,'2026-02-20',1771553700000,3,8,6,'','[["chin-nod",1,10,5,0.0,"",1,-1],["band-row",3,18,0,12.0,"",2,8]]','[]');
INSERT INTO sessions VALUES('5a000000-0000-4000-8000-000000000009','casey','prog-casey-2',1771812540000,'2026-02-23',1771812960000,3,9,6,'session 9','[["chin-nod",1,10,5,0.0,"",1,-1],["band-row",3,19,0,13.5,"red",2,-1]]','[]');
INSERT INTO sessions VALUES('5a000000-0000-4000-8000-000000000010','casey','prog-casey-2',1772071800000,'2026-02-26',1772072220000,3,10,6,'session 10','[["chin-nod",1,10,5,0.0,"",1,-1],["band-row",3,20,0,15.0,"",2,10]]','[]');
INSERT INTO sessions VALUES('5a000000-0000-4000-8000-000000000011','casey','prog-casey-2',1772331060000,'2026-03-01',1772331480000,3,0,6,'session 11','[["chin-nod",1,10,5,0.0,"",1,-1],["band-row",3,21,0,16.5,"red",2,0]]','[]');
INSERT INTO sessions VALUES('5a000000-0000-4000-8000-000000000012','casey','prog-casey-2',1772590320000,'2026-03-04',1772590740000,3,1,6,'','[["chin-nod",1,10,5,0.0,"",1,-1],["band-row",3,22,0,18.0,"",2,-1]]','[]');
INSERT INTO sessions VALUES('c1a00000-0000-4000-8000-000000000001','casey','prog-casey-1',1767722400000,'2026-01-07',1767722820000,3,4,6,'','[["chin-nod",1,10,5,0.0,"",1,-1]]','[]');
INSERT INTO sessions VALUES('c1a00000-0000-4000-8000-000000000002','casey','prog-casey-1',1767895200000,'2026-01-09',1767895620000,3,3,6,'','[["chin-nod",1,10,5,0.0,"",1,-1]]','[]');
INSERT INTO sessions VALUES('0f6c5a9e-8b1d-4c3e-9f2a-1b2c3d4e5f01','jordan','prog-jordan-1',1772464320000,'2026-03-02',1772464500000,2,3,5,'felt fine; "tight" after rows','[["chin-nod",1,10,5,0.0,"",1,2],["band-row",3,10,0,1.5,"red",2,-1]]','[]');
INSERT INTO sessions VALUES('0f6c5a9e-8b1d-4c3e-9f2a-1b2c3d4e5f02','jordan','prog-jordan-1',1772640720000,'2026-03-04',1772640900000,2,4,5,'','[["chin-nod",1,10,5,0.0,"",1,2],["band-row",0,10,0,1.5,"red",2,-1]]','[]');
INSERT INTO sessions VALUES('0f6c5a9e-8b1d-4c3e-9f2a-1b2c3d4e5f03','jordan','prog-jordan-1',1773875520000,'2026-03-18',1773875700000,2,7,5,'felt fine; "tight" after rows','[["chin-nod",1,10,5,0.0,"",1,2],["band-row",3,10,0,1.5,"red",2,-1]]','["arm-numbness","night-pain"]');
INSERT INTO sessions VALUES('5a000000-0000-4000-8000-000000000001','riley','prog-riley-1',1770685200000,'2026-02-09',1770685620000,3,1,6,'','[["chin-nod",2,12,10,0.0,"",1,1]]','[]');
CREATE TABLE IF NOT EXISTS "pain_followups"(
  patient_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  pain INTEGER NOT NULL CHECK (pain BETWEEN 0 AND 10),
  report_ms INTEGER NOT NULL,
  PRIMARY KEY(patient_id, session_id),
  FOREIGN KEY(patient_id, session_id) REFERENCES "sessions"(patient_id, id)
) STRICT, WITHOUT ROWID;
INSERT INTO pain_followups VALUES('casey','5a000000-0000-4000-8000-000000000001',3,1770145200000);
INSERT INTO pain_followups VALUES('casey','5a000000-0000-4000-8000-000000000002',6,1770667200000);
INSERT INTO pain_followups VALUES('casey','5a000000-0000-4000-8000-000000000005',0,1771061460000);
INSERT INTO pain_followups VALUES('casey','5a000000-0000-4000-8000-000000000009',8,1771966800000);
INSERT INTO pain_followups VALUES('jordan','0f6c5a9e-8b1d-4c3e-9f2a-1b2c3d4e5f01',2,1772521200000);
CREATE INDEX therapists_by_clinic ON therapists(clinic_id, id);
CREATE INDEX patients_by_clinic ON patients(clinic_id, id);
CREATE INDEX patients_by_therapist ON patients(therapist_id, id);
CREATE UNIQUE INDEX one_active_program ON programs(patient_id) WHERE state = 1;
CREATE TRIGGER program_revisions_no_update BEFORE UPDATE ON program_revisions
BEGIN SELECT RAISE(ABORT, 'program revisions are append-only'); END;
CREATE TRIGGER program_revisions_no_delete BEFORE DELETE ON program_revisions
BEGIN SELECT RAISE(ABORT, 'program revisions are append-only'); END;
CREATE INDEX therapist_actions_by_program ON therapist_actions(program_id, local_date);
CREATE TRIGGER therapist_actions_no_update BEFORE UPDATE ON therapist_actions
BEGIN SELECT RAISE(ABORT, 'therapist actions are append-only'); END;
CREATE TRIGGER therapist_actions_no_delete BEFORE DELETE ON therapist_actions
BEGIN SELECT RAISE(ABORT, 'therapist actions are append-only'); END;
CREATE INDEX tokens_by_username ON tokens(username);
CREATE INDEX enrolment_codes_by_username ON enrolment_codes(username);
CREATE INDEX audit_by_clinic ON audit_events(clinic_id, id);
CREATE INDEX audit_by_patient ON audit_events(patient_id, id);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_events_no_replace BEFORE INSERT ON audit_events
WHEN EXISTS (SELECT 1 FROM audit_events WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE INDEX rtm_episodes_by_patient ON rtm_episodes(patient_id, start_date);
CREATE UNIQUE INDEX rtm_episodes_one_open ON rtm_episodes(patient_id) WHERE end_date IS NULL;
CREATE INDEX rtm_time_entries_by_patient ON rtm_time_entries(patient_id, local_date);
CREATE TRIGGER rtm_time_entries_no_update BEFORE UPDATE ON rtm_time_entries
BEGIN SELECT RAISE(ABORT, 'time entries are append-only'); END;
CREATE TRIGGER rtm_time_entries_no_delete BEFORE DELETE ON rtm_time_entries
BEGIN SELECT RAISE(ABORT, 'time entries are append-only'); END;
CREATE TRIGGER rtm_time_entries_no_replace BEFORE INSERT ON rtm_time_entries
WHEN EXISTS (SELECT 1 FROM rtm_time_entries WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'time entries are append-only'); END;
CREATE INDEX alerts_by_clinic ON alerts(clinic_id, id);
CREATE TRIGGER alerts_no_delete BEFORE DELETE ON alerts
BEGIN SELECT RAISE(ABORT, 'alerts are kept'); END;
CREATE TRIGGER alerts_only_ack BEFORE UPDATE OF
  id, clinic_id, patient_id, kind, key, local_date, detail, session_id, create_ms ON alerts
BEGIN SELECT RAISE(ABORT, 'only an acknowledgement changes an alert'); END;
CREATE TRIGGER secrets_no_update BEFORE UPDATE ON secrets
BEGIN SELECT RAISE(ABORT, 'secrets are created once'); END;
CREATE INDEX sessions_by_patient_time ON sessions(patient_id, perform_ms DESC, id DESC);
CREATE INDEX sessions_by_patient_date ON sessions(patient_id, local_date);
CREATE INDEX sessions_by_program ON sessions(program_id, local_date);
CREATE INDEX sessions_by_patient_receive ON sessions(patient_id, receive_ms);
COMMIT;
PRAGMA user_version = 11;
