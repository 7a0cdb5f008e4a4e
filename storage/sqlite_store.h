// The SQLite implementation of Store: one database file in WAL mode with synchronous=FULL,
// foreign keys on, STRICT tables, migrations on open. One writer connection and a pool of reader
// connections (at most kMaxReaders), each used by one thread at a time; checkpoints run on a
// connection and thread of their own (wal_bound.h), not inside commits. SQLite exceptions are
// caught here and returned as Status; none crosses the interface.
//
// Group commit: concurrent writes are gathered into one transaction (BEGIN IMMEDIATE). Each runs
// in its own savepoint, so a write that fails is rolled back alone and changes nothing; the batch
// is committed once (one fsync for all of them), and only then is each caller answered — with its
// own result, or with the commit's error, in which case none of the batch was stored. The first
// caller to find no batch running leads it; the others wait for their answer.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/store.h"

namespace ptrack::sqlite {
class Connection;
class WalBound;
}  // namespace ptrack::sqlite

namespace ptrack {

class SqliteStore final : public Store {
 public:
  // Opens the database at `path`, creating it when absent (mode 0600, missing folders 0700:
  // storage/private_files.h), and migrates it to the latest schema.
  // FAILED_PRECONDITION when the file's schema is newer than this binary; UNAVAILABLE when it
  // cannot be opened.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);
  ~SqliteStore() override;

  Status PutExercise(const Exercise& exercise) override;
  Status ReplaceCatalogue(const std::vector<Exercise>& exercises,
                          const std::vector<Protocol>& protocols) override;
  Status CreateExercise(const Exercise& exercise) override;
  Status CreateProtocol(const Protocol& protocol) override;
  Result<Exercise> GetExercise(const std::string& id) override;
  Result<Page<Exercise>> ListExercises(Region region_filter, const PageRequest& page,
                                       const std::string& clinic_id) override;
  Status PutProtocol(const Protocol& protocol) override;
  Result<Protocol> GetProtocol(const std::string& id) override;
  Result<Page<Protocol>> ListProtocols(const PageRequest& page,
                                       const std::string& clinic_id) override;

  Status CreateClinic(const Clinic& clinic) override;
  Result<Clinic> GetClinic(const std::string& id) override;
  Status CreateAccount(const Account& account) override;
  Result<Account> GetAccount(const std::string& username) override;
  Status CreateTherapist(const Therapist& therapist, const Account& account) override;
  Result<Therapist> GetTherapist(const std::string& id) override;
  Result<Page<Therapist>> ListTherapists(const std::string& clinic_id,
                                         const PageRequest& page) override;
  Result<Patient> CreatePatient(const Patient& patient, const Account& account) override;
  Result<Patient> GetPatient(const std::string& id) override;
  Result<Page<Patient>> ListPatients(const std::string& clinic_id,
                                     const std::string& therapist_filter,
                                     const PageRequest& page) override;
  Result<Patient> UpdatePatient(const Patient& patient) override;

  Result<int> AddSignInFailure(const std::string& username, Instant at, int lock_after) override;
  Status ResetSignInFailures(const std::string& username) override;
  Status SetAccountDisabled(const std::string& username, bool disabled, Instant at) override;
  Status SetPasswordHash(const std::string& username, const std::string& hash) override;
  Status PutToken(const TokenRecord& token) override;
  Result<TokenRecord> GetToken(const std::string& token_hash) override;
  Status RevokeToken(const std::string& token_hash) override;
  Status RevokeTokens(const std::string& username) override;
  Status TouchToken(const std::string& token_hash, Instant at) override;
  Result<int64_t> GetRevocationEpoch() override;
  Status PutEnrolmentCode(const EnrolmentCodeRecord& code) override;
  Result<Account> RedeemEnrolmentCode(const std::string& code_hash, Instant now,
                                      const std::string& password_hash) override;
  Status AppendAudit(const AuditEvent& event) override;
  Result<std::string> GetOrCreateSecret(const std::string& name,
                                        const std::string& candidate) override;
  Result<Page<AuditEvent>> ListAudit(const std::string& clinic_id,
                                     const std::string& patient_filter,
                                     const PageRequest& page) override;

  Result<Program> CreateProgram(const Program& program) override;
  Result<Program> GetProgram(const std::string& id) override;
  Result<Program> GetActiveProgram(const std::string& patient_id) override;
  Result<ActiveProgramRef> GetActiveProgramRef(const std::string& patient_id) override;
  Result<std::vector<Program>> ListPrograms(const std::string& patient_id) override;

  Result<Program> AppendRevision(const std::string& program_id, const ProgramRevision& revision,
                                 int expected_latest) override;
  Result<Program> DischargeProgram(const std::string& program_id,
                                   const Discharge& discharge) override;
  Result<Program> AddPause(const std::string& program_id, const Pause& pause) override;
  Result<Program> EndPause(const std::string& program_id, const std::string& pause_id,
                           LocalDate last_day) override;
  Result<std::pair<OutcomeResponseRecord, bool>> LogOutcomeResponse(
      const OutcomeResponseRecord& response, const AuditEvent* audit) override;
  Result<OutcomeResponseRecord> GetOutcomeResponse(const std::string& patient_id,
                                                   const std::string& id) override;
  Result<std::vector<OutcomeResponseRecord>> ListOutcomeResponses(
      const std::string& program_id) override;
  Status SetProgramInstrument(const std::string& program_id,
                              const ProgramInstrument& setting) override;
  Result<std::vector<ProgramInstrument>> ListProgramInstruments(
      const std::string& program_id) override;
  Result<std::vector<Session>> ListProgramSessions(const std::string& program_id) override;
  Status AddPainFollowUp(const std::string& patient_id, const PainFollowUp& followup,
                         Instant reported) override;
  Result<std::vector<PainFollowUp>> ListPainFollowUps(const std::string& program_id) override;
  Status AddTherapistAction(const std::string& id, const std::string& program_id,
                            const TherapistAction& action, const std::string& author,
                            Instant created) override;
  Result<std::vector<TherapistAction>> ListTherapistActions(const std::string& program_id) override;
  Result<TherapistAction> GetTherapistAction(const std::string& id) override;
  Result<std::vector<Session>> ListProgramSessionsFrom(const std::string& program_id,
                                                       LocalDate from) override;
  Result<int64_t> LatestSessionKey() override;
  Result<std::vector<std::pair<int64_t, Session>>> ListPatientSessionsAfter(
      const std::string& patient_id, int64_t after_key, Instant since) override;
  Result<std::optional<LocalDate>> EarliestSessionDayReceivedSince(const std::string& program_id,
                                                                   Instant at) override;
  Result<std::vector<PainFollowUp>> ListPainFollowUpsSince(const std::string& program_id,
                                                           LocalDate from, Instant at) override;
  Result<std::vector<TherapistAction>> ListTherapistActionsAfter(const std::string& program_id,
                                                                 LocalDate after) override;
  Result<StoredCheckpoint> GetCheckpoint(const std::string& program_id) override;
  Status PutCheckpoint(const std::string& program_id, const StoredCheckpoint& stored) override;
  Result<int64_t> GetCatalogueGeneration() override;

  Result<LogResult> LogSession(const Session& session, const AuditEvent* audit = nullptr) override;
  Result<Session> GetSession(const std::string& patient_id, const std::string& id) override;
  Result<Page<Session>> ListSessions(const std::string& patient_id, std::optional<LocalDate> from,
                                     std::optional<LocalDate> to, const PageRequest& page) override;
  Result<std::vector<DailyFacts>> GetDailyFacts(const std::string& patient_id, LocalDate from,
                                                LocalDate to) override;
  Result<std::vector<Instant>> ListReceiveTimes(const std::string& patient_id, Instant from,
                                                Instant to) override;
  Result<RtmEpisodeRecord> CreateRtmEpisode(const RtmEpisodeRecord& episode) override;
  Result<RtmEpisodeRecord> EndRtmEpisode(const std::string& patient_id,
                                         LocalDate end_date) override;
  Result<std::vector<RtmEpisodeRecord>> ListRtmEpisodes(const std::string& patient_id) override;
  Result<RtmTimeEntryRecord> AddRtmTimeEntry(const RtmTimeEntryRecord& entry,
                                             bool* replayed) override;
  Result<RtmTimeEntryRecord> GetRtmTimeEntry(const std::string& id) override;
  Result<std::vector<RtmTimeEntryRecord>> ListRtmTimeEntries(const std::string& patient_id,
                                                             LocalDate from, LocalDate to) override;

  Result<PatientSummary> GetPatientSummary(const std::string& patient_id) override;
  Result<bool> GetPatientSuspended(const std::string& patient_id) override;
  Result<std::vector<AlertRecord>> SavePatientSummary(const std::string& clinic_id,
                                                      const std::string& patient_id,
                                                      const PatientSummary& summary,
                                                      Instant at) override;
  Result<std::vector<PatientStatusRow>> ListPatientStatus(
      const std::string& clinic_id, const std::string& therapist_filter) override;
  Result<std::vector<SummaryAge>> ListSummaryAges() override;
  Result<std::vector<AlertRecord>> ListAlerts(const std::string& clinic_id,
                                              const std::string& therapist_filter, int64_t after_id,
                                              int limit) override;
  Result<AlertRecord> GetAlert(int64_t id) override;
  Result<AlertRecord> AcknowledgeAlert(int64_t id, const std::string& by, Instant at) override;

 private:
  explicit SqliteStore(std::string path, std::unique_ptr<sqlite::Connection> writer);

  // Runs `fn(db)` on a reader connection checked out for this call.
  template <typename T, typename Fn>
  Result<T> Read(Fn&& fn);
  // Runs `fn(db)` on the writer inside a transaction (group commit, above); its changes are
  // kept, and committed, when it returns OK, and rolled back otherwise.
  template <typename T, typename Fn>
  Result<T> Write(Fn&& fn);

  // One write waiting for, or in, a batch. `run` returns the write's own status.
  struct WriteJob {
    std::function<Status(sqlite::Connection&)> run;
    Status status;
    bool done = false;  // guarded by queue_mu_
  };
  // Queues `job` and returns when its batch has committed (or failed): its status.
  Status RunWrite(WriteJob& job);
  // Runs `batch` in one transaction on the writer and sets each job's status.
  void CommitBatch(const std::vector<WriteJob*>& batch);

  std::unique_ptr<sqlite::Connection> CheckoutReader();
  void ReturnReader(std::unique_ptr<sqlite::Connection> db);

  const std::string path_;
  std::unique_ptr<sqlite::Connection> writer_;   // used only by the batch leader
  std::unique_ptr<sqlite::WalBound> wal_bound_;  // the checkpointer (stopped first)
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<WriteJob*> queue_;  // guarded by queue_mu_
  bool leading_ = false;         // guarded by queue_mu_: a batch is being run
  // At most kMaxReaders reader connections (each with its own page cache): a read waits for an
  // idle one rather than opening more, so memory stays bounded however many calls are in flight.
  static constexpr int kMaxReaders = 16;
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<sqlite::Connection>> idle_readers_;  // guarded by pool_mu_
  int open_readers_ = 0;                                           // guarded by pool_mu_
};

}  // namespace ptrack
