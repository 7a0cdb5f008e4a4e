// Persisted records that are not scheduling domain values: clinics, accounts, therapists,
// patients and bearer tokens. Plain value types; storage and the service share them, the
// scheduler never sees them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "scheduler/checkpoint.h"
#include "scheduler/summary.h"
#include "scheduler/time.h"

namespace ptrack {

enum class Role { kUnspecified = 0, kPatient = 1, kTherapist = 2, kClinicAdmin = 3 };

struct Clinic {
  std::string id;
  std::string display_name;
  std::string time_zone;
};

// A sign-in. subject_id names the patient or therapist the account acts as (empty for admins).
struct Account {
  std::string username;
  // libsodium crypto_pwhash_str output (Argon2id); empty until the owner sets a password by
  // redeeming an enrolment code (no password can match it).
  std::string password_hash;
  Role role = Role::kUnspecified;
  std::string clinic_id;
  std::string subject_id;
  Instant create_time{};
  // Consecutive failed sign-ins since the last success or password reset, and when the last
  // one happened: the input of the sign-in throttle.
  int failed_sign_ins = 0;
  Instant last_failed_sign_in{};
  // Disabled by a clinic admin or the operator: no sign-in, no enrolment, no live token.
  bool disabled = false;
};

struct Therapist {
  std::string id;
  std::string clinic_id;
  std::string display_name;
  std::string username;
};

struct Patient {
  std::string id;
  std::string clinic_id;
  std::string display_name;
  std::string time_zone;  // IANA name, validated at the edge
  std::string therapist_id;
  std::string username;
  Instant create_time{};
  int64_t version = 1;  // bumped on every update; the service derives the etag from it
  // Bumped, in the same transaction, by every write to what the patient's evaluation reads: a
  // session, a next-morning report, a therapist action, a program or program revision, a change
  // of zone. The engine keys its cache on it. Not part of the etag.
  int64_t data_version = 0;
};

// A stored checkpoint of a program's replay (scheduler/checkpoint.h) and the key it was made
// under (engine version, zone, catalogue and rules; opaque to the store).
struct StoredCheckpoint {
  std::string key;
  Checkpoint checkpoint;
};

// A bearer token as stored: only its hash, never the token itself.
struct TokenRecord {
  std::string token_hash;  // raw SHA-256 bytes
  std::string username;
  Instant create_time{};
  Instant expire_time{};    // absolute expiry
  Instant last_use_time{};  // for idle expiry; refreshed coarsely (see Credentials)
  bool revoked = false;
};

// A one-time enrolment code as stored: only its hash. Redeeming it sets the account's password.
struct EnrolmentCodeRecord {
  std::string code_hash;  // raw SHA-256 bytes of the normalised code
  std::string username;
  Instant create_time{};
  Instant expire_time{};
};

// One audited call (DESIGN.md §6): who did what to which patient's data, and how it ended.
// Append-only: the database refuses UPDATE and DELETE on these rows.
struct AuditEvent {
  int64_t id = 0;  // assigned by the store, increasing
  Instant time{};
  std::string username;  // the caller; for a failed sign-in, the name that was tried
  Role role = Role::kUnspecified;
  std::string clinic_id;   // the caller's clinic (empty when the caller is unknown)
  std::string patient_id;  // the patient the call named, when it named one (even if denied)
  std::string method;      // full gRPC method name
  std::string outcome;     // status code name: "OK", "NOT_FOUND", "PERMISSION_DENIED", ...
};

// A Remote Therapeutic Monitoring episode of a patient (CLINICAL.md §6). At most one is open
// (no end_date) per patient at a time; ending one sets end_date, nothing else changes.
struct RtmEpisodeRecord {
  std::string id;
  std::string patient_id;
  LocalDate start_date{};
  std::optional<LocalDate> end_date;
  bool onboarding = false;      // set-up, education and consent recorded
  std::string practitioner_id;  // the billing therapist
  std::string author;           // who recorded it (a resource name)
  Instant create_time{};
};

// A clinician's time on a patient's monitoring. Append-only billing evidence; the id is the
// client's, so a retried entry is stored once.
struct RtmTimeEntryRecord {
  std::string id;
  std::string patient_id;
  std::string therapist_id;
  LocalDate date{};  // the patient's zone
  int minutes = 0;   // 1..240
  bool live = false;
  std::string activity;
  Instant create_time{};
};

// A patient's active program without its revisions: what storing a session needs of it.
struct ActiveProgramRef {
  std::string id;
  LocalDate start_date{};
};

// One patient's row of the clinic report: who they are (as stored now) and the summary of their
// latest evaluation — none before their first one, or without an active program.
struct PatientStatusRow {
  std::string patient_id;
  std::string display_name;
  std::string therapist_id;
  std::string time_zone;
  std::optional<PatientSummary> summary;
  Instant update_time{};  // when the summary was stored
};

// A patient whose summary may need refreshing: every patient with an active program, with the
// date of their stored summary (none when there is none).
struct SummaryAge {
  std::string patient_id;
  std::string time_zone;
  std::optional<LocalDate> as_of;
};

// An alert raised for a patient's therapist and clinic admins. Stored once per (patient, key);
// `id` increases with every alert stored, so it is the cursor a watcher resumes from.
struct AlertRecord {
  int64_t id = 0;
  std::string clinic_id;
  std::string patient_id;
  AlertCandidate alert;
  Instant create_time{};
  std::optional<Instant> ack_time;  // set once, by the first acknowledgement
  std::string ack_by;               // who acknowledged it (a resource name)
};

// A patient's answers to an outcome measure (OutcomeService), stored once per (patient, client
// id) with the score and the judgement its instrument had then (scheduler/outcomes.h).
struct OutcomeResponseRecord {
  std::string patient_id;
  std::string program_id;
  OutcomeResult result;  // id, instrument, local date, receive time, score, judgement
  Instant answer_time{};
  std::vector<OutcomeAnswer> answers;
  std::optional<double> percent;
  int answered = 0;
  std::string author;  // resource name of who submitted it (the patient, or their therapist)
};

// What makes a retry the same response: the client's payload, not what the server derived.
inline bool SameOutcomePayload(const OutcomeResponseRecord& a, const OutcomeResponseRecord& b) {
  return a.result.instrument_id == b.result.instrument_id && a.answer_time == b.answer_time &&
         a.answers == b.answers;
}

// Whether an instrument is asked of a program's patient (set at assignment, changed by the
// therapist). The latest setting of each instrument counts.
struct ProgramInstrument {
  std::string instrument_id;
  bool assigned = true;
  std::string author;
  Instant update_time{};
  bool operator==(const ProgramInstrument&) const = default;
};

}  // namespace ptrack
