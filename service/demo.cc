// The demo clinic's people, program and three weeks of plausible history.
#include "service/demo.h"

#include <algorithm>
#include <cstdio>

#include "engine/catalogue_snapshot.h"
#include "engine/progress_runner.h"
#include "scheduler/plan.h"
#include "service/credentials.h"

namespace ptrack {
namespace {

constexpr const char* kClinic = "demo";
constexpr const char* kProtocol = "upper-back-neck-core-12w";

const std::vector<DemoAccount>& Accounts() {
  static const std::vector<DemoAccount> accounts = {
      {"admin", "demo-admin-pass", "clinic admin"},
      {"therapist", "demo-therapist-pass", "therapist"},
      {"patient", "demo-patient-pass", "patient (program started 3 weeks ago)"},
      {"patient2", "demo-patient2-pass", "patient (no program yet)"},
  };
  return accounts;
}

// A stable UUID per demo session so that the history is the same on every machine.
std::string DemoSessionId(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "de000000-0000-4000-8000-%012x", n);
  return buf;
}

// Runs `create` when `lookup` says NOT_FOUND; passes other failures on.
template <typename Lookup, typename Create>
Status CreateIfAbsent(Lookup lookup, Create create) {
  auto found = lookup();
  if (found.ok()) return Status::Ok();
  if (found.status().code() != StatusCode::kNotFound) return found.status();
  return create();
}

}  // namespace

Result<std::vector<DemoAccount>> SeedDemo(Store& store, const ProgressionRules& rules,
                                          Instant now) {
  PTRACK_ASSIGN_OR_RETURN(auto protocol, store.GetProtocol(kProtocol));
  const auto& acc = Accounts();

  PTRACK_RETURN_IF_ERROR(CreateIfAbsent(
      [&] { return store.GetClinic(kClinic); },
      [&] {
        return store.CreateClinic({kClinic, "Demo Physio Clinic", "America/New_York"});
      }));
  PTRACK_RETURN_IF_ERROR(CreateIfAbsent(
      [&] { return store.GetAccount(acc[0].username); },
      [&]() -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto hash, HashPassword(acc[0].password));
        return store.CreateAccount({acc[0].username, hash, Role::kClinicAdmin, kClinic, "", now});
      }));
  PTRACK_RETURN_IF_ERROR(
      CreateIfAbsent([&] { return store.GetTherapist("rivera"); },
                     [&]() -> Status {
                       PTRACK_ASSIGN_OR_RETURN(auto hash, HashPassword(acc[1].password));
                       return store.CreateTherapist(
                           {"rivera", kClinic, "Alex Rivera", acc[1].username},
                           {acc[1].username, hash, Role::kTherapist, kClinic, "rivera", now});
                     }));

  struct DemoPatient {
    const char* id;
    const char* name;
    const char* zone;
    const DemoAccount& account;
  };
  const DemoPatient patients[] = {{"jordan", "Jordan Lee", "America/New_York", acc[2]},
                                  {"sam", "Sam Okafor", "Europe/London", acc[3]}};
  for (const DemoPatient& p : patients) {
    PTRACK_RETURN_IF_ERROR(CreateIfAbsent(
        [&] { return store.GetPatient(p.id); },
        [&]() -> Status {
          PTRACK_ASSIGN_OR_RETURN(auto hash, HashPassword(p.account.password));
          Patient patient{p.id, kClinic, p.name, p.zone, "rivera", p.account.username, now, 1};
          return store
              .CreatePatient(patient,
                             {p.account.username, hash, Role::kPatient, kClinic, p.id, now})
              .status();
        }));
  }

  // Jordan's program started 21 days before the first seeding (local), with about four in five
  // prescribed sessions of those three weeks logged at 18:30 local time and pain easing.
  PTRACK_ASSIGN_OR_RETURN(Zone zone, LocateZone("America/New_York", "zone"));
  PTRACK_RETURN_IF_ERROR(CreateIfAbsent([&] { return store.GetProgram("jordan-program"); },
                                        [&]() -> Status {
                                          Program program;
                                          program.id = "jordan-program";
                                          program.patient_id = "jordan";
                                          program.protocol_id = protocol.id;
                                          program.start_date =
                                              LocalDateOf(now, zone) - date::days{21};
                                          program.create_time = now;
                                          ProgramRevision first;
                                          first.revision = 1;
                                          first.effective_date = program.start_date;
                                          first.reason = "Assigned " + protocol.display_name;
                                          first.author = "clinics/demo/therapists/rivera";
                                          first.create_time = now;
                                          first.phases = protocol.phases;
                                          first.rules = rules;
                                          program.revisions.push_back(std::move(first));
                                          return store.CreateProgram(program).status();
                                        }));
  PTRACK_ASSIGN_OR_RETURN(auto stored, store.GetProgram("jordan-program"));
  FillDefaultRules(stored, rules);

  // The demo patient follows the adaptive plan day by day, as a real patient would, so the
  // history and the decisions agree. Sessions are replayed idempotently: an interrupted seeding
  // resumes where it stopped.
  PTRACK_ASSIGN_OR_RETURN(auto catalogue, CatalogueSnapshot::Load(store, kClinic, stored));
  const CatalogueView view = catalogue.View();
  const LocalDate today = LocalDateOf(now, zone);
  const LocalDate history_end = std::min(today, stored.start_date + date::days{21});
  ProgramHistory history;
  int n = 0;
  for (LocalDate day = stored.start_date; day < history_end; day += date::days{1}, ++n) {
    const Timeline timeline = Evaluate(stored, history, view, zone, day);
    const PlanDay plan = PlanFor(stored, timeline, day);
    if (!plan.training_day || n % 5 == 3) continue;  // one in five prescribed days missed
    Session s;
    s.id = DemoSessionId(n);
    s.patient_id = "jordan";
    s.program_id = stored.id;
    const auto local = date::local_time<std::chrono::milliseconds>(day.time_since_epoch()) +
                       std::chrono::hours(18) + std::chrono::minutes(30);
    s.perform_time = zone->to_sys(local, date::choose::earliest);
    s.local_date = day;
    s.receive_time = s.perform_time + std::chrono::minutes(2);
    s.pain_before = 4 - n / 8;
    s.pain_after = 4 - n / 7;
    s.effort = 4;
    for (const PlannedExercise& e : plan.exercises) {
      const int sets =
          e.dose.pyramid_reps.empty() ? e.dose.sets : static_cast<int>(e.dose.pyramid_reps.size());
      s.exercises.push_back({e.exercise_id, sets, e.dose.reps, e.dose.hold_seconds, e.dose.load_kg,
                             e.dose.band, e.dose.side, -1, e.dose.pyramid_reps});
    }
    PTRACK_RETURN_IF_ERROR(store.LogSession(s).status());
    history.sessions.push_back(std::move(s));
  }
  return Accounts();
}

}  // namespace ptrack
