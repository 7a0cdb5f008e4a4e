// Parsing the backup and restore command lines.
#include "service/backup_command.h"

#include <chrono>
#include <iostream>
#include <map>

#include "storage/backup.h"

namespace ptrack {
namespace {

constexpr const char* kUsage = R"(Usage: ptrackd backup --db PATH --out NEW_FILE
       ptrackd restore --from BACKUP --db PATH

backup   copies the database (while ptrackd serves it, if need be) into NEW_FILE, which must
         not exist; the copy is one consistent moment, checked before it is kept.
restore  replaces the database at PATH with BACKUP after checking it; stop ptrackd first.
)";

}  // namespace

int RunBackupCommand(const std::string& command, const std::vector<std::string>& args,
                     std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> flags;
  for (size_t i = 0; i < args.size(); i += 2) {
    if (args[i] == "--help" || args[i] == "-h") {
      out << kUsage;
      return 0;
    }
    if (args[i].rfind("--", 0) != 0 || i + 1 >= args.size()) {
      err << "ptrackd " << command << ": expected --flag VALUE, got " << args[i] << "\n" << kUsage;
      return 2;
    }
    flags[args[i].substr(2)] = args[i + 1];
  }
  const char* other = command == "backup" ? "out" : "from";
  for (const auto& [name, value] : flags) {
    if (name != "db" && name != other) {
      err << "ptrackd " << command << ": unknown flag --" << name << "\n" << kUsage;
      return 2;
    }
  }
  if (flags["db"].empty() || flags[other].empty()) {
    err << "ptrackd " << command << ": --db and --" << other << " are required\n" << kUsage;
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const Status s = command == "backup" ? BackupDatabase(flags["db"], flags["out"])
                                       : RestoreDatabase(flags["from"], flags["db"]);
  if (!s.ok()) {
    err << "ptrackd " << command << ": " << s.message() << "\n";
    return 1;
  }
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  out << (command == "backup" ? "backed up " + flags["db"] + " to " + flags["out"]
                              : "restored " + flags["db"] + " from " + flags["from"])
      << " (checked; " << ms << " ms)\n";
  return 0;
}

}  // namespace ptrack
