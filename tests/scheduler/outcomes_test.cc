// Unit tests for scheduler/outcomes.h: a response is scored only when every answer is for an item
// of the instrument, once, within its range, with every required item answered and enough items
// answered; each refusal names the answer or the missing item. ValidateInstrument refuses
// instruments that could not be scored or judged.
#include "scheduler/outcomes.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace ptrack {
namespace {

// Three items of 0..4, the first two required; the mean; higher is better; MCID 1 point.
Instrument Small() {
  Instrument in;
  in.id = "small";
  in.display_name = "Small";
  in.items = {
      {"a", "A?", 0, 4, true, {}}, {"b", "B?", 0, 4, true, {}}, {"c", "C?", 0, 4, false, {}}};
  in.scoring = OutcomeScoring::kMean;
  in.direction = OutcomeDirection::kHigherIsBetter;
  in.min_answered = 2;
  in.scale_max = 4;
  in.mcid_points = 1;
  in.source = "test";
  in.licence = "test";
  return in;
}

std::vector<std::string> Fields(const Status& s) {
  std::vector<std::string> out;
  for (const FieldViolation& v : s.violations()) out.push_back(v.field + ": " + v.description);
  return out;
}

}  // namespace

TEST_CASE("ScoreOutcome refuses bad answers, naming each, and scores good ones",
          "[care][outcomes]") {
  const Instrument in = Small();
  REQUIRE(ScoreOutcome(in, {{"a", 1}, {"b", 2}}).ok());
  CHECK(ScoreOutcome(in, {{"a", 1}, {"b", 2}})->value == Approx(1.5));
  CHECK(ScoreOutcome(in, {{"c", 4}, {"a", 1}, {"b", 1}})->value == Approx(2.0));

  struct Row {
    std::vector<OutcomeAnswer> answers;
    std::vector<std::string> expected;
  };
  const std::vector<Row> rows = {
      {{{"a", 1}, {"b", 2}, {"z", 1}}, {"answers[2].item: not an item of small"}},
      {{{"a", 5}, {"b", 2}}, {"answers[0].value: must be 0..4 for item \"a\""}},
      {{{"a", -1}, {"b", 2}}, {"answers[0].value: must be 0..4 for item \"a\""}},
      {{{"a", 1}}, {"answers: item \"b\" is required"}},
      {{}, {"answers: item \"a\" is required", "answers: item \"b\" is required"}},
      {{{"a", 1}, {"a", 2}, {"b", 1}}, {"answers[1].item: item \"a\" answered twice"}},
  };
  for (const Row& row : rows) {
    const auto scored = ScoreOutcome(in, row.answers);
    REQUIRE_FALSE(scored.ok());
    CHECK(scored.status().code() == StatusCode::kInvalidArgument);
    CHECK(Fields(scored.status()) == row.expected);
  }
  Instrument optional_only = in;
  optional_only.items[1].required = false;  // then "a" alone is one answer of the two needed
  const auto too_few = ScoreOutcome(optional_only, {{"a", 1}});
  REQUIRE_FALSE(too_few.ok());
  CHECK(Fields(too_few.status()) ==
        std::vector<std::string>{"answers: 1 item(s) answered; small needs 2"});
}

TEST_CASE("ValidateInstrument refuses what could not be scored or judged", "[care][outcomes]") {
  Violations ok;
  ValidateInstrument(Small(), "small", ok);
  CHECK(ok.empty());
  struct Row {
    void (*mutate)(Instrument&);
    std::string field;
  };
  const std::vector<Row> rows = {
      {[](Instrument& i) { i.items[1].id = "a"; }, "small.items[1].id"},
      {[](Instrument& i) { i.items[0].id = "A b"; }, "small.items[0].id"},
      {[](Instrument& i) { i.items[0].max = 0; }, "small.items[0].max"},
      {[](Instrument& i) { i.items[0].labels = {"x"}; }, "small.items[0].labels"},
      {[](Instrument& i) { i.min_answered = 1; }, "small.min_answered"},
      {[](Instrument& i) { i.mcid_points = 0; }, "small.mcid_points"},
      {[](Instrument& i) { i.improved_at_most = 2; }, "small.improved_at_most"},
      {[](Instrument& i) { i.licence.clear(); }, "small.licence"},
  };
  for (const Row& row : rows) {
    Instrument in = Small();
    row.mutate(in);
    Violations v;
    ValidateInstrument(in, "small", v);
    INFO(row.field);
    REQUIRE_FALSE(v.empty());
    CHECK(v.list().front().field == row.field);
  }
}

}  // namespace ptrack
