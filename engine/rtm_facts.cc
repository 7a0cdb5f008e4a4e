// Reading the RTM inputs of one patient and date.
#include "engine/rtm_facts.h"

#include <set>

namespace ptrack {

Result<RtmOnDate> ComputeRtmOn(const EngineDeps& deps, const Patient& patient, Zone zone,
                               LocalDate day) {
  RtmOnDate out;
  // The episode covering the day: the latest that started on or before it.
  PTRACK_ASSIGN_OR_RETURN(auto episodes, deps.store.ListRtmEpisodes(patient.id));
  for (const auto& e : episodes) {
    if (e.start_date <= day && (!e.end_date || day <= *e.end_date)) out.episode = e;
  }
  RtmEpisode episode;
  std::vector<LocalDate> data_days;
  std::vector<RtmTimeEntry> entries;
  if (out.episode) {
    const RtmEpisodeRecord& found = *out.episode;
    episode = {found.start_date, found.end_date, found.onboarding};
    // A period is at most period_days long, so data from before that cannot count.
    const LocalDate from = day - date::days{deps.clinical.rtm.period_days};
    PTRACK_ASSIGN_OR_RETURN(auto received,
                            deps.store.ListReceiveTimes(patient.id, StartOfDay(from, zone),
                                                        StartOfDay(day + date::days{1}, zone)));
    std::set<LocalDate> days;
    for (Instant t : received) days.insert(LocalDateOf(t, zone));
    data_days.assign(days.begin(), days.end());
    const date::year_month_day ymd{day};
    PTRACK_ASSIGN_OR_RETURN(
        auto recorded,
        deps.store.ListRtmTimeEntries(patient.id, LocalDate{ymd.year() / ymd.month() / 1}, day));
    for (const auto& r : recorded) entries.push_back({r.date, r.minutes, r.live});
  } else {
    episode.start_date = day + date::days{1};  // outside any episode
  }
  out.status = ComputeRtm(deps.clinical.rtm, episode, day, data_days, entries);
  return out;
}

}  // namespace ptrack
