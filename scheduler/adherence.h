// Adherence maths: sessions prescribed versus done over a period of local dates. Per day the raw
// counts; in total, each program week (intersected with the period) credits at most as many
// sessions as it prescribed, so extra sessions one week do not hide missed ones another, and a
// session moved to a rest day of the same week still counts.
#pragma once

#include <vector>

#include "scheduler/program.h"
#include "scheduler/progression.h"
#include "scheduler/session.h"

namespace ptrack {

struct AdherenceDay {
  LocalDate date{};
  int sessions_prescribed = 0;  // 0 or 1
  int sessions_done = 0;
  int exercises_done = 0;
  int max_pain = -1;
};

struct Adherence {
  std::vector<AdherenceDay> days;  // one per date in [from, to]
  int sessions_prescribed = 0;
  int sessions_done = 0;  // credited
  double ratio = 0;       // done / prescribed; 0 when nothing was prescribed
};

// `facts` may be in any order and may include days outside [from, to] (they are ignored).
// Training days come from the adaptive plan of `timeline` when given, else from the schedule.
// REQUIRES: from <= to.
Adherence ComputeAdherence(const Program& program, LocalDate from, LocalDate to,
                           const std::vector<DailyFacts>& facts,
                           const Timeline* timeline = nullptr);

}  // namespace ptrack
