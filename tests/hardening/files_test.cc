// File modes on disk, through the real ptrackd (docs/SECURITY.md, "Files on disk"). Every
// subcommand runs with the permissive umask 022, under which an ordinary program creates files
// any local user can read: serving (with --demo, whose seeded sessions leave a -wal and -shm
// beside the database while it runs), `ptrackd backup`, `ptrackd restore` and `ptrackd admin`
// must still create the database, its -wal and -shm, the lock file and backups 0600, and each
// folder they create 0700. A database (or -wal) that group or others may read or write is named
// in one warning line at start, with its mode and the `chmod 600` that fixes it.
#include <signal.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/process.h"

namespace ptrack::testing {
namespace {

using Catch::Matchers::Contains;

// The permission bits of `path` as octal text ("0600"); "missing" when it does not exist.
std::string Mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "missing";
  std::ostringstream out;
  out << '0' << std::oct << (st.st_mode & 07777);
  return out.str();
}

// Runs `ptrackd ARGS...` with umask 022, as a shell of a typical account would start it.
RunResult RunUnderUmask022(const std::vector<std::string>& args) {
  std::string command = "umask 022; exec \"$0\" \"$@\"";
  std::vector<std::string> argv = {"/bin/sh", "-c", command, PTRACKD};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult r = RunWithDeadline(argv, {}, std::chrono::seconds(60));
  REQUIRE_FALSE(r.timed_out);
  return r;
}

std::vector<std::string> CreateClinic(const std::string& db) {
  return {"admin",    "create-clinic", "--db",        db,        "--clinic", "north", "--name",
          "North PT", "--time-zone",   "Europe/Oslo", "--admin", "boss"};
}

void SetUmask022() { ::umask(022); }  // async-signal-safe: runs in the forked child

}  // namespace

TEST_CASE(
    "files on disk: every ptrackd subcommand creates private files and folders under "
    "umask 022",
    "[hardening]") {
  TempDir dir;
  const std::string folder = dir.path() + "/var";  // created by ptrackd
  const std::string db = folder + "/lib/ptrack.db";
  {
    Ptrackd server(PTRACKD, db, dir.path(), {"--demo"}, "127.0.0.1:0", SetUmask022);
    INFO(server.Log());
    // The demo's sessions are written and the server holds the database open: the WAL is live.
    CHECK(Mode(db) == "0600");
    CHECK(Mode(db + "-wal") == "0600");
    CHECK(Mode(db + "-shm") == "0600");
    CHECK(Mode(db + ".lock") == "0600");
    CHECK(Mode(folder) == "0700");
    CHECK(Mode(folder + "/lib") == "0700");
    CHECK_THAT(server.Log(), !Contains("warning"));

    // A backup taken while it serves, into a folder that does not exist yet.
    const std::string backup = dir.path() + "/backups/ptrack-1.db";
    const RunResult b = RunUnderUmask022({"backup", "--db", db, "--out", backup});
    INFO(b.out << b.err);
    REQUIRE(b.exit_code == 0);
    CHECK(Mode(backup) == "0600");
    CHECK(Mode(dir.path() + "/backups") == "0700");
    CHECK(Mode(backup + ".partial") == "missing");

    // Restored into a new place: the database and its lock.
    const std::string restored = dir.path() + "/restored/ptrack.db";
    const RunResult r = RunUnderUmask022({"restore", "--from", backup, "--db", restored});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(Mode(restored) == "0600");
    CHECK(Mode(restored + ".lock") == "0600");
    CHECK(Mode(dir.path() + "/restored") == "0700");
    CHECK(server.Stop() == 0);
  }
  // The operator's command on a new database.
  const std::string admin_db = dir.path() + "/admin/ptrack.db";
  const RunResult a = RunUnderUmask022(CreateClinic(admin_db));
  INFO(a.out << a.err);
  REQUIRE(a.exit_code == 0);
  CHECK(Mode(admin_db) == "0600");
  CHECK(Mode(dir.path() + "/admin") == "0700");
  CHECK_THAT(a.err, !Contains("warning"));
}

TEST_CASE("files on disk: ptrackd warns at start about a database or WAL others may read",
          "[hardening]") {
  TempDir dir;
  const std::string db = dir.path() + "/ptrack.db";
  REQUIRE(RunUnderUmask022(CreateClinic(db)).exit_code == 0);

  SECTION("a database readable by everyone, as an older ptrackd created it") {
    REQUIRE(::chmod(db.c_str(), 0644) == 0);
    Ptrackd server(PTRACKD, db, dir.path(), {}, "127.0.0.1:0", SetUmask022);
    const std::string log = server.Log();
    INFO(log);
    CHECK_THAT(log, Contains("warning: " + db + " has mode 0644") && Contains("chmod 600 " + db));
    CHECK_THAT(log, !Contains(db + "-wal has mode"));
    // The operator's commands warn too.
    const RunResult a =
        RunUnderUmask022({"admin", "revoke-tokens", "--db", db, "--username", "boss"});
    CHECK(a.exit_code == 0);
    CHECK_THAT(a.err, Contains("warning: " + db + " has mode 0644"));
  }
  SECTION("a WAL left behind by a killed server, writable by the group") {
    {
      Ptrackd server(PTRACKD, db, dir.path(), {"--demo"}, "127.0.0.1:0", SetUmask022);
      ::kill(server.pid(), SIGKILL);  // the demo's writes stay in the WAL
      server.Stop();                  // reaps it
    }
    REQUIRE(Mode(db + "-wal") == "0600");
    REQUIRE(::chmod((db + "-wal").c_str(), 0660) == 0);
    Ptrackd server(PTRACKD, db, dir.path(), {}, "127.0.0.1:0", SetUmask022);
    const std::string log = server.Log();
    INFO(log);
    CHECK_THAT(log, Contains("warning: " + db + "-wal has mode 0660") &&
                        Contains("chmod 600 " + db + "-wal"));
    CHECK_THAT(log, !Contains("warning: " + db + " has mode"));
  }
  SECTION("a private database: no warning") {
    Ptrackd server(PTRACKD, db, dir.path(), {}, "127.0.0.1:0", SetUmask022);
    CHECK(Mode(db) == "0600");
    CHECK_THAT(server.Log(), !Contains("warning"));
  }
}

}  // namespace ptrack::testing
