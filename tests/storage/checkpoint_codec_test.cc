// The checkpoint codec (storage/checkpoint_codec.h): a checkpoint with every field of every
// nested value set away from its default — ProgressState, CurrentPrescription with its trail,
// Decision with its inputs, Flag, ReplayCounters with pain_by_week, HistoryFacts — decodes to
// itself, as do the all-default checkpoint and values equal to the defaults the encoder leaves
// out; shared prescriptions are written once; the stored body is the JSON deflated; and anything
// that is not a body of this format (not deflated, truncated, another format version, malformed
// JSON, wrong types, out-of-range enums, dangling indices, extra elements) is refused without
// throwing.
#include "storage/checkpoint_codec.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace ptrack::testing {
namespace {

LocalDate Day(int y, unsigned m, unsigned d) {
  return LocalDate{date::year{y} / date::month{m} / date::day{d}};
}

Dose FullDose(int seed) {
  Dose d;
  d.sets = 3 + seed;
  d.reps = 12;
  d.hold_seconds = 5;
  d.pyramid_reps = {12, 10, 8 + seed};
  d.load_kg = 0.1 + 0.2 + seed;  // not exactly representable: must survive bit for bit
  d.band = "green";
  d.side = Side::kRight;
  d.rest_seconds = 45;
  return d;
}

CurrentPrescription FullPrescription(const std::string& id, int seed) {
  CurrentPrescription rx;
  rx.prescribed_id = id;
  rx.exercise_id = id + "-harder";
  rx.dose = FullDose(seed);
  rx.step = 4 + seed;
  rx.trail = {{id, FullDose(seed + 1), 1}, {id + "-easier", Dose{}, 2}};
  rx.why = "Pain stayed at or below 3/10 — \"progress\" (ünïcödé)";
  rx.changed_on = Day(2026, 3, 9 + seed);
  return rx;
}

ProgressState FullState(int seed) {
  ProgressState s;
  s.revision = 3;
  s.phase_number = 2;
  s.phase_started = Day(2026, 3, 30);
  s.prescriptions = {FullPrescription("chin-nod", seed), FullPrescription("band-row", 0)};
  s.suspended = true;
  s.suspended_reason = "red flag: arm numbness";
  return s;
}

Decision FullDecision() {
  Decision d;
  d.id = "w5-band-row";
  d.week = 5;
  d.effective_date = Day(2026, 4, 6);
  d.exercise_id = "band-row";
  d.kind = DecisionKind::kRegress;
  d.rule = "pain.above_acceptable";
  d.inputs = {{"max_pain", "7"}, {"adherence", "3/4"}, {"", "empty key"}};
  d.old_exercise_id = "band-row-harder";
  d.new_exercise_id = "band-row";
  d.old_dose = FullDose(1);
  d.new_dose = FullDose(0);
  d.new_step = 2;
  d.old_phase = 2;
  d.new_phase = 3;
  d.mode = ProgressionMode::kSuggest;
  d.status = DecisionStatus::kRejected;
  d.explanation = "Pain rose above 5/10: one step back.";
  return d;
}

Checkpoint FullCheckpoint() {
  Checkpoint cp;
  cp.engine_version = 7;
  cp.day = Day(2026, 4, 12);
  cp.keep_days = 42;
  cp.state = FullState(1);
  cp.counters.last_activity = Day(2026, 4, 11);
  cp.counters.inactivity_flagged = true;
  cp.counters.inactivity_since = Day(2026, 4, 2);
  cp.counters.stalled_weeks = 2;
  cp.counters.stalled_flagged = true;
  cp.counters.regressed_in_phase = true;
  cp.counters.paused_weeks_in_phase = 2;
  cp.counters.suspended_in_week = true;
  cp.counters.boosts = 3;
  cp.counters.late_max_pain = 6;
  cp.counters.late_worse = true;
  cp.counters.pain_by_week = {{1, {12.5, 4}}, {2, {0.1 + 0.7, 3}}, {-1, {0, 0}}};
  cp.kept.states = {{Day(2026, 3, 2), FullState(0)},
                    {Day(2026, 3, 30), FullState(1)},
                    {Day(2026, 4, 6), ProgressState{}}};
  cp.kept.decisions = {FullDecision(), Decision{}};
  cp.kept.flags = {Flag{FlagKind::kMaintenancePainReturn, Day(2026, 4, 1), "pain back at 4/10",
                        "0f6c5a9e-8b1d-4c3e-9f2a-1b2c3d4e5f01", ""},
                   Flag{FlagKind::kRedFlag, Day(2026, 4, 3), "", "", ""},
                   Flag{FlagKind::kOutcomeWorsened, Day(2026, 4, 5), "NDI 20 -> 30", "",
                        "5d1c0b9e-8b1d-4c3e-9f2a-1b2c3d4e5f02"}};
  cp.kept.facts.last_session = Day(2026, 4, 11);
  cp.kept.facts.baseline_week = 1;
  cp.kept.facts.baseline_pain_sum = 17.25;
  cp.kept.facts.baseline_count = 4;
  cp.kept.facts.uncleared_red_flags = {"s-1", "s-2"};
  cp.flags_raised_on = {Day(2026, 4, 1), Day(2026, 4, 3), Day(2026, 4, 5)};
  return cp;
}

// Field by field, so that a failure names the part that did not survive.
void CheckEqual(const Checkpoint& a, const Checkpoint& b) {
  CHECK(a.engine_version == b.engine_version);
  CHECK(a.day == b.day);
  CHECK(a.keep_days == b.keep_days);
  CHECK(a.state == b.state);
  CHECK(a.counters == b.counters);
  CHECK(a.kept.states == b.kept.states);
  CHECK(a.kept.decisions == b.kept.decisions);
  CHECK(a.kept.flags == b.kept.flags);
  CHECK(a.kept.facts == b.kept.facts);
  CHECK(a.flags_raised_on == b.flags_raised_on);
}

}  // namespace

TEST_CASE("checkpoint codec: every field round-trips", "[foundation][checkpoint]") {
  const Checkpoint cp = FullCheckpoint();
  const std::string body = json::EncodeCheckpoint(cp);
  auto decoded = json::DecodeCheckpoint(body);
  INFO(json::CheckpointJson(cp));
  REQUIRE(decoded.ok());
  CheckEqual(*decoded, cp);
  CHECK(json::EncodeCheckpoint(*decoded) == body);  // deterministic
}

TEST_CASE("checkpoint codec: defaults and values equal to the left-out defaults round-trip",
          "[foundation][checkpoint]") {
  SECTION("the default checkpoint") {
    const Checkpoint cp;
    auto decoded = json::DecodeCheckpoint(json::EncodeCheckpoint(cp));
    REQUIRE(decoded.ok());
    CheckEqual(*decoded, cp);
  }
  SECTION("a prescription on its own exercise with an empty one in its trail") {
    Checkpoint cp;
    CurrentPrescription rx;
    rx.prescribed_id = rx.exercise_id = "chin-nod";
    rx.trail = {{"", Dose{}, 0}};
    CurrentPrescription empty_rung;  // exercise "" but prescribed "x": not "the same"
    empty_rung.prescribed_id = "x";
    cp.state.prescriptions = {rx, empty_rung};
    cp.kept.facts.last_session = LocalDate{};  // the epoch is a date, not "none"
    cp.counters.late_max_pain = 0;
    auto decoded = json::DecodeCheckpoint(json::EncodeCheckpoint(cp));
    REQUIRE(decoded.ok());
    CheckEqual(*decoded, cp);
  }
}

TEST_CASE("checkpoint codec: a prescription kept by many states is written once",
          "[foundation][checkpoint]") {
  Checkpoint cp = FullCheckpoint();
  for (int i = 0; i < 6; ++i) {
    cp.kept.states.emplace_back(Day(2026, 4, 6) + date::days{i}, FullState(1));
  }
  const nlohmann::json body = nlohmann::json::parse(json::CheckpointJson(cp));
  CHECK(body[4].size() == 3);  // chin-nod in two versions, band-row in one
  auto decoded = json::CheckpointFromJson(body.dump());
  REQUIRE(decoded.ok());
  CheckEqual(*decoded, cp);
}

TEST_CASE("checkpoint codec: the stored body is the JSON deflated", "[foundation][checkpoint]") {
  const Checkpoint cp = FullCheckpoint();
  const std::string text = json::CheckpointJson(cp);
  const std::string body = json::EncodeCheckpoint(cp);
  CHECK(body.size() < text.size());
  auto from_json = json::CheckpointFromJson(text);
  REQUIRE(from_json.ok());
  CheckEqual(*from_json, cp);
  // Not deflated, empty, cut short, with bytes after the stream, not a zlib stream.
  for (const std::string& bad : {std::string(), text, body.substr(0, body.size() - 1), body + "x",
                                 std::string("\x78\x9c garbage", 10)}) {
    auto r = json::DecodeCheckpoint(bad);
    CHECK_FALSE(r.ok());
  }
}

TEST_CASE("checkpoint codec: anything else is refused, never thrown", "[foundation][checkpoint]") {
  const nlohmann::json good = nlohmann::json::parse(json::CheckpointJson(FullCheckpoint()));
  auto refused = [](const std::string& body) {
    auto r = json::CheckpointFromJson(body);
    INFO(body);
    CHECK_FALSE(r.ok());
    if (!r.ok()) CHECK(r.status().code() == StatusCode::kInvalidArgument);
  };
  refused("");
  refused("not json");
  refused("{}");
  refused("[]");
  refused(good.dump().substr(0, good.dump().size() / 2));
  nlohmann::json j = good;
  j[0] = json::kCheckpointFormat + 1;  // another format version
  refused(j.dump());
  j = good;
  j.push_back(1);  // an element this format does not have
  refused(j.dump());
  j = good;
  j[5][3][0] = 99;  // a prescription index past the table
  refused(j.dump());
  j = good;
  j[5][3][0] = "0";
  refused(j.dump());
  j = good;
  j[8][0][4] = 17;  // no such decision kind
  refused(j.dump());
  j = good;
  j[9][0][0] = -1;  // no such flag kind
  refused(j.dump());
  j = good;
  j[4][0][2][6] = 9;  // no such side
  refused(j.dump());
  j = good;
  j[2] = 1e12;  // a day no calendar holds
  refused(j.dump());
  j = good;
  j[6][9] = {{1, 2.5, 3}, {1, 0, 0}};  // the same week twice
  refused(j.dump());
  j = good;
  j[10][4] = {1};  // a session id that is not a string
  refused(j.dump());
  j = good;
  j[3] = "42";
  refused(j.dump());
}

}  // namespace ptrack::testing
