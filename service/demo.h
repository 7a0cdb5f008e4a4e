// Seeds a demo clinic for `ptrackd --demo`: an admin, a therapist, two patients in different
// time zones, and one patient's program started three weeks ago with logged history. Idempotent:
// when the demo clinic exists nothing is written. The demo passwords are printed by ptrackd and
// are for local trials only.
#pragma once

#include <string>
#include <vector>

#include "scheduler/status.h"
#include "scheduler/time.h"
#include "storage/store.h"

namespace ptrack {

struct DemoAccount {
  std::string username;
  std::string password;
  std::string role;
};

// Seeds the demo as of `now`. Returns the sign-ins (also when the demo already existed).
// REQUIRES: the catalogue is loaded (the default protocol exists).
Result<std::vector<DemoAccount>> SeedDemo(Store& store, Instant now);

}  // namespace ptrack
