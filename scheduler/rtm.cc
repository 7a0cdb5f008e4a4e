// RTM readiness: the device-supply period and the management month around a date, their counts,
// the codes they support and the forecast sentence (rtm.h states the contract).
#include "scheduler/rtm.h"

#include <algorithm>
#include <set>

namespace ptrack {
namespace {

int DaysFrom(LocalDate from, LocalDate to) { return static_cast<int>((to - from).count()); }

}  // namespace

Status Validate(const RtmRules& r) {
  Violations v;
  ForEachRtmField(
      r,
      [&](const char* field, int value) {
        if (value < 1) v.Add(std::string("rtm.") + field, "must be at least 1");
      },
      [&](const char* field, const std::string& code) {
        if (code.empty()) v.Add(std::string("rtm.") + field, "is required");
      });
  if (r.device_min_days > r.device_full_days) {
    v.Add("rtm.device_min_days", "must not exceed device_full_days");
  }
  if (r.device_full_days > r.period_days) {
    v.Add("rtm.device_full_days", "must not exceed period_days");
  }
  if (r.management_first_minutes > r.management_full_minutes) {
    v.Add("rtm.management_first_minutes", "must not exceed management_full_minutes");
  }
  return v.ToStatus();
}

RtmStatus ComputeRtm(const RtmRules& rules, const RtmEpisode& episode, LocalDate date,
                     const std::vector<LocalDate>& data_days,
                     const std::vector<RtmTimeEntry>& entries) {
  RtmStatus s;
  const bool ended = episode.end_date && date > *episode.end_date;
  if (date < episode.start_date || ended) {
    s.forecast = "Not in a monitoring episode on " + FormatIsoDate(date) + ".";
    return s;
  }
  s.in_episode = true;

  // The device-supply period: rolling from the start, cut short by the episode's end.
  const int index = DaysFrom(episode.start_date, date) / rules.period_days;
  s.period_number = index + 1;
  s.period_start = episode.start_date + date::days{index * rules.period_days};
  s.period_end = s.period_start + date::days{rules.period_days - 1};
  const LocalDate last_day =
      episode.end_date ? std::min(s.period_end, *episode.end_date) : s.period_end;
  std::set<LocalDate> counted;
  for (LocalDate d : data_days) {
    if (d >= s.period_start && d <= date) counted.insert(d);
  }
  s.data_days = static_cast<int>(counted.size());
  s.data_days_needed = std::max(0, rules.device_full_days - s.data_days);
  const int remaining = DaysFrom(date, last_day) + (counted.count(date) ? 0 : 1);
  s.days_left = remaining;
  s.device_full_reachable = s.data_days_needed <= remaining;

  // The management month: the calendar month, from the episode's start at the earliest.
  const date::year_month_day ymd{date};
  s.month_start = LocalDate{ymd.year() / ymd.month() / 1};
  s.month_end = LocalDate{ymd.year() / ymd.month() / date::last};
  const LocalDate month_from = std::max(s.month_start, episode.start_date);
  for (const RtmTimeEntry& e : entries) {
    if (e.date < month_from || e.date > date) continue;
    s.minutes += e.minutes;
    s.live_interaction = s.live_interaction || e.live;
  }

  if (episode.onboarding_recorded && s.period_number == 1) s.codes.push_back({rules.setup_code});
  if (s.data_days >= rules.device_full_days) {
    s.codes.push_back({rules.device_code_high});
  } else if (s.data_days >= rules.device_min_days) {
    s.codes.push_back({rules.device_code_low});
  }
  if (s.live_interaction && s.minutes >= rules.management_full_minutes) {
    s.codes.push_back({rules.management_code_full});
    const int more = (s.minutes - rules.management_full_minutes) / rules.management_more_minutes;
    if (more > 0) s.codes.push_back({rules.management_code_more, more});
  } else if (s.live_interaction && s.minutes >= rules.management_first_minutes) {
    s.codes.push_back({rules.management_code_first});
  }

  const std::string full = std::to_string(rules.device_full_days);
  if (s.data_days_needed == 0) {
    s.forecast = full + " data days reached this period.";
  } else if (s.device_full_reachable) {
    s.forecast = "Needs " + std::to_string(s.data_days_needed) + " more data day" +
                 (s.data_days_needed == 1 ? "" : "s") + " by " + FormatIsoDate(last_day) + ".";
  } else {
    s.forecast = "Can no longer reach " + full + " data days this period (ends " +
                 FormatIsoDate(last_day) + ").";
  }
  if (!s.live_interaction && s.minutes >= rules.management_first_minutes) {
    s.forecast += " Management time needs a live interaction this month.";
  }
  return s;
}

}  // namespace ptrack
