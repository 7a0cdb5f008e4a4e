// `ptrackd backup --db X --out Y` and `ptrackd restore --from Y --db X`: the operator's backup
// and restore (storage/backup.h). A backup is safe while ptrackd is serving the database (it is
// one consistent snapshot and does not stop the server's writes); a restore refuses while a
// ptrackd holds the database, and replaces it only with a backup that checks out.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace ptrack {

// Runs `ptrackd backup <args>` or `ptrackd restore <args>` (`command` is "backup" or "restore").
// Returns the exit code: 0 done, 1 failed, 2 bad command line.
int RunBackupCommand(const std::string& command, const std::vector<std::string>& args,
                     std::ostream& out, std::ostream& err);

}  // namespace ptrack
