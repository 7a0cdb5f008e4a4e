// Remote Therapeutic Monitoring readiness (CLINICAL.md §6): for one patient's monitoring episode
// and a local date, which billing codes the records support and what is still needed. Two clocks:
// the device-supply codes count distinct days with patient data (by the server's receive time, in
// the patient's zone) in rolling periods of `period_days` from the monitoring start; the
// treatment-management codes count clinician minutes, with at least one live interaction, in the
// calendar month. Every threshold and code comes from data (data/rules/rtm.json, RtmRules); the
// zero-initialised struct is not usable and Validate rejects it. Pure: same inputs, same answer.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scheduler/status.h"
#include "scheduler/time.h"

namespace ptrack {

struct RtmRules {
  int period_days = 0;               // the device-supply period, from the monitoring start
  int device_min_days = 0;           // fewest data days for device_code_low
  int device_full_days = 0;          // fewest data days for device_code_high
  int management_first_minutes = 0;  // fewest minutes for management_code_first
  int management_full_minutes = 0;   // fewest minutes for management_code_full
  int management_more_minutes = 0;   // each further block for management_code_more
  std::string setup_code;            // once per episode, when onboarding is recorded
  std::string device_code_low;       // device_min_days .. device_full_days - 1 days
  std::string device_code_high;      // device_full_days days or more
  std::string management_code_first;
  std::string management_code_full;
  std::string management_code_more;
};

// Calls on_number(name, int&) for each threshold and on_code(name, std::string&) for each code,
// by their names in the data file; `Rules` is RtmRules or const RtmRules.
template <typename Rules, typename OnNumber, typename OnCode>
void ForEachRtmField(Rules& r, OnNumber on_number, OnCode on_code) {
  on_number("period_days", r.period_days);
  on_number("device_min_days", r.device_min_days);
  on_number("device_full_days", r.device_full_days);
  on_number("management_first_minutes", r.management_first_minutes);
  on_number("management_full_minutes", r.management_full_minutes);
  on_number("management_more_minutes", r.management_more_minutes);
  on_code("setup_code", r.setup_code);
  on_code("device_code_low", r.device_code_low);
  on_code("device_code_high", r.device_code_high);
  on_code("management_code_first", r.management_code_first);
  on_code("management_code_full", r.management_code_full);
  on_code("management_code_more", r.management_code_more);
}

// Fields named "rtm.<field>" in violations.
Status Validate(const RtmRules& rules);

// A monitoring episode: from start_date (the patient's zone) until end_date, if it ended.
struct RtmEpisode {
  LocalDate start_date{};
  std::optional<LocalDate> end_date;  // inclusive
  bool onboarding_recorded = false;   // set-up and education done, with consent
};

// A clinician's time on the patient's monitoring, on a local date (the patient's zone).
struct RtmTimeEntry {
  LocalDate date{};
  int minutes = 0;
  bool live = false;  // a real-time phone or video interaction with the patient
};

struct RtmCode {
  std::string code;
  int units = 1;
  bool operator==(const RtmCode&) const = default;
};

struct RtmStatus {
  bool in_episode = false;  // false: `date` is outside the episode; nothing below applies
  // The device-supply period containing the date: [period_start, period_end].
  int period_number = 0;  // 1-based
  LocalDate period_start{};
  LocalDate period_end{};
  int data_days = 0;  // distinct data days in the period up to and including the date
  // Data days still needed for the higher device tier, and the last day to get them (period end
  // or episode end, whichever is first); 0 when already met.
  int data_days_needed = 0;
  bool device_full_reachable = true;  // false: too few days left in the period
  int days_left = 0;  // days that can still add a data day (today when it has none yet)
  // The calendar month containing the date: [month_start, month_end].
  LocalDate month_start{};
  LocalDate month_end{};
  int minutes = 0;  // clinician minutes in the month up to and including the date
  bool live_interaction = false;
  std::vector<RtmCode> codes;  // what the records support so far, in code-table order
  std::string forecast;        // one plain sentence for the report
  bool operator==(const RtmStatus&) const = default;
};

// `data_days` are the patient's distinct data dates (any order, duplicates and dates outside the
// period are ignored); `entries` any order. Counts include `date` and nothing after it.
// REQUIRES: Validate(rules).ok().
RtmStatus ComputeRtm(const RtmRules& rules, const RtmEpisode& episode, LocalDate date,
                     const std::vector<LocalDate>& data_days,
                     const std::vector<RtmTimeEntry>& entries);

}  // namespace ptrack
