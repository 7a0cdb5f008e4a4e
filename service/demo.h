// Seeds a demo clinic for `ptrackd --demo`: an admin, a therapist, two patients in different
// time zones, and one patient's program started three weeks ago with logged history. Idempotent
// and resumable: every step creates only what is absent, so a seeding interrupted half-way is
// completed by the next --demo start, and a complete demo is left as it is. The demo passwords are
// printed by ptrackd and are for local trials only.
#pragma once

#include <string>
#include <vector>

#include "scheduler/rules.h"
#include "scheduler/status.h"
#include "scheduler/time.h"
#include "storage/store.h"

namespace ptrack {

struct DemoAccount {
  std::string username;
  std::string password;
  std::string role;
};

// Seeds the demo as of `now`, its program following `rules`. Returns the sign-ins (also when
// the demo already existed). REQUIRES: the catalogue is loaded (the default protocol exists).
Result<std::vector<DemoAccount>> SeedDemo(Store& store, const ProgressionRules& rules, Instant now);

}  // namespace ptrack
