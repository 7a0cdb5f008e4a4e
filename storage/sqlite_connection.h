// A SQLite connection that keeps its prepared statements. Preparing a statement (parsing and
// planning its SQL) cost more than running it for the store's short queries, so every statement
// the store runs is prepared once per connection and reused: `Prepared` borrows one for a scope
// and hands it back reset, with its bindings cleared. Invariants: a connection is used by one
// thread at a time (the store's pool and its batch leader guarantee it), so the cache needs no
// lock; a borrowed statement is never in the cache, so nested uses of the same SQL each get their
// own; the cached statements are finalized before the connection closes. Internal to storage.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace ptrack::sqlite {

// How long a connection waits for a lock held by another (busy_timeout), in milliseconds: every
// connection of the store, the backup's and the writer after a checkpoint that waited less.
inline constexpr int kBusyTimeoutMs = 5000;

class Connection : public SQLite::Database {
 public:
  // Opens `path` read-write (created when absent), serialized mode. Throws SQLite::Exception.
  explicit Connection(const std::string& path);
  ~Connection();

  // A prepared statement for `sql`: a cached one when there is one, else newly prepared.
  SQLite::Statement Take(const std::string& sql);
  // Returns `statement` (already reset) to the cache; dropped when the cache is full.
  void Give(SQLite::Statement&& statement);
  // Runs `sql` (one statement that returns no rows) through the cache. Throws SQLite::Exception.
  void Run(const std::string& sql);

 private:
  // Distinct SQL texts kept per connection; the store has about a hundred, and a text built
  // from request data (none today) must not grow the cache without bound.
  static constexpr size_t kMaxStatements = 256;
  std::unordered_map<std::string, std::vector<std::unique_ptr<SQLite::Statement>>> cache_;
};

// A statement borrowed from `db`'s cache for the enclosing scope; use it as a SQLite::Statement.
// The destructor resets it, clears its bindings and returns it (a statement that fails to reset
// is finalized instead).
class Prepared : public SQLite::Statement {
 public:
  Prepared(Connection& db, const std::string& sql);
  ~Prepared();
  Prepared(const Prepared&) = delete;
  Prepared& operator=(const Prepared&) = delete;

 private:
  Connection& db_;
};

}  // namespace ptrack::sqlite
