// ReportService handlers. The report reads ListPatientStatus (one small row per patient) and
// never the session history. A watch is admitted by the AlertWatchdog (per-user, per-clinic and
// total limits), drains the alerts after its cursor, reading its token again before each batch,
// then sleeps on the AlertHub until something new is stored; the watchdog ends it when a Write
// stalls or its token turns invalid (alert_watchdog.h).
#include "service/report_service.h"

#include <chrono>
#include <map>

#include "engine/paging.h"
#include "engine/report_order.h"
#include "service/call.h"
#include "service/convert.h"
#include "service/names.h"

namespace ptrack {
namespace {

// How often an idle watch wakes to notice a cancelled client (gRPC's sync API has no callback
// for it); a wake without a new alert reads nothing.
constexpr auto kIdleWake = std::chrono::milliseconds(250);
constexpr int kDrainBatch = 100;
// The report and the alert list wait this long at most for the summary worker to derive the rows
// of sessions just stored (usually milliseconds; longer only under a burst of sessions).
constexpr auto kDrainWait = std::chrono::seconds(2);

// A therapist sees their own patients; an admin the whole clinic ("").
std::string TherapistScope(const Principal& who) {
  return who.role == Role::kTherapist ? who.subject_id : "";
}

void ToProto(const AdherenceWindow& w, int days, v1::AdherenceWindow* out) {
  out->set_days(days);
  out->set_sessions_prescribed(w.sessions_prescribed);
  out->set_sessions_done(w.sessions_done);
  out->set_sessions_ratio(w.sessions_prescribed == 0
                              ? 0.0
                              : static_cast<double>(w.sessions_done) / w.sessions_prescribed);
  out->set_exercises_planned(w.exercises_planned);
  out->set_exercises_full_dose(w.exercises_full_dose);
  out->set_dose_ratio(w.exercises_planned == 0
                          ? 0.0
                          : static_cast<double>(w.exercises_full_dose) / w.exercises_planned);
}

void ToProto(const std::string& clinic, const PatientStatusRow& row, v1::ReportRow* out) {
  out->set_patient(names::Patient(clinic, row.patient_id));
  out->set_display_name(row.display_name);
  out->set_therapist(names::Therapist(clinic, row.therapist_id));
  out->set_attention(AttentionScore(row));
  out->set_time_zone(row.time_zone);
  if (!row.summary) return;
  const PatientSummary& s = *row.summary;
  out->set_has_program(true);
  out->set_as_of(FormatIsoDate(s.as_of));
  out->set_phase_number(s.phase_number);
  out->set_phase_name(s.phase_name);
  out->set_suspended(s.suspended);
  ToProto(s.last_7, 7, out->mutable_last_7_days());
  ToProto(s.last_30, 30, out->mutable_last_30_days());
  out->set_pain_baseline(s.pain_baseline);
  out->set_pain_recent(s.pain_recent);
  if (s.last_session) out->set_last_session_date(FormatIsoDate(*s.last_session));
  for (const Flag& f : s.open_flags)
    convert::ToProto(f, clinic, row.patient_id, out->add_open_flags());
  out->set_pending_decisions(s.pending_decisions);
  v1::RtmSummary* rtm = out->mutable_rtm();
  rtm->set_in_episode(s.rtm.in_episode);
  rtm->set_forecast(s.rtm.forecast);
  if (!s.rtm.in_episode) return;
  rtm->set_period_start(FormatIsoDate(s.rtm.period_start));
  rtm->set_period_end(FormatIsoDate(s.rtm.period_end));
  rtm->set_data_days(s.rtm.data_days);
  rtm->set_data_days_needed(s.rtm.data_days_needed);
  rtm->set_minutes(s.rtm.minutes);
  rtm->set_live_interaction(s.rtm.live_interaction);
  for (const RtmCode& c : s.rtm.codes) {
    v1::RtmCode* code = rtm->add_codes();
    code->set_code(c.code);
    code->set_units(c.units);
  }
  rtm->set_at_risk(s.rtm_at_risk);
}

// Alerts with their patients' display names (looked up once per patient per call).
class AlertWriter {
 public:
  explicit AlertWriter(Store& store) : store_(store) {}

  Status ToProto(const AlertRecord& a, v1::Alert* out) {
    auto it = names_.find(a.patient_id);
    if (it == names_.end()) {
      PTRACK_ASSIGN_OR_RETURN(auto patient, store_.GetPatient(a.patient_id));
      it = names_.emplace(a.patient_id, patient.display_name).first;
    }
    out->set_name(names::Alert(a.clinic_id, a.id));
    out->set_cursor(a.id);
    out->set_kind(static_cast<v1::AlertKind>(static_cast<int>(a.alert.kind) + 1));
    out->set_patient(names::Patient(a.clinic_id, a.patient_id));
    out->set_patient_display_name(it->second);
    out->set_date(FormatIsoDate(a.alert.date));
    out->set_detail(a.alert.detail);
    if (!a.alert.session_id.empty()) {
      out->set_session(names::Session(a.clinic_id, a.patient_id, a.alert.session_id));
    }
    convert::ToProto(a.create_time, out->mutable_create_time());
    if (a.ack_time) {
      out->set_acknowledged(true);
      out->set_acknowledged_by(a.ack_by);
      convert::ToProto(*a.ack_time, out->mutable_acknowledge_time());
    }
    return Status::Ok();
  }

 private:
  Store& store_;
  std::map<std::string, std::string> names_;
};

static_assert(v1::ALERT_KIND_RTM_AT_RISK == static_cast<int>(AlertKind::kRtmAtRisk) + 1,
              "v1::AlertKind is AlertKind + 1");

// Page tokens carry the order they were issued for and the offset.
std::string ReportToken(const ReportOrder& order, size_t offset) {
  return paging::Token(order.text + "|" + std::to_string(offset));
}

Result<size_t> ReportOffset(const PageRequest& page, const ReportOrder& order) {
  if (page.after.empty()) return size_t{0};
  const std::string prefix = order.text + "|";
  if (page.after.compare(0, prefix.size(), prefix) != 0) {
    return Status::InvalidArgument("page_token", "was issued for another order_by");
  }
  return paging::Offset({page.limit, page.after.substr(prefix.size())});
}

Result<int64_t> Cursor(int64_t after_cursor) {
  if (after_cursor < 0) return Status::InvalidArgument("after_cursor", "must not be negative");
  return after_cursor;
}

}  // namespace

grpc::Status ReportServiceImpl::GetClinicReport(grpc::ServerContext* context,
                                                const v1::GetClinicReportRequest* req,
                                                v1::ClinicReport* resp) {
  return Serve(
      deps_, *context, "/ptrack.v1.ReportService/GetClinicReport", [&](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto clinic_id, names::ParseClinic(req->parent(), "parent"));
        PTRACK_RETURN_IF_ERROR(call.CheckClinic(clinic_id));
        PTRACK_ASSIGN_OR_RETURN(auto order, ParseReportOrder(req->order_by()));
        PTRACK_ASSIGN_OR_RETURN(auto page,
                                paging::FromRequest(req->page_size(), req->page_token()));
        PTRACK_ASSIGN_OR_RETURN(size_t offset, ReportOffset(page, order));
        deps_.refresh.Drain(kDrainWait);
        PTRACK_ASSIGN_OR_RETURN(
            auto rows, deps_.store.ListPatientStatus(clinic_id, TherapistScope(call.who())));
        SortReport(rows, order);
        const size_t end = std::min(rows.size(), offset + static_cast<size_t>(page.limit));
        for (size_t i = offset; i < end; ++i) ToProto(clinic_id, rows[i], resp->add_rows());
        if (end < rows.size()) resp->set_next_page_token(ReportToken(order, end));
        resp->set_total_size(static_cast<int>(rows.size()));
        convert::ToProto(deps_.clock.Now(), resp->mutable_generate_time());
        return Status::Ok();
      });
}

grpc::Status ReportServiceImpl::WatchAlerts(grpc::ServerContext* context,
                                            const v1::WatchAlertsRequest* req,
                                            grpc::ServerWriter<v1::Alert>* writer) {
  static constexpr std::string_view kMethod = "/ptrack.v1.ReportService/WatchAlerts";
  return Serve(deps_, *context, kMethod, [&](Call& call) -> Status {
    PTRACK_ASSIGN_OR_RETURN(auto clinic_id, names::ParseClinic(req->parent(), "parent"));
    PTRACK_RETURN_IF_ERROR(call.CheckClinic(clinic_id));
    PTRACK_ASSIGN_OR_RETURN(int64_t cursor, Cursor(req->after_cursor()));
    PTRACK_ASSIGN_OR_RETURN(auto watch,
                            deps_.watches.Admit(call.who(), Gate::BearerToken(*context), context));
    // The watch holds its place now: the client learns it from the initial metadata
    // (WaitForInitialMetadata) before any alert, so it knows when it is established.
    writer->SendInitialMetadata();
    const std::string therapist = TherapistScope(call.who());
    AlertWriter alerts(deps_.store);
    bool drain = true;
    uint64_t drained = 0;
    while (!context->IsCancelled()) {
      if (deps_.alerts.closed()) {
        return Status::Unavailable("the server is stopping; reconnect with the last cursor");
      }
      // The watchdog's verdict (a token found invalid since the last batch) ends an idle watch.
      PTRACK_RETURN_IF_ERROR(watch->Verdict());
      const uint64_t generation = deps_.alerts.Generation();
      drain = drain || generation != drained;
      drained = generation;
      while (drain) {
        PTRACK_ASSIGN_OR_RETURN(auto batch,
                                deps_.store.ListAlerts(clinic_id, therapist, cursor, kDrainBatch));
        // Nothing is written to a token that is no longer valid: read it before every batch.
        if (!batch.empty()) PTRACK_RETURN_IF_ERROR(watch->CheckToken());
        for (const AlertRecord& a : batch) {
          v1::Alert out;
          PTRACK_RETURN_IF_ERROR(alerts.ToProto(a, &out));
          bool gone = false;
          PTRACK_RETURN_IF_ERROR(watch->Write([&] { return writer->Write(out); }, &gone));
          if (gone) return Status::Ok();  // the client went away
          cursor = a.id;
        }
        drain = static_cast<int>(batch.size()) == kDrainBatch;
      }
      deps_.alerts.Wait(generation, kIdleWake);
    }
    return Status::Ok();
  });
}

grpc::Status ReportServiceImpl::ListAlerts(grpc::ServerContext* context,
                                           const v1::ListAlertsRequest* req,
                                           v1::ListAlertsResponse* resp) {
  return Serve(deps_, *context, "/ptrack.v1.ReportService/ListAlerts", [&](Call& call) -> Status {
    PTRACK_ASSIGN_OR_RETURN(auto clinic_id, names::ParseClinic(req->parent(), "parent"));
    PTRACK_RETURN_IF_ERROR(call.CheckClinic(clinic_id));
    PTRACK_ASSIGN_OR_RETURN(int64_t cursor, Cursor(req->after_cursor()));
    PTRACK_ASSIGN_OR_RETURN(auto page, paging::FromRequest(req->page_size(), ""));
    deps_.refresh.Drain(kDrainWait);
    PTRACK_ASSIGN_OR_RETURN(
        auto batch,
        deps_.store.ListAlerts(clinic_id, TherapistScope(call.who()), cursor, page.limit));
    AlertWriter alerts(deps_.store);
    for (const AlertRecord& a : batch) {
      cursor = a.id;
      if (req->unacknowledged_only() && a.ack_time) continue;
      PTRACK_RETURN_IF_ERROR(alerts.ToProto(a, resp->add_alerts()));
    }
    resp->set_next_cursor(cursor);
    return Status::Ok();
  });
}

grpc::Status ReportServiceImpl::AcknowledgeAlert(grpc::ServerContext* context,
                                                 const v1::AcknowledgeAlertRequest* req,
                                                 v1::Alert* resp) {
  return Serve(
      deps_, *context, "/ptrack.v1.ReportService/AcknowledgeAlert", [&](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto name, names::ParseAlert(req->name(), "name"));
        PTRACK_RETURN_IF_ERROR(call.CheckClinic(name.clinic));
        auto alert = deps_.store.GetAlert(name.id);
        if (!alert.ok()) return alert.status();
        if (alert->clinic_id != name.clinic) return Status::NotFound("alert not found");
        // A therapist acknowledges only alerts of their own patients (as they see them).
        auto patient = call.CheckPatient({alert->clinic_id, alert->patient_id});
        if (!patient.ok() && patient.status().code() == StatusCode::kNotFound) {
          return Status::NotFound("alert not found");
        }
        if (!patient.ok()) return patient.status();
        PTRACK_ASSIGN_OR_RETURN(
            auto stored,
            deps_.store.AcknowledgeAlert(name.id, ActorName(call.who()), deps_.clock.Now()));
        AlertWriter alerts(deps_.store);
        return alerts.ToProto(stored, resp);
      });
}

}  // namespace ptrack
