// Checkpoints of the progression replay (progression.h): the settled past, kept so that an
// evaluation replays only the days since. A checkpoint is the replay's whole state at the end of
// one day S — each prescription's rung and dose, the phase, the counters the rules carry from
// week to week, the decisions that can still be resolved, the flags that can still be open, and
// the recent states a plan or a report looks back on. Because the replay is causal (an input
// takes effect on the day the server received it), a replay from the checkpoint that is given
// the inputs received after S gives the same timeline, decisions and flags as a replay from the
// program's start (tests/scheduler/checkpoint_property_test.cc).
//
// A checkpoint is only valid for the inputs it was made from: the engine version, the catalogue
// and rules, the patient's zone (it turns receive times into days) and the program. Whoever stores
// one keys it on those and throws it away when one changes (that is a deliberate rewrite of
// history, and is logged). Days up to S must be complete: take one only for S <= SettledThrough.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "scheduler/progression.h"

namespace ptrack {

// What the replay carries from day to day besides the state and the timeline.
struct ReplayCounters {
  LocalDate last_activity{};  // the latest session day received so far (the start before any)
  bool inactivity_flagged = false;
  LocalDate inactivity_since{};  // the date of the open inactivity flag
  int stalled_weeks = 0;         // weeks the phase gate has failed in a row past the plan
  bool stalled_flagged = false;
  bool regressed_in_phase = false;  // a dose was stepped back since the phase began
  int paused_weeks_in_phase = 0;    // whole program weeks paused since the phase began
  bool suspended_in_week = false;   // suspended at some time in the current program week
  int boosts = 0;
  // Late reports (about settled weeks) that arrived in the current program week.
  int late_max_pain = -1;
  bool late_worse = false;
  // Program week -> (sum of pain after, sessions), for the re-evaluation, until it is done.
  std::map<int, std::pair<double, int>> pain_by_week;
  bool operator==(const ReplayCounters&) const = default;
};

struct Checkpoint {
  // Bumped whenever a change to the rules of the replay would give a different past: stored
  // checkpoints of another version are discarded.
  // 3: maintenance never raises intensity by itself; 4: a phase gate needs each target dose done,
  // phase kinds (consolidation: no ladders, stable symptoms) and sign-off; 5: outcome measures
  // (flags, outcome gates, the re-evaluation).
  static constexpr int kEngineVersion = 5;

  int engine_version = kEngineVersion;
  LocalDate day{};    // the state after every input received up to the end of this day
  int keep_days = 0;  // how far back before `day` it keeps states and flags
  ProgressState state;
  ReplayCounters counters;
  // What it keeps of the timeline: the states in effect from day - keep_days on; pending
  // decisions and the latest decision of each prescription and of the phase; flags raised in
  // the kept days, red flags no clearing has covered and the latest inactivity flag, every outcome
  // flag; the facts.
  Timeline kept;
  std::vector<LocalDate> flags_raised_on;  // the day each kept flag was raised (parallel)
};

struct OpenDay;  // open_day.h

struct EvaluateOptions {
  // Start from this checkpoint instead of the program's start. The history must then hold at
  // least what ResumeInputs names; more is harmless.
  const Checkpoint* resume = nullptr;
  // Take a checkpoint at the end of this day. REQUIRES: <= SettledThrough(today) and after the
  // resumed checkpoint's day.
  std::optional<LocalDate> checkpoint_on;
  int keep_days = 42;  // for the checkpoint taken: see Checkpoint::kept
  // Keep the replay's open day (open_day.h) when today allows taking later sessions in.
  bool keep_open_day = false;
};

struct Evaluation {
  Timeline timeline;
  std::optional<Checkpoint> checkpoint;     // when options.checkpoint_on was given
  std::shared_ptr<const OpenDay> open_day;  // when options.keep_open_day and the day allowed
};

// Evaluate (progression.h) with checkpoints.
Evaluation Evaluate(const Program& program, const ProgramHistory& history,
                    const CatalogueView& catalogue, Zone zone, LocalDate today,
                    const EvaluateOptions& options);

// The latest day whose inputs are complete on `today`: two days back (receive times are taken
// before a write commits, so a write in flight at midnight may still land on yesterday).
LocalDate SettledThrough(LocalDate today);

// The latest day a checkpoint is worth taking on `today`: the first day of the newest program
// week that is settled through (one write per patient per week, at most nine days replayed).
// nullopt when no such day has come yet.
std::optional<LocalDate> CheckpointDay(LocalDate program_start, LocalDate today);

// What a replay from `checkpoint` through `today` must be given: every session received at or
// after `received_after`; every session performed on or after `sessions_from` or less than three
// days before one of those (LateSessionsFrom); every pain follow-up received at or after
// `received_after` and those of the sessions given, with the sessions they are about; and the
// therapist actions dated after `actions_after`.
struct ResumeInputs {
  LocalDate sessions_from{};
  Instant received_after{};  // the start of the day after the checkpoint's, in the zone
  LocalDate actions_after{};
};
ResumeInputs InputsAfter(const Checkpoint& checkpoint, Zone zone, LocalDate today);
// `sessions_from`, lowered to two days before `earliest_late`: the earliest local date of the
// sessions received at or after `received_after` (nullopt when there are none).
LocalDate LateSessionsFrom(const ResumeInputs& inputs, std::optional<LocalDate> earliest_late);

}  // namespace ptrack
