// Commands: report, alerts, watch, ack — the clinic report (one line per patient, most in need of
// attention first by default), the alert log, a live watch that prints alerts as they come and
// reconnects from its last cursor when the connection drops, and acknowledging an alert.
#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "clients/cli/commands.h"
#include "clients/cli/format.h"
#include "ptrack/v1/report.grpc.pb.h"

namespace ptrack::cli {
namespace {

// The caller's clinic ("clinics/demo"), or empty after printing a usage error.
std::string Clinic(const Client& c, const std::string& usage) {
  if (!c.profile() || c.profile()->clinic.empty()) {
    Usage(usage + " (signed in as a therapist or admin)");
    return "";
  }
  return c.profile()->clinic;
}

std::string Percent(double ratio, int of) {
  if (of == 0) return "-";
  return std::to_string(static_cast<int>(ratio * 100 + 0.5)) + "%";
}

std::string Pain(double v) {
  if (v < 0) return "-";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string AlertLine(const v1::Alert& a) {
  std::string line = "#" + std::to_string(a.cursor()) + " " +
                     EnumWord(v1::AlertKind_Name(a.kind()), "ALERT_KIND_") + " " + a.date() + " " +
                     a.patient_display_name() + ": " + a.detail();
  if (a.acknowledged()) line += " (acknowledged by " + a.acknowledged_by() + ")";
  return line;
}

std::string OneLineJson(const google::protobuf::Message& m) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(m, &out, options);
  return out;
}

}  // namespace

int Report(Client& c) {
  const std::string clinic = Clinic(c, "report [--order FIELD[ desc]]");
  if (clinic.empty()) return kExitUsage;
  v1::GetClinicReportRequest req;
  req.set_parent(clinic);
  req.set_order_by(c.args().Get("order").value_or(""));
  req.set_page_size(200);
  auto stub = v1::ReportService::NewStub(c.channel());
  v1::ClinicReport all;
  auto status = FetchAllPages(req, &all, [&](const auto& r, v1::ClinicReport* page) {
    return stub->GetClinicReport(c.Context().get(), r, page);
  });
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(all);
  std::printf("%-22s %5s %-14s %9s %9s %6s %-11s %-10s %-5s %s\n", "patient", "need", "phase", "7d",
              "30d", "dose", "pain", "last", "rtm", "open flags / pending decisions");
  for (const v1::ReportRow& r : all.rows()) {
    if (!r.has_program()) {
      std::printf("%-22.22s %5d %s\n", r.display_name().c_str(), r.attention(),
                  "no active program");
      continue;
    }
    const auto& w7 = r.last_7_days();
    const auto& w30 = r.last_30_days();
    std::string flags;
    for (const auto& f : r.open_flags()) {
      flags += (flags.empty() ? "" : ", ") + EnumWord(v1::FlagKind_Name(f.kind()), "FLAG_KIND_");
    }
    if (r.paused()) flags = "paused" + std::string(flags.empty() ? "" : ", ") + flags;
    if (r.pending_decisions() > 0) {
      flags += (flags.empty() ? "" : "; ") + std::to_string(r.pending_decisions()) + " pending";
    }
    const std::string rtm =
        r.rtm().in_episode() ? std::to_string(r.rtm().data_days()) + (r.rtm().at_risk() ? "!" : "")
                             : "-";
    std::printf("%-22.22s %5d %-14.14s %3d/%-2d %3s %3d/%-2d %3s %6s %4s->%-4s %-10s %-5s %s\n",
                r.display_name().c_str(), r.attention(),
                (std::to_string(r.phase_number()) + " " + r.phase_name()).c_str(),
                w7.sessions_done(), w7.sessions_prescribed(),
                Percent(w7.sessions_ratio(), w7.sessions_prescribed()).c_str(), w30.sessions_done(),
                w30.sessions_prescribed(),
                Percent(w30.sessions_ratio(), w30.sessions_prescribed()).c_str(),
                Percent(w30.dose_ratio(), w30.exercises_planned()).c_str(),
                Pain(r.pain_baseline()).c_str(), Pain(r.pain_recent()).c_str(),
                r.last_session_date().empty() ? "-" : r.last_session_date().c_str(), rtm.c_str(),
                flags.c_str());
  }
  std::printf(
      "%d patient(s); figures as of each patient's own day (7d/30d: sessions done of "
      "prescribed; dose: exercises at the full dose; rtm: data days, ! = at risk)\n",
      all.total_size());
  return kExitOk;
}

int Alerts(Client& c) {
  const std::string clinic = Clinic(c, "alerts [--after CURSOR] [--unacknowledged]");
  if (clinic.empty()) return kExitUsage;
  v1::ListAlertsRequest req;
  req.set_parent(clinic);
  req.set_page_size(200);
  req.set_unacknowledged_only(c.args().Has("unacknowledged"));
  try {
    req.set_after_cursor(std::stoll(c.args().Get("after").value_or("0")));
  } catch (const std::exception&) {
    return Usage("--after must be a cursor number");
  }
  auto stub = v1::ReportService::NewStub(c.channel());
  v1::ListAlertsResponse all;
  for (;;) {
    v1::ListAlertsResponse page;
    auto status = stub->ListAlerts(c.Context().get(), req, &page);
    if (!status.ok()) return c.Fail(status);
    all.mutable_alerts()->MergeFrom(page.alerts());
    all.set_next_cursor(page.next_cursor());
    if (page.next_cursor() == req.after_cursor()) break;
    req.set_after_cursor(page.next_cursor());
  }
  if (c.json()) return c.PrintJson(all);
  for (const v1::Alert& a : all.alerts()) std::cout << AlertLine(a) << "\n";
  std::cout << all.alerts_size() << " alert(s); next cursor " << all.next_cursor() << "\n";
  return kExitOk;
}

int Watch(Client& c) {
  const std::string clinic = Clinic(c, "watch [--after CURSOR]");
  if (clinic.empty()) return kExitUsage;
  v1::WatchAlertsRequest req;
  req.set_parent(clinic);
  try {
    req.set_after_cursor(std::stoll(c.args().Get("after").value_or("0")));
  } catch (const std::exception&) {
    return Usage("--after must be a cursor number");
  }
  auto stub = v1::ReportService::NewStub(c.channel());
  auto backoff = std::chrono::seconds(1);
  std::cerr << "Watching alerts of " << clinic << " (Ctrl-C to stop)\n";
  for (;;) {
    auto context = c.Context();
    context->set_deadline(std::chrono::system_clock::time_point::max());
    auto reader = stub->WatchAlerts(context.get(), req);
    v1::Alert alert;
    while (reader->Read(&alert)) {
      std::cout << (c.json() ? OneLineJson(alert) : AlertLine(alert)) << std::endl;
      req.set_after_cursor(alert.cursor());
      backoff = std::chrono::seconds(1);
    }
    const grpc::Status status = reader->Finish();
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE) return c.Fail(status);
    // The server stopped or the network dropped: resume after the last alert printed.
    std::cerr << "Connection lost (" << status.error_message() << "); reconnecting after #"
              << req.after_cursor() << " in " << backoff.count() << " s\n";
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::seconds(30));
  }
}

int Ack(Client& c) {
  const std::string clinic = Clinic(c, "ack ALERT (a cursor number or clinics/{c}/alerts/{id})");
  if (clinic.empty()) return kExitUsage;
  if (c.args().positional().size() < 2) {
    return Usage("ack ALERT (a cursor number or clinics/{c}/alerts/{id})");
  }
  std::string name = c.args().positional()[1];
  if (name.find('/') == std::string::npos) name = clinic + "/alerts/" + name;
  v1::AcknowledgeAlertRequest req;
  req.set_name(name);
  v1::Alert resp;
  auto status =
      v1::ReportService::NewStub(c.channel())->AcknowledgeAlert(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  std::cout << AlertLine(resp) << "\n";
  return kExitOk;
}

}  // namespace ptrack::cli
