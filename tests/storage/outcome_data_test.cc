// The shipped outcome measures (data/outcomes/*.json, CLINICAL.md §8): each file decodes and
// validates, carries its source and licence notice, and scores responses as computed here by hand
// — NPRS (one item), PSFS (the mean of 3 to 5 activities), PGIC (thresholds, no baseline) and the
// NDI (10 items of 0-5, an unanswered item left out and the total prorated, also as %) — with the
// MCID deciding whether a change since the baseline counts.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/clinical_defaults.h"
#include "storage/catalogue_loader.h"
#include "storage/json_codec.h"
#include "tests/storage/store_fixture.h"

#ifndef PTRACK_DATA_DIR
#error "PTRACK_DATA_DIR must name the repository's data/ folder"
#endif

namespace ptrack::testing {
namespace {

Instrument Shipped(const std::string& id) {
  std::ifstream in(std::string(PTRACK_DATA_DIR) + "/outcomes/" + id + ".json");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  auto decoded = json::DecodeInstrument(nlohmann::json::parse(text.str()));
  INFO(decoded.status().ToString());
  REQUIRE(decoded.ok());
  Violations v;
  ValidateInstrument(*decoded, id, v);
  INFO(v.ToStatus().ToString());
  REQUIRE(v.empty());
  CHECK(decoded->id == id);
  CHECK_FALSE(decoded->source.empty());
  CHECK_FALSE(decoded->licence.empty());
  return *decoded;
}

double Score(const Instrument& in, const std::vector<OutcomeAnswer>& answers) {
  auto s = ScoreOutcome(in, answers);
  INFO(s.status().ToString());
  REQUIRE(s.ok());
  return s->value;
}

}  // namespace

TEST_CASE("NPRS scores pain now; a drop of 2 points or 30 % is an improvement",
          "[care][outcomes]") {
  const Instrument nprs = Shipped("nprs");
  CHECK(Score(nprs, {{"pain_now", 7}}) == 7);
  CHECK(ChangeOf(nprs, 7, 5) == OutcomeChange::kImproved);    // 2 points
  CHECK(ChangeOf(nprs, 3, 2) == OutcomeChange::kImproved);    // 1 point is 33 % of 3
  CHECK(ChangeOf(nprs, 5, 3.5) == OutcomeChange::kImproved);  // 1.5 points = 30 % of 5
  CHECK(ChangeOf(nprs, 8, 7) == OutcomeChange::kNone);        // 1 point, 12.5 %
  CHECK(ChangeOf(nprs, 2, 4) == OutcomeChange::kWorsened);
  CHECK(ChangeOf(nprs, 0, 1) == OutcomeChange::kNone);  // no fraction of a zero baseline
}

TEST_CASE("PSFS is the mean of the activities answered (3 to 5); +2 on the mean counts",
          "[care][outcomes]") {
  const Instrument psfs = Shipped("psfs");
  // (3 + 4 + 5) / 3 = 4; with two more: (3 + 4 + 5 + 6 + 2) / 5 = 4.
  CHECK(Score(psfs, {{"activity_1", 3}, {"activity_2", 4}, {"activity_3", 5}}) == 4);
  CHECK(Score(psfs, {{"activity_1", 3},
                     {"activity_2", 4},
                     {"activity_3", 5},
                     {"activity_4", 6},
                     {"activity_5", 2}}) == 4);
  CHECK(Score(psfs, {{"activity_1", 7}, {"activity_2", 6}, {"activity_3", 6}, {"activity_4", 9}}) ==
        Approx(7.0));
  CHECK(ChangeOf(psfs, 4, 6) == OutcomeChange::kImproved);  // higher is better
  CHECK(ChangeOf(psfs, 4, 5.5) == OutcomeChange::kNone);
  CHECK(ChangeOf(psfs, 6, 3.5) == OutcomeChange::kWorsened);
}

TEST_CASE("PGIC: much improved or better is improved, much worse or worse is worse",
          "[care][outcomes]") {
  const Instrument pgic = Shipped("pgic");
  REQUIRE(pgic.items[0].labels.size() == 7);
  CHECK(pgic.items[0].labels[1] == "Much improved");
  CHECK_FALSE(pgic.at_baseline);
  CHECK(Score(pgic, {{"change", 2}}) == 2);
  CHECK(ChangeOf(pgic, 0, 1) == OutcomeChange::kImproved);
  CHECK(ChangeOf(pgic, 0, 2) == OutcomeChange::kImproved);
  CHECK(ChangeOf(pgic, 0, 3) == OutcomeChange::kNone);  // minimally improved
  CHECK(ChangeOf(pgic, 0, 5) == OutcomeChange::kNone);
  CHECK(ChangeOf(pgic, 0, 6) == OutcomeChange::kWorsened);
}

TEST_CASE("NDI: 10 items of 0-5, total 0-50 and %, an unanswered item left out; 7.5 points count",
          "[care][outcomes]") {
  const Instrument ndi = Shipped("ndi");
  REQUIRE(ndi.items.size() == 10);
  std::vector<OutcomeAnswer> all;
  const int values[] = {3, 2, 4, 1, 2, 2, 3, 1, 3, 2};  // 23 of 50
  for (size_t i = 0; i < ndi.items.size(); ++i) all.push_back({ndi.items[i].id, values[i]});
  auto full = ScoreOutcome(ndi, all);
  REQUIRE(full.ok());
  CHECK(full->value == Approx(23));
  CHECK(full->percent.value_or(-1) == Approx(46));
  // Driving left out (8th item, 1): 22 of 45 answered points -> 22 / 45 * 50 = 24.44, 48.9 %.
  std::vector<OutcomeAnswer> no_driving = all;
  no_driving.erase(no_driving.begin() + 7);
  auto part = ScoreOutcome(ndi, no_driving);
  REQUIRE(part.ok());
  CHECK(part->value == Approx(22.0 / 45 * 50));
  CHECK(part->percent.value_or(-1) == Approx(22.0 / 45 * 100));
  CHECK(part->answered == 9);
  CHECK(ChangeOf(ndi, 23, 15.5) == OutcomeChange::kImproved);
  CHECK(ChangeOf(ndi, 23, 16) == OutcomeChange::kNone);
}

TEST_CASE("LoadInstruments: the shipped folder loads; a broken file stops the start, named",
          "[care][outcomes]") {
  auto shipped = LoadInstruments(std::string(PTRACK_DATA_DIR) + "/outcomes");
  INFO(shipped.status().ToString());
  REQUIRE(shipped.ok());
  std::vector<std::string> ids;
  for (const Instrument& in : *shipped) ids.push_back(in.id);
  CHECK(ids == std::vector<std::string>{"ndi", "nprs", "pgic", "psfs"});

  TempDir dir;
  const std::string broken = (dir.path() / "nprs.json").string();
  std::ofstream(broken) << R"({"id": "nprs", "display_name": "Pain", "items": [{"id": "p",
    "min": 0, "max": 10}], "scoring": "sum", "direction": "lower_is_better", "scale_max": 10,
    "source": "s", "licence": "l"})";  // no MCID
  auto refused = LoadInstruments(dir.path().string());
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == StatusCode::kFailedPrecondition);
  CHECK_THAT(refused.status().message(), Catch::Contains("nprs.json") && Catch::Contains("mcid"));
  std::ofstream(broken) << "{";
  CHECK(LoadInstruments(dir.path().string()).status().code() == StatusCode::kFailedPrecondition);
}

TEST_CASE("A clinic's own outcome files override the shipped instrument for that clinic only",
          "[care][outcomes]") {
  TempDir dir;
  const std::filesystem::path own = dir.path() / "clinics" / "harbour" / "outcomes";
  std::filesystem::create_directories(own);
  // The clinic's licensed wording of the NDI's first item; everything else as shipped.
  std::ifstream shipped(std::string(PTRACK_DATA_DIR) + "/outcomes/ndi.json");
  nlohmann::json ndi = nlohmann::json::parse(shipped);
  ndi["items"][0]["text"] = "Pain intensity (the clinic's licensed wording)";
  std::ofstream(own / "ndi.json") << ndi.dump();

  auto loaded = LoadClinicInstruments(dir.path().string());
  INFO(loaded.status().ToString());
  REQUIRE(loaded.ok());
  ClinicalDefaults defaults;
  defaults.outcomes = *LoadInstruments(std::string(PTRACK_DATA_DIR) + "/outcomes");
  defaults.clinic_outcomes = *loaded;
  CHECK(defaults.FindInstrument("harbour", "ndi")->items[0].text ==
        "Pain intensity (the clinic's licensed wording)");
  CHECK(defaults.FindInstrument("demo", "ndi")->items[0].text != ndi["items"][0]["text"]);
  CHECK(defaults.FindInstrument("harbour", "psfs") == defaults.FindInstrument("demo", "psfs"));
  CHECK(defaults.FindInstrument("harbour", "sf-36") == nullptr);
  CHECK(defaults.InstrumentsFor("harbour").size() == 4);

  // A broken clinic file stops the start, named; no clinics/ folder at all is fine.
  ndi["mcid_points"] = -1;
  std::ofstream(own / "ndi.json") << ndi.dump();
  auto refused = LoadClinicInstruments(dir.path().string());
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.status().message(), Catch::Contains("harbour") && Catch::Contains("ndi.json"));
  TempDir empty;
  auto none = LoadClinicInstruments(empty.path().string());
  REQUIRE(none.ok());
  CHECK(none->empty());
}

}  // namespace ptrack::testing
