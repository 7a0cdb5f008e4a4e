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
  bool per_exercise_pain = false;  // some log reports its own pain
  bool next_morning_worse = false;
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

class Replay {
 public:
  Replay(const Program& program, const ProgramHistory& history, const CatalogueView& catalogue,
         Zone zone)
      : program_(program), history_(history), catalogue_(catalogue) {
    for (const Session& s : history.sessions)
      sessions_.push_back({&s, LocalDateOf(s.receive_time, zone)});
    std::sort(sessions_.begin(), sessions_.end(), [](const SessionFacts& a, const SessionFacts& b) {
      return a.session->perform_time != b.session->perform_time
                 ? a.session->perform_time < b.session->perform_time
                 : a.session->id < b.session->id;
    });
    std::map<std::string, int> followup;
    for (const PainFollowUp& f : history.followups) {
      followup[f.session_id] =
          std::max(followup.count(f.session_id) ? followup[f.session_id] : -1, f.pain);
    }
    for (size_t i = 0; i < sessions_.size(); ++i) {
      SessionFacts& f = sessions_[i];
      const Session& s = *f.session;
      f.per_exercise_pain = std::any_of(s.exercises.begin(), s.exercises.end(),
                                        [](const ExerciseLog& l) { return l.pain >= 0; });
      // Worse the next morning: a follow-up report above the pre-session level, or the next
      // session (within two days) starting from a higher pain than this one did.
      auto it = followup.find(s.id);
      if (it != followup.end() && it->second > s.pain_before) f.next_morning_worse = true;
      if (i + 1 < sessions_.size()) {
        const Session& next = *sessions_[i + 1].session;
        if (next.local_date <= s.local_date + date::days{2} && next.pain_before > s.pain_before) {
          f.next_morning_worse = true;
        }
      }
    }
  }

  Timeline Run(LocalDate today) {
    const LocalDate start = program_.start_date;
    const ProgramRevision& first = RevisionInEffect(program_, start);
    st_.revision = first.revision;
    st_.phase_number = first.phases.front().number;
    st_.phase_started = start;
    st_.prescriptions = StartPhase(first.phases.front(), start, "");
    Commit(start);
    LocalDate last_activity = start;
    bool inactivity_flagged = false;

    for (LocalDate d = start; d <= today; d += date::days{1}) {
      // Within a day: the revision in effect, then the day's sessions and therapist actions in
      // the order the server received them (sessions first on a tie).
      bool changed = ApplyRevision(d);
      struct Event {
        Instant at;
        const SessionFacts* session;
        const TherapistAction* action;
      };
      std::vector<Event> events;
      for (const SessionFacts& f : sessions_) {
        if (f.session->local_date == d) {
          last_activity = d;
          inactivity_flagged = false;
          changed |= OnSessionDay(f, d);
        }
        // A red flag takes effect on the day the server received it, in receipt order, so that a
        // late-synced flag is never covered by a clearing recorded before it arrived.
        if (f.received_on == d) events.push_back({f.session->receive_time, &f, nullptr});
      }
      for (const TherapistAction& a : history_.actions) {
        if (a.date == d) events.push_back({a.at, nullptr, &a});
      }
      std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
        return a.at != b.at ? a.at < b.at : (a.session != nullptr && b.session == nullptr);
      });
      for (const Event& e : events) {
        changed |= e.session != nullptr ? OnRedFlags(*e.session, d) : ApplyAction(*e.action, d);
      }
      if (st_.suspended) suspended_in_week_ = true;
      if (changed) Commit(d);
      const int idle = static_cast<int>((d - last_activity).count());
      if (!st_.suspended && !inactivity_flagged && idle >= InactivityThreshold()) {
        tl_.flags.push_back(
            {FlagKind::kInactivity, d,
             "No session logged for " + std::to_string(idle) + " days: check in with the patient",
             ""});
        inactivity_flagged = true;
      }
      if (d < today && DayOfProgramWeek(start, d) == 6) {
        if (EndWeek(ProgramWeek(start, d), d)) Commit(d + date::days{1});
      }
    }
    return std::move(tl_);
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
    dec.id = "boost-" + FormatIsoDate(d) + "-" + std::to_string(++boosts_);
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
    st_.phase_number = target->number;
    st_.phase_started = d;
    st_.prescriptions = StartPhase(*target, d, dec.explanation);
    tl_.decisions.push_back(std::move(dec));
    return true;
  }

  // A session's red flags, on the day the server received it: suspends at once.
  bool OnRedFlags(const SessionFacts& f, LocalDate d) {
    const Session& s = *f.session;
    if (s.red_flags.empty()) return false;
    std::string list;
    for (const std::string& r : s.red_flags) list += (list.empty() ? "" : ", ") + r;
    tl_.flags.push_back({FlagKind::kRedFlag, d, "Red flag reported: " + list, s.id});
    if (st_.suspended) return false;
    st_.suspended = true;
    st_.suspended_reason = "Red flag reported on " + FormatIsoDate(s.local_date) + ": " + list;
    return true;
  }

  // The rest of a session's immediate effects, on its own local day: pain flags.
  bool OnSessionDay(const SessionFacts& f, LocalDate d) {
    const Session& s = *f.session;
    const ProgressionRules& rules = Rules();
    bool changed = false;
    int worst = std::max(s.pain_before, s.pain_after);
    for (const ExerciseLog& l : s.exercises) worst = std::max(worst, l.pain);
    if (worst > rules.pain_acceptable_max) {
      tl_.flags.push_back({FlagKind::kPainFlare, d,
                           "Pain " + std::to_string(worst) + "/10 reported (above " +
                               std::to_string(rules.pain_acceptable_max) + ")",
                           s.id});
    }
    const Phase* phase = CurrentPhase();
    if (phase != nullptr && phase->weeks == 0 && phase->number != Rules().boost_phase &&
        s.pain_after >= rules.maintenance_pain_return) {
      tl_.flags.push_back({FlagKind::kMaintenancePainReturn, d,
                           "Pain " + std::to_string(s.pain_after) +
                               "/10 in maintenance: consider a boost back to phase " +
                               std::to_string(rules.boost_phase),
                           s.id});
    }
    return changed;
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

    std::vector<const SessionFacts*> counted;  // the week's sessions, received in time
    for (const SessionFacts& f : sessions_) {
      const LocalDate day = f.session->local_date;
      if (day >= first && day <= last && f.received_on <= last + date::days{1}) {
        counted.push_back(&f);
      }
    }
    const int prescribed = phase->sessions_per_week;
    const int done = static_cast<int>(counted.size());
    const int needed = static_cast<int>(std::ceil(rules.adherence_gate * prescribed - 1e-9));
    const bool adherence_ok = done >= needed;
    const std::string adherence_text =
        std::to_string(done) + " of " + std::to_string(prescribed) + " sessions done";

    bool changed = false;
    int week_max_pain = -1;
    bool week_worse = false;
    // A red flag reported this week, or a suspension at any time in it (even if cleared since),
    // holds every exercise and the phase.
    bool week_red_flag = suspended_in_week_;
    suspended_in_week_ = false;
    for (const SessionFacts& f : sessions_) {
      const LocalDate day = f.session->local_date;
      if (day >= first && day <= last && !f.session->red_flags.empty()) week_red_flag = true;
    }
    for (const SessionFacts* f : counted) {
      // Pain before a session counts too: no progression in a week with pain above the band.
      week_max_pain = std::max({week_max_pain, f->session->pain_before, f->session->pain_after});
      for (const ExerciseLog& l : f->session->exercises)
        week_max_pain = std::max(week_max_pain, l.pain);
      week_worse |= f->next_morning_worse;
    }

    for (CurrentPrescription& cp : st_.prescriptions) {
      const Prescription* rx = FindRx(*phase, cp.prescribed_id);
      if (rx == nullptr || rx->mode == ProgressionMode::kFixed) continue;
      int max_pain = -1, max_effort = -1, at_target = 0, logged = 0;
      bool worse_here = false, worse_unattributed = false;
      for (const SessionFacts* f : counted) {
        const ExerciseLog* log = LogFor(*f->session, cp);
        if (log == nullptr) continue;
        ++logged;
        const int pain = AttributedPain(*f, *log);
        max_pain = std::max(max_pain, pain);
        max_effort = std::max(max_effort, f->session->effort);
        if (AtFullDose(*log, cp.dose)) ++at_target;
        if (f->next_morning_worse) {
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

      Decision dec;
      dec.id = "w" + std::to_string(week) + "-" + cp.prescribed_id;
      dec.week = week;
      dec.effective_date = effective;
      dec.exercise_id = cp.prescribed_id;
      dec.old_exercise_id = dec.new_exercise_id = cp.exercise_id;
      dec.old_dose = dec.new_dose = cp.dose;
      dec.old_phase = dec.new_phase = st_.phase_number;
      dec.mode = rx->mode;
      dec.inputs = {
          {"sessions_prescribed", std::to_string(prescribed)},
          {"sessions_done", std::to_string(done)},
          {"sessions_with_exercise", std::to_string(logged)},
          {"sessions_at_full_dose", std::to_string(at_target)},
          {"max_pain", std::to_string(max_pain)},
          {"max_effort", std::to_string(max_effort)},
          {"next_morning_worse", worse_here ? "yes" : (worse_unattributed ? "unclear" : "no")}};
      const std::string name = NameOf(catalogue_, cp.exercise_id);
      const std::string old_text = DescribeDose(cp.dose);

      auto hold = [&](const std::string& rule, const std::string& why) {
        dec.kind = DecisionKind::kHold;
        dec.rule = rule;
        dec.explanation = name + ": dose held at " + old_text + ": " + why + ".";
      };
      auto regress = [&](const std::string& rule, const std::string& why) {
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
      } else if (auto next =
                     NextPosition(*rx, {cp.exercise_id, cp.dose, cp.step}, rules, catalogue_)) {
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
                         week_max_pain, week_worse);
    Reevaluate(week, last);
    return changed;
  }

  bool PhaseGate(int week, const Phase& phase, LocalDate effective, bool adherence_ok,
                 const std::string& adherence_text, int week_max_pain, bool week_worse) {
    const Phase* next = PhaseNumbered(Rev().phases, phase.number + 1);
    if (phase.weeks == 0 || next == nullptr) return false;
    const int weeks_in = static_cast<int>((effective - st_.phase_started).count() / 7);
    if (weeks_in < phase.weeks) return false;
    const ProgressionRules& rules = Rules();
    std::vector<std::string> failed;
    if (!adherence_ok) failed.push_back(adherence_text);
    if (week_max_pain > rules.pain_acceptable_max) {
      failed.push_back("pain reached " + std::to_string(week_max_pain) + "/10");
    }
    if (week_worse) failed.push_back("pain was worse the next morning");
    for (const CurrentPrescription& cp : st_.prescriptions) {
      const Prescription* rx = FindRx(phase, cp.prescribed_id);
      const bool at_last_step =
          cp.step >= static_cast<int>(rx != nullptr ? rx->dose_steps.size() : 0) ||
          (rx != nullptr && cp.exercise_id == rx->exercise_id && cp.dose == rx->dose_steps.back());
      if (rx != nullptr && rx->mode != ProgressionMode::kFixed && !at_last_step) {
        failed.push_back(NameOf(catalogue_, cp.exercise_id) + " has not reached its target dose");
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
    if (failed.empty()) {
      dec.kind = DecisionKind::kPhaseAdvance;
      dec.rule = "phase.gate_met";
      dec.new_phase = next->number;
      dec.status = DecisionStatus::kApplied;
      dec.explanation = "Moving to phase " + std::to_string(next->number) + " (" +
                        next->display_name + "): " + phase.display_name + " completed, " +
                        adherence_text + ", pain settled, target doses reached.";
      st_.phase_number = next->number;
      st_.phase_started = effective;
      st_.prescriptions = StartPhase(*next, effective, dec.explanation);
      stalled_weeks_ = 0;
      stalled_flagged_ = false;
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
    if (++stalled_weeks_ > rules.phase_max_extension_weeks && !stalled_flagged_) {
      tl_.flags.push_back({FlagKind::kPhaseGateStalled, effective,
                           "Phase " + std::to_string(phase.number) + " has run " +
                               std::to_string(stalled_weeks_) +
                               " week(s) past its plan without meeting its gate: review",
                           ""});
      stalled_flagged_ = true;
    }
    return false;
  }

  // At the end of program week reevaluation_after_weeks: flag when the mean pain after sessions
  // is still above the safe band and has not come down by the required points or fraction from
  // the first week with data (CLINICAL.md §5).
  void Reevaluate(int week, LocalDate last) {
    const ProgressionRules& rules = Rules();
    if (week != rules.reevaluation_after_weeks) return;
    std::map<int, std::pair<double, int>> by_week;  // week -> (sum of pain after, count)
    for (const SessionFacts& f : sessions_) {
      if (f.session->local_date > last) continue;
      auto& [sum, n] = by_week[ProgramWeek(program_.start_date, f.session->local_date)];
      sum += f.session->pain_after;
      ++n;
    }
    if (by_week.size() < 2) return;
    const double baseline = by_week.begin()->second.first / by_week.begin()->second.second;
    const double current = by_week.rbegin()->second.first / by_week.rbegin()->second.second;
    const double drop = baseline - current;
    const bool improved = drop >= rules.reevaluation_min_drop_points ||
                          (baseline > 0 && drop / baseline >= rules.reevaluation_min_drop_fraction);
    // A patient whose pain is within the safe band needs no re-evaluation for lack of change.
    if (improved || current <= rules.pain_safe_max) return;
    tl_.flags.push_back({FlagKind::kReevaluationDue, last,
                         "No clear improvement after " + std::to_string(week) + " weeks (pain " +
                             Num(baseline) + " -> " + Num(current) + "/10): re-evaluate",
                         ""});
  }

  const Program& program_;
  const ProgramHistory& history_;
  const CatalogueView& catalogue_;
  std::vector<SessionFacts> sessions_;
  ProgressState st_;
  Timeline tl_;
  int stalled_weeks_ = 0;
  bool stalled_flagged_ = false;
  bool suspended_in_week_ = false;
  int boosts_ = 0;
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
  return Replay(program, history, catalogue, zone).Run(today);
}

std::optional<Position> NextPosition(const Prescription& rx, const Position& now,
                                     const ProgressionRules& rules,
                                     const CatalogueView& catalogue) {
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
