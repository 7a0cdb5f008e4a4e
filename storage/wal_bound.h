// Keeps the write-ahead log bounded under a steady stream of reads, and its checkpoints off the
// write path. SQLite's automatic checkpoint runs inside the commit on the committing connection:
// once the log holds 1,000 frames, every write batch also copies frames into the database file
// and syncs it before its callers hear back. And it is PASSIVE: it copies what no reader still
// needs and never waits, and the log starts again from its beginning only when no reader is using
// it. With reads always in flight (phones asking for plans while others log sessions) some reader
// always holds a snapshot in the log, so it is never restarted and grows without bound (the soak
// saw 1.2 GB in ten minutes, and every read slowed with it). WalBound replaces it. The writer's
// WAL hook records the log's length and wakes a checkpointer thread with its own connection,
// which runs a PASSIVE checkpoint once the log holds kCheckpointFrames, while writes go on. At
// kRestartFrames the hook itself runs a RESTART on the writer, between two batches: it waits up
// to kRestartWait for the readers of older snapshots (new reads go on; the next batch waits) so
// that the next write starts the log again, and it finds little left to copy because the
// checkpointer kept up; the checkpointer starts no PASSIVE meanwhile, and one in progress is
// waited for first: while another connection holds the checkpoint lock SQLite refuses a
// checkpoint at once, without calling the busy handler (RESTARTs that gave up after 0 ms let the
// soak's log grow to 32-48 MB, docs/RELIABILITY.md). (Run from the checkpointer, a RESTART waits
// for the writer lock behind batch after batch and rarely gets it under load: the log grew to
// 55 MB in a soak.) A RESTART that times out is retried only after another kRetryFrames, so a
// long reader (an export, an evaluation of a long history) holds writes up now and then, not at
// every commit. A checkpoint that fails fails no write (the writes are already durable in the
// log); the next commit tries again. Thread-safe: the hook runs on the store's single writer, the PASSIVEs on
// WalBound's thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace ptrack::sqlite {

class Connection;

class WalBound {
 public:
  static constexpr int kCheckpointFrames = 1000;  // SQLite's default auto-checkpoint
  static constexpr int kRestartFrames = 4000;     // 16 MiB of 4 KiB pages
  static constexpr int kRetryFrames = 2000;       // after a RESTART that timed out
  static constexpr std::chrono::milliseconds kRestartWait{1000};
  // A RESTART that takes this long or gives up is logged to stderr ("ptrackd: WAL restart at N
  // frames done|gave up after M ms"): every write waited for it.
  static constexpr std::chrono::milliseconds kSlowRestart{50};

  // Installs the hook on `writer` (the store's single writer connection, to the database at
  // `path`) and starts the checkpointer on a connection of its own. Throws SQLite::Exception when
  // that connection cannot be opened. REQUIRES: `writer` outlives this object, and no write runs
  // on it while the destructor does, which gives the writer SQLite's automatic checkpoint back.
  WalBound(sqlite3* writer, const std::string& path);
  ~WalBound();
  WalBound(const WalBound&) = delete;
  WalBound& operator=(const WalBound&) = delete;

  // RESTART checkpoints run and those that completed (for tests and figures).
  int restarts_tried() const { return restarts_tried_.load(); }
  int restarts_done() const { return restarts_done_.load(); }

 private:
  // The writer's WAL hook, run after each commit with the log's length in frames.
  static int Hook(void* self, sqlite3* writer, const char* schema, int frames);
  void Run();  // the checkpointer thread
  // For the hook: no PASSIVE starts from now on; waits until a running one ends, or `until`.
  void StartRestart(std::chrono::steady_clock::time_point until);
  void SetRestarting(bool restarting);

  sqlite3* writer_;
  int next_restart_ = kRestartFrames;  // used by the hook only: when the next RESTART is tried
  std::unique_ptr<Connection> db_;     // the checkpointer's own, used only by its thread
  std::mutex mu_;
  std::condition_variable cv_;
  int frames_ = 0;         // guarded by mu_: the log's length after the latest commit
  bool stopping_ = false;  // guarded by mu_
  // guarded by mu_: the hook is running a RESTART (no PASSIVE may start: SQLite refuses a
  // checkpoint at once, busy handler or not, while another connection runs one).
  bool restarting_ = false;
  bool passive_running_ = false;  // guarded by mu_: the checkpointer is in a PASSIVE
  std::atomic<int> restarts_tried_{0};
  std::atomic<int> restarts_done_{0};
  std::thread thread_;  // last: started once everything above is ready
};

}  // namespace ptrack::sqlite
