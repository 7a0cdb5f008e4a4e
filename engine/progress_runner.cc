// Evaluating a program: the cache, the checkpoint, the open days' inputs, the replay, the report
// row.
#include "engine/progress_runner.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>
#include <mutex>
#include <set>

#include "engine/evaluation_cache.h"
#include "engine/rtm_facts.h"
#include "scheduler/fingerprint.h"
#include "scheduler/summary.h"

namespace ptrack {
namespace {

// Evaluations of one patient run one at a time (striped by patient id; process-wide, so every
// service's runner shares them). The holder may be the summary worker or the sweep, which run at a
// lower priority and keep the lock through the report row's commit, so a call for another patient
// of the same stripe waits behind them: there are enough stripes that another patient rarely
// shares one. (With 64, the soak's first 150 s ran below one core with calls seconds late, and
// its capacity measured 375 calls/s; with 4,096 the same start ran at 1.5 cores with none late,
// and 730: docs/RELIABILITY.md, soak runs 8 and 9.)
std::mutex& PatientLock(const std::string& patient_id) {
  static std::array<std::mutex, 4096> stripes;
  return stripes[std::hash<std::string>{}(patient_id) % stripes.size()];
}

// The key a checkpoint through `day` is made under: the engine's version, the zone that turned
// receive times into days, how much it keeps, and the program and catalogue it was replayed with.
std::string CheckpointKey(const Program& program, LocalDate day, Zone zone, int keep_days,
                          const CatalogueView& catalogue) {
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx",
                static_cast<unsigned long long>(ReplayInputsFingerprint(program, day, catalogue)));
  return "v" + std::to_string(Checkpoint::kEngineVersion) + " " + std::string(zone->name()) + " k" +
         std::to_string(keep_days) + " " + hash;
}

// Clears each kept state's trail of earlier positions: only a replay steps back along it, and
// the cached evaluation is only read (about a quarter of an entry's memory at 60 days).
void DropTrails(Timeline& timeline) {
  for (auto& [from, state] : timeline.states) {
    for (CurrentPrescription& rx : state.prescriptions) {
      rx.trail.clear();
      rx.trail.shrink_to_fit();
    }
  }
}

}  // namespace

bool Evaluated::Covers(LocalDate day) const {
  return complete || timeline.states.empty() || timeline.states.front().first <= day;
}

void FillDefaultRules(Program& program, const ProgressionRules& defaults) {
  for (ProgramRevision& r : program.revisions) {
    Violations v;
    ValidateRules(r.rules, "rules", v);
    if (!v.empty()) r.rules = defaults;
  }
}

int ProgressRunner::KeepDays() const {
  const ReportRules& r = deps_.clinical.report;
  return std::max({42, r.review_open_days + 10, r.pain_flare_open_days + 10});
}

Result<std::shared_ptr<const Evaluated>> ProgressRunner::RunActive(const Patient& patient) {
  return Active(patient, false);
}

Status ProgressRunner::Refresh(const Patient& patient) {
  auto evaluated = Active(patient, true);
  if (!evaluated.ok() && evaluated.status().code() != StatusCode::kFailedPrecondition) {
    return evaluated.status();
  }
  return Status::Ok();
}

Result<std::shared_ptr<const Evaluated>> ProgressRunner::Active(const Patient& given,
                                                                bool keep_summary) {
  // After a write the caller's copy of the patient predates it: the data version is read again.
  Patient reread;
  if (keep_summary) {
    PTRACK_ASSIGN_OR_RETURN(reread, deps_.store.GetPatient(given.id));
  }
  const Patient& patient = keep_summary ? reread : given;
  PTRACK_ASSIGN_OR_RETURN(const Zone zone, PatientZone(patient));
  const LocalDate today = LocalDateOf(deps_.clock.Now(), zone);
  PTRACK_ASSIGN_OR_RETURN(const int64_t generation, deps_.store.GetCatalogueGeneration());
  const EvaluationKey key{patient.data_version, today, generation};
  EvaluationCache& cache = deps_.evaluations;
  if (!keep_summary) {
    if (auto hit = cache.Find(patient.id, key)) return hit;
  }
  std::lock_guard<std::mutex> serialized(PatientLock(patient.id));
  if (auto hit = cache.Find(patient.id, key)) {
    if (!keep_summary) return hit;  // another evaluation finished while this one waited
    PTRACK_RETURN_IF_ERROR(KeepSummary(patient, *hit));
    return hit;
  }
  std::shared_ptr<const Evaluated> evaluated;
  if (auto prior = cache.FindAnyKey(patient.id)) {
    PTRACK_ASSIGN_OR_RETURN(evaluated,
                            TakeInNewSessions(patient, prior->first, prior->second, key));
  }
  if (evaluated == nullptr) {
    auto program = deps_.store.GetActiveProgram(patient.id);
    if (!program.ok() && program.status().code() == StatusCode::kNotFound) {
      return Status::FailedPrecondition("the patient has no active program");
    }
    if (!program.ok()) return program.status();
    // Read before the sessions, so that any session stored after has a larger key.
    PTRACK_ASSIGN_OR_RETURN(const int64_t through, deps_.store.LatestSessionKey());
    const Instant read_at = deps_.clock.Now();
    ProgramHistory history;
    PTRACK_ASSIGN_OR_RETURN(Evaluated fresh, FromCheckpoint(patient, std::move(*program), zone,
                                                            today, generation, history));
    fresh.sessions_through = through;
    fresh.sessions_read_at = read_at;
    fresh.tallies = TallySessions(fresh.program, fresh.timeline, today, history.sessions);
    DropTrails(fresh.timeline);
    evaluated = std::make_shared<const Evaluated>(std::move(fresh));
  }
  PTRACK_RETURN_IF_ERROR(KeepSummary(patient, *evaluated));
  cache.Put(patient.id, key, evaluated, ApproximateBytes(*evaluated));
  return evaluated;
}

Result<std::shared_ptr<const Evaluated>> ProgressRunner::TakeInNewSessions(
    const Patient& patient, const EvaluationKey& prior_key,
    const std::shared_ptr<const Evaluated>& prior, const EvaluationKey& key) {
  // More writes than this since the cached evaluation: evaluate again rather than read them all.
  constexpr int64_t kMaxNew = 64;
  const int64_t writes = key.data_version - prior_key.data_version;
  if (prior->open_day == nullptr || prior_key.today != key.today ||
      prior_key.catalogue_generation != key.catalogue_generation || writes <= 0 ||
      writes > kMaxNew) {
    return std::shared_ptr<const Evaluated>();
  }
  // A session's receive time is taken before its write commits, by much less than this.
  constexpr auto kCommitMargin = std::chrono::minutes(1);
  const Instant read_at = deps_.clock.Now();
  PTRACK_ASSIGN_OR_RETURN(
      auto added, deps_.store.ListPatientSessionsAfter(patient.id, prior->sessions_through,
                                                       prior->sessions_read_at - kCommitMargin));
  // Every write to an evaluation's inputs bumps the data version by one: as many new sessions
  // as writes means nothing else was written (no report, action, revision or zone change).
  if (static_cast<int64_t>(added.size()) != writes) return std::shared_ptr<const Evaluated>();
  std::vector<Session> sessions;
  int64_t through = prior->sessions_through;
  for (auto& [session_key, session] : added) {
    if (session.program_id != prior->program.id) return std::shared_ptr<const Evaluated>();
    through = std::max(through, session_key);
    sessions.push_back(std::move(session));
  }
  auto next = TakeInToday(prior->program, prior->timeline, *prior->open_day, sessions,
                          prior->catalogue->View(), prior->zone);
  if (!next) return std::shared_ptr<const Evaluated>();
  auto out = std::make_shared<Evaluated>();
  out->program = prior->program;
  out->timeline = std::move(next->timeline);
  out->complete = prior->complete;
  out->today = prior->today;
  out->zone = prior->zone;
  out->catalogue = prior->catalogue;
  out->open_day = std::move(next->open_day);
  out->taken_into_open_day = prior->taken_into_open_day + static_cast<int>(sessions.size());
  out->sessions_through = through;
  out->sessions_read_at = read_at;
  out->tallies = prior->tallies;
  out->tallies += TallySessions(out->program, out->timeline, out->today, sessions);
  return std::shared_ptr<const Evaluated>(std::move(out));
}

Result<std::shared_ptr<const Evaluated>> ProgressRunner::RunComplete(const Patient& patient,
                                                                     Program program) {
  PTRACK_ASSIGN_OR_RETURN(const Zone zone, PatientZone(patient));
  PTRACK_ASSIGN_OR_RETURN(const int64_t generation, deps_.store.GetCatalogueGeneration());
  auto out = std::make_shared<Evaluated>();
  out->zone = zone;
  out->today = LocalDateOf(deps_.clock.Now(), zone);
  FillDefaultRules(program, deps_.clinical.rules);
  ProgramHistory history;
  PTRACK_ASSIGN_OR_RETURN(history.sessions, deps_.store.ListProgramSessions(program.id));
  PTRACK_ASSIGN_OR_RETURN(history.followups, deps_.store.ListPainFollowUps(program.id));
  PTRACK_ASSIGN_OR_RETURN(history.actions, deps_.store.ListTherapistActions(program.id));
  PTRACK_ASSIGN_OR_RETURN(history.outcomes, Outcomes(program.id));
  PTRACK_ASSIGN_OR_RETURN(out->catalogue, Catalogue(patient, program, generation));
  out->timeline = Evaluate(program, history, out->catalogue->View(), zone, out->today);
  out->complete = true;
  out->program = std::move(program);
  return std::shared_ptr<const Evaluated>(std::move(out));
}

Result<Evaluated> ProgressRunner::FromCheckpoint(const Patient& patient, Program program, Zone zone,
                                                 LocalDate today, int64_t generation,
                                                 ProgramHistory& history) {
  Evaluated out;
  out.zone = zone;
  out.today = today;
  FillDefaultRules(program, deps_.clinical.rules);
  PTRACK_ASSIGN_OR_RETURN(out.catalogue, Catalogue(patient, program, generation));
  const CatalogueView view = out.catalogue->View();
  const int keep_days = KeepDays();

  // The latest checkpoint, when it was made under what this evaluation would make it under.
  std::optional<StoredCheckpoint> stored;
  if (auto got = deps_.store.GetCheckpoint(program.id); got.ok()) {
    stored = std::move(*got);
  } else if (got.status().code() != StatusCode::kNotFound) {
    return got.status();
  }
  const Checkpoint* resume = nullptr;
  if (stored && stored->checkpoint.day <= SettledThrough(today) &&
      stored->checkpoint.day >= program.start_date) {
    const std::string key = CheckpointKey(program, stored->checkpoint.day, zone, keep_days, view);
    if (stored->key == key) {
      resume = &stored->checkpoint;
    } else {
      // A deliberate rewrite of the past (a zone change, a retired rung, new rule defaults, a
      // new engine version): replayed from the start, and said so.
      std::fprintf(stderr,
                   "ptrackd: program %s: checkpoint of %s made under \"%s\", now \"%s\": "
                   "replaying from the start\n",
                   program.id.c_str(), FormatIsoDate(stored->checkpoint.day).c_str(),
                   stored->key.c_str(), key.c_str());
    }
  }

  if (resume != nullptr) {
    const ResumeInputs in = InputsAfter(*resume, zone, today);
    PTRACK_ASSIGN_OR_RETURN(const auto earliest_late, deps_.store.EarliestSessionDayReceivedSince(
                                                          program.id, in.received_after));
    const LocalDate from = LateSessionsFrom(in, earliest_late);
    PTRACK_ASSIGN_OR_RETURN(history.sessions,
                            deps_.store.ListProgramSessionsFrom(program.id, from));
    PTRACK_ASSIGN_OR_RETURN(
        history.followups, deps_.store.ListPainFollowUpsSince(program.id, from, in.received_after));
    std::set<std::string> have;
    for (const Session& s : history.sessions) have.insert(s.id);
    for (const PainFollowUp& f : history.followups) {
      if (have.count(f.session_id)) continue;  // a late report about an older session
      PTRACK_ASSIGN_OR_RETURN(auto s, deps_.store.GetSession(patient.id, f.session_id));
      have.insert(s.id);
      history.sessions.push_back(std::move(s));
    }
    PTRACK_ASSIGN_OR_RETURN(history.actions,
                            deps_.store.ListTherapistActionsAfter(program.id, in.actions_after));
  } else {
    PTRACK_ASSIGN_OR_RETURN(history.sessions, deps_.store.ListProgramSessions(program.id));
    PTRACK_ASSIGN_OR_RETURN(history.followups, deps_.store.ListPainFollowUps(program.id));
    PTRACK_ASSIGN_OR_RETURN(history.actions, deps_.store.ListTherapistActions(program.id));
  }

  PTRACK_ASSIGN_OR_RETURN(history.outcomes, Outcomes(program.id));
  EvaluateOptions options;
  options.resume = resume;
  options.keep_days = keep_days;
  options.keep_open_day = true;
  const std::optional<LocalDate> settle = CheckpointDay(program.start_date, today);
  if (settle && (resume == nullptr || *settle > resume->day)) options.checkpoint_on = settle;
  Evaluation evaluation = Evaluate(program, history, view, zone, today, options);
  out.timeline = std::move(evaluation.timeline);
  out.open_day = std::move(evaluation.open_day);
  out.complete = resume == nullptr;
  if (evaluation.checkpoint) {
    StoredCheckpoint next{CheckpointKey(program, evaluation.checkpoint->day, zone, keep_days, view),
                          std::move(*evaluation.checkpoint)};
    // A checkpoint only saves work: when it cannot be stored, the next evaluation replays more.
    if (Status s = deps_.store.PutCheckpoint(program.id, next); !s.ok()) {
      std::fprintf(stderr, "ptrackd: program %s: checkpoint not stored: %s\n", program.id.c_str(),
                   s.ToString().c_str());
    }
  }
  out.program = std::move(program);
  return out;
}

Result<std::shared_ptr<const CatalogueSnapshot>> ProgressRunner::ClinicCatalogue(
    const std::string& clinic_id) {
  PTRACK_ASSIGN_OR_RETURN(const int64_t generation, deps_.store.GetCatalogueGeneration());
  return Shared(clinic_id, generation);
}

Result<std::shared_ptr<const CatalogueSnapshot>> ProgressRunner::Shared(
    const std::string& clinic_id, int64_t generation) {
  std::shared_ptr<const CatalogueSnapshot> shared =
      deps_.evaluations.FindCatalogue(clinic_id, generation);
  if (shared == nullptr) {
    PTRACK_ASSIGN_OR_RETURN(auto loaded,
                            CatalogueSnapshot::Load(deps_.store, clinic_id, Program{}));
    shared = std::make_shared<const CatalogueSnapshot>(std::move(loaded));
    deps_.evaluations.PutCatalogue(clinic_id, generation, shared);
  }
  return shared;
}

Result<std::vector<OutcomeResult>> ProgressRunner::Outcomes(const std::string& program_id) {
  PTRACK_ASSIGN_OR_RETURN(auto responses, deps_.store.ListOutcomeResponses(program_id));
  std::vector<OutcomeResult> out;
  out.reserve(responses.size());
  for (OutcomeResponseRecord& r : responses) out.push_back(std::move(r.result));
  return out;
}

Result<std::shared_ptr<const CatalogueSnapshot>> ProgressRunner::Catalogue(const Patient& patient,
                                                                           const Program& program,
                                                                           int64_t generation) {
  PTRACK_ASSIGN_OR_RETURN(auto shared, Shared(patient.clinic_id, generation));
  if (shared->Names(program)) return shared;
  // The program names an exercise the clinic no longer lists (retired): its own snapshot.
  PTRACK_ASSIGN_OR_RETURN(auto own,
                          CatalogueSnapshot::Load(deps_.store, patient.clinic_id, program));
  return std::shared_ptr<const CatalogueSnapshot>(
      std::make_shared<const CatalogueSnapshot>(std::move(own)));
}

Status ProgressRunner::KeepSummary(const Patient& patient, const Evaluated& evaluated) {
  if (evaluated.program.state != ProgramState::kActive) return Status::Ok();
  const LocalDate today = evaluated.today;
  PTRACK_ASSIGN_OR_RETURN(auto facts,
                          deps_.store.GetDailyFacts(patient.id, today - date::days{29}, today));
  PTRACK_ASSIGN_OR_RETURN(auto rtm, ComputeRtmOn(deps_, patient, evaluated.zone, today));
  PatientSummary summary = Summarize(evaluated.program, evaluated.timeline, today,
                                     evaluated.tallies, facts, rtm.status, deps_.clinical.report);
  auto stored = deps_.store.GetPatientSummary(patient.id);
  if (stored.ok() && *stored == summary) return Status::Ok();  // reads are frequent: no write
  if (!stored.ok() && stored.status().code() != StatusCode::kNotFound) return stored.status();
  PTRACK_ASSIGN_OR_RETURN(auto raised, deps_.store.SavePatientSummary(patient.clinic_id, patient.id,
                                                                      summary, deps_.clock.Now()));
  if (!raised.empty()) deps_.alerts.Notify();
  return Status::Ok();
}

}  // namespace ptrack
