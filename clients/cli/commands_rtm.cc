// Commands: rtm-start, rtm-end, rtm-time, rtm-times, rtm-status — Remote Therapeutic
// Monitoring episodes, clinician time and the readiness the records support (CLINICAL.md §6).
#include <cstdio>
#include <iostream>

#include "clients/cli/commands.h"
#include "clients/cli/uuid.h"
#include "ptrack/v1/rtm.grpc.pb.h"

namespace ptrack::cli {
namespace {

std::string CodesText(const v1::RtmStatus& s) {
  std::string out;
  for (const auto& c : s.codes()) {
    if (!out.empty()) out += ", ";
    out += c.code();
    if (c.units() > 1) out += " x" + std::to_string(c.units());
  }
  return out.empty() ? "none yet" : out;
}

}  // namespace

int RtmStart(Client& c) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  const auto start = c.args().Get("start");
  if (!start) {
    return Usage("rtm-start --patient P --start YYYY-MM-DD [--onboarded] [--practitioner T]");
  }
  v1::StartRtmEpisodeRequest req;
  req.set_parent(patient);
  req.set_episode_id(c.args().Get("id").value_or(NewUuid()));
  req.mutable_episode()->set_start_date(*start);
  req.mutable_episode()->set_onboarding_recorded(c.args().Has("onboarded"));
  if (auto t = c.args().Get("practitioner")) {
    req.mutable_episode()->set_practitioner(t->find('/') == std::string::npos
                                                ? patient.substr(0, patient.find("/patients/")) +
                                                      "/therapists/" + *t
                                                : *t);
  }
  v1::RtmEpisode resp;
  auto status =
      v1::RtmService::NewStub(c.channel())->StartRtmEpisode(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  std::cout << "Monitoring from " << resp.start_date() << " (" << resp.name() << ")\n";
  return kExitOk;
}

int RtmEnd(Client& c) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  v1::EndRtmEpisodeRequest req;
  req.set_parent(patient);
  req.set_end_date(c.args().Get("date").value_or(""));
  v1::RtmEpisode resp;
  auto status = v1::RtmService::NewStub(c.channel())->EndRtmEpisode(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  std::cout << "Monitoring ended on " << resp.end_date() << "\n";
  return kExitOk;
}

int RtmTime(Client& c) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  const auto minutes = c.args().Get("minutes");
  const auto activity = c.args().Get("activity");
  if (!minutes || !activity) {
    return Usage(
        "rtm-time --patient P --minutes N --activity TEXT [--live] [--date D] [--id UUID]");
  }
  v1::AddRtmTimeEntryRequest req;
  req.set_parent(patient);
  req.set_entry_id(c.args().Get("id").value_or(NewUuid()));
  try {
    req.mutable_entry()->set_minutes(std::stoi(*minutes));
  } catch (const std::exception&) {
    return Usage("--minutes must be a whole number");
  }
  req.mutable_entry()->set_activity(*activity);
  req.mutable_entry()->set_live_interaction(c.args().Has("live"));
  req.mutable_entry()->set_date(c.args().Get("date").value_or(""));  // empty: today
  v1::RtmTimeEntry resp;
  auto status =
      v1::RtmService::NewStub(c.channel())->AddRtmTimeEntry(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  std::cout << "Recorded " << resp.minutes() << " min on " << resp.date()
            << (resp.live_interaction() ? " (live interaction)" : "") << "\n";
  return kExitOk;
}

int RtmTimes(Client& c) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  const auto from = c.args().Get("from");
  const auto to = c.args().Get("to");
  if (!from || !to) return Usage("rtm-times --patient P --from YYYY-MM-DD --to YYYY-MM-DD");
  v1::ListRtmTimeEntriesRequest req;
  req.set_parent(patient);
  req.set_start_date(*from);
  req.set_end_date(*to);
  v1::ListRtmTimeEntriesResponse resp;
  auto status =
      v1::RtmService::NewStub(c.channel())->ListRtmTimeEntries(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  for (const auto& e : resp.entries()) {
    std::printf("%s %4d min %-5s %s\n", e.date().c_str(), e.minutes(),
                e.live_interaction() ? "live" : "", e.activity().c_str());
  }
  return kExitOk;
}

int RtmStatus(Client& c) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  v1::GetRtmStatusRequest req;
  req.set_parent(patient);
  req.set_date(c.args().Get("date").value_or(""));
  v1::RtmStatus resp;
  auto status = v1::RtmService::NewStub(c.channel())->GetRtmStatus(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  if (!resp.in_episode()) {
    std::cout << resp.forecast() << "\n";
    return kExitOk;
  }
  std::printf("Period %d (%s to %s): %d data days\n", resp.period_number(),
              resp.period_start().c_str(), resp.period_end().c_str(), resp.data_days());
  std::printf("Month %s to %s: %d clinician minutes, %s\n", resp.month_start().c_str(),
              resp.month_end().c_str(), resp.minutes(),
              resp.live_interaction() ? "live interaction recorded" : "no live interaction yet");
  std::cout << "Codes supported: " << CodesText(resp) << "\n" << resp.forecast() << "\n";
  return kExitOk;
}

}  // namespace ptrack::cli
