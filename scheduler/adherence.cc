// Adherence over a period, credited per program week.
#include "scheduler/adherence.h"

#include <algorithm>
#include <map>

#include "scheduler/calendar.h"
#include "scheduler/plan.h"

namespace ptrack {

Adherence ComputeAdherence(const Program& program, LocalDate from, LocalDate to,
                           const std::vector<DailyFacts>& facts, const Timeline* timeline) {
  std::map<LocalDate, const DailyFacts*> by_date;
  for (const DailyFacts& f : facts) by_date[f.date] = &f;

  Adherence out;
  struct WeekTotals {
    int prescribed = 0;
    int done = 0;
  };
  std::map<int, WeekTotals> weeks;  // program week (0 = before the start) -> totals
  for (LocalDate day = from; day <= to; day += date::days{1}) {
    AdherenceDay d;
    d.date = day;
    const PlanDay plan =
        timeline != nullptr ? PlanFor(program, *timeline, day) : PlanFor(program, day);
    d.sessions_prescribed = plan.training_day ? 1 : 0;
    if (auto it = by_date.find(day); it != by_date.end()) {
      d.sessions_done = it->second->sessions_done;
      d.exercises_done = it->second->exercises_done;
      d.max_pain = it->second->max_pain;
    }
    WeekTotals& w = weeks[plan.program_week];
    w.prescribed += d.sessions_prescribed;
    w.done += d.sessions_done;
    out.days.push_back(d);
  }
  for (const auto& [week, w] : weeks) {
    out.sessions_prescribed += w.prescribed;
    out.sessions_done += std::min(w.done, w.prescribed);
  }
  out.ratio = out.sessions_prescribed == 0
                  ? 0.0
                  : static_cast<double>(out.sessions_done) / out.sessions_prescribed;
  return out;
}

}  // namespace ptrack
