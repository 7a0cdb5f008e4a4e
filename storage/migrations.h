// Schema migrations keyed on PRAGMA user_version. Step N takes a database from version N-1 to N
// in one transaction, so a crash leaves either the old or the new version, never a mix. A
// database newer than this binary is refused rather than guessed at.
#pragma once

#include <SQLiteCpp/Database.h>

#include "scheduler/status.h"

namespace ptrack {

// The schema version this binary writes.
int LatestSchemaVersion();

// Brings `db` to LatestSchemaVersion(). FAILED_PRECONDITION when the file is newer than the
// binary; UNAVAILABLE/INTERNAL on database errors. REQUIRES: no other writer is migrating.
Status Migrate(SQLite::Database& db);

// Brings `db` to schema version `target` (0..LatestSchemaVersion()) with the same steps, one
// transaction each; a database already at or past `target` (but not newer than the binary) is
// left as it is. Used by tests to build a database as an earlier ptrack wrote it; ptrackd itself
// only calls Migrate. Errors as Migrate; INVALID_ARGUMENT when `target` is out of range.
Status MigrateTo(SQLite::Database& db, int target);

}  // namespace ptrack
