// The revision body cache (storage/revision_body_cache.h): a body decodes through it to exactly
// what the codec gives, the second time as the first and independently of what a caller does to
// its copy; a body that does not decode is the codec's error every time (nothing is kept for it);
// and past its capacity it drops the least recently used body, keeping the one just used.
#include "storage/revision_body_cache.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "storage/json_codec.h"

namespace ptrack::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The phases of a shipped protocol, as a revision stores them.
std::string ShippedPhases(const std::string& protocol) {
  auto j = json::Parse(
      ReadFile(std::string(PTRACK_DATA_DIR) + "/catalogue/protocols/" + protocol + ".json"));
  REQUIRE(j.ok());
  auto p = json::DecodeProtocol(*j);
  REQUIRE(p.ok());
  return json::EncodePhases(p->phases).dump();
}

std::vector<Phase> Direct(const std::string& body) {
  auto j = json::Parse(body);
  REQUIRE(j.ok());
  auto phases = json::DecodePhases(*j);
  REQUIRE(phases.ok());
  return *phases;
}

}  // namespace

TEST_CASE("a revision body decodes through the cache to what the codec gives, every time",
          "[storage][revision_body_cache]") {
  RevisionBodyCache cache(4);
  const std::string body = ShippedPhases("neck-desk-worker-8w");
  auto first = cache.Phases(body);
  REQUIRE(first.ok());
  CHECK(*first == Direct(body));
  REQUIRE_FALSE(first->empty());
  first->front().prescriptions.clear();  // the caller's copy is its own
  auto second = cache.Phases(body);
  REQUIRE(second.ok());
  CHECK(*second == Direct(body));

  const std::string rules = ReadFile(std::string(PTRACK_DATA_DIR) + "/rules/progression.json");
  auto decoded = cache.Rules(rules);
  REQUIRE(decoded.ok());
  auto j = json::Parse(rules);
  REQUIRE(j.ok());
  CHECK(*decoded == json::DecodeRules(*j).value());
  CHECK(*cache.Rules(rules) == *decoded);
}

TEST_CASE("a revision body that does not decode is an error every time",
          "[storage][revision_body_cache]") {
  RevisionBodyCache cache(4);
  for (const char* bad : {"not json", "{\"phases\": 3}", "[{\"number\": \"one\"}]"}) {
    INFO(bad);
    CHECK_FALSE(cache.Phases(bad).ok());
    CHECK_FALSE(cache.Phases(bad).ok());
    CHECK_FALSE(cache.Rules(bad).ok());
  }
}

TEST_CASE("past its capacity the cache drops the least recently used body",
          "[storage][revision_body_cache]") {
  RevisionBodyCache cache(2);
  const std::string a = ShippedPhases("neck-desk-worker-8w");
  const std::string b = ShippedPhases("upper-back-neck-core-12w");
  const std::string c = json::EncodePhases({}).dump();
  REQUIRE(cache.Phases(a).ok());
  REQUIRE(cache.Phases(b).ok());
  REQUIRE(cache.Phases(a).ok());  // a is now the most recent: b goes first
  REQUIRE(cache.Phases(c).ok());
  CHECK(cache.Holds(a));
  CHECK_FALSE(cache.Holds(b));
  CHECK(cache.Holds(c));
  CHECK(cache.Size() == 2);
}

}  // namespace ptrack::testing
