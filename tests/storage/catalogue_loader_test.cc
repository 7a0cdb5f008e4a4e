// Tests of LoadCatalogue (storage/catalogue_loader.h): the shipped data/catalogue folder loads
// into a store (exercise count, the default 12-week protocol with its four phases, every
// prescription naming a stored exercise, every exercise in one of the four regions); loading
// again replaces rather than duplicates; and a broken file (unknown exercise in a protocol, a
// dose with zero sets, invalid JSON) is refused with a status naming the file while nothing at
// all — not even the valid files beside it — is written to the store.
#include "storage/catalogue_loader.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "storage/json_codec.h"
#include "tests/storage/store_fixture.h"

#ifndef PTRACK_DATA_DIR
#error "PTRACK_DATA_DIR must name the repository's data/ folder"
#endif

namespace ptrack::testing {
namespace {

const std::string kShipped = std::string(PTRACK_DATA_DIR) + "/catalogue";

std::vector<Exercise> AllExercises(Store& store, Region region = Region::kUnspecified) {
  auto pages = AllPages<Exercise>([&](const std::string& after) {
    return store.ListExercises(region, PageRequest{7, after}, "");
  });
  std::vector<Exercise> out;
  for (const auto& page : pages) out.insert(out.end(), page.begin(), page.end());
  return out;
}

std::vector<Protocol> AllProtocols(Store& store) {
  auto pages = AllPages<Protocol>([&](const std::string& after) {
    return store.ListProtocols(PageRequest{7, after}, "");
  });
  std::vector<Protocol> out;
  for (const auto& page : pages) out.insert(out.end(), page.begin(), page.end());
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path);
  out << text;
  REQUIRE(out.good());
}

// A valid catalogue of two exercises, one valid protocol "a-good", and `broken_protocol` (if
// not empty) as protocols/b-broken.json, sorted after the good one.
void WriteCatalogue(const std::filesystem::path& dir, const std::string& exercises_json,
                    const std::string& broken_protocol) {
  WriteFile(dir / "exercises.json", exercises_json);
  WriteFile(dir / "protocols" / "a-good.json", R"({
    "id": "a-good", "display_name": "Good", "description": "valid",
    "phases": [{"number": 1, "display_name": "Only", "start_week": 1, "weeks": 0,
                "sessions_per_week": 3,
                "prescriptions": [{"exercise": "chin-nod", "dose_steps": [{"sets": 1, "reps": 10}]}]}]
  })");
  if (!broken_protocol.empty()) WriteFile(dir / "protocols" / "b-broken.json", broken_protocol);
}

constexpr const char* kGoodExercises = R"([
  {"id": "chin-nod", "display_name": "Chin nod", "region": "neck",
   "default_dose": {"sets": 1, "reps": 10, "hold_seconds": 10}, "levers": ["hold_seconds"]},
  {"id": "band-row", "display_name": "Band row", "region": "upper_back",
   "default_dose": {"sets": 2, "reps": 12, "band": "red"}, "levers": ["reps", "band"]}
])";

std::string ProtocolWith(const std::string& exercise, const std::string& dose) {
  return R"({"id": "b-broken", "display_name": "Broken", "description": "",
    "phases": [{"number": 1, "display_name": "Only", "start_week": 1, "weeks": 0,
                "sessions_per_week": 3,
                "prescriptions": [{"exercise": ")" +
         exercise + R"(", "dose_steps": [)" + dose + "]}]}]}";
}

TEST_CASE("LoadCatalogue: the shipped data loads", "[foundation][catalogue]") {
  StoreFixture f;
  Store& store = f.store();
  auto counts = LoadCatalogue(kShipped, store);
  PTRACK_REQUIRE_OK(counts);
  CHECK(counts->exercises >= 20);
  CHECK(counts->protocols >= 1);

  const auto exercises = AllExercises(store);
  CHECK(static_cast<int>(exercises.size()) == counts->exercises);
  CHECK(static_cast<int>(AllProtocols(store).size()) == counts->protocols);

  auto protocol = store.GetProtocol("upper-back-neck-core-12w");
  PTRACK_REQUIRE_OK(protocol);
  REQUIRE(protocol->phases.size() == 4);
  CHECK(protocol->phases.back().weeks == 0);  // ends in open-ended home maintenance
  for (const auto& phase : protocol->phases) {
    for (const auto& rx : phase.prescriptions) {
      INFO("phase " << phase.number << " prescribes " << rx.exercise_id);
      PTRACK_CHECK_CODE(store.GetExercise(rx.exercise_id), kOk);
    }
  }
}

TEST_CASE("LoadCatalogue: every shipped exercise is in one of the four regions",
          "[foundation][catalogue]") {
  StoreFixture f;
  Store& store = f.store();
  PTRACK_REQUIRE_OK(LoadCatalogue(kShipped, store));

  const auto all = AllExercises(store);
  REQUIRE_FALSE(all.empty());
  const std::set<Region> regions = {Region::kNeck, Region::kUpperBack, Region::kCore,
                                    Region::kStretch};
  for (const auto& e : all) {
    INFO(e.id);
    CHECK(regions.count(e.region) == 1);
  }
  // The region filters partition the catalogue.
  size_t filtered = 0;
  for (Region r : regions) {
    for (const auto& e : AllExercises(store, r)) {
      INFO(e.id);
      CHECK(e.region == r);
      ++filtered;
    }
  }
  CHECK(filtered == all.size());
}

TEST_CASE("LoadCatalogue: loading again replaces the entries", "[foundation][catalogue]") {
  StoreFixture f;
  Store& store = f.store();
  auto first = LoadCatalogue(kShipped, store);
  PTRACK_REQUIRE_OK(first);
  auto second = LoadCatalogue(kShipped, store);
  PTRACK_REQUIRE_OK(second);
  CHECK(second->exercises == first->exercises);
  CHECK(second->protocols == first->protocols);
  CHECK(static_cast<int>(AllExercises(store).size()) == first->exercises);
  CHECK(static_cast<int>(AllProtocols(store).size()) == first->protocols);
}

TEST_CASE("LoadCatalogue: a broken file is refused, named, and nothing is written",
          "[foundation][catalogue]") {
  StoreFixture f;
  Store& store = f.store();
  TempDir dir;
  std::string bad_file;

  SECTION("the valid files alone load (control)") {
    WriteCatalogue(dir.path(), kGoodExercises, "");
    auto counts = LoadCatalogue(dir.path().string(), store);
    PTRACK_REQUIRE_OK(counts);
    CHECK(counts->exercises == 2);
    CHECK(counts->protocols == 1);
    return;
  }
  SECTION("a protocol prescribes an unknown exercise") {
    WriteCatalogue(dir.path(), kGoodExercises,
                   ProtocolWith("no-such-exercise", R"({"sets": 1, "reps": 10})"));
    bad_file = "b-broken.json";
  }
  SECTION("a protocol dose has zero sets") {
    WriteCatalogue(dir.path(), kGoodExercises,
                   ProtocolWith("chin-nod", R"({"sets": 0, "reps": 10})"));
    bad_file = "b-broken.json";
  }
  SECTION("an exercise's default dose has zero sets") {
    std::string exercises = kGoodExercises;
    const std::string from = R"("sets": 2, "reps": 12)";
    exercises.replace(exercises.find(from), from.size(), R"("sets": 0, "reps": 12)");
    WriteCatalogue(dir.path(), exercises, "");
    bad_file = "exercises.json";
  }
  SECTION("a protocol file is not valid JSON") {
    WriteCatalogue(dir.path(), kGoodExercises, R"({"id": "b-broken", "phases": [)");
    bad_file = "b-broken.json";
  }
  SECTION("the exercise catalogue is not valid JSON") {
    WriteCatalogue(dir.path(), "[{\"id\": \"chin-nod\",,]", "");
    bad_file = "exercises.json";
  }

  auto counts = LoadCatalogue(dir.path().string(), store);
  INFO(counts.status().ToString());
  CHECK_FALSE(counts.ok());
  CHECK_THAT(counts.status().message(), Catch::Contains(bad_file));
  CHECK(AllExercises(store).empty());
  CHECK(AllProtocols(store).empty());
}

TEST_CASE("regression: entries removed from the data are retired, not served as current",
          "[foundation][catalogue][regression]") {
  StoreFixture f;
  Store& store = f.store();
  TempDir dir;
  WriteCatalogue(dir.path(), kGoodExercises, "");
  PTRACK_REQUIRE_OK(LoadCatalogue(dir.path().string(), store));
  REQUIRE(AllExercises(store).size() == 2);

  // The next release drops "band-row" (no protocol uses it).
  WriteFile(dir.path() / "exercises.json", R"([
    {"id": "chin-nod", "display_name": "Chin nod", "region": "neck",
     "default_dose": {"sets": 1, "reps": 10, "hold_seconds": 10}, "levers": ["hold_seconds"]}
  ])");
  PTRACK_REQUIRE_OK(LoadCatalogue(dir.path().string(), store));
  const auto listed = AllExercises(store);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].id == "chin-nod");
  // Still readable: programs and sessions that name it keep working.
  CHECK(store.GetExercise("band-row").ok());

  // It comes back when the data brings it back.
  WriteCatalogue(dir.path(), kGoodExercises, "");
  PTRACK_REQUIRE_OK(LoadCatalogue(dir.path().string(), store));
  CHECK(AllExercises(store).size() == 2);
}

TEST_CASE("regression: a ladder with a gap in its ranks is refused",
          "[foundation][catalogue][regression]") {
  StoreFixture f;
  TempDir dir;
  WriteCatalogue(dir.path(), R"([
    {"id": "chin-nod", "display_name": "Chin nod", "region": "neck", "ladder": "dnf",
     "ladder_rank": 1, "default_dose": {"sets": 1, "reps": 10}},
    {"id": "chin-tuck", "display_name": "Chin tuck", "region": "neck", "ladder": "dnf",
     "ladder_rank": 3, "default_dose": {"sets": 1, "reps": 10}}
  ])",
                 "");
  auto counts = LoadCatalogue(dir.path().string(), f.store());
  REQUIRE_FALSE(counts.ok());
  CHECK(counts.status().message().find("ladder \"dnf\"") != std::string::npos);
  CHECK(AllExercises(f.store()).empty());
}

TEST_CASE("regression: integers too large for int are refused, not wrapped",
          "[foundation][catalogue][regression]") {
  // 4294967297 would wrap to 1 as a 32-bit int and pass as a valid pyramid step.
  auto j = json::Parse(R"({"sets": 1, "pyramid_reps": [4294967297]})");
  REQUIRE(j.ok());
  auto dose = json::DecodeDose(*j);
  REQUIRE_FALSE(dose.ok());
  CHECK(dose.status().violations().front().field == "dose.pyramid_reps[0]");

  auto logs = json::Parse(R"([["chin-nod", 4294967298, 10, 0, 0.0, "", 0]])");
  REQUIRE(logs.ok());
  CHECK_FALSE(json::DecodeLogs(*logs).ok());
}

TEST_CASE("LoadRules and LoadRedFlags read the shipped files and refuse incomplete ones",
          "[progression][catalogue]") {
  auto rules = LoadRules(std::string(PTRACK_DATA_DIR) + "/rules/progression.json");
  PTRACK_REQUIRE_OK(rules);
  CHECK(rules->pain_acceptable_max == 5);
  CHECK(rules->band_order.front() == "yellow");
  auto flags = LoadRedFlags(kShipped + "/red_flags.json");
  PTRACK_REQUIRE_OK(flags);
  CHECK(flags->questions.size() >= 8);
  CHECK_FALSE(flags->stop_message.empty());

  TempDir dir;
  nlohmann::json j = json::Encode(*rules);
  j.erase("effort_progress_max");
  WriteFile(dir.path() / "missing.json", j.dump());
  auto missing = LoadRules((dir.path() / "missing.json").string());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("rules.effort_progress_max") != std::string::npos);

  j = json::Encode(*rules);
  j["pain_acceptable_max"] = 2;  // below the safe band
  WriteFile(dir.path() / "inverted.json", j.dump());
  auto inverted = LoadRules((dir.path() / "inverted.json").string());
  REQUIRE_FALSE(inverted.ok());
  CHECK(inverted.status().message().find("pain_acceptable_max") != std::string::npos);
}

TEST_CASE("LoadRtmRules reads the shipped RTM rules and refuses missing or inconsistent ones",
          "[reports][catalogue]") {
  const std::string shipped = std::string(PTRACK_DATA_DIR) + "/rules/rtm.json";
  auto rules = LoadRtmRules(shipped);
  PTRACK_REQUIRE_OK(rules);
  // CLINICAL.md §6 as shipped.
  CHECK(rules->period_days == 30);
  CHECK(rules->device_min_days == 2);
  CHECK(rules->device_full_days == 16);
  CHECK(rules->management_first_minutes == 10);
  CHECK(rules->management_full_minutes == 20);
  CHECK(rules->device_code_high == "98977");
  CHECK(rules->management_code_more == "98981");

  TempDir dir;
  nlohmann::json j = nlohmann::json::parse(ReadFile(shipped));
  j.erase("device_full_days");
  WriteFile(dir.path() / "missing.json", j.dump());
  auto missing = LoadRtmRules((dir.path() / "missing.json").string());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("device_full_days") != std::string::npos);

  j = nlohmann::json::parse(ReadFile(shipped));
  j["device_min_days"] = 20;  // above the full tier
  WriteFile(dir.path() / "inverted.json", j.dump());
  auto inverted = LoadRtmRules((dir.path() / "inverted.json").string());
  REQUIRE_FALSE(inverted.ok());
  CHECK(inverted.status().message().find("device_min_days") != std::string::npos);
}

}  // namespace
}  // namespace ptrack::testing
