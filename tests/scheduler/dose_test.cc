// Unit tests for scheduler/dose.h: ValidateDose accepts every dose shape of
// proto/ptrack/v1/dose.proto at and inside its bounds and rejects each out-of-bounds or
// ill-shaped dose with violations naming the full field path; DescribeDose renders each shape
// and modifier in the plain words shown to patients; SideName covers every side.
#include "scheduler/dose.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace ptrack {
namespace {

const std::string kField = "program.phases[0].prescriptions[1].dose_steps[2]";

std::vector<std::string> FieldsOf(const Violations& v) {
  std::vector<std::string> fields;
  for (const FieldViolation& f : v.list()) fields.push_back(f.field);
  return fields;
}

struct GoodDose {
  const char* name;
  Dose dose;
};

TEST_CASE("ValidateDose accepts every dose shape within bounds", "[foundation][dose]") {
  const auto row = GENERATE(values<GoodDose>({
      {"sets x reps", {.sets = 3, .reps = 10}},
      {"sets x reps x hold", {.sets = 1, .reps = 10, .hold_seconds = 10}},
      {"sets x hold (plank)", {.sets = 4, .hold_seconds = 20}},
      {"pyramid, sets left 0", {.hold_seconds = 5, .pyramid_reps = {6, 4, 2}}},
      {"pyramid, sets equal to steps", {.sets = 3, .pyramid_reps = {10, 8, 6}}},
      {"pyramid of 10 steps at 1 and 100",
       {.pyramid_reps = {1, 100, 1, 100, 1, 100, 1, 100, 1, 100}}},
      {"lower bounds", {.sets = 1, .reps = 1}},
      {"upper bounds",
       {.sets = 20,
        .reps = 100,
        .hold_seconds = 600,
        .load_kg = 500,
        .band = std::string(32, 'x'),
        .side = Side::kEach,
        .rest_seconds = 600}},
      {"all modifiers",
       {.sets = 2,
        .reps = 12,
        .load_kg = 2.5,
        .band = "yellow",
        .side = Side::kLeft,
        .rest_seconds = 60}},
  }));
  INFO(row.name);
  Violations v;
  ValidateDose(row.dose, kField, v);
  CAPTURE(FieldsOf(v));
  CHECK(v.empty());
}

struct BadDose {
  const char* name;
  Dose dose;
  std::vector<std::string> fields;  // suffixes of kField, in reporting order
};

TEST_CASE("ValidateDose rejects bad doses with violations naming the field path",
          "[foundation][dose]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const auto row = GENERATE_COPY(values<BadDose>({
      {"no sets", {.sets = 0, .reps = 10}, {".sets"}},
      {"21 sets", {.sets = 21, .reps = 10}, {".sets"}},
      {"negative reps", {.sets = 3, .reps = -1}, {".reps"}},
      {"101 reps", {.sets = 3, .reps = 101}, {".reps"}},
      {"neither reps nor hold", {.sets = 3}, {".reps"}},
      {"negative hold", {.sets = 3, .reps = 10, .hold_seconds = -1}, {".hold_seconds"}},
      {"hold over 600 s", {.sets = 1, .hold_seconds = 601}, {".hold_seconds"}},
      {"negative load", {.sets = 3, .reps = 10, .load_kg = -0.5}, {".load_kg"}},
      {"load over 500 kg", {.sets = 3, .reps = 10, .load_kg = 500.5}, {".load_kg"}},
      {"NaN load", {.sets = 3, .reps = 10, .load_kg = nan}, {".load_kg"}},
      {"infinite load", {.sets = 3, .reps = 10, .load_kg = inf}, {".load_kg"}},
      {"33-character band", {.sets = 3, .reps = 10, .band = std::string(33, 'x')}, {".band"}},
      {"negative rest", {.sets = 3, .reps = 10, .rest_seconds = -1}, {".rest_seconds"}},
      {"rest over 600 s", {.sets = 3, .reps = 10, .rest_seconds = 601}, {".rest_seconds"}},
      {"11-step pyramid", {.pyramid_reps = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}}, {".pyramid_reps"}},
      {"pyramid step of 0", {.pyramid_reps = {6, 0, 2}}, {".pyramid_reps[1]"}},
      {"pyramid step over 100", {.pyramid_reps = {6, 101}}, {".pyramid_reps[1]"}},
      {"pyramid with other sets", {.sets = 2, .pyramid_reps = {6, 4, 2}}, {".sets"}},
      {"pyramid with reps", {.reps = 10, .pyramid_reps = {6, 4, 2}}, {".reps"}},
      {"several problems at once",
       {.sets = 0, .reps = 10, .hold_seconds = 700, .rest_seconds = 601},
       {".sets", ".hold_seconds", ".rest_seconds"}},
  }));
  INFO(row.name);
  Violations v;
  ValidateDose(row.dose, kField, v);
  std::vector<std::string> expected;
  for (const std::string& suffix : row.fields) expected.push_back(kField + suffix);
  CHECK(FieldsOf(v) == expected);
  for (const FieldViolation& f : v.list()) CHECK_FALSE(f.description.empty());
  const Status status = v.ToStatus();
  CHECK(status.code() == StatusCode::kInvalidArgument);
  CHECK(status.violations() == v.list());
}

TEST_CASE("DescribeDose and SideName render doses in plain words", "[foundation][dose]") {
  SECTION("DescribeDose") {
    const auto row = GENERATE(table<Dose, std::string>({
        {{.sets = 3, .reps = 10}, "3 x 10 reps"},
        {{.sets = 3, .reps = 10, .hold_seconds = 5, .load_kg = 2, .side = Side::kEach},
         "3 x 10 reps, hold 5 s, 2 kg, each side"},
        {{.sets = 4, .hold_seconds = 20}, "4 x 20 s"},
        {{.hold_seconds = 5, .pyramid_reps = {6, 4, 2}}, "pyramid 6-4-2 reps, hold 5 s"},
        {{.sets = 3, .pyramid_reps = {10, 8, 6}}, "pyramid 10-8-6 reps"},
        {{.sets = 2, .reps = 12, .load_kg = 2.5, .side = Side::kLeft, .rest_seconds = 90},
         "2 x 12 reps, 2.5 kg, left side, rest 90 s"},
        {{.sets = 2, .reps = 10, .band = "red", .side = Side::kBoth}, "2 x 10 reps, red band"},
        {{.sets = 1, .hold_seconds = 30, .side = Side::kRight}, "1 x 30 s, right side"},
    }));
    INFO(std::get<1>(row));
    CHECK(DescribeDose(std::get<0>(row)) == std::get<1>(row));
  }
  SECTION("SideName") {
    const auto row = GENERATE(table<Side, std::string>({
        {Side::kUnspecified, ""},
        {Side::kBoth, "both"},
        {Side::kEach, "each"},
        {Side::kLeft, "left"},
        {Side::kRight, "right"},
    }));
    CHECK(SideName(std::get<0>(row)) == std::get<1>(row));
  }
}

}  // namespace
}  // namespace ptrack
