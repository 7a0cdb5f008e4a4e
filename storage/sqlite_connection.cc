// The connection's statement cache and the scoped borrow.
#include "storage/sqlite_connection.h"

#include <SQLiteCpp/Exception.h>

namespace ptrack::sqlite {

Connection::Connection(const std::string& path)
    : SQLite::Database(path,
                       SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX) {}

// The statements are members, destroyed before the base class closes the connection.
Connection::~Connection() = default;

SQLite::Statement Connection::Take(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second.empty()) {
    std::unique_ptr<SQLite::Statement> cached = std::move(it->second.back());
    it->second.pop_back();
    return std::move(*cached);
  }
  return SQLite::Statement(*this, sql);
}

void Connection::Give(SQLite::Statement&& statement) {
  auto it = cache_.find(statement.getQuery());
  if (it == cache_.end()) {
    if (cache_.size() >= kMaxStatements) return;  // finalized here
    it = cache_.emplace(statement.getQuery(), std::vector<std::unique_ptr<SQLite::Statement>>())
             .first;
  }
  if (it->second.size() >= 4) return;  // nested uses of one SQL text are rare and shallow
  it->second.push_back(std::make_unique<SQLite::Statement>(std::move(statement)));
}

void Connection::Run(const std::string& sql) {
  Prepared q(*this, sql);
  q.exec();
}

Prepared::Prepared(Connection& db, const std::string& sql)
    : SQLite::Statement(db.Take(sql)), db_(db) {}

Prepared::~Prepared() {
  try {
    reset();
    clearBindings();
  } catch (const SQLite::Exception&) {
    return;  // its last run failed in a way reset reports again: finalize rather than reuse
  }
  db_.Give(std::move(static_cast<SQLite::Statement&>(*this)));
}

}  // namespace ptrack::sqlite
