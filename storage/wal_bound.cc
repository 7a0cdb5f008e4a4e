// WalBound: the writer's WAL hook (see wal_bound.h).
#include "storage/wal_bound.h"

#include <sqlite3.h>

#include "storage/sqlite_connection.h"

namespace ptrack::sqlite {

WalBound::WalBound(sqlite3* db) : db_(db) { sqlite3_wal_hook(db_, &WalBound::Hook, this); }

WalBound::~WalBound() { sqlite3_wal_autocheckpoint(db_, kCheckpointFrames); }

int WalBound::Hook(void* self_ptr, sqlite3* db, const char* schema, int frames) {
  auto* self = static_cast<WalBound*>(self_ptr);
  if (frames < self->next_restart_) {
    // The log was restarted since the last RESTART (or never reached it): back to the bound.
    if (frames < kRestartFrames) self->next_restart_ = kRestartFrames;
    if (frames >= kCheckpointFrames) {
      sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    }
    return SQLITE_OK;
  }
  ++self->restarts_tried_;
  sqlite3_busy_timeout(db, static_cast<int>(kRestartWait.count()));
  const int rc = sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);  // back to the connection's own
  if (rc == SQLITE_OK) {
    ++self->restarts_done_;
    self->next_restart_ = kRestartFrames;
  } else {
    self->next_restart_ = frames + kRetryFrames;  // busy: let the log grow before trying again
  }
  return SQLITE_OK;
}

}  // namespace ptrack::sqlite
