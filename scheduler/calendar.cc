// Program weeks, phases by week, and the spread of training days within a week.
#include "scheduler/calendar.h"

#include <algorithm>

namespace ptrack {

int ProgramWeek(LocalDate start, LocalDate day) {
  if (day < start) return 0;
  return static_cast<int>((day - start).count() / 7) + 1;
}

int DayOfProgramWeek(LocalDate start, LocalDate day) {
  return static_cast<int>((day - start).count() % 7);
}

LocalDate WeekStart(LocalDate start, int week) { return start + date::days{7 * (week - 1)}; }

const Phase* PhaseForWeek(const std::vector<Phase>& phases, int week) {
  if (week < 1) return nullptr;
  for (const Phase& p : phases) {
    if (week >= p.start_week && (p.weeks == 0 || week < p.start_week + p.weeks)) return &p;
  }
  return nullptr;
}

std::vector<int> TrainingDayOffsets(int n) {
  std::vector<int> offsets;
  for (int i = 0; i < n; ++i) offsets.push_back(i * 7 / n);
  return offsets;
}

bool IsTrainingDay(int sessions_per_week, int day_of_week) {
  auto offsets = TrainingDayOffsets(sessions_per_week);
  return std::find(offsets.begin(), offsets.end(), day_of_week) != offsets.end();
}

}  // namespace ptrack
