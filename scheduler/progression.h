// Adaptive progression (CLINICAL.md §3–§5): replays a program's history — sessions, next-morning
// pain reports, therapist actions, revisions — day by day and decides, at the end of every
// program week, for each prescription whether to progress, hold or regress, and for the program
// whether to move to the next phase. It also suspends the program on red flags and raises flags
// (pain flare, inactivity, re-evaluation due, stalled phase gate, pain returning in maintenance).
//
// Pure and deterministic: the same inputs always give the same timeline, decisions and flags.
// Nothing here reads the clock; `today` is passed in. Weeks are program weeks (calendar.h).
//
// The rules, in order, for each prescription at a week's end: pain above the acceptable band in
// this exercise -> regress; worse the next morning after a session where this exercise hurt more
// than the safe band -> regress; any other worse morning or acceptable-band breach in the week ->
// hold (no exercise progresses in such a week); adherence below the gate -> hold (never
// regress); effort above the limit -> hold; full dose not reached in enough sessions -> hold;
// in home maintenance (PhaseKind kMaintenance, other than the boost phase) -> hold, at unchanged
// intensity; otherwise progress to the next position (NextPosition; up a ladder only where the
// phase climbs ladders), or hold at the top. Pain is
// attributed per exercise when the session reports it per exercise, else the session's pain after
// counts for every exercise done in it. Then the phase gate (from the phase's planned length on):
// adherence, pain in the band and settled, and each progressing prescription's target dose (its
// last written step) done in full in sessions_at_target sessions of the week (CLINICAL.md §1); in
// consolidation also no dose stepped back in the phase; where the phase names an outcome gate,
// that instrument's change since its baseline reaching the MCID (outcomes.h); where the phase
// requires sign-off, the move then waits as a pending phase decision for the therapist's approval.
//
// Outcome measures. A response takes effect on the day the server received it: a change since
// the instrument's baseline that reaches the MCID (better or worse) raises a flag that day,
// unless the instrument's verdict was already the same. A week's gate and the 6-week
// re-evaluation see the responses received by the end of the week's grace day. The re-evaluation
// is due when pain has not come down (and is above the safe band) or when any outcome measure
// with a follow-up has changed less than its MCID (or for the worse).
//
// Settled weeks. A week's decision sees the inputs about the week that were received by the end
// of the day after it (one grace day for phones that sync late) — or, when a therapist approved
// or rejected one of the week's decisions on that grace day, before that moment: sessions whose
// local date falls in the week, their next-morning reports, and a later session (within two
// days) starting from higher pain than one of them. Once that grace has passed the week is
// settled: nothing that arrives later changes its decisions. A late input still counts for
// adherence, RTM and flags, and it weighs on the decision of the week in which it arrived:
// pain above the acceptable band or a worse morning reported late holds every exercise that
// week (rule "pain.reported_late"), never regresses or progresses one.
//
// The replay is causal: every input takes effect on the day the server received it (a session's
// flags on that day, dated the day it was performed), so the state at the end of a day depends
// only on what had arrived by then. That is what makes checkpoints (checkpoint.h) exact: a
// replay that starts from the state at the end of day S and sees the inputs received after S
// gives the same timeline, decisions and flags as a replay from the start.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "scheduler/outcomes.h"
#include "scheduler/program.h"
#include "scheduler/session.h"

namespace ptrack {

enum class DecisionKind { kProgress, kRegress, kHold, kPhaseAdvance, kPhaseHold };
enum class DecisionStatus {
  kApplied,   // auto mode: in effect from effective_date
  kPending,   // suggest mode: waits for the therapist
  kApproved,  // suggest mode, approved: in effect from the approval date
  kRejected,  // suggest mode, rejected: never applied
  kNoChange,  // a hold: nothing to apply
};

struct Decision {
  std::string id;  // deterministic: "w<week>-<exercise>", "w<week>-phase" or "boost-<date>-<n>"
  int week = 0;    // the program week evaluated
  LocalDate effective_date{};  // the day after the week (auto) or the approval day
  std::string exercise_id;  // the prescription's exercise as the protocol names it; empty for phase
  DecisionKind kind = DecisionKind::kHold;
  std::string rule;  // stable rule id, e.g. "pain.above_acceptable"
  std::vector<std::pair<std::string, std::string>> inputs;  // what the rule looked at
  std::string old_exercise_id, new_exercise_id;             // the ladder rung before and after
  Dose old_dose, new_dose;
  int new_step = 0;  // progress: the position along the prescription it moves to
  int old_phase = 0, new_phase = 0;
  ProgressionMode mode = ProgressionMode::kAuto;
  DecisionStatus status = DecisionStatus::kNoChange;
  std::string explanation;  // plain language, for the patient and the therapist
  bool operator==(const Decision&) const = default;
};

enum class FlagKind {
  kRedFlag,
  kPainFlare,
  kInactivity,
  kReevaluationDue,
  kPhaseGateStalled,
  kMaintenancePainReturn,
  // An outcome measure's change since its baseline reached the MCID (CLINICAL.md §8), raised on
  // the day the response that crossed it arrived; again only after the verdict changed.
  kOutcomeImproved,
  kOutcomeWorsened,
};

struct Flag {
  FlagKind kind = FlagKind::kPainFlare;
  LocalDate date{};
  std::string detail;       // plain language
  std::string session_id;   // the session that raised it, when one did
  std::string response_id;  // the outcome response that raised it, when one did
  bool operator==(const Flag&) const = default;
};

// What a therapist did, on the patient's local date it takes effect from. Within a day, actions
// and sessions take effect in the order the server learned of them (`at` against each session's
// receive time): a clearing covers the red flags received before it, not those after.
struct TherapistAction {
  enum class Kind { kApprove, kReject, kClearRedFlag, kBoost };
  Kind kind = Kind::kApprove;
  LocalDate date{};
  std::string decision_id;  // kApprove, kReject
  std::string note;
  Instant at{};  // when it was recorded
};

struct ProgramHistory {
  std::vector<Session> sessions;  // any order; other programs' sessions must not be included
  std::vector<PainFollowUp> followups;
  std::vector<TherapistAction> actions;
  // Every scored outcome response of the program, any order — all of them also when replaying
  // from a checkpoint (baselines reach back to the start; there are a handful per program).
  std::vector<OutcomeResult> outcomes;
};

// The catalogue as the engine needs it. Each returns nullptr when there is no such exercise.
struct CatalogueView {
  std::function<const Exercise*(const std::string& id)> exercise;
  std::function<const Exercise*(const std::string& ladder, int rank)> rung;
};

// One prescription as it currently stands.
struct CurrentPrescription {
  std::string prescribed_id;  // the exercise the protocol prescribes (the decision key)
  std::string exercise_id;    // the rung the patient does now (differs after a ladder move)
  Dose dose;
  int step = 1;  // 1-based position on the protocol's dose steps; beyond = levers
  // Earlier (rung, dose, step) positions, most recent last: regression steps back along it.
  std::vector<std::tuple<std::string, Dose, int>> trail;
  std::string why;         // the explanation of the change that produced this dose
  LocalDate changed_on{};  // when it took effect
  bool operator==(const CurrentPrescription&) const = default;
};

struct ProgressState {
  int revision = 1;
  int phase_number = 1;
  LocalDate phase_started{};
  std::vector<CurrentPrescription> prescriptions;
  bool suspended = false;  // an open red flag
  std::string suspended_reason;
  bool operator==(const ProgressState&) const = default;
};

// What the report needs of the whole history, kept as aggregates that do not depend on the
// order inputs arrived in, so that a replay from a checkpoint has them without the old sessions.
struct HistoryFacts {
  std::optional<LocalDate> last_session;  // the latest local date of a session (up to today)
  int baseline_week = 0;                  // the first program week with sessions (0: none)
  double baseline_pain_sum = 0;           // sum of pain after over that week's sessions
  int baseline_count = 0;
  // Sessions whose red flags no clearing has covered yet (a clearing covers those received
  // before it), in the order received.
  std::vector<std::string> uncleared_red_flags;
  bool operator==(const HistoryFacts&) const = default;
};

struct Timeline {
  // The state in effect from each date on, in date order; the first is the program's start (or,
  // for a replay from a checkpoint, the first state the checkpoint kept).
  std::vector<std::pair<LocalDate, ProgressState>> states;
  // In order of evaluation. From a checkpoint: the decisions it kept (pending ones and the
  // latest of each prescription and of the phase) and those taken since.
  std::vector<Decision> decisions;
  // In the order raised. From a checkpoint: those it kept (checkpoint.h) and those raised since.
  std::vector<Flag> flags;
  HistoryFacts facts;

  // The state on `day` (the first state for days before the start).
  // REQUIRES: !states.empty().
  const ProgressState& StateOn(LocalDate day) const;
};

// Replays `history` for `program` through `today` (red flags and actions up to and including
// today; week evaluations for weeks that ended before today). `zone` converts receive times to
// local dates. REQUIRES: program.revisions non-empty and valid; zone != nullptr.
Timeline Evaluate(const Program& program, const ProgramHistory& history,
                  const CatalogueView& catalogue, Zone zone, LocalDate today);

// The day a decision was taken: a week's decisions at the week's last day, a boost on its day.
LocalDate DecidedOn(const Decision& decision, LocalDate program_start);

// The next dose along the protocol's steps (skipping written steps that repeat the current dose),
// then along the exercise's levers (CLINICAL.md §2–§3:
// holds -> reps -> ladder; double progression: reps to the top of the range, then load or band
// with reps back to the bottom). nullopt when nothing is left to raise.
struct Position {
  std::string exercise_id;
  Dose dose;
  int step = 1;
};
// `climb_ladders` false (a consolidation phase, Phase::climb_ladders) skips the ladder lever.
std::optional<Position> NextPosition(const Prescription& rx, const Position& now,
                                     const ProgressionRules& rules, const CatalogueView& catalogue,
                                     bool climb_ladders = true);

}  // namespace ptrack
