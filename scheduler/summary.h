// A patient's standing on one local date, for the clinic report and live alerts: adherence over
// the last 7 and 30 days (sessions credited as in adherence.h, and how many of the exercises in
// the sessions done reached their full dose), pain trend (the program's first week with sessions
// against the last 7 days), phase, the flags still open, decisions waiting for the therapist,
// RTM readiness, and the alerts all of that raises. Built by the service after each evaluation
// (progression.h) and stored as one derived row per patient, so a report reads one small row per
// patient instead of replaying history. Which flags count as open, and for how long, comes from
// data (data/rules/report.json, ReportRules). Pure: same inputs, same summary.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scheduler/progression.h"
#include "scheduler/rtm.h"
#include "scheduler/session.h"

namespace ptrack {

struct ReportRules {
  int pain_flare_open_days = 0;      // a pain flare (or pain returning in maintenance) stays open
  int review_open_days = 0;          // re-evaluation due / stalled gate, unless revised earlier
  int rtm_at_risk_margin_days = -1;  // at risk when days left - days needed <= this
};

// Calls on_number(name, int&) for each field, by its name in the data file.
template <typename Rules, typename OnNumber>
void ForEachReportField(Rules& r, OnNumber on_number) {
  on_number("pain_flare_open_days", r.pain_flare_open_days);
  on_number("review_open_days", r.review_open_days);
  on_number("rtm_at_risk_margin_days", r.rtm_at_risk_margin_days);
}

// Fields named "report.<field>" in violations.
Status Validate(const ReportRules& rules);

struct AdherenceWindow {
  int sessions_prescribed = 0;
  int sessions_done = 0;        // credited, at most the prescribed per program week
  int exercises_planned = 0;    // over the sessions done (all of them, credited or not)
  int exercises_full_dose = 0;  // of those, done at the full prescribed dose
  bool operator==(const AdherenceWindow&) const = default;
};

// The flag kinds (progression.h), in the same order, with RTM at risk before the outcome kinds
// (stored alerts keep their kind's number).
enum class AlertKind {
  kRedFlag,
  kPainFlare,
  kInactivity,
  kReevaluationDue,
  kPhaseGateStalled,
  kMaintenancePainReturn,
  kRtmAtRisk,
  kOutcomeImproved,
  kOutcomeWorsened,
};

AlertKind AlertKindOf(FlagKind kind);

// Something a therapist should hear about once. `key` identifies it for good: the same flag or
// the same at-risk period raises one alert however often the patient is evaluated.
struct AlertCandidate {
  AlertKind kind = AlertKind::kRedFlag;
  std::string key;  // e.g. "red_flag/2026-11-21/<session id>", "rtm_at_risk/<period start>"
  LocalDate date{};
  std::string detail;  // plain language
  std::string session_id;
  bool operator==(const AlertCandidate&) const = default;
};

struct PatientSummary {
  LocalDate as_of{};  // the patient's today when it was computed
  std::string program_id;
  int phase_number = 0;  // 0: before the start or past a finite last phase
  std::string phase_name;
  bool suspended = false;
  bool paused = false;  // a pause of the program covers as_of
  AdherenceWindow last_7, last_30;  // the 7 / 30 days ending on as_of
  double pain_baseline = -1;        // mean pain after, first program week with sessions; -1: none
  double pain_recent = -1;          // mean pain after over the 7 days ending on as_of; -1: none
  std::optional<LocalDate> last_session;
  std::vector<Flag> open_flags;  // in date order
  // The latest outcome-measure flag of the program (kept after it closes): the report's outcome
  // column. Empty detail: none.
  std::string outcome;
  int outcome_change = 0;  // +1 improved, -1 worse, 0 none
  int pending_decisions = 0;
  RtmStatus rtm;  // in_episode false: not monitored on as_of
  bool rtm_at_risk = false;
  std::vector<AlertCandidate> alerts;  // what the open flags and RTM raise now

  bool operator==(const PatientSummary&) const = default;
};

// What the summary needs of the sessions themselves, as sums over them, so that sessions added
// to the same day are counted by adding theirs (TallySessions of the new ones) instead of counting
// all again: the exercises planned and done at full dose in the 7 and 30 days ending on `today`
// (against each session's day's plan), and the pain after of the last 7 days.
struct SessionTallies {
  int planned_7 = 0, full_dose_7 = 0, planned_30 = 0, full_dose_30 = 0;
  int pain_after_sum_7 = 0, sessions_7 = 0;
  SessionTallies& operator+=(const SessionTallies& other);
  bool operator==(const SessionTallies&) const = default;
};

// The tallies of `sessions` (any order; those outside the 30 days ending on `today` count for
// nothing). A day's plan is read from `timeline`, so tallies of sessions taken at different times
// add up only while the timeline has not changed on their days (it never does on past days).
// REQUIRES: !timeline.states.empty().
SessionTallies TallySessions(const Program& program, const Timeline& timeline, LocalDate today,
                             const std::vector<Session>& sessions);

// The summary of `program` on `today` from its evaluated `timeline` (which carries what it needs
// of the whole history in timeline.facts) and the tallies of the sessions of the 30 days ending
// on `today`; `facts`: the daily facts (any order, at least the 30 days to today); `rtm`:
// ComputeRtm for today (in_episode false when not monitored).
// REQUIRES: !timeline.states.empty(); Validate(rules).ok().
PatientSummary Summarize(const Program& program, const Timeline& timeline, LocalDate today,
                         const SessionTallies& tallies, const std::vector<DailyFacts>& facts,
                         const RtmStatus& rtm, const ReportRules& rules);
// The same, tallying `history`: at least the sessions of the 30 days ending on `today`.
PatientSummary Summarize(const Program& program, const Timeline& timeline, LocalDate today,
                         const ProgramHistory& history, const std::vector<DailyFacts>& facts,
                         const RtmStatus& rtm, const ReportRules& rules);

}  // namespace ptrack
