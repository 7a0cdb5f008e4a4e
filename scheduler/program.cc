// Choosing the program revision in effect on a local date, and whether a day is paused.
#include "scheduler/program.h"

namespace ptrack {

const ProgramRevision& RevisionInEffect(const Program& program, LocalDate day) {
  const ProgramRevision* best = nullptr;
  for (const ProgramRevision& r : program.revisions) {
    if (r.effective_date > day) continue;
    // Each revision is built on the one before it, so the newest revision in effect wins.
    if (best == nullptr || r.revision > best->revision) {
      best = &r;
    }
  }
  return best != nullptr ? *best : program.revisions.front();
}

bool PausedOn(const Program& program, LocalDate day) {
  for (const Pause& p : program.pauses) {
    if (p.Covers(day)) return true;
  }
  return false;
}

}  // namespace ptrack
