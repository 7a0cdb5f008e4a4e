// `ptrackd admin ...`: the operator's command line for what no API caller may do — create a
// clinic with its first admin, issue an enrolment code for any account (first sign-in, forgotten
// password, unlocking), sign an account out everywhere, and disable or enable an account. Works on
// the database file directly (safe while ptrackd runs: SQLite serialises the writers).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace ptrack {

// Runs `ptrackd admin <args>`; prints results to `out` and problems to `err`. Returns the
// process exit code: 0 done, 1 failed, 2 bad command line.
int RunAdminCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace ptrack
