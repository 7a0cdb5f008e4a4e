// SqliteStore: the append-only inputs of adaptive progression (next-morning pain reports and
// therapist actions), the windowed reads of an evaluation that resumes from a checkpoint, and
// the checkpoints themselves (one per program, storage/checkpoint_codec.h).
#include <SQLiteCpp/Statement.h>

#include <cstdint>

#include "storage/checkpoint_codec.h"
#include "storage/sqlite_store.h"
#include "storage/sqlite_support.h"

namespace ptrack {
namespace {

struct Done {};

constexpr const char* kActionColumns = "kind, local_date, decision_id, note, create_ms";

Result<TherapistAction> ActionFrom(SQLite::Statement& q) {
  const int kind = q.getColumn(0).getInt();
  if (kind < 0 || kind > static_cast<int>(TherapistAction::Kind::kBoost)) {
    return Status::Internal("stored therapist action is corrupt");
  }
  return TherapistAction{static_cast<TherapistAction::Kind>(kind),
                         sqlite::DateColumn(q.getColumn(1)), q.getColumn(2).getString(),
                         q.getColumn(3).getString(), FromUnixMillis(q.getColumn(4).getInt64())};
}

// Rows are (session id, pain, report_ms).
Result<std::vector<PainFollowUp>> FollowUpsFrom(SQLite::Statement& q) {
  std::vector<PainFollowUp> out;
  while (q.executeStep()) {
    out.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt(),
                   FromUnixMillis(q.getColumn(2).getInt64())});
  }
  return out;
}

}  // namespace

Status SqliteStore::AddPainFollowUp(const std::string& patient_id, const PainFollowUp& f,
                                    Instant reported) {
  return Write<Done>([&](sqlite::Connection& db) -> Result<Done> {
           sqlite::Prepared session(db,
                                    "SELECT s.key, s.program FROM patients p JOIN sessions s "
                                    "ON s.patient = p.key WHERE p.id = ? AND s.id = ?");
           session.bind(1, patient_id);
           session.bind(2, f.session_id);
           if (!session.executeStep()) return Status::NotFound("session not found");
           const int64_t key = session.getColumn(0).getInt64();
           const int64_t program = session.getColumn(1).getInt64();
           sqlite::Prepared stored(db, "SELECT pain FROM pain_followups WHERE session = ?");
           stored.bind(1, key);
           if (stored.executeStep()) {
             if (stored.getColumn(0).getInt() == f.pain) return Done{};
             return Status::AlreadyExists("a different next-morning pain was already reported");
           }
           sqlite::Prepared q(db,
                              "INSERT INTO pain_followups(session, program, pain, report_ms) "
                              "VALUES(?, ?, ?, ?)");
           q.bind(1, key);
           q.bind(2, program);
           q.bind(3, f.pain);
           q.bind(4, static_cast<int64_t>(ToUnixMillis(reported)));
           q.exec();
           return Done{};
         })
      .status();
}

Result<std::vector<PainFollowUp>> SqliteStore::ListPainFollowUps(const std::string& program_id) {
  return Read<std::vector<PainFollowUp>>(
      [&](sqlite::Connection& db) -> Result<std::vector<PainFollowUp>> {
        sqlite::Prepared q(db,
                           "SELECT s.id, f.pain, f.report_ms FROM programs g "
                           "JOIN pain_followups f ON f.program = g.key "
                           "JOIN sessions s ON s.key = f.session "
                           "WHERE g.id = ? ORDER BY s.id");
        q.bind(1, program_id);
        return FollowUpsFrom(q);
      });
}

Result<std::vector<PainFollowUp>> SqliteStore::ListPainFollowUpsSince(const std::string& program_id,
                                                                      LocalDate from, Instant at) {
  return Read<std::vector<PainFollowUp>>(
      [&](sqlite::Connection& db) -> Result<std::vector<PainFollowUp>> {
        // Two index ranges: the program's sessions from `from` on (by perform time, the margin
        // of sqlite_support.h) with their reports, and the program's reports received since
        // `at`. A report in both is one row (UNION).
        sqlite::Prepared q(db,
                           "SELECT s.id, f.pain, f.report_ms FROM programs g "
                           "JOIN sessions s ON s.program = g.key "
                           "JOIN pain_followups f ON f.session = s.key "
                           "WHERE g.id = ?1 AND s.perform_ms >= ?2 AND s.day >= ?3 "
                           "UNION "
                           "SELECT s.id, f.pain, f.report_ms FROM programs g "
                           "JOIN pain_followups f ON f.program = g.key AND f.report_ms >= ?4 "
                           "JOIN sessions s ON s.key = f.session "
                           "WHERE g.id = ?1 ORDER BY 1");
        q.bind(1, program_id);
        q.bind(2, sqlite::PerformMsFloor(from));
        q.bind(3, sqlite::DayNumber(from));
        q.bind(4, static_cast<int64_t>(ToUnixMillis(at)));
        return FollowUpsFrom(q);
      });
}

Status SqliteStore::AddTherapistAction(const std::string& id, const std::string& program_id,
                                       const TherapistAction& a, const std::string& author,
                                       Instant created) {
  return Write<Done>([&](sqlite::Connection& db) -> Result<Done> {
           sqlite::Prepared stored(db,
                                   "SELECT program_id, kind, local_date, decision_id, note "
                                   "FROM therapist_actions WHERE id = ?");
           stored.bind(1, id);
           if (stored.executeStep()) {
             const bool same = stored.getColumn(0).getString() == program_id &&
                               stored.getColumn(1).getInt() == static_cast<int>(a.kind) &&
                               stored.getColumn(2).getString() == FormatIsoDate(a.date) &&
                               stored.getColumn(3).getString() == a.decision_id &&
                               stored.getColumn(4).getString() == a.note;
             if (same) return Done{};
             return Status::AlreadyExists("a different action with this id was already recorded");
           }
           sqlite::Prepared q(db,
                              "INSERT INTO therapist_actions(id, program_id, kind, local_date, "
                              "decision_id, note, author, create_ms) VALUES(?,?,?,?,?,?,?,?)");
           q.bind(1, id);
           q.bind(2, program_id);
           q.bind(3, static_cast<int>(a.kind));
           q.bind(4, FormatIsoDate(a.date));
           q.bind(5, a.decision_id);
           q.bind(6, a.note);
           q.bind(7, author);
           q.bind(8, static_cast<int64_t>(ToUnixMillis(created)));
           q.exec();
           return Done{};
         })
      .status();
}

Result<std::vector<TherapistAction>> SqliteStore::ListTherapistActions(
    const std::string& program_id) {
  return Read<std::vector<TherapistAction>>(
      [&](sqlite::Connection& db) -> Result<std::vector<TherapistAction>> {
        sqlite::Prepared q(db, std::string("SELECT ") + kActionColumns +
                                   " FROM therapist_actions WHERE program_id = ? "
                                   "ORDER BY local_date, create_ms, id");
        q.bind(1, program_id);
        std::vector<TherapistAction> out;
        while (q.executeStep()) {
          PTRACK_ASSIGN_OR_RETURN(auto action, ActionFrom(q));
          out.push_back(std::move(action));
        }
        return out;
      });
}

Result<TherapistAction> SqliteStore::GetTherapistAction(const std::string& id) {
  return Read<TherapistAction>([&](sqlite::Connection& db) -> Result<TherapistAction> {
    sqlite::Prepared q(
        db, std::string("SELECT ") + kActionColumns + " FROM therapist_actions WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return Status::NotFound("action not found");
    return ActionFrom(q);
  });
}

Result<std::vector<TherapistAction>> SqliteStore::ListTherapistActionsAfter(
    const std::string& program_id, LocalDate after) {
  return Read<std::vector<TherapistAction>>(
      [&](sqlite::Connection& db) -> Result<std::vector<TherapistAction>> {
        sqlite::Prepared q(db, std::string("SELECT ") + kActionColumns +
                                   " FROM therapist_actions WHERE program_id = ? "
                                   "AND local_date > ? ORDER BY local_date, create_ms, id");
        q.bind(1, program_id);
        q.bind(2, FormatIsoDate(after));
        std::vector<TherapistAction> out;
        while (q.executeStep()) {
          PTRACK_ASSIGN_OR_RETURN(auto action, ActionFrom(q));
          out.push_back(std::move(action));
        }
        return out;
      });
}

// --- Checkpoints ------------------------------------------------------------------------------

Result<StoredCheckpoint> SqliteStore::GetCheckpoint(const std::string& program_id) {
  return Read<StoredCheckpoint>([&](sqlite::Connection& db) -> Result<StoredCheckpoint> {
    sqlite::Prepared q(db,
                       "SELECT c.key, c.body FROM programs g JOIN checkpoints c "
                       "ON c.program = g.key WHERE g.id = ?");
    q.bind(1, program_id);
    if (!q.executeStep()) return Status::NotFound("no checkpoint");
    // Derived data: a body this binary cannot read is as good as none (the engine replays from
    // the start and puts a new one).
    const SQLite::Column body = q.getColumn(1);
    auto checkpoint = json::DecodeCheckpoint(std::string(static_cast<const char*>(body.getBlob()),
                                                         static_cast<size_t>(body.getBytes())));
    if (!checkpoint.ok()) return Status::NotFound("no checkpoint this version can read");
    return StoredCheckpoint{q.getColumn(0).getString(), std::move(*checkpoint)};
  });
}

Status SqliteStore::PutCheckpoint(const std::string& program_id, const StoredCheckpoint& stored) {
  const std::string body = json::EncodeCheckpoint(stored.checkpoint);
  return Write<Done>([&](sqlite::Connection& db) -> Result<Done> {
           sqlite::Prepared program(db, "SELECT key FROM programs WHERE id = ?");
           program.bind(1, program_id);
           if (!program.executeStep()) return Status::NotFound("program not found");
           sqlite::Prepared q(db,
                              "INSERT INTO checkpoints(program, key, day, body) VALUES(?, ?, ?, ?) "
                              "ON CONFLICT(program) DO UPDATE SET key = excluded.key, "
                              "day = excluded.day, body = excluded.body");
           q.bind(1, program.getColumn(0).getInt64());
           q.bind(2, stored.key);
           q.bind(3, FormatIsoDate(stored.checkpoint.day));
           q.bind(4, body.data(), static_cast<int>(body.size()));  // a BLOB
           q.exec();
           return Done{};
         })
      .status();
}

}  // namespace ptrack
