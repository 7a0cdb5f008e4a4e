// Choosing the program revision in effect on a local date.
#include "scheduler/program.h"

namespace ptrack {

const ProgramRevision& RevisionInEffect(const Program& program, LocalDate day) {
  const ProgramRevision* best = &program.revisions.front();
  for (const ProgramRevision& r : program.revisions) {
    if (r.effective_date <= day &&
        (r.effective_date > best->effective_date ||
         (r.effective_date == best->effective_date && r.revision > best->revision))) {
      best = &r;
    }
  }
  return *best;
}

}  // namespace ptrack
