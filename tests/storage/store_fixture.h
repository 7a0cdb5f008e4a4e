// Test helpers for the store suites: TempPath/TempDir give each test its own file or folder under
// the system temporary directory and remove it (with SQLite's -wal/-shm/-journal companions) when
// the test ends; StoreFixture opens a fresh SqliteStore on such a file and hands it out only as a
// `Store&`, so the contract tests never see the backend (a second backend swaps the fixture, not
// the tests); the Make*/Seed* functions build minimal valid domain values (clinic, therapist,
// patient, exercises, protocol, program, session) and write them through the interface, failing
// the calling test when a seeding write is refused.
#pragma once

#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include "storage/sqlite_store.h"
#include "storage/store.h"

namespace ptrack::testing {

// A path under temp_directory_path() that no other test (in this or a concurrent process) uses.
inline std::filesystem::path UniqueTempPath(const std::string& stem) {
  static std::atomic<int> counter{0};
  static const unsigned long long salt = std::random_device{}();
  return std::filesystem::temp_directory_path() /
         (stem + "-" + std::to_string(::getpid()) + "-" + std::to_string(salt) + "-" +
          std::to_string(counter.fetch_add(1)));
}

// A database file path, removed together with its -wal, -shm and -journal files on destruction.
class TempPath {
 public:
  TempPath() : path_(UniqueTempPath("ptrack-store-test").string() + ".db") {}
  ~TempPath() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(path_ + suffix, ec);
    }
  }
  TempPath(const TempPath&) = delete;
  TempPath& operator=(const TempPath&) = delete;
  const std::string& str() const { return path_; }

 private:
  std::string path_;
};

// A fresh empty folder, removed recursively on destruction.
class TempDir {
 public:
  TempDir() : path_(UniqueTempPath("ptrack-catalogue-test")) {
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A SqliteStore on its own temporary file. Close()/Reopen() let SQLite-specific tests check
// durability; contract tests use only store().
class StoreFixture {
 public:
  StoreFixture() { Reopen(); }
  ~StoreFixture() { Close(); }  // closes every connection before TempPath removes the files
  StoreFixture(const StoreFixture&) = delete;
  StoreFixture& operator=(const StoreFixture&) = delete;

  Store& store() { return *store_; }
  const std::string& path() const { return file_.str(); }

  void Close() { store_.reset(); }
  void Reopen() {
    store_.reset();
    auto opened = SqliteStore::Open(file_.str());
    INFO(opened.status().ToString());
    REQUIRE(opened.ok());
    store_ = std::move(*opened);
  }

 private:
  TempPath file_;  // declared first: destroyed after store_
  std::unique_ptr<SqliteStore> store_;
};

// --- Status assertions ------------------------------------------------------------------------

inline const Status& StatusOf(const Status& s) { return s; }
template <typename T>
const Status& StatusOf(const Result<T>& r) {
  return r.status();
}

// REQUIRE/CHECK that a Status or Result is OK, or has the given code; the status text is shown
// when it does not.
#define PTRACK_REQUIRE_OK(expr)                                           \
  do {                                                                    \
    const ::ptrack::Status ptrack_s_ = ::ptrack::testing::StatusOf(expr); \
    INFO(ptrack_s_.ToString());                                           \
    REQUIRE(ptrack_s_.ok());                                              \
  } while (0)
#define PTRACK_CHECK_CODE(expr, expected)                                 \
  do {                                                                    \
    const ::ptrack::Status ptrack_s_ = ::ptrack::testing::StatusOf(expr); \
    INFO(ptrack_s_.ToString());                                           \
    CHECK(ptrack_s_.code() == ::ptrack::StatusCode::expected);            \
  } while (0)

// --- Values ---------------------------------------------------------------------------------

inline LocalDate Ymd(int y, unsigned m, unsigned d) {
  return LocalDate{date::year{y} / date::month{m} / date::day{d}};
}

// An instant on `day` at hh:mm UTC.
inline Instant At(LocalDate day, int hh, int mm = 0) {
  return Instant{std::chrono::sys_days{day.time_since_epoch()}} + std::chrono::hours{hh} +
         std::chrono::minutes{mm};
}

inline Clinic MakeClinic(const std::string& id) {
  return Clinic{id, "Clinic " + id, "Europe/Berlin"};
}

inline Account MakeAccount(const std::string& username, Role role, const std::string& clinic_id,
                           const std::string& subject_id) {
  Account a;
  a.username = username;
  a.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA-" + username;
  a.role = role;
  a.clinic_id = clinic_id;
  a.subject_id = subject_id;
  a.create_time = FromUnixMillis(1767225600000);  // 2026-01-01 00:00 UTC
  return a;
}

inline Therapist MakeTherapist(const std::string& id, const std::string& clinic_id) {
  return Therapist{id, clinic_id, "Therapist " + id, "user-" + id};
}

inline Patient MakePatient(const std::string& id, const std::string& clinic_id,
                           const std::string& therapist_id) {
  Patient p;
  p.id = id;
  p.clinic_id = clinic_id;
  p.display_name = "Patient " + id;
  p.time_zone = "Europe/Berlin";
  p.therapist_id = therapist_id;
  p.username = "user-" + id;
  p.create_time = FromUnixMillis(1767312000000);  // 2026-01-02 00:00 UTC
  p.version = 1;
  return p;
}

inline Account AccountFor(const Therapist& t) {
  return MakeAccount(t.username, Role::kTherapist, t.clinic_id, t.id);
}
inline Account AccountFor(const Patient& p) {
  return MakeAccount(p.username, Role::kPatient, p.clinic_id, p.id);
}

inline Exercise MakeExercise(const std::string& id, Region region) {
  Exercise e;
  e.id = id;
  e.display_name = "Exercise " + id;
  e.region = region;
  e.ladder = id;
  e.ladder_rank = 1;
  e.default_dose.sets = 2;
  e.default_dose.reps = 10;
  e.default_dose.hold_seconds = 5;
  e.default_dose.side = Side::kBoth;
  e.default_dose.rest_seconds = 30;
  e.levers = {Lever::kHoldSeconds, Lever::kReps};
  e.instructions = "Do " + id + " slowly.";
  return e;
}

inline Phase MakePhase(int number, int start_week, int weeks,
                       const std::vector<std::string>& exercise_ids) {
  Phase p;
  p.number = number;
  p.display_name = "Phase " + std::to_string(number);
  p.start_week = start_week;
  p.weeks = weeks;
  p.sessions_per_week = 3;
  for (const auto& id : exercise_ids) {
    Prescription rx;
    rx.exercise_id = id;
    Dose d1;
    d1.sets = 1;
    d1.reps = 8;
    Dose d2 = d1;
    d2.reps = 10;
    d2.load_kg = 1.5;
    d2.band = "red";
    d2.side = Side::kEach;
    rx.dose_steps = {d1, d2};
    rx.notes = "keep it pain-free";
    p.prescriptions.push_back(rx);
  }
  p.gate = "pain at most 3/10";
  return p;
}

// Two phases: 4 weeks, then open-ended maintenance.
inline Protocol MakeProtocol(const std::string& id, const std::vector<std::string>& exercise_ids) {
  Protocol p;
  p.id = id;
  p.display_name = "Protocol " + id;
  p.description = "A test protocol.";
  p.phases = {MakePhase(1, 1, 4, exercise_ids), MakePhase(2, 5, 0, exercise_ids)};
  return p;
}

inline Program MakeProgram(const std::string& id, const std::string& patient_id,
                           const Protocol& protocol, LocalDate start) {
  Program p;
  p.id = id;
  p.patient_id = patient_id;
  p.protocol_id = protocol.id;
  p.start_date = start;
  p.state = ProgramState::kActive;
  p.create_time = At(start, 9);
  ProgramRevision rev;
  rev.revision = 1;
  rev.effective_date = start;
  rev.reason = "initial program";
  rev.author = "clinics/c1/therapists/t1";
  rev.create_time = p.create_time;
  rev.phases = protocol.phases;
  p.revisions = {rev};
  return p;
}

inline ExerciseLog Log(const std::string& exercise_id, int sets, int reps, int hold_seconds = 0,
                       double load_kg = 0, const std::string& band = "", Side side = Side::kBoth) {
  ExerciseLog l;
  l.exercise_id = exercise_id;
  l.sets = sets;
  l.reps = reps;
  l.hold_seconds = hold_seconds;
  l.load_kg = load_kg;
  l.band = band;
  l.side = side;
  return l;
}

// A session of two exercises (both done), pains 2 before and 3 after, received 5 minutes later.
inline Session MakeSession(const std::string& id, const std::string& patient_id,
                           const std::string& program_id, Instant perform, LocalDate local_date) {
  Session s;
  s.id = id;
  s.patient_id = patient_id;
  s.program_id = program_id;
  s.perform_time = perform;
  s.local_date = local_date;
  s.receive_time = perform + std::chrono::minutes{5};
  s.pain_before = 2;
  s.pain_after = 3;
  s.effort = 5;
  s.exercises = {Log("chin-nod", 1, 10, 10), Log("band-row", 2, 12, 0, 1.25, "red", Side::kEach)};
  s.notes = "felt fine";
  return s;
}

// --- Seeding through the interface -----------------------------------------------------------

inline void SeedClinic(Store& store, const std::string& id) {
  auto s = store.CreateClinic(MakeClinic(id));
  INFO(s.ToString());
  REQUIRE(s.ok());
}

inline Therapist SeedTherapist(Store& store, const std::string& id, const std::string& clinic_id) {
  Therapist t = MakeTherapist(id, clinic_id);
  auto s = store.CreateTherapist(t, AccountFor(t));
  INFO(s.ToString());
  REQUIRE(s.ok());
  return t;
}

inline Patient SeedPatient(Store& store, const std::string& id, const std::string& clinic_id,
                           const std::string& therapist_id) {
  Patient p = MakePatient(id, clinic_id, therapist_id);
  auto r = store.CreatePatient(p, AccountFor(p));
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return *r;
}

// The exercises "chin-nod" (neck) and "band-row" (upper back) and the protocol "basic" using them.
inline Protocol SeedCatalogue(Store& store) {
  for (const auto& e :
       {MakeExercise("chin-nod", Region::kNeck), MakeExercise("band-row", Region::kUpperBack)}) {
    auto s = store.PutExercise(e);
    INFO(s.ToString());
    REQUIRE(s.ok());
  }
  Protocol p = MakeProtocol("basic", {"chin-nod", "band-row"});
  auto s = store.PutProtocol(p);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return p;
}

inline Program SeedProgram(Store& store, const std::string& id, const std::string& patient_id,
                           const Protocol& protocol, LocalDate start) {
  auto r = store.CreateProgram(MakeProgram(id, patient_id, protocol, start));
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return *r;
}

// The minimal world most tests need: clinic c1, therapist t1, patient p1 with active program
// prog1 (protocol "basic", started 2026-03-02, a Monday).
struct World {
  std::string clinic = "c1";
  Therapist therapist;
  Patient patient;
  Protocol protocol;
  Program program;
};

inline World SeedWorld(Store& store) {
  World w;
  SeedClinic(store, w.clinic);
  w.therapist = SeedTherapist(store, "t1", w.clinic);
  w.patient = SeedPatient(store, "p1", w.clinic, w.therapist.id);
  w.protocol = SeedCatalogue(store);
  w.program = SeedProgram(store, "prog1", w.patient.id, w.protocol, Ymd(2026, 3, 2));
  return w;
}

// Follows next_after until it is empty. `fetch` returns one page for a cursor. Fails the test
// when a page is refused or the paging does not terminate within `max_pages`.
template <typename T>
std::vector<std::vector<T>> AllPages(
    const std::function<Result<Page<T>>(const std::string&)>& fetch, int max_pages = 100) {
  std::vector<std::vector<T>> pages;
  std::string after;
  for (int i = 0; i < max_pages; ++i) {
    auto page = fetch(after);
    INFO(page.status().ToString());
    REQUIRE(page.ok());
    pages.push_back(page->items);
    if (page->next_after.empty()) return pages;
    after = page->next_after;
  }
  FAIL("paging did not terminate after " << max_pages << " pages");
  return pages;
}

}  // namespace ptrack::testing

namespace Catch {
template <>
struct StringMaker<ptrack::DailyFacts> {
  static std::string convert(const ptrack::DailyFacts& f) {
    return "{" + ptrack::FormatIsoDate(f.date) + " sessions=" + std::to_string(f.sessions_done) +
           " exercises=" + std::to_string(f.exercises_done) +
           " max_pain=" + std::to_string(f.max_pain) + "}";
  }
};
template <>
struct StringMaker<ptrack::StatusCode> {
  static std::string convert(ptrack::StatusCode code) {
    if (code == ptrack::StatusCode::kOk) return "OK";
    const std::string text = ptrack::Status(code, "").ToString();  // "NOT_FOUND: "
    return text.substr(0, text.find(':'));
  }
};
template <>
struct StringMaker<ptrack::LocalDate> {
  static std::string convert(const ptrack::LocalDate& d) { return ptrack::FormatIsoDate(d); }
};
template <>
struct StringMaker<ptrack::Instant> {
  static std::string convert(const ptrack::Instant& t) {
    return std::to_string(ptrack::ToUnixMillis(t)) + " ms";
  }
};
}  // namespace Catch
