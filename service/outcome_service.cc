// OutcomeService handlers.
#include "service/outcome_service.h"

#include <algorithm>
#include <set>

#include "service/call.h"
#include "service/convert.h"
#include "service/grpc_status.h"
#include "service/validate.h"

namespace ptrack {
namespace {

constexpr size_t kMaxAnswers = 50;
constexpr size_t kMaxActivity = 100;

void ToProto(const Instrument& in, v1::Instrument* out) {
  out->set_name(names::Instrument(in.id));
  out->set_display_name(in.display_name);
  for (const OutcomeItem& item : in.items) {
    v1::InstrumentItem* i = out->add_items();
    i->set_id(item.id);
    i->set_text(item.text);
    i->set_min(item.min);
    i->set_max(item.max);
    i->set_required(item.required);
    for (const std::string& l : item.labels) i->add_labels(l);
  }
  static const char* const kScoring[] = {"sum", "mean", "prorated_sum"};
  out->set_scoring(kScoring[static_cast<int>(in.scoring)]);
  out->set_higher_is_better(in.direction == OutcomeDirection::kHigherIsBetter);
  out->set_min_answered(in.min_answered);
  out->set_scale_max(in.scale_max);
  out->set_show_percent(in.show_percent);
  out->set_mcid(DescribeMcid(JudgementOf(in)));
  out->set_at_baseline(in.at_baseline);
  out->set_every_weeks(in.every_weeks);
  out->set_at_discharge(in.at_discharge);
  out->set_source(in.source);
  out->set_licence(in.licence);
  out->set_global_impression(in.improved_at_most.has_value());
  out->set_mcid_points(in.mcid_points);
  out->set_mcid_fraction(in.mcid_fraction);
}

v1::OutcomeChange ToProto(OutcomeChange c) {
  switch (c) {
    case OutcomeChange::kImproved:
      return v1::OUTCOME_CHANGE_IMPROVED;
    case OutcomeChange::kWorsened:
      return v1::OUTCOME_CHANGE_WORSENED;
    case OutcomeChange::kNone:
      break;
  }
  return v1::OUTCOME_CHANGE_NONE;
}

// `r` as the API shows it, judged against `baseline` (the program's first response to the same
// instrument; nullptr for a global impression).
void ToProto(const OutcomeResponseRecord& r, const OutcomeResponseRecord* baseline,
             const std::string& clinic_id, v1::OutcomeResponse* out) {
  out->set_name(names::OutcomeResponse(clinic_id, r.patient_id, r.result.id));
  out->set_program(names::Program(clinic_id, r.patient_id, r.program_id));
  out->set_instrument(names::Instrument(r.result.instrument_id));
  convert::ToProto(r.answer_time, out->mutable_answer_time());
  out->set_local_date(FormatIsoDate(r.result.date));
  convert::ToProto(r.result.received, out->mutable_receive_time());
  for (const OutcomeAnswer& a : r.answers) {
    v1::OutcomeAnswer* x = out->add_answers();
    x->set_item(a.item_id);
    x->set_value(a.value);
    x->set_activity(a.activity);
  }
  out->set_score(r.result.score);
  if (r.percent) out->set_percent(*r.percent);
  out->set_answered(r.answered);
  const OutcomeJudgement& j = r.result.judgement;
  out->set_mcid(DescribeMcid(j));
  out->set_author(r.author);
  if (j.Global()) {
    out->set_verdict(ToProto(ChangeOf(j, 0, r.result.score)));
  } else if (baseline == nullptr || baseline == &r) {
    out->set_baseline(true);
    out->set_verdict(v1::OUTCOME_CHANGE_NONE);
  } else {
    out->set_change(r.result.score - baseline->result.score);
    out->set_verdict(ToProto(ChangeOf(j, baseline->result.score, r.result.score)));
  }
}

// The first response to each instrument (responses are by date, then receipt).
std::map<std::string, const OutcomeResponseRecord*> Baselines(
    const std::vector<OutcomeResponseRecord>& responses) {
  std::map<std::string, const OutcomeResponseRecord*> out;
  for (const OutcomeResponseRecord& r : responses) out.emplace(r.result.instrument_id, &r);
  return out;
}

}  // namespace

const Instrument* OutcomeServiceImpl::Find(const std::string& clinic_id,
                                           const std::string& id) const {
  return deps_.clinical.FindInstrument(clinic_id, id);
}

Result<std::vector<std::string>> OutcomeServiceImpl::Asked(const Program& program,
                                                           const std::string& clinic_id) {
  PTRACK_ASSIGN_OR_RETURN(auto settings, deps_.store.ListProgramInstruments(program.id));
  std::set<std::string> asked;
  for (const Instrument* in : deps_.clinical.InstrumentsFor(clinic_id)) {
    bool on = in->assign_by_default;
    for (const ProgramInstrument& s : settings) {
      if (s.instrument_id == in->id) on = s.assigned;
    }
    if (on) asked.insert(in->id);
  }
  for (const Phase& p : program.latest().phases) {
    if (!p.outcome_gate.empty() && Find(clinic_id, p.outcome_gate) != nullptr) {
      asked.insert(p.outcome_gate);
    }
  }
  return std::vector<std::string>(asked.begin(), asked.end());
}

Result<Program> OutcomeServiceImpl::CurrentProgram(const Patient& patient) {
  auto active = deps_.store.GetActiveProgram(patient.id);
  if (active.ok() || active.status().code() != StatusCode::kNotFound) return active;
  PTRACK_ASSIGN_OR_RETURN(auto programs, deps_.store.ListPrograms(patient.id));
  const Program* latest = nullptr;
  for (const Program& p : programs) {
    if (p.discharge && (latest == nullptr || p.discharge->date > latest->discharge->date)) {
      latest = &p;
    }
  }
  if (latest == nullptr) return Status::NotFound("the patient has no program");
  return *latest;
}

grpc::ServerUnaryReactor* OutcomeServiceImpl::ListInstruments(grpc::CallbackServerContext* context,
                                                              const v1::ListInstrumentsRequest*,
                                                              v1::ListInstrumentsResponse* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.OutcomeService/ListInstruments", [=, this](Call& call) -> Status {
        for (const Instrument* in : deps_.clinical.InstrumentsFor(call.who().clinic_id)) {
          ToProto(*in, resp->add_instruments());
        }
        return Status::Ok();
      });
}

grpc::ServerUnaryReactor* OutcomeServiceImpl::ListDueQuestionnaires(
    grpc::CallbackServerContext* context, const v1::ListDueQuestionnairesRequest* req,
    v1::ListDueQuestionnairesResponse* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.OutcomeService/ListDueQuestionnaires",
      [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto name, names::ParsePatient(req->parent(), "parent"));
        PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient(name));
        auto program = CurrentProgram(patient);
        if (!program.ok() && program.status().code() == StatusCode::kNotFound) {
          return Status::Ok();  // nothing is due without a program
        }
        if (!program.ok()) return program.status();
        PTRACK_ASSIGN_OR_RETURN(Zone zone, PatientZone(patient));
        const LocalDate today = LocalDateOf(deps_.clock.Now(), zone);
        PTRACK_ASSIGN_OR_RETURN(auto responses, deps_.store.ListOutcomeResponses(program->id));
        PTRACK_ASSIGN_OR_RETURN(auto asked, Asked(*program, patient.clinic_id));
        resp->set_program(names::Program(patient.clinic_id, patient.id, program->id));
        const auto baselines = Baselines(responses);
        const std::optional<LocalDate> discharged =
            program->discharge ? std::optional<LocalDate>(program->discharge->date) : std::nullopt;
        for (const std::string& id : asked) {
          const Instrument& in = *Find(patient.clinic_id, id);
          ToProto(in, resp->add_instruments());
          const auto occasion = CurrentOccasion(in, program->start_date, discharged, today);
          if (!occasion) continue;
          const bool answered =
              std::any_of(responses.begin(), responses.end(), [&](const OutcomeResponseRecord& r) {
                return r.result.instrument_id == id && r.result.date >= occasion->from;
              });
          if (answered) continue;
          v1::DueQuestionnaire* due = resp->add_due();
          due->set_instrument(names::Instrument(id));
          due->set_occasion(occasion->label);
          due->set_due_date(FormatIsoDate(occasion->from));
          if (auto b = baselines.find(id); b != baselines.end()) {
            for (const OutcomeAnswer& a : b->second->answers) {
              if (!a.activity.empty()) (*due->mutable_activities())[a.item_id] = a.activity;
            }
          }
        }
        return Status::Ok();
      });
}

grpc::ServerUnaryReactor* OutcomeServiceImpl::SubmitOutcomeResponse(
    grpc::CallbackServerContext* context, const v1::SubmitOutcomeResponseRequest* req,
    v1::SubmitOutcomeResponseResponse* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.OutcomeService/SubmitOutcomeResponse",
      [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto name, names::ParsePatient(req->parent(), "parent"));
        PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient(name));
        const v1::OutcomeResponse& in = req->response();
        OutcomeResponseRecord r;
        r.patient_id = patient.id;
        Violations v;
        if (!names::IsUuid(req->response_id())) {
          v.Add("response_id", "is required: a client-generated UUID (8-4-4-4-12 hex digits)");
        } else {
          r.result.id = validate::ClientId(req->response_id(), "response_id", v, true);
        }
        const Instrument* instrument = nullptr;
        if (auto id = names::ParseInstrument(in.instrument(), "response.instrument"); !id.ok()) {
          v.Add("response.instrument", "must be an instrument name like instruments/{id}");
        } else if ((instrument = Find(patient.clinic_id, *id)) == nullptr) {
          v.Add("response.instrument", "unknown instrument");
        } else {
          r.result.instrument_id = *id;
        }
        if (auto t = validate::RequiredTime(in.has_answer_time(), in.answer_time(),
                                            "response.answer_time", v)) {
          r.answer_time = *t;
        }
        if (in.answers().empty() || static_cast<size_t>(in.answers_size()) > kMaxAnswers) {
          v.Add("response.answers", "answer 1.." + std::to_string(kMaxAnswers) + " items");
        }
        for (int i = 0; i < in.answers_size() && static_cast<size_t>(i) < kMaxAnswers; ++i) {
          const v1::OutcomeAnswer& a = in.answers(i);
          validate::Line(a.activity(), "response.answers[" + std::to_string(i) + "].activity",
                         kMaxActivity, v, false);
          r.answers.push_back({a.item(), a.value(), a.activity()});
        }
        PTRACK_RETURN_IF_ERROR(v.ToStatus());
        PTRACK_ASSIGN_OR_RETURN(const OutcomeScore score,
                                ScoreOutcome(*instrument, r.answers, "response.answers"));
        r.result.score = score.value;
        r.percent = score.percent;
        r.answered = score.answered;
        r.result.judgement = JudgementOf(*instrument);
        r.author = ActorName(call.who());
        // A retry is answered from what is stored, before the checks that depend on the clock or
        // the program (as LogSession does): an acknowledged response stays acknowledged.
        auto stored = deps_.store.GetOutcomeResponse(patient.id, r.result.id);
        bool replayed = false;
        if (stored.ok()) {
          if (!SameOutcomePayload(*stored, r)) {
            return Status::AlreadyExists("a different response with this id was already submitted");
          }
          r = std::move(*stored);
          replayed = true;
        } else if (stored.status().code() != StatusCode::kNotFound) {
          return stored.status();
        } else {
          const Instant now = deps_.clock.Now();
          if (r.answer_time > now + deps_.options.max_clock_skew) {
            return Status::InvalidArgument("response.answer_time", "is in the future");
          }
          if (r.answer_time < now - deps_.options.max_session_age) {
            return Status::InvalidArgument("response.answer_time",
                                           "is too far in the past to submit");
          }
          auto program = CurrentProgram(patient);
          if (!program.ok() && program.status().code() == StatusCode::kNotFound) {
            return Status::FailedPrecondition("the patient has no program to answer for");
          }
          if (!program.ok()) return program.status();
          PTRACK_ASSIGN_OR_RETURN(Zone zone, PatientZone(patient));
          r.program_id = program->id;
          r.result.date = LocalDateOf(r.answer_time, zone);
          r.result.received = now;
          if (r.result.date < program->start_date) {
            return Status::FailedPrecondition("the answers are dated before the program started (" +
                                              FormatIsoDate(program->start_date) + ")");
          }
          if (program->discharge) {
            const LocalDate last =
                program->discharge->date + date::days{instrument->discharge_window_days};
            if (!instrument->at_discharge || r.result.date > last ||
                LocalDateOf(now, zone) > last) {
              return Status::FailedPrecondition(
                  "the program ended on " + FormatIsoDate(program->discharge->date) +
                  "; its questionnaires could be answered until " + FormatIsoDate(last));
            }
          }
          PTRACK_ASSIGN_OR_RETURN(auto logged,
                                  deps_.store.LogOutcomeResponse(r, call.AuditOnSuccess()));
          call.AuditWritten();
          r = std::move(logged.first);
          replayed = logged.second;
          // The engine reads responses: the patient's row and alerts follow.
          if (!replayed) deps_.refresh.Schedule(patient.id, std::nullopt);
        }
        PTRACK_ASSIGN_OR_RETURN(auto responses, deps_.store.ListOutcomeResponses(r.program_id));
        const auto baselines = Baselines(responses);
        const OutcomeResponseRecord* baseline = nullptr;
        if (auto b = baselines.find(r.result.instrument_id); b != baselines.end()) {
          baseline = b->second->result.id == r.result.id ? &r : b->second;
        }
        ToProto(r, baseline, patient.clinic_id, resp->mutable_response());
        resp->set_replayed(replayed);
        return Status::Ok();
      });
}

grpc::ServerUnaryReactor* OutcomeServiceImpl::ListOutcomeResponses(
    grpc::CallbackServerContext* context, const v1::ListOutcomeResponsesRequest* req,
    v1::ListOutcomeResponsesResponse* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.OutcomeService/ListOutcomeResponses",
      [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto name, names::ParsePatient(req->parent(), "parent"));
        std::string instrument;
        if (!req->instrument().empty()) {
          PTRACK_ASSIGN_OR_RETURN(instrument,
                                  names::ParseInstrument(req->instrument(), "instrument"));
        }
        std::optional<names::ChildName> program_name;
        if (!req->program().empty()) {
          PTRACK_ASSIGN_OR_RETURN(program_name, names::ParseProgram(req->program(), "program"));
          if (program_name->clinic != name.clinic || program_name->patient != name.patient) {
            return Status::InvalidArgument("program", "must be a program of the parent patient");
          }
        }
        PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient(name));
        Program program;
        if (program_name) {
          PTRACK_ASSIGN_OR_RETURN(program, deps_.store.GetProgram(program_name->child));
          if (program.patient_id != patient.id) return Status::NotFound("program not found");
        } else {
          auto current = CurrentProgram(patient);
          if (!current.ok() && current.status().code() == StatusCode::kNotFound) {
            return Status::Ok();
          }
          if (!current.ok()) return current.status();
          program = std::move(*current);
        }
        PTRACK_ASSIGN_OR_RETURN(auto responses, deps_.store.ListOutcomeResponses(program.id));
        PTRACK_ASSIGN_OR_RETURN(auto asked, Asked(program, patient.clinic_id));
        resp->set_program(names::Program(patient.clinic_id, patient.id, program.id));
        const auto baselines = Baselines(responses);
        std::set<std::string> shown(asked.begin(), asked.end());
        for (const OutcomeResponseRecord& r : responses) {
          if (!instrument.empty() && r.result.instrument_id != instrument) continue;
          shown.insert(r.result.instrument_id);
          ToProto(r, baselines.at(r.result.instrument_id), patient.clinic_id,
                  resp->add_responses());
        }
        for (const std::string& id : shown) {
          if (const Instrument* in = Find(patient.clinic_id, id)) {
            ToProto(*in, resp->add_instruments());
          }
        }
        return Status::Ok();
      });
}

grpc::ServerUnaryReactor* OutcomeServiceImpl::AssignInstrument(
    grpc::CallbackServerContext* context, const v1::AssignInstrumentRequest* req,
    v1::AssignInstrumentResponse* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.OutcomeService/AssignInstrument",
      [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto name, names::ParseProgram(req->program(), "program"));
        PTRACK_ASSIGN_OR_RETURN(auto id, names::ParseInstrument(req->instrument(), "instrument"));
        PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient({name.clinic, name.patient}));
        if (Find(patient.clinic_id, id) == nullptr) {
          return Status::InvalidArgument("instrument", "unknown instrument");
        }
        PTRACK_ASSIGN_OR_RETURN(auto program, deps_.store.GetProgram(name.child));
        if (program.patient_id != patient.id) return Status::NotFound("program not found");
        if (program.state != ProgramState::kActive) {
          return Status::FailedPrecondition("the program has ended");
        }
        if (req->unassign()) {
          for (const Phase& p : program.latest().phases) {
            if (p.outcome_gate == id) {
              return Status::FailedPrecondition("phase " + std::to_string(p.number) +
                                                "'s gate waits on this instrument");
            }
          }
        }
        PTRACK_RETURN_IF_ERROR(deps_.store.SetProgramInstrument(
            program.id, {id, !req->unassign(), ActorName(call.who()), deps_.clock.Now()}));
        PTRACK_ASSIGN_OR_RETURN(auto asked, Asked(program, patient.clinic_id));
        for (const std::string& a : asked) resp->add_instruments(names::Instrument(a));
        return Status::Ok();
      });
}

}  // namespace ptrack
