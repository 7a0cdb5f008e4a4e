// Unit tests for scheduler/program.h: RevisionInEffect picks the highest-numbered revision whose
// effective date is on or before a day (each revision is built on the one before it, so a newer
// revision is never undone by an older one dated later), and revision 1 before every effective
// date — including for revisions whose effective dates are not in revision order.
#include "scheduler/program.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace ptrack {
namespace {

LocalDate Ymd(int y, unsigned m, unsigned d) {
  return LocalDate{date::year{y} / date::month{m} / date::day{d}};
}

// Revisions numbered 1..n with the given effective dates (phases are irrelevant here).
Program WithRevisions(const std::vector<LocalDate>& effective) {
  Program program;
  program.id = "program-1";
  program.start_date = effective.front();
  for (size_t i = 0; i < effective.size(); ++i) {
    ProgramRevision r;
    r.revision = static_cast<int>(i) + 1;
    r.effective_date = effective[i];
    r.reason = "change " + std::to_string(r.revision);
    program.revisions.push_back(r);
  }
  return program;
}

TEST_CASE("RevisionInEffect: the newest revision in effect on the day wins",
          "[foundation][program]") {
  const Program program = WithRevisions({
      Ymd(2026, 3, 2),   // 1: at the start
      Ymd(2026, 3, 20),  // 2
      Ymd(2026, 4, 1),   // 3
      Ymd(2026, 4, 1),   // 4: same day as 3
      Ymd(2026, 3, 25),  // 5: made later, backdated between 2 and 3
  });
  // day -> revision in effect
  const auto row = GENERATE(table<LocalDate, int>({
      {Ymd(2025, 12, 31), 1},  // before every effective date
      {Ymd(2026, 3, 1), 1},
      {Ymd(2026, 3, 2), 1},
      {Ymd(2026, 3, 19), 1},
      {Ymd(2026, 3, 20), 2},  // from its effective date on
      {Ymd(2026, 3, 24), 2},
      {Ymd(2026, 3, 25), 5},  // the backdated revision 5
      {Ymd(2026, 3, 31), 5},
      {Ymd(2026, 4, 1), 5},  // 3 and 4 take effect, but 5 was made after them and stays
      {Ymd(2030, 1, 1), 5},
  }));
  INFO("day " << FormatIsoDate(std::get<0>(row)));
  const ProgramRevision& r = RevisionInEffect(program, std::get<0>(row));
  CHECK(r.revision == std::get<1>(row));
  // A reference into the program's own history, not a copy.
  CHECK(&r == &program.revisions[std::get<1>(row) - 1]);
}

// Regression: the search started from revision 1 as the best candidate even when revision 1 was
// not yet in effect on the day, so a revision whose effective date is earlier than revision 1's
// (e.g. a program created to start next week, then revised with an effective date of today) was
// never chosen.
TEST_CASE(
    "RevisionInEffect: a revision effective before revision 1's date is in effect from "
    "its own date",
    "[foundation][program]") {
  const Program program = WithRevisions({
      Ymd(2026, 3, 10),  // 1: effective from the planned start
      Ymd(2026, 3, 5),   // 2: made before the start, effective earlier
      Ymd(2026, 3, 7),   // 3
  });
  const auto row = GENERATE(table<LocalDate, int>({
      {Ymd(2026, 3, 4), 1},  // before every effective date
      {Ymd(2026, 3, 5), 2},
      {Ymd(2026, 3, 6), 2},
      {Ymd(2026, 3, 8), 3},
      {Ymd(2026, 3, 10), 3},  // revision 1 takes effect, but 3 was built on it and stays
      {Ymd(2026, 3, 11), 3},
  }));
  INFO("day " << FormatIsoDate(std::get<0>(row)));
  CHECK(RevisionInEffect(program, std::get<0>(row)).revision == std::get<1>(row));
}

}  // namespace
}  // namespace ptrack
