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

}  // namespace ptrack
