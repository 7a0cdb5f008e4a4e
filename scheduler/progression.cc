// The progression engine: a day-by-day replay of a program's history that applies revisions,
// therapist actions, red flags and week-end decisions in a fixed order, so that the same history
// always gives the same timeline.
#include "scheduler/progression.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "scheduler/calendar.h"
#include "scheduler/checkpoint.h"
#include "scheduler/open_day.h"

namespace ptrack {
namespace {

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

const Phase* PhaseNumbered(const std::vector<Phase>& phases, int number) {
  for (const Phase& p : phases) {
    if (p.number == number) return &p;
  }
  return nullptr;
}

// True when `cp` is at the last dose step its prescription writes (or beyond it, on the levers):
// the phase's target for that exercise (CLINICAL.md §1: "target holds reached", "top of range").
bool AtTargetStep(const CurrentPrescription& cp, const Prescription& rx) {
  return cp.step >= static_cast<int>(rx.dose_steps.size()) ||
         (cp.exercise_id == rx.exercise_id && cp.dose == rx.dose_steps.back());
}

const Prescription* FindRx(const Phase& phase, const std::string& exercise_id) {
  for (const Prescription& rx : phase.prescriptions) {
    if (rx.exercise_id == exercise_id) return &rx;
  }
  return nullptr;
}

std::vector<CurrentPrescription> StartPhase(const Phase& phase, LocalDate from,
                                            const std::string& why) {
  std::vector<CurrentPrescription> out;
  for (const Prescription& rx : phase.prescriptions) {
    CurrentPrescription cp;
    cp.prescribed_id = rx.exercise_id;
    cp.exercise_id = rx.exercise_id;
    cp.dose = rx.dose_steps.front();
    cp.step = 1;
    cp.why = why;
    cp.changed_on = from;
    out.push_back(std::move(cp));
  }
  return out;
}

std::string NameOf(const CatalogueView& catalogue, const std::string& id) {
  const Exercise* e = catalogue.exercise ? catalogue.exercise(id) : nullptr;
  return e != nullptr ? e->display_name : id;
}

double RoundUp(double value, double step) { return std::ceil(value / step - 1e-9) * step; }

// Facts about one session that the week's rules need.
struct SessionFacts {
  const Session* session = nullptr;
  LocalDate received_on{};
  LocalDate taken_on{};  // the day the replay takes it in: its local date, or later its receipt
  int week = 0;          // the program week of its local date
  bool per_exercise_pain = false;  // some log reports its own pain
  int worst_pain = 0;              // the highest pain it reports (before, after, any exercise)
};

struct OutcomeFacts {
  const OutcomeResult* result;
  LocalDate received_on;
};

struct FollowUpFacts {
  const PainFollowUp* followup = nullptr;
  LocalDate received_on{};
};

// The pain attributed to `log` in its session: its own pain when the session reports pain per
// exercise, otherwise the session's pain after.
int AttributedPain(const SessionFacts& f, const ExerciseLog& log) {
  return f.per_exercise_pain ? log.pain : f.session->pain_after;
}

// The log of the rung the patient is on now (a log of an earlier rung is not this exercise).
const ExerciseLog* LogFor(const Session& s, const CurrentPrescription& cp) {
  for (const ExerciseLog& l : s.exercises) {
    if (l.sets > 0 && l.exercise_id == cp.exercise_id) return &l;
  }
  return nullptr;
}

// The program week named by a week decision's id ("w<week>-..."); 0 for any other id.
int WeekOfDecisionId(const std::string& id) {
  if (id.size() < 3 || id[0] != 'w') return 0;
  int week = 0;
  size_t i = 1;
  for (; i < id.size() && id[i] >= '0' && id[i] <= '9'; ++i) week = week * 10 + (id[i] - '0');
  return i > 1 && i < id.size() && id[i] == '-' ? week : 0;
}

class Replay {
 public:
  Replay(const Program& program, const ProgramHistory& history, const CatalogueView& catalogue,
         Zone zone)
      : program_(program), history_(history), catalogue_(catalogue), zone_(zone) {
    const LocalDate start = program.start_date;
    for (const Session& s : history.sessions) {
      SessionFacts f;
      f.session = &s;
      f.received_on = LocalDateOf(s.receive_time, zone);
      f.taken_on = std::max(s.local_date, f.received_on);
      f.week = ProgramWeek(start, s.local_date);
      f.worst_pain = std::max(s.pain_before, s.pain_after);
      for (const ExerciseLog& l : s.exercises) {
        f.per_exercise_pain |= l.pain >= 0;
        f.worst_pain = std::max(f.worst_pain, l.pain);
      }
      sessions_.push_back(f);
    }
    std::sort(sessions_.begin(), sessions_.end(), [](const SessionFacts& a, const SessionFacts& b) {
      return a.session->perform_time != b.session->perform_time
                 ? a.session->perform_time < b.session->perform_time
                 : a.session->id < b.session->id;
    });
    for (size_t i = 0; i < sessions_.size(); ++i) {
      const SessionFacts& f = sessions_[i];
      index_[f.session->id] = i;
      taken_on_[f.taken_on].push_back(i);
      received_on_[f.received_on].push_back(i);
    }
    for (const OutcomeResult& r : history.outcomes) {
      outcomes_.push_back({&r, LocalDateOf(r.received, zone)});
    }
    std::sort(outcomes_.begin(), outcomes_.end(), [](const OutcomeFacts& a, const OutcomeFacts& b) {
      return a.result->received != b.result->received ? a.result->received < b.result->received
                                                      : a.result->id < b.result->id;
    });
    for (const PainFollowUp& f : history.followups) {
      FollowUpFacts ff{&f, LocalDateOf(f.received, zone)};
      followups_[f.session_id].push_back(ff);
      followups_received_on_[ff.received_on].push_back(ff);
    }
    // A therapist who approves or rejects one of a week's decisions on its grace day closes the
    // week at that moment: what arrives after cannot change what they decided on.
    for (const TherapistAction& a : history.actions) {
      if (a.kind != TherapistAction::Kind::kApprove && a.kind != TherapistAction::Kind::kReject) {
        continue;
      }
      const int week = WeekOfDecisionId(a.decision_id);
      if (week < 1 || a.date != WeekStart(start, week) + date::days{7}) continue;
      auto [it, inserted] = closed_at_.emplace(week, a.at);
      if (!inserted && a.at < it->second) it->second = a.at;
    }
  }

  Evaluation Run(LocalDate today, const EvaluateOptions& options) {
    // A discharged program has no days after its last: nothing is decided or flagged there.
    if (program_.discharge && today > program_.discharge->date) today = program_.discharge->date;
    const LocalDate start = program_.start_date;
    LocalDate from = start;
    if (options.resume != nullptr) {
      Restore(*options.resume);
      from = options.resume->day + date::days{1};
    } else {
      const ProgramRevision& first = RevisionInEffect(program_, start);
      st_.revision = first.revision;
      st_.phase_number = first.phases.front().number;
      st_.phase_started = start;
      st_.prescriptions = StartPhase(first.phases.front(), start, "");
      c_.last_activity = start;
      Commit(start);
    }
    Evaluation out;
    for (LocalDate d = from; d <= today; d += date::days{1}) {
      Day(d, today);
      if (options.checkpoint_on == d) out.checkpoint = Capture(d, options.keep_days);
    }
    if (options.keep_open_day && quiet_today_) out.open_day = CaptureOpenDay(today, {}, {}, "");
    out.timeline = std::move(tl_);
    return out;
  }

  // The sessions this replay was given (all of them new on open.day) taken in after `open`, as
  // open_day.h describes; false (and nothing usable) when a condition there does not hold.
  bool TakeIn(const OpenDay& open, const Timeline& timeline, Evaluation& out) {
    const LocalDate day = open.day;
    const Instant* after_time = open.latest_id.empty() ? nullptr : &open.latest_perform;
    const std::string* after_id = &open.latest_id;
    for (const SessionFacts& f : sessions_) {
      const Session& s = *f.session;
      if (s.local_date != day || f.received_on != day || !s.red_flags.empty()) return false;
      if (after_time != nullptr &&
          (s.perform_time < *after_time || (s.perform_time == *after_time && s.id <= *after_id))) {
        return false;
      }
      after_time = &s.perform_time;
      after_id = &s.id;
    }
    st_ = open.state;
    c_ = open.counters;
    tl_ = timeline;
    closed_at_ = open.closed_at;
    flags_raised_on_.assign(tl_.flags.size(), day);
    for (size_t k = 0; k < sessions_.size(); ++k) {
      TakeSession(sessions_[k], day);
      for (const OpenDay::Recent& a : open.recent) {
        if (!PairWithEarlier(a, sessions_[k], day)) return false;
      }
      for (size_t j = 0; j < k; ++j) {
        if (!PairWithEarlier(RecentOf(sessions_[j]), sessions_[k], day)) return false;
      }
    }
    if (st_.suspended) c_.suspended_in_week = true;  // the rest of the day's end, as Day does
    out.open_day = CaptureOpenDay(day, open.recent, open.latest_perform, open.latest_id);
    out.timeline = std::move(tl_);
    return true;
  }

 private:
  const ProgramRevision& Rev() const {
    for (const ProgramRevision& r : program_.revisions) {
      if (r.revision == st_.revision) return r;
    }
    return program_.revisions.front();
  }
  const ProgressionRules& Rules() const { return Rev().rules; }
  const Phase* CurrentPhase() const { return PhaseNumbered(Rev().phases, st_.phase_number); }
  LocalDate ReevaluationDay() const {
    return WeekStart(program_.start_date, Rules().reevaluation_after_weeks) + date::days{6};
  }

  // Whether something about program week `week` that the server learned at `known` reached the
  // week's decision: by the end of its grace day, and before a therapist closed the week.
  bool OnTime(int week, Instant known) const {
    const LocalDate grace = WeekStart(program_.start_date, week) + date::days{7};
    const LocalDate day = LocalDateOf(known, zone_);
    if (day != grace) return day < grace;
    auto closed = closed_at_.find(week);
    return closed == closed_at_.end() || known < closed->second;
  }

  // Whether the morning after session `i` was worse, as known in time for its week's decision:
  // a next-morning report above its starting pain, or a later session within two days starting
  // from higher pain than it did.
  bool WorseOnTime(size_t i) const {
    const SessionFacts& f = sessions_[i];
    const Session& s = *f.session;
    auto reports = followups_.find(s.id);
    if (reports != followups_.end()) {
      for (const FollowUpFacts& r : reports->second) {
        if (r.followup->pain > s.pain_before && OnTime(f.week, r.followup->received)) return true;
      }
    }
    bool worse = false;
    ForEachLaterWithin2Days(i, [&](size_t j) {
      const Session& next = *sessions_[j].session;
      if (next.pain_before > s.pain_before &&
          OnTime(f.week, std::max(s.receive_time, next.receive_time))) {
        worse = true;
      }
    });
    return worse;
  }

  // Calls on_later(j) for each session j performed after session i and dated at most two days
  // after it.
  template <typename F>
  void ForEachLaterWithin2Days(size_t i, F&& on_later) const {
    const Session& s = *sessions_[i].session;
    for (size_t j = i + 1; j < sessions_.size(); ++j) {
      const Session& next = *sessions_[j].session;
      if (next.perform_time > s.perform_time + std::chrono::hours(24 * 4)) break;
      if (next.local_date <= s.local_date + date::days{2}) on_later(j);
    }
  }

  void Day(LocalDate d, LocalDate today) {
    const LocalDate start = program_.start_date;
    // Within a day: the revision in effect, the sessions taken in, then red flags and therapist
    // actions in the order the server received them (sessions first on a tie).
    bool changed = ApplyRevision(d);
    const bool revised = changed;
    if (auto it = taken_on_.find(d); it != taken_on_.end()) {
      for (size_t k : it->second) TakeSession(sessions_[k], d);
    }
    TakeLateEvidence(d);
    struct Event {
      Instant at;
      const SessionFacts* session;
      const TherapistAction* action;
    };
    std::vector<Event> events;
    if (auto it = received_on_.find(d); it != received_on_.end()) {
      // A red flag takes effect on the day the server received it, in receipt order, so that a
      // late-synced flag is never covered by a clearing recorded before it arrived.
      for (size_t k : it->second) {
        events.push_back({sessions_[k].session->receive_time, &sessions_[k], nullptr});
      }
    }
    for (const TherapistAction& a : history_.actions) {
      if (a.date == d) events.push_back({a.at, nullptr, &a});
    }
    std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
      return a.at != b.at ? a.at < b.at : (a.session != nullptr && b.session == nullptr);
    });
    bool eventful = false;  // a red flag, a therapist action or an outcome response
    for (const Event& e : events) {
      eventful |= e.action != nullptr || !e.session->session->red_flags.empty();
      changed |= e.session != nullptr ? OnRedFlags(*e.session, d) : ApplyAction(*e.action, d);
    }
    for (size_t i = 0; i < outcomes_.size(); ++i) {
      if (outcomes_[i].received_on != d) continue;
      eventful = true;
      OnOutcome(i, d);
    }
    if (st_.suspended) c_.suspended_in_week = true;
    if (changed) Commit(d);
    // A paused day asks nothing of the patient: the inactivity count starts again after it.
    if (PausedOn(program_, d)) c_.last_activity = std::max(c_.last_activity, d);
    const int idle = static_cast<int>((d - c_.last_activity).count());
    bool inactivity_raised = false;
    if (!st_.suspended && !c_.inactivity_flagged && idle >= InactivityThreshold()) {
      Raise({FlagKind::kInactivity, d,
             "No session logged for " + std::to_string(idle) + " days: check in with the patient",
             "", ""},
            d);
      c_.inactivity_flagged = true;
      c_.inactivity_since = d;
      inactivity_raised = true;
    }
    if (d == today) {  // whether a later session of the day can be taken in by itself
      quiet_today_ = !revised && !eventful && !inactivity_raised;
    }
    if (d < today && DayOfProgramWeek(start, d) == 6) {
      if (EndWeek(ProgramWeek(start, d), d)) Commit(d + date::days{1});
      c_.late_max_pain = -1;
      c_.late_worse = false;
    }
    if (d < today && d >= ReevaluationDay()) c_.pain_by_week.clear();
  }

  // The outcome results received by the end of `day` (outcomes_ is in receipt order).
  std::vector<const OutcomeResult*> OutcomesKnownBy(LocalDate day) const {
    std::vector<const OutcomeResult*> out;
    for (const OutcomeFacts& f : outcomes_) {
      if (f.received_on <= day) out.push_back(f.result);
    }
    return out;
  }

  // Response `i` arrived on `d`: a flag when it moves its instrument's verdict to improved or
  // worse (a late baseline can do that too).
  void OnOutcome(size_t i, LocalDate d) {
    const OutcomeResult& r = *outcomes_[i].result;
    std::vector<const OutcomeResult*> known;
    for (size_t j = 0; j < i; ++j) known.push_back(outcomes_[j].result);
    const OutcomeStanding before = StandingOf(known, r.instrument_id);
    known.push_back(&r);
    const OutcomeStanding now = StandingOf(known, r.instrument_id);
    if (now.change == OutcomeChange::kNone || now.change == before.change) return;
    const bool improved = now.change == OutcomeChange::kImproved;
    Flag flag{improved ? FlagKind::kOutcomeImproved : FlagKind::kOutcomeWorsened, d,
              now.Describe() + (improved ? ": a clinically important improvement"
                                         : ": a clinically important worsening, review"),
              "", r.id};
    Raise(std::move(flag), d);
  }

  // Days without a session before a check-in is due: the rules' value, but never less than one
  // more than the longest gap the current phase's own schedule leaves (a maintenance schedule of
  // two sessions a week has a 4-day gap that is not inactivity).
  int InactivityThreshold() const {
    int longest_gap = 1;
    if (const Phase* phase = CurrentPhase()) {
      const std::vector<int> offsets = TrainingDayOffsets(phase->sessions_per_week);
      for (size_t i = 0; i < offsets.size(); ++i) {
        const int next = i + 1 < offsets.size() ? offsets[i + 1] : offsets.front() + 7;
        longest_gap = std::max(longest_gap, next - offsets[i]);
      }
    }
    return std::max(Rules().inactivity_days, longest_gap + 1);
  }

  void Commit(LocalDate from) {
    if (!tl_.states.empty() && tl_.states.back().first == from) {
      tl_.states.back().second = st_;
    } else {
      tl_.states.emplace_back(from, st_);
    }
  }

  void Raise(Flag flag, LocalDate d) {
    tl_.flags.push_back(std::move(flag));
    flags_raised_on_.push_back(d);
  }

  // A revision taking effect on `d`: the therapist's doses win; a prescription whose steps the
  // revision left unchanged keeps the dose the patient has earned.
  bool ApplyRevision(LocalDate d) {
    const ProgramRevision& next = RevisionInEffect(program_, d);
    if (next.revision == st_.revision) return false;
    const ProgramRevision& before = Rev();
    const Phase* old_phase = PhaseNumbered(before.phases, st_.phase_number);
    st_.revision = next.revision;
    if (PhaseNumbered(next.phases, st_.phase_number) == nullptr) {
      st_.phase_number = next.phases.back().number;
    }
    const Phase* phase = CurrentPhase();
    std::string why = "Changed by your therapist (revision " + std::to_string(next.revision) + ")";
    if (!next.reason.empty()) why += ": " + next.reason;
    std::vector<CurrentPrescription> rebuilt;
    for (const Prescription& rx : phase->prescriptions) {
      const Prescription* old_rx =
          old_phase != nullptr ? FindRx(*old_phase, rx.exercise_id) : nullptr;
      auto kept = std::find_if(
          st_.prescriptions.begin(), st_.prescriptions.end(),
          [&](const CurrentPrescription& cp) { return cp.prescribed_id == rx.exercise_id; });
      if (old_rx != nullptr && old_rx->dose_steps == rx.dose_steps &&
          kept != st_.prescriptions.end()) {
        rebuilt.push_back(*kept);
        continue;
      }
      CurrentPrescription cp;
      cp.prescribed_id = cp.exercise_id = rx.exercise_id;
      cp.dose = rx.dose_steps.front();
      cp.why = why;
      cp.changed_on = d;
      rebuilt.push_back(std::move(cp));
    }
    st_.prescriptions = std::move(rebuilt);
    return true;
  }

  bool ApplyAction(const TherapistAction& a, LocalDate d) {
    switch (a.kind) {
      case TherapistAction::Kind::kApprove:
      case TherapistAction::Kind::kReject:
        return Resolve(a, d);
      case TherapistAction::Kind::kClearRedFlag:
        tl_.facts.uncleared_red_flags.clear();  // covers every red flag received before it
        if (!st_.suspended) return false;
        st_.suspended = false;
        st_.suspended_reason.clear();
        return true;
      case TherapistAction::Kind::kBoost:
        return Boost(a, d);
    }
    return false;
  }

  bool Resolve(const TherapistAction& a, LocalDate d) {
    for (Decision& dec : tl_.decisions) {
      if (dec.id != a.decision_id || dec.status != DecisionStatus::kPending) continue;
      if (a.kind == TherapistAction::Kind::kReject) {
        dec.status = DecisionStatus::kRejected;
        return false;
      }
      dec.status = DecisionStatus::kApproved;
      dec.effective_date = d;
      if (st_.suspended) return false;  // approved, but nothing moves while a red flag is open
      if (dec.kind == DecisionKind::kPhaseAdvance) {  // a sign-off: only from the phase it left
        const Phase* next = PhaseNumbered(Rev().phases, dec.new_phase);
        if (st_.phase_number != dec.old_phase || next == nullptr) return false;
        EnterPhase(*next, d, dec.explanation);
        return true;
      }
      for (CurrentPrescription& cp : st_.prescriptions) {
        if (cp.prescribed_id != dec.exercise_id) continue;
        // Only from where the decision found it: a phase change or another decision since
        // makes it stale.
        if (cp.exercise_id != dec.old_exercise_id || cp.dose != dec.old_dose) return false;
        Move(cp, dec, d);
        return true;
      }
      return false;  // the prescription left the phase since: nothing to apply
    }
    return false;
  }

  bool Boost(const TherapistAction& a, LocalDate d) {
    const Phase* target = PhaseNumbered(Rev().phases, Rules().boost_phase);
    if (target == nullptr || st_.phase_number <= target->number) return false;  // nothing to boost
    Decision dec;
    dec.id = "boost-" + FormatIsoDate(d) + "-" + std::to_string(++c_.boosts);
    dec.week = ProgramWeek(program_.start_date, d);
    dec.effective_date = d;
    dec.kind = DecisionKind::kPhaseAdvance;
    dec.rule = "therapist.boost";
    dec.old_phase = st_.phase_number;
    dec.new_phase = target->number;
    dec.status = DecisionStatus::kApplied;
    dec.inputs = {{"note", a.note}};
    dec.explanation = "Back to phase " + std::to_string(target->number) + " (" +
                      target->display_name + ") at your therapist's request" +
                      (a.note.empty() ? "" : ": " + a.note);
    EnterPhase(*target, d, dec.explanation);
    tl_.decisions.push_back(std::move(dec));
    return true;
  }

  // Moves the patient into `phase` from `d`: its first doses, and the gate's counters afresh.
  void EnterPhase(const Phase& phase, LocalDate d, const std::string& why) {
    st_.phase_number = phase.number;
    st_.phase_started = d;
    st_.prescriptions = StartPhase(phase, d, why);
    c_.stalled_weeks = 0;
    c_.stalled_flagged = false;
    c_.regressed_in_phase = false;
    c_.paused_weeks_in_phase = 0;
  }

  // The latest phase decision waiting for a therapist's sign-off, if any.
  const Decision* PendingSignOff() const {
    for (auto it = tl_.decisions.rbegin(); it != tl_.decisions.rend(); ++it) {
      if (it->kind == DecisionKind::kPhaseAdvance && it->status == DecisionStatus::kPending) {
        return &*it;
      }
    }
    return nullptr;
  }

  // A session's red flags, on the day the server received it: suspends at once.
  bool OnRedFlags(const SessionFacts& f, LocalDate d) {
    const Session& s = *f.session;
    if (s.red_flags.empty()) return false;
    std::string list;
    for (const std::string& r : s.red_flags) list += (list.empty() ? "" : ", ") + r;
    Raise({FlagKind::kRedFlag, d, "Red flag reported: " + list, s.id, ""}, d);
    tl_.facts.uncleared_red_flags.push_back(s.id);
    if (st_.suspended) return false;
    st_.suspended = true;
    st_.suspended_reason = "Red flag reported on " + FormatIsoDate(s.local_date) + ": " + list;
    return true;
  }

  // A session taken in on day `d` (its own day, or the day it arrived when later): activity,
  // the report's facts, pain flags (dated the day it was performed), and — when it arrived too
  // late for its own week — its pain, for the decision of the week it arrived in.
  void TakeSession(const SessionFacts& f, LocalDate d) {
    const Session& s = *f.session;
    c_.last_activity = std::max(c_.last_activity, s.local_date);
    if (c_.inactivity_flagged && s.local_date >= c_.inactivity_since) c_.inactivity_flagged = false;
    HistoryFacts& facts = tl_.facts;
    if (!facts.last_session || *facts.last_session < s.local_date)
      facts.last_session = s.local_date;
    if (facts.baseline_week == 0 || f.week < facts.baseline_week) {
      facts.baseline_week = f.week;
      facts.baseline_pain_sum = 0;
      facts.baseline_count = 0;
    }
    if (f.week == facts.baseline_week) {
      facts.baseline_pain_sum += s.pain_after;
      ++facts.baseline_count;
    }
    if (d <= ReevaluationDay() && s.local_date <= ReevaluationDay()) {
      auto& [sum, n] = c_.pain_by_week[f.week];
      sum += s.pain_after;
      ++n;
    }
    if (!OnTime(f.week, s.receive_time))
      c_.late_max_pain = std::max(c_.late_max_pain, f.worst_pain);

    const ProgressionRules& rules = Rules();
    if (f.worst_pain > rules.pain_acceptable_max) {
      Raise({FlagKind::kPainFlare, s.local_date,
             "Pain " + std::to_string(f.worst_pain) + "/10 reported (above " +
                 std::to_string(rules.pain_acceptable_max) + ")",
             s.id, ""},
            d);
    }
    const Phase* phase = CurrentPhase();
    if (phase != nullptr && phase->weeks == 0 && phase->number != rules.boost_phase &&
        s.pain_after >= rules.maintenance_pain_return) {
      Raise({FlagKind::kMaintenancePainReturn, s.local_date,
             "Pain " + std::to_string(s.pain_after) +
                 "/10 in maintenance: consider a boost back to phase " +
                 std::to_string(rules.boost_phase),
             s.id, ""},
            d);
    }
  }

  // Worse mornings the server learned of on day `d` too late for the week of the session they
  // follow (a next-morning report, or a later session starting from higher pain): they hold the
  // week they arrived in.
  void TakeLateEvidence(LocalDate d) {
    if (auto it = followups_received_on_.find(d); it != followups_received_on_.end()) {
      for (const FollowUpFacts& r : it->second) {
        auto s = index_.find(r.followup->session_id);
        if (s == index_.end()) continue;
        const SessionFacts& f = sessions_[s->second];
        if (r.followup->pain > f.session->pain_before && !OnTime(f.week, r.followup->received)) {
          c_.late_worse = true;
        }
      }
    }
    auto it = received_on_.find(d);
    if (it == received_on_.end()) return;
    auto check = [&](size_t i, size_t j) {  // i performed before j
      const SessionFacts& fi = sessions_[i];
      const Session& a = *fi.session;
      const Session& b = *sessions_[j].session;
      const Instant known = std::max(a.receive_time, b.receive_time);
      if (b.pain_before > a.pain_before && LocalDateOf(known, zone_) == d &&
          !OnTime(fi.week, known)) {
        c_.late_worse = true;
      }
    };
    for (size_t k : it->second) {
      ForEachLaterWithin2Days(k, [&](size_t j) { check(k, j); });
      for (size_t i = k; i-- > 0;) {
        const Session& earlier = *sessions_[i].session;
        if (earlier.perform_time + std::chrono::hours(24 * 4) <
            sessions_[k].session->perform_time) {
          break;
        }
        if (sessions_[k].session->local_date <= earlier.local_date + date::days{2}) check(i, k);
      }
    }
  }

  // Moves `cp` to the decision's new position (progress pushes the trail, regress pops it).
  void Move(CurrentPrescription& cp, const Decision& dec, LocalDate from) {
    if (dec.kind == DecisionKind::kProgress) {
      cp.trail.emplace_back(cp.exercise_id, cp.dose, cp.step);
      cp.step = dec.new_step > 0 ? dec.new_step : cp.step + 1;
    } else if (!cp.trail.empty()) {
      cp.step = std::get<2>(cp.trail.back());
      cp.trail.pop_back();
    }
    cp.exercise_id = dec.new_exercise_id;
    cp.dose = dec.new_dose;
    cp.why = dec.explanation;
    cp.changed_on = from;
  }

  // Evaluates program week `week`, whose last day is `last`. Returns true when the state
  // changed (effective the next day).
  bool EndWeek(int week, LocalDate last) {
    if (st_.suspended) return false;
    const Phase* phase = CurrentPhase();
    if (phase == nullptr) return false;
    const ProgressionRules& rules = Rules();
    const LocalDate first = last - date::days{6};
    const LocalDate effective = last + date::days{1};

    // The week's sessions that reached it in time, and whether each was followed by a worse
    // morning (known in time).
    std::vector<const SessionFacts*> counted;
    std::vector<bool> worse;
    for (size_t i = 0; i < sessions_.size(); ++i) {
      const SessionFacts& f = sessions_[i];
      const LocalDate day = f.session->local_date;
      if (day >= first && day <= last && OnTime(week, f.session->receive_time)) {
        counted.push_back(&f);
        worse.push_back(WorseOnTime(i));
      }
    }
    // The week's training days, less those a pause covers.
    int prescribed = 0;
    for (int i = 0; i < 7; ++i) {
      prescribed +=
          IsTrainingDay(phase->sessions_per_week, i) && !PausedOn(program_, first + date::days{i});
    }
    if (prescribed == 0 && phase->sessions_per_week > 0) return PausedWeek(week, effective);
    const int done = static_cast<int>(counted.size());
    const int needed = static_cast<int>(std::ceil(rules.adherence_gate * prescribed - 1e-9));
    const bool adherence_ok = done >= needed;
    const std::string adherence_text =
        std::to_string(done) + " of " + std::to_string(prescribed) + " sessions done";

    bool changed = false;
    // Per progressing prescription: this week's sessions that reached its target dose (the last
    // written step, or the dose now prescribed when it is beyond that). The phase gate needs
    // rules.sessions_at_target of them.
    std::map<std::string, int> target_sessions;
    int week_max_pain = -1;
    bool week_worse = false;
    // A red flag reported this week, or a suspension at any time in it (even if cleared since),
    // holds every exercise and the phase.
    bool week_red_flag = c_.suspended_in_week;
    c_.suspended_in_week = false;
    for (size_t k = 0; k < counted.size(); ++k) {
      const SessionFacts* f = counted[k];
      if (!f->session->red_flags.empty()) week_red_flag = true;
      // Pain before a session counts too: no progression in a week with pain above the band.
      week_max_pain = std::max(week_max_pain, f->worst_pain);
      week_worse |= worse[k];
    }
    // What arrived this week about settled weeks.
    const bool late_pain = c_.late_max_pain > rules.pain_acceptable_max;
    const bool late_worse = c_.late_worse;
    std::string late_text;
    if (late_pain) {
      late_text = "a late report from an earlier week showed pain " +
                  std::to_string(c_.late_max_pain) + "/10";
    } else if (late_worse) {
      late_text = "a late report showed pain worse the morning after an earlier session";
    }

    for (CurrentPrescription& cp : st_.prescriptions) {
      const Prescription* rx = FindRx(*phase, cp.prescribed_id);
      if (rx == nullptr || rx->mode == ProgressionMode::kFixed) continue;
      int max_pain = -1, max_effort = -1, at_target = 0, logged = 0;
      // A patient who already does more than prescribed may reach the target before it is
      // prescribed; on another rung than the protocol's, only a dose beyond the target counts.
      const bool past_target = AtTargetStep(cp, *rx);
      const bool on_target_rung = cp.exercise_id == rx->exercise_id;
      int reached_target = 0;
      bool worse_here = false, worse_unattributed = false;
      for (size_t k = 0; k < counted.size(); ++k) {
        const SessionFacts* f = counted[k];
        const ExerciseLog* log = LogFor(*f->session, cp);
        if (log == nullptr) continue;
        ++logged;
        const int pain = AttributedPain(*f, *log);
        max_pain = std::max(max_pain, pain);
        max_effort = std::max(max_effort, f->session->effort);
        if (AtFullDose(*log, cp.dose)) ++at_target;
        if (past_target ? AtFullDose(*log, cp.dose)
                        : on_target_rung && AtFullDose(*log, rx->dose_steps.back())) {
          ++reached_target;
        }
        if (worse[k]) {
          bool blamed_elsewhere = false;
          for (const ExerciseLog& other : f->session->exercises) {
            if (&other != log && AttributedPain(*f, other) > rules.pain_safe_max) {
              blamed_elsewhere = true;
            }
          }
          if (pain > rules.pain_safe_max)
            worse_here = true;
          else if (!blamed_elsewhere)
            worse_unattributed = true;
        }
      }

      target_sessions[cp.prescribed_id] = reached_target;

      Decision dec = WeekDecision(week, effective, cp, *rx);
      dec.inputs = {
          {"sessions_prescribed", std::to_string(prescribed)},
          {"sessions_done", std::to_string(done)},
          {"sessions_with_exercise", std::to_string(logged)},
          {"sessions_at_full_dose", std::to_string(at_target)},
          {"max_pain", std::to_string(max_pain)},
          {"max_effort", std::to_string(max_effort)},
          {"next_morning_worse", worse_here ? "yes" : (worse_unattributed ? "unclear" : "no")}};
      if (!late_text.empty()) dec.inputs.emplace_back("late_report", late_text);
      const std::string name = NameOf(catalogue_, cp.exercise_id);
      const std::string old_text = DescribeDose(cp.dose);

      auto hold = [&](const std::string& rule, const std::string& why) {
        dec.kind = DecisionKind::kHold;
        dec.rule = rule;
        dec.explanation = name + ": dose held at " + old_text + ": " + why + ".";
      };
      auto regress = [&](const std::string& rule, const std::string& why) {
        c_.regressed_in_phase = true;  // stepped back, or held at the first step, for pain
        if (cp.trail.empty()) {
          hold(rule + ".at_first_step", why + "; already at the first step");
          return;
        }
        const auto& [rung, dose, step] = cp.trail.back();
        (void)step;
        dec.kind = DecisionKind::kRegress;
        dec.rule = rule;
        dec.new_exercise_id = rung;
        dec.new_dose = dose;
        dec.explanation = NameOf(catalogue_, cp.exercise_id) + ": " + old_text + " -> " +
                          (rung != cp.exercise_id ? NameOf(catalogue_, rung) + ", " : "") +
                          DescribeDose(dose) + ": " + why + ".";
      };

      if (week_red_flag) {
        hold("redflag.this_week", "a red flag was reported this week");
      } else if (max_pain > rules.pain_acceptable_max) {
        regress("pain.above_acceptable", "pain reached " + std::to_string(max_pain) +
                                             "/10, above " +
                                             std::to_string(rules.pain_acceptable_max));
      } else if (worse_here) {
        regress("pain.next_morning_worse", "pain was worse the next morning");
      } else if (worse_unattributed || week_worse) {
        hold("pain.next_morning_worse", "pain was worse the morning after a session this week");
      } else if (week_max_pain > rules.pain_acceptable_max) {
        hold("pain.above_acceptable_elsewhere",
             "pain reached " + std::to_string(week_max_pain) + "/10 in another exercise this week");
      } else if (!late_text.empty()) {
        hold("pain.reported_late", late_text);
      } else if (!adherence_ok) {
        hold("adherence.below_gate",
             adherence_text + " (progress needs " + std::to_string(needed) + ")");
      } else if (max_effort > rules.effort_progress_max) {
        hold("effort.too_high", "effort reached " + std::to_string(max_effort) +
                                    "/10 (progress needs " +
                                    std::to_string(rules.effort_progress_max) + " or less)");
      } else if (at_target < rules.sessions_at_target) {
        hold("dose.target_not_reached", "the full dose was done in " + std::to_string(at_target) +
                                            " session(s); progress needs " +
                                            std::to_string(rules.sessions_at_target));
      } else if (KindOf(*phase) == PhaseKind::kMaintenance && phase->number != rules.boost_phase) {
        // CLINICAL.md §1, §5: home maintenance keeps an unchanged intensity; only pain (above)
        // or a return to the boost phase changes the dose.
        hold("maintenance.unchanged_intensity",
             "home maintenance keeps the intensity unchanged (your therapist can change it)");
      } else if (auto next = NextPosition(*rx, {cp.exercise_id, cp.dose, cp.step}, rules,
                                          catalogue_, ClimbsLadders(*phase))) {
        dec.kind = DecisionKind::kProgress;
        dec.rule = "progress";
        dec.new_step = next->step;
        dec.new_exercise_id = next->exercise_id;
        dec.new_dose = next->dose;
        dec.explanation =
            name + ": " + old_text + " -> " +
            (next->exercise_id != cp.exercise_id ? NameOf(catalogue_, next->exercise_id) + ", "
                                                 : "") +
            DescribeDose(next->dose) + ": " + adherence_text + ", pain " +
            std::to_string(std::max(max_pain, 0)) + "/10 at most, effort " +
            std::to_string(std::max(max_effort, 0)) + "/10.";
      } else {
        hold("dose.at_top", "the highest dose this exercise and phase allow");
      }

      if (dec.kind == DecisionKind::kHold) {
        dec.status = DecisionStatus::kNoChange;
      } else if (rx->mode == ProgressionMode::kSuggest) {
        dec.status = DecisionStatus::kPending;
      } else {
        dec.status = DecisionStatus::kApplied;
        Move(cp, dec, effective);
        changed = true;
      }
      tl_.decisions.push_back(std::move(dec));
    }

    changed |= PhaseGate(week, *phase, effective, adherence_ok && !week_red_flag,
                         week_red_flag ? "a red flag was reported this week" : adherence_text,
                         week_max_pain, week_worse, late_text, target_sessions);
    Reevaluate(week, last);
    return changed;
  }

  // Week `week`'s decision for prescription `cp`, before it is decided: nothing changes yet.
  Decision WeekDecision(int week, LocalDate effective, const CurrentPrescription& cp,
                        const Prescription& rx) const {
    Decision dec;
    dec.id = "w" + std::to_string(week) + "-" + cp.prescribed_id;
    dec.week = week;
    dec.effective_date = effective;
    dec.exercise_id = cp.prescribed_id;
    dec.old_exercise_id = dec.new_exercise_id = cp.exercise_id;
    dec.old_dose = dec.new_dose = cp.dose;
    dec.old_phase = dec.new_phase = st_.phase_number;
    dec.mode = rx.mode;
    return dec;
  }

  // A week whose every training day was paused: each progressing prescription holds (rule
  // "program.paused"), the phase gate is not checked and the phase's planned length moves on by
  // the week. Nothing changes, so nothing is committed.
  bool PausedWeek(int week, LocalDate effective) {
    ++c_.paused_weeks_in_phase;
    c_.suspended_in_week = false;
    const Phase* phase = CurrentPhase();
    for (const CurrentPrescription& cp : st_.prescriptions) {
      const Prescription* rx = FindRx(*phase, cp.prescribed_id);
      if (rx == nullptr || rx->mode == ProgressionMode::kFixed) continue;
      Decision dec = WeekDecision(week, effective, cp, *rx);
      dec.kind = DecisionKind::kHold;
      dec.rule = "program.paused";
      dec.status = DecisionStatus::kNoChange;
      dec.inputs = {{"sessions_prescribed", "0"}};
      dec.explanation = NameOf(catalogue_, cp.exercise_id) + ": dose held at " +
                        DescribeDose(cp.dose) + ": the program was paused all week.";
      tl_.decisions.push_back(std::move(dec));
    }
    return false;
  }

  // The gate out of a bounded phase, checked at the end of each week from its planned length on:
  // every row of CLINICAL.md §1 — adherence, pain in the band and settled by the next morning,
  // and each progressing prescription's target dose (its last written step: phase 1's target
  // holds, phase 2's top of range) done in full in rules.sessions_at_target sessions of this
  // week. Prescribing the target is not doing it. Failing past phase_max_extension_weeks raises
  // one kPhaseGateStalled flag.
  bool PhaseGate(int week, const Phase& phase, LocalDate effective, bool adherence_ok,
                 const std::string& adherence_text, int week_max_pain, bool week_worse,
                 const std::string& late_text, const std::map<std::string, int>& target_sessions) {
    const Phase* next = PhaseNumbered(Rev().phases, phase.number + 1);
    if (phase.weeks == 0 || next == nullptr) return false;
    // Whole weeks paused do not count: the phase keeps its planned length of training.
    const int weeks_in =
        static_cast<int>((effective - st_.phase_started).count() / 7) - c_.paused_weeks_in_phase;
    if (weeks_in < phase.weeks) return false;
    // A sign-off asked for: the therapist decides now; the gate waits (and nothing stalls).
    if (const Decision* asked = PendingSignOff();
        asked != nullptr && asked->old_phase == phase.number) {
      return false;
    }
    const ProgressionRules& rules = Rules();
    std::vector<std::string> failed;
    if (!adherence_ok) failed.push_back(adherence_text);
    if (week_max_pain > rules.pain_acceptable_max) {
      failed.push_back("pain reached " + std::to_string(week_max_pain) + "/10");
    }
    if (week_worse) failed.push_back("pain was worse the next morning");
    if (!late_text.empty()) failed.push_back(late_text);
    if (KindOf(phase) == PhaseKind::kConsolidation && c_.regressed_in_phase) {
      failed.push_back("symptoms were not stable: a dose was stepped back in this phase");
    }
    std::string outcome_text;
    if (!phase.outcome_gate.empty()) {
      const OutcomeStanding s =
          StandingOf(OutcomesKnownBy(effective), phase.outcome_gate);  // effective: grace day
      if (s.latest == nullptr || (!s.HasFollowUp() && !s.latest->judgement.Global())) {
        outcome_text = "no follow-up score of " +
                       (s.latest != nullptr ? s.latest->judgement.display_name
                                            : "\"" + phase.outcome_gate + "\"") +
                       " yet";
      } else {
        outcome_text = s.Describe();
      }
      if (s.change != OutcomeChange::kImproved) {
        failed.push_back(outcome_text + ": the phase needs an improvement of at least the MCID");
      }
    }
    for (const CurrentPrescription& cp : st_.prescriptions) {
      const Prescription* rx = FindRx(phase, cp.prescribed_id);
      if (rx == nullptr || rx->mode == ProgressionMode::kFixed) continue;
      const auto it = target_sessions.find(cp.prescribed_id);
      const int reached = it == target_sessions.end() ? 0 : it->second;
      if (reached < rules.sessions_at_target) {
        failed.push_back(NameOf(catalogue_, cp.exercise_id) + " was done at its target dose (" +
                         DescribeDose(rx->dose_steps.back()) + ") in " + std::to_string(reached) +
                         " session(s) this week; the phase needs " +
                         std::to_string(rules.sessions_at_target));
      }
    }
    Decision dec;
    dec.id = "w" + std::to_string(week) + "-phase";
    dec.week = week;
    dec.effective_date = effective;
    dec.old_phase = phase.number;
    dec.inputs = {{"weeks_in_phase", std::to_string(weeks_in)},
                  {"planned_weeks", std::to_string(phase.weeks)},
                  {"adherence", adherence_text},
                  {"max_pain", std::to_string(week_max_pain)}};
    if (!outcome_text.empty()) dec.inputs.emplace_back("outcome", outcome_text);
    if (failed.empty()) {
      dec.kind = DecisionKind::kPhaseAdvance;
      dec.new_phase = next->number;
      const std::string met = std::to_string(next->number) + " (" + next->display_name +
                              "): " + phase.display_name + " completed, " + adherence_text +
                              ", pain settled, each target dose done in full" +
                              (outcome_text.empty() ? "" : ", " + outcome_text);
      if (phase.sign_off_required) {
        // Ready, but the therapist decides: one pending decision until approved or rejected (a
        // rejection asks again at the next week's end).
        dec.rule = "phase.sign_off_required";
        dec.status = DecisionStatus::kPending;
        dec.explanation = "Ready for phase " + met + "; waiting for your therapist's sign-off.";
        tl_.decisions.push_back(std::move(dec));
        return false;
      }
      dec.rule = "phase.gate_met";
      dec.status = DecisionStatus::kApplied;
      dec.explanation = "Moving to phase " + met + ".";
      EnterPhase(*next, effective, dec.explanation);
      tl_.decisions.push_back(std::move(dec));
      return true;
    }
    dec.kind = DecisionKind::kPhaseHold;
    dec.rule = "phase.gate_not_met";
    dec.new_phase = phase.number;
    dec.status = DecisionStatus::kNoChange;
    std::string why;
    for (const std::string& f : failed) why += (why.empty() ? "" : "; ") + f;
    dec.explanation = "Staying in phase " + std::to_string(phase.number) + " (" +
                      phase.display_name + ") for now: " + why + ".";
    tl_.decisions.push_back(std::move(dec));
    if (++c_.stalled_weeks > rules.phase_max_extension_weeks && !c_.stalled_flagged) {
      Raise({FlagKind::kPhaseGateStalled, effective,
             "Phase " + std::to_string(phase.number) + " has run " +
                 std::to_string(c_.stalled_weeks) +
                 " week(s) past its plan without meeting its gate: review",
             "", ""},
            effective - date::days{1});
      c_.stalled_flagged = true;
    }
    return false;
  }

  // At the end of program week reevaluation_after_weeks: flag when the mean pain after sessions
  // (those that reached the week in time) is still above the safe band and has not come down by
  // the required points or fraction from the first week with data (CLINICAL.md §5), or when an
  // outcome measure answered by then (received by the grace day) has a follow-up whose change
  // since its baseline is below its MCID or for the worse (§8).
  void Reevaluate(int week, LocalDate last) {
    const ProgressionRules& rules = Rules();
    if (week != rules.reevaluation_after_weeks) return;
    std::vector<std::string> reasons;
    if (auto pain = PainWithoutImprovement(last)) reasons.push_back(*pain);
    std::vector<const OutcomeResult*> known;
    for (const OutcomeResult* r : OutcomesKnownBy(last + date::days{1})) {
      if (r->date <= last) known.push_back(r);
    }
    std::set<std::string> instruments;
    for (const OutcomeResult* r : known) instruments.insert(r->instrument_id);
    for (const std::string& id : instruments) {
      const OutcomeStanding s = StandingOf(known, id);
      const bool judged = s.HasFollowUp() || (s.latest != nullptr && s.latest->judgement.Global());
      if (judged && s.change != OutcomeChange::kImproved) reasons.push_back(s.Describe());
    }
    if (reasons.empty()) return;
    std::string detail = "No clear improvement after " + std::to_string(week) + " weeks (";
    for (size_t i = 0; i < reasons.size(); ++i) detail += (i > 0 ? "; " : "") + reasons[i];
    Raise({FlagKind::kReevaluationDue, last, detail + "): re-evaluate", "", ""}, last);
  }

  // The pain part of the re-evaluation: "pain 6 -> 5.5/10" when it has not come down enough and
  // is above the safe band; nullopt otherwise or without two weeks of sessions.
  std::optional<std::string> PainWithoutImprovement(LocalDate last) const {
    const ProgressionRules& rules = Rules();
    std::map<int, std::pair<double, int>> by_week = c_.pain_by_week;
    if (auto it = taken_on_.find(last + date::days{1}); it != taken_on_.end()) {
      for (size_t k : it->second) {  // received on the grace day
        const SessionFacts& f = sessions_[k];
        if (f.session->local_date > last) continue;
        auto& [sum, n] = by_week[f.week];
        sum += f.session->pain_after;
        ++n;
      }
    }
    if (by_week.size() < 2) return std::nullopt;
    const double baseline = by_week.begin()->second.first / by_week.begin()->second.second;
    const double current = by_week.rbegin()->second.first / by_week.rbegin()->second.second;
    const double drop = baseline - current;
    const bool improved = drop >= rules.reevaluation_min_drop_points ||
                          (baseline > 0 && drop / baseline >= rules.reevaluation_min_drop_fraction);
    // A patient whose pain is within the safe band needs no re-evaluation for lack of change.
    if (improved || current <= rules.pain_safe_max) return std::nullopt;
    return "pain " + Num(baseline) + " -> " + Num(current) + "/10";
  }

  // The state at the end of day `day`, keeping what later days and readers may still need.
  Checkpoint Capture(LocalDate day, int keep_days) const {
    Checkpoint cp;
    cp.day = day;
    cp.keep_days = keep_days;
    cp.state = st_;
    cp.counters = c_;
    const LocalDate horizon = day - date::days{keep_days};
    size_t first = 0;
    for (size_t i = 0; i < tl_.states.size(); ++i) {
      if (tl_.states[i].first <= horizon) first = i;
    }
    cp.kept.states.assign(tl_.states.begin() + static_cast<std::ptrdiff_t>(first),
                          tl_.states.end());
    std::map<std::string, size_t> latest;  // prescription ("" = the phase) -> its last decision
    for (size_t i = 0; i < tl_.decisions.size(); ++i) latest[tl_.decisions[i].exercise_id] = i;
    for (size_t i = 0; i < tl_.decisions.size(); ++i) {
      const Decision& d = tl_.decisions[i];
      if (d.status == DecisionStatus::kPending || latest[d.exercise_id] == i) {
        cp.kept.decisions.push_back(d);
      }
    }
    std::optional<size_t> last_inactivity;
    for (size_t i = 0; i < tl_.flags.size(); ++i) {
      if (tl_.flags[i].kind == FlagKind::kInactivity) last_inactivity = i;
    }
    const auto& uncleared = tl_.facts.uncleared_red_flags;
    for (size_t i = 0; i < tl_.flags.size(); ++i) {
      const Flag& f = tl_.flags[i];
      const bool open_red_flag =
          f.kind == FlagKind::kRedFlag &&
          std::find(uncleared.begin(), uncleared.end(), f.session_id) != uncleared.end();
      // Outcome flags are few and the report shows the latest for good.
      const bool outcome =
          f.kind == FlagKind::kOutcomeImproved || f.kind == FlagKind::kOutcomeWorsened;
      if (flags_raised_on_[i] > horizon || open_red_flag || last_inactivity == i || outcome) {
        cp.kept.flags.push_back(f);
        cp.flags_raised_on.push_back(flags_raised_on_[i]);
      }
    }
    cp.kept.facts = tl_.facts;
    return cp;
  }

  // The open day on `day` (open_day.h): the replay's state now, with `recent` and the latest
  // session (`latest_perform`, `latest_id`: "" for none) of an open day it continues, and the
  // sessions this replay was given. REQUIRES: quiet_today_, or TakeIn's conditions held.
  std::shared_ptr<const OpenDay> CaptureOpenDay(LocalDate day, std::vector<OpenDay::Recent> recent,
                                                Instant latest_perform,
                                                std::string latest_id) const {
    auto open = std::make_shared<OpenDay>();
    open->day = day;
    open->state = st_;
    for (CurrentPrescription& rx : open->state.prescriptions) {
      rx.trail.clear();  // only a week's decision steps back along it, never TakeIn
      rx.trail.shrink_to_fit();
    }
    open->counters = c_;
    open->closed_at = closed_at_;
    open->recent = std::move(recent);
    open->latest_perform = latest_perform;
    open->latest_id = std::move(latest_id);
    for (const SessionFacts& f : sessions_) open->recent.push_back(RecentOf(f));
    if (!sessions_.empty()) {
      open->latest_perform = sessions_.back().session->perform_time;
      open->latest_id = sessions_.back().session->id;
    }
    KeepRecent(*open);
    return open;
  }

  static OpenDay::Recent RecentOf(const SessionFacts& f) {
    const Session& s = *f.session;
    return {s.perform_time, s.receive_time, s.local_date, s.pain_before, f.week};
  }

  // Session `b`, taken in on `day` after the earlier session `a`: when it shows that `a` was
  // followed by a worse morning (it starts from higher pain within two days), known too late for
  // a's week it is what TakeLateEvidence finds (late_worse); known in time for a week already
  // decided (`day` is that week's grace day) it would change the decision, and the answer is
  // false (a replay is needed).
  bool PairWithEarlier(const OpenDay::Recent& a, const SessionFacts& b, LocalDate day) {
    const Session& s = *b.session;
    if (a.perform_time + std::chrono::hours(24 * 4) < s.perform_time) return true;
    if (s.local_date > a.local_date + date::days{2} || s.pain_before <= a.pain_before) return true;
    const Instant known = std::max(a.receive_time, s.receive_time);
    if (!OnTime(a.week, known)) {
      if (LocalDateOf(known, zone_) == day) c_.late_worse = true;
      return true;
    }
    return a.week >= b.week;
  }

  // Drops the recent sessions no later one can pair with (performed more than four days before
  // the latest).
  static void KeepRecent(OpenDay& open) {
    const Instant horizon = open.latest_perform - std::chrono::hours(24 * 4);
    std::erase_if(open.recent, [&](const OpenDay::Recent& r) { return r.perform_time < horizon; });
    open.recent.shrink_to_fit();
  }

  void Restore(const Checkpoint& cp) {
    st_ = cp.state;
    c_ = cp.counters;
    tl_ = cp.kept;
    flags_raised_on_ = cp.flags_raised_on;
    flags_raised_on_.resize(tl_.flags.size(), cp.day);
  }

  const Program& program_;
  const ProgramHistory& history_;
  const CatalogueView& catalogue_;
  const Zone zone_;
  std::vector<SessionFacts> sessions_;   // in the order performed
  std::map<std::string, size_t> index_;  // session id -> position in sessions_
  std::map<LocalDate, std::vector<size_t>> taken_on_, received_on_;
  std::map<std::string, std::vector<FollowUpFacts>> followups_;  // by session id
  std::map<LocalDate, std::vector<FollowUpFacts>> followups_received_on_;
  std::vector<OutcomeFacts> outcomes_;  // in receipt order
  std::map<int, Instant> closed_at_;  // program week -> when a therapist closed it on its grace day
  ProgressState st_;
  ReplayCounters c_;
  Timeline tl_;
  std::vector<LocalDate> flags_raised_on_;  // parallel to tl_.flags
  bool quiet_today_ = false;                // today allows an open day (open_day.h)
};

}  // namespace

const ProgressState& Timeline::StateOn(LocalDate day) const {
  const ProgressState* found = &states.front().second;
  for (const auto& [from, state] : states) {
    if (from > day) break;
    found = &state;
  }
  return *found;
}

Timeline Evaluate(const Program& program, const ProgramHistory& history,
                  const CatalogueView& catalogue, Zone zone, LocalDate today) {
  return Replay(program, history, catalogue, zone).Run(today, EvaluateOptions{}).timeline;
}

Evaluation Evaluate(const Program& program, const ProgramHistory& history,
                    const CatalogueView& catalogue, Zone zone, LocalDate today,
                    const EvaluateOptions& options) {
  return Replay(program, history, catalogue, zone).Run(today, options);
}

std::optional<Evaluation> TakeInToday(const Program& program, const Timeline& timeline,
                                      const OpenDay& open, const std::vector<Session>& added,
                                      const CatalogueView& catalogue, Zone zone) {
  ProgramHistory history;
  history.sessions = added;
  Evaluation out;
  if (!Replay(program, history, catalogue, zone).TakeIn(open, timeline, out)) return std::nullopt;
  return out;
}

LocalDate DecidedOn(const Decision& decision, LocalDate program_start) {
  if (decision.rule == "therapist.boost") return decision.effective_date;
  return WeekStart(program_start, decision.week) + date::days{6};
}

std::optional<Position> NextPosition(const Prescription& rx, const Position& now,
                                     const ProgressionRules& rules, const CatalogueView& catalogue,
                                     bool climb_ladders) {
  if (now.exercise_id == rx.exercise_id) {
    // The next written step that changes the dose: a protocol that repeats a step ("another
    // week at this dose") needs no extra week once the patient has earned the progression.
    for (size_t k = static_cast<size_t>(now.step); k < rx.dose_steps.size(); ++k) {
      if (rx.dose_steps[k] != now.dose)
        return Position{rx.exercise_id, rx.dose_steps[k], static_cast<int>(k) + 1};
    }
  }
  const Exercise* e = catalogue.exercise ? catalogue.exercise(now.exercise_id) : nullptr;
  if (e == nullptr) return std::nullopt;
  const int hold_cap = e->max_hold_seconds > 0 ? e->max_hold_seconds : rules.hold_max_seconds;
  const int reps_cap = e->max_reps > 0 ? e->max_reps : rules.reps_range_max;
  Dose d = now.dose;
  for (Lever lever : e->levers) {
    switch (lever) {
      case Lever::kHoldSeconds:
        if (d.hold_seconds > 0 && d.hold_seconds < hold_cap) {
          d.hold_seconds = std::min(d.hold_seconds + rules.hold_step_seconds, hold_cap);
          return Position{now.exercise_id, d, now.step + 1};
        }
        break;
      case Lever::kReps:
        if (d.pyramid_reps.empty() && d.reps > 0 && d.reps < reps_cap) {
          d.reps = std::min(d.reps + rules.reps_step, reps_cap);
          return Position{now.exercise_id, d, now.step + 1};
        }
        break;
      case Lever::kSets:
        if (d.pyramid_reps.empty() && d.sets < rules.sets_max) {
          d.sets += 1;
          return Position{now.exercise_id, d, now.step + 1};
        }
        break;
      case Lever::kLoad:
        if (d.load_kg > 0) {
          d.load_kg = std::max(
              RoundUp(d.load_kg * (1 + rules.load_increase_fraction), rules.load_rounding_kg),
              d.load_kg + rules.load_rounding_kg);
          if (d.reps > 0) d.reps = rules.reps_range_min;
          return Position{now.exercise_id, d, now.step + 1};
        }
        break;
      case Lever::kBand: {
        auto it = std::find(rules.band_order.begin(), rules.band_order.end(), d.band);
        if (it != rules.band_order.end() && it + 1 != rules.band_order.end()) {
          d.band = *(it + 1);
          if (d.reps > 0) d.reps = rules.reps_range_min;
          return Position{now.exercise_id, d, now.step + 1};
        }
        break;
      }
      case Lever::kPyramid:
        if (!d.pyramid_reps.empty() && d.pyramid_reps.front() + rules.pyramid_step <= reps_cap) {
          for (int& r : d.pyramid_reps) r += rules.pyramid_step;
          return Position{now.exercise_id, d, now.step + 1};
        }
        break;
      case Lever::kLadder:
        if (!climb_ladders) break;
        if (const Exercise* up =
                catalogue.rung ? catalogue.rung(e->ladder, e->ladder_rank + 1) : nullptr) {
          return Position{up->id, up->default_dose, now.step + 1};
        }
        break;
      default:  // range, effort, frequency, lever length: not expressible in a dose
        break;
    }
  }
  return std::nullopt;
}

}  // namespace ptrack
