// A small command-line parser for the ptrack client: positional words and "--flag value" /
// "--switch" options, with repeatable flags. Unknown flags are reported by the command that
// reads them (Args::Unused), so that every command's --help lists exactly what it takes.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ptrack::cli {

class Args {
 public:
  // `switches` are flags that take no value (e.g. "json", "help").
  Args(int argc, char** argv, const std::set<std::string>& switches);

  const std::vector<std::string>& positional() const { return positional_; }
  bool Has(const std::string& flag) const;
  std::optional<std::string> Get(const std::string& flag) const;  // last value
  std::vector<std::string> GetAll(const std::string& flag) const;
  // Flags given but never read through Has/Get/GetAll.
  std::vector<std::string> Unused() const;
  const std::string& error() const { return error_; }  // non-empty on a malformed command line

 private:
  std::vector<std::string> positional_;
  std::multimap<std::string, std::string> flags_;
  mutable std::set<std::string> read_;
  std::string error_;
};

}  // namespace ptrack::cli
