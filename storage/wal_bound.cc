// WalBound: the writer's WAL hook, its RESTARTs and the checkpointer thread (see wal_bound.h).
#include "storage/wal_bound.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "storage/sqlite_connection.h"
#include "storage/sqlite_support.h"

namespace ptrack::sqlite {

WalBound::WalBound(sqlite3* writer, const std::string& path)
    : writer_(writer), db_(OpenConnection(path)) {
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
  cv_.notify_all();
  thread_.join();
}

int WalBound::Hook(void* self_ptr, sqlite3* writer, const char* schema, int frames) {
  auto* self = static_cast<WalBound*>(self_ptr);
  // The log was restarted since the last RESTART (or never reached it): back to the bound.
  if (frames < kRestartFrames) self->next_restart_ = kRestartFrames;
  if (frames >= self->next_restart_) {
    // Here, between two batches, the writer lock is free and no other write can take it; from
    // the checkpointer a RESTART would wait for the lock behind batch after batch.
    ++self->restarts_tried_;
    const auto started = std::chrono::steady_clock::now();
    // The checkpointer starts no PASSIVE from here on, and one already running is waited for:
    // while another connection holds the checkpoint lock SQLite refuses a checkpoint at once,
    // without calling the busy handler.
    self->StartRestart(started + kRestartWait);
    // The readers get what is left of kRestartWait: writes wait at most that for both together.
    const auto left = kRestartWait - std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - started);
    sqlite3_busy_timeout(writer, static_cast<int>(std::max<int64_t>(1, left.count())));
    const int rc =
        sqlite3_wal_checkpoint_v2(writer, schema, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    sqlite3_busy_timeout(writer, kBusyTimeoutMs);  // back to the connection's own
    self->SetRestarting(false);
    if (rc != SQLITE_OK || waited >= kSlowRestart) {
      // Every write waited this long: say so, for an operator (and the soak) to see why.
      std::fprintf(stderr, "ptrackd: WAL restart at %d frames %s after %lld ms (writes waited)\n",
                   frames, rc == SQLITE_OK ? "done" : "gave up",
                   static_cast<long long>(waited.count()));
    }
    if (rc == SQLITE_OK) {
      ++self->restarts_done_;
      self->next_restart_ = kRestartFrames;
    } else {
      self->next_restart_ = frames + kRetryFrames;  // busy: let the log grow before trying again
    }
    return SQLITE_OK;
  }
  {
    std::lock_guard<std::mutex> lock(self->mu_);
    self->frames_ = frames;
  }
  if (frames >= kCheckpointFrames) self->cv_.notify_one();
  return SQLITE_OK;
}

void WalBound::StartRestart(std::chrono::steady_clock::time_point until) {
  std::unique_lock<std::mutex> lock(mu_);
  restarting_ = true;
  cv_.wait_until(lock, until, [&] { return !passive_running_; });
}

void WalBound::SetRestarting(bool restarting) {
  std::lock_guard<std::mutex> lock(mu_);
  restarting_ = restarting;
}

void WalBound::Run() {
  sqlite3* db = db_->getHandle();
  int seen = 0;  // frames_ at the last checkpoint: nothing new until it moves
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] {
      return stopping_ || (!restarting_ && frames_ >= kCheckpointFrames && frames_ != seen);
    });
    if (stopping_) return;
    seen = frames_;
    passive_running_ = true;
    lock.unlock();
    sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    lock.lock();
    passive_running_ = false;
    cv_.notify_all();  // a RESTART may be waiting for it
  }
}

}  // namespace ptrack::sqlite
