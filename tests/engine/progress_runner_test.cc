// The engine's evaluation over a real SQLite store (engine/progress_runner.h): a read of an
// unchanged patient is served from the cache, a write to the patient's inputs is seen by the very
// next read, the day's later sessions are taken into its open day exactly as a new evaluation
// would take them, a checkpoint is stored once a week has settled and an evaluation from it equals a
// replay from the start, a checkpoint made under another key is replaced, and a therapist's
// approval is never undone by a session or a next-morning report that arrives after it.
#include "engine/progress_runner.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "engine/alert_hub.h"
#include "engine/clinical_defaults.h"
#include "engine/clock.h"
#include "engine/evaluation_cache.h"
#include "engine/refresh_queue.h"
#include "scheduler/plan.h"
#include "storage/catalogue_loader.h"
#include "storage/sqlite_store.h"

namespace ptrack {
namespace {

namespace fs = std::filesystem;

#define REQUIRE_OK(expr)      \
  do {                        \
    const Status s_ = (expr); \
    INFO(s_.ToString());      \
    REQUIRE(s_.ok());         \
  } while (0)

const Zone kZone = date::locate_zone("America/New_York");

// A store with the shipped catalogue, one clinic, one therapist and patient "pat" in New York
// whose program of the default protocol started `days` days before the clock's today, and a
// runner over it.
struct World {
  explicit World(int days, bool suggest = false) {
    path = fs::temp_directory_path() / ("ptrack-engine-test-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(++serial) + ".db");
    store = SqliteStore::Open(path.string()).value();
    REQUIRE(LoadCatalogue(std::string(PTRACK_DATA_DIR) + "/catalogue", *store).ok());
    clinical = LoadClinicalDefaults(PTRACK_DATA_DIR).value();
    REQUIRE_OK(store->CreateClinic({"c", "Clinic", "America/New_York"}));
    REQUIRE_OK(store->CreateTherapist({"t", "c", "Therapist", "t-user"},
                                      {"t-user", "", Role::kTherapist, "c", "t", Now()}));
    Patient p{"pat", "c", "Patient", "America/New_York", "t", "pat-user", Now(), 1};
    REQUIRE(store->CreatePatient(p, {"pat-user", "", Role::kPatient, "c", "pat", Now()}).ok());
    const Protocol protocol = store->GetProtocol("upper-back-neck-core-12w").value();
    program.id = "prog";
    program.patient_id = "pat";
    program.protocol_id = protocol.id;
    program.start_date = Today() - date::days{days};
    program.create_time = Now();
    ProgramRevision first;
    first.effective_date = program.start_date;
    first.phases = protocol.phases;
    if (suggest) {
      for (Phase& phase : first.phases) {
        for (Prescription& rx : phase.prescriptions) rx.mode = ProgressionMode::kSuggest;
      }
    }
    first.rules = clinical.rules;
    program.revisions = {first};
    REQUIRE(store->CreateProgram(program).ok());
    NewCache();
  }
  ~World() {
    runner.reset();
    store.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix);
  }

  static Instant Now() { return FromUnixMillis(1795186800000); }  // 2026-11-20T15:00Z
  LocalDate Today() const { return LocalDateOf(clock.Now(), kZone); }
  Patient ThePatient() const { return store->GetPatient("pat").value(); }

  // A session as planned on `day` at 18:00 local (and `minute` minutes), received a minute and
  // `delay` later (or now, when `now`).
  void Log(LocalDate day, int pain_before, std::chrono::hours delay = std::chrono::hours(0),
           bool now = false, int minute = 0) {
    const std::shared_ptr<const Evaluated> e = runner->RunActive(ThePatient()).value();
    const PlanDay plan = PlanFor(e->program, e->timeline, day);
    Session s;
    s.id = "s-" + FormatIsoDate(day) + "-" + std::to_string(++serial);
    s.patient_id = "pat";
    s.program_id = "prog";
    s.perform_time = kZone->to_sys(date::local_days{day} + std::chrono::hours(18) +
                                   std::chrono::minutes(minute));
    s.local_date = day;
    s.receive_time = now ? clock.Now() : s.perform_time + std::chrono::minutes(1) + delay;
    s.pain_before = pain_before;
    s.pain_after = 1;
    s.effort = 4;
    for (const PlannedExercise& x : plan.exercises) {
      s.exercises.push_back({x.exercise_id, x.dose.sets, x.dose.reps, x.dose.hold_seconds,
                             x.dose.load_kg, x.dose.band, x.dose.side, -1, x.dose.pyramid_reps});
    }
    REQUIRE(store->LogSession(s).ok());
  }

  // Lives `days` days: every training day a session at 18:00, the clock then at 20:00.
  void Live(int days) {
    for (int i = 0; i < days; ++i) {
      const LocalDate day = Today();
      const std::shared_ptr<const Evaluated> e = runner->RunActive(ThePatient()).value();
      if (PlanFor(e->program, e->timeline, day).training_day) Log(day, 1);
      clock.Set(kZone->to_sys(date::local_days{day + date::days{1}} + std::chrono::hours(20)));
    }
  }

  EvaluationCache& NewCache() {
    cache = std::make_unique<EvaluationCache>(16u << 20);
    runner = std::make_unique<ProgressRunner>(
        EngineDeps{*store, clock, clinical, alerts, refresh, *cache});
    return *cache;
  }

  static inline int serial = 0;
  fs::path path;
  std::unique_ptr<SqliteStore> store;
  ClinicalDefaults clinical;
  FakeClock clock{Now()};
  AlertHub alerts;
  RefreshQueue refresh;
  std::unique_ptr<EvaluationCache> cache;  // NewCache()
  std::unique_ptr<ProgressRunner> runner;  // over the store and `cache`
  Program program;
};

// `state` as a cached evaluation keeps it: without the prescriptions' trails.
ProgressState WithoutTrails(ProgressState state) {
  for (CurrentPrescription& rx : state.prescriptions) rx.trail.clear();
  return state;
}

// Whether some state of `e` carries a prescription's trail of earlier positions.
bool AnyTrail(const Evaluated& e) {
  for (const auto& [from, state] : e.timeline.states) {
    for (const CurrentPrescription& rx : state.prescriptions) {
      if (!rx.trail.empty()) return true;
    }
  }
  return false;
}

// The states (as read: trails are left out of cached evaluations), pending decisions and flags of
// `a` and `b` agree on every day from `from` on.
void RequireSameFrom(const Evaluated& a, const Evaluated& b, LocalDate from) {
  for (LocalDate d = from; d <= a.today; d += date::days{1}) {
    INFO(FormatIsoDate(d));
    REQUIRE(WithoutTrails(a.timeline.StateOn(d)) == WithoutTrails(b.timeline.StateOn(d)));
  }
  for (const Decision& d : a.timeline.decisions) {
    const auto& all = b.timeline.decisions;
    auto same =
        std::find_if(all.begin(), all.end(), [&](const Decision& x) { return x.id == d.id; });
    REQUIRE(same != all.end());
    CHECK(*same == d);
  }
  REQUIRE(a.timeline.facts == b.timeline.facts);
}

}  // namespace

TEST_CASE("an unchanged patient is read from the cache; a write is seen by the next read",
          "[engine][cache]") {
  World w(30);
  w.Live(3);
  const auto first = w.runner->RunActive(w.ThePatient()).value();
  const EvaluationCacheStats before = w.cache->Stats();
  const auto again = w.runner->RunActive(w.ThePatient()).value();
  CHECK(again.get() == first.get());  // the same evaluation: nothing replayed
  CHECK(w.cache->Stats().hits == before.hits + 1);
  CHECK(w.cache->Stats().misses == before.misses);

  w.Log(w.Today(), 2);  // bumps the patient's data version in the session's transaction
  const auto after = w.runner->RunActive(w.ThePatient()).value();
  CHECK(after.get() != first.get());
  CHECK(after->timeline.facts.last_session == w.Today());

  // The next local day is another key, even with nothing written.
  w.clock.Set(w.clock.Now() + std::chrono::hours(24));
  CHECK(w.runner->RunActive(w.ThePatient()).value().get() != after.get());
}

TEST_CASE("the day's later sessions are taken into its open day, exactly as evaluating again",
          "[engine][open_day]") {
  World w(30);
  w.Live(3);  // today is the 34th day: not a week's first (grace) day
  const auto before = w.runner->RunActive(w.ThePatient()).value();
  REQUIRE(before->open_day != nullptr);
  CHECK(before->taken_into_open_day == 0);
  for (int i = 1; i <= 3; ++i) {  // one starting from higher pain; each read in between
    w.Log(w.Today(), i == 2 ? 5 : 1, std::chrono::hours(0), /*now=*/true, /*minute=*/i);
    REQUIRE_OK(w.runner->Refresh(w.ThePatient()));
  }
  const auto taken = w.runner->RunActive(w.ThePatient()).value();
  CHECK(taken->taken_into_open_day == 3);
  CHECK(taken->timeline.facts.last_session == w.Today());
  const PatientSummary row = w.store->GetPatientSummary("pat").value();

  // Evaluated again from the checkpoint, with nothing cached: the same in every respect.
  w.NewCache();
  REQUIRE_OK(w.runner->Refresh(w.ThePatient()));
  const auto fresh = w.runner->RunActive(w.ThePatient()).value();
  CHECK(fresh->taken_into_open_day == 0);
  REQUIRE(fresh->timeline.states == taken->timeline.states);
  REQUIRE(fresh->timeline.decisions == taken->timeline.decisions);
  REQUIRE(fresh->timeline.flags == taken->timeline.flags);
  REQUIRE(fresh->timeline.facts == taken->timeline.facts);
  REQUIRE(fresh->tallies == taken->tallies);
  REQUIRE(w.store->GetPatientSummary("pat").value() == row);

  // Any other input (here a next-morning report), even beside a session, is evaluated again;
  // a session after that is taken in.
  Session next = w.store->ListProgramSessionsFrom("prog", w.Today()).value().back();
  REQUIRE_OK(w.store->AddPainFollowUp("pat", {next.id, 3}, w.clock.Now()));
  next.id = "after-the-report";
  next.perform_time += std::chrono::minutes(5);
  REQUIRE(w.store->LogSession(next).ok());
  const auto again = w.runner->RunActive(w.ThePatient()).value();
  CHECK(again->taken_into_open_day == 0);
  CHECK(again->timeline.facts.baseline_count == fresh->timeline.facts.baseline_count + 1);
  w.Log(w.Today(), 1, std::chrono::hours(0), /*now=*/true, /*minute=*/30);
  CHECK(w.runner->RunActive(w.ThePatient()).value()->taken_into_open_day == 1);
}

TEST_CASE("a checkpoint is stored once a week has settled, and resuming from it is exact",
          "[engine][checkpoint]") {
  World w(0);
  w.Live(100);  // many settled weeks
  const auto evaluated = w.runner->RunActive(w.ThePatient()).value();
  const auto stored = w.store->GetCheckpoint("prog");
  REQUIRE(stored.ok());
  CHECK(stored->checkpoint.day == *CheckpointDay(w.program.start_date, w.Today()));

  // A fresh cache: the evaluation resumes from the stored checkpoint.
  w.NewCache();
  const auto resumed = w.runner->RunActive(w.ThePatient()).value();
  CHECK_FALSE(resumed->complete);
  CHECK_FALSE(resumed->Covers(w.program.start_date));
  const auto complete = w.runner->RunComplete(w.ThePatient(), resumed->program).value();
  RequireSameFrom(*resumed, *complete, stored->checkpoint.day - date::days{42});
  // The cached evaluation is only read: it keeps no trail, which only a replay steps back along.
  CHECK(AnyTrail(*complete));
  CHECK_FALSE(AnyTrail(*resumed));

  SECTION("a late session of a settled week counts for flags and the next week, not the past") {
    w.Log(stored->checkpoint.day - date::days{9}, 7, std::chrono::hours(0), /*now=*/true);
    const auto late = w.runner->RunActive(w.ThePatient()).value();
    const auto late_complete = w.runner->RunComplete(w.ThePatient(), late->program).value();
    RequireSameFrom(*late, *late_complete, stored->checkpoint.day - date::days{42});
  }
  SECTION("a checkpoint made under another key is replaced by a replay from the start") {
    StoredCheckpoint other = *stored;
    other.key = "v0 elsewhere";
    REQUIRE_OK(w.store->PutCheckpoint("prog", other));
    w.NewCache();
    const auto replayed = w.runner->RunActive(w.ThePatient()).value();
    CHECK(replayed->complete);
    CHECK(w.store->GetCheckpoint("prog")->key == stored->key);
    RequireSameFrom(*replayed, *complete, stored->checkpoint.day - date::days{42});
  }
}

TEST_CASE("regression: an approval is never undone by inputs that arrive after it",
          "[engine][settled]") {
  World w(0, /*suggest=*/true);
  w.Live(7);  // week 1 done as prescribed; today is its grace day, 20:00
  const auto grace = w.runner->RunActive(w.ThePatient()).value();
  const Decision* pending = nullptr;
  for (const Decision& d : grace->timeline.decisions) {
    if (d.status == DecisionStatus::kPending && d.week == 1) pending = &d;
  }
  REQUIRE(pending != nullptr);
  const Decision suggested = *pending;
  TherapistAction approve{TherapistAction::Kind::kApprove, w.Today(), suggested.id, "ok",
                          w.clock.Now()};
  REQUIRE_OK(w.store->AddTherapistAction("approve-1", "prog", approve, "t", w.clock.Now()));
  // After the approval: the week's last session, synced late, starting from higher pain; and a
  // next-morning report of worse pain about another of its sessions, days later.
  w.Log(w.program.start_date + date::days{6}, 6, std::chrono::hours(26));  // 20:01
  w.clock.Set(w.clock.Now() + std::chrono::hours(24 * 3));
  const auto sessions = w.store->ListProgramSessions("prog").value();
  REQUIRE_OK(w.store->AddPainFollowUp("pat", {sessions.front().id, 8}, w.clock.Now()));
  w.Live(7);

  const auto later = w.runner->RunActive(w.ThePatient()).value();
  const auto complete = w.runner->RunComplete(w.ThePatient(), later->program).value();
  // The approved decision, as every later evaluation derives it.
  const auto& all = complete->timeline.decisions;
  auto it =
      std::find_if(all.begin(), all.end(), [&](const Decision& d) { return d.id == suggested.id; });
  REQUIRE(it != all.end());
  CHECK(it->status == DecisionStatus::kApproved);
  CHECK(it->kind == suggested.kind);
  CHECK(it->new_dose == suggested.new_dose);
  // Its dose is in effect, in the cached evaluation and in the replay from the start alike.
  for (const Evaluated* e : {later.get(), complete.get()}) {
    int found = 0;
    for (const CurrentPrescription& cp : e->timeline.StateOn(e->today).prescriptions) {
      if (cp.prescribed_id != suggested.exercise_id) continue;
      ++found;
      CHECK(cp.dose == suggested.new_dose);
    }
    CHECK(found == 1);
  }
  // What arrived late held the week it arrived in, and says why.
  bool held_for_late_report = false;
  for (const Decision& d : all) held_for_late_report |= d.rule == "pain.reported_late";
  CHECK(held_for_late_report);
}

}  // namespace ptrack
