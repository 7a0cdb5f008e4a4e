// Private files: patient data on disk readable by nobody but the server's own user. The
// database, its -wal and -shm (SQLite gives them the database file's mode), the lock file and
// backups are created 0600, and each missing folder on their path 0700, whatever the process
// umask (which can only take permissions away, never add them). Files that exist already keep
// their mode: LooseModeWarnings names those that group or others may read or write, for the
// server to warn about at start; it never changes a mode itself (an operator may have chosen a
// shared group on purpose).
#pragma once

#include <string>
#include <vector>

#include "scheduler/status.h"

namespace ptrack {

// Creates the missing folders above `path` (not `path` itself), each with mode 0700; folders
// that exist are left as they are. UNAVAILABLE (naming the folder) when one cannot be created.
Status CreatePrivateParents(const std::string& path);

// Creates `path` as an empty file with mode 0600 when it does not exist (an empty file is a
// valid empty SQLite database); an existing file is left untouched. UNAVAILABLE when it cannot.
Status CreatePrivateFile(const std::string& path);

// For each of the database at `db_path`, its -wal and its -shm that exists and whose mode lets
// group or others read or write it: one line naming the file and its mode and how to fix it
// ("P has mode 0644: other local users can read or change patient data; run chmod 600 P").
std::vector<std::string> LooseModeWarnings(const std::string& db_path);

}  // namespace ptrack
