// JSON encoding of the derived per-patient summary (scheduler/summary.h) stored in the
// patient_status table. The row is derived: a body that does not decode is reported and the
// service recomputes it, so the format can change with a migration that simply clears the table.
#include "storage/json_codec.h"

namespace ptrack::json {
namespace {

using nlohmann::json;

json EncodeWindow(const AdherenceWindow& w) {
  return {w.sessions_prescribed, w.sessions_done, w.exercises_planned, w.exercises_full_dose};
}

AdherenceWindow WindowFrom(const json& j) {
  AdherenceWindow w;
  w.sessions_prescribed = j.at(0).get<int>();
  w.sessions_done = j.at(1).get<int>();
  w.exercises_planned = j.at(2).get<int>();
  w.exercises_full_dose = j.at(3).get<int>();
  return w;
}

struct BadDate {};

LocalDate DateFrom(const json& j) {
  auto d = ParseIsoDate(j.get<std::string>());
  if (!d) throw BadDate{};
  return *d;
}

}  // namespace

json Encode(const PatientSummary& s) {
  json flags = json::array();
  for (const Flag& f : s.open_flags) {
    json flag = {static_cast<int>(f.kind), FormatIsoDate(f.date), f.detail, f.session_id};
    if (!f.response_id.empty()) flag.push_back(f.response_id);
    flags.push_back(std::move(flag));
  }
  json alerts = json::array();
  for (const AlertCandidate& a : s.alerts) {
    alerts.push_back(
        {static_cast<int>(a.kind), a.key, FormatIsoDate(a.date), a.detail, a.session_id});
  }
  json codes = json::array();
  for (const RtmCode& c : s.rtm.codes) codes.push_back({c.code, c.units});
  const RtmStatus& r = s.rtm;
  json out = {{"as_of", FormatIsoDate(s.as_of)},
              {"program", s.program_id},
              {"phase", s.phase_number},
              {"phase_name", s.phase_name},
              {"suspended", s.suspended},
              {"last_7", EncodeWindow(s.last_7)},
              {"last_30", EncodeWindow(s.last_30)},
              {"pain_baseline", s.pain_baseline},
              {"pain_recent", s.pain_recent},
              {"last_session", s.last_session ? FormatIsoDate(*s.last_session) : ""},
              {"flags", std::move(flags)},
              {"pending", s.pending_decisions},
              {"rtm",
               {{"in_episode", r.in_episode},
                {"period", r.period_number},
                {"period_start", FormatIsoDate(r.period_start)},
                {"period_end", FormatIsoDate(r.period_end)},
                {"data_days", r.data_days},
                {"needed", r.data_days_needed},
                {"reachable", r.device_full_reachable},
                {"days_left", r.days_left},
                {"month_start", FormatIsoDate(r.month_start)},
                {"month_end", FormatIsoDate(r.month_end)},
                {"minutes", r.minutes},
                {"live", r.live_interaction},
                {"codes", std::move(codes)},
                {"forecast", r.forecast}}},
              {"rtm_at_risk", s.rtm_at_risk},
              {"alerts", std::move(alerts)}};
  if (!s.outcome.empty()) out["outcome"] = {s.outcome, s.outcome_change};
  if (s.paused) out["paused"] = true;  // left out otherwise, as in summaries stored before pauses
  return out;
}

Result<PatientSummary> DecodeSummary(const json& j) {
  try {
    PatientSummary s;
    s.as_of = DateFrom(j.at("as_of"));
    s.program_id = j.at("program").get<std::string>();
    s.phase_number = j.at("phase").get<int>();
    s.phase_name = j.at("phase_name").get<std::string>();
    s.suspended = j.at("suspended").get<bool>();
    s.last_7 = WindowFrom(j.at("last_7"));
    s.last_30 = WindowFrom(j.at("last_30"));
    s.pain_baseline = j.at("pain_baseline").get<double>();
    s.pain_recent = j.at("pain_recent").get<double>();
    if (const auto& last = j.at("last_session"); !last.get<std::string>().empty()) {
      s.last_session = DateFrom(last);
    }
    for (const json& f : j.at("flags")) {
      s.open_flags.push_back({static_cast<FlagKind>(f.at(0).get<int>()), DateFrom(f.at(1)),
                              f.at(2).get<std::string>(), f.at(3).get<std::string>(),
                              f.size() > 4 ? f.at(4).get<std::string>() : ""});
    }
    s.pending_decisions = j.at("pending").get<int>();
    const json& r = j.at("rtm");
    s.rtm.in_episode = r.at("in_episode").get<bool>();
    s.rtm.period_number = r.at("period").get<int>();
    s.rtm.period_start = DateFrom(r.at("period_start"));
    s.rtm.period_end = DateFrom(r.at("period_end"));
    s.rtm.data_days = r.at("data_days").get<int>();
    s.rtm.data_days_needed = r.at("needed").get<int>();
    s.rtm.device_full_reachable = r.at("reachable").get<bool>();
    s.rtm.days_left = r.at("days_left").get<int>();
    s.rtm.month_start = DateFrom(r.at("month_start"));
    s.rtm.month_end = DateFrom(r.at("month_end"));
    s.rtm.minutes = r.at("minutes").get<int>();
    s.rtm.live_interaction = r.at("live").get<bool>();
    for (const json& c : r.at("codes")) {
      s.rtm.codes.push_back({c.at(0).get<std::string>(), c.at(1).get<int>()});
    }
    s.rtm.forecast = r.at("forecast").get<std::string>();
    s.rtm_at_risk = j.at("rtm_at_risk").get<bool>();
    for (const json& a : j.at("alerts")) {
      s.alerts.push_back({static_cast<AlertKind>(a.at(0).get<int>()), a.at(1).get<std::string>(),
                          DateFrom(a.at(2)), a.at(3).get<std::string>(),
                          a.at(4).get<std::string>()});
    }
    s.paused = j.value("paused", false);
    if (j.contains("outcome")) {  // summaries stored before outcome measures have none
      s.outcome = j.at("outcome").at(0).get<std::string>();
      s.outcome_change = j.at("outcome").at(1).get<int>();
    }
    return s;
  } catch (const nlohmann::json::exception&) {
    return Status::InvalidArgument("summary", "malformed value");
  } catch (const BadDate&) {
    return Status::InvalidArgument("summary", "not a date");
  }
}

}  // namespace ptrack::json
