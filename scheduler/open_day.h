// The open day: the progression replay (progression.h) paused at the end of the patient's today,
// kept so that a session logged later the same day is taken in by itself instead of by replaying
// the open days again. On a day with many sessions that is the difference between an evaluation
// whose cost grows with the day's sessions and one that does not. It holds what the replay carries
// (the current state without its trails, the counters, the weeks therapists closed) and, of the
// sessions, only the facts a later session of the same day can still need: those performed in
// the four days before the latest (a worse morning looks two days ahead).
//
// Taking sessions in this way gives exactly the timeline a replay would only when the day is
// quiet and the sessions are plainly new; TakeInToday checks each condition and answers nullopt
// otherwise, and the caller evaluates again from the checkpoint. The conditions, with why:
//  - the day had no red flags, no therapist actions, no revision taking effect and raised no
//    inactivity flag (a replay takes the day's sessions in before those, and its end-of-day step
//    would not have raised the flag);
//  - each session was performed and received on that day, carries no red flag, and comes after
//    every session the replay has seen in its order (perform time, then id), so that the replay
//    would take it in last;
//  - on the first day of a program week (the grace day of the week before, whose decisions the
//    replay has taken), no session shows that one of the week before was followed by a worse
//    morning (it starts from higher pain within two days): that would still reach those
//    decisions.
// tests/scheduler/open_day_property_test.cc checks the equality over random histories.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scheduler/checkpoint.h"

namespace ptrack {

struct OpenDay {
  // What a later session of the day may pair with: a session performed before it that a worse
  // morning, reported late, compares it to.
  struct Recent {
    Instant perform_time{};
    Instant receive_time{};
    LocalDate local_date{};
    int pain_before = 0;
    int week = 0;  // the program week of its local date
  };

  LocalDate day{};
  ProgressState state;  // the current state, without the trails only a week's decision reads
  ReplayCounters counters;
  std::map<int, Instant> closed_at;  // program week -> when a therapist closed it on its grace day
  std::vector<Recent> recent;        // in the replay's order
  Instant latest_perform{};          // the latest session seen, in the replay's order
  std::string latest_id;
};

// `timeline` (evaluated through open.day, with `open` kept by that evaluation; its states' trails
// may have been dropped) with `added` taken in, and the open day after them; nullopt when the
// conditions above do not hold, and then nothing can be concluded without a replay. `added`: any
// order. REQUIRES: `program`, `catalogue` and `zone` are those of the evaluation that kept `open`.
std::optional<Evaluation> TakeInToday(const Program& program, const Timeline& timeline,
                                      const OpenDay& open, const std::vector<Session>& added,
                                      const CatalogueView& catalogue, Zone zone);

}  // namespace ptrack
