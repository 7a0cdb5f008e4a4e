// The ptrack command-line client as the integration tests drive it: one server, one config
// directory (its own saved sign-in), --json output parsed with nlohmann-json.
#pragma once

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/integration/process.h"

namespace ptrack::testing {

using nlohmann::json;

// A client bound to one server and one config directory (its own saved sign-in).
class Cli {
 public:
  Cli(const std::string& server, const std::string& config_dir)
      : server_(server), config_dir_(config_dir) {}

  ptrack::testing::RunResult operator()(std::vector<std::string> args) const {
    std::vector<std::string> argv = {PTRACK_CLI, "--server", server_};
    argv.insert(argv.end(), args.begin(), args.end());
    return ptrack::testing::Run(argv, {{"PTRACK_CONFIG_DIR", config_dir_}});
  }
  // Runs with --json and parses stdout; fails the test when the command fails.
  json Json(std::vector<std::string> args) const {
    args.insert(args.begin(), "--json");
    ptrack::testing::RunResult r = (*this)(args);
    INFO("ptrack " << args[1] << " stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
  }
  void Login(const std::string& user, const std::string& password) const {
    ptrack::testing::RunResult r = (*this)({"login", user, "--password", password});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }

 private:
  std::string server_;
  std::string config_dir_;
};

}  // namespace ptrack::testing
