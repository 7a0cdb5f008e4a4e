// Online backup, checked restore and the server's file lock.
#include "storage/backup.h"

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "storage/migrations.h"
#include "storage/private_files.h"
#include "storage/sqlite_connection.h"

namespace ptrack {
namespace {

namespace fs = std::filesystem;

Status IoError(const std::string& what, const SQLite::Exception& e) {
  return Status::Unavailable(what + " (sqlite code " + std::to_string(e.getExtendedErrorCode()) +
                             ")");
}

// A database file that SQLite finds intact and whose schema this binary knows.
Status CheckDatabase(const std::string& path, const std::string& what) {
  try {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    const std::string integrity = db.execAndGet("PRAGMA integrity_check").getString();
    if (integrity != "ok") {
      return Status::FailedPrecondition(what + " is damaged: " + integrity);
    }
    const int version = db.execAndGet("PRAGMA user_version").getInt();
    if (version < 1) return Status::FailedPrecondition(what + " is not a ptrack database");
    if (version > LatestSchemaVersion()) {
      return Status::FailedPrecondition(what + " has schema version " + std::to_string(version) +
                                        ", newer than this ptrackd (" +
                                        std::to_string(LatestSchemaVersion()) + ")");
    }
    return Status::Ok();
  } catch (const SQLite::Exception& e) {
    return Status::FailedPrecondition(what + " cannot be read as a database (sqlite code " +
                                      std::to_string(e.getExtendedErrorCode()) + ")");
  }
}

// Flushes a file (and then its directory, for the rename that follows) to stable storage.
Status SyncPath(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return Status::Unavailable("cannot open " + path + " to sync it");
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok ? Status::Ok() : Status::Unavailable("cannot sync " + path);
}

std::string DirOf(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

// Copies `from` (a live database is fine) into a new file `to` (created 0600) in one backup
// step.
Status Copy(const std::string& from, const std::string& to) {
  PTRACK_RETURN_IF_ERROR(CreatePrivateFile(to));
  try {
    SQLite::Database src(from, SQLite::OPEN_READONLY);
    src.exec("PRAGMA busy_timeout = " + std::to_string(sqlite::kBusyTimeoutMs));
    SQLite::Database dst(to, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    SQLite::Backup backup(dst, src);
    backup.executeStep(-1);  // one snapshot: all pages in one read transaction
    return Status::Ok();
  } catch (const SQLite::Exception& e) {
    return IoError("copying " + from + " failed", e);
  }
}

void RemoveQuietly(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path + suffix, ignored);
}

}  // namespace

Status BackupDatabase(const std::string& db_path, const std::string& out_path) {
  std::error_code ec;
  if (!fs::exists(db_path, ec)) return Status::NotFound("no database at " + db_path);
  if (fs::exists(out_path, ec)) {
    return Status::AlreadyExists(out_path + " exists; choose a new file for the backup");
  }
  PTRACK_RETURN_IF_ERROR(CreatePrivateParents(out_path));
  const std::string partial = out_path + ".partial";
  RemoveQuietly(partial);
  Status s = Copy(db_path, partial);
  if (s.ok()) s = CheckDatabase(partial, "the copy");
  if (s.ok()) s = SyncPath(partial);
  if (s.ok() && std::rename(partial.c_str(), out_path.c_str()) != 0) {
    s = Status::Unavailable("cannot rename " + partial + " to " + out_path);
  }
  if (s.ok()) s = SyncPath(DirOf(out_path));
  if (!s.ok()) RemoveQuietly(partial);
  return s;
}

Status RestoreDatabase(const std::string& backup_path, const std::string& db_path) {
  std::error_code ec;
  if (!fs::exists(backup_path, ec)) return Status::NotFound("no backup at " + backup_path);
  PTRACK_RETURN_IF_ERROR(CheckDatabase(backup_path, "the backup"));
  PTRACK_ASSIGN_OR_RETURN(ServerLock lock, ServerLock::Acquire(db_path));
  const std::string staging = db_path + ".restoring";
  RemoveQuietly(staging);
  Status s = Copy(backup_path, staging);
  if (s.ok()) s = CheckDatabase(staging, "the restored copy");
  if (s.ok()) s = SyncPath(staging);
  if (!s.ok()) {
    RemoveQuietly(staging);
    return s;
  }
  // The old database's WAL belongs to the old file: it goes first, so that it can never be
  // applied to the restored one.
  fs::remove(db_path + "-wal", ec);
  fs::remove(db_path + "-shm", ec);
  if (std::rename(staging.c_str(), db_path.c_str()) != 0) {
    return Status::Unavailable("cannot rename " + staging + " to " + db_path);
  }
  return SyncPath(DirOf(db_path));
}

Result<ServerLock> ServerLock::Acquire(const std::string& db_path) {
  PTRACK_RETURN_IF_ERROR(CreatePrivateParents(db_path));
  const std::string path = db_path + ".lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Unavailable("cannot open " + path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Status::FailedPrecondition(db_path + " is in use by a running ptrackd; stop it first");
  }
  return ServerLock(fd);
}

ServerLock::ServerLock(ServerLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

ServerLock::~ServerLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

}  // namespace ptrack
