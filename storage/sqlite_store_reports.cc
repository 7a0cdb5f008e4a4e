// SqliteStore: the clinic report's derived rows (one summary per patient, replaced after each
// evaluation) and the alert log (stored once per patient and key; only acknowledgement changes
// a stored alert). The report reads these small rows instead of the session history.
#include "storage/json_codec.h"
#include "storage/sqlite_store.h"
#include "storage/sqlite_support.h"

namespace ptrack {
namespace {

int64_t Ms(Instant t) { return static_cast<int64_t>(ToUnixMillis(t)); }

constexpr const char* kAlertColumns =
    "a.id, a.clinic_id, a.patient_id, a.kind, a.key, a.local_date, a.detail, a.session_id, "
    "a.create_ms, a.ack_ms, a.ack_by";

AlertRecord AlertFrom(SQLite::Statement& q) {
  AlertRecord r;
  r.id = q.getColumn(0).getInt64();
  r.clinic_id = q.getColumn(1).getString();
  r.patient_id = q.getColumn(2).getString();
  r.alert.kind = static_cast<AlertKind>(q.getColumn(3).getInt());
  r.alert.key = q.getColumn(4).getString();
  r.alert.date = sqlite::DateColumn(q.getColumn(5));
  r.alert.detail = q.getColumn(6).getString();
  r.alert.session_id = q.getColumn(7).getString();
  r.create_time = FromUnixMillis(q.getColumn(8).getInt64());
  if (!q.getColumn(9).isNull()) r.ack_time = FromUnixMillis(q.getColumn(9).getInt64());
  r.ack_by = q.getColumn(10).getString();
  return r;
}

std::optional<PatientSummary> SummaryFromText(const std::string& body) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  auto s = json::DecodeSummary(j);
  if (!s.ok()) return std::nullopt;  // derived: recomputed at the next evaluation
  return std::move(s).value();
}

std::optional<PatientSummary> SummaryFrom(const SQLite::Column& body) {
  if (body.isNull()) return std::nullopt;
  return SummaryFromText(body.getString());
}

Result<AlertRecord> AlertById(sqlite::Connection& db, int64_t id) {
  sqlite::Prepared q(db, std::string("SELECT ") + kAlertColumns + " FROM alerts a WHERE a.id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return Status::NotFound("alert not found");
  return AlertFrom(q);
}

}  // namespace

Result<PatientSummary> SqliteStore::GetPatientSummary(const std::string& patient_id) {
  return Read<PatientSummary>([&](sqlite::Connection& db) -> Result<PatientSummary> {
    sqlite::Prepared q(db, "SELECT body FROM patient_status WHERE patient_id = ?");
    q.bind(1, patient_id);
    if (!q.executeStep()) return Status::NotFound("no summary");
    auto s = SummaryFrom(q.getColumn(0));
    if (!s) return Status::NotFound("no summary");
    return std::move(*s);
  });
}

Result<bool> SqliteStore::GetPatientSuspended(const std::string& patient_id) {
  return Read<bool>([&](sqlite::Connection& db) -> Result<bool> {
    // SQLite's own JSON reader picks the one field; a body without it reads as no summary, as
    // GetPatientSummary treats a body that does not decode.
    sqlite::Prepared q(db,
                       "SELECT json_extract(body, '$.suspended') FROM patient_status "
                       "WHERE patient_id = ? AND json_valid(body)");
    q.bind(1, patient_id);
    if (!q.executeStep() || q.getColumn(0).isNull()) return Status::NotFound("no summary");
    return q.getColumn(0).getInt() != 0;
  });
}

Result<std::vector<AlertRecord>> SqliteStore::SavePatientSummary(const std::string& clinic_id,
                                                                 const std::string& patient_id,
                                                                 const PatientSummary& summary,
                                                                 Instant at) {
  return Write<std::vector<AlertRecord>>([&](sqlite::Connection& db)
                                             -> Result<std::vector<AlertRecord>> {
    sqlite::Prepared put(db,
                         "INSERT INTO patient_status(patient_id, as_of, body, update_ms) "
                         "VALUES (?, ?, ?, ?) ON CONFLICT(patient_id) DO UPDATE SET "
                         "as_of = excluded.as_of, body = excluded.body, "
                         "update_ms = excluded.update_ms");
    put.bind(1, patient_id);
    put.bind(2, FormatIsoDate(summary.as_of));
    put.bind(3, json::Encode(summary).dump());
    put.bind(4, Ms(at));
    put.exec();
    std::vector<AlertRecord> raised;
    sqlite::Prepared ins(db,
                         "INSERT INTO alerts(clinic_id, patient_id, kind, key, local_date, "
                         "detail, session_id, create_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                         "ON CONFLICT(patient_id, key) DO NOTHING");
    for (const AlertCandidate& a : summary.alerts) {
      ins.reset();
      ins.bind(1, clinic_id);
      ins.bind(2, patient_id);
      ins.bind(3, static_cast<int>(a.kind));
      ins.bind(4, a.key);
      ins.bind(5, FormatIsoDate(a.date));
      ins.bind(6, a.detail);
      ins.bind(7, a.session_id);
      ins.bind(8, Ms(at));
      if (ins.exec() == 1) {
        raised.push_back({db.getLastInsertRowid(), clinic_id, patient_id, a, at, std::nullopt, ""});
      }
    }
    return raised;
  });
}

Result<std::vector<PatientStatusRow>> SqliteStore::ListPatientStatus(
    const std::string& clinic_id, const std::string& therapist_filter) {
  // The rows' bodies are decoded after the read transaction ends: decoding a clinic's rows takes
  // far longer than reading them, and a snapshot held that long keeps the WAL from restarting,
  // which every write then waits for (wal_bound.h).
  struct Raw {
    PatientStatusRow row;
    std::optional<std::string> body;
  };
  using Raws = std::vector<Raw>;
  Result<Raws> raws = Read<Raws>([&](sqlite::Connection& db) -> Result<Raws> {
    sqlite::Prepared q(db,
                       "SELECT p.id, p.display_name, p.therapist_id, p.time_zone, s.body, "
                       "s.update_ms FROM patients p LEFT JOIN patient_status s "
                       "ON s.patient_id = p.id WHERE p.clinic_id = ? "
                       "AND (? = '' OR p.therapist_id = ?) ORDER BY p.id");
    q.bind(1, clinic_id);
    q.bind(2, therapist_filter);
    q.bind(3, therapist_filter);
    Raws out;
    while (q.executeStep()) {
      Raw r;
      r.row.patient_id = q.getColumn(0).getString();
      r.row.display_name = q.getColumn(1).getString();
      r.row.therapist_id = q.getColumn(2).getString();
      r.row.time_zone = q.getColumn(3).getString();
      if (!q.getColumn(4).isNull()) r.body = q.getColumn(4).getString();
      if (!q.getColumn(5).isNull()) r.row.update_time = FromUnixMillis(q.getColumn(5).getInt64());
      out.push_back(std::move(r));
    }
    return out;
  });
  if (!raws.ok()) return raws.status();
  std::vector<PatientStatusRow> rows;
  rows.reserve(raws->size());
  for (Raw& r : *raws) {
    if (r.body) r.row.summary = SummaryFromText(*r.body);
    rows.push_back(std::move(r.row));
  }
  return rows;
}

Result<std::vector<SummaryAge>> SqliteStore::ListSummaryAges() {
  using Ages = std::vector<SummaryAge>;
  return Read<Ages>([&](sqlite::Connection& db) -> Result<Ages> {
    sqlite::Prepared q(db,
                       "SELECT p.id, p.time_zone, s.as_of FROM programs g "
                       "JOIN patients p ON p.id = g.patient_id "
                       "LEFT JOIN patient_status s ON s.patient_id = p.id "
                       "WHERE g.state = 1 ORDER BY p.id");
    Ages out;
    while (q.executeStep()) {
      SummaryAge a{q.getColumn(0).getString(), q.getColumn(1).getString(), std::nullopt};
      if (!q.getColumn(2).isNull()) a.as_of = sqlite::DateColumn(q.getColumn(2));
      out.push_back(std::move(a));
    }
    return out;
  });
}

Result<std::vector<AlertRecord>> SqliteStore::ListAlerts(const std::string& clinic_id,
                                                         const std::string& therapist_filter,
                                                         int64_t after_id, int limit) {
  using Alerts = std::vector<AlertRecord>;
  return Read<Alerts>([&](sqlite::Connection& db) -> Result<Alerts> {
    sqlite::Prepared q(db, std::string("SELECT ") + kAlertColumns +
                               " FROM alerts a JOIN patients p ON p.id = a.patient_id "
                               "WHERE a.clinic_id = ? AND a.id > ? "
                               "AND (? = '' OR p.therapist_id = ?) ORDER BY a.id LIMIT ?");
    q.bind(1, clinic_id);
    q.bind(2, after_id);
    q.bind(3, therapist_filter);
    q.bind(4, therapist_filter);
    q.bind(5, limit);
    Alerts out;
    while (q.executeStep()) out.push_back(AlertFrom(q));
    return out;
  });
}

Result<AlertRecord> SqliteStore::GetAlert(int64_t id) {
  return Read<AlertRecord>([&](sqlite::Connection& db) { return AlertById(db, id); });
}

Result<AlertRecord> SqliteStore::AcknowledgeAlert(int64_t id, const std::string& by, Instant at) {
  return Write<AlertRecord>([&](sqlite::Connection& db) -> Result<AlertRecord> {
    sqlite::Prepared q(db,
                       "UPDATE alerts SET ack_ms = ?, ack_by = ? WHERE id = ? AND ack_ms IS NULL");
    q.bind(1, Ms(at));
    q.bind(2, by);
    q.bind(3, id);
    q.exec();
    return AlertById(db, id);
  });
}

}  // namespace ptrack
