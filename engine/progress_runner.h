// Evaluates a patient's active program for the service and the background workers: the patient's
// inputs (sessions, next-morning pain, therapist actions, revisions), the catalogue and the
// patient's "today" give what is true now — the timeline of states, the decisions, the flags —
// through the progression engine (scheduler/progression.h). The past is settled once: a
// checkpoint of each program (scheduler/checkpoint.h) is stored when a program week's grace has
// passed, and an evaluation replays only the days since the latest one, reading only their
// inputs. The result is cached (evaluation_cache.h), keyed on the patient's data version, local
// date and the catalogue generation, so a read of an unchanged patient replays nothing, and
// sessions stored since the cached evaluation, when they are all that changed, are taken into its
// open day (scheduler/open_day.h) instead of replaying the open days again. Each
// evaluation of an active program also keeps the patient's derived report row
// (scheduler/summary.h) current and stores the alerts it raises, waking alert watchers.
// Evaluations of one patient are serialized, so that an older evaluation never overwrites a
// newer row or checkpoint.
#pragma once

#include <memory>
#include <string>

#include "engine/catalogue_snapshot.h"
#include "engine/deps.h"
#include "engine/evaluation_cache.h"
#include "scheduler/checkpoint.h"
#include "scheduler/open_day.h"
#include "scheduler/summary.h"

namespace ptrack {

struct Evaluated {
  Program program;  // with the default rules filled in where a revision recorded none
  // From the start when `complete`; otherwise what the checkpoint kept (states from 42 days
  // before it, pending and latest decisions, recent and open flags) and everything since. In a
  // cached evaluation (RunActive) the states' prescriptions carry no trail: reads never need it.
  Timeline timeline;
  bool complete = false;
  LocalDate today{};  // in the patient's zone
  Zone zone = nullptr;
  std::shared_ptr<const CatalogueSnapshot> catalogue;  // every exercise the evaluation could use

  // For taking the day's later sessions in without a replay (scheduler/open_day.h), set by
  // RunActive's evaluations: the open day when today allowed one; the key of the newest session
  // the evaluation may have seen (any with a larger key is new to it) and when that was read;
  // and the tallies of the sessions of the 30 days to today, for the report row.
  std::shared_ptr<const OpenDay> open_day;
  int taken_into_open_day = 0;  // sessions taken in since the last evaluation from a checkpoint
  int64_t sessions_through = 0;
  Instant sessions_read_at{};
  SessionTallies tallies;

  // Whether the timeline's states are exact on `day` (and so its plan and adherence).
  bool Covers(LocalDate day) const;
};

// Gives every revision that recorded no valid rules (one stored before rules existed) `defaults`.
void FillDefaultRules(Program& program, const ProgressionRules& defaults);

class ProgressRunner {
 public:
  explicit ProgressRunner(EngineDeps deps) : deps_(deps) {}

  // The patient's active program evaluated through today in the patient's zone: the cached
  // evaluation when nothing it depends on changed since `patient` was read (so after a write,
  // pass the patient read again, or call Refresh), else evaluated from the latest checkpoint
  // (storing a newer one when a week has settled since) with the report row kept.
  // Errors: FAILED_PRECONDITION (no active program, or the patient's zone is unknown); storage
  // errors.
  Result<std::shared_ptr<const Evaluated>> RunActive(const Patient& patient);
  // `program` (which must be the patient's, active or not) replayed from its start, with every
  // decision and flag since: for reads of the whole history (all decisions, days before what
  // the cached evaluation keeps). Not cached; writes nothing.
  Result<std::shared_ptr<const Evaluated>> RunComplete(const Patient& patient, Program program);
  // The catalogue `clinic_id` sees (shipped entries and its own, retired ones excluded) at the
  // store's current catalogue generation: shared with the evaluations, loaded once per
  // generation.
  Result<std::shared_ptr<const CatalogueSnapshot>> ClinicCatalogue(const std::string& clinic_id);
  // RunActive for its effect on the report row, after a write that changes what it shows (RTM
  // records too, which are not evaluation inputs), with the patient read again; OK when the
  // patient has no active program.
  Status Refresh(const Patient& patient);

 private:
  Result<std::shared_ptr<const Evaluated>> Active(const Patient& patient, bool keep_summary);
  // Evaluates `program` from its checkpoint (or from the start), storing a newer checkpoint.
  Result<Evaluated> FromCheckpoint(const Patient& patient, Program program, Zone zone,
                                   LocalDate today, int64_t generation, ProgramHistory& history);
  // `prior` (the patient's cached evaluation under `prior_key`) with the sessions stored since
  // taken into its open day, when only sessions were and the open day can take them
  // (scheduler/open_day.h); nullptr when it cannot (then evaluate from the checkpoint).
  Result<std::shared_ptr<const Evaluated>> TakeInNewSessions(
      const Patient& patient, const EvaluationKey& prior_key,
      const std::shared_ptr<const Evaluated>& prior, const EvaluationKey& key);
  // Summarizes an evaluated active program and stores the row (and new alerts) when it changed.
  Status KeepSummary(const Patient& patient, const Evaluated& evaluated);
  // The clinic's snapshot at `generation`, from the cache or loaded into it.
  Result<std::shared_ptr<const CatalogueSnapshot>> Shared(const std::string& clinic_id,
                                                          int64_t generation);
  // Every scored outcome response of the program, as the replay reads them.
  Result<std::vector<OutcomeResult>> Outcomes(const std::string& program_id);
  Result<std::shared_ptr<const CatalogueSnapshot>> Catalogue(const Patient& patient,
                                                             const Program& program,
                                                             int64_t generation);
  // How many days before a checkpoint it keeps: the report's longest window, and a margin.
  int KeepDays() const;

  EngineDeps deps_;
};

}  // namespace ptrack
