// SqliteStore: programs with their append-only revisions, sessions written exactly once per
// (patient, client id), and the per-day facts maintained in the same transaction as each session.
//
// Sessions are stored compactly (schema 12): an integer surrogate key, the patient and program by
// their integer keys, the day as a day number, and the exercise logs as JSON arrays naming each
// exercise by its key in exercise_keys — [key, sets, reps, hold, load, band, side, pain, [pyramid
// steps]], trailing defaults (no steps, pain -1, side 0, band "", load 0, hold, reps, sets 0) left
// out. Programs carry their discharge and pauses (schema 16). Revisions name their
// phases and rules by their key in revision_bodies, where each distinct body is stored once.
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <unordered_map>

#include "storage/json_codec.h"
#include "storage/revision_body_cache.h"
#include "storage/sqlite_store.h"
#include "storage/sqlite_support.h"

namespace ptrack {
namespace {

// --- Dictionaries -----------------------------------------------------------------------------

// The exercise ids that stored logs name, by key (exercise_keys). Entries never change or go
// (triggers refuse it), so what one call has looked up stays true for the call.
class ExerciseKeys {
 public:
  explicit ExerciseKeys(sqlite::Connection& db) : db_(db) {}

  // The id of `key`. Throws std::runtime_error (a corrupt row: INTERNAL) when there is none.
  const std::string& Id(int64_t key) {
    auto it = ids_.find(key);
    if (it != ids_.end()) return it->second;
    sqlite::Prepared q(db_, "SELECT id FROM exercise_keys WHERE key = ?");
    q.bind(1, key);
    if (!q.executeStep()) throw std::runtime_error("stored exercise log names no exercise");
    return ids_.emplace(key, q.getColumn(0).getString()).first->second;
  }

  // The key of `id`, added when the dictionary does not have it yet. Writers only.
  int64_t KeyOf(const std::string& id) {
    sqlite::Prepared q(db_, "SELECT key FROM exercise_keys WHERE id = ?");
    q.bind(1, id);
    if (q.executeStep()) return q.getColumn(0).getInt64();
    sqlite::Prepared add(db_, "INSERT INTO exercise_keys(id) VALUES(?)");
    add.bind(1, id);
    add.exec();
    return db_.getLastInsertRowid();
  }

 private:
  sqlite::Connection& db_;
  std::unordered_map<int64_t, std::string> ids_;
};

// The key of `body` in revision_bodies, added when new.
int64_t RevisionBodyKey(sqlite::Connection& db, const std::string& body) {
  sqlite::Prepared q(db, "SELECT key FROM revision_bodies WHERE body = ?");
  q.bind(1, body);
  if (q.executeStep()) return q.getColumn(0).getInt64();
  sqlite::Prepared add(db, "INSERT INTO revision_bodies(body) VALUES(?)");
  add.bind(1, body);
  add.exec();
  return db.getLastInsertRowid();
}

// --- Exercise logs ----------------------------------------------------------------------------

std::string EncodeStoredLogs(const std::vector<ExerciseLog>& logs, ExerciseKeys& keys) {
  static const nlohmann::json kDefaults =
      nlohmann::json::array({nullptr, 0, 0, 0, 0, "", 0, -1, nlohmann::json::array()});
  nlohmann::json out = nlohmann::json::array();
  for (const ExerciseLog& l : logs) {
    nlohmann::json a =
        nlohmann::json::array({keys.KeyOf(l.exercise_id), l.sets, l.reps, l.hold_seconds, l.load_kg,
                               l.band, static_cast<int>(l.side), l.pain, l.pyramid_reps});
    while (a.size() > 1 && a.back() == kDefaults[a.size() - 1]) a.erase(a.size() - 1);
    out.push_back(std::move(a));
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Reads a stored log list as the parser meets it (nlohmann's SAX interface), with no document
// tree: a day with many sessions is read often (every evaluation reads 30 days), and building a
// tree per session was most of the read's cost. Any shape but an array of arrays of at most eight
// scalars, a key first, then optionally an array of integers (a pyramid's steps), refuses the
// text.
class LogsReader {
 public:
  using json = nlohmann::json;
  struct Log {
    int64_t key = 0;
    ExerciseLog log;
  };
  std::vector<Log> logs;

  bool null() { return false; }
  bool boolean(bool) { return false; }
  bool number_integer(json::number_integer_t v) { return Integer(v); }
  bool number_unsigned(json::number_unsigned_t v) {
    return v <= static_cast<json::number_unsigned_t>(INT64_MAX) && Integer(static_cast<int64_t>(v));
  }
  bool number_float(json::number_float_t v, const json::string_t&) {
    if (depth_ != 2 || index_ != 4) return false;  // only the load may have a fraction
    logs.back().log.load_kg = v;
    return Next();
  }
  bool string(json::string_t& v) {
    if (depth_ != 2 || index_ != 5) return false;
    logs.back().log.band = std::move(v);
    return Next();
  }
  bool binary(json::binary_t&) { return false; }
  bool start_object(std::size_t) { return false; }
  bool end_object() { return false; }
  bool key(json::string_t&) { return false; }
  bool start_array(std::size_t) {
    if (depth_ == 2 && index_ == 8) {  // a pyramid's steps
      ++depth_;
      return true;
    }
    if (depth_ >= 2) return false;
    if (++depth_ == 2) {
      logs.emplace_back();
      index_ = 0;
    }
    return true;
  }
  bool end_array() {
    if (depth_ == 3) {
      --depth_;
      return Next();
    }
    if (depth_ == 2 && index_ == 0) return false;  // a log names its exercise
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }

 private:
  bool Integer(int64_t v) {
    if (depth_ == 3) {
      if (v < 0 || v > 1000 || logs.back().log.pyramid_reps.size() >= 100) return false;
      logs.back().log.pyramid_reps.push_back(static_cast<int>(v));
      return true;
    }
    if (depth_ != 2) return false;
    ExerciseLog& l = logs.back().log;
    if (index_ == 0) {
      logs.back().key = v;
      return Next();
    }
    if (index_ == 4) {  // the load: any number
      l.load_kg = static_cast<double>(v);
      return Next();
    }
    if (v < -1000000 || v > 1000000) return false;
    const int n = static_cast<int>(v);
    switch (index_) {
      case 1:
        l.sets = n;
        break;
      case 2:
        l.reps = n;
        break;
      case 3:
        l.hold_seconds = n;
        break;
      case 6:
        if (n < 0 || n > static_cast<int>(Side::kRight)) return false;
        l.side = static_cast<Side>(n);
        break;
      case 7:
        l.pain = n;
        break;
      default:
        return false;  // a band is a string
    }
    return Next();
  }
  bool Next() { return ++index_ <= 9; }

  int depth_ = 0;
  int index_ = 0;
};

// Decodes what EncodeStoredLogs wrote, and the full eight-element (or, from before per-exercise
// pain, seven-element) arrays that step 12 copied.
Result<std::vector<ExerciseLog>> DecodeStoredLogs(const std::string& text, ExerciseKeys& keys) {
  LogsReader reader;
  if (!nlohmann::json::sax_parse(text, &reader)) {
    return Status::Internal("stored session is corrupt");
  }
  std::vector<ExerciseLog> logs;
  logs.reserve(reader.logs.size());
  for (LogsReader::Log& l : reader.logs) {
    l.log.exercise_id = keys.Id(l.key);
    logs.push_back(std::move(l.log));
  }
  return logs;
}

// Reads a stored list of red-flag ids: an array of strings ("[]" for almost every session).
class StringsReader {
 public:
  using json = nlohmann::json;
  std::vector<std::string> strings;

  bool null() { return false; }
  bool boolean(bool) { return false; }
  bool number_integer(json::number_integer_t) { return false; }
  bool number_unsigned(json::number_unsigned_t) { return false; }
  bool number_float(json::number_float_t, const json::string_t&) { return false; }
  bool string(json::string_t& v) {
    if (depth_ != 1) return false;
    strings.push_back(std::move(v));
    return true;
  }
  bool binary(json::binary_t&) { return false; }
  bool start_object(std::size_t) { return false; }
  bool end_object() { return false; }
  bool key(json::string_t&) { return false; }
  bool start_array(std::size_t) { return ++depth_ == 1; }
  bool end_array() { return --depth_ == 0; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }

 private:
  int depth_ = 0;
};

// --- Programs ---------------------------------------------------------------------------------

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
                     "SELECT r.revision, r.effective_date, r.reason, r.author, r.create_ms, "
                     "ph.body, ru.body FROM program_revisions r "
                     "JOIN revision_bodies ph ON ph.key = r.phases "
                     "LEFT JOIN revision_bodies ru ON ru.key = r.rules "
                     "WHERE r.program_id = ? ORDER BY r.revision");
  r.bind(1, p.id);
  while (r.executeStep()) {
    ProgramRevision rev;
    rev.revision = r.getColumn(0).getInt();
    rev.effective_date = sqlite::DateColumn(r.getColumn(1));
    rev.reason = r.getColumn(2).getString();
    rev.author = r.getColumn(3).getString();
    rev.create_time = FromUnixMillis(r.getColumn(4).getInt64());
    RevisionBodyCache& bodies = RevisionBodyCache::Shared();
    auto phases = bodies.Phases(r.getColumn(5).getString());
    if (!phases.ok()) return Status::Internal("stored program revision is corrupt");
    rev.phases = std::move(*phases);
    if (!r.getColumn(6).isNull()) {  // NULL: recorded before rules were stored (zero rules)
      auto rules = bodies.Rules(r.getColumn(6).getString());
      if (!rules.ok()) return Status::Internal("stored program revision is corrupt");
      rev.rules = std::move(*rules);
    }
    p.revisions.push_back(std::move(rev));
  }
  if (p.revisions.empty()) return Status::Internal("stored program has no revision");
  sqlite::Prepared d(db,
                     "SELECT end_date, reason, note, author, create_ms FROM program_discharges "
                     "WHERE program_id = ?");
  d.bind(1, p.id);
  if (d.executeStep()) {
    Discharge out;
    out.date = sqlite::DateColumn(d.getColumn(0));
    const int reason = d.getColumn(1).getInt();
    if (reason < 1 || reason > static_cast<int>(DischargeReason::kDroppedOut)) {
      return Status::Internal("stored discharge is corrupt");
    }
    out.reason = static_cast<DischargeReason>(reason);
    out.note = d.getColumn(2).getString();
    out.author = d.getColumn(3).getString();
    out.create_time = FromUnixMillis(d.getColumn(4).getInt64());
    p.discharge = std::move(out);
  }
  sqlite::Prepared pauses(db,
                          "SELECT pause_id, start_date, end_date, reason, author, create_ms "
                          "FROM program_pauses WHERE program_id = ? ORDER BY start_date, pause_id");
  pauses.bind(1, p.id);
  while (pauses.executeStep()) {
    Pause pause;
    pause.id = pauses.getColumn(0).getString();
    pause.start = sqlite::DateColumn(pauses.getColumn(1));
    if (!pauses.getColumn(2).isNull()) pause.end = sqlite::DateColumn(pauses.getColumn(2));
    pause.reason = pauses.getColumn(3).getString();
    pause.author = pauses.getColumn(4).getString();
    pause.create_time = FromUnixMillis(pauses.getColumn(5).getInt64());
    p.pauses.push_back(std::move(pause));
  }
  return p;
}

void InsertRevision(sqlite::Connection& db, const std::string& program_id,
                    const ProgramRevision& rev) {
  const int64_t phases = RevisionBodyKey(db, json::EncodePhases(rev.phases).dump());
  const int64_t rules = RevisionBodyKey(db, json::Encode(rev.rules).dump());
  sqlite::Prepared r(db,
                     "INSERT INTO program_revisions(program_id, revision, effective_date, "
                     "reason, author, create_ms, phases, rules) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
  r.bind(1, program_id);
  r.bind(2, rev.revision);
  r.bind(3, FormatIsoDate(rev.effective_date));
  r.bind(4, rev.reason);
  r.bind(5, rev.author);
  r.bind(6, static_cast<int64_t>(ToUnixMillis(rev.create_time)));
  r.bind(7, phases);
  r.bind(8, rules);
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

// --- Sessions ---------------------------------------------------------------------------------

// Every session read selects these, from `sessions s` joined to `patients p` and `programs g`.
constexpr const char* kSessionColumns =
    "s.id, p.id, g.id, s.perform_ms, s.day, s.receive_ms, s.pain_before, s.pain_after, "
    "s.effort, s.notes, s.logs, s.red_flags";

Result<Session> SessionFrom(SQLite::Statement& q, ExerciseKeys& keys) {
  Session s;
  s.id = q.getColumn(0).getString();
  s.patient_id = q.getColumn(1).getString();
  s.program_id = q.getColumn(2).getString();
  s.perform_time = FromUnixMillis(q.getColumn(3).getInt64());
  s.local_date = sqlite::DayColumn(q.getColumn(4));
  s.receive_time = FromUnixMillis(q.getColumn(5).getInt64());
  s.pain_before = q.getColumn(6).getInt();
  s.pain_after = q.getColumn(7).getInt();
  s.effort = q.getColumn(8).getInt();
  s.notes = q.getColumn(9).getString();
  PTRACK_ASSIGN_OR_RETURN(s.exercises, DecodeStoredLogs(q.getColumn(10).getString(), keys));
  StringsReader flags;
  if (!nlohmann::json::sax_parse(q.getColumn(11).getString(), &flags)) {
    return Status::Internal("stored session is corrupt");
  }
  s.red_flags = std::move(flags.strings);
  return s;
}

// Steps `q` (selecting kSessionColumns) to its end.
Result<std::vector<Session>> CollectSessions(sqlite::Connection& db, SQLite::Statement& q) {
  ExerciseKeys keys(db);
  std::vector<Session> out;
  while (q.executeStep()) {
    PTRACK_ASSIGN_OR_RETURN(auto s, SessionFrom(q, keys));
    out.push_back(std::move(s));
  }
  return out;
}

std::optional<Result<Session>> LoadSession(sqlite::Connection& db, const std::string& patient_id,
                                           const std::string& id) {
  sqlite::Prepared q(db, std::string("SELECT ") + kSessionColumns +
                             " FROM patients p JOIN sessions s ON s.patient = p.key "
                             "JOIN programs g ON g.key = s.program "
                             "WHERE p.id = ? AND s.id = ?");
  q.bind(1, patient_id);
  q.bind(2, id);
  if (!q.executeStep()) return std::nullopt;
  ExerciseKeys keys(db);
  return SessionFrom(q, keys);
}

// The integer key of the row of `table` (patients or programs) with this id.
std::optional<int64_t> KeyOf(sqlite::Connection& db, const char* table, const std::string& id) {
  sqlite::Prepared q(db, std::string("SELECT key FROM ") + table + " WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep() || q.getColumn(0).isNull()) return std::nullopt;
  return q.getColumn(0).getInt64();
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
    // key: the next small integer (the per-session tables name the program by it).
    sqlite::Prepared q(db, std::string("INSERT INTO programs(") + kProgramColumns +
                               ", key) VALUES(?, ?, ?, ?, ?, ?, "
                               "(SELECT coalesce(max(key), 0) + 1 FROM programs))");
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

Result<Program> SqliteStore::DischargeProgram(const std::string& program_id,
                                              const Discharge& discharge) {
  return Write<Program>([&](sqlite::Connection& db) -> Result<Program> {
    PTRACK_ASSIGN_OR_RETURN(auto program, LoadProgramWhere(db, "id = ?", program_id));
    if (program.state != ProgramState::kActive) {
      const Discharge& was = program.discharge.value_or(Discharge{});
      if (program.discharge && was.date == discharge.date && was.reason == discharge.reason &&
          was.note == discharge.note) {
        return program;  // a retry
      }
      return Status::FailedPrecondition("the program has already ended");
    }
    sqlite::Prepared end(db, "UPDATE programs SET state = ? WHERE id = ?");
    end.bind(1, static_cast<int>(ProgramState::kEnded));
    end.bind(2, program_id);
    end.exec();
    sqlite::Prepared add(db,
                         "INSERT INTO program_discharges(program_id, end_date, reason, note, "
                         "author, create_ms) VALUES(?, ?, ?, ?, ?, ?)");
    add.bind(1, program_id);
    add.bind(2, FormatIsoDate(discharge.date));
    add.bind(3, static_cast<int>(discharge.reason));
    add.bind(4, discharge.note);
    add.bind(5, discharge.author);
    add.bind(6, static_cast<int64_t>(ToUnixMillis(discharge.create_time)));
    add.exec();
    // The report row described the program's evaluation; without an active program the patient
    // has none (ListPatientStatus answers the patient without a summary).
    sqlite::Prepared drop(db, "DELETE FROM patient_status WHERE patient_id = ?");
    drop.bind(1, program.patient_id);
    drop.exec();
    program.state = ProgramState::kEnded;
    program.discharge = discharge;
    return program;
  });
}

Result<Program> SqliteStore::AddPause(const std::string& program_id, const Pause& pause) {
  return Write<Program>([&](sqlite::Connection& db) -> Result<Program> {
    PTRACK_ASSIGN_OR_RETURN(auto program, LoadProgramWhere(db, "id = ?", program_id));
    for (const Pause& p : program.pauses) {
      if (p.id != pause.id) continue;
      if (p.start == pause.start && p.end == pause.end && p.reason == pause.reason) {
        return program;  // a retry
      }
      return Status::AlreadyExists("pause_id is already used for another pause");
    }
    if (program.state != ProgramState::kActive) {
      return Status::FailedPrecondition("the program has ended");
    }
    for (const Pause& p : program.pauses) {
      const bool empty = p.end && *p.end < p.start;  // cancelled before it began
      if (!empty && (!p.end || pause.start <= *p.end) && (!pause.end || p.start <= *pause.end)) {
        return Status::FailedPrecondition("the program already has a pause from " +
                                          FormatIsoDate(p.start) + "; resume it first");
      }
    }
    sqlite::Prepared add(db,
                         "INSERT INTO program_pauses(program_id, pause_id, start_date, end_date, "
                         "reason, author, create_ms) VALUES(?, ?, ?, ?, ?, ?, ?)");
    add.bind(1, program_id);
    add.bind(2, pause.id);
    add.bind(3, FormatIsoDate(pause.start));
    if (pause.end) {
      add.bind(4, FormatIsoDate(*pause.end));
    } else {
      add.bind(4);
    }
    add.bind(5, pause.reason);
    add.bind(6, pause.author);
    add.bind(7, static_cast<int64_t>(ToUnixMillis(pause.create_time)));
    add.exec();
    program.pauses.push_back(pause);
    std::sort(program.pauses.begin(), program.pauses.end(),
              [](const Pause& a, const Pause& b) { return a.start < b.start; });
    return program;
  });
}

Result<Program> SqliteStore::EndPause(const std::string& program_id, const std::string& pause_id,
                                      LocalDate last_day) {
  return Write<Program>([&](sqlite::Connection& db) -> Result<Program> {
    PTRACK_ASSIGN_OR_RETURN(auto program, LoadProgramWhere(db, "id = ?", program_id));
    auto it = std::find_if(program.pauses.begin(), program.pauses.end(),
                           [&](const Pause& p) { return p.id == pause_id; });
    if (it == program.pauses.end()) return Status::NotFound("pause not found");
    if (it->end && *it->end <= last_day) {
      return Status::FailedPrecondition("the pause already ends by " + FormatIsoDate(*it->end));
    }
    sqlite::Prepared end(db,
                         "UPDATE program_pauses SET end_date = ? WHERE program_id = ? AND "
                         "pause_id = ?");
    end.bind(1, FormatIsoDate(last_day));
    end.bind(2, program_id);
    end.bind(3, pause_id);
    end.exec();
    it->end = last_day;
    return program;
  });
}

// --- A program's sessions ----------------------------------------------------------------------

Result<std::vector<Session>> SqliteStore::ListProgramSessions(const std::string& program_id) {
  return Read<std::vector<Session>>([&](sqlite::Connection& db) -> Result<std::vector<Session>> {
    sqlite::Prepared q(db, std::string("SELECT ") + kSessionColumns +
                               " FROM programs g JOIN sessions s ON s.program = g.key "
                               "JOIN patients p ON p.key = s.patient "
                               "WHERE g.id = ? ORDER BY s.perform_ms, s.id");
    q.bind(1, program_id);
    return CollectSessions(db, q);
  });
}

Result<std::vector<Session>> SqliteStore::ListProgramSessionsFrom(const std::string& program_id,
                                                                  LocalDate from) {
  return Read<std::vector<Session>>([&](sqlite::Connection& db) -> Result<std::vector<Session>> {
    sqlite::Prepared q(db, std::string("SELECT ") + kSessionColumns +
                               " FROM programs g JOIN sessions s ON s.program = g.key "
                               "JOIN patients p ON p.key = s.patient "
                               "WHERE g.id = ? AND s.perform_ms >= ? AND s.day >= ? "
                               "ORDER BY s.perform_ms, s.id");
    q.bind(1, program_id);
    q.bind(2, sqlite::PerformMsFloor(from));
    q.bind(3, sqlite::DayNumber(from));
    return CollectSessions(db, q);
  });
}

Result<int64_t> SqliteStore::LatestSessionKey() {
  return Read<int64_t>([&](sqlite::Connection& db) -> Result<int64_t> {
    sqlite::Prepared q(db, "SELECT max(key) FROM sessions");
    if (!q.executeStep() || q.getColumn(0).isNull()) return int64_t{0};
    return q.getColumn(0).getInt64();
  });
}

Result<std::vector<std::pair<int64_t, Session>>> SqliteStore::ListPatientSessionsAfter(
    const std::string& patient_id, int64_t after_key, Instant since) {
  using Keyed = std::vector<std::pair<int64_t, Session>>;
  return Read<Keyed>([&](sqlite::Connection& db) -> Result<Keyed> {
    // By the patient's receive-time index (its rows carry the key): from `since` on.
    sqlite::Prepared q(db, std::string("SELECT ") + kSessionColumns +
                               ", s.key FROM patients p "
                               "JOIN sessions s ON s.patient = p.key AND s.receive_ms >= ? "
                               "JOIN programs g ON g.key = s.program "
                               "WHERE p.id = ? AND s.key > ? ORDER BY s.key");
    q.bind(1, static_cast<int64_t>(ToUnixMillis(since)));
    q.bind(2, patient_id);
    q.bind(3, after_key);
    ExerciseKeys keys(db);
    Keyed out;
    while (q.executeStep()) {
      PTRACK_ASSIGN_OR_RETURN(auto s, SessionFrom(q, keys));
      out.emplace_back(q.getColumn(12).getInt64(), std::move(s));
    }
    return out;
  });
}

Result<std::optional<LocalDate>> SqliteStore::EarliestSessionDayReceivedSince(
    const std::string& program_id, Instant at) {
  return Read<std::optional<LocalDate>>(
      [&](sqlite::Connection& db) -> Result<std::optional<LocalDate>> {
        // By the patient's receive-time index: a patient's sessions since `at` are almost always
        // all of its active program's.
        sqlite::Prepared q(
            db,
            "SELECT min(s.day) FROM programs g JOIN patients p ON p.id = g.patient_id "
            "JOIN sessions s ON s.patient = p.key AND s.receive_ms >= ? "
            "WHERE g.id = ? AND s.program = g.key");
        q.bind(1, static_cast<int64_t>(ToUnixMillis(at)));
        q.bind(2, program_id);
        if (!q.executeStep() || q.getColumn(0).isNull()) return std::optional<LocalDate>{};
        return std::optional<LocalDate>{sqlite::DayColumn(q.getColumn(0))};
      });
}

// --- Sessions --------------------------------------------------------------------------------

namespace {

// The body of LogSession inside its transaction.
Result<LogResult> StoreSession(sqlite::Connection& db, const Session& s) {
  if (auto stored = LoadSession(db, s.patient_id, s.id)) {
    if (!stored->ok()) return stored->status();
    if (!SamePayload(**stored, s)) {
      return Status::AlreadyExists("a different session with this id was already logged");
    }
    return LogResult{std::move(**stored), true};
  }
  const auto patient = KeyOf(db, "patients", s.patient_id);
  const auto program = KeyOf(db, "programs", s.program_id);
  if (!patient || !program) {
    return Status::FailedPrecondition("the change conflicts with stored data");
  }
  ExerciseKeys keys(db);
  sqlite::Prepared q(db,
                     "INSERT INTO sessions(patient, id, program, perform_ms, day, receive_ms, "
                     "pain_before, pain_after, effort, notes, logs, red_flags) "
                     "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, *patient);
  q.bind(2, s.id);
  q.bind(3, *program);
  q.bind(4, static_cast<int64_t>(ToUnixMillis(s.perform_time)));
  q.bind(5, sqlite::DayNumber(s.local_date));
  q.bind(6, static_cast<int64_t>(ToUnixMillis(s.receive_time)));
  q.bind(7, s.pain_before);
  q.bind(8, s.pain_after);
  q.bind(9, s.effort);
  q.bind(10, s.notes);
  q.bind(11, EncodeStoredLogs(s.exercises, keys));
  q.bind(12, nlohmann::json(s.red_flags).dump());
  q.exec();

  DailyFacts facts;
  facts.date = s.local_date;
  sqlite::Prepared f(db,
                     "SELECT sessions_done, exercises_done, max_pain FROM daily_facts "
                     "WHERE patient = ? AND day = ?");
  f.bind(1, *patient);
  f.bind(2, sqlite::DayNumber(s.local_date));
  if (f.executeStep()) {
    facts.sessions_done = f.getColumn(0).getInt();
    facts.exercises_done = f.getColumn(1).getInt();
    facts.max_pain = f.getColumn(2).getInt();
  }
  facts = Accumulate(facts, s);
  sqlite::Prepared u(db,
                     "INSERT OR REPLACE INTO daily_facts(patient, day, sessions_done, "
                     "exercises_done, max_pain) VALUES(?, ?, ?, ?, ?)");
  u.bind(1, *patient);
  u.bind(2, sqlite::DayNumber(s.local_date));
  u.bind(3, facts.sessions_done);
  u.bind(4, facts.exercises_done);
  u.bind(5, facts.max_pain);
  u.exec();
  return LogResult{s, false};
}

}  // namespace

Result<LogResult> SqliteStore::LogSession(const Session& s, const AuditEvent* audit) {
  return Write<LogResult>([&](sqlite::Connection& db) -> Result<LogResult> {
    Result<LogResult> logged = StoreSession(db, s);
    if (logged.ok() && audit != nullptr) {
      try {
        sqlite::InsertAudit(db, *audit);
      } catch (const SQLite::Exception& e) {
        // The row is refused (the session with it: the savepoint rolls back); an I/O error
        // ends the whole batch in CommitBatch instead.
        return Status::Unavailable("the session could not be recorded in the audit log (" +
                                   sqlite::FromException(e).message() + "); nothing was stored");
      }
    }
    return logged;
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
    // The index orders by perform time; rows of equal perform time are sorted by id (a small
    // sort of each run of equal times).
    std::string sql = std::string("SELECT ") + kSessionColumns +
                      " FROM patients p JOIN sessions s ON s.patient = p.key "
                      "JOIN programs g ON g.key = s.program "
                      "WHERE p.id = ?1 AND s.perform_ms <= ?2 AND (s.perform_ms < ?2 OR "
                      "(?3 <> '' AND s.id < ?3))";
    if (from) sql += " AND s.perform_ms >= ?4 AND s.day >= ?5";
    if (to) sql += " AND s.perform_ms <= ?6 AND s.day <= ?7";
    sql += " ORDER BY s.perform_ms DESC, s.id DESC LIMIT ?8";
    sqlite::Prepared q(db, sql);
    q.bind(1, patient_id);
    q.bind(2, static_cast<int64_t>(after_ms));
    q.bind(3, after_id);
    if (from) {
      q.bind(4, sqlite::PerformMsFloor(*from));
      q.bind(5, sqlite::DayNumber(*from));
    }
    if (to) {
      q.bind(6, sqlite::PerformMsCeiling(*to));
      q.bind(7, sqlite::DayNumber(*to));
    }
    q.bind(8, sqlite::PageLimit(page) + 1);
    ExerciseKeys keys(db);
    return sqlite::CollectPage<Session>(
        q, page, [&](SQLite::Statement& row) { return SessionFrom(row, keys); },
        [](const Session& last) {
          return std::to_string(ToUnixMillis(last.perform_time)) + "/" + last.id;
        });
  });
}

Result<std::vector<DailyFacts>> SqliteStore::GetDailyFacts(const std::string& patient_id,
                                                           LocalDate from, LocalDate to) {
  return Read<std::vector<DailyFacts>>(
      [&](sqlite::Connection& db) -> Result<std::vector<DailyFacts>> {
        sqlite::Prepared q(db,
                           "SELECT f.day, f.sessions_done, f.exercises_done, f.max_pain "
                           "FROM patients p JOIN daily_facts f ON f.patient = p.key "
                           "WHERE p.id = ? AND f.day BETWEEN ? AND ? ORDER BY f.day");
        q.bind(1, patient_id);
        q.bind(2, sqlite::DayNumber(from));
        q.bind(3, sqlite::DayNumber(to));
        std::vector<DailyFacts> out;
        while (q.executeStep()) {
          DailyFacts f;
          f.date = sqlite::DayColumn(q.getColumn(0));
          f.sessions_done = q.getColumn(1).getInt();
          f.exercises_done = q.getColumn(2).getInt();
          f.max_pain = q.getColumn(3).getInt();
          out.push_back(f);
        }
        return out;
      });
}

}  // namespace ptrack
