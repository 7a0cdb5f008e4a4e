// SqliteStore: account security (sign-in failures, password rehash), bearer tokens, enrolment
// codes and the append-only audit log. Only hashes of tokens and codes are ever stored.
#include "storage/sqlite_store.h"
#include "storage/sqlite_support.h"

namespace ptrack {
namespace {

struct Done {};

void BindBlob(SQLite::Statement& q, int i, const std::string& bytes) {
  q.bind(i, bytes.data(), static_cast<int>(bytes.size()));
}

int64_t Ms(Instant t) { return static_cast<int64_t>(ToUnixMillis(t)); }

AuditEvent AuditFrom(SQLite::Statement& q) {
  AuditEvent e;
  e.id = q.getColumn(0).getInt64();
  e.time = FromUnixMillis(q.getColumn(1).getInt64());
  e.username = q.getColumn(2).getString();
  e.role = static_cast<Role>(q.getColumn(3).getInt());
  e.clinic_id = q.getColumn(4).getString();
  e.patient_id = q.getColumn(5).getString();
  e.method = q.getColumn(6).getString();
  e.outcome = q.getColumn(7).getString();
  return e;
}

}  // namespace

// --- Account security ------------------------------------------------------------------------

Result<int> SqliteStore::AddSignInFailure(const std::string& username, Instant at, int lock_after) {
  return Write<int>([&](sqlite::Connection& db) -> Result<int> {
    sqlite::Prepared q(db,
                       "UPDATE accounts SET failed_sign_ins = failed_sign_ins + 1, "
                       "last_failed_ms = ? WHERE username = ? RETURNING failed_sign_ins");
    q.bind(1, Ms(at));
    q.bind(2, username);
    if (!q.executeStep()) return Status::NotFound("account not found");
    const int count = q.getColumn(0).getInt();
    q.reset();  // finish the statement before the transaction commits
    if (count >= lock_after) {
      sqlite::Prepared revoke(db, "UPDATE tokens SET revoked = 1 WHERE username = ?");
      revoke.bind(1, username);
      revoke.exec();
    }
    return count;
  });
}

Status SqliteStore::ResetSignInFailures(const std::string& username) {
  return Write<Done>([&](sqlite::Connection& db) -> Result<Done> {
           sqlite::Prepared q(db, "UPDATE accounts SET failed_sign_ins = 0 WHERE username = ?");
           q.bind(1, username);
           if (q.exec() == 0) return Status::NotFound("account not found");
           return Done{};
         })
      .status();
}

Status SqliteStore::SetAccountDisabled(const std::string& username, bool disabled, Instant at) {
  return Write<Done>([&](sqlite::Connection& db) -> Result<Done> {
           sqlite::Prepared q(db, "UPDATE accounts SET disabled = ? WHERE username = ?");
           q.bind(1, disabled ? 1 : 0);
           q.bind(2, username);
           if (q.exec() == 0) return Status::NotFound("account not found");
           if (!disabled) return Done{};
           sqlite::Prepared revoke(db, "UPDATE tokens SET revoked = 1 WHERE username = ?");
           revoke.bind(1, username);
           revoke.exec();
           sqlite::Prepared voids(db,
                                  "UPDATE enrolment_codes SET redeemed_ms = ? "
                                  "WHERE username = ? AND redeemed_ms IS NULL");
           voids.bind(1, Ms(at));
           voids.bind(2, username);
           voids.exec();
           return Done{};
         })
      .status();
}

Status SqliteStore::SetPasswordHash(const std::string& username, const std::string& hash) {
  return Write<Done>([&](sqlite::Connection& db) -> Result<Done> {
           sqlite::Prepared q(db, "UPDATE accounts SET password_hash = ? WHERE username = ?");
           q.bind(1, hash);
           q.bind(2, username);
           if (q.exec() == 0) return Status::NotFound("account not found");
           return Done{};
         })
      .status();
}

// --- Tokens ----------------------------------------------------------------------------------

Status SqliteStore::PutToken(const TokenRecord& t) {
  return Write<Done>([&](sqlite::Connection& db) -> Result<Done> {
           sqlite::Prepared q(db,
                              "INSERT INTO tokens(hash, username, create_ms, expire_ms, revoked, "
                              "last_use_ms) VALUES(?, ?, ?, ?, ?, ?)");
           BindBlob(q, 1, t.token_hash);
           q.bind(2, t.username);
           q.bind(3, Ms(t.create_time));
           q.bind(4, Ms(t.expire_time));
           q.bind(5, t.revoked ? 1 : 0);
           q.bind(6, Ms(t.last_use_time));
           q.exec();
           return Done{};
         })
      .status();
}

Result<TokenRecord> SqliteStore::GetToken(const std::string& hash) {
  return Read<TokenRecord>([&](sqlite::Connection& db) -> Result<TokenRecord> {
    sqlite::Prepared q(db,
                       "SELECT username, create_ms, expire_ms, revoked, last_use_ms FROM tokens "
                       "WHERE hash = ?");
    BindBlob(q, 1, hash);
    if (!q.executeStep()) return Status::NotFound("token not found");
    TokenRecord t;
    t.token_hash = hash;
    t.username = q.getColumn(0).getString();
    t.create_time = FromUnixMillis(q.getColumn(1).getInt64());
    t.expire_time = FromUnixMillis(q.getColumn(2).getInt64());
    t.revoked = q.getColumn(3).getInt() != 0;
    t.last_use_time = FromUnixMillis(q.getColumn(4).getInt64());
    return t;
  });
}

Status SqliteStore::RevokeToken(const std::string& hash) {
  return Write<Done>([&](sqlite::Connection& db) -> Result<Done> {
           sqlite::Prepared q(db, "UPDATE tokens SET revoked = 1 WHERE hash = ?");
           BindBlob(q, 1, hash);
           if (q.exec() == 0) return Status::NotFound("token not found");
           return Done{};
         })
      .status();
}

Status SqliteStore::RevokeTokens(const std::string& username) {
  return Write<Done>([&](sqlite::Connection& db) -> Result<Done> {
           sqlite::Prepared q(db, "UPDATE tokens SET revoked = 1 WHERE username = ?");
           q.bind(1, username);
           q.exec();
           return Done{};
         })
      .status();
}

Status SqliteStore::TouchToken(const std::string& hash, Instant at) {
  return Write<Done>([&](sqlite::Connection& db) -> Result<Done> {
           sqlite::Prepared q(db,
                              "UPDATE tokens SET last_use_ms = max(last_use_ms, ?) WHERE hash = ?");
           q.bind(1, Ms(at));
           BindBlob(q, 2, hash);
           if (q.exec() == 0) return Status::NotFound("token not found");
           return Done{};
         })
      .status();
}

Result<int64_t> SqliteStore::GetRevocationEpoch() {
  return Read<int64_t>([&](sqlite::Connection& db) -> Result<int64_t> {
    sqlite::Prepared q(db, "SELECT epoch FROM revocation_epoch WHERE id = 1");
    if (!q.executeStep()) return Status::Internal("the revocation epoch row is missing");
    return q.getColumn(0).getInt64();
  });
}

// --- Enrolment codes -------------------------------------------------------------------------

Status SqliteStore::PutEnrolmentCode(const EnrolmentCodeRecord& c) {
  return Write<Done>([&](sqlite::Connection& db) -> Result<Done> {
           sqlite::Prepared exists(db, "SELECT 1 FROM accounts WHERE username = ?");
           exists.bind(1, c.username);
           if (!exists.executeStep()) return Status::NotFound("account not found");
           sqlite::Prepared voids(db,
                                  "UPDATE enrolment_codes SET redeemed_ms = ? "
                                  "WHERE username = ? AND redeemed_ms IS NULL");
           voids.bind(1, Ms(c.create_time));
           voids.bind(2, c.username);
           voids.exec();
           sqlite::Prepared q(db,
                              "INSERT INTO enrolment_codes(hash, username, create_ms, expire_ms) "
                              "VALUES(?, ?, ?, ?)");
           BindBlob(q, 1, c.code_hash);
           q.bind(2, c.username);
           q.bind(3, Ms(c.create_time));
           q.bind(4, Ms(c.expire_time));
           q.exec();
           return Done{};
         })
      .status();
}

Result<Account> SqliteStore::RedeemEnrolmentCode(const std::string& code_hash, Instant now,
                                                 const std::string& password_hash) {
  auto username = Write<std::string>([&](sqlite::Connection& db) -> Result<std::string> {
    sqlite::Prepared q(db,
                       "UPDATE enrolment_codes SET redeemed_ms = ? WHERE hash = ? AND "
                       "redeemed_ms IS NULL AND expire_ms > ? RETURNING username");
    q.bind(1, Ms(now));
    BindBlob(q, 2, code_hash);
    q.bind(3, Ms(now));
    static const Status not_found = Status::NotFound("unknown, used or expired enrolment code");
    if (!q.executeStep()) return not_found;
    std::string user = q.getColumn(0).getString();
    q.reset();
    // A disabled account's code answers like an unknown one; returning an error rolls the
    // redemption back, so the code still works once the account is enabled.
    sqlite::Prepared disabled(db, "SELECT disabled FROM accounts WHERE username = ?");
    disabled.bind(1, user);
    if (!disabled.executeStep() || disabled.getColumn(0).getInt() != 0) return not_found;
    disabled.reset();
    sqlite::Prepared pw(db,
                        "UPDATE accounts SET password_hash = ?, failed_sign_ins = 0 "
                        "WHERE username = ?");
    pw.bind(1, password_hash);
    pw.bind(2, user);
    pw.exec();
    sqlite::Prepared revoke(db, "UPDATE tokens SET revoked = 1 WHERE username = ?");
    revoke.bind(1, user);
    revoke.exec();
    return user;
  });
  if (!username.ok()) return username.status();
  return GetAccount(*username);
}

// --- Audit -----------------------------------------------------------------------------------

namespace sqlite {

void InsertAudit(Connection& db, const AuditEvent& e) {
  Prepared q(db,
             "INSERT INTO audit_events(time_ms, username, role, clinic_id, patient_id, method, "
             "outcome) VALUES(?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, static_cast<int64_t>(ToUnixMillis(e.time)));
  q.bind(2, e.username);
  q.bind(3, static_cast<int>(e.role));
  q.bind(4, e.clinic_id);
  q.bind(5, e.patient_id);
  q.bind(6, e.method);
  q.bind(7, e.outcome);
  q.exec();
}

}  // namespace sqlite

Status SqliteStore::AppendAudit(const AuditEvent& e) {
  return Write<Done>([&](sqlite::Connection& db) -> Result<Done> {
           sqlite::InsertAudit(db, e);
           return Done{};
         })
      .status();
}

Result<Page<AuditEvent>> SqliteStore::ListAudit(const std::string& clinic_id,
                                                const std::string& patient_filter,
                                                const PageRequest& page) {
  return Read<Page<AuditEvent>>([&](sqlite::Connection& db) -> Result<Page<AuditEvent>> {
    int64_t before = INT64_MAX;
    if (!page.after.empty()) {
      try {
        before = std::stoll(page.after);
      } catch (const std::exception&) {
        return Status::InvalidArgument("page_token", "is not a token this server issued");
      }
    }
    static constexpr const char* kColumns =
        "SELECT id, time_ms, username, role, clinic_id, patient_id, method, outcome "
        "FROM audit_events ";
    // The union is written as two index range scans (by clinic, by the clinic's patients).
    const std::string sql =
        patient_filter.empty()
            ? std::string(kColumns) +
                  "WHERE id IN (SELECT id FROM audit_events WHERE clinic_id = ?1 AND id < ?2 "
                  "UNION SELECT a.id FROM audit_events a JOIN patients p ON p.id = a.patient_id "
                  "WHERE p.clinic_id = ?1 AND a.id < ?2) ORDER BY id DESC LIMIT ?3"
            : std::string(kColumns) +
                  "WHERE patient_id = ?4 AND id < ?2 AND (clinic_id = ?1 OR EXISTS "
                  "(SELECT 1 FROM patients p WHERE p.id = ?4 AND p.clinic_id = ?1)) "
                  "ORDER BY id DESC LIMIT ?3";
    sqlite::Prepared q(db, sql);
    q.bind(1, clinic_id);
    q.bind(2, before);
    q.bind(3, sqlite::PageLimit(page) + 1);
    if (!patient_filter.empty()) q.bind(4, patient_filter);
    return sqlite::CollectPage<AuditEvent>(
        q, page, AuditFrom, [](const AuditEvent& e) { return std::to_string(e.id); });
  });
}

// --- Secrets ---------------------------------------------------------------------------------

Result<std::string> SqliteStore::GetOrCreateSecret(const std::string& name,
                                                   const std::string& candidate) {
  return Write<std::string>([&](sqlite::Connection& db) -> Result<std::string> {
    {
      sqlite::Prepared insert(db,
                              "INSERT INTO secrets(name, value) VALUES(?, ?) "
                              "ON CONFLICT(name) DO NOTHING");
      insert.bind(1, name);
      insert.bind(2, candidate.data(), static_cast<int>(candidate.size()));
      insert.exec();
    }
    sqlite::Prepared q(db, "SELECT value FROM secrets WHERE name = ?");
    q.bind(1, name);
    if (!q.executeStep()) return Status::Internal("a stored secret is missing");
    const SQLite::Column value = q.getColumn(0);
    return std::string(static_cast<const char*>(value.getBlob()),
                       static_cast<size_t>(value.getBytes()));
  });
}

}  // namespace ptrack
