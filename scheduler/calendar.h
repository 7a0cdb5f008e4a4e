// The program calendar: which program week and phase a local date falls in, and which days of
// a program week are training days. Weeks start on the program's start date (week 1 = the first
// seven days), so "end of week" is the same local day of the week for the whole program.
#pragma once

#include <vector>

#include "scheduler/catalogue.h"
#include "scheduler/time.h"

namespace ptrack {

// 1-based program week containing `day`; 0 when day < start.
int ProgramWeek(LocalDate start, LocalDate day);

// 0..6: the day's index within its program week. REQUIRES: day >= start.
int DayOfProgramWeek(LocalDate start, LocalDate day);

// The first day of program week `week` (1-based).
LocalDate WeekStart(LocalDate start, int week);

// The phase in effect in program week `week`; nullptr when week < 1 or no phase covers it.
const Phase* PhaseForWeek(const std::vector<Phase>& phases, int week);

// Day offsets (0..6) within a program week on which `sessions_per_week` sessions are prescribed:
// spread evenly from the first day, offset(i) = floor(i * 7 / n). 3 -> {0, 2, 4}; 7 -> every day.
// REQUIRES: 1 <= sessions_per_week <= 7.
std::vector<int> TrainingDayOffsets(int sessions_per_week);

bool IsTrainingDay(int sessions_per_week, int day_of_week);

}  // namespace ptrack
