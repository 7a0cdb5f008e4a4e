// ReportService handlers. The report reads ListPatientStatus (one small row per patient) and
// never the session history. A watch (AlertWatch, a write reactor) is admitted by the
// AlertWatchdog (per-user, per-clinic and total limits), drains the alerts after its cursor on
// the executor, reading its token again before each batch, then waits, holding no thread, until
// the watchdog wakes it (alerts stored, shutdown, token invalid); the watchdog ends it when a
// write stalls or its token turns invalid (alert_watchdog.h).
#include "service/report_service.h"

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>

#include "engine/paging.h"
#include "engine/report_order.h"
#include "service/call.h"
#include "service/convert.h"
#include "service/names.h"

namespace ptrack {
namespace {

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
  out->set_outcome(s.outcome);
  out->set_outcome_change(s.outcome_change);
  out->set_paused(s.paused);
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

static_assert(v1::ALERT_KIND_OUTCOME_WORSENED == static_cast<int>(AlertKind::kOutcomeWorsened) + 1,
              "v1::AlertKind is AlertKind + 1");
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

// One WatchAlerts stream as a write reactor: it holds no thread while it waits. Its steps run
// one at a time, on the executor (opening, draining a batch from the store, ending with the
// audit row) or in gRPC reactions (a write done), never two at once: `phase_` says which is
// current, and an event arriving meanwhile (the watchdog's wake, a cancellation) is remembered in
// `wake_pending_` and looked at when the current step ends. Before each batch it reads its token
// (nothing is written to a token that is no longer valid); each write is timed by the watchdog,
// which cancels the call when it stalls or the token is found invalid. At shutdown the hub closes
// and every watch ends UNAVAILABLE. It owns itself: `self_` keeps it alive until OnDone, and
// every queued step holds a reference, so a step never outlives the object.
class AlertWatch final : public grpc::ServerWriteReactor<v1::Alert>,
                         public std::enable_shared_from_this<AlertWatch> {
 public:
  static AlertWatch* Open(const Deps& deps, grpc::CallbackServerContext* context,
                          const v1::WatchAlertsRequest& req) {
    auto watch = std::shared_ptr<AlertWatch>(new AlertWatch(deps, context, req));
    watch->self_ = watch;
    deps.executor.Submit(context->deadline(),
                         [watch](const CallStart& start) { watch->Start(start); });
    return watch.get();
  }

  void OnSendInitialMetadataDone(bool ok) override {
    if (!ok) return End(Status::Ok());  // the client went away
    std::lock_guard<std::mutex> lock(mu_);
    ScheduleDrainLocked();
  }

  void OnWriteDone(bool ok) override {
    const Status verdict = watch_->EndWrite();
    // A write fails when the watchdog cancelled the call (its verdict says why) or the client went
    // away on its own (nothing to say).
    if (!ok) return End(verdict);
    std::unique_lock<std::mutex> lock(mu_);
    cursor_ = pending_.front().cursor();
    pending_.pop_front();
    if (!pending_.empty()) return WriteNextLocked(lock);
    GoIdleLocked(lock);
  }

  void OnCancel() override { Wake(); }

  void OnDone() override { self_.reset(); }

 private:
  enum class Phase { kOpening, kDraining, kWriting, kIdle, kEnding };

  AlertWatch(const Deps& deps, grpc::CallbackServerContext* context,
             const v1::WatchAlertsRequest& req)
      : deps_(deps),
        context_(context),
        parent_(req.parent()),
        after_cursor_(req.after_cursor()),
        call_(deps, *context, kMethod),
        names_(deps.store) {}

  // On a worker: the gate, the request, admission by the watchdog, then the initial metadata
  // (the client learns from it that the watch holds its place, before any alert).
  void Start(const CallStart& start) {
    if (!start.run()) return FinishWith(Refused(start));
    if (context_->IsCancelled()) return FinishWith(grpc::Status::CANCELLED);
    Status opened = Admit();
    if (!opened.ok()) return End(opened);
    StartSendInitialMetadata();
  }

  Status Admit() {
    PTRACK_RETURN_IF_ERROR(call_.Enter());
    PTRACK_ASSIGN_OR_RETURN(clinic_id_, names::ParseClinic(parent_, "parent"));
    PTRACK_RETURN_IF_ERROR(call_.CheckClinic(clinic_id_));
    PTRACK_ASSIGN_OR_RETURN(cursor_, Cursor(after_cursor_));
    therapist_ = TherapistScope(call_.who());
    std::weak_ptr<AlertWatch> weak = weak_from_this();
    PTRACK_ASSIGN_OR_RETURN(
        watch_, deps_.watches.Admit(call_.who(), Gate::BearerToken(*context_), context_, [weak] {
          if (auto w = weak.lock()) w->Wake();
        }));
    return Status::Ok();
  }

  // Any thread: something may have changed (alerts stored, the hub closed, the verdict turned
  // bad, the call cancelled).
  void Wake() {
    std::lock_guard<std::mutex> lock(mu_);
    if (phase_ == Phase::kIdle) {
      ScheduleDrainLocked();
    } else {
      wake_pending_ = true;
    }
  }

  void ScheduleDrainLocked() {
    phase_ = Phase::kDraining;
    wake_pending_ = false;
    deps_.executor.Continue([self = shared_from_this()] { self->Drain(); });
  }

  // On a worker: reads the alerts after the cursor (one batch) and starts writing them.
  void Drain() {
    if (deps_.alerts.closed()) {
      return End(Status::Unavailable("the server is stopping; reconnect with the last cursor"));
    }
    // The watchdog's verdict (a token found invalid since the last batch) ends an idle watch.
    if (Status verdict = watch_->Verdict(); !verdict.ok()) return End(verdict);
    if (context_->IsCancelled()) return End(Status::Ok());
    const uint64_t generation = deps_.alerts.Generation();
    auto batch = deps_.store.ListAlerts(clinic_id_, therapist_, cursor_, kDrainBatch);
    if (!batch.ok()) return End(batch.status());
    // Nothing is written to a token that is no longer valid: read it before every batch.
    if (!batch->empty()) {
      if (Status token = watch_->CheckToken(); !token.ok()) return End(token);
    }
    std::deque<v1::Alert> out;
    for (const AlertRecord& a : *batch) {
      if (Status converted = names_.ToProto(a, &out.emplace_back()); !converted.ok()) {
        return End(converted);
      }
    }
    std::unique_lock<std::mutex> lock(mu_);
    drained_ = generation;
    more_ = static_cast<int>(batch->size()) == kDrainBatch;
    pending_ = std::move(out);
    if (!pending_.empty()) return WriteNextLocked(lock);
    GoIdleLocked(lock);
  }

  // Starts the write of pending_.front(), unless the watch was ended.
  void WriteNextLocked(std::unique_lock<std::mutex>& lock) {
    if (deps_.alerts.closed()) {
      lock.unlock();
      return End(Status::Unavailable("the server is stopping; reconnect with the last cursor"));
    }
    if (Status verdict = watch_->BeginWrite(); !verdict.ok()) {
      lock.unlock();
      return End(verdict);
    }
    phase_ = Phase::kWriting;
    StartWrite(&pending_.front());
  }

  // After a batch: drains again when the batch was full or something happened meanwhile;
  // otherwise waits (holding no thread) for the next wake.
  void GoIdleLocked(std::unique_lock<std::mutex>& lock) {
    if (more_ || wake_pending_ || deps_.alerts.Generation() != drained_ ||
        context_->IsCancelled()) {
      return ScheduleDrainLocked();
    }
    phase_ = Phase::kIdle;
    lock.unlock();
  }

  // Ends the watch with `outcome` (from the step that is current): the audit row and the
  // status are written on a worker.
  void End(const Status& outcome) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (phase_ == Phase::kEnding) return;
      phase_ = Phase::kEnding;
    }
    deps_.executor.Continue([self = shared_from_this(), outcome] {
      self->watch_.reset();  // frees its places; no wake after this
      self->FinishWith(ToGrpcStatus(self->call_.Finish(outcome)));
    });
  }

  void FinishWith(const grpc::Status& status) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      phase_ = Phase::kEnding;
    }
    Finish(status);
  }

  static constexpr std::string_view kMethod = "/ptrack.v1.ReportService/WatchAlerts";

  std::shared_ptr<AlertWatch> self_;  // until OnDone
  const Deps& deps_;
  grpc::CallbackServerContext* const context_;
  const std::string parent_;
  const int64_t after_cursor_;
  Call call_;
  AlertWriter names_;  // used by one step at a time
  std::string clinic_id_;
  std::string therapist_;
  std::unique_ptr<AlertWatchdog::Watch> watch_;  // set by Start, before any wake or write

  std::mutex mu_;
  Phase phase_ = Phase::kOpening;  // guarded by mu_
  bool wake_pending_ = false;      // guarded by mu_
  bool more_ = false;              // guarded by mu_: the last batch was full
  uint64_t drained_ = 0;           // guarded by mu_: the hub generation the last drain saw
  std::deque<v1::Alert> pending_;  // guarded by mu_: the batch being written, front first
  int64_t cursor_ = 0;             // the last alert written (one step at a time)
};

}  // namespace

grpc::ServerUnaryReactor* ReportServiceImpl::GetClinicReport(grpc::CallbackServerContext* context,
                                                             const v1::GetClinicReportRequest* req,
                                                             v1::ClinicReport* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ReportService/GetClinicReport", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto clinic_id, names::ParseClinic(req->parent(), "parent"));
        PTRACK_RETURN_IF_ERROR(call.CheckClinic(clinic_id));
        PTRACK_ASSIGN_OR_RETURN(auto order, ParseReportOrder(req->order_by()));
        PTRACK_ASSIGN_OR_RETURN(auto page,
                                paging::FromRequest(req->page_size(), req->page_token()));
        PTRACK_ASSIGN_OR_RETURN(size_t offset, ReportOffset(page, order));
        deps_.refresh.Drain(call.TimeLeft(kDrainWait));
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

grpc::ServerWriteReactor<v1::Alert>* ReportServiceImpl::WatchAlerts(
    grpc::CallbackServerContext* context, const v1::WatchAlertsRequest* req) {
  return AlertWatch::Open(deps_, context, *req);
}

grpc::ServerUnaryReactor* ReportServiceImpl::ListAlerts(grpc::CallbackServerContext* context,
                                                        const v1::ListAlertsRequest* req,
                                                        v1::ListAlertsResponse* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ReportService/ListAlerts", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto clinic_id, names::ParseClinic(req->parent(), "parent"));
        PTRACK_RETURN_IF_ERROR(call.CheckClinic(clinic_id));
        PTRACK_ASSIGN_OR_RETURN(int64_t cursor, Cursor(req->after_cursor()));
        PTRACK_ASSIGN_OR_RETURN(auto page, paging::FromRequest(req->page_size(), ""));
        deps_.refresh.Drain(call.TimeLeft(kDrainWait));
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

grpc::ServerUnaryReactor* ReportServiceImpl::AcknowledgeAlert(
    grpc::CallbackServerContext* context, const v1::AcknowledgeAlertRequest* req, v1::Alert* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ReportService/AcknowledgeAlert", [=, this](Call& call) -> Status {
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
