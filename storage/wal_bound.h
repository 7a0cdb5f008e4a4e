// Keeps the write-ahead log bounded under a steady stream of reads. SQLite's automatic checkpoint
// is PASSIVE: it copies what no reader still needs and never waits, and the log starts again from
// its beginning only when no reader is using it. With reads always in flight (phones asking for
// plans while others log sessions) some reader always holds a snapshot in the log, so it is never
// restarted and grows without bound (the soak saw 1.2 GB in ten minutes, and every read slowed
// with it). WalBound replaces the automatic checkpoint on the writer connection: after a commit
// that leaves at least kCheckpointFrames in the log, a PASSIVE checkpoint as before; at
// kRestartFrames, a RESTART checkpoint, which waits up to kRestartWait for the readers of older
// snapshots to finish (new reads go on; new writes wait) so that the next write starts the log
// again. A RESTART that times out is retried only after another kRetryFrames, so a long reader
// (an export, an evaluation of a long history) delays a commit now and then, not every commit.
// Checkpoint failures never fail the commit that triggered them (the commit is already durable).
// Not thread-safe: used by the store's single writer.
#pragma once

#include <chrono>

struct sqlite3;

namespace ptrack::sqlite {

class WalBound {
 public:
  static constexpr int kCheckpointFrames = 1000;  // SQLite's default auto-checkpoint
  static constexpr int kRestartFrames = 4000;     // 16 MiB of 4 KiB pages
  static constexpr int kRetryFrames = 2000;       // after a RESTART that timed out
  static constexpr std::chrono::milliseconds kRestartWait{1000};

  // Installs the hook on `db` (the writer). REQUIRES: `db` outlives this object, which removes
  // the hook again.
  explicit WalBound(sqlite3* db);
  ~WalBound();
  WalBound(const WalBound&) = delete;
  WalBound& operator=(const WalBound&) = delete;

  // RESTART checkpoints run and those that completed (for tests and figures).
  int restarts_tried() const { return restarts_tried_; }
  int restarts_done() const { return restarts_done_; }

 private:
  static int Hook(void* self, sqlite3* db, const char* schema, int frames);

  sqlite3* db_;
  int next_restart_ = kRestartFrames;  // frames at which the next RESTART is tried
  int restarts_tried_ = 0;
  int restarts_done_ = 0;
};

}  // namespace ptrack::sqlite
