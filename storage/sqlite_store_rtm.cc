// SqliteStore: Remote Therapeutic Monitoring records — episodes (one open per patient), the
// append-only clinician time entries (exactly once per client id), and the sessions' receive
// times from which the data days are counted.
#include "storage/sqlite_store.h"
#include "storage/sqlite_support.h"

namespace ptrack {
namespace {

int64_t Ms(Instant t) { return static_cast<int64_t>(ToUnixMillis(t)); }

constexpr const char* kEpisodeColumns =
    "id, patient_id, start_date, end_date, onboarding, practitioner_id, author, create_ms";

RtmEpisodeRecord EpisodeFrom(SQLite::Statement& q) {
  RtmEpisodeRecord e;
  e.id = q.getColumn(0).getString();
  e.patient_id = q.getColumn(1).getString();
  e.start_date = sqlite::DateColumn(q.getColumn(2));
  if (!q.getColumn(3).isNull()) e.end_date = sqlite::DateColumn(q.getColumn(3));
  e.onboarding = q.getColumn(4).getInt() != 0;
  e.practitioner_id = q.getColumn(5).getString();
  e.author = q.getColumn(6).getString();
  e.create_time = FromUnixMillis(q.getColumn(7).getInt64());
  return e;
}

std::optional<RtmEpisodeRecord> OpenEpisode(sqlite::Connection& db, const std::string& patient_id) {
  sqlite::Prepared q(db, std::string("SELECT ") + kEpisodeColumns +
                             " FROM rtm_episodes WHERE patient_id = ? AND end_date IS NULL");
  q.bind(1, patient_id);
  if (!q.executeStep()) return std::nullopt;
  return EpisodeFrom(q);
}

RtmTimeEntryRecord EntryFrom(SQLite::Statement& q) {
  RtmTimeEntryRecord e;
  e.id = q.getColumn(0).getString();
  e.patient_id = q.getColumn(1).getString();
  e.therapist_id = q.getColumn(2).getString();
  e.date = sqlite::DateColumn(q.getColumn(3));
  e.minutes = q.getColumn(4).getInt();
  e.live = q.getColumn(5).getInt() != 0;
  e.activity = q.getColumn(6).getString();
  e.create_time = FromUnixMillis(q.getColumn(7).getInt64());
  return e;
}

constexpr const char* kEntryColumns =
    "id, patient_id, therapist_id, local_date, minutes, live, activity, create_ms";

bool SameEntry(const RtmTimeEntryRecord& a, const RtmTimeEntryRecord& b) {
  return a.patient_id == b.patient_id && a.therapist_id == b.therapist_id && a.date == b.date &&
         a.minutes == b.minutes && a.live == b.live && a.activity == b.activity;
}

}  // namespace

Result<std::vector<Instant>> SqliteStore::ListReceiveTimes(const std::string& patient_id,
                                                           Instant from, Instant to) {
  return Read<std::vector<Instant>>([&](sqlite::Connection& db) -> Result<std::vector<Instant>> {
    sqlite::Prepared q(db,
                       "SELECT s.receive_ms FROM patients p JOIN sessions s ON s.patient = p.key "
                       "WHERE p.id = ? AND s.receive_ms >= ? AND s.receive_ms < ? "
                       "ORDER BY s.receive_ms");
    q.bind(1, patient_id);
    q.bind(2, Ms(from));
    q.bind(3, Ms(to));
    std::vector<Instant> out;
    while (q.executeStep()) out.push_back(FromUnixMillis(q.getColumn(0).getInt64()));
    return out;
  });
}

Result<RtmEpisodeRecord> SqliteStore::CreateRtmEpisode(const RtmEpisodeRecord& episode) {
  return Write<RtmEpisodeRecord>([&](sqlite::Connection& db) -> Result<RtmEpisodeRecord> {
    sqlite::Prepared get(
        db, std::string("SELECT ") + kEpisodeColumns + " FROM rtm_episodes WHERE id = ?");
    get.bind(1, episode.id);
    if (get.executeStep()) {
      RtmEpisodeRecord stored = EpisodeFrom(get);
      if (stored.patient_id == episode.patient_id && stored.start_date == episode.start_date &&
          stored.onboarding == episode.onboarding &&
          stored.practitioner_id == episode.practitioner_id) {
        return stored;
      }
      return Status::AlreadyExists("a different monitoring episode with this id exists");
    }
    if (OpenEpisode(db, episode.patient_id)) {
      return Status::FailedPrecondition("the patient already has an open monitoring episode");
    }
    sqlite::Prepared overlap(db,
                             "SELECT max(end_date) FROM rtm_episodes WHERE patient_id = ? AND "
                             "end_date >= ?");
    overlap.bind(1, episode.patient_id);
    overlap.bind(2, FormatIsoDate(episode.start_date));
    if (overlap.executeStep() && !overlap.getColumn(0).isNull()) {
      return Status::FailedPrecondition("the start overlaps an earlier monitoring episode (ended " +
                                        overlap.getColumn(0).getString() + ")");
    }
    sqlite::Prepared ins(db,
                         "INSERT INTO rtm_episodes(id, patient_id, start_date, end_date, "
                         "onboarding, practitioner_id, author, create_ms) "
                         "VALUES (?, ?, ?, NULL, ?, ?, ?, ?)");
    ins.bind(1, episode.id);
    ins.bind(2, episode.patient_id);
    ins.bind(3, FormatIsoDate(episode.start_date));
    ins.bind(4, episode.onboarding ? 1 : 0);
    ins.bind(5, episode.practitioner_id);
    ins.bind(6, episode.author);
    ins.bind(7, Ms(episode.create_time));
    ins.exec();
    RtmEpisodeRecord stored = episode;
    stored.end_date.reset();
    return stored;
  });
}

Result<RtmEpisodeRecord> SqliteStore::EndRtmEpisode(const std::string& patient_id,
                                                    LocalDate end_date) {
  return Write<RtmEpisodeRecord>([&](sqlite::Connection& db) -> Result<RtmEpisodeRecord> {
    auto open = OpenEpisode(db, patient_id);
    if (!open) return Status::NotFound("the patient has no open monitoring episode");
    if (end_date < open->start_date) {
      return Status::InvalidArgument("end_date", "is before the episode's start");
    }
    sqlite::Prepared q(db, "UPDATE rtm_episodes SET end_date = ? WHERE id = ?");
    q.bind(1, FormatIsoDate(end_date));
    q.bind(2, open->id);
    q.exec();
    open->end_date = end_date;
    return *open;
  });
}

Result<std::vector<RtmEpisodeRecord>> SqliteStore::ListRtmEpisodes(const std::string& patient_id) {
  return Read<std::vector<RtmEpisodeRecord>>(
      [&](sqlite::Connection& db) -> Result<std::vector<RtmEpisodeRecord>> {
        sqlite::Prepared q(db, std::string("SELECT ") + kEpisodeColumns +
                                   " FROM rtm_episodes WHERE patient_id = ? "
                                   "ORDER BY start_date, create_ms");
        q.bind(1, patient_id);
        std::vector<RtmEpisodeRecord> out;
        while (q.executeStep()) out.push_back(EpisodeFrom(q));
        return out;
      });
}

Result<RtmTimeEntryRecord> SqliteStore::AddRtmTimeEntry(const RtmTimeEntryRecord& entry,
                                                        bool* replayed) {
  *replayed = false;
  return Write<RtmTimeEntryRecord>([&](sqlite::Connection& db) -> Result<RtmTimeEntryRecord> {
    sqlite::Prepared get(
        db, std::string("SELECT ") + kEntryColumns + " FROM rtm_time_entries WHERE id = ?");
    get.bind(1, entry.id);
    if (get.executeStep()) {
      RtmTimeEntryRecord stored = EntryFrom(get);
      if (!SameEntry(stored, entry)) {
        return Status::AlreadyExists("a different time entry with this id was already recorded");
      }
      *replayed = true;
      return stored;
    }
    sqlite::Prepared ins(db,
                         "INSERT INTO rtm_time_entries(id, patient_id, therapist_id, local_date, "
                         "minutes, live, activity, create_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, entry.id);
    ins.bind(2, entry.patient_id);
    ins.bind(3, entry.therapist_id);
    ins.bind(4, FormatIsoDate(entry.date));
    ins.bind(5, entry.minutes);
    ins.bind(6, entry.live ? 1 : 0);
    ins.bind(7, entry.activity);
    ins.bind(8, Ms(entry.create_time));
    ins.exec();
    return entry;
  });
}

Result<RtmTimeEntryRecord> SqliteStore::GetRtmTimeEntry(const std::string& id) {
  return Read<RtmTimeEntryRecord>([&](sqlite::Connection& db) -> Result<RtmTimeEntryRecord> {
    sqlite::Prepared q(
        db, std::string("SELECT ") + kEntryColumns + " FROM rtm_time_entries WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return Status::NotFound("no such time entry");
    return EntryFrom(q);
  });
}

Result<std::vector<RtmTimeEntryRecord>> SqliteStore::ListRtmTimeEntries(
    const std::string& patient_id, LocalDate from, LocalDate to) {
  return Read<std::vector<RtmTimeEntryRecord>>(
      [&](sqlite::Connection& db) -> Result<std::vector<RtmTimeEntryRecord>> {
        sqlite::Prepared q(db, std::string("SELECT ") + kEntryColumns +
                                   " FROM rtm_time_entries WHERE patient_id = ? AND local_date "
                                   "BETWEEN ? AND ? ORDER BY local_date, create_ms");
        q.bind(1, patient_id);
        q.bind(2, FormatIsoDate(from));
        q.bind(3, FormatIsoDate(to));
        std::vector<RtmTimeEntryRecord> out;
        while (q.executeStep()) out.push_back(EntryFrom(q));
        return out;
      });
}

}  // namespace ptrack
