// The store interface: every persistent read and write of ptrack goes through it. The SQLite
// implementation (sqlite_store.h) is the default; a second backend must pass the same contract
// tests (tests/storage/store_contract_test.cc).
//
// Contract for every method:
//  - Never throws; failures come back as Status: NOT_FOUND for a missing row, ALREADY_EXISTS for
//    a uniqueness conflict, ABORTED for a version mismatch, FAILED_PRECONDITION as documented,
//    UNAVAILABLE when the database cannot be written (busy, disk full, I/O error), INTERNAL for
//    anything else. Messages contain no SQL text and no health data.
//  - A write that returns OK is durable (committed with synchronous=FULL). A write that fails
//    changed nothing.
//  - Thread-safe: any number of threads may call any method concurrently.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scheduler/adherence.h"
#include "scheduler/catalogue.h"
#include "scheduler/program.h"
#include "scheduler/progression.h"
#include "scheduler/session.h"
#include "scheduler/status.h"
#include "storage/records.h"

namespace ptrack {

// Keyset pagination: rows strictly after `after` (an opaque key that the store itself produced
// as `next_after`), at most `limit` of them.
struct PageRequest {
  int limit = 50;
  std::string after;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_after;  // empty when there are no more rows
};

struct LogResult {
  Session session;        // as stored
  bool replayed = false;  // the id was already stored with the same payload
};

class Store {
 public:
  virtual ~Store() = default;

  // --- Catalogue. Built-in data is reloaded at every start with ReplaceCatalogue.
  // Put* insert or replace one entry (and un-retire it).
  virtual Status PutExercise(const Exercise& exercise) = 0;
  virtual Status PutProtocol(const Protocol& protocol) = 0;
  // In one transaction: stores every given (shipped) entry and retires every stored shipped
  // entry not given; clinic-defined entries are left alone. Retired entries are still returned
  // by Get* (programs and sessions name them) but not listed.
  virtual Status ReplaceCatalogue(const std::vector<Exercise>& exercises,
                                  const std::vector<Protocol>& protocols) = 0;
  // A clinic's own entry (entry.clinic_id set). ALREADY_EXISTS when the id is taken.
  virtual Status CreateExercise(const Exercise& exercise) = 0;
  virtual Status CreateProtocol(const Protocol& protocol) = 0;
  virtual Result<Exercise> GetExercise(const std::string& id) = 0;
  // Ordered by id; retired entries are left out. `clinic_id`: the shipped entries plus that
  // clinic's own; empty = the shipped entries only.
  virtual Result<Page<Exercise>> ListExercises(Region region_filter, const PageRequest& page,
                                               const std::string& clinic_id) = 0;
  virtual Result<Protocol> GetProtocol(const std::string& id) = 0;
  virtual Result<Page<Protocol>> ListProtocols(const PageRequest& page,
                                               const std::string& clinic_id) = 0;

  // --- Clinics and people.
  // ALREADY_EXISTS when the id is taken.
  virtual Status CreateClinic(const Clinic& clinic) = 0;
  virtual Result<Clinic> GetClinic(const std::string& id) = 0;
  // An admin account. ALREADY_EXISTS when the username is taken.
  virtual Status CreateAccount(const Account& account) = 0;
  virtual Result<Account> GetAccount(const std::string& username) = 0;
  // Creates the therapist and its account atomically. ALREADY_EXISTS on id or username.
  virtual Status CreateTherapist(const Therapist& therapist, const Account& account) = 0;
  virtual Result<Therapist> GetTherapist(const std::string& id) = 0;
  virtual Result<Page<Therapist>> ListTherapists(const std::string& clinic_id,
                                                 const PageRequest& page) = 0;
  // Creates the patient and its account atomically. Idempotent on patient.id: when it exists
  // with the same clinic, display name, zone, therapist and username, returns the stored patient;
  // otherwise ALREADY_EXISTS (also when the username is taken).
  // FAILED_PRECONDITION when the therapist is not in the patient's clinic.
  // REQUIRES: account.username == patient.username, account.subject_id == patient.id.
  virtual Result<Patient> CreatePatient(const Patient& patient, const Account& account) = 0;
  virtual Result<Patient> GetPatient(const std::string& id) = 0;
  // Ordered by id. therapist_filter empty = every patient of the clinic.
  virtual Result<Page<Patient>> ListPatients(const std::string& clinic_id,
                                             const std::string& therapist_filter,
                                             const PageRequest& page) = 0;
  // Replaces display name, zone and therapist when the stored version equals
  // patient.version; returns the stored patient with version + 1. ABORTED on mismatch.
  virtual Result<Patient> UpdatePatient(const Patient& patient) = 0;

  // --- Account security. NOT_FOUND for an unknown username.
  // Adds one to the account's consecutive failed sign-ins (atomically) and stamps `at`; returns
  // the new count. When the count reaches `lock_after` (the account locks), every token of the
  // account is revoked in the same transaction, so a lock-out also ends the sessions a guessed
  // password may have opened.
  virtual Result<int> AddSignInFailure(const std::string& username, Instant at, int lock_after) = 0;
  virtual Status ResetSignInFailures(const std::string& username) = 0;
  // Disables or enables the account. Disabling also, in the same transaction, revokes every
  // token of the account and voids its unredeemed enrolment codes (at `at`); enabling changes
  // only the flag (revoked tokens stay revoked; the failure count is kept). Disabling a disabled
  // account again is no error (and voids the codes issued since).
  virtual Status SetAccountDisabled(const std::string& username, bool disabled, Instant at) = 0;
  // Replaces the password hash (a rehash with stronger parameters).
  virtual Status SetPasswordHash(const std::string& username, const std::string& hash) = 0;

  // --- Tokens.
  virtual Status PutToken(const TokenRecord& token) = 0;
  virtual Result<TokenRecord> GetToken(const std::string& token_hash) = 0;
  // NOT_FOUND when no token has this hash.
  virtual Status RevokeToken(const std::string& token_hash) = 0;
  // Revokes every token of the account (OK when it has none).
  virtual Status RevokeTokens(const std::string& username) = 0;
  // Records a use of the token for idle expiry.
  virtual Status TouchToken(const std::string& token_hash, Instant at) = 0;
  // The revocation epoch: a counter that grows in the same transaction as every change that can
  // make a stored token stop resolving to the same principal before it expires — a token
  // revoked (sign-out, lock-out, enrolment, `ptrackd admin revoke-tokens`, disabling) or deleted,
  // an account disabled or enabled, its password, role, clinic or subject changed, or deleted —
  // whichever process or path made the change. A cache of resolved tokens that is dropped when
  // this moves therefore never outlives a revocation committed before the read. One small read.
  virtual Result<int64_t> GetRevocationEpoch() = 0;

  // --- Enrolment codes.
  // Stores a new code for the account and, in the same transaction, voids every earlier
  // unredeemed code of that account (only the newest code works).
  virtual Status PutEnrolmentCode(const EnrolmentCodeRecord& code) = 0;
  // In one transaction: finds the code (NOT_FOUND when unknown, already redeemed, voided or
  // expired at `now`, or when its account is disabled — one answer for all, and a disabled
  // account's code stays unredeemed), marks it redeemed, sets the account's password hash,
  // resets its failed sign-ins and revokes its tokens. Returns the account as updated.
  virtual Result<Account> RedeemEnrolmentCode(const std::string& code_hash, Instant now,
                                              const std::string& password_hash) = 0;

  // --- Audit (append-only).
  // Stores the event with the next id.
  virtual Status AppendAudit(const AuditEvent& event) = 0;

  // --- Server secrets (keys created once per database, never changed).
  // The stored value of secret `name`; when there is none yet, stores `candidate` and returns
  // it. Concurrent callers (and later opens of the same database) all get the one stored value.
  // REQUIRES: `candidate` non-empty.
  virtual Result<std::string> GetOrCreateSecret(const std::string& name,
                                                const std::string& candidate) = 0;
  // Newest first: events of callers of the clinic, and events that named one of its patients
  // (so a clinic also sees other clinics' attempts at its patients). `patient_filter` non-empty:
  // only events naming that patient. The page cursor is the event id.
  virtual Result<Page<AuditEvent>> ListAudit(const std::string& clinic_id,
                                             const std::string& patient_filter,
                                             const PageRequest& page) = 0;

  // --- Programs.
  // Stores a program with its first revision. Idempotent on program.id like CreatePatient: the
  // same patient, protocol, start date, state and first revision (date and phases) return the
  // stored program; anything else is ALREADY_EXISTS.
  // FAILED_PRECONDITION when the patient already has another active program.
  // REQUIRES: program.revisions.size() == 1.
  virtual Result<Program> CreateProgram(const Program& program) = 0;
  // With all revisions.
  virtual Result<Program> GetProgram(const std::string& id) = 0;
  // NOT_FOUND when the patient has no active program.
  virtual Result<Program> GetActiveProgram(const std::string& patient_id) = 0;
  // The same program's id and start date only (no revisions read); NOT_FOUND as above.
  virtual Result<ActiveProgramRef> GetActiveProgramRef(const std::string& patient_id) = 0;
  // Newest first.
  virtual Result<std::vector<Program>> ListPrograms(const std::string& patient_id) = 0;

  // Appends a revision (a therapist's change) when the program's latest revision number is
  // `expected_latest`; ABORTED otherwise. Returns the program with all revisions.
  // REQUIRES: revision.revision == expected_latest + 1.
  virtual Result<Program> AppendRevision(const std::string& program_id,
                                         const ProgramRevision& revision, int expected_latest) = 0;

  // Ends an active program: state kEnded and its discharge, in one transaction that also drops
  // the patient's report summary (it described that program). Idempotent: a
  // program already discharged with the same date, reason and note returns as stored;
  // FAILED_PRECONDITION when it ended otherwise. NOT_FOUND when there is no such program.
  virtual Result<Program> DischargeProgram(const std::string& program_id,
                                           const Discharge& discharge) = 0;

  // Adds a pause to an active program. Idempotent on pause.id with the same content;
  // ALREADY_EXISTS otherwise. FAILED_PRECONDITION when the program has ended or the pause
  // overlaps another one. NOT_FOUND when there is no such program.
  virtual Result<Program> AddPause(const std::string& program_id, const Pause& pause) = 0;
  // Ends pause `pause_id` after `last_day` (a resume): its end moves to last_day when that is
  // earlier (before its start: cancelled). FAILED_PRECONDITION when it already ends by then;
  // NOT_FOUND when there is no such pause.
  virtual Result<Program> EndPause(const std::string& program_id, const std::string& pause_id,
                                   LocalDate last_day) = 0;

  // --- Outcome measures (sqlite_store_outcomes.cc).
  // Stores `response` once per (patient, result.id) with `audit` in the same transaction. The
  // same id with the same instrument, answer time and answers returns the stored one (replayed);
  // anything else is ALREADY_EXISTS. FAILED_PRECONDITION when the patient or program is unknown.
  virtual Result<std::pair<OutcomeResponseRecord, bool>> LogOutcomeResponse(
      const OutcomeResponseRecord& response, const AuditEvent* audit) = 0;
  // The patient's response `id`; NOT_FOUND when there is none.
  virtual Result<OutcomeResponseRecord> GetOutcomeResponse(const std::string& patient_id,
                                                           const std::string& id) = 0;
  // Every response of a program, by local date then receipt.
  virtual Result<std::vector<OutcomeResponseRecord>> ListOutcomeResponses(
      const std::string& program_id) = 0;
  // Assigns or unassigns an instrument for a program (the latest setting counts).
  virtual Status SetProgramInstrument(const std::string& program_id,
                                      const ProgramInstrument& setting) = 0;
  // Each instrument's latest setting for a program, by instrument id.
  virtual Result<std::vector<ProgramInstrument>> ListProgramInstruments(
      const std::string& program_id) = 0;

  // --- Progression inputs (append-only).
  // Every session of a program, in perform-time order.
  virtual Result<std::vector<Session>> ListProgramSessions(const std::string& program_id) = 0;
  // The next-morning pain of the patient's session `followup.session_id`. Idempotent per
  // session: the same pain again is OK; another pain is ALREADY_EXISTS. NOT_FOUND when the
  // patient has no such session.
  virtual Status AddPainFollowUp(const std::string& patient_id, const PainFollowUp& followup,
                                 Instant reported) = 0;
  virtual Result<std::vector<PainFollowUp>> ListPainFollowUps(const std::string& program_id) = 0;
  // Idempotent on `id` (a client UUID) with the same content; ALREADY_EXISTS otherwise.
  virtual Status AddTherapistAction(const std::string& id, const std::string& program_id,
                                    const TherapistAction& action, const std::string& author,
                                    Instant created) = 0;
  virtual Result<std::vector<TherapistAction>> ListTherapistActions(
      const std::string& program_id) = 0;
  // NOT_FOUND when no action has this id.
  virtual Result<TherapistAction> GetTherapistAction(const std::string& id) = 0;

  // --- What an evaluation from a checkpoint reads (scheduler/checkpoint.h, ResumeInputs): only
  // the open days, so its cost does not grow with the program's age.
  // Sessions of the program performed (local date) on or after `from`, in perform-time order.
  virtual Result<std::vector<Session>> ListProgramSessionsFrom(const std::string& program_id,
                                                               LocalDate from) = 0;
  // The earliest local date of the program's sessions received at or after `at`; nullopt when
  // none was. (Only a date: what a resume needs of the late sessions, read without decoding
  // them, so that a day with many sessions costs one index range, not their logs twice.)
  virtual Result<std::optional<LocalDate>> EarliestSessionDayReceivedSince(
      const std::string& program_id, Instant at) = 0;
  // --- What taking new sessions into an open day reads (scheduler/open_day.h). Every stored
  // session has a key, and a session committed later has a larger one: keys grow in commit
  // order, so "the keys above k" are exactly the sessions committed after k was read.
  // The largest key of any stored session; 0 when there is none.
  virtual Result<int64_t> LatestSessionKey() = 0;
  // The patient's sessions with a key above `after_key` and received at or after `since` (a
  // bound that lets the read start near the end of the patient's sessions; one received earlier
  // but stored after `after_key` was read is left out, which the caller detects by counting), in
  // key order, each with its key.
  virtual Result<std::vector<std::pair<int64_t, Session>>> ListPatientSessionsAfter(
      const std::string& patient_id, int64_t after_key, Instant since) = 0;
  // Next-morning reports of the program's sessions performed on or after `from`, and those
  // received at or after `at` (each once), in session order: the subset of ListPainFollowUps,
  // in its order.
  virtual Result<std::vector<PainFollowUp>> ListPainFollowUpsSince(const std::string& program_id,
                                                                   LocalDate from, Instant at) = 0;
  // Therapist actions of the program dated after `after`, in ListTherapistActions' order.
  virtual Result<std::vector<TherapistAction>> ListTherapistActionsAfter(
      const std::string& program_id, LocalDate after) = 0;
  // The program's checkpoint. NOT_FOUND when there is none (or it no longer decodes).
  virtual Result<StoredCheckpoint> GetCheckpoint(const std::string& program_id) = 0;
  // Replaces the program's checkpoint. NOT_FOUND when there is no such program.
  virtual Status PutCheckpoint(const std::string& program_id, const StoredCheckpoint& stored) = 0;
  // A number that every write changing the catalogue (exercises, protocols) increases, read
  // cheaply. A write that stores what is already stored (ReplaceCatalogue with unchanged shipped
  // data, at every start) leaves it.
  virtual Result<int64_t> GetCatalogueGeneration() = 0;

  // --- Sessions. A session id is the client's idempotency key within its patient: the same id
  // from two patients is two sessions, and nothing about one patient's ids is visible through
  // another's.
  // Stores the session and updates its day's DailyFacts in one transaction, exactly once per
  // (patient, session id) forever: a second call of the same patient with the same id and
  // SamePayload returns the stored session with replayed = true; with another payload,
  // ALREADY_EXISTS. FAILED_PRECONDITION when the patient or program does not exist, or when
  // local_date is not within two days of perform_time's UTC date (it is perform_time's date in
  // the patient's zone; sessions are indexed by time, and date-bounded reads rely on it).
  // `audit`, when given, is appended to the audit log in the same transaction when the call
  // succeeds (stored or replayed), so the write and its record commit together or not at all.
  virtual Result<LogResult> LogSession(const Session& session,
                                       const AuditEvent* audit = nullptr) = 0;
  // NOT_FOUND when the patient has no session with this id (whoever else has one).
  virtual Result<Session> GetSession(const std::string& patient_id, const std::string& id) = 0;
  // Newest perform_time first; from/to bound local_date inclusively when set.
  virtual Result<Page<Session>> ListSessions(const std::string& patient_id,
                                             std::optional<LocalDate> from,
                                             std::optional<LocalDate> to,
                                             const PageRequest& page) = 0;
  // The facts of the days in [from, to] that have any; days without sessions are absent.
  virtual Result<std::vector<DailyFacts>> GetDailyFacts(const std::string& patient_id,
                                                        LocalDate from, LocalDate to) = 0;
  // When the server first stored each of the patient's sessions received in [from, to).
  virtual Result<std::vector<Instant>> ListReceiveTimes(const std::string& patient_id, Instant from,
                                                        Instant to) = 0;

  // --- Remote Therapeutic Monitoring.
  // FAILED_PRECONDITION when the patient already has an open episode or the start is not after
  // the end of an earlier one; ALREADY_EXISTS when the id is taken by a different episode (the
  // same one again returns it).
  virtual Result<RtmEpisodeRecord> CreateRtmEpisode(const RtmEpisodeRecord& episode) = 0;
  // Ends the open episode on `end_date`. NOT_FOUND when none is open; INVALID_ARGUMENT
  // ("end_date") when it is before the start.
  virtual Result<RtmEpisodeRecord> EndRtmEpisode(const std::string& patient_id,
                                                 LocalDate end_date) = 0;
  // Oldest first.
  virtual Result<std::vector<RtmEpisodeRecord>> ListRtmEpisodes(const std::string& patient_id) = 0;
  // Exactly once per id: the same entry again returns it with `replayed`; another payload under
  // the same id is ALREADY_EXISTS.
  virtual Result<RtmTimeEntryRecord> AddRtmTimeEntry(const RtmTimeEntryRecord& entry,
                                                     bool* replayed) = 0;
  // NOT_FOUND when no entry has this id.
  virtual Result<RtmTimeEntryRecord> GetRtmTimeEntry(const std::string& id) = 0;
  // Entries dated in [from, to], oldest first.
  virtual Result<std::vector<RtmTimeEntryRecord>> ListRtmTimeEntries(const std::string& patient_id,
                                                                     LocalDate from,
                                                                     LocalDate to) = 0;

  // --- Derived report rows and alerts (scheduler/summary.h).
  // The patient's stored summary. NOT_FOUND when there is none (or it no longer decodes).
  virtual Result<PatientSummary> GetPatientSummary(const std::string& patient_id) = 0;
  // Whether the patient's stored summary says the program is suspended, without decoding the
  // rest of it. NOT_FOUND when there is no summary.
  virtual Result<bool> GetPatientSuspended(const std::string& patient_id) = 0;
  // In one transaction: replaces the patient's summary and stores each of summary.alerts whose
  // key the patient has not had an alert for. Returns the alerts it stored (with their ids).
  virtual Result<std::vector<AlertRecord>> SavePatientSummary(const std::string& clinic_id,
                                                              const std::string& patient_id,
                                                              const PatientSummary& summary,
                                                              Instant at) = 0;
  // One row per patient of the clinic (therapist_filter non-empty: that therapist's), ordered by
  // patient id.
  virtual Result<std::vector<PatientStatusRow>> ListPatientStatus(
      const std::string& clinic_id, const std::string& therapist_filter) = 0;
  // Every patient with an active program, ordered by patient id.
  virtual Result<std::vector<SummaryAge>> ListSummaryAges() = 0;
  // Alerts of the clinic (therapist_filter non-empty: of that therapist's patients now) with an
  // id above `after_id`, oldest first, at most `limit`.
  virtual Result<std::vector<AlertRecord>> ListAlerts(const std::string& clinic_id,
                                                      const std::string& therapist_filter,
                                                      int64_t after_id, int limit) = 0;
  // NOT_FOUND when no alert has this id.
  virtual Result<AlertRecord> GetAlert(int64_t id) = 0;
  // Marks the alert acknowledged by `by` at `at` unless it already is; returns it as stored.
  // NOT_FOUND when no alert has this id.
  virtual Result<AlertRecord> AcknowledgeAlert(int64_t id, const std::string& by, Instant at) = 0;
};

}  // namespace ptrack
