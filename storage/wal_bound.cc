// WalBound: the writer's WAL hook and the checkpointer thread (see wal_bound.h).
#include "storage/wal_bound.h"

#include <sqlite3.h>

#include "storage/sqlite_connection.h"
#include "storage/sqlite_support.h"

namespace ptrack::sqlite {

WalBound::WalBound(sqlite3* writer, const std::string& path)
    : writer_(writer), db_(OpenConnection(path)) {
  // Only a RESTART waits (for old readers), and at most this long; a PASSIVE never does.
  sqlite3_busy_timeout(db_->getHandle(), static_cast<int>(kRestartWait.count()));
  sqlite3_wal_autocheckpoint(db_->getHandle(), 0);  // it writes nothing, but to be sure
  sqlite3_wal_hook(writer_, &WalBound::Hook, this);
  thread_ = std::thread([this] { Run(); });
}

WalBound::~WalBound() {
  sqlite3_wal_autocheckpoint(writer_, kCheckpointFrames);  // replaces the hook: no more calls here
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

int WalBound::Hook(void* self_ptr, sqlite3*, const char*, int frames) {
  auto* self = static_cast<WalBound*>(self_ptr);
  {
    std::lock_guard<std::mutex> lock(self->mu_);
    self->frames_ = frames;
  }
  if (frames >= kCheckpointFrames) self->cv_.notify_one();
  return SQLITE_OK;
}

void WalBound::Run() {
  sqlite3* db = db_->getHandle();
  int next_restart = kRestartFrames;  // the log's length at which the next RESTART is tried
  int seen = 0;                       // frames_ at the last checkpoint: nothing new until it moves
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stopping_ || (frames_ >= kCheckpointFrames && frames_ != seen); });
    if (stopping_) return;
    const int frames = seen = frames_;
    lock.unlock();
    // The log was restarted since the last RESTART (or never reached it): back to the bound.
    if (frames < kRestartFrames) next_restart = kRestartFrames;
    if (frames < next_restart) {
      sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    } else {
      ++restarts_tried_;
      if (sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr) ==
          SQLITE_OK) {
        ++restarts_done_;
        next_restart = kRestartFrames;
      } else {
        next_restart = frames + kRetryFrames;  // busy: let the log grow before trying again
      }
    }
    lock.lock();
  }
}

}  // namespace ptrack::sqlite
