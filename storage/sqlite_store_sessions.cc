// SqliteStore: programs with their append-only revisions, sessions written exactly once per
// client id, and the per-day facts maintained in the same transaction as each session.
#include <SQLiteCpp/Statement.h>

#include "storage/json_codec.h"
#include "storage/sqlite_store.h"
#include "storage/sqlite_support.h"

namespace ptrack {
namespace {

constexpr const char* kProgramColumns = "id, patient_id, protocol_id, start_date, state, create_ms";

// Reads the program row under the cursor of `q` (kProgramColumns) and all its revisions.
Result<Program> ProgramFrom(sqlite::Connection& db, SQLite::Statement& q) {
  Program p;
  p.id = q.getColumn(0).getString();
  p.patient_id = q.getColumn(1).getString();
  p.protocol_id = q.getColumn(2).getString();
  p.start_date = sqlite::DateColumn(q.getColumn(3));
  p.state = static_cast<ProgramState>(q.getColumn(4).getInt());
  p.create_time = FromUnixMillis(q.getColumn(5).getInt64());
  sqlite::Prepared r(db,
                     "SELECT revision, effective_date, reason, author, create_ms, phases, rules "
                     "FROM program_revisions WHERE program_id = ? ORDER BY revision");
  r.bind(1, p.id);
  while (r.executeStep()) {
    ProgramRevision rev;
    rev.revision = r.getColumn(0).getInt();
    rev.effective_date = sqlite::DateColumn(r.getColumn(1));
    rev.reason = r.getColumn(2).getString();
    rev.author = r.getColumn(3).getString();
    rev.create_time = FromUnixMillis(r.getColumn(4).getInt64());
    auto j = json::Parse(r.getColumn(5).getString());
    if (!j.ok()) return Status::Internal("stored program revision is corrupt");
    auto phases = json::DecodePhases(*j);
    if (!phases.ok()) return Status::Internal("stored program revision is corrupt");
    rev.phases = std::move(*phases);
    if (!r.getColumn(6).isNull()) {  // NULL: recorded before rules were stored (zero rules)
      auto rj = json::Parse(r.getColumn(6).getString());
      if (!rj.ok()) return Status::Internal("stored program revision is corrupt");
      auto rules = json::DecodeRules(*rj);
      if (!rules.ok()) return Status::Internal("stored program revision is corrupt");
      rev.rules = std::move(*rules);
    }
    p.revisions.push_back(std::move(rev));
  }
  if (p.revisions.empty()) return Status::Internal("stored program has no revision");
  return p;
}

void InsertRevision(sqlite::Connection& db, const std::string& program_id,
                    const ProgramRevision& rev) {
  sqlite::Prepared r(db,
                     "INSERT INTO program_revisions(program_id, revision, effective_date, "
                     "reason, author, create_ms, phases, rules) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
  r.bind(1, program_id);
  r.bind(2, rev.revision);
  r.bind(3, FormatIsoDate(rev.effective_date));
  r.bind(4, rev.reason);
  r.bind(5, rev.author);
  r.bind(6, static_cast<int64_t>(ToUnixMillis(rev.create_time)));
  r.bind(7, json::EncodePhases(rev.phases).dump());
  r.bind(8, json::Encode(rev.rules).dump());
  r.exec();
}

Result<Program> LoadProgramWhere(sqlite::Connection& db, const char* where,
                                 const std::string& key) {
  sqlite::Prepared q(db,
                     std::string("SELECT ") + kProgramColumns + " FROM programs WHERE " + where);
  q.bind(1, key);
  if (!q.executeStep()) return Status::NotFound("program not found");
  return ProgramFrom(db, q);
}

constexpr const char* kSessionColumns =
    "id, patient_id, program_id, perform_ms, local_date, receive_ms, pain_before, pain_after, "
    "effort, notes, exercises, red_flags";

Result<Session> SessionFrom(SQLite::Statement& q) {
  Session s;
  s.id = q.getColumn(0).getString();
  s.patient_id = q.getColumn(1).getString();
  s.program_id = q.getColumn(2).getString();
  s.perform_time = FromUnixMillis(q.getColumn(3).getInt64());
  s.local_date = sqlite::DateColumn(q.getColumn(4));
  s.receive_time = FromUnixMillis(q.getColumn(5).getInt64());
  s.pain_before = q.getColumn(6).getInt();
  s.pain_after = q.getColumn(7).getInt();
  s.effort = q.getColumn(8).getInt();
  s.notes = q.getColumn(9).getString();
  auto j = json::Parse(q.getColumn(10).getString());
  if (!j.ok()) return Status::Internal("stored session is corrupt");
  auto logs = json::DecodeLogs(*j);
  if (!logs.ok()) return Status::Internal("stored session is corrupt");
  s.exercises = std::move(*logs);
  auto flags = json::Parse(q.getColumn(11).getString());
  if (!flags.ok() || !flags->is_array()) return Status::Internal("stored session is corrupt");
  for (const auto& f : *flags) {
    if (!f.is_string()) return Status::Internal("stored session is corrupt");
    s.red_flags.push_back(f.get<std::string>());
  }
  return s;
}

std::optional<Result<Session>> LoadSession(sqlite::Connection& db, const std::string& patient_id,
                                           const std::string& id) {
  sqlite::Prepared q(db, std::string("SELECT ") + kSessionColumns +
                             " FROM sessions WHERE patient_id = ? AND id = ?");
  q.bind(1, patient_id);
  q.bind(2, id);
  if (!q.executeStep()) return std::nullopt;
  return SessionFrom(q);
}

}  // namespace

// --- Programs --------------------------------------------------------------------------------

Result<Program> SqliteStore::CreateProgram(const Program& p) {
  return Write<Program>([&](sqlite::Connection& db) -> Result<Program> {
    auto existing = LoadProgramWhere(db, "id = ?", p.id);
    if (existing.ok()) {
      const ProgramRevision& stored_first = existing->revisions.front();
      const ProgramRevision& first = p.revisions.front();
      if (existing->patient_id == p.patient_id && existing->protocol_id == p.protocol_id &&
          existing->start_date == p.start_date && existing->state == p.state &&
          stored_first.effective_date == first.effective_date &&
          stored_first.phases == first.phases) {
        return existing;
      }
      return Status::AlreadyExists("a different program with this id already exists");
    }
    if (existing.status().code() != StatusCode::kNotFound) return existing.status();
    sqlite::Prepared active(db, "SELECT 1 FROM programs WHERE patient_id = ? AND state = 1");
    active.bind(1, p.patient_id);
    if (active.executeStep()) {
      return Status::FailedPrecondition("the patient already has an active program");
    }
    sqlite::Prepared q(
        db, std::string("INSERT INTO programs(") + kProgramColumns + ") VALUES(?, ?, ?, ?, ?, ?)");
    q.bind(1, p.id);
    q.bind(2, p.patient_id);
    q.bind(3, p.protocol_id);
    q.bind(4, FormatIsoDate(p.start_date));
    q.bind(5, static_cast<int>(p.state));
    q.bind(6, static_cast<int64_t>(ToUnixMillis(p.create_time)));
    q.exec();
    InsertRevision(db, p.id, p.revisions.front());
    return p;
  });
}

Result<Program> SqliteStore::GetProgram(const std::string& id) {
  return Read<Program>([&](sqlite::Connection& db) { return LoadProgramWhere(db, "id = ?", id); });
}

Result<Program> SqliteStore::GetActiveProgram(const std::string& patient_id) {
  return Read<Program>([&](sqlite::Connection& db) {
    return LoadProgramWhere(db, "patient_id = ? AND state = 1", patient_id);
  });
}

Result<ActiveProgramRef> SqliteStore::GetActiveProgramRef(const std::string& patient_id) {
  return Read<ActiveProgramRef>([&](sqlite::Connection& db) -> Result<ActiveProgramRef> {
    sqlite::Prepared q(db,
                       "SELECT id, start_date FROM programs WHERE patient_id = ? AND state = 1");
    q.bind(1, patient_id);
    if (!q.executeStep()) return Status::NotFound("program not found");
    return ActiveProgramRef{q.getColumn(0).getString(), sqlite::DateColumn(q.getColumn(1))};
  });
}

Result<std::vector<Program>> SqliteStore::ListPrograms(const std::string& patient_id) {
  return Read<std::vector<Program>>([&](sqlite::Connection& db) -> Result<std::vector<Program>> {
    sqlite::Prepared q(db, std::string("SELECT ") + kProgramColumns +
                               " FROM programs WHERE patient_id = ? ORDER BY create_ms DESC, id");
    q.bind(1, patient_id);
    std::vector<Program> out;
    while (q.executeStep()) {
      auto p = ProgramFrom(db, q);
      if (!p.ok()) return p.status();
      out.push_back(std::move(*p));
    }
    return out;
  });
}

Result<Program> SqliteStore::AppendRevision(const std::string& program_id,
                                            const ProgramRevision& revision, int expected_latest) {
  return Write<Program>([&](sqlite::Connection& db) -> Result<Program> {
    PTRACK_ASSIGN_OR_RETURN(auto program, LoadProgramWhere(db, "id = ?", program_id));
    if (program.latest().revision != expected_latest) {
      return Status::Aborted("the program changed since it was read; re-read and retry");
    }
    InsertRevision(db, program_id, revision);
    program.revisions.push_back(revision);
    return program;
  });
}

Result<std::vector<Session>> SqliteStore::ListProgramSessions(const std::string& program_id) {
  return Read<std::vector<Session>>([&](sqlite::Connection& db) -> Result<std::vector<Session>> {
    sqlite::Prepared q(db, std::string("SELECT ") + kSessionColumns +
                               " FROM sessions WHERE program_id = ? ORDER BY perform_ms, id");
    q.bind(1, program_id);
    std::vector<Session> out;
    while (q.executeStep()) {
      PTRACK_ASSIGN_OR_RETURN(auto s, SessionFrom(q));
      out.push_back(std::move(s));
    }
    return out;
  });
}

// --- Sessions --------------------------------------------------------------------------------

Result<LogResult> SqliteStore::LogSession(const Session& s) {
  return Write<LogResult>([&](sqlite::Connection& db) -> Result<LogResult> {
    if (auto stored = LoadSession(db, s.patient_id, s.id)) {
      if (!stored->ok()) return stored->status();
      if (!SamePayload(**stored, s)) {
        return Status::AlreadyExists("a different session with this id was already logged");
      }
      return LogResult{std::move(**stored), true};
    }
    sqlite::Prepared q(db, std::string("INSERT INTO sessions(") + kSessionColumns +
                               ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, s.id);
    q.bind(2, s.patient_id);
    q.bind(3, s.program_id);
    q.bind(4, static_cast<int64_t>(ToUnixMillis(s.perform_time)));
    q.bind(5, FormatIsoDate(s.local_date));
    q.bind(6, static_cast<int64_t>(ToUnixMillis(s.receive_time)));
    q.bind(7, s.pain_before);
    q.bind(8, s.pain_after);
    q.bind(9, s.effort);
    q.bind(10, s.notes);
    q.bind(11, json::EncodeLogs(s.exercises).dump());
    q.bind(12, nlohmann::json(s.red_flags).dump());
    q.exec();

    DailyFacts facts;
    facts.date = s.local_date;
    sqlite::Prepared f(db,
                       "SELECT sessions_done, exercises_done, max_pain FROM daily_facts "
                       "WHERE patient_id = ? AND local_date = ?");
    f.bind(1, s.patient_id);
    f.bind(2, FormatIsoDate(s.local_date));
    if (f.executeStep()) {
      facts.sessions_done = f.getColumn(0).getInt();
      facts.exercises_done = f.getColumn(1).getInt();
      facts.max_pain = f.getColumn(2).getInt();
    }
    facts = Accumulate(facts, s);
    sqlite::Prepared u(db,
                       "INSERT OR REPLACE INTO daily_facts(patient_id, local_date, sessions_done, "
                       "exercises_done, max_pain) VALUES(?, ?, ?, ?, ?)");
    u.bind(1, s.patient_id);
    u.bind(2, FormatIsoDate(s.local_date));
    u.bind(3, facts.sessions_done);
    u.bind(4, facts.exercises_done);
    u.bind(5, facts.max_pain);
    u.exec();
    return LogResult{s, false};
  });
}

Result<Session> SqliteStore::GetSession(const std::string& patient_id, const std::string& id) {
  return Read<Session>([&](sqlite::Connection& db) -> Result<Session> {
    auto s = LoadSession(db, patient_id, id);
    if (!s) return Status::NotFound("session not found");
    return std::move(*s);
  });
}

Result<Page<Session>> SqliteStore::ListSessions(const std::string& patient_id,
                                                std::optional<LocalDate> from,
                                                std::optional<LocalDate> to,
                                                const PageRequest& page) {
  return Read<Page<Session>>([&](sqlite::Connection& db) -> Result<Page<Session>> {
    // The cursor is "<perform_ms>/<id>" of the last row returned.
    int64_t after_ms = INT64_MAX;
    std::string after_id;
    if (!page.after.empty()) {
      const auto slash = page.after.find('/');
      if (slash == std::string::npos) return Status::InvalidArgument("page_token", "malformed");
      try {
        after_ms = std::stoll(page.after.substr(0, slash));
      } catch (const std::exception&) {
        return Status::InvalidArgument("page_token", "malformed");
      }
      after_id = page.after.substr(slash + 1);
    }
    std::string sql = std::string("SELECT ") + kSessionColumns +
                      " FROM sessions WHERE patient_id = ?1 AND (perform_ms < ?2 OR "
                      "(perform_ms = ?2 AND ?3 <> '' AND id < ?3))";
    if (from) sql += " AND local_date >= ?4";
    if (to) sql += " AND local_date <= ?5";
    sql += " ORDER BY perform_ms DESC, id DESC LIMIT ?6";
    sqlite::Prepared q(db, sql);
    q.bind(1, patient_id);
    q.bind(2, static_cast<int64_t>(after_ms));
    q.bind(3, after_id);
    if (from) q.bind(4, FormatIsoDate(*from));
    if (to) q.bind(5, FormatIsoDate(*to));
    q.bind(6, sqlite::PageLimit(page) + 1);
    return sqlite::CollectPage<Session>(q, page, SessionFrom, [](const Session& last) {
      return std::to_string(ToUnixMillis(last.perform_time)) + "/" + last.id;
    });
  });
}

Result<std::vector<DailyFacts>> SqliteStore::GetDailyFacts(const std::string& patient_id,
                                                           LocalDate from, LocalDate to) {
  return Read<std::vector<DailyFacts>>(
      [&](sqlite::Connection& db) -> Result<std::vector<DailyFacts>> {
        sqlite::Prepared q(db,
                           "SELECT local_date, sessions_done, exercises_done, max_pain "
                           "FROM daily_facts WHERE patient_id = ? AND local_date BETWEEN ? AND ? "
                           "ORDER BY local_date");
        q.bind(1, patient_id);
        q.bind(2, FormatIsoDate(from));
        q.bind(3, FormatIsoDate(to));
        std::vector<DailyFacts> out;
        while (q.executeStep()) {
          DailyFacts f;
          f.date = sqlite::DateColumn(q.getColumn(0));
          f.sessions_done = q.getColumn(1).getInt();
          f.exercises_done = q.getColumn(2).getInt();
          f.max_pain = q.getColumn(3).getInt();
          out.push_back(f);
        }
        return out;
      });
}

}  // namespace ptrack
