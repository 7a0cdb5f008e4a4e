// Command-line parsing for the ptrack client.
#include "clients/cli/args.h"

namespace ptrack::cli {

Args::Args(int argc, char** argv, const std::set<std::string>& switches) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0 || a.size() == 2) {
      positional_.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (switches.count(name)) {
      value = "true";
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      error_ = "--" + name + " needs a value";
    }
    flags_.emplace(name, value);
  }
}

bool Args::Has(const std::string& flag) const {
  read_.insert(flag);
  return flags_.count(flag) > 0;
}

std::optional<std::string> Args::Get(const std::string& flag) const {
  read_.insert(flag);
  auto range = flags_.equal_range(flag);
  if (range.first == range.second) return std::nullopt;
  return std::prev(range.second)->second;
}

std::vector<std::string> Args::GetAll(const std::string& flag) const {
  read_.insert(flag);
  std::vector<std::string> out;
  auto range = flags_.equal_range(flag);
  for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
  return out;
}

std::vector<std::string> Args::Unused() const {
  std::vector<std::string> out;
  for (const auto& [name, value] : flags_) {
    if (!read_.count(name) && (out.empty() || out.back() != name)) out.push_back(name);
  }
  return out;
}

}  // namespace ptrack::cli
