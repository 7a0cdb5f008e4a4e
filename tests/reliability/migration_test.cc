// Schema migrations (storage/migrations.h) on real files. A database as every earlier ptrack wrote
// it — built with MigrateTo(v) and filled with the rows of a database written through the current
// store, cut down to the columns version v had — upgrades on open with every row intact: each
// old column of each row is unchanged, the store reads every record back as written (fields that
// did not exist yet read as their documented defaults), the file passes integrity and foreign-key
// checks, and its schema is exactly that of a database migrated from empty. A database written by
// a newer ptrack is refused by the real ptrackd with a message naming both versions, and the file
// is left byte for byte as it was. The real ptrackd killed (SIGKILL) at random moments while it
// migrates a large database leaves, after every kill, exactly the schema of some version between
// the old and the new one — never a mix — with every row intact, and a run to completion then
// reaches the latest version.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "storage/json_codec.h"
#include "storage/migrations.h"
#include "storage/sqlite_store.h"
#include "tests/integration/process.h"
#include "tests/reliability/migration_world.h"
#include "tests/reliability/store_answers.h"

namespace ptrack::testing {
namespace {

using std::chrono::milliseconds;

// --- Looking at database files ----------------------------------------------------------------

int UserVersion(SQLite::Database& db) { return db.execAndGet("PRAGMA user_version").getInt(); }

// "ok", or what PRAGMA integrity_check found.
std::string Integrity(SQLite::Database& db) {
  SQLite::Statement q(db, "PRAGMA integrity_check");
  std::string out;
  while (q.executeStep()) out += (out.empty() ? "" : "; ") + q.getColumn(0).getString();
  return out;
}

// One line per violation of PRAGMA foreign_key_check; empty when there are none.
std::vector<std::string> ForeignKeyViolations(SQLite::Database& db) {
  SQLite::Statement q(db, "PRAGMA foreign_key_check");
  std::vector<std::string> out;
  while (q.executeStep()) {
    out.push_back(q.getColumn(0).getString() + " row " + q.getColumn(1).getString() + " -> " +
                  q.getColumn(2).getString());
  }
  return out;
}

// Every schema object as "type name on table: sql" (whitespace runs collapsed), sorted.
std::vector<std::string> Schema(SQLite::Database& db) {
  SQLite::Statement q(db, "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master");
  std::vector<std::string> out;
  while (q.executeStep()) {
    std::istringstream words(q.getColumn(3).getString());
    std::string sql, word;
    while (words >> word) sql += (sql.empty() ? "" : " ") + word;
    out.push_back(q.getColumn(0).getString() + " " + q.getColumn(1).getString() + " on " +
                  q.getColumn(2).getString() + ": " + sql);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The schema of a database migrated from empty to `version`.
const std::vector<std::string>& FreshSchema(int version) {
  static std::map<int, std::vector<std::string>> cache;
  auto it = cache.find(version);
  if (it == cache.end()) {
    SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    const Status s = MigrateTo(db, version);
    INFO(s.ToString());
    REQUIRE(s.ok());
    it = cache.emplace(version, Schema(db)).first;
  }
  return it->second;
}

// The tables of schema `schema` ("main", or an attached one), by name.
std::vector<std::string> Tables(SQLite::Database& db, const std::string& schema) {
  SQLite::Statement q(db, "SELECT name FROM " + schema +
                              ".sqlite_master WHERE type = 'table' AND name NOT LIKE "
                              "'sqlite_%' ORDER BY name");
  std::vector<std::string> out;
  while (q.executeStep()) out.push_back(q.getColumn(0).getString());
  return out;
}

// The columns of `table` as "a, b, c", in declaration order.
std::string ColumnList(SQLite::Database& db, const std::string& schema, const std::string& table) {
  SQLite::Statement q(db, "SELECT name FROM pragma_table_info(?, ?)");
  q.bind(1, table);
  q.bind(2, schema);
  std::string out;
  while (q.executeStep()) out += (out.empty() ? "" : ", ") + q.getColumn(0).getString();
  return out;
}

int64_t Count(SQLite::Database& db, const std::string& sql) {
  return db.execAndGet(sql).getInt64();
}

// --- A database written through the current store ---------------------------------------------

// A checkpoint of World's program as an engine would store it.
StoredCheckpoint WorldCheckpoint(const World& w) {
  StoredCheckpoint stored;
  stored.key = "engine 2; zone America/Chicago; catalogue 7";
  Checkpoint& cp = stored.checkpoint;
  cp.day = Ymd(2026, 3, 15);
  cp.keep_days = 42;
  cp.state.revision = 2;
  cp.state.phase_started = w.program.start_date;
  CurrentPrescription rx;
  rx.prescribed_id = rx.exercise_id = "band-row";
  rx.dose = w.decision.new_dose;
  rx.trail = {{"band-row", w.decision.old_dose, 1}};
  rx.why = w.decision.explanation;
  rx.changed_on = w.decision.effective_date;
  cp.state.prescriptions = {rx};
  cp.kept.states = {{w.program.start_date, cp.state}};
  cp.kept.decisions = {w.decision};
  cp.kept.facts.last_session = w.sessions[1].local_date;
  return stored;
}

std::string StatusText(const Status& s) { return s.ToString(); }
template <typename T>
std::string StatusText(const Result<T>& r) {
  return r.status().ToString();
}
#define PTRACK_REQUIRE(expr)     \
  do {                           \
    auto&& ptrack_r_ = (expr);   \
    INFO(#expr);                 \
    INFO(StatusText(ptrack_r_)); \
    REQUIRE(ptrack_r_.ok());     \
  } while (0)

// Writes `w` through a SqliteStore on a new file at `path` (the latest schema version), and a
// checkpoint of its program (a table since schema 12).
void WriteWorld(const std::string& path, const World& w) {
  auto opened = SqliteStore::Open(path);
  PTRACK_REQUIRE(opened);
  Store& store = **opened;
  PTRACK_REQUIRE(WriteWorldRecords(store, w));
  PTRACK_REQUIRE(WriteEpisodeRecords(store, w, MakeEpisodeRecords(w)));
  PTRACK_REQUIRE(store.PutCheckpoint(w.program.id, WorldCheckpoint(w)));
}

// `w` as a database of schema version `v` held it, read after the upgrade: what version v could
// not store reads as the defaults its migration documents.
World AsUpgradedFrom(World w, int v) {
  if (v < 2) {  // no red flags, rules, follow-ups, therapist actions or decisions
    for (Session& s : w.sessions) s.red_flags.clear();
    for (ProgramRevision& r : w.program.revisions) r.rules = ProgressionRules{};
  }
  if (v < 3) {  // no clinic-defined catalogue entries
    w.exercises.pop_back();
  }
  if (v < 4) {  // no sign-in throttling or idle expiry: counters zero, last use = creation
    for (Account& a : w.accounts) {
      a.failed_sign_ins = 0;
      a.last_failed_sign_in = Instant{};
    }
    w.token.last_use_time = w.token.create_time;
    w.audit.clear();
  }
  if (v < 11) {  // no disabled accounts (schema 11): every account upgrades enabled
    for (Account& a : w.accounts) a.disabled = false;
  }
  return w;
}

// Reads everything `w` holds through `store` and checks it equals `w`, as held by a database
// created at schema version `v` and upgraded. `extras`: the database also holds these
// (migration_world.h), which show in the lists that `w`'s records share with them.
void CheckReadsBack(Store& store, const World& w, int v, const Extras* extras = nullptr) {
  auto clinic = store.GetClinic(w.clinic.id);
  PTRACK_REQUIRE(clinic);
  CHECK(clinic->display_name == w.clinic.display_name);
  CHECK(clinic->time_zone == w.clinic.time_zone);
  for (const Account& a : w.accounts) {
    auto read = store.GetAccount(a.username);
    PTRACK_REQUIRE(read);
    CHECK(Show(*read) == Show(a));
  }
  auto therapist = store.GetTherapist(w.therapist.id);
  PTRACK_REQUIRE(therapist);
  CHECK(Show(*therapist) == Show(w.therapist));
  auto patient = store.GetPatient(w.patient.id);
  PTRACK_REQUIRE(patient);
  CHECK(Show(*patient) == Show(w.patient));
  // Written at the latest version: the zone change, the program, its two revisions, three
  // sessions, a report, an action, a pause and an outcome response; copied as it is into every
  // version from 12 (which has the column); nothing since.
  CHECK(patient->data_version == (v >= 12 ? 11 : 0));
  auto patients = store.ListPatients(w.clinic.id, w.therapist.id, PageRequest{});
  PTRACK_REQUIRE(patients);
  // Ordered by id: Casey (Ana's too) comes first.
  CHECK(ShowAll(patients->items) ==
        (extras ? Show(extras->casey) + "\n" : std::string()) + Show(w.patient) + "\n");

  // The catalogue: every entry reads back; listed for the clinic are exactly those it had.
  for (const Exercise& e : w.exercises) {
    auto read = store.GetExercise(e.id);
    PTRACK_REQUIRE(read);
    CHECK(json::Encode(*read).dump() == json::Encode(e).dump());
    CHECK(read->clinic_id == e.clinic_id);
  }
  auto listed = store.ListExercises(Region::kUnspecified, PageRequest{}, w.clinic.id);
  PTRACK_REQUIRE(listed);
  CHECK(listed->items.size() == w.exercises.size());
  auto protocol = store.GetProtocol(w.protocol.id);
  PTRACK_REQUIRE(protocol);
  CHECK(*protocol == w.protocol);
  auto protocols = store.ListProtocols(PageRequest{}, w.clinic.id);
  PTRACK_REQUIRE(protocols);
  CHECK(protocols->items.size() == (v >= 3 ? 2u : 1u));

  auto program = store.GetProgram(w.program.id);
  PTRACK_REQUIRE(program);
  CHECK(Show(*program) == Show(w.program));
  auto active = store.GetActiveProgram(w.patient.id);
  PTRACK_REQUIRE(active);
  CHECK(Show(*active) == Show(w.program));

  std::vector<Session> newest_first(w.sessions.rbegin(), w.sessions.rend());
  auto sessions = store.ListSessions(w.patient.id, std::nullopt, std::nullopt, PageRequest{});
  PTRACK_REQUIRE(sessions);
  CHECK(ShowAll(sessions->items) == ShowAll(newest_first));
  auto program_sessions = store.ListProgramSessions(w.program.id);
  PTRACK_REQUIRE(program_sessions);
  CHECK(ShowAll(*program_sessions) == ShowAll(w.sessions));
  for (const Session& s : w.sessions) {
    auto read = store.GetSession(s.patient_id, s.id);
    PTRACK_REQUIRE(read);
    CHECK(Show(*read) == Show(s));
  }
  auto facts = store.GetDailyFacts(w.patient.id, Ymd(2026, 3, 1), Ymd(2026, 3, 31));
  PTRACK_REQUIRE(facts);
  REQUIRE(facts->size() == w.sessions.size());
  for (size_t i = 0; i < w.sessions.size(); ++i) {
    CHECK((*facts)[i] == Accumulate(DailyFacts{w.sessions[i].local_date}, w.sessions[i]));
  }
  auto receive =
      store.ListReceiveTimes(w.patient.id, At(Ymd(2026, 3, 1), 0), At(Ymd(2026, 4, 1), 0));
  PTRACK_REQUIRE(receive);
  CHECK(receive->size() == w.sessions.size());

  auto token = store.GetToken(w.token.token_hash);
  PTRACK_REQUIRE(token);
  CHECK(Show(*token) == Show(w.token));

  // Tables a version did not have start empty.
  auto followups = store.ListPainFollowUps(w.program.id);
  PTRACK_REQUIRE(followups);
  auto actions = store.ListTherapistActions(w.program.id);
  PTRACK_REQUIRE(actions);
  // Decisions are no longer stored (schema 12 drops them, whatever version wrote them), and a
  // database from before schema 12 has no checkpoint: the engine replays from the start.
  auto checkpoint = store.GetCheckpoint(w.program.id);
  if (v >= 12) {
    PTRACK_REQUIRE(checkpoint);
    CHECK(checkpoint->key == WorldCheckpoint(w).key);
    CHECK(checkpoint->checkpoint.kept.decisions == std::vector<Decision>{w.decision});
  } else {
    CHECK(checkpoint.status().code() == StatusCode::kNotFound);
  }
  if (v >= 2) {
    REQUIRE(followups->size() == 1);
    CHECK((*followups)[0].session_id == w.followup.session_id);
    CHECK((*followups)[0].pain == w.followup.pain);
    CHECK(ShowAll(*actions) == Show(w.action) + "\n");
    auto action = store.GetTherapistAction(w.action_id);
    PTRACK_REQUIRE(action);
    CHECK(Show(*action) == Show(w.action));
  } else {
    CHECK(followups->empty());
    CHECK(actions->empty());
  }
  auto audit = store.ListAudit(w.clinic.id, "", PageRequest{});
  PTRACK_REQUIRE(audit);
  std::vector<AuditEvent> audit_newest_first(w.audit.rbegin(), w.audit.rend());
  if (extras && !w.audit.empty()) {
    // Summit's attempt at Casey's sessions (event 4) is shown to Casey's clinic; Riley's own
    // (event 3) is not.
    audit_newest_first.insert(
        audit_newest_first.begin(),
        AuditEvent{4, At(Ymd(2026, 2, 11), 3), "tess.ngata", Role::kTherapist, "summit", "casey",
                   "/ptrack.v1.SessionService/ListSessions", "PERMISSION_DENIED"});
  }
  CHECK(ShowAll(audit->items) == ShowAll(audit_newest_first));

  auto episodes = store.ListRtmEpisodes(w.patient.id);
  PTRACK_REQUIRE(episodes);
  auto entries = store.ListRtmTimeEntries(w.patient.id, Ymd(2026, 3, 1), Ymd(2026, 3, 31));
  PTRACK_REQUIRE(entries);
  CHECK(ShowAll(*episodes) == (v >= 6 ? Show(w.episode) + "\n" : ""));
  CHECK(ShowAll(*entries) == (v >= 6 ? Show(w.entry) + "\n" : ""));

  auto summary = store.GetPatientSummary(w.patient.id);
  auto alerts = store.ListAlerts(w.clinic.id, "", 0, 100);
  PTRACK_REQUIRE(alerts);
  if (v >= 7) {
    PTRACK_REQUIRE(summary);
    CHECK(json::Encode(*summary).dump() == json::Encode(w.summary).dump());
    CHECK(ShowAll(*alerts) == Show(w.alert) + "\n");
  } else {
    CHECK(summary.status().code() == StatusCode::kNotFound);
    CHECK(alerts->empty());
  }

  // Episodes of care from version 16, outcome measures from 17 (migration_world.h).
  const EpisodeRecords e = MakeEpisodeRecords(w);
  if (v >= 16) {
    auto past = store.GetProgram(e.past.id);
    PTRACK_REQUIRE(past);
    CHECK(past->state == ProgramState::kEnded);
    CHECK(past->discharge == e.discharge);
    auto current = store.GetProgram(w.program.id);
    PTRACK_REQUIRE(current);
    CHECK(current->pauses == std::vector<Pause>{e.pause});
  }
  if (v >= 17) {
    auto responses = store.ListOutcomeResponses(w.program.id);
    PTRACK_REQUIRE(responses);
    REQUIRE(responses->size() == 1);
    const OutcomeResponseRecord& r = responses->front();
    CHECK(r.result == e.response.result);
    CHECK(r.answers == e.response.answers);
    CHECK(r.percent == e.response.percent);
    CHECK(r.answer_time == e.response.answer_time);
    auto settings = store.ListProgramInstruments(w.program.id);
    PTRACK_REQUIRE(settings);
    CHECK(*settings == std::vector<ProgramInstrument>{e.instrument});
  }

  // Secrets exist from version 9; an older database gets its first one when it is first asked
  // for (here, last: it is a write).
  auto secret = store.GetOrCreateSecret(w.secret_name, "created after the upgrade");
  PTRACK_REQUIRE(secret);
  CHECK(*secret == (v >= 9 ? w.secret : std::string("created after the upgrade")));
}

// --- Building a database as version v wrote it -------------------------------------------------

// Whether `schema` has a table `table`.
bool HasTable(SQLite::Database& db, const std::string& schema, const std::string& table) {
  SQLite::Statement q(
      db, "SELECT 1 FROM " + schema + ".sqlite_master WHERE type = 'table' AND name = ?");
  q.bind(1, table);
  return q.executeStep();
}

// How an old column of `table` reads from its row `t` in the latest schema: the column itself,
// or, for the columns schema 12 stored another way, the expression that gives back the value as
// it was written (ids from integer keys, ISO dates from day numbers, exercise logs with their
// exercise ids, revision bodies from their dictionary). Empty for a column that is gone
// (programs.decisions_digest).
std::string OldColumn(const std::string& table, const std::string& column) {
  static const std::map<std::pair<std::string, std::string>, std::string> rewritten = {
      {{"sessions", "patient_id"}, "(SELECT p.id FROM main.patients p WHERE p.key = t.patient)"},
      {{"sessions", "program_id"}, "(SELECT g.id FROM main.programs g WHERE g.key = t.program)"},
      {{"sessions", "local_date"}, "date(t.day * 86400, 'unixepoch')"},
      {{"sessions", "exercises"},
       "(SELECT json_group_array(json_replace(e.value, '$[0]', k.id)) FROM json_each(t.logs) e "
       "JOIN main.exercise_keys k ON k.key = e.value ->> 0)"},
      {{"pain_followups", "patient_id"},
       "(SELECT p.id FROM main.sessions s JOIN main.patients p ON p.key = s.patient "
       "WHERE s.key = t.session)"},
      {{"pain_followups", "session_id"},
       "(SELECT s.id FROM main.sessions s WHERE s.key = t.session)"},
      {{"daily_facts", "patient_id"}, "(SELECT p.id FROM main.patients p WHERE p.key = t.patient)"},
      {{"daily_facts", "local_date"}, "date(t.day * 86400, 'unixepoch')"},
      {{"program_revisions", "phases"},
       "(SELECT b.body FROM main.revision_bodies b WHERE b.key = t.phases)"},
      {{"program_revisions", "rules"},
       "(SELECT b.body FROM main.revision_bodies b WHERE b.key = t.rules)"},
      {{"programs", "decisions_digest"}, ""},
  };
  auto it = rewritten.find({table, column});
  return it == rewritten.end() ? "t." + column : it->second;
}

// The old columns `cols` ("a, b, c") of `table` as the latest schema gives them back (OldColumn),
// and the columns themselves as the old table had them; columns that are gone are left out of
// both.
std::pair<std::string, std::string> OldColumns(const std::string& table, const std::string& cols) {
  std::string upgraded, original;
  std::istringstream in(cols);
  std::string col;
  while (std::getline(in, col, ',')) {
    col.erase(0, col.find_first_not_of(' '));
    const std::string expr = OldColumn(table, col);
    if (expr.empty()) continue;
    upgraded += (upgraded.empty() ? "" : ", ") + expr + " AS " + col;
    original += (original.empty() ? "" : ", ") + col;
  }
  return {upgraded, original};
}

// The rows of `table` that version `v` could hold: no clinic-defined catalogue entries before
// version 3 introduced them, and before version 10 (session ids unique per patient) not the
// session of Riley's that reuses Casey's id.
std::string RowsOfVersion(const std::string& table, int v) {
  if ((table == "exercises" || table == "protocols") && v < 3) return " WHERE clinic_id IS NULL";
  if (table == "sessions" && v < 10) return " WHERE patient_id <> 'riley'";
  return "";
}

// The schema-11 fixture: the database the schema-11 release wrote with migration_world.h's
// records (tests/reliability/data/make_schema11.cc), recreated at `path` from its SQL dump.
void LoadSchema11Fixture(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec(ReadFile(PTRACK_RELIABILITY_DATA "/schema11.sql"));
  REQUIRE(UserVersion(db) == 11);
  CHECK(Schema(db) == FreshSchema(11));
}

// Creates `path` at schema version `v` and copies into it, from the schema-11 database `source`,
// the rows version v could hold (RowsOfVersion) in the columns its tables had. Returns each
// table's columns.
std::map<std::string, std::string> BuildOldDatabase(const std::string& path, int v,
                                                    const std::string& source) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  const Status migrated = MigrateTo(db, v);
  INFO(migrated.ToString());
  REQUIRE(migrated.ok());
  REQUIRE(UserVersion(db) == v);
  SQLite::Statement attach(db, "ATTACH DATABASE ? AS src");
  attach.bind(1, source);
  attach.exec();
  std::map<std::string, std::string> columns;
  {
    SQLite::Transaction tx(db);
    for (const std::string& table : Tables(db, "main")) {
      const std::string cols = ColumnList(db, "main", table);
      columns[table] = cols;
      db.exec("INSERT INTO main." + table + "(" + cols + ") SELECT " + cols + " FROM src." + table +
              RowsOfVersion(table, v));
    }
    tx.commit();
  }
  db.exec("DETACH DATABASE src");
  return columns;
}

TEST_CASE("migrations: a database from every earlier schema version upgrades with its rows intact",
          "[reliability]") {
  TempDir dir;
  const World world = MakeWorld();
  const std::string latest = dir.path() + "/latest.db";
  WriteWorld(latest, world);
  {
    // Every table of the latest schema has rows, so every table is carried through the upgrades
    // — except a table the latest step created, which no earlier version has to carry yet: the
    // next step makes it old, and this check then asks the world for its rows.
    SQLite::Database previous(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    REQUIRE(MigrateTo(previous, LatestSchemaVersion() - 1).ok());
    const std::vector<std::string> carried = Tables(previous, "main");
    SQLite::Database db(latest, SQLite::OPEN_READWRITE);
    REQUIRE(UserVersion(db) == LatestSchemaVersion());
    for (const std::string& table : Tables(db, "main")) {
      INFO("table " << table);
      if (std::find(carried.begin(), carried.end(), table) == carried.end()) continue;
      CHECK(Count(db, "SELECT count(*) FROM " + table) > 0);
    }
  }
  {
    // The reference: everything reads back as written at the latest version.
    auto store = SqliteStore::Open(latest);
    PTRACK_REQUIRE(store);
    CheckReadsBack(**store, world, LatestSchemaVersion());
  }
  // The older databases are cut from what the schema-11 release wrote (the latest schema's tables
  // are no longer a superset of the old ones').
  const std::string v11 = dir.path() + "/schema11.db";
  LoadSchema11Fixture(v11);
  {
    // Every table of schema 11 has rows, so every table is carried through the upgrades.
    SQLite::Database db(v11, SQLite::OPEN_READONLY);
    for (const std::string& table : Tables(db, "main")) {
      INFO("table " << table);
      CHECK(Count(db, "SELECT count(*) FROM " + table) > 0);
    }
  }

  // Versions up to the fixture's are cut from it; later ones are the fixture upgraded to them
  // (below).
  constexpr int kFixtureVersion = 11;
  for (int v = 1; v <= kFixtureVersion && v < LatestSchemaVersion(); ++v) {
    INFO("created at schema version " << v);
    const std::string path = dir.path() + "/v" + std::to_string(v) + ".db";
    const std::map<std::string, std::string> old_columns = BuildOldDatabase(path, v, v11);

    // Opening migrates; the store reads every record as version v held it.
    const World expected = AsUpgradedFrom(world, v);
    {
      auto store = SqliteStore::Open(path);
      PTRACK_REQUIRE(store);
      const Extras extras = MakeExtras(world);
      CheckReadsBack(**store, expected, v, &extras);
    }

    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    CHECK(UserVersion(db) == LatestSchemaVersion());
    CHECK(Integrity(db) == "ok");
    CHECK(ForeignKeyViolations(db).empty());
    CHECK(Schema(db) == FreshSchema(LatestSchemaVersion()));
    // Every old column of every row is as it was: the same rows, no more, no fewer. The columns
    // schema 12 stores another way are read back as written (OldColumn); the decisions table
    // and programs.decisions_digest are gone.
    SQLite::Statement attach(db, "ATTACH DATABASE ? AS src");
    attach.bind(1, v11);
    attach.exec();
    for (const auto& [table, cols] : old_columns) {
      INFO("table " << table << " (" << cols << ")");
      if (table == "decisions") {
        CHECK_FALSE(HasTable(db, "main", table));
        continue;
      }
      const auto [upgraded_cols, original_cols] = OldColumns(table, cols);
      INFO("compared: " << upgraded_cols);
      const std::string upgraded = "SELECT " + upgraded_cols + " FROM main." + table + " t";
      const std::string original =
          "SELECT " + original_cols + " FROM src." + table + RowsOfVersion(table, v);
      CHECK(Count(db, "SELECT count(*) FROM main." + table) ==
            Count(db, "SELECT count(*) FROM (" + original + ")"));
      CHECK(Count(db, "SELECT count(*) FROM (" + upgraded + " EXCEPT " + original + ")") == 0);
      CHECK(Count(db, "SELECT count(*) FROM (" + original + " EXCEPT " + upgraded + ")") == 0);
    }
    db.exec("DETACH DATABASE src");
  }

  // A database at a version after the fixture's: the schema-11 release's database as a server of
  // that version left it (migrated to v), kept aside as written, then opened by this one.
  for (int v = kFixtureVersion + 1; v < LatestSchemaVersion(); ++v) {
    INFO("upgraded to schema version " << v << " and then to the latest");
    const std::string written = dir.path() + "/v" + std::to_string(v) + "-written.db";
    const std::string path = dir.path() + "/v" + std::to_string(v) + ".db";
    LoadSchema11Fixture(written);
    {
      SQLite::Database db(written, SQLite::OPEN_READWRITE);
      const Status migrated = MigrateTo(db, v);
      INFO(migrated.ToString());
      REQUIRE(migrated.ok());
    }
    std::filesystem::copy_file(written, path);
    {
      auto store = SqliteStore::Open(path);
      PTRACK_REQUIRE(store);
      const Extras extras = MakeExtras(world);
      CheckReadsBack(**store, AsUpgradedFrom(world, kFixtureVersion), kFixtureVersion, &extras);
    }
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    CHECK(UserVersion(db) == LatestSchemaVersion());
    CHECK(Integrity(db) == "ok");
    CHECK(ForeignKeyViolations(db).empty());
    CHECK(Schema(db) == FreshSchema(LatestSchemaVersion()));
    // Every table version v had keeps every row, column for column.
    SQLite::Statement attach(db, "ATTACH DATABASE ? AS src");
    attach.bind(1, written);
    attach.exec();
    for (const std::string& table : Tables(db, "src")) {
      const std::string cols = ColumnList(db, "src", table);
      INFO("table " << table << " (" << cols << ")");
      const std::string upgraded = "SELECT " + cols + " FROM main." + table;
      const std::string original = "SELECT " + cols + " FROM src." + table;
      CHECK(Count(db, "SELECT count(*) FROM main." + table) ==
            Count(db, "SELECT count(*) FROM src." + table));
      CHECK(Count(db, "SELECT count(*) FROM (" + upgraded + " EXCEPT " + original + ")") == 0);
      CHECK(Count(db, "SELECT count(*) FROM (" + original + " EXCEPT " + upgraded + ")") == 0);
    }
    db.exec("DETACH DATABASE src");
  }
}

// The rows schema 12 rebuilt, read through the store after migrating what the schema-11 release
// wrote: every answer is the one that release gave (its answers were recorded with the same
// reads, store_answers.h), and the reads new in schema 12 agree with them.
TEST_CASE("migrations: the schema-11 release's database answers every read as that release did",
          "[reliability]") {
  TempDir dir;
  const std::string path = dir.path() + "/schema11.db";
  LoadSchema11Fixture(path);
  {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    CHECK(Count(db, "SELECT count(*) FROM decisions") > 0);  // what schema 12 drops
    CHECK(Count(db, "SELECT count(*) FROM programs WHERE decisions_digest IS NOT NULL") > 0);
  }
  const World w = MakeWorld();
  const Extras x = MakeExtras(w);
  const std::string expected = ReadFile(PTRACK_RELIABILITY_DATA "/schema11_answers.txt");
  REQUIRE_FALSE(expected.empty());
  auto opened = SqliteStore::Open(path);
  PTRACK_REQUIRE(opened);
  Store& store = **opened;
  const std::string answers = StoreAnswers(store, w, x);
  if (answers != expected) {
    // The first answer that differs, with its heading.
    std::istringstream a(answers), e(expected);
    std::string la, le, heading;
    int line = 0;
    while (std::getline(e, le)) {
      ++line;
      if (!std::getline(a, la)) la = "(no more answers)";
      if (le.rfind("## ", 0) == 0) heading = le;
      if (la != le) {
        FAIL_CHECK("line " << line << " under " << heading << "\n  was: " << le
                           << "\n  now: " << la);
        break;
      }
    }
  }
  CHECK(answers.size() == expected.size());
  CHECK(answers == expected);

  // The windowed reads of schema 12 return exactly the matching rows of the full reads, on the
  // migrated rows (ties, late receipts, reports received late, the ended program).
  for (const std::string& program : {x.active.id, x.ended.id, w.program.id}) {
    auto all = store.ListProgramSessions(program);
    auto reports = store.ListPainFollowUps(program);
    auto actions = store.ListTherapistActions(program);
    PTRACK_REQUIRE(all);
    PTRACK_REQUIRE(reports);
    PTRACK_REQUIRE(actions);
    for (LocalDate from = Ymd(2026, 1, 5); from <= Ymd(2026, 3, 20); from += date::days{1}) {
      INFO(program << " from " << FormatIsoDate(from));
      std::vector<Session> want;
      for (const Session& s : *all) {
        if (s.local_date >= from) want.push_back(s);
      }
      auto got = store.ListProgramSessionsFrom(program, from);
      PTRACK_REQUIRE(got);
      CHECK(ShowAll(*got) == ShowAll(want));
      const Instant at = At(from, 9, 30);
      std::optional<LocalDate> earliest;
      for (const Session& s : *all) {
        if (s.receive_time >= at && (!earliest || s.local_date < *earliest))
          earliest = s.local_date;
      }
      auto got_earliest = store.EarliestSessionDayReceivedSince(program, at);
      PTRACK_REQUIRE(got_earliest);
      CHECK(got_earliest->has_value() == earliest.has_value());
      if (earliest && got_earliest->has_value()) {
        CHECK(FormatIsoDate(**got_earliest) == FormatIsoDate(*earliest));
      }
      std::vector<PainFollowUp> want_reports;
      for (const PainFollowUp& f : *reports) {
        bool from_session = false;
        for (const Session& s : *all) from_session |= s.id == f.session_id && s.local_date >= from;
        if (from_session || f.received >= at) want_reports.push_back(f);
      }
      auto got_reports = store.ListPainFollowUpsSince(program, from, at);
      PTRACK_REQUIRE(got_reports);
      CHECK(ShowAll(*got_reports) == ShowAll(want_reports));
      std::vector<TherapistAction> want_actions;
      for (const TherapistAction& a : *actions) {
        if (a.date > from) want_actions.push_back(a);
      }
      auto got_actions = store.ListTherapistActionsAfter(program, from);
      PTRACK_REQUIRE(got_actions);
      CHECK(ShowAll(*got_actions) == ShowAll(want_actions));
    }
  }

  // Nothing was bumped by the copy; the next input bumps it, and a new session's logs are
  // written in the compact form and read back whole.
  for (const char* p : {"jordan", "casey", "riley"}) {
    auto patient = store.GetPatient(p);
    PTRACK_REQUIRE(patient);
    CHECK(patient->data_version == 0);
  }
  Session next = x.sessions[2];
  next.id = "5a000000-0000-4000-8000-000000000099";
  next.perform_time = At(Ymd(2026, 3, 10), 2);
  next.local_date = Ymd(2026, 3, 10);
  next.receive_time = next.perform_time + std::chrono::minutes{1};
  PTRACK_REQUIRE(store.LogSession(next));
  auto read = store.GetSession("casey", next.id);
  PTRACK_REQUIRE(read);
  CHECK(Show(*read) == Show(next));
  CHECK(store.GetPatient("casey")->data_version == 1);
  CHECK(store.GetPatient("jordan")->data_version == 0);
}

// --- A newer database through the real binary ------------------------------------------------

TEST_CASE("migrations: ptrackd refuses a database from a newer version and leaves it untouched",
          "[reliability]") {
  TempDir dir;
  const std::string path = dir.path() + "/future.db";
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE sessions_v99(id TEXT PRIMARY KEY, body BLOB) STRICT");
    db.exec("INSERT INTO sessions_v99 VALUES ('a', x'00ff'), ('b', NULL)");
    db.exec("PRAGMA user_version = 99");
  }
  const std::string before = ReadFile(path);
  std::vector<std::string> schema_before;
  {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    schema_before = Schema(db);
  }

  RunResult run = RunWithDeadline({PTRACKD, "--db", path, "--grpc-listen", "127.0.0.1:0",
                                   "--http-listen", "off", "--port-file", dir.path() + "/port"},
                                  {}, milliseconds(20000));
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK_FALSE(run.timed_out);
  CHECK(run.exit_code == 1);
  CHECK(run.err.find("schema version 99 is newer than this ptrackd supports (" +
                     std::to_string(LatestSchemaVersion()) + ")") != std::string::npos);
  CHECK(run.err.find(path) != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/port"));  // never served

  CHECK(ReadFile(path) == before);
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    INFO(suffix);
    CHECK_FALSE(std::filesystem::exists(path + suffix));
  }
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  CHECK(UserVersion(db) == 99);
  CHECK(Schema(db) == schema_before);
  CHECK(Count(db, "SELECT count(*) FROM sessions_v99") == 2);
}

// --- Kills during migration --------------------------------------------------------------------

constexpr int kKillFromVersion = 1;  // steps 2, 6 and 10 index every session; 12 rebuilds them
constexpr int kKillSessions = 200000;
constexpr int kKills = 8;

// What must survive any kill: the rows, summed so that any change to one shows.
struct Content {
  int64_t sessions = 0, perform = 0, receive = 0, scores = 0, text = 0, facts = 0, facts_sum = 0;
  // The dates and the exercise logs, read the same way from either storage of them (schema 12
  // made dates day numbers and logs name exercises by key).
  int64_t days = 0, logs = 0, log_values = 0, loads = 0;
  bool operator==(const Content&) const = default;
};

Content ReadContent(SQLite::Database& db) {
  const bool compact = UserVersion(db) >= 12;
  SQLite::Statement q(db, std::string("SELECT count(*), sum(perform_ms), sum(receive_ms), "
                                      "sum(pain_before + 11 * pain_after + 121 * effort), "
                                      "sum(length(id) + length(notes)), ") +
                              (compact ? "sum(day)" : "sum(unixepoch(local_date) / 86400)") +
                              " FROM sessions");
  q.executeStep();
  Content c;
  c.sessions = q.getColumn(0).getInt64();
  c.perform = q.getColumn(1).getInt64();
  c.receive = q.getColumn(2).getInt64();
  c.scores = q.getColumn(3).getInt64();
  c.text = q.getColumn(4).getInt64();
  c.days = q.getColumn(5).getInt64();
  // [exercise, sets, reps, hold, load, band, side, pain]; trailing defaults may be left out.
  SQLite::Statement logs(
      db, std::string("SELECT count(*), sum(length(") + (compact ? "k.id" : "e.value ->> 0") +
              ") + length(coalesce(e.value ->> 5, '')) + coalesce(e.value ->> 1, 0) + "
              "3 * coalesce(e.value ->> 2, 0) + 7 * coalesce(e.value ->> 3, 0) + "
              "11 * coalesce(e.value ->> 6, 0) + 13 * coalesce(e.value ->> 7, -1)), "
              "CAST(round(1000 * sum(coalesce(e.value ->> 4, 0))) AS INTEGER) " +
              (compact ? "FROM sessions s, json_each(s.logs) e "
                         "JOIN exercise_keys k ON k.key = e.value ->> 0"
                       : "FROM sessions s, json_each(s.exercises) e"));
  logs.executeStep();
  c.logs = logs.getColumn(0).getInt64();
  c.log_values = logs.getColumn(1).getInt64();
  c.loads = logs.getColumn(2).getInt64();
  c.facts = Count(db, "SELECT count(*) FROM daily_facts");
  c.facts_sum = Count(db, "SELECT sum(sessions_done) FROM daily_facts");
  return c;
}

// A database at kKillFromVersion with one clinic, therapist and patient whose (ended) program
// has kKillSessions sessions, with their daily facts.
void BuildLargeDatabase(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  REQUIRE(MigrateTo(db, kKillFromVersion).ok());
  const World w = MakeWorld();
  SQLite::Transaction tx(db);
  db.exec("INSERT INTO clinics VALUES ('harbour', 'Harbour Physio', 'America/New_York')");
  for (const Account& a : w.accounts) {
    SQLite::Statement q(db, "INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(1, a.username);
    q.bind(2, a.password_hash);
    q.bind(3, static_cast<int>(a.role));
    q.bind(4, a.clinic_id);
    q.bind(5, a.subject_id);
    q.bind(6, static_cast<int64_t>(ToUnixMillis(a.create_time)));
    q.exec();
  }
  db.exec("INSERT INTO therapists VALUES ('ana', 'harbour', 'Ana Ruiz', 'ana.ruiz')");
  db.exec(
      "INSERT INTO patients VALUES ('jordan', 'harbour', 'Jordan Lee', 'America/Chicago', 'ana', "
      "'jordan', 1767605400000, 1)");
  db.exec(
      "INSERT INTO programs VALUES ('prog-jordan-1', 'jordan', 'neck-basic', '2020-01-01', 2, "
      "1577880000000)");
  SQLite::Statement rev(db,
                        "INSERT INTO program_revisions VALUES ('prog-jordan-1', 1, '2020-01-01', "
                        "'assigned', 'clinics/harbour/therapists/ana', 1577880000000, ?)");
  rev.bind(1, json::EncodePhases(w.protocol.phases).dump());
  rev.exec();
  // One session every 10 minutes from 2020-01-01 on.
  SQLite::Statement sessions(
      db,
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) "
      "INSERT INTO sessions(id, patient_id, program_id, perform_ms, local_date, receive_ms, "
      "pain_before, pain_after, effort, notes, exercises) "
      "SELECT printf('00000000-0000-4000-8000-%012d', i), 'jordan', 'prog-jordan-1', "
      "1577880000000 + i * 600000, date(1577880000 + i * 600, 'unixepoch'), "
      "1577880000000 + i * 600000 + 180000, i % 11, (i * 7) % 11, (i * 3) % 11, "
      "CASE WHEN i % 5 = 0 THEN 'felt fine' ELSE '' END, ?2 FROM n");
  sessions.bind(1, kKillSessions);
  sessions.bind(2, json::EncodeLogs(w.sessions[0].exercises).dump());
  sessions.exec();
  db.exec(
      "INSERT INTO daily_facts SELECT patient_id, local_date, count(*), 2 * count(*), "
      "max(max(pain_before, pain_after)) FROM sessions GROUP BY patient_id, local_date");
  tx.commit();
}

void CopyFile(const std::string& from, const std::string& to) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(to + suffix);
  std::filesystem::copy_file(from, to);
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

TEST_CASE("migrations: a kill during migration leaves the old or the new version, never a mix",
          "[reliability]") {
  TempDir dir;
  const std::string pristine = dir.path() + "/v" + std::to_string(kKillFromVersion) + ".db";
  BuildLargeDatabase(pristine);
  Content content;
  {
    SQLite::Database db(pristine, SQLite::OPEN_READWRITE);
    content = ReadContent(db);
  }
  REQUIRE(content.sessions == kKillSessions);
  const std::vector<std::string> serve_args = {"--http-listen", "off"};

  // How long ptrackd takes to serve this file (migrating it), and an already migrated one.
  const std::string measured = dir.path() + "/measured.db";
  CopyFile(pristine, measured);
  auto t0 = std::chrono::steady_clock::now();
  CHECK(Ptrackd(PTRACKD, measured, dir.path(), serve_args).Stop() == 0);
  const auto migrating = std::chrono::steady_clock::now() - t0;
  t0 = std::chrono::steady_clock::now();
  CHECK(Ptrackd(PTRACKD, measured, dir.path(), serve_args).Stop() == 0);
  const auto plain = std::chrono::steady_clock::now() - t0;
  std::filesystem::remove(measured);
  WARN("ptrackd ready after " << Seconds(migrating) << " s migrating " << kKillSessions
                              << " sessions from version " << kKillFromVersion << ", "
                              << Seconds(plain) << " s when already migrated");

  // Kills at spread random delays within that time (one in each of kKills equal slices, in
  // random order), each on what the previous run left; once a run has completed the migration,
  // the next starts again from a fresh copy of the old file.
  std::mt19937_64 rng(Catch::rngSeed() + 8);
  std::vector<milliseconds> delays;
  const auto slice = std::chrono::duration_cast<milliseconds>(migrating) / kKills;
  for (int k = 0; k < kKills; ++k) {
    delays.push_back(slice * k + milliseconds(rng() % std::max<int64_t>(1, slice.count())));
  }
  std::shuffle(delays.begin(), delays.end(), rng);

  const std::string path = dir.path() + "/killed.db";
  const std::string port_file = dir.path() + "/port";
  CopyFile(pristine, path);
  std::map<int, int> outcomes;  // version after the kill -> how many
  int killed_starting = 0;      // killed before it served (while migrating or loading data)
  int killed_migrating = 0;     // killed after the migration had written, before it finished
  int rolled_back = 0;          // of those, killed inside a step whose work was then discarded
  std::string log;
  for (int k = 0; k < kKills; ++k) {
    int version_before = 0;
    {
      SQLite::Database db(path, SQLite::OPEN_READONLY);
      version_before = UserVersion(db);
    }
    std::filesystem::remove(port_file);
    RunResult run = RunWithDeadline({PTRACKD, "--db", path, "--grpc-listen", "127.0.0.1:0",
                                     "--http-listen", "off", "--port-file", port_file},
                                    {}, delays[k]);
    INFO("kill " << k << " after " << delays[k].count() << " ms, from version " << version_before
                 << "\n"
                 << run.out << run.err);
    REQUIRE(run.timed_out);  // ptrackd never stops by itself: it was running when killed
    const bool served = std::filesystem::exists(port_file);
    if (!served) ++killed_starting;
    const uintmax_t wal =
        std::filesystem::exists(path + "-wal") ? std::filesystem::file_size(path + "-wal") : 0;

    int version = 0;
    {
      SQLite::Database db(path, SQLite::OPEN_READWRITE);  // recovers the WAL as a restart would
      version = UserVersion(db);
      INFO("version after the kill " << version);
      CHECK(version >= version_before);
      REQUIRE(version >= kKillFromVersion);
      REQUIRE(version <= LatestSchemaVersion());
      CHECK(Schema(db) == FreshSchema(version));
      CHECK(ReadContent(db) == content);
      CHECK(Integrity(db) == "ok");
    }
    ++outcomes[version];
    // Each run starts without a WAL (the check before closed the file cleanly), so a WAL means
    // this run wrote; with the version unchanged, none of what it wrote was committed.
    if (wal > 0 && version < LatestSchemaVersion()) ++killed_migrating;
    if (wal > 0 && version < LatestSchemaVersion() && version == version_before) ++rolled_back;
    log += "\n  after " + std::to_string(delays[k].count()) + " ms: version " +
           std::to_string(version_before) + " -> " + std::to_string(version) +
           (served ? " (serving)" : "") + ", WAL " + std::to_string(wal / 1024) + " KiB";
    if (version == LatestSchemaVersion() && k + 1 < kKills) CopyFile(pristine, path);
  }
  std::string distribution;
  for (const auto& [version, n] : outcomes) {
    distribution += " v" + std::to_string(version) + ":" + std::to_string(n);
  }
  WARN(kKills << " kills; versions left:" << distribution << "; killed before serving "
              << killed_starting << ", while migrating " << killed_migrating
              << " (inside a step, rolled back: " << rolled_back << ")" << log);
  CHECK(killed_starting >= 1);
  CHECK(killed_migrating >= 1);

  // A run to completion on what the last kill left.
  CHECK(Ptrackd(PTRACKD, path, dir.path(), serve_args).Stop() == 0);
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  CHECK(UserVersion(db) == LatestSchemaVersion());
  CHECK(Schema(db) == FreshSchema(LatestSchemaVersion()));
  CHECK(ReadContent(db) == content);
  CHECK(Integrity(db) == "ok");
  CHECK(ForeignKeyViolations(db).empty());
}

}  // namespace
}  // namespace ptrack::testing
