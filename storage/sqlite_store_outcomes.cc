// SqliteStore: outcome-measure responses, written exactly once per (patient, client id) and never
// changed, and the instruments each program asks (schema 17). A response keeps its answers as a
// JSON array [[item, value, activity], ...] (activity left out when empty) and the judgement its
// instrument had when it was scored as a JSON object, so later edits of the instrument change no
// past verdict.
#include <SQLiteCpp/Statement.h>

#include <nlohmann/json.hpp>

#include "storage/sqlite_store.h"
#include "storage/sqlite_support.h"

namespace ptrack {
namespace {

using nlohmann::json;

constexpr const char* kResponseColumns =
    "patient_id, id, program_id, instrument_id, day, answer_ms, receive_ms, answers, score, "
    "percent, answered, judgement, author";

std::string EncodeAnswers(const std::vector<OutcomeAnswer>& answers) {
  json a = json::array();
  for (const OutcomeAnswer& x : answers) {
    json one = json::array({x.item_id, x.value});
    if (!x.activity.empty()) one.push_back(x.activity);
    a.push_back(std::move(one));
  }
  return a.dump();
}

std::vector<OutcomeAnswer> DecodeAnswers(const std::string& text) {
  std::vector<OutcomeAnswer> out;
  for (const json& one : json::parse(text)) {
    OutcomeAnswer x;
    x.item_id = one.at(0).get<std::string>();
    x.value = one.at(1).get<int>();
    if (one.size() > 2) x.activity = one.at(2).get<std::string>();
    out.push_back(std::move(x));
  }
  return out;
}

std::string EncodeJudgement(const OutcomeJudgement& j) {
  json o = {{"name", j.display_name},
            {"higher_is_better", j.direction == OutcomeDirection::kHigherIsBetter},
            {"mcid_points", j.mcid_points},
            {"mcid_fraction", j.mcid_fraction}};
  if (j.improved_at_most) o["improved_at_most"] = *j.improved_at_most;
  if (j.worsened_at_least) o["worsened_at_least"] = *j.worsened_at_least;
  return o.dump();
}

OutcomeJudgement DecodeJudgement(const std::string& text) {
  const json o = json::parse(text);
  OutcomeJudgement j;
  j.display_name = o.at("name").get<std::string>();
  j.direction = o.at("higher_is_better").get<bool>() ? OutcomeDirection::kHigherIsBetter
                                                     : OutcomeDirection::kLowerIsBetter;
  j.mcid_points = o.at("mcid_points").get<double>();
  j.mcid_fraction = o.at("mcid_fraction").get<double>();
  if (o.contains("improved_at_most")) j.improved_at_most = o.at("improved_at_most").get<int>();
  if (o.contains("worsened_at_least")) j.worsened_at_least = o.at("worsened_at_least").get<int>();
  return j;
}

OutcomeResponseRecord ResponseFrom(SQLite::Statement& q) {
  OutcomeResponseRecord r;
  r.patient_id = q.getColumn(0).getString();
  r.result.id = q.getColumn(1).getString();
  r.program_id = q.getColumn(2).getString();
  r.result.instrument_id = q.getColumn(3).getString();
  r.result.date = sqlite::DateColumn(q.getColumn(4));
  r.answer_time = FromUnixMillis(q.getColumn(5).getInt64());
  r.result.received = FromUnixMillis(q.getColumn(6).getInt64());
  r.answers = DecodeAnswers(q.getColumn(7).getString());
  r.result.score = q.getColumn(8).getDouble();
  if (!q.getColumn(9).isNull()) r.percent = q.getColumn(9).getDouble();
  r.answered = q.getColumn(10).getInt();
  r.result.judgement = DecodeJudgement(q.getColumn(11).getString());
  r.author = q.getColumn(12).getString();
  return r;
}

}  // namespace

Result<std::pair<OutcomeResponseRecord, bool>> SqliteStore::LogOutcomeResponse(
    const OutcomeResponseRecord& r, const AuditEvent* audit) {
  using Logged = std::pair<OutcomeResponseRecord, bool>;
  return Write<Logged>([&](sqlite::Connection& db) -> Result<Logged> {
    sqlite::Prepared find(db, std::string("SELECT ") + kResponseColumns +
                                  " FROM outcome_responses WHERE patient_id = ? AND id = ?");
    find.bind(1, r.patient_id);
    find.bind(2, r.result.id);
    if (find.executeStep()) {
      OutcomeResponseRecord stored = ResponseFrom(find);
      if (!SameOutcomePayload(stored, r)) {
        return Status::AlreadyExists("a different response with this id was already submitted");
      }
      return Logged{std::move(stored), true};
    }
    sqlite::Prepared program(db, "SELECT 1 FROM programs WHERE id = ? AND patient_id = ?");
    program.bind(1, r.program_id);
    program.bind(2, r.patient_id);
    if (!program.executeStep()) {
      return Status::FailedPrecondition("the change conflicts with stored data");
    }
    sqlite::Prepared q(db, std::string("INSERT INTO outcome_responses(") + kResponseColumns +
                               ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, r.patient_id);
    q.bind(2, r.result.id);
    q.bind(3, r.program_id);
    q.bind(4, r.result.instrument_id);
    q.bind(5, FormatIsoDate(r.result.date));
    q.bind(6, static_cast<int64_t>(ToUnixMillis(r.answer_time)));
    q.bind(7, static_cast<int64_t>(ToUnixMillis(r.result.received)));
    q.bind(8, EncodeAnswers(r.answers));
    q.bind(9, r.result.score);
    if (r.percent) {
      q.bind(10, *r.percent);
    } else {
      q.bind(10);
    }
    q.bind(11, r.answered);
    q.bind(12, EncodeJudgement(r.result.judgement));
    q.bind(13, r.author);
    q.exec();
    if (audit != nullptr) {
      try {
        sqlite::InsertAudit(db, *audit);
      } catch (const SQLite::Exception& e) {
        return Status::Unavailable("the response could not be recorded in the audit log (" +
                                   sqlite::FromException(e).message() + "); nothing was stored");
      }
    }
    return Logged{r, false};
  });
}

Result<OutcomeResponseRecord> SqliteStore::GetOutcomeResponse(const std::string& patient_id,
                                                              const std::string& id) {
  return Read<OutcomeResponseRecord>([&](sqlite::Connection& db) -> Result<OutcomeResponseRecord> {
    sqlite::Prepared q(db, std::string("SELECT ") + kResponseColumns +
                               " FROM outcome_responses WHERE patient_id = ? AND id = ?");
    q.bind(1, patient_id);
    q.bind(2, id);
    if (!q.executeStep()) return Status::NotFound("outcome response not found");
    return ResponseFrom(q);
  });
}

Result<std::vector<OutcomeResponseRecord>> SqliteStore::ListOutcomeResponses(
    const std::string& program_id) {
  using List = std::vector<OutcomeResponseRecord>;
  return Read<List>([&](sqlite::Connection& db) -> Result<List> {
    sqlite::Prepared q(db, std::string("SELECT ") + kResponseColumns +
                               " FROM outcome_responses WHERE program_id = ? "
                               "ORDER BY day, receive_ms, id");
    q.bind(1, program_id);
    List out;
    while (q.executeStep()) out.push_back(ResponseFrom(q));
    return out;
  });
}

Status SqliteStore::SetProgramInstrument(const std::string& program_id,
                                         const ProgramInstrument& s) {
  return Write<bool>([&](sqlite::Connection& db) -> Result<bool> {
           sqlite::Prepared program(db, "SELECT 1 FROM programs WHERE id = ?");
           program.bind(1, program_id);
           if (!program.executeStep()) return Status::NotFound("program not found");
           sqlite::Prepared q(db,
                              "INSERT OR REPLACE INTO program_instruments(program_id, "
                              "instrument_id, assigned, author, update_ms) VALUES(?, ?, ?, ?, ?)");
           q.bind(1, program_id);
           q.bind(2, s.instrument_id);
           q.bind(3, s.assigned ? 1 : 0);
           q.bind(4, s.author);
           q.bind(5, static_cast<int64_t>(ToUnixMillis(s.update_time)));
           q.exec();
           return true;
         })
      .status();
}

Result<std::vector<ProgramInstrument>> SqliteStore::ListProgramInstruments(
    const std::string& program_id) {
  using List = std::vector<ProgramInstrument>;
  return Read<List>([&](sqlite::Connection& db) -> Result<List> {
    sqlite::Prepared q(db,
                       "SELECT instrument_id, assigned, author, update_ms FROM program_instruments "
                       "WHERE program_id = ? ORDER BY instrument_id");
    q.bind(1, program_id);
    List out;
    while (q.executeStep()) {
      out.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt() == 1,
                     q.getColumn(2).getString(), FromUnixMillis(q.getColumn(3).getInt64())});
    }
    return out;
  });
}

}  // namespace ptrack
