// Choosing the program revision in effect on a local date.
#include "scheduler/program.h"

namespace ptrack {

const ProgramRevision& RevisionInEffect(const Program& program, LocalDate day) {
  const ProgramRevision* best = nullptr;
  for (const ProgramRevision& r : program.revisions) {
    if (r.effective_date > day) continue;
    if (best == nullptr || r.effective_date > best->effective_date ||
        (r.effective_date == best->effective_date && r.revision > best->revision)) {
      best = &r;
    }
  }
  return best != nullptr ? *best : program.revisions.front();
}

}  // namespace ptrack
