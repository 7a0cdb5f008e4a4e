// SqliteStore: the append-only inputs of adaptive progression (next-morning pain reports and
// therapist actions) and the decisions derived from them.
#include <SQLiteCpp/Statement.h>

#include <cstdint>

#include "storage/json_codec.h"
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

}  // namespace

Status SqliteStore::AddPainFollowUp(const std::string& patient_id, const PainFollowUp& f,
                                    Instant reported) {
  return Write<Done>([&](sqlite::Connection& db) -> Result<Done> {
           sqlite::Prepared exists(db, "SELECT 1 FROM sessions WHERE patient_id = ? AND id = ?");
           exists.bind(1, patient_id);
           exists.bind(2, f.session_id);
           if (!exists.executeStep()) return Status::NotFound("session not found");
           sqlite::Prepared stored(
               db, "SELECT pain FROM pain_followups WHERE patient_id = ? AND session_id = ?");
           stored.bind(1, patient_id);
           stored.bind(2, f.session_id);
           if (stored.executeStep()) {
             if (stored.getColumn(0).getInt() == f.pain) return Done{};
             return Status::AlreadyExists("a different next-morning pain was already reported");
           }
           sqlite::Prepared q(db,
                              "INSERT INTO pain_followups(patient_id, session_id, pain, report_ms) "
                              "VALUES(?, ?, ?, ?)");
           q.bind(1, patient_id);
           q.bind(2, f.session_id);
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
                           "SELECT f.session_id, f.pain, f.report_ms FROM pain_followups f "
                           "JOIN sessions s ON s.patient_id = f.patient_id AND s.id = f.session_id "
                           "WHERE s.program_id = ? "
                           "ORDER BY f.session_id");
        q.bind(1, program_id);
        std::vector<PainFollowUp> out;
        while (q.executeStep()) {
          out.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt(),
                         FromUnixMillis(q.getColumn(2).getInt64())});
        }
        return out;
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

// The fingerprint is kept as SQLite's signed INTEGER, bit for bit.
Result<bool> SqliteStore::DecisionsDiffer(const std::string& program_id, uint64_t fingerprint) {
  const auto digest = static_cast<int64_t>(fingerprint);
  return Read<bool>([&](sqlite::Connection& db) -> Result<bool> {
    sqlite::Prepared q(db, "SELECT decisions_digest FROM programs WHERE id = ?");
    q.bind(1, program_id);
    if (!q.executeStep()) return Status::NotFound("program not found");
    return q.getColumn(0).isNull() || q.getColumn(0).getInt64() != digest;
  });
}

Status SqliteStore::SaveDecisions(const std::string& program_id,
                                  const std::vector<Decision>& decisions, uint64_t fingerprint) {
  const auto digest = static_cast<int64_t>(fingerprint);
  return Write<Done>([&](sqlite::Connection& db) -> Result<Done> {
           // Mark, then upsert what changed, then drop what the replay no longer produces.
           db.exec("CREATE TEMP TABLE IF NOT EXISTS kept_decisions(id TEXT PRIMARY KEY)");
           db.exec("DELETE FROM kept_decisions");
           sqlite::Prepared keep(db, "INSERT OR IGNORE INTO kept_decisions(id) VALUES(?)");
           sqlite::Prepared upsert(
               db,
               "INSERT INTO decisions(program_id, id, week, status, body) VALUES(?, ?, ?, ?, ?) "
               "ON CONFLICT(program_id, id) DO UPDATE SET week = excluded.week, "
               "status = excluded.status, body = excluded.body "
               "WHERE body <> excluded.body OR status <> excluded.status");
           for (const Decision& d : decisions) {
             keep.bind(1, d.id);
             keep.exec();
             keep.reset();
             upsert.bind(1, program_id);
             upsert.bind(2, d.id);
             upsert.bind(3, d.week);
             upsert.bind(4, static_cast<int>(d.status));
             upsert.bind(5, json::Encode(d).dump());
             upsert.exec();
             upsert.reset();
           }
           sqlite::Prepared drop(db,
                                 "DELETE FROM decisions WHERE program_id = ? AND id NOT IN "
                                 "(SELECT id FROM kept_decisions)");
           drop.bind(1, program_id);
           drop.exec();
           sqlite::Prepared note(db, "UPDATE programs SET decisions_digest = ? WHERE id = ?");
           note.bind(1, digest);
           note.bind(2, program_id);
           note.exec();
           return Done{};
         })
      .status();
}

Result<std::vector<Decision>> SqliteStore::ListDecisions(const std::string& program_id) {
  return Read<std::vector<Decision>>([&](sqlite::Connection& db) -> Result<std::vector<Decision>> {
    sqlite::Prepared q(db, "SELECT body FROM decisions WHERE program_id = ? ORDER BY week, id");
    q.bind(1, program_id);
    std::vector<Decision> out;
    while (q.executeStep()) {
      auto j = json::Parse(q.getColumn(0).getString());
      if (!j.ok()) return Status::Internal("stored decision is corrupt");
      auto d = json::DecodeDecision(*j);
      if (!d.ok()) return Status::Internal("stored decision is corrupt");
      out.push_back(std::move(*d));
    }
    return out;
  });
}

}  // namespace ptrack
