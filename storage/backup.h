// Whole-file operations on a ptrack database, for `ptrackd backup` and `ptrackd restore`.
//
// BackupDatabase copies a database with SQLite's online backup API in one step: the copy is one
// consistent snapshot (a read transaction in WAL mode, which does not block the server's writes),
// written to "<out>.partial", checked (integrity, schema version), synced and renamed into place,
// so a backup that exists is complete. RestoreDatabase checks a backup the same way, refuses
// while a ptrackd holds the database (ServerLock), copies the backup to "<db>.restoring", syncs
// it, removes the old database's -wal and -shm (a stale WAL must never be applied to another
// file) and renames it into place. Either leaves the destination untouched when it fails. Backups,
// restored databases and lock files are created 0600, missing folders 0700
// (storage/private_files.h).
#pragma once

#include <string>

#include "scheduler/status.h"

namespace ptrack {

// Errors: ALREADY_EXISTS (`out_path` exists), NOT_FOUND (no database at `db_path`),
// UNAVAILABLE (I/O), FAILED_PRECONDITION (the copy did not check out).
Status BackupDatabase(const std::string& db_path, const std::string& out_path);

// Errors: NOT_FOUND (no backup), FAILED_PRECONDITION (the backup is damaged or from a newer
// ptrackd; a server is using `db_path`), UNAVAILABLE (I/O).
Status RestoreDatabase(const std::string& backup_path, const std::string& db_path);

// An advisory exclusive lock (flock) on "<db>.lock", held by a running ptrackd so that a second
// server or a restore cannot use the database under it. A file of its own, not the database:
// closing any descriptor of the database would drop SQLite's fcntl locks on it in this process.
// Released when destroyed (or when the process dies, however it dies).
class ServerLock {
 public:
  // FAILED_PRECONDITION when another process holds it; UNAVAILABLE when the file cannot be
  // opened.
  static Result<ServerLock> Acquire(const std::string& db_path);
  ServerLock(ServerLock&& other) noexcept;
  ServerLock& operator=(ServerLock&&) = delete;
  ~ServerLock();

 private:
  explicit ServerLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace ptrack
