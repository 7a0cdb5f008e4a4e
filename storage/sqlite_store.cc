// SqliteStore: connections, error mapping, catalogue, clinics and people. Tokens, enrolment
// codes and the audit log live in sqlite_store_security.cc; programs and sessions in
// sqlite_store_sessions.cc.
#include "storage/sqlite_store.h"

#include <sqlite3.h>

#include "storage/json_codec.h"
#include "storage/migrations.h"
#include "storage/private_files.h"
#include "storage/sqlite_support.h"
#include "storage/wal_bound.h"

namespace ptrack {
namespace sqlite {

std::unique_ptr<Connection> OpenConnection(const std::string& path) {
  auto db = std::make_unique<Connection>(path);
  db->exec("PRAGMA busy_timeout = " +
           std::to_string(kBusyTimeoutMs));  // first, so that the steps below wait when busy
  db->exec("PRAGMA foreign_keys = ON");
  db->exec("PRAGMA synchronous = FULL");
  db->exec("PRAGMA journal_mode = WAL");
  return db;
}

Status FromException(const SQLite::Exception& e) {
  const int ext = e.getExtendedErrorCode();
  switch (ext & 0xff) {
    case SQLITE_CONSTRAINT:
      if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Status::AlreadyExists("a record with that id or name already exists");
      }
      return Status::FailedPrecondition("the change conflicts with stored data");
    // Storage faults are UNAVAILABLE, the code clients retry on (the phone keeps the session and
    // sends it again with the same id). The change is not confirmed; it may still have reached
    // the file (an error after the commit record was written, e.g. in the checkpoint), which is
    // why the message promises no more than that a retry is stored once.
    case SQLITE_FULL:
      return Status::Unavailable("the server's storage is full (sqlite code " +
                                 std::to_string(ext) +
                                 "): the change is not confirmed; retry later (a retried "
                                 "request is stored once)");
    case SQLITE_IOERR:
      return Status::Unavailable("the server's storage failed to read or write (sqlite code " +
                                 std::to_string(ext) +
                                 "): the change is not confirmed; retry later (a retried "
                                 "request is stored once)");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_NOMEM:
      return Status::Unavailable("the database is temporarily unavailable (sqlite code " +
                                 std::to_string(ext) + "); retry later");
    default:
      return Status::Internal("database error (sqlite code " + std::to_string(ext) + ")");
  }
}

LocalDate DateColumn(const SQLite::Column& c) {
  auto d = ParseIsoDate(c.getString());
  if (!d) throw std::runtime_error("corrupt date column");
  return *d;
}

}  // namespace sqlite

namespace {

struct Done {};

Patient PatientFrom(SQLite::Statement& q) {
  Patient p;
  p.id = q.getColumn(0).getString();
  p.clinic_id = q.getColumn(1).getString();
  p.display_name = q.getColumn(2).getString();
  p.time_zone = q.getColumn(3).getString();
  p.therapist_id = q.getColumn(4).getString();
  p.username = q.getColumn(5).getString();
  p.create_time = FromUnixMillis(q.getColumn(6).getInt64());
  p.version = q.getColumn(7).getInt64();
  p.data_version = q.getColumn(8).getInt64();
  return p;
}
constexpr const char* kPatientColumns =
    "id, clinic_id, display_name, time_zone, therapist_id, username, create_ms, version, "
    "data_version";

std::optional<Patient> LoadPatient(sqlite::Connection& db, const std::string& id) {
  sqlite::Prepared q(db, std::string("SELECT ") + kPatientColumns + " FROM patients WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return PatientFrom(q);
}

Therapist TherapistFrom(SQLite::Statement& q) {
  return Therapist{q.getColumn(0).getString(), q.getColumn(1).getString(),
                   q.getColumn(2).getString(), q.getColumn(3).getString()};
}

void InsertAccount(sqlite::Connection& db, const Account& a) {
  sqlite::Prepared q(db,
                     "INSERT INTO accounts(username, password_hash, role, clinic_id, subject_id, "
                     "create_ms) VALUES(?, ?, ?, ?, ?, ?)");
  q.bind(1, a.username);
  q.bind(2, a.password_hash);
  q.bind(3, static_cast<int>(a.role));
  q.bind(4, a.clinic_id);
  q.bind(5, a.subject_id);
  q.bind(6, static_cast<int64_t>(ToUnixMillis(a.create_time)));
  q.exec();
}

// Decodes a JSON body column; a body that does not decode is a corrupt row (INTERNAL).
template <typename T, typename Decode>
Result<T> BodyFrom(const SQLite::Column& column, Decode decode, const char* what) {
  auto j = json::Parse(column.getString());
  if (!j.ok()) return Status::Internal(std::string("stored ") + what + " is corrupt");
  Result<T> value = decode(*j);
  if (!value.ok()) return Status::Internal(std::string("stored ") + what + " is corrupt");
  return value;
}

}  // namespace

SqliteStore::SqliteStore(std::string path, std::unique_ptr<sqlite::Connection> writer)
    : path_(std::move(path)),
      writer_(std::move(writer)),
      wal_bound_(std::make_unique<sqlite::WalBound>(writer_->getHandle(), path_)) {}

SqliteStore::~SqliteStore() = default;

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path) {
  // A new database starts as an empty 0600 file in 0700 folders; SQLite gives its -wal and
  // -shm the same mode.
  PTRACK_RETURN_IF_ERROR(CreatePrivateParents(path));
  PTRACK_RETURN_IF_ERROR(CreatePrivateFile(path));
  try {
    {
      // Refuse a newer schema before anything (even the journal mode) touches the file.
      SQLite::Database probe(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      probe.exec("PRAGMA busy_timeout = " + std::to_string(sqlite::kBusyTimeoutMs));
      const int version = probe.execAndGet("PRAGMA user_version").getInt();
      if (version > LatestSchemaVersion()) return Migrate(probe);  // explains the refusal
    }
    auto writer = sqlite::OpenConnection(path);
    PTRACK_RETURN_IF_ERROR(Migrate(*writer));
    return std::unique_ptr<SqliteStore>(new SqliteStore(path, std::move(writer)));
  } catch (const SQLite::Exception& e) {
    return Status::Unavailable("cannot open database file (sqlite code " +
                               std::to_string(e.getExtendedErrorCode()) + ")");
  }
}

Status SqliteStore::RunWrite(WriteJob& job) {
  constexpr size_t kMaxBatch = 256;
  std::unique_lock<std::mutex> lock(queue_mu_);
  queue_.push_back(&job);
  while (!job.done) {
    if (leading_) {
      queue_cv_.wait(lock);
      continue;
    }
    // Lead batches until this caller's own write is done, then hand over: a waiting caller
    // whose write is still queued wakes up and leads the next batch.
    leading_ = true;
    while (!job.done) {
      const size_t n = std::min(queue_.size(), kMaxBatch);
      std::vector<WriteJob*> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      lock.unlock();
      CommitBatch(batch);
      lock.lock();
      for (WriteJob* j : batch) j->done = true;
      queue_cv_.notify_all();
    }
    leading_ = false;
    queue_cv_.notify_all();
  }
  return job.status;
}

void SqliteStore::CommitBatch(const std::vector<WriteJob*>& batch) {
  sqlite::Connection& db = *writer_;
  auto fail_all = [&](const Status& s) {
    for (WriteJob* j : batch) j->status = s;
  };
  try {
    db.Run("BEGIN IMMEDIATE");
  } catch (const SQLite::Exception& e) {
    fail_all(sqlite::FromException(e));
    return;
  }
  try {
    for (WriteJob* j : batch) {
      db.Run("SAVEPOINT write");
      Status s;
      try {
        s = j->run(db);
      } catch (const SQLite::Exception& e) {
        s = sqlite::FromException(e);
      } catch (const std::exception&) {
        s = Status::Internal("stored data could not be written");
      }
      if (!s.ok()) db.Run("ROLLBACK TO write");
      db.Run("RELEASE write");
      j->status = s;
    }
    db.Run("COMMIT");
  } catch (const SQLite::Exception& e) {
    // The transaction cannot go on (an I/O error, a full disk, a failed commit): nothing of the
    // batch is stored, and every caller hears so.
    fail_all(sqlite::FromException(e));
    try {
      if (!db.getHandle() || !sqlite3_get_autocommit(db.getHandle())) db.exec("ROLLBACK");
    } catch (const SQLite::Exception&) {
    }
  }
}

std::unique_ptr<sqlite::Connection> SqliteStore::CheckoutReader() {
  std::unique_lock<std::mutex> lock(pool_mu_);
  pool_cv_.wait(lock, [&] { return !idle_readers_.empty() || open_readers_ < kMaxReaders; });
  if (!idle_readers_.empty()) {
    auto db = std::move(idle_readers_.back());
    idle_readers_.pop_back();
    return db;
  }
  ++open_readers_;
  lock.unlock();
  try {
    return sqlite::OpenConnection(path_);
  } catch (...) {
    lock.lock();
    --open_readers_;
    pool_cv_.notify_one();
    throw;
  }
}

void SqliteStore::ReturnReader(std::unique_ptr<sqlite::Connection> db) {
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    idle_readers_.push_back(std::move(db));
  }
  pool_cv_.notify_one();
}

// --- Catalogue -------------------------------------------------------------------------------

namespace {

// Shipped entries (clinic_id empty) replace a shipped entry of the same id, never a clinic's.
void UpsertExercise(sqlite::Connection& db, const Exercise& e) {
  sqlite::Prepared q(db,
                     "INSERT INTO exercises(id, region, body, retired, clinic_id) "
                     "VALUES(?1, ?2, ?3, 0, NULLIF(?4, '')) ON CONFLICT(id) DO UPDATE SET "
                     "region = ?2, body = ?3, retired = 0 WHERE clinic_id IS NULL");
  q.bind(1, e.id);
  q.bind(2, json::RegionName(e.region));
  q.bind(3, json::Encode(e).dump());
  q.bind(4, e.clinic_id);
  q.exec();
}

void UpsertProtocol(sqlite::Connection& db, const Protocol& p) {
  sqlite::Prepared q(db,
                     "INSERT INTO protocols(id, body, retired, clinic_id) "
                     "VALUES(?1, ?2, 0, NULLIF(?3, '')) ON CONFLICT(id) DO UPDATE SET "
                     "body = ?2, retired = 0 WHERE clinic_id IS NULL");
  q.bind(1, p.id);
  q.bind(2, json::Encode(p).dump());
  q.bind(3, p.clinic_id);
  q.exec();
}

// Rows are (id, body, clinic_id).
Result<Exercise> ExerciseRow(SQLite::Statement& r) {
  auto e = BodyFrom<Exercise>(r.getColumn(1), json::DecodeExercise, "exercise");
  if (e.ok() && !r.getColumn(2).isNull()) e->clinic_id = r.getColumn(2).getString();
  return e;
}
Result<Protocol> ProtocolRow(SQLite::Statement& r) {
  auto p = BodyFrom<Protocol>(r.getColumn(1), json::DecodeProtocol, "protocol");
  if (p.ok() && !r.getColumn(2).isNull()) p->clinic_id = r.getColumn(2).getString();
  return p;
}

}  // namespace

Status SqliteStore::PutExercise(const Exercise& e) {
  return Write<Done>([&](sqlite::Connection& db) -> Result<Done> {
           UpsertExercise(db, e);
           return Done{};
         })
      .status();
}

Status SqliteStore::CreateExercise(const Exercise& e) {
  return Write<Done>([&](sqlite::Connection& db) -> Result<Done> {
           sqlite::Prepared q(db,
                              "INSERT INTO exercises(id, region, body, retired, clinic_id) "
                              "VALUES(?, ?, ?, 0, ?)");
           q.bind(1, e.id);
           q.bind(2, json::RegionName(e.region));
           q.bind(3, json::Encode(e).dump());
           q.bind(4, e.clinic_id);
           q.exec();
           return Done{};
         })
      .status();
}

Status SqliteStore::CreateProtocol(const Protocol& p) {
  return Write<Done>([&](sqlite::Connection& db) -> Result<Done> {
           sqlite::Prepared q(db,
                              "INSERT INTO protocols(id, body, retired, clinic_id) "
                              "VALUES(?, ?, 0, ?)");
           q.bind(1, p.id);
           q.bind(2, json::Encode(p).dump());
           q.bind(3, p.clinic_id);
           q.exec();
           return Done{};
         })
      .status();
}

Status SqliteStore::ReplaceCatalogue(const std::vector<Exercise>& exercises,
                                     const std::vector<Protocol>& protocols) {
  return Write<Done>([&](sqlite::Connection& db) -> Result<Done> {
           // Only rows that change are written, so that reloading unchanged shipped data (at
           // every start) leaves the catalogue generation where it was.
           nlohmann::json exercise_ids = nlohmann::json::array();
           nlohmann::json protocol_ids = nlohmann::json::array();
           for (const Exercise& e : exercises) {
             UpsertExercise(db, e);
             exercise_ids.push_back(e.id);
           }
           for (const Protocol& p : protocols) {
             UpsertProtocol(db, p);
             protocol_ids.push_back(p.id);
           }
           sqlite::Prepared retire_exercises(
               db,
               "UPDATE exercises SET retired = 1 WHERE clinic_id IS NULL AND retired = 0 AND id "
               "NOT IN (SELECT value FROM json_each(?))");
           retire_exercises.bind(1, exercise_ids.dump());
           retire_exercises.exec();
           sqlite::Prepared retire_protocols(
               db,
               "UPDATE protocols SET retired = 1 WHERE clinic_id IS NULL AND retired = 0 AND id "
               "NOT IN (SELECT value FROM json_each(?))");
           retire_protocols.bind(1, protocol_ids.dump());
           retire_protocols.exec();
           return Done{};
         })
      .status();
}

Result<Exercise> SqliteStore::GetExercise(const std::string& id) {
  return Read<Exercise>([&](sqlite::Connection& db) -> Result<Exercise> {
    sqlite::Prepared q(db, "SELECT id, body, clinic_id FROM exercises WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return Status::NotFound("exercise not found");
    return ExerciseRow(q);
  });
}

Result<Page<Exercise>> SqliteStore::ListExercises(Region region, const PageRequest& page,
                                                  const std::string& clinic_id) {
  return Read<Page<Exercise>>([&](sqlite::Connection& db) -> Result<Page<Exercise>> {
    const bool filter = region != Region::kUnspecified;
    sqlite::Prepared q(db, std::string("SELECT id, body, clinic_id FROM exercises WHERE "
                                       "retired = 0 AND id > ?1 AND (clinic_id IS NULL OR "
                                       "clinic_id = ?2)") +
                               (filter ? " AND region = ?3" : "") + " ORDER BY id LIMIT ?4");
    q.bind(1, page.after);
    q.bind(2, clinic_id);
    if (filter) q.bind(3, json::RegionName(region));
    q.bind(4, sqlite::PageLimit(page) + 1);
    return sqlite::CollectPage<Exercise>(q, page, ExerciseRow,
                                         [](const Exercise& e) { return e.id; });
  });
}

Status SqliteStore::PutProtocol(const Protocol& p) {
  return Write<Done>([&](sqlite::Connection& db) -> Result<Done> {
           UpsertProtocol(db, p);
           return Done{};
         })
      .status();
}

Result<Protocol> SqliteStore::GetProtocol(const std::string& id) {
  return Read<Protocol>([&](sqlite::Connection& db) -> Result<Protocol> {
    sqlite::Prepared q(db, "SELECT id, body, clinic_id FROM protocols WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return Status::NotFound("protocol not found");
    return ProtocolRow(q);
  });
}

Result<Page<Protocol>> SqliteStore::ListProtocols(const PageRequest& page,
                                                  const std::string& clinic_id) {
  return Read<Page<Protocol>>([&](sqlite::Connection& db) -> Result<Page<Protocol>> {
    sqlite::Prepared q(db,
                       "SELECT id, body, clinic_id FROM protocols WHERE retired = 0 AND id > ?1 "
                       "AND (clinic_id IS NULL OR clinic_id = ?2) ORDER BY id LIMIT ?3");
    q.bind(1, page.after);
    q.bind(2, clinic_id);
    q.bind(3, sqlite::PageLimit(page) + 1);
    return sqlite::CollectPage<Protocol>(q, page, ProtocolRow,
                                         [](const Protocol& p) { return p.id; });
  });
}

Result<int64_t> SqliteStore::GetCatalogueGeneration() {
  return Read<int64_t>([&](sqlite::Connection& db) -> Result<int64_t> {
    sqlite::Prepared q(db, "SELECT value FROM catalogue_generation WHERE id = 1");
    if (!q.executeStep()) return Status::Internal("the catalogue generation is missing");
    return q.getColumn(0).getInt64();
  });
}

// --- Clinics and people ----------------------------------------------------------------------

Status SqliteStore::CreateClinic(const Clinic& c) {
  return Write<Done>([&](sqlite::Connection& db) -> Result<Done> {
           sqlite::Prepared q(db,
                              "INSERT INTO clinics(id, display_name, time_zone) VALUES(?, ?, ?)");
           q.bind(1, c.id);
           q.bind(2, c.display_name);
           q.bind(3, c.time_zone);
           q.exec();
           return Done{};
         })
      .status();
}

Result<Clinic> SqliteStore::GetClinic(const std::string& id) {
  return Read<Clinic>([&](sqlite::Connection& db) -> Result<Clinic> {
    sqlite::Prepared q(db, "SELECT id, display_name, time_zone FROM clinics WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return Status::NotFound("clinic not found");
    return Clinic{q.getColumn(0).getString(), q.getColumn(1).getString(),
                  q.getColumn(2).getString()};
  });
}

Status SqliteStore::CreateAccount(const Account& a) {
  return Write<Done>([&](sqlite::Connection& db) -> Result<Done> {
           InsertAccount(db, a);
           return Done{};
         })
      .status();
}

Result<Account> SqliteStore::GetAccount(const std::string& username) {
  return Read<Account>([&](sqlite::Connection& db) -> Result<Account> {
    sqlite::Prepared q(db,
                       "SELECT username, password_hash, role, clinic_id, subject_id, create_ms, "
                       "failed_sign_ins, last_failed_ms, disabled FROM accounts "
                       "WHERE username = ?");
    q.bind(1, username);
    if (!q.executeStep()) return Status::NotFound("account not found");
    Account a;
    a.username = q.getColumn(0).getString();
    a.password_hash = q.getColumn(1).getString();
    a.role = static_cast<Role>(q.getColumn(2).getInt());
    a.clinic_id = q.getColumn(3).getString();
    a.subject_id = q.getColumn(4).getString();
    a.create_time = FromUnixMillis(q.getColumn(5).getInt64());
    a.failed_sign_ins = q.getColumn(6).getInt();
    a.last_failed_sign_in = FromUnixMillis(q.getColumn(7).getInt64());
    a.disabled = q.getColumn(8).getInt() != 0;
    return a;
  });
}

Status SqliteStore::CreateTherapist(const Therapist& t, const Account& a) {
  return Write<Done>([&](sqlite::Connection& db) -> Result<Done> {
           InsertAccount(db, a);
           sqlite::Prepared q(
               db, "INSERT INTO therapists(id, clinic_id, display_name, username) VALUES(?,?,?,?)");
           q.bind(1, t.id);
           q.bind(2, t.clinic_id);
           q.bind(3, t.display_name);
           q.bind(4, t.username);
           q.exec();
           return Done{};
         })
      .status();
}

Result<Therapist> SqliteStore::GetTherapist(const std::string& id) {
  return Read<Therapist>([&](sqlite::Connection& db) -> Result<Therapist> {
    sqlite::Prepared q(db,
                       "SELECT id, clinic_id, display_name, username FROM therapists WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return Status::NotFound("therapist not found");
    return TherapistFrom(q);
  });
}

Result<Page<Therapist>> SqliteStore::ListTherapists(const std::string& clinic_id,
                                                    const PageRequest& page) {
  return Read<Page<Therapist>>([&](sqlite::Connection& db) -> Result<Page<Therapist>> {
    sqlite::Prepared q(db,
                       "SELECT id, clinic_id, display_name, username FROM therapists "
                       "WHERE clinic_id = ? AND id > ? ORDER BY id LIMIT ?");
    q.bind(1, clinic_id);
    q.bind(2, page.after);
    q.bind(3, sqlite::PageLimit(page) + 1);
    return sqlite::CollectPage<Therapist>(q, page, TherapistFrom,
                                          [](const Therapist& t) { return t.id; });
  });
}

Result<Patient> SqliteStore::CreatePatient(const Patient& p, const Account& a) {
  return Write<Patient>([&](sqlite::Connection& db) -> Result<Patient> {
    if (auto stored = LoadPatient(db, p.id)) {
      if (stored->clinic_id == p.clinic_id && stored->display_name == p.display_name &&
          stored->time_zone == p.time_zone && stored->therapist_id == p.therapist_id &&
          stored->username == p.username) {
        return *stored;
      }
      return Status::AlreadyExists("a different patient with this id already exists");
    }
    sqlite::Prepared t(db, "SELECT 1 FROM therapists WHERE id = ? AND clinic_id = ?");
    t.bind(1, p.therapist_id);
    t.bind(2, p.clinic_id);
    if (!t.executeStep()) return Status::FailedPrecondition("therapist is not in this clinic");
    InsertAccount(db, a);
    // key: the next small integer (the per-session tables name the patient by it).
    sqlite::Prepared q(db,
                       "INSERT INTO patients(id, clinic_id, display_name, time_zone, therapist_id, "
                       "username, create_ms, version, data_version, key) VALUES(?, ?, ?, ?, ?, ?, "
                       "?, 1, 0, (SELECT coalesce(max(key), 0) + 1 FROM patients))");
    q.bind(1, p.id);
    q.bind(2, p.clinic_id);
    q.bind(3, p.display_name);
    q.bind(4, p.time_zone);
    q.bind(5, p.therapist_id);
    q.bind(6, p.username);
    q.bind(7, static_cast<int64_t>(ToUnixMillis(p.create_time)));
    q.exec();
    Patient stored = p;
    stored.version = 1;
    stored.data_version = 0;
    return stored;
  });
}

Result<Patient> SqliteStore::GetPatient(const std::string& id) {
  return Read<Patient>([&](sqlite::Connection& db) -> Result<Patient> {
    auto p = LoadPatient(db, id);
    if (!p) return Status::NotFound("patient not found");
    return *p;
  });
}

Result<Page<Patient>> SqliteStore::ListPatients(const std::string& clinic_id,
                                                const std::string& therapist_filter,
                                                const PageRequest& page) {
  return Read<Page<Patient>>([&](sqlite::Connection& db) -> Result<Page<Patient>> {
    const bool filter = !therapist_filter.empty();
    sqlite::Prepared q(db, std::string("SELECT ") + kPatientColumns +
                               " FROM patients WHERE clinic_id = ? AND id > ?" +
                               (filter ? " AND therapist_id = ?" : "") + " ORDER BY id LIMIT ?");
    q.bind(1, clinic_id);
    q.bind(2, page.after);
    int i = 3;
    if (filter) q.bind(i++, therapist_filter);
    q.bind(i, sqlite::PageLimit(page) + 1);
    return sqlite::CollectPage<Patient>(q, page, PatientFrom,
                                        [](const Patient& p) { return p.id; });
  });
}

Result<Patient> SqliteStore::UpdatePatient(const Patient& p) {
  return Write<Patient>([&](sqlite::Connection& db) -> Result<Patient> {
    auto stored = LoadPatient(db, p.id);
    if (!stored) return Status::NotFound("patient not found");
    if (stored->version != p.version) {
      return Status::Aborted("the patient changed since it was read; re-read and retry");
    }
    sqlite::Prepared t(db, "SELECT 1 FROM therapists WHERE id = ? AND clinic_id = ?");
    t.bind(1, p.therapist_id);
    t.bind(2, stored->clinic_id);
    if (!t.executeStep()) return Status::FailedPrecondition("therapist is not in this clinic");
    sqlite::Prepared q(db,
                       "UPDATE patients SET display_name = ?, time_zone = ?, therapist_id = ?, "
                       "version = version + 1 WHERE id = ?");
    q.bind(1, p.display_name);
    q.bind(2, p.time_zone);
    q.bind(3, p.therapist_id);
    q.bind(4, p.id);
    q.exec();
    // Read back: a change of zone has bumped data_version (a trigger, in this transaction).
    auto updated = LoadPatient(db, p.id);
    if (!updated) return Status::Internal("the updated patient could not be read");
    return *updated;
  });
}

}  // namespace ptrack
