// RtmService handlers: validation, the records' proto form, and the readiness computation's
// inputs. Data days are the distinct local dates (patient's zone) of the sessions' server
// receive times (CLINICAL.md §6: "every day with patient-reported data (server receive time)").
#include "service/rtm_service.h"

#include <algorithm>

#include "engine/rtm_facts.h"
#include "scheduler/rtm.h"
#include "service/call.h"
#include "service/convert.h"
#include "service/names.h"
#include "service/validate.h"

namespace ptrack {
namespace {

constexpr int kMaxMinutes = 240;
constexpr size_t kMaxActivity = 500;
constexpr int kMaxListDays = 366;

std::string EpisodeName(const std::string& clinic, const RtmEpisodeRecord& e) {
  return names::Patient(clinic, e.patient_id) + "/rtmEpisodes/" + e.id;
}

void ToProto(const std::string& clinic, const RtmEpisodeRecord& e, v1::RtmEpisode* out) {
  out->set_name(EpisodeName(clinic, e));
  out->set_start_date(FormatIsoDate(e.start_date));
  if (e.end_date) out->set_end_date(FormatIsoDate(*e.end_date));
  out->set_onboarding_recorded(e.onboarding);
  out->set_practitioner(names::Therapist(clinic, e.practitioner_id));
  out->set_author(e.author);
  convert::ToProto(e.create_time, out->mutable_create_time());
}

void ToProto(const std::string& clinic, const RtmTimeEntryRecord& e, v1::RtmTimeEntry* out) {
  out->set_name(names::Patient(clinic, e.patient_id) + "/rtmTimeEntries/" + e.id);
  out->set_therapist(names::Therapist(clinic, e.therapist_id));
  out->set_date(FormatIsoDate(e.date));
  out->set_minutes(e.minutes);
  out->set_live_interaction(e.live);
  out->set_activity(e.activity);
  convert::ToProto(e.create_time, out->mutable_create_time());
}

// `text` as a date, or `today` when empty; never after today.
Result<LocalDate> DateOrToday(const std::string& text, const char* field, LocalDate today) {
  if (text.empty()) return today;
  auto d = ParseIsoDate(text);
  if (!d) return Status::InvalidArgument(field, "must be a date as YYYY-MM-DD");
  if (*d > today) return Status::InvalidArgument(field, "must not be in the future");
  return *d;
}

// Who recorded something: the caller's own resource, or the admin's account.
std::string Author(const Principal& who) {
  if (who.role == Role::kTherapist) return names::Therapist(who.clinic_id, who.subject_id);
  return "users/" + who.username;
}

}  // namespace

grpc::ServerUnaryReactor* RtmServiceImpl::StartRtmEpisode(grpc::CallbackServerContext* context,
                                                          const v1::StartRtmEpisodeRequest* req,
                                                          v1::RtmEpisode* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.RtmService/StartRtmEpisode", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto name, names::ParsePatient(req->parent(), "parent"));
        PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient(name));
        PTRACK_ASSIGN_OR_RETURN(Zone zone, PatientZone(patient));
        const LocalDate today = LocalDateOf(deps_.clock.Now(), zone);
        Violations v;
        RtmEpisodeRecord e;
        e.id = validate::ClientId(req->episode_id(), "episode_id", v, /*required=*/true);
        e.patient_id = patient.id;
        auto start = ParseIsoDate(req->episode().start_date());
        if (!start) {
          v.Add("episode.start_date", "must be a date as YYYY-MM-DD");
        } else if (*start > today) {
          v.Add("episode.start_date", "must not be in the future");
        } else {
          e.start_date = *start;
        }
        e.practitioner_id = patient.therapist_id;
        if (!req->episode().practitioner().empty()) {
          auto t = names::ParseTherapist(req->episode().practitioner(), "episode.practitioner");
          if (!t.ok() || t->clinic != patient.clinic_id) {
            v.Add("episode.practitioner", "must be a therapist of the patient's clinic");
          } else if (auto th = deps_.store.GetTherapist(t->patient);
                     !th.ok() || th->clinic_id != patient.clinic_id) {
            v.Add("episode.practitioner", "no such therapist");
          } else {
            e.practitioner_id = t->patient;
          }
        }
        PTRACK_RETURN_IF_ERROR(v.ToStatus());
        e.onboarding = req->episode().onboarding_recorded();
        e.author = Author(call.who());
        e.create_time = deps_.clock.Now();
        PTRACK_ASSIGN_OR_RETURN(auto stored, deps_.store.CreateRtmEpisode(e));
        ToProto(patient.clinic_id, stored, resp);
        return runner_.Refresh(patient);
      });
}

grpc::ServerUnaryReactor* RtmServiceImpl::EndRtmEpisode(grpc::CallbackServerContext* context,
                                                        const v1::EndRtmEpisodeRequest* req,
                                                        v1::RtmEpisode* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.RtmService/EndRtmEpisode", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto name, names::ParsePatient(req->parent(), "parent"));
        PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient(name));
        PTRACK_ASSIGN_OR_RETURN(Zone zone, PatientZone(patient));
        PTRACK_ASSIGN_OR_RETURN(LocalDate end, DateOrToday(req->end_date(), "end_date",
                                                           LocalDateOf(deps_.clock.Now(), zone)));
        auto stored = deps_.store.EndRtmEpisode(patient.id, end);
        if (!stored.ok() && stored.status().code() == StatusCode::kNotFound) {
          // A retry after a lost answer: the latest episode already ended on that date.
          PTRACK_ASSIGN_OR_RETURN(auto episodes, deps_.store.ListRtmEpisodes(patient.id));
          if (!episodes.empty() && episodes.back().end_date == end) {
            ToProto(patient.clinic_id, episodes.back(), resp);
            return runner_.Refresh(patient);
          }
        }
        if (!stored.ok()) return stored.status();
        ToProto(patient.clinic_id, *stored, resp);
        return runner_.Refresh(patient);
      });
}

grpc::ServerUnaryReactor* RtmServiceImpl::ListRtmEpisodes(grpc::CallbackServerContext* context,
                                                          const v1::ListRtmEpisodesRequest* req,
                                                          v1::ListRtmEpisodesResponse* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.RtmService/ListRtmEpisodes", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto name, names::ParsePatient(req->parent(), "parent"));
        PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient(name));
        PTRACK_ASSIGN_OR_RETURN(auto episodes, deps_.store.ListRtmEpisodes(patient.id));
        for (const auto& e : episodes) ToProto(patient.clinic_id, e, resp->add_episodes());
        return Status::Ok();
      });
}

grpc::ServerUnaryReactor* RtmServiceImpl::AddRtmTimeEntry(grpc::CallbackServerContext* context,
                                                          const v1::AddRtmTimeEntryRequest* req,
                                                          v1::RtmTimeEntry* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.RtmService/AddRtmTimeEntry", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto name, names::ParsePatient(req->parent(), "parent"));
        PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient(name));
        PTRACK_ASSIGN_OR_RETURN(Zone zone, PatientZone(patient));
        const LocalDate today = LocalDateOf(deps_.clock.Now(), zone);
        const v1::RtmTimeEntry& in = req->entry();
        Violations v;
        RtmTimeEntryRecord e;
        e.id = validate::ClientId(req->entry_id(), "entry_id", v, /*required=*/true);
        // An undated retry is the entry first stored under this id: its "today" may have passed.
        std::string date_text = in.date();
        if (date_text.empty() && !e.id.empty()) {
          if (auto stored = deps_.store.GetRtmTimeEntry(e.id);
              stored.ok() && stored->patient_id == patient.id) {
            date_text = FormatIsoDate(stored->date);
          }
        }
        if (auto day = DateOrToday(date_text, "entry.date", today); day.ok()) {
          e.date = *day;
        } else {
          for (const FieldViolation& f : day.status().violations()) v.Add(f.field, f.description);
        }
        if (in.minutes() < 1 || in.minutes() > kMaxMinutes) {
          v.Add("entry.minutes", "must be 1.." + std::to_string(kMaxMinutes));
        }
        validate::Text(in.activity(), "entry.activity", kMaxActivity, v);
        PTRACK_RETURN_IF_ERROR(v.ToStatus());
        // Time counts only inside a monitoring episode: refuse what could never be billed.
        PTRACK_ASSIGN_OR_RETURN(auto episodes, deps_.store.ListRtmEpisodes(patient.id));
        const bool covered = std::any_of(episodes.begin(), episodes.end(), [&](const auto& ep) {
          return ep.start_date <= e.date && (!ep.end_date || e.date <= *ep.end_date);
        });
        if (!covered) {
          return Status::FailedPrecondition("no monitoring episode on " + FormatIsoDate(e.date) +
                                            ": start one first");
        }
        e.patient_id = patient.id;
        e.therapist_id = call.who().subject_id;
        e.minutes = in.minutes();
        e.live = in.live_interaction();
        e.activity = in.activity();
        e.create_time = deps_.clock.Now();
        bool replayed = false;
        PTRACK_ASSIGN_OR_RETURN(auto stored, deps_.store.AddRtmTimeEntry(e, &replayed));
        ToProto(patient.clinic_id, stored, resp);
        return runner_.Refresh(patient);
      });
}

grpc::ServerUnaryReactor* RtmServiceImpl::ListRtmTimeEntries(
    grpc::CallbackServerContext* context, const v1::ListRtmTimeEntriesRequest* req,
    v1::ListRtmTimeEntriesResponse* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.RtmService/ListRtmTimeEntries", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto name, names::ParsePatient(req->parent(), "parent"));
        PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient(name));
        auto from = ParseIsoDate(req->start_date());
        auto to = ParseIsoDate(req->end_date());
        Violations v;
        if (!from) v.Add("start_date", "must be a date as YYYY-MM-DD");
        if (!to) v.Add("end_date", "must be a date as YYYY-MM-DD");
        if (from && to && (*to < *from || (*to - *from).count() > kMaxListDays)) {
          v.Add("end_date", "must be 0..366 days after start_date");
        }
        PTRACK_RETURN_IF_ERROR(v.ToStatus());
        PTRACK_ASSIGN_OR_RETURN(auto entries,
                                deps_.store.ListRtmTimeEntries(patient.id, *from, *to));
        for (const auto& e : entries) ToProto(patient.clinic_id, e, resp->add_entries());
        return Status::Ok();
      });
}

grpc::ServerUnaryReactor* RtmServiceImpl::GetRtmStatus(grpc::CallbackServerContext* context,
                                                       const v1::GetRtmStatusRequest* req,
                                                       v1::RtmStatus* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.RtmService/GetRtmStatus", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto name, names::ParsePatient(req->parent(), "parent"));
        PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient(name));
        PTRACK_ASSIGN_OR_RETURN(Zone zone, PatientZone(patient));
        PTRACK_ASSIGN_OR_RETURN(
            LocalDate day, DateOrToday(req->date(), "date", LocalDateOf(deps_.clock.Now(), zone)));
        resp->set_parent(req->parent());
        resp->set_date(FormatIsoDate(day));

        PTRACK_ASSIGN_OR_RETURN(auto rtm, ComputeRtmOn(deps_, patient, zone, day));
        const RtmStatus& s = rtm.status;
        resp->set_in_episode(s.in_episode);
        resp->set_forecast(s.forecast);
        if (!s.in_episode) return Status::Ok();
        resp->set_episode(EpisodeName(patient.clinic_id, *rtm.episode));
        resp->set_period_number(s.period_number);
        resp->set_period_start(FormatIsoDate(s.period_start));
        resp->set_period_end(FormatIsoDate(s.period_end));
        resp->set_data_days(s.data_days);
        resp->set_data_days_needed(s.data_days_needed);
        resp->set_device_full_reachable(s.device_full_reachable);
        resp->set_month_start(FormatIsoDate(s.month_start));
        resp->set_month_end(FormatIsoDate(s.month_end));
        resp->set_minutes(s.minutes);
        resp->set_live_interaction(s.live_interaction);
        for (const RtmCode& c : s.codes) {
          v1::RtmCode* out = resp->add_codes();
          out->set_code(c.code);
          out->set_units(c.units);
        }
        return Status::Ok();
      });
}

}  // namespace ptrack
