// A patient's standing for the report: windows of adherence, pain trend, open flags and alerts.
#include "scheduler/summary.h"

#include <algorithm>
#include <map>

#include "scheduler/adherence.h"
#include "scheduler/calendar.h"
#include "scheduler/plan.h"

namespace ptrack {
namespace {

static_assert(static_cast<int>(AlertKind::kMaintenancePainReturn) ==
                  static_cast<int>(FlagKind::kMaintenancePainReturn),
              "AlertKind mirrors FlagKind");

const char* KeyName(AlertKind kind) {
  switch (kind) {
    case AlertKind::kRedFlag:
      return "red_flag";
    case AlertKind::kPainFlare:
      return "pain_flare";
    case AlertKind::kInactivity:
      return "inactivity";
    case AlertKind::kReevaluationDue:
      return "reevaluation_due";
    case AlertKind::kPhaseGateStalled:
      return "phase_gate_stalled";
    case AlertKind::kMaintenancePainReturn:
      return "maintenance_pain_return";
    case AlertKind::kRtmAtRisk:
      return "rtm_at_risk";
    case AlertKind::kOutcomeImproved:
      return "outcome_improved";
    case AlertKind::kOutcomeWorsened:
      return "outcome_worsened";
  }
  return "unknown";
}

// The exercises of `s` planned on its day and done at the full dose.
std::pair<int, int> ExerciseCounts(const Session& s, const PlanDay& plan) {
  int planned = 0, full = 0;
  for (const PlannedExercise& p : plan.exercises) {
    ++planned;
    for (const ExerciseLog& log : s.exercises) {
      if (log.sets > 0 && log.exercise_id == p.exercise_id && AtFullDose(log, p.dose)) {
        ++full;
        break;
      }
    }
  }
  return {planned, full};
}

AdherenceWindow Window(const Program& program, const Timeline& timeline, LocalDate from,
                       LocalDate to, int planned, int full_dose,
                       const std::vector<DailyFacts>& facts) {
  AdherenceWindow w;
  const Adherence a = ComputeAdherence(program, from, to, facts, &timeline);
  w.sessions_prescribed = a.sessions_prescribed;
  w.sessions_done = a.sessions_done;
  w.exercises_planned = planned;
  w.exercises_full_dose = full_dose;
  return w;
}

// Whether `flag` still needs attention on `today`.
bool IsOpen(const Flag& flag, const Program& program, const Timeline& timeline, LocalDate today,
            const std::optional<LocalDate>& last_session, const ReportRules& rules) {
  const int age = static_cast<int>((today - flag.date).count());
  switch (flag.kind) {
    case FlagKind::kRedFlag: {
      // Open while the program is suspended, unless a clearing recorded after the server received
      // it covered it (progression.h: a clearing covers the red flags received before it).
      if (!timeline.StateOn(today).suspended) return false;
      const auto& uncleared = timeline.facts.uncleared_red_flags;
      return std::find(uncleared.begin(), uncleared.end(), flag.session_id) != uncleared.end();
    }
    case FlagKind::kPainFlare:
    case FlagKind::kMaintenancePainReturn:
      return age < rules.pain_flare_open_days;
    case FlagKind::kInactivity:
      return !timeline.StateOn(today).suspended && (!last_session || *last_session < flag.date);
    case FlagKind::kOutcomeImproved:
    case FlagKind::kOutcomeWorsened:
      return age < rules.review_open_days;
    case FlagKind::kReevaluationDue:
    case FlagKind::kPhaseGateStalled:
      if (age >= rules.review_open_days) return false;
      // A revision from the flag's day on is the therapist's answer to it.
      for (const ProgramRevision& r : program.revisions) {
        if (r.revision > 1 && r.effective_date >= flag.date) return false;
      }
      return true;
  }
  return false;
}

}  // namespace

AlertKind AlertKindOf(FlagKind kind) {
  switch (kind) {
    case FlagKind::kOutcomeImproved:
      return AlertKind::kOutcomeImproved;
    case FlagKind::kOutcomeWorsened:
      return AlertKind::kOutcomeWorsened;
    default:
      return static_cast<AlertKind>(static_cast<int>(kind));
  }
}

Status Validate(const ReportRules& r) {
  Violations v;
  ForEachReportField(r, [&](const char* field, int value) {
    const int min = std::string(field) == "rtm_at_risk_margin_days" ? 0 : 1;
    if (value < min)
      v.Add(std::string("report.") + field, "must be at least " + std::to_string(min));
  });
  return v.ToStatus();
}

SessionTallies& SessionTallies::operator+=(const SessionTallies& o) {
  planned_7 += o.planned_7;
  full_dose_7 += o.full_dose_7;
  planned_30 += o.planned_30;
  full_dose_30 += o.full_dose_30;
  pain_after_sum_7 += o.pain_after_sum_7;
  sessions_7 += o.sessions_7;
  return *this;
}

SessionTallies TallySessions(const Program& program, const Timeline& timeline, LocalDate today,
                             const std::vector<Session>& sessions) {
  SessionTallies t;
  const LocalDate from_7 = std::max(program.start_date, today - date::days{6});
  const LocalDate from_30 = std::max(program.start_date, today - date::days{29});
  std::map<LocalDate, PlanDay> plans;  // a day's plan once, however many sessions it had
  for (const Session& s : sessions) {
    if (s.local_date > today) continue;
    if (s.local_date >= today - date::days{6}) {
      t.pain_after_sum_7 += s.pain_after;
      ++t.sessions_7;
    }
    if (s.local_date < from_30) continue;
    auto plan = plans.find(s.local_date);
    if (plan == plans.end()) {
      plan = plans.emplace(s.local_date, PlanFor(program, timeline, s.local_date)).first;
    }
    const auto [planned, full] = ExerciseCounts(s, plan->second);
    t.planned_30 += planned;
    t.full_dose_30 += full;
    if (s.local_date >= from_7) {
      t.planned_7 += planned;
      t.full_dose_7 += full;
    }
  }
  return t;
}

PatientSummary Summarize(const Program& program, const Timeline& timeline, LocalDate today,
                         const ProgramHistory& history, const std::vector<DailyFacts>& facts,
                         const RtmStatus& rtm, const ReportRules& rules) {
  return Summarize(program, timeline, today,
                   TallySessions(program, timeline, today, history.sessions), facts, rtm, rules);
}

PatientSummary Summarize(const Program& program, const Timeline& timeline, LocalDate today,
                         const SessionTallies& tallies, const std::vector<DailyFacts>& facts,
                         const RtmStatus& rtm, const ReportRules& rules) {
  PatientSummary out;
  out.as_of = today;
  out.program_id = program.id;
  const PlanDay plan = PlanFor(program, timeline, today);
  out.phase_number = plan.phase_number;
  out.phase_name = plan.phase_name;
  out.suspended = timeline.StateOn(today).suspended;
  out.paused = plan.paused;

  const LocalDate from_7 = std::max(program.start_date, today - date::days{6});
  const LocalDate from_30 = std::max(program.start_date, today - date::days{29});
  if (from_7 <= today) {
    out.last_7 =
        Window(program, timeline, from_7, today, tallies.planned_7, tallies.full_dose_7, facts);
  }
  if (from_30 <= today) {
    out.last_30 =
        Window(program, timeline, from_30, today, tallies.planned_30, tallies.full_dose_30, facts);
  }

  // Pain: the first program week with sessions against the last 7 days.
  const HistoryFacts& facts_of_history = timeline.facts;
  out.last_session = facts_of_history.last_session;
  if (facts_of_history.baseline_count > 0) {
    out.pain_baseline = facts_of_history.baseline_pain_sum / facts_of_history.baseline_count;
  }
  if (tallies.sessions_7 > 0) {
    out.pain_recent = static_cast<double>(tallies.pain_after_sum_7) / tallies.sessions_7;
  }

  for (const Flag& f : timeline.flags) {
    if (f.date > today || !IsOpen(f, program, timeline, today, out.last_session, rules)) {
      continue;
    }
    out.open_flags.push_back(f);
    const AlertKind kind = AlertKindOf(f.kind);
    out.alerts.push_back({kind,
                          std::string(KeyName(kind)) + "/" + FormatIsoDate(f.date) + "/" +
                              f.session_id + f.response_id,
                          f.date, f.detail, f.session_id});
  }
  for (const Flag& f : timeline.flags) {
    if (f.date > today) continue;
    if (f.kind == FlagKind::kOutcomeImproved || f.kind == FlagKind::kOutcomeWorsened) {
      out.outcome = f.detail;
      out.outcome_change = f.kind == FlagKind::kOutcomeImproved ? 1 : -1;
    }
  }
  for (const Decision& d : timeline.decisions) {
    if (d.status == DecisionStatus::kPending) ++out.pending_decisions;
  }

  out.rtm = rtm;
  out.rtm_at_risk = rtm.in_episode && rtm.data_days_needed > 0 &&
                    rtm.days_left - rtm.data_days_needed <= rules.rtm_at_risk_margin_days;
  if (out.rtm_at_risk) {
    out.alerts.push_back(
        {AlertKind::kRtmAtRisk,
         std::string(KeyName(AlertKind::kRtmAtRisk)) + "/" + FormatIsoDate(rtm.period_start), today,
         "RTM: " + rtm.forecast, ""});
  }
  return out;
}

}  // namespace ptrack
