// SQLite-specific tests of SqliteStore (storage/sqlite_store.h) that the backend-neutral contract
// suite cannot express: data survives closing and reopening the file; Open migrates to
// LatestSchemaVersion() and refuses a file written by a newer binary without touching its schema;
// an unopenable path is UNAVAILABLE; the database, its -wal and -shm, backups and the lock file
// are created 0600 in 0700 folders under any umask, and looser modes are named; the
// program_revisions table is append-only even for raw SQL; the file is in WAL mode and foreign keys
// are enforced. Raw SQLiteCpp connections are used here, and only here, to look behind the
// interface.
#include "storage/sqlite_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include "storage/backup.h"
#include "storage/checkpoint_codec.h"
#include "storage/migrations.h"
#include "storage/private_files.h"
#include "tests/storage/store_fixture.h"

namespace ptrack::testing {
namespace {

// Seeds `f` with the shared world and one logged session ("s1", two exercises), and opens a raw
// connection to its file for the test to look behind the interface.
SQLite::Database RawAfterOneSession(StoreFixture& f) {
  SeedWorld(f.store());
  PTRACK_REQUIRE_OK(f.store().LogSession(
      MakeSession("s1", "p1", "prog1", At(Ymd(2026, 3, 3), 7), Ymd(2026, 3, 3))));
  SQLite::Database raw(f.path(), SQLite::OPEN_READWRITE);
  raw.exec("PRAGMA busy_timeout = 5000");
  return raw;
}

int UserVersion(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  return db.execAndGet("PRAGMA user_version").getInt();
}

TEST_CASE("SqliteStore: data survives closing and reopening the file", "[foundation][sqlite]") {
  StoreFixture f;
  const World w = SeedWorld(f.store());
  const LocalDate day = Ymd(2026, 3, 3);
  const Session s =
      MakeSession("9a1d7c2e-0000-4000-8000-000000000001", "p1", "prog1", At(day, 7), day);
  PTRACK_REQUIRE_OK(f.store().LogSession(s));

  f.Close();
  f.Reopen();
  Store& store = f.store();

  auto clinic = store.GetClinic("c1");
  PTRACK_REQUIRE_OK(clinic);
  CHECK(clinic->display_name == MakeClinic("c1").display_name);
  auto patient = store.GetPatient("p1");
  PTRACK_REQUIRE_OK(patient);
  CHECK(patient->therapist_id == "t1");
  CHECK(patient->version == 1);
  auto program = store.GetActiveProgram("p1");
  PTRACK_REQUIRE_OK(program);
  CHECK(program->id == "prog1");
  REQUIRE(program->revisions.size() == 1);
  CHECK(program->revisions[0].phases == w.protocol.phases);
  auto session = store.GetSession("p1", s.id);
  PTRACK_REQUIRE_OK(session);
  CHECK(SamePayload(*session, s));
  auto facts = store.GetDailyFacts("p1", day, day);
  PTRACK_REQUIRE_OK(facts);
  REQUIRE(facts->size() == 1);
  CHECK((*facts)[0].sessions_done == 1);

  // Exactly-once holds across restarts too.
  auto replay = store.LogSession(s);
  PTRACK_REQUIRE_OK(replay);
  CHECK(replay->replayed);
}

TEST_CASE("SqliteStore: Open migrates to the latest schema version", "[foundation][sqlite]") {
  StoreFixture f;
  REQUIRE(LatestSchemaVersion() >= 1);
  f.Close();
  CHECK(UserVersion(f.path()) == LatestSchemaVersion());
  // Opening an up-to-date file again is a no-op migration that keeps the data usable.
  f.Reopen();
  SeedClinic(f.store(), "c1");
  f.Close();
  CHECK(UserVersion(f.path()) == LatestSchemaVersion());
}

TEST_CASE("SqliteStore: a database newer than the binary is refused and its schema left alone",
          "[foundation][sqlite]") {
  TempPath file;
  const int newer = LatestSchemaVersion() + 1;
  {
    SQLite::Database db(file.str(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA user_version = " + std::to_string(newer));
  }
  auto opened = SqliteStore::Open(file.str());
  PTRACK_CHECK_CODE(opened, kFailedPrecondition);
  CHECK_FALSE(opened.ok());

  SQLite::Database db(file.str(), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("PRAGMA user_version").getInt() == newer);
  CHECK(db.execAndGet("SELECT count(*) FROM sqlite_master").getInt() == 0);  // no schema written
}

TEST_CASE("SqliteStore: a file that cannot be opened is UNAVAILABLE", "[foundation][sqlite]") {
  TempDir dir;
  // Its folder cannot be created: a file of that name is in the way.
  std::ofstream(dir.path() / "not-a-folder") << "x";
  const std::string path = (dir.path() / "not-a-folder" / "ptrack.db").string();
  PTRACK_CHECK_CODE(SqliteStore::Open(path), kUnavailable);
  CHECK_FALSE(std::filesystem::exists(path));
}

// The permission bits of `path`; -1 when it does not exist.
int ModeOf(const std::filesystem::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 07777) : -1;
}

TEST_CASE("SqliteStore: the files and folders it creates are private whatever the umask",
          "[foundation][sqlite]") {
  TempDir dir;
  struct Umask022 {  // the usual umask, which leaves new files world-readable
    mode_t saved = ::umask(022);
    ~Umask022() { ::umask(saved); }
  } umask022;
  const auto db = dir.path() / "var" / "lib" / "ptrack.db";
  const auto backup = dir.path() / "backups" / "ptrack-1.db";
  {
    auto opened = SqliteStore::Open(db.string());
    PTRACK_REQUIRE_OK(opened);
    SeedWorld(**opened);  // writes: the -wal and -shm exist while the store is open
    CHECK(ModeOf(db) == 0600);
    CHECK(ModeOf(db.string() + "-wal") == 0600);
    CHECK(ModeOf(db.string() + "-shm") == 0600);
    CHECK(ModeOf(dir.path() / "var") == 0700);
    CHECK(ModeOf(dir.path() / "var" / "lib") == 0700);
    CHECK(LooseModeWarnings(db.string()).empty());

    PTRACK_REQUIRE_OK(BackupDatabase(db.string(), backup.string()));
    CHECK(ModeOf(backup) == 0600);
    CHECK(ModeOf(dir.path() / "backups") == 0700);
    auto lock = ServerLock::Acquire(db.string());
    PTRACK_REQUIRE_OK(lock);
    CHECK(ModeOf(db.string() + ".lock") == 0600);
  }
}

TEST_CASE("SqliteStore: database files others may read or write are named with a fix",
          "[foundation][sqlite]") {
  TempDir dir;
  const std::string db = (dir.path() / "ptrack.db").string();
  PTRACK_REQUIRE_OK(SqliteStore::Open(db));
  std::ofstream(db + "-wal") << "";
  ::chmod(db.c_str(), 0600);
  ::chmod((db + "-wal").c_str(), 0600);
  CHECK(LooseModeWarnings(db).empty());
  ::chmod(db.c_str(), 0644);
  ::chmod((db + "-wal").c_str(), 0620);
  const std::vector<std::string> warnings = LooseModeWarnings(db);
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0] == db + " has mode 0644: other local users can read or change patient data; " +
                           "run chmod 600 " + db);
  CHECK(warnings[1].rfind(db + "-wal has mode 0620:", 0) == 0);
  CHECK(LooseModeWarnings((dir.path() / "absent.db").string()).empty());
}

TEST_CASE("SqliteStore: program revisions are append-only", "[foundation][sqlite]") {
  StoreFixture f;
  const World w = SeedWorld(f.store());

  {
    SQLite::Database raw(f.path(), SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA busy_timeout = 5000");
    REQUIRE(raw.execAndGet("SELECT count(*) FROM program_revisions WHERE program_id = 'prog1'")
                .getInt() == 1);
    CHECK_THROWS_AS(raw.exec("UPDATE program_revisions SET reason = 'rewritten history' "
                             "WHERE program_id = 'prog1'"),
                    SQLite::Exception);
    CHECK_THROWS_AS(raw.exec("DELETE FROM program_revisions WHERE program_id = 'prog1'"),
                    SQLite::Exception);
    CHECK(raw.execAndGet("SELECT count(*) FROM program_revisions WHERE program_id = 'prog1'")
              .getInt() == 1);
  }

  auto program = f.store().GetProgram("prog1");
  PTRACK_REQUIRE_OK(program);
  REQUIRE(program->revisions.size() == 1);
  CHECK(program->revisions[0].reason == w.program.revisions[0].reason);
}

TEST_CASE("SqliteStore: a checkpoint body this binary cannot read is no checkpoint",
          "[foundation][sqlite]") {
  StoreFixture f;
  SeedWorld(f.store());
  StoredCheckpoint stored;
  stored.key = "k1";
  stored.checkpoint.day = Ymd(2026, 3, 8);
  PTRACK_REQUIRE_OK(f.store().PutCheckpoint("prog1", stored));
  PTRACK_REQUIRE_OK(f.store().GetCheckpoint("prog1"));
  // Not deflated; the JSON itself, not deflated; a deflated body cut short.
  const std::string deflated = json::EncodeCheckpoint(stored.checkpoint);
  for (const std::string& body : {std::string("[1, 2]"), json::CheckpointJson(stored.checkpoint),
                                  deflated.substr(0, deflated.size() / 2)}) {
    {
      SQLite::Database raw(f.path(), SQLite::OPEN_READWRITE);
      raw.exec("PRAGMA busy_timeout = 5000");
      SQLite::Statement q(raw, "UPDATE checkpoints SET body = ?");
      q.bind(1, body.data(), static_cast<int>(body.size()));  // a BLOB, as the column is
      REQUIRE(q.exec() == 1);
    }
    PTRACK_CHECK_CODE(f.store().GetCheckpoint("prog1"), kNotFound);
  }
  stored.key = "k2";  // the engine replays and puts a new one
  PTRACK_REQUIRE_OK(f.store().PutCheckpoint("prog1", stored));
  auto read = f.store().GetCheckpoint("prog1");
  PTRACK_REQUIRE_OK(read);
  CHECK(read->key == "k2");
}

TEST_CASE("SqliteStore: the dictionaries behind sessions and revisions are append-only",
          "[foundation][sqlite]") {
  StoreFixture f;
  SQLite::Database raw = RawAfterOneSession(f);
  for (const char* table : {"exercise_keys", "revision_bodies"}) {
    INFO(table);
    const std::string name = table;
    REQUIRE(raw.execAndGet("SELECT count(*) FROM " + name).getInt() > 0);
    const std::string column = name == "exercise_keys" ? "id" : "body";
    CHECK_THROWS_AS(raw.exec("UPDATE " + name + " SET " + column + " = 'x'"), SQLite::Exception);
    CHECK_THROWS_AS(raw.exec("DELETE FROM " + name), SQLite::Exception);
  }
  auto s = f.store().GetSession("p1", "s1");
  PTRACK_REQUIRE_OK(s);
  CHECK(s->exercises.size() == 2);
}

TEST_CASE("SqliteStore: stored exercise logs and red flags decode exactly, or the read is INTERNAL",
          "[foundation][sqlite]") {
  StoreFixture f;
  SQLite::Database raw = RawAfterOneSession(f);
  const int key = raw.execAndGet("SELECT min(key) FROM exercise_keys").getInt();
  const std::string id =
      raw.execAndGet("SELECT id FROM exercise_keys WHERE key = " + std::to_string(key)).getString();
  auto set = [&](const char* column, const std::string& text) {
    SQLite::Statement q(raw, std::string("UPDATE sessions SET ") + column + " = ?");
    q.bind(1, text);
    REQUIRE(q.exec() == 1);
  };
  const std::string k = std::to_string(key);

  SECTION("every field, trailing defaults left out, a load with or without a fraction") {
    set("logs", "[[" + k + ", 3, 10, 5, 2.5, \"red\", 4, 4], [" + k + "], [" + k +
                    ", 1, 8, 0, 4], [" + k + ", 3, 0, 5, 0, \"\", 2, -1, [6, 4, 2]]]");
    set("red_flags", "[\"night-rest-pain\", \"numbness\"]");
    auto s = f.store().GetSession("p1", "s1");
    PTRACK_REQUIRE_OK(s);
    REQUIRE(s->exercises.size() == 4);
    const ExerciseLog& a = s->exercises[0];
    CHECK(a.exercise_id == id);
    CHECK(std::tie(a.sets, a.reps, a.hold_seconds, a.load_kg, a.band, a.pain) ==
          std::make_tuple(3, 10, 5, 2.5, std::string("red"), 4));
    CHECK(a.side == Side::kRight);
    const ExerciseLog& b = s->exercises[1];
    CHECK(std::tie(b.sets, b.reps, b.hold_seconds, b.load_kg, b.band, b.pain) ==
          std::make_tuple(0, 0, 0, 0.0, std::string(), -1));
    CHECK(s->exercises[2].load_kg == 4.0);
    CHECK(s->exercises[3].pyramid_reps == std::vector<int>{6, 4, 2});
    CHECK(s->exercises[3].side == Side::kEach);
    CHECK(a.pyramid_reps.empty());
    CHECK(s->red_flags == std::vector<std::string>{"night-rest-pain", "numbness"});
  }
  SECTION("any other shape is a corrupt row, not a guess") {
    for (const std::string& logs : {std::string("{}"),
                                    std::string("5"),
                                    std::string("[5]"),
                                    std::string("[[]]"),
                                    "[[\"" + id + "\"]]",
                                    "[[" + k + ".5]]",
                                    "[[" + k + ", 1.5]]",
                                    "[[" + k + ", null]]",
                                    "[[" + k + ", true]]",
                                    "[[" + k + ", [1]]]",
                                    "[[" + k + ", {}]]",
                                    "[[" + k + ", 2000000]]",
                                    "[[" + k + ", 1, 1, 1, 0, \"\", 5]]",
                                    "[[" + k + ", 1, 1, 1, 0, \"\", 0, 1, 9]]",
                                    "[[" + k + ", 1, 1, 1, 0, 7]]",
                                    "[[" + k + "]] x",
                                    std::string("[[99999]]"),
                                    "[[" + k + "]",
                                    "[[" + k + ", 3, 0, 5, 0, \"\", 1, -1, 6]]",
                                    "[[" + k + ", 3, 0, 5, 0, \"\", 1, -1, [-1]]]",
                                    "[[" + k + ", 3, 0, 5, 0, \"\", 1, -1, [[6]]]]",
                                    "[[" + k + ", 3, 0, 5, 0, \"\", 1, -1, [6], 1]]",
                                    "[[" + k + ", 3, 0, 5, 0, \"\", 1, -1, [\"6\"]]]"}) {
      INFO(logs);
      set("logs", logs);
      PTRACK_CHECK_CODE(f.store().GetSession("p1", "s1"), kInternal);
    }
    set("logs", "[[" + k + "]]");
    PTRACK_REQUIRE_OK(f.store().GetSession("p1", "s1"));
    for (const char* flags : {"{}", "\"x\"", "[1]", "[[\"x\"]]", "[null]", "[\"x\""}) {
      INFO(flags);
      set("red_flags", flags);
      PTRACK_CHECK_CODE(f.store().GetSession("p1", "s1"), kInternal);
    }
  }
}

TEST_CASE("SqliteStore: WAL journal and enforced foreign keys", "[foundation][sqlite]") {
  StoreFixture f;
  SeedWorld(f.store());
  {
    SQLite::Database raw(f.path(), SQLite::OPEN_READONLY);
    CHECK(raw.execAndGet("PRAGMA journal_mode").getString() == "wal");
  }

  Store& store = f.store();
  const LocalDate day = Ymd(2026, 3, 3);
  SECTION("a session of a patient that does not exist is refused") {
    const Session orphan = MakeSession("9a1d7c2e-0000-4000-8000-00000000000f", "no-such-patient",
                                       "prog1", At(day, 7), day);
    auto r = store.LogSession(orphan);
    INFO(r.status().ToString());
    CHECK_FALSE(r.ok());
    PTRACK_CHECK_CODE(store.GetSession(orphan.patient_id, orphan.id), kNotFound);
    auto facts = store.GetDailyFacts("no-such-patient", day, day);
    PTRACK_REQUIRE_OK(facts);
    CHECK(facts->empty());
  }
  SECTION("a session of a program that does not exist is refused") {
    const Session orphan = MakeSession("9a1d7c2e-0000-4000-8000-00000000000e", "p1",
                                       "no-such-program", At(day, 7), day);
    auto r = store.LogSession(orphan);
    INFO(r.status().ToString());
    CHECK_FALSE(r.ok());
    PTRACK_CHECK_CODE(store.GetSession(orphan.patient_id, orphan.id), kNotFound);
    auto facts = store.GetDailyFacts("p1", day, day);
    PTRACK_REQUIRE_OK(facts);
    CHECK(facts->empty());
  }
}

}  // namespace
}  // namespace ptrack::testing

namespace ptrack::testing {
namespace {

// Statements are prepared once per connection and reused (storage/sqlite_connection.h): one
// returned mid-iteration must not resume where it stopped, nor keep the old snapshot open.
TEST_CASE("SqliteStore: reused statements start afresh and see the latest commit",
          "[foundation][sqlite]") {
  StoreFixture f;
  Store& store = f.store();
  SeedClinic(store, "c1");
  SeedTherapist(store, "t1", "c1");
  for (const char* id : {"p-1", "p-2", "p-3"}) SeedPatient(store, id, "c1", "t1");
  for (int i = 0; i < 20; ++i) {
    auto first = store.ListPatients("c1", "", PageRequest{1, ""});  // stops after two rows
    PTRACK_REQUIRE_OK(first);
    REQUIRE(first->items.size() == 1);
    CHECK(first->items[0].id == "p-1");
  }
  SeedPatient(store, "p-0", "c1", "t1");
  auto all = store.ListPatients("c1", "", PageRequest{10, ""});
  PTRACK_REQUIRE_OK(all);
  std::vector<std::string> ids;
  for (const auto& p : all->items) ids.push_back(p.id);
  CHECK(ids == std::vector<std::string>{"p-0", "p-1", "p-2", "p-3"});

  // A refused write leaves its statements usable by the next one.
  Patient twin = *store.GetPatient("p-1");
  twin.display_name = "Someone else";
  Account account{"p-1-other", "", Role::kPatient, "c1", "p-1", twin.create_time};
  twin.username = account.username;
  CHECK_FALSE(store.CreatePatient(twin, account).ok());
  SeedPatient(store, "p-4", "c1", "t1");
  auto after = store.ListPatients("c1", "", PageRequest{10, "p-3"});
  PTRACK_REQUIRE_OK(after);
  REQUIRE(after->items.size() == 1);
  CHECK(after->items[0].id == "p-4");
}

}  // namespace
}  // namespace ptrack::testing
