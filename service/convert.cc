// Field-by-field mapping between ptrack.v1 messages and domain values.
#include "service/convert.h"

#include <google/protobuf/timestamp.pb.h>

#include "service/names.h"
#include "service/validate.h"

namespace ptrack::convert {

void ToProto(Instant t, google::protobuf::Timestamp* out) {
  const int64_t ms = ToUnixMillis(t);
  int64_t seconds = ms / 1000;
  int64_t rem = ms % 1000;
  if (rem < 0) {
    rem += 1000;
    seconds -= 1;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rem * 1000000));
}

Instant FromProto(const google::protobuf::Timestamp& t) {
  return FromUnixMillis(t.seconds() * 1000 + t.nanos() / 1000000);
}

void ToProto(const Dose& d, v1::Dose* out) {
  out->set_sets(d.sets);
  out->set_reps(d.reps);
  out->set_hold_seconds(d.hold_seconds);
  for (int r : d.pyramid_reps) out->add_pyramid_reps(r);
  out->set_load_kg(d.load_kg);
  out->set_band(d.band);
  out->set_side(static_cast<v1::Side>(static_cast<int>(d.side)));
  out->set_rest_seconds(d.rest_seconds);
}

Side FromProto(v1::Side s) {
  switch (s) {
    case v1::SIDE_BOTH:
      return Side::kBoth;
    case v1::SIDE_EACH:
      return Side::kEach;
    case v1::SIDE_LEFT:
      return Side::kLeft;
    case v1::SIDE_RIGHT:
      return Side::kRight;
    default:
      return Side::kUnspecified;
  }
}

Dose FromProto(const v1::Dose& d) {
  Dose out;
  out.sets = d.sets();
  out.reps = d.reps();
  out.hold_seconds = d.hold_seconds();
  out.pyramid_reps.assign(d.pyramid_reps().begin(), d.pyramid_reps().end());
  out.load_kg = d.load_kg();
  out.band = d.band();
  out.side = FromProto(d.side());
  out.rest_seconds = d.rest_seconds();
  return out;
}

v1::DischargeReason ToProto(DischargeReason r) {
  switch (r) {
    case DischargeReason::kCompleted:
      return v1::DISCHARGE_REASON_COMPLETED;
    case DischargeReason::kGoalsMet:
      return v1::DISCHARGE_REASON_GOALS_MET;
    case DischargeReason::kReferredOn:
      return v1::DISCHARGE_REASON_REFERRED_ON;
    case DischargeReason::kDroppedOut:
      return v1::DISCHARGE_REASON_DROPPED_OUT;
    case DischargeReason::kUnspecified:
      break;
  }
  return v1::DISCHARGE_REASON_UNSPECIFIED;
}

DischargeReason FromProto(v1::DischargeReason r) {
  switch (r) {
    case v1::DISCHARGE_REASON_COMPLETED:
      return DischargeReason::kCompleted;
    case v1::DISCHARGE_REASON_GOALS_MET:
      return DischargeReason::kGoalsMet;
    case v1::DISCHARGE_REASON_REFERRED_ON:
      return DischargeReason::kReferredOn;
    case v1::DISCHARGE_REASON_DROPPED_OUT:
      return DischargeReason::kDroppedOut;
    default:
      return DischargeReason::kUnspecified;
  }
}

v1::PhaseKind ToProto(PhaseKind k) {
  switch (k) {
    case PhaseKind::kProgression:
      return v1::PHASE_KIND_PROGRESSION;
    case PhaseKind::kConsolidation:
      return v1::PHASE_KIND_CONSOLIDATION;
    case PhaseKind::kMaintenance:
      return v1::PHASE_KIND_MAINTENANCE;
    case PhaseKind::kUnspecified:
      break;
  }
  return v1::PHASE_KIND_UNSPECIFIED;
}

PhaseKind FromProto(v1::PhaseKind k) {
  switch (k) {
    case v1::PHASE_KIND_PROGRESSION:
      return PhaseKind::kProgression;
    case v1::PHASE_KIND_CONSOLIDATION:
      return PhaseKind::kConsolidation;
    case v1::PHASE_KIND_MAINTENANCE:
      return PhaseKind::kMaintenance;
    default:
      return PhaseKind::kUnspecified;
  }
}

v1::Region ToProto(Region r) {
  switch (r) {
    case Region::kNeck:
      return v1::REGION_NECK;
    case Region::kUpperBack:
      return v1::REGION_UPPER_BACK;
    case Region::kCore:
      return v1::REGION_CORE;
    case Region::kStretch:
      return v1::REGION_STRETCH;
    case Region::kUnspecified:
      break;
  }
  return v1::REGION_UNSPECIFIED;
}

Region FromProto(v1::Region r) {
  switch (r) {
    case v1::REGION_NECK:
      return Region::kNeck;
    case v1::REGION_UPPER_BACK:
      return Region::kUpperBack;
    case v1::REGION_CORE:
      return Region::kCore;
    case v1::REGION_STRETCH:
      return Region::kStretch;
    default:
      return Region::kUnspecified;
  }
}

void ToProto(const Exercise& e, v1::Exercise* out) {
  out->set_name(names::Exercise(e.id));
  out->set_display_name(e.display_name);
  out->set_region(ToProto(e.region));
  out->set_ladder("ladders/" + e.ladder);
  out->set_ladder_rank(e.ladder_rank);
  ToProto(e.default_dose, out->mutable_default_dose());
  for (Lever l : e.levers) out->add_levers(static_cast<v1::Lever>(static_cast<int>(l)));
  out->set_instructions(e.instructions);
  if (!e.clinic_id.empty()) out->set_clinic(names::Clinic(e.clinic_id));
  out->set_max_hold_seconds(e.max_hold_seconds);
  out->set_max_reps(e.max_reps);
}

Exercise FromProto(const v1::Exercise& e, Violations& violations) {
  Exercise out;
  out.display_name = e.display_name();
  out.region = FromProto(e.region());
  if (!e.ladder().empty()) {
    if (e.ladder().rfind("ladders/", 0) != 0) {
      violations.Add("exercise.ladder", "must be a name like ladders/{ladder}");
    } else {
      out.ladder = e.ladder().substr(8);
    }
  }
  out.ladder_rank = e.ladder_rank() == 0 ? 1 : e.ladder_rank();
  out.default_dose = FromProto(e.default_dose());
  if (!v1::Side_IsValid(e.default_dose().side())) {
    violations.Add("exercise.default_dose.side", "unknown side");
  }
  validate::Text(e.default_dose().band(), "exercise.default_dose.band", 32, violations, false);
  for (int l : e.levers()) {
    if (!v1::Lever_IsValid(l) || l == v1::LEVER_UNSPECIFIED) {
      violations.Add("exercise.levers", "unknown lever");
    } else {
      out.levers.push_back(static_cast<Lever>(l));
    }
  }
  out.instructions = e.instructions();
  out.max_hold_seconds = e.max_hold_seconds();
  out.max_reps = e.max_reps();
  return out;
}

void ToProto(const std::vector<Phase>& phases, google::protobuf::RepeatedPtrField<v1::Phase>* out) {
  for (const Phase& p : phases) {
    v1::Phase* pp = out->Add();
    pp->set_number(p.number);
    pp->set_display_name(p.display_name);
    pp->set_start_week(p.start_week);
    pp->set_weeks(p.weeks);
    pp->set_sessions_per_week(p.sessions_per_week);
    pp->set_gate(p.gate);
    pp->set_kind(ToProto(KindOf(p)));
    pp->set_climb_ladders(ClimbsLadders(p));
    pp->set_sign_off_required(p.sign_off_required);
    if (!p.outcome_gate.empty()) pp->set_outcome_gate(names::Instrument(p.outcome_gate));
    for (const Prescription& rx : p.prescriptions) {
      v1::Prescription* r = pp->add_prescriptions();
      r->set_exercise(names::Exercise(rx.exercise_id));
      for (const Dose& d : rx.dose_steps) ToProto(d, r->add_dose_steps());
      r->set_notes(rx.notes);
      r->set_mode(ToProto(rx.mode));
    }
  }
}

void ToProto(const Protocol& p, v1::Protocol* out) {
  out->set_name(names::Protocol(p.id));
  out->set_display_name(p.display_name);
  out->set_description(p.description);
  ToProto(p.phases, out->mutable_phases());
  if (!p.clinic_id.empty()) out->set_clinic(names::Clinic(p.clinic_id));
}

v1::Role ToProto(Role r) { return static_cast<v1::Role>(static_cast<int>(r)); }

void ToProto(const Clinic& c, v1::Clinic* out) {
  out->set_name(names::Clinic(c.id));
  out->set_display_name(c.display_name);
  out->set_time_zone(c.time_zone);
}

void ToProto(const Therapist& t, v1::Therapist* out) {
  out->set_name(names::Therapist(t.clinic_id, t.id));
  out->set_display_name(t.display_name);
  out->set_username(t.username);
}

std::string PatientEtag(const Patient& p) { return "v" + std::to_string(p.version); }

void ToProto(const Patient& p, v1::Patient* out) {
  out->set_name(names::Patient(p.clinic_id, p.id));
  out->set_display_name(p.display_name);
  out->set_time_zone(p.time_zone);
  out->set_therapist(names::Therapist(p.clinic_id, p.therapist_id));
  out->set_username(p.username);
  ToProto(p.create_time, out->mutable_create_time());
  out->set_etag(PatientEtag(p));
}

void ToProto(const Program& p, const std::string& clinic_id, v1::Program* out) {
  out->set_name(names::Program(clinic_id, p.patient_id, p.id));
  out->set_protocol(names::Protocol(p.protocol_id));
  out->set_start_date(FormatIsoDate(p.start_date));
  out->set_state(p.state == ProgramState::kActive ? v1::PROGRAM_STATE_ACTIVE
                                                  : v1::PROGRAM_STATE_ENDED);
  out->set_revision(p.latest().revision);
  ToProto(p.latest().phases, out->mutable_phases());
  ToProto(p.create_time, out->mutable_create_time());
  out->set_etag("r" + std::to_string(p.latest().revision));
  ToProto(p.latest().rules, out->mutable_rules());
  if (p.discharge) {
    v1::Discharge* d = out->mutable_discharge();
    d->set_date(FormatIsoDate(p.discharge->date));
    d->set_reason(ToProto(p.discharge->reason));
    d->set_note(p.discharge->note);
    d->set_author(p.discharge->author);
    ToProto(p.discharge->create_time, d->mutable_create_time());
  }
  for (const Pause& pause : p.pauses) {
    v1::Pause* out_pause = out->add_pauses();
    out_pause->set_id(pause.id);
    out_pause->set_start_date(FormatIsoDate(pause.start));
    if (pause.end) out_pause->set_end_date(FormatIsoDate(*pause.end));
    out_pause->set_reason(pause.reason);
    out_pause->set_author(pause.author);
    ToProto(pause.create_time, out_pause->mutable_create_time());
  }
}

void ToProto(const ProgramRevision& r, v1::ProgramRevision* out) {
  out->set_revision(r.revision);
  out->set_effective_date(FormatIsoDate(r.effective_date));
  out->set_reason(r.reason);
  out->set_author(r.author);
  ToProto(r.create_time, out->mutable_create_time());
  ToProto(r.phases, out->mutable_phases());
  ToProto(r.rules, out->mutable_rules());
}

ExerciseLog FromProto(const v1::ExerciseLog& l) {
  ExerciseLog out;
  auto id = names::ParseExercise(l.exercise(), "exercise");
  out.exercise_id = id.ok() ? *id : l.exercise();
  out.sets = l.sets();
  out.reps = l.reps();
  out.hold_seconds = l.hold_seconds();
  out.load_kg = l.load_kg();
  out.band = l.band();
  out.side = FromProto(l.side());
  out.pain = l.has_pain() ? l.pain() : -1;
  out.pyramid_reps.assign(l.pyramid_reps().begin(), l.pyramid_reps().end());
  return out;
}

void ToProto(const Session& s, const std::string& clinic_id, v1::Session* out) {
  out->set_name(names::Session(clinic_id, s.patient_id, s.id));
  out->set_program(names::Program(clinic_id, s.patient_id, s.program_id));
  ToProto(s.perform_time, out->mutable_perform_time());
  out->set_local_date(FormatIsoDate(s.local_date));
  ToProto(s.receive_time, out->mutable_receive_time());
  out->set_pain_before(s.pain_before);
  out->set_pain_after(s.pain_after);
  out->set_effort(s.effort);
  for (const ExerciseLog& l : s.exercises) {
    v1::ExerciseLog* pl = out->add_exercises();
    pl->set_exercise(names::Exercise(l.exercise_id));
    pl->set_sets(l.sets);
    pl->set_reps(l.reps);
    pl->set_hold_seconds(l.hold_seconds);
    pl->set_load_kg(l.load_kg);
    pl->set_band(l.band);
    pl->set_side(static_cast<v1::Side>(static_cast<int>(l.side)));
    if (l.pain >= 0) pl->set_pain(l.pain);
    for (int r : l.pyramid_reps) pl->add_pyramid_reps(r);
  }
  out->set_notes(s.notes);
  for (const std::string& r : s.red_flags) out->add_red_flags(r);
}

void ToProto(const AdherenceDay& d, v1::AdherenceDay* out) {
  out->set_date(FormatIsoDate(d.date));
  out->set_sessions_prescribed(d.sessions_prescribed);
  out->set_sessions_done(d.sessions_done);
  out->set_exercises_done(d.exercises_done);
  out->set_max_pain(d.max_pain);
}

v1::ProgressionMode ToProto(ProgressionMode m) {
  switch (m) {
    case ProgressionMode::kSuggest:
      return v1::PROGRESSION_MODE_SUGGEST;
    case ProgressionMode::kFixed:
      return v1::PROGRESSION_MODE_FIXED;
    default:
      return v1::PROGRESSION_MODE_AUTO;
  }
}

void ToProto(const Decision& d, const std::string& program_name, v1::Decision* out) {
  out->set_name(program_name + "/decisions/" + d.id);
  out->set_week(d.week);
  out->set_effective_date(FormatIsoDate(d.effective_date));
  if (!d.exercise_id.empty()) out->set_exercise(names::Exercise(d.exercise_id));
  static const v1::DecisionKind kKinds[] = {v1::DECISION_KIND_PROGRESS, v1::DECISION_KIND_REGRESS,
                                            v1::DECISION_KIND_HOLD, v1::DECISION_KIND_PHASE_ADVANCE,
                                            v1::DECISION_KIND_PHASE_HOLD};
  out->set_kind(kKinds[static_cast<int>(d.kind)]);
  out->set_rule(d.rule);
  for (const auto& [name, value] : d.inputs) {
    v1::DecisionInput* in = out->add_inputs();
    in->set_name(name);
    in->set_value(value);
  }
  if (!d.old_exercise_id.empty()) out->set_old_exercise(names::Exercise(d.old_exercise_id));
  if (!d.new_exercise_id.empty()) out->set_new_exercise(names::Exercise(d.new_exercise_id));
  if (!d.exercise_id.empty()) {
    ToProto(d.old_dose, out->mutable_old_dose());
    ToProto(d.new_dose, out->mutable_new_dose());
  }
  out->set_old_phase(d.old_phase);
  out->set_new_phase(d.new_phase);
  out->set_mode(ToProto(d.mode));
  static const v1::DecisionStatus kStatuses[] = {
      v1::DECISION_STATUS_APPLIED, v1::DECISION_STATUS_PENDING, v1::DECISION_STATUS_APPROVED,
      v1::DECISION_STATUS_REJECTED, v1::DECISION_STATUS_NO_CHANGE};
  out->set_status(kStatuses[static_cast<int>(d.status)]);
  out->set_explanation(d.explanation);
}

void ToProto(const Flag& f, const std::string& clinic_id, const std::string& patient_id,
             v1::Flag* out) {
  static const v1::FlagKind kKinds[] = {
      v1::FLAG_KIND_RED_FLAG,           v1::FLAG_KIND_PAIN_FLARE,
      v1::FLAG_KIND_INACTIVITY,         v1::FLAG_KIND_REEVALUATION_DUE,
      v1::FLAG_KIND_PHASE_GATE_STALLED, v1::FLAG_KIND_MAINTENANCE_PAIN_RETURN,
      v1::FLAG_KIND_OUTCOME_IMPROVED,   v1::FLAG_KIND_OUTCOME_WORSENED};
  out->set_kind(kKinds[static_cast<int>(f.kind)]);
  out->set_date(FormatIsoDate(f.date));
  out->set_detail(f.detail);
  if (!f.session_id.empty()) out->set_session(names::Session(clinic_id, patient_id, f.session_id));
  if (!f.response_id.empty()) {
    out->set_outcome_response(names::OutcomeResponse(clinic_id, patient_id, f.response_id));
  }
}

ProgressionMode FromProto(v1::ProgressionMode m) {
  switch (m) {
    case v1::PROGRESSION_MODE_SUGGEST:
      return ProgressionMode::kSuggest;
    case v1::PROGRESSION_MODE_FIXED:
      return ProgressionMode::kFixed;
    default:
      return ProgressionMode::kAuto;
  }
}

void ToProto(const ProgressionRules& r, v1::ProgressionRules* out) {
#define PTRACK_RULE_TO_PROTO(name) out->set_##name(r.name);
  PTRACK_RULE_FIELDS(PTRACK_RULE_TO_PROTO)
#undef PTRACK_RULE_TO_PROTO
  for (const std::string& b : r.band_order) out->add_band_order(b);
}

ProgressionRules FromProto(const v1::ProgressionRules& r) {
  ProgressionRules out;
#define PTRACK_RULE_FROM_PROTO(name) out.name = r.name();
  PTRACK_RULE_FIELDS(PTRACK_RULE_FROM_PROTO)
#undef PTRACK_RULE_FROM_PROTO
  out.band_order.assign(r.band_order().begin(), r.band_order().end());
  return out;
}

std::vector<Phase> FromProto(const google::protobuf::RepeatedPtrField<v1::Phase>& phases,
                             const std::string& field, Violations& violations) {
  std::vector<Phase> out;
  for (int i = 0; i < phases.size(); ++i) {
    const v1::Phase& p = phases.Get(i);
    Phase phase;
    phase.number = p.number();
    phase.display_name = p.display_name();
    phase.start_week = p.start_week();
    phase.weeks = p.weeks();
    phase.sessions_per_week = p.sessions_per_week();
    phase.gate = p.gate();
    if (!v1::PhaseKind_IsValid(p.kind()))
      violations.Add(field + "[" + std::to_string(i) + "].kind", "unknown kind");
    phase.kind = FromProto(p.kind());
    if (p.has_climb_ladders()) phase.climb_ladders = p.climb_ladders();
    phase.sign_off_required = p.sign_off_required();
    if (!p.outcome_gate().empty()) {
      auto id = names::ParseInstrument(p.outcome_gate(),
                                       field + "[" + std::to_string(i) + "].outcome_gate");
      if (id.ok()) {
        phase.outcome_gate = *id;
      } else {
        violations.Add(field + "[" + std::to_string(i) + "].outcome_gate",
                       "must be \"instruments/{id}\"");
      }
    }
    const std::string pf = field + "[" + std::to_string(i) + "]";
    validate::Line(p.display_name(), pf + ".display_name", 100, violations, false);
    validate::Line(p.gate(), pf + ".gate", 500, violations, false);
    for (int k = 0; k < p.prescriptions_size(); ++k) {
      const v1::Prescription& rx = p.prescriptions(k);
      const std::string f =
          field + "[" + std::to_string(i) + "].prescriptions[" + std::to_string(k) + "]";
      Prescription domain;
      auto id = names::ParseExercise(rx.exercise(), f + ".exercise");
      if (!id.ok()) {
        violations.Add(f + ".exercise", "must be an exercise name like exercises/{exercise}");
        continue;
      }
      if (!v1::ProgressionMode_IsValid(rx.mode())) violations.Add(f + ".mode", "unknown mode");
      domain.exercise_id = *id;
      for (int d = 0; d < rx.dose_steps_size(); ++d) {
        const std::string df = f + ".dose_steps[" + std::to_string(d) + "]";
        if (!v1::Side_IsValid(rx.dose_steps(d).side()))
          violations.Add(df + ".side", "unknown side");
        validate::Text(rx.dose_steps(d).band(), df + ".band", 32, violations, false);
        domain.dose_steps.push_back(FromProto(rx.dose_steps(d)));
      }
      validate::Text(rx.notes(), f + ".notes", 2000, violations, false);
      domain.notes = rx.notes();
      domain.mode = FromProto(rx.mode());
      phase.prescriptions.push_back(std::move(domain));
    }
    out.push_back(std::move(phase));
  }
  return out;
}

}  // namespace ptrack::convert
