// JSON <-> domain values. Enums travel as lower-case words; zero/empty fields are omitted.
#include "storage/json_codec.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <type_traits>
#include <utility>

namespace ptrack::json {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<Region, const char*>, 4> kRegions{{
    {Region::kNeck, "neck"},
    {Region::kUpperBack, "upper_back"},
    {Region::kCore, "core"},
    {Region::kStretch, "stretch"},
}};
constexpr std::array<std::pair<Lever, const char*>, 11> kLevers{{
    {Lever::kHoldSeconds, "hold_seconds"},
    {Lever::kReps, "reps"},
    {Lever::kSets, "sets"},
    {Lever::kLoad, "load"},
    {Lever::kBand, "band"},
    {Lever::kPyramid, "pyramid"},
    {Lever::kLadder, "ladder"},
    {Lever::kRange, "range"},
    {Lever::kEffort, "effort"},
    {Lever::kFrequency, "frequency"},
    {Lever::kLeverLength, "lever_length"},
}};
constexpr std::array<std::pair<Side, const char*>, 4> kSides{{
    {Side::kBoth, "both"},
    {Side::kEach, "each"},
    {Side::kLeft, "left"},
    {Side::kRight, "right"},
}};

constexpr std::array<std::pair<ProgressionMode, const char*>, 3> kModes{{
    {ProgressionMode::kAuto, "auto"},
    {ProgressionMode::kSuggest, "suggest"},
    {ProgressionMode::kFixed, "fixed"},
}};

constexpr std::array<std::pair<PhaseKind, const char*>, 3> kPhaseKinds{{
    {PhaseKind::kProgression, "progression"},
    {PhaseKind::kConsolidation, "consolidation"},
    {PhaseKind::kMaintenance, "maintenance"},
}};

template <typename E, size_t N>
const char* NameOf(const std::array<std::pair<E, const char*>, N>& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "";
}

// Thrown inside decoders only; caught at the decoder boundary and turned into a Status.
struct DecodeError {
  std::string field;
  std::string what;
};

template <typename E, size_t N>
E ValueOf(const std::array<std::pair<E, const char*>, N>& table, const json& j,
          const std::string& field) {
  if (!j.is_string()) throw DecodeError{field, "must be a string"};
  const auto& s = j.get_ref<const std::string&>();
  for (const auto& [v, name] : table) {
    if (s == name) return v;
  }
  throw DecodeError{field, "unknown value \"" + s + "\""};
}

// An integer in -1e6..1e6 (wider values would wrap when narrowed to int).
int AsInt(const json& v, const std::string& at) {
  if (!v.is_number_integer()) throw DecodeError{at, "must be an integer"};
  const auto n = v.get<int64_t>();
  if (n < -1000000 || n > 1000000) throw DecodeError{at, "out of range"};
  return static_cast<int>(n);
}

int GetInt(const json& j, const char* key, const std::string& at) {
  if (!j.contains(key)) return 0;
  return AsInt(j.at(key), at + "." + key);
}

bool GetBool(const json& j, const char* key, const std::string& at) {
  if (!j.contains(key)) return false;
  const json& v = j.at(key);
  if (!v.is_boolean()) throw DecodeError{at + "." + key, "must be true or false"};
  return v.get<bool>();
}

double GetDouble(const json& j, const char* key, const std::string& at) {
  if (!j.contains(key)) return 0;
  const json& v = j.at(key);
  if (!v.is_number()) throw DecodeError{at + "." + key, "must be a number"};
  return v.get<double>();
}

std::string GetString(const json& j, const char* key, const std::string& at,
                      bool required = false) {
  if (!j.contains(key)) {
    if (required) throw DecodeError{at + "." + key, "is required"};
    return "";
  }
  const json& v = j.at(key);
  if (!v.is_string()) throw DecodeError{at + "." + key, "must be a string"};
  return v.get<std::string>();
}

const json& GetArray(const json& j, const char* key, const std::string& at) {
  static const json kEmpty = json::array();
  if (!j.contains(key)) return kEmpty;
  const json& v = j.at(key);
  if (!v.is_array()) throw DecodeError{at + "." + key, "must be an array"};
  return v;
}

void RequireObject(const json& j, const std::string& at) {
  if (!j.is_object()) throw DecodeError{at, "must be an object"};
}

Dose DoseFrom(const json& j, const std::string& at) {
  RequireObject(j, at);
  Dose d;
  d.sets = GetInt(j, "sets", at);
  d.reps = GetInt(j, "reps", at);
  d.hold_seconds = GetInt(j, "hold_seconds", at);
  const json& pyramid = GetArray(j, "pyramid_reps", at);
  for (size_t i = 0; i < pyramid.size(); ++i) {
    d.pyramid_reps.push_back(AsInt(pyramid[i], at + ".pyramid_reps[" + std::to_string(i) + "]"));
  }
  if (!d.pyramid_reps.empty() && d.sets == 0) d.sets = static_cast<int>(d.pyramid_reps.size());
  d.load_kg = GetDouble(j, "load_kg", at);
  d.band = GetString(j, "band", at);
  if (j.contains("side")) d.side = ValueOf(kSides, j.at("side"), at + ".side");
  d.rest_seconds = GetInt(j, "rest_seconds", at);
  return d;
}

Exercise ExerciseFrom(const json& j, const std::string& at) {
  RequireObject(j, at);
  Exercise e;
  e.id = GetString(j, "id", at, true);
  e.display_name = GetString(j, "display_name", at, true);
  if (!j.contains("region")) throw DecodeError{at + ".region", "is required"};
  e.region = ValueOf(kRegions, j.at("region"), at + ".region");
  e.ladder = GetString(j, "ladder", at);
  if (e.ladder.empty()) e.ladder = e.id;
  e.ladder_rank = j.contains("ladder_rank") ? GetInt(j, "ladder_rank", at) : 1;
  if (!j.contains("default_dose")) throw DecodeError{at + ".default_dose", "is required"};
  e.default_dose = DoseFrom(j.at("default_dose"), at + ".default_dose");
  const json& levers = GetArray(j, "levers", at);
  for (size_t i = 0; i < levers.size(); ++i) {
    e.levers.push_back(ValueOf(kLevers, levers[i], at + ".levers[" + std::to_string(i) + "]"));
  }
  e.instructions = GetString(j, "instructions", at);
  e.max_hold_seconds = GetInt(j, "max_hold_seconds", at);
  e.max_reps = GetInt(j, "max_reps", at);
  return e;
}

std::vector<Phase> PhasesFrom(const json& j, const std::string& at) {
  if (!j.is_array()) throw DecodeError{at, "must be an array"};
  std::vector<Phase> phases;
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string pat = at + "[" + std::to_string(i) + "]";
    const json& pj = j[i];
    RequireObject(pj, pat);
    Phase p;
    p.number = GetInt(pj, "number", pat);
    p.display_name = GetString(pj, "display_name", pat);
    p.start_week = GetInt(pj, "start_week", pat);
    p.weeks = GetInt(pj, "weeks", pat);
    p.sessions_per_week = GetInt(pj, "sessions_per_week", pat);
    p.gate = GetString(pj, "gate", pat);
    if (pj.contains("kind")) p.kind = ValueOf(kPhaseKinds, pj.at("kind"), pat + ".kind");
    if (pj.contains("climb_ladders")) p.climb_ladders = GetBool(pj, "climb_ladders", pat);
    p.sign_off_required = GetBool(pj, "sign_off_required", pat);
    p.outcome_gate = GetString(pj, "outcome_gate", pat);
    const json& rxs = GetArray(pj, "prescriptions", pat);
    for (size_t k = 0; k < rxs.size(); ++k) {
      const std::string rat = pat + ".prescriptions[" + std::to_string(k) + "]";
      RequireObject(rxs[k], rat);
      Prescription rx;
      rx.exercise_id = GetString(rxs[k], "exercise", rat, true);
      const json& steps = GetArray(rxs[k], "dose_steps", rat);
      for (size_t s = 0; s < steps.size(); ++s) {
        rx.dose_steps.push_back(DoseFrom(steps[s], rat + ".dose_steps[" + std::to_string(s) + "]"));
      }
      rx.notes = GetString(rxs[k], "notes", rat);
      if (rxs[k].contains("mode")) rx.mode = ValueOf(kModes, rxs[k].at("mode"), rat + ".mode");
      p.prescriptions.push_back(std::move(rx));
    }
    phases.push_back(std::move(p));
  }
  return phases;
}

template <typename F>
auto Guard(F&& decode) -> Result<decltype(decode())> {
  try {
    return decode();
  } catch (const DecodeError& e) {
    return Status::InvalidArgument(e.field, e.what);
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument("json", "malformed value");
  }
}

}  // namespace

const char* RegionName(Region region) { return NameOf(kRegions, region); }

json Encode(const Dose& d) {
  json j = json::object();
  if (d.sets) j["sets"] = d.sets;
  if (d.reps) j["reps"] = d.reps;
  if (d.hold_seconds) j["hold_seconds"] = d.hold_seconds;
  if (!d.pyramid_reps.empty()) j["pyramid_reps"] = d.pyramid_reps;
  if (d.load_kg != 0) j["load_kg"] = d.load_kg;
  if (!d.band.empty()) j["band"] = d.band;
  if (d.side != Side::kUnspecified) j["side"] = NameOf(kSides, d.side);
  if (d.rest_seconds) j["rest_seconds"] = d.rest_seconds;
  return j;
}

json Encode(const Exercise& e) {
  json j = {{"id", e.id},
            {"display_name", e.display_name},
            {"region", NameOf(kRegions, e.region)},
            {"ladder", e.ladder},
            {"ladder_rank", e.ladder_rank},
            {"default_dose", Encode(e.default_dose)}};
  json levers = json::array();
  for (Lever l : e.levers) levers.push_back(NameOf(kLevers, l));
  j["levers"] = std::move(levers);
  if (!e.instructions.empty()) j["instructions"] = e.instructions;
  if (e.max_hold_seconds) j["max_hold_seconds"] = e.max_hold_seconds;
  if (e.max_reps) j["max_reps"] = e.max_reps;
  return j;
}

json EncodePhases(const std::vector<Phase>& phases) {
  json out = json::array();
  for (const Phase& p : phases) {
    json rxs = json::array();
    for (const Prescription& rx : p.prescriptions) {
      json steps = json::array();
      for (const Dose& d : rx.dose_steps) steps.push_back(Encode(d));
      json r = {{"exercise", rx.exercise_id}, {"dose_steps", std::move(steps)}};
      if (!rx.notes.empty()) r["notes"] = rx.notes;
      if (rx.mode != ProgressionMode::kAuto && rx.mode != ProgressionMode::kUnspecified) {
        r["mode"] = NameOf(kModes, rx.mode);
      }
      rxs.push_back(std::move(r));
    }
    json pj = {{"number", p.number},
               {"display_name", p.display_name},
               {"start_week", p.start_week},
               {"weeks", p.weeks},
               {"sessions_per_week", p.sessions_per_week},
               {"prescriptions", std::move(rxs)}};
    if (!p.gate.empty()) pj["gate"] = p.gate;
    if (p.kind != PhaseKind::kUnspecified) pj["kind"] = NameOf(kPhaseKinds, p.kind);
    if (p.climb_ladders) pj["climb_ladders"] = *p.climb_ladders;
    if (p.sign_off_required) pj["sign_off_required"] = true;
    if (!p.outcome_gate.empty()) pj["outcome_gate"] = p.outcome_gate;
    out.push_back(std::move(pj));
  }
  return out;
}

json Encode(const Protocol& p) {
  return {{"id", p.id},
          {"display_name", p.display_name},
          {"description", p.description},
          {"phases", EncodePhases(p.phases)}};
}

json EncodeLogs(const std::vector<ExerciseLog>& logs) {
  // Compact: one array per log, [exercise, sets, reps, hold, load, band, side, pain].
  json out = json::array();
  for (const ExerciseLog& l : logs) {
    out.push_back(json::array({l.exercise_id, l.sets, l.reps, l.hold_seconds, l.load_kg, l.band,
                               static_cast<int>(l.side), l.pain}));
  }
  return out;
}

Result<Dose> DecodeDose(const json& j) {
  return Guard([&] { return DoseFrom(j, "dose"); });
}

Result<Exercise> DecodeExercise(const json& j) {
  return Guard([&] { return ExerciseFrom(j, "exercise"); });
}

Result<std::vector<Phase>> DecodePhases(const json& j) {
  return Guard([&] { return PhasesFrom(j, "phases"); });
}

Result<Protocol> DecodeProtocol(const json& j) {
  return Guard([&] {
    RequireObject(j, "protocol");
    Protocol p;
    p.id = GetString(j, "id", "protocol", true);
    p.display_name = GetString(j, "display_name", "protocol", true);
    p.description = GetString(j, "description", "protocol");
    if (!j.contains("phases")) throw DecodeError{"protocol.phases", "is required"};
    p.phases = PhasesFrom(j.at("phases"), "protocol.phases");
    return p;
  });
}

Result<std::vector<ExerciseLog>> DecodeLogs(const json& j) {
  return Guard([&] {
    if (!j.is_array()) throw DecodeError{"exercises", "must be an array"};
    std::vector<ExerciseLog> logs;
    for (const json& a : j) {
      // Rows written before per-exercise pain existed have 7 elements.
      if (!a.is_array() || a.size() < 7 || a.size() > 8 || !a[0].is_string() || !a[4].is_number() ||
          !a[5].is_string()) {
        throw DecodeError{"exercises", "malformed log"};
      }
      ExerciseLog l;
      l.exercise_id = a[0].get<std::string>();
      l.sets = AsInt(a[1], "exercises.sets");
      l.reps = AsInt(a[2], "exercises.reps");
      l.hold_seconds = AsInt(a[3], "exercises.hold_seconds");
      l.load_kg = a[4].get<double>();
      l.band = a[5].get<std::string>();
      const int side = AsInt(a[6], "exercises.side");
      if (side < 0 || side > static_cast<int>(Side::kRight)) {
        throw DecodeError{"exercises", "malformed side"};
      }
      l.side = static_cast<Side>(side);
      if (a.size() == 8) l.pain = AsInt(a[7], "exercises.pain");
      logs.push_back(std::move(l));
    }
    return logs;
  });
}

json Encode(const ProgressionRules& r) {
  json j = json::object();
#define PTRACK_ENCODE_RULE(name) j[#name] = r.name;
  PTRACK_RULE_FIELDS(PTRACK_ENCODE_RULE)
#undef PTRACK_ENCODE_RULE
  j["band_order"] = r.band_order;
  return j;
}

Result<Instrument> DecodeInstrument(const json& j) {
  static constexpr std::array<std::pair<OutcomeScoring, const char*>, 3> kScorings{{
      {OutcomeScoring::kSum, "sum"},
      {OutcomeScoring::kMean, "mean"},
      {OutcomeScoring::kProratedSum, "prorated_sum"},
  }};
  static constexpr std::array<std::pair<OutcomeDirection, const char*>, 2> kDirections{{
      {OutcomeDirection::kLowerIsBetter, "lower_is_better"},
      {OutcomeDirection::kHigherIsBetter, "higher_is_better"},
  }};
  return Guard([&] {
    RequireObject(j, "instrument");
    Instrument in;
    in.id = GetString(j, "id", "instrument", true);
    in.display_name = GetString(j, "display_name", "instrument", true);
    const json& items = GetArray(j, "items", "instrument");
    for (size_t i = 0; i < items.size(); ++i) {
      const std::string at = "instrument.items[" + std::to_string(i) + "]";
      RequireObject(items[i], at);
      OutcomeItem item;
      item.id = GetString(items[i], "id", at, true);
      item.text = GetString(items[i], "text", at);
      item.min = GetInt(items[i], "min", at);
      item.max = GetInt(items[i], "max", at);
      if (items[i].contains("required")) item.required = GetBool(items[i], "required", at);
      if (items[i].contains("labels")) {
        const json& labels = GetArray(items[i], "labels", at);
        for (size_t k = 0; k < labels.size(); ++k) {
          if (!labels[k].is_string()) throw DecodeError{at + ".labels", "must be strings"};
          item.labels.push_back(labels[k].get<std::string>());
        }
      }
      in.items.push_back(std::move(item));
    }
    if (!j.contains("scoring")) throw DecodeError{"instrument.scoring", "is required"};
    in.scoring = ValueOf(kScorings, j.at("scoring"), "instrument.scoring");
    if (!j.contains("direction")) throw DecodeError{"instrument.direction", "is required"};
    in.direction = ValueOf(kDirections, j.at("direction"), "instrument.direction");
    if (j.contains("min_answered")) {
      in.min_answered = GetInt(j, "min_answered", "instrument");
    } else {  // by default: every required item (at least one)
      int required = 0;
      for (const OutcomeItem& item : in.items) required += item.required;
      in.min_answered = std::max(required, 1);
    }
    in.scale_max = GetDouble(j, "scale_max", "instrument");
    in.show_percent = GetBool(j, "show_percent", "instrument");
    in.mcid_points = GetDouble(j, "mcid_points", "instrument");
    in.mcid_fraction = GetDouble(j, "mcid_fraction", "instrument");
    if (j.contains("improved_at_most")) {
      in.improved_at_most = GetInt(j, "improved_at_most", "instrument");
    }
    if (j.contains("worsened_at_least")) {
      in.worsened_at_least = GetInt(j, "worsened_at_least", "instrument");
    }
    if (j.contains("schedule")) {
      const json& s = j.at("schedule");
      RequireObject(s, "instrument.schedule");
      if (s.contains("at_baseline")) {
        in.at_baseline = GetBool(s, "at_baseline", "instrument.schedule");
      }
      in.every_weeks = GetInt(s, "every_weeks", "instrument.schedule");
      if (s.contains("at_discharge")) {
        in.at_discharge = GetBool(s, "at_discharge", "instrument.schedule");
      }
      if (s.contains("discharge_window_days")) {
        in.discharge_window_days = GetInt(s, "discharge_window_days", "instrument.schedule");
      }
    }
    in.loinc = GetString(j, "loinc", "instrument");
    if (j.contains("assign_by_default")) {
      in.assign_by_default = GetBool(j, "assign_by_default", "instrument");
    }
    in.source = GetString(j, "source", "instrument", true);
    in.licence = GetString(j, "licence", "instrument", true);
    return in;
  });
}

Result<ProgressionRules> DecodeRules(const json& j) {
  return Guard([&] {
    RequireObject(j, "rules");
    ProgressionRules r;
    auto number = [&](const char* key) -> double {
      if (!j.contains(key)) throw DecodeError{std::string("rules.") + key, "is required"};
      if (!j.at(key).is_number())
        throw DecodeError{std::string("rules.") + key, "must be a number"};
      return j.at(key).get<double>();
    };
    auto assign = [](auto& field, double v, const char* key) {
      using T = std::decay_t<decltype(field)>;
      if constexpr (std::is_integral_v<T>) {
        if (v != std::floor(v) || std::abs(v) > 1e6) {
          throw DecodeError{std::string("rules.") + key, "must be a whole number"};
        }
        field = static_cast<T>(v);
      } else {
        field = v;
      }
    };
#define PTRACK_DECODE_RULE(name) assign(r.name, number(#name), #name);
    PTRACK_RULE_FIELDS(PTRACK_DECODE_RULE)
#undef PTRACK_DECODE_RULE
    const json& bands = GetArray(j, "band_order", "rules");
    for (const json& b : bands) {
      if (!b.is_string()) throw DecodeError{"rules.band_order", "must be strings"};
      r.band_order.push_back(b.get<std::string>());
    }
    return r;
  });
}

Result<json> Parse(const std::string& text) {
  try {
    return json::parse(text);
  } catch (const json::exception&) {
    return Status::InvalidArgument("json", "not valid JSON");
  }
}

}  // namespace ptrack::json
