// Checkpoint <-> compact JSON, and the JSON deflated. The JSON is one array:
//
//   [format, engine_version, day, keep_days, prescriptions, state, counters,
//    kept_states, kept_decisions, kept_flags, kept_facts, flags_raised_on]
//
//   prescriptions  [[prescribed_id, exercise_id | 0 (= prescribed_id), dose, step,
//                    [[exercise_id, dose, step], ...] (trail), why, changed_on], ...]
//   state          [revision, phase_number, phase_started, [prescription index, ...],
//                   suspended, suspended_reason]
//   counters       [last_activity, inactivity_flagged, inactivity_since, stalled_weeks,
//                   stalled_flagged, suspended_in_week, boosts, late_max_pain, late_worse,
//                   [[week, pain_sum, sessions], ...], regressed_in_phase,
//                   paused_weeks_in_phase]
//   kept_states    [[day, state], ...]
//   decision       [id, week, effective_date, exercise_id, kind, rule, [[key, value], ...],
//                   old_exercise_id, new_exercise_id, old_dose, new_dose, new_step, old_phase,
//                   new_phase, mode, status, explanation]
//   flag           [kind, date, detail, session_id, response_id]
//   facts          [last_session | null, baseline_week, baseline_pain_sum, baseline_count,
//                   [uncleared red-flag session id, ...]]
//   dose           [sets, reps, hold_seconds, [pyramid reps], load_kg, band, side, rest_seconds]
//
// Dates are day numbers, booleans 0/1, enums their integer values. Arrays marked with defaults
// below (dose, state, counters, prescription, flag, facts) drop trailing elements equal to their
// defaults; the decoder restores them. Prescriptions are deduplicated by value.
#include "storage/checkpoint_codec.h"

#include <zlib.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

namespace ptrack::json {
namespace {

using nlohmann::json;

// Thrown inside the decoder only; caught at its boundary.
struct Malformed {};

int DayNumber(LocalDate d) { return static_cast<int>(d.time_since_epoch().count()); }
LocalDate FromDayNumber(int n) { return LocalDate{date::days{n}}; }

// Drops the trailing elements of `a` that equal the same position of `defaults`.
void Trim(json& a, const json& defaults) {
  while (!a.empty() && a.size() <= defaults.size() && a.back() == defaults[a.size() - 1]) {
    a.erase(a.size() - 1);
  }
}

// Reads the elements of one encoded array in order; an element past its end reads as the default
// given. Anything of the wrong type or out of range throws Malformed.
class Reader {
 public:
  explicit Reader(const json& j) : j_(j) {
    if (!j.is_array()) throw Malformed{};
  }
  bool More() const { return i_ < j_.size(); }
  const json* Next() { return More() ? &j_[i_++] : nullptr; }

  int64_t Int64(int64_t fallback, int64_t lo, int64_t hi) {
    const json* v = Next();
    if (!v) return fallback;
    if (!v->is_number_integer()) throw Malformed{};
    const auto n = v->get<int64_t>();
    if (n < lo || n > hi) throw Malformed{};
    return n;
  }
  int Int(int fallback = 0) { return static_cast<int>(Int64(fallback, -1000000000, 1000000000)); }
  bool Bool(bool fallback = false) { return Int64(fallback ? 1 : 0, 0, 1) == 1; }
  LocalDate Day(LocalDate fallback = LocalDate{}) {
    return FromDayNumber(static_cast<int>(Int64(DayNumber(fallback), -10000000, 10000000)));
  }
  double Double(double fallback = 0) {
    const json* v = Next();
    if (!v) return fallback;
    if (!v->is_number()) throw Malformed{};
    return v->get<double>();
  }
  std::string Str(const std::string& fallback = "") {
    const json* v = Next();
    if (!v) return fallback;
    if (!v->is_string()) throw Malformed{};
    return v->get<std::string>();
  }
  // The next element as an array (an empty one when absent).
  const json& Array() {
    static const json kEmpty = json::array();
    const json* v = Next();
    if (!v) return kEmpty;
    if (!v->is_array()) throw Malformed{};
    return *v;
  }
  // The next element, which must be present.
  const json& Required() {
    const json* v = Next();
    if (!v) throw Malformed{};
    return *v;
  }
  void End() const {
    if (More()) throw Malformed{};
  }

 private:
  const json& j_;
  size_t i_ = 0;
};

// An integer element of an array read by a loop (not through Reader).
int ElementInt(const json& v) {
  if (!v.is_number_integer()) throw Malformed{};
  const auto n = v.get<int64_t>();
  if (n < -10000000 || n > 10000000) throw Malformed{};
  return static_cast<int>(n);
}

template <typename E>
E EnumFrom(int value, E last) {
  if (value < 0 || value > static_cast<int>(last)) throw Malformed{};
  return static_cast<E>(value);
}

// --- Encoding ---------------------------------------------------------------------------------

json EncodeDose(const Dose& d) {
  static const json kDefaults = json::array({0, 0, 0, json::array(), 0, "", 0, 0});
  json a = json::array({d.sets, d.reps, d.hold_seconds, d.pyramid_reps, d.load_kg, d.band,
                        static_cast<int>(d.side), d.rest_seconds});
  Trim(a, kDefaults);
  return a;
}

json EncodePrescription(const CurrentPrescription& rx) {
  static const json kDefaults = json::array({"", 0, json::array(), 1, json::array(), "", 0});
  json trail = json::array();
  for (const auto& [exercise_id, dose, step] : rx.trail) {
    trail.push_back(json::array({exercise_id, EncodeDose(dose), step}));
  }
  json a = json::array(
      {rx.prescribed_id, rx.exercise_id == rx.prescribed_id ? json(0) : json(rx.exercise_id),
       EncodeDose(rx.dose), rx.step, std::move(trail), rx.why, DayNumber(rx.changed_on)});
  Trim(a, kDefaults);
  return a;
}

// Numbers each distinct prescription in the order first met.
class PrescriptionTable {
 public:
  int IndexOf(const CurrentPrescription& rx) {
    json encoded = EncodePrescription(rx);
    std::string key = encoded.dump();
    auto [it, added] = index_.emplace(std::move(key), static_cast<int>(rows_.size()));
    if (added) rows_.push_back(std::move(encoded));
    return it->second;
  }
  json Rows() const { return json(rows_); }

 private:
  std::map<std::string, int> index_;
  std::vector<json> rows_;
};

json EncodeState(const ProgressState& s, PrescriptionTable& table) {
  static const json kDefaults = json::array({1, 1, 0, json::array(), 0, ""});
  json rxs = json::array();
  for (const CurrentPrescription& rx : s.prescriptions) rxs.push_back(table.IndexOf(rx));
  json a = json::array({s.revision, s.phase_number, DayNumber(s.phase_started), std::move(rxs),
                        s.suspended ? 1 : 0, s.suspended_reason});
  Trim(a, kDefaults);
  return a;
}

json EncodeCounters(const ReplayCounters& c) {
  static const json kDefaults = json::array({0, 0, 0, 0, 0, 0, 0, -1, 0, json::array(), 0, 0});
  json weeks = json::array();
  for (const auto& [week, sum_and_count] : c.pain_by_week) {
    weeks.push_back(json::array({week, sum_and_count.first, sum_and_count.second}));
  }
  json a =
      json::array({DayNumber(c.last_activity), c.inactivity_flagged ? 1 : 0,
                   DayNumber(c.inactivity_since), c.stalled_weeks, c.stalled_flagged ? 1 : 0,
                   c.suspended_in_week ? 1 : 0, c.boosts, c.late_max_pain, c.late_worse ? 1 : 0,
                   std::move(weeks), c.regressed_in_phase ? 1 : 0, c.paused_weeks_in_phase});
  Trim(a, kDefaults);
  return a;
}

json EncodeDecision(const Decision& d) {
  json inputs = json::array();
  for (const auto& [k, v] : d.inputs) inputs.push_back(json::array({k, v}));
  return json::array({d.id, d.week, DayNumber(d.effective_date), d.exercise_id,
                      static_cast<int>(d.kind), d.rule, std::move(inputs), d.old_exercise_id,
                      d.new_exercise_id, EncodeDose(d.old_dose), EncodeDose(d.new_dose), d.new_step,
                      d.old_phase, d.new_phase, static_cast<int>(d.mode),
                      static_cast<int>(d.status), d.explanation});
}

json EncodeFlag(const Flag& f) {
  static const json kDefaults = json::array({0, 0, "", "", ""});
  json a = json::array(
      {static_cast<int>(f.kind), DayNumber(f.date), f.detail, f.session_id, f.response_id});
  Trim(a, kDefaults);
  return a;
}

json EncodeFacts(const HistoryFacts& f) {
  static const json kDefaults = json::array({nullptr, 0, 0, 0, json::array()});
  json a =
      json::array({f.last_session ? json(DayNumber(*f.last_session)) : json(nullptr),
                   f.baseline_week, f.baseline_pain_sum, f.baseline_count, f.uncleared_red_flags});
  Trim(a, kDefaults);
  return a;
}

// --- Decoding ---------------------------------------------------------------------------------

Dose DecodeDose(const json& j) {
  Reader r(j);
  Dose d;
  d.sets = r.Int();
  d.reps = r.Int();
  d.hold_seconds = r.Int();
  for (const json& reps : r.Array()) d.pyramid_reps.push_back(ElementInt(reps));
  d.load_kg = r.Double();
  d.band = r.Str();
  d.side = EnumFrom(r.Int(), Side::kRight);
  d.rest_seconds = r.Int();
  r.End();
  return d;
}

CurrentPrescription DecodePrescription(const json& j) {
  Reader r(j);
  CurrentPrescription rx;
  rx.prescribed_id = r.Str();
  const json* exercise = r.Next();
  if (!exercise || (exercise->is_number_integer() && exercise->get<int64_t>() == 0)) {
    rx.exercise_id = rx.prescribed_id;
  } else if (exercise->is_string()) {
    rx.exercise_id = exercise->get<std::string>();
  } else {
    throw Malformed{};
  }
  if (const json* dose = r.Next()) rx.dose = DecodeDose(*dose);
  rx.step = r.Int(1);
  for (const json& entry : r.Array()) {
    Reader e(entry);
    std::string exercise_id = e.Str();
    Dose dose = DecodeDose(e.Required());
    const int step = e.Int();
    e.End();
    rx.trail.emplace_back(std::move(exercise_id), std::move(dose), step);
  }
  rx.why = r.Str();
  rx.changed_on = r.Day();
  r.End();
  return rx;
}

ProgressState DecodeState(const json& j, const std::vector<CurrentPrescription>& table) {
  Reader r(j);
  ProgressState s;
  s.revision = r.Int(1);
  s.phase_number = r.Int(1);
  s.phase_started = r.Day();
  for (const json& index : r.Array()) {
    if (!index.is_number_integer()) throw Malformed{};
    const auto i = index.get<int64_t>();
    if (i < 0 || i >= static_cast<int64_t>(table.size())) throw Malformed{};
    s.prescriptions.push_back(table[static_cast<size_t>(i)]);
  }
  s.suspended = r.Bool();
  s.suspended_reason = r.Str();
  r.End();
  return s;
}

ReplayCounters DecodeCounters(const json& j) {
  Reader r(j);
  ReplayCounters c;
  c.last_activity = r.Day();
  c.inactivity_flagged = r.Bool();
  c.inactivity_since = r.Day();
  c.stalled_weeks = r.Int();
  c.stalled_flagged = r.Bool();
  c.suspended_in_week = r.Bool();
  c.boosts = r.Int();
  c.late_max_pain = r.Int(-1);
  c.late_worse = r.Bool();
  for (const json& week : r.Array()) {
    Reader w(week);
    const int number = w.Int();
    const double sum = w.Double();
    const int sessions = w.Int();
    w.End();
    if (!c.pain_by_week.emplace(number, std::make_pair(sum, sessions)).second) throw Malformed{};
  }
  c.regressed_in_phase = r.Bool();
  c.paused_weeks_in_phase = r.Int();
  r.End();
  return c;
}

Decision DecodeDecisionRow(const json& j) {
  Reader r(j);
  Decision d;
  d.id = r.Str();
  d.week = r.Int();
  d.effective_date = r.Day();
  d.exercise_id = r.Str();
  d.kind = EnumFrom(r.Int(), DecisionKind::kPhaseHold);
  d.rule = r.Str();
  for (const json& kv : r.Array()) {
    Reader p(kv);
    std::string key = p.Str();
    std::string value = p.Str();
    p.End();
    d.inputs.emplace_back(std::move(key), std::move(value));
  }
  d.old_exercise_id = r.Str();
  d.new_exercise_id = r.Str();
  d.old_dose = DecodeDose(r.Required());
  d.new_dose = DecodeDose(r.Required());
  d.new_step = r.Int();
  d.old_phase = r.Int();
  d.new_phase = r.Int();
  d.mode = EnumFrom(r.Int(), ProgressionMode::kFixed);
  d.status = EnumFrom(r.Int(), DecisionStatus::kNoChange);
  d.explanation = r.Str();
  r.End();
  return d;
}

Flag DecodeFlag(const json& j) {
  Reader r(j);
  Flag f;
  f.kind = EnumFrom(r.Int(), FlagKind::kOutcomeWorsened);
  f.date = r.Day();
  f.detail = r.Str();
  f.session_id = r.Str();
  f.response_id = r.Str();
  r.End();
  return f;
}

HistoryFacts DecodeFacts(const json& j) {
  Reader r(j);
  HistoryFacts f;
  const json* last = r.Next();
  if (last && !last->is_null()) f.last_session = FromDayNumber(ElementInt(*last));
  f.baseline_week = r.Int();
  f.baseline_pain_sum = r.Double();
  f.baseline_count = r.Int();
  for (const json& id : r.Array()) {
    if (!id.is_string()) throw Malformed{};
    f.uncleared_red_flags.push_back(id.get<std::string>());
  }
  r.End();
  return f;
}

// --- Deflate ----------------------------------------------------------------------------------

constexpr size_t kMaxInflated = 16 << 20;  // far above any checkpoint; bounds a corrupt body

std::string Deflate(const std::string& in) {
  uLongf size = compressBound(static_cast<uLong>(in.size()));
  std::string out(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                reinterpret_cast<const Bytef*>(in.data()), static_cast<uLong>(in.size()),
                Z_BEST_COMPRESSION) != Z_OK) {
    return std::string();  // cannot happen with compressBound's room; decodes as nothing
  }
  out.resize(size);
  return out;
}

std::optional<std::string> Inflate(const std::string& in) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return std::nullopt;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char chunk[16384];
  int ret = Z_OK;
  while (ret != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof chunk;
    ret = inflate(&zs, Z_NO_FLUSH);
    // A truncated stream ends in Z_BUF_ERROR (no progress possible), corrupt data in another.
    if ((ret != Z_OK && ret != Z_STREAM_END) || out.size() > kMaxInflated) {
      inflateEnd(&zs);
      return std::nullopt;
    }
    out.append(chunk, sizeof chunk - zs.avail_out);
  }
  const bool whole = zs.avail_in == 0;  // nothing after the stream
  inflateEnd(&zs);
  if (!whole) return std::nullopt;
  return out;
}

}  // namespace

std::string EncodeCheckpoint(const Checkpoint& cp) { return Deflate(CheckpointJson(cp)); }

Result<Checkpoint> DecodeCheckpoint(const std::string& body) {
  const std::optional<std::string> text = Inflate(body);
  if (!text) return Status::InvalidArgument("checkpoint", "not a deflated body");
  return CheckpointFromJson(*text);
}

std::string CheckpointJson(const Checkpoint& cp) {
  PrescriptionTable table;
  json state = EncodeState(cp.state, table);
  json states = json::array();
  for (const auto& [day, s] : cp.kept.states) {
    states.push_back(json::array({DayNumber(day), EncodeState(s, table)}));
  }
  json decisions = json::array();
  for (const Decision& d : cp.kept.decisions) decisions.push_back(EncodeDecision(d));
  json flags = json::array();
  for (const Flag& f : cp.kept.flags) flags.push_back(EncodeFlag(f));
  json raised = json::array();
  for (LocalDate d : cp.flags_raised_on) raised.push_back(DayNumber(d));
  const json body = json::array(
      {kCheckpointFormat, cp.engine_version, DayNumber(cp.day), cp.keep_days, table.Rows(),
       std::move(state), EncodeCounters(cp.counters), std::move(states), std::move(decisions),
       std::move(flags), EncodeFacts(cp.kept.facts), std::move(raised)});
  // Replacement characters for invalid UTF-8 (ids are validated at the edge; this never throws).
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Checkpoint> CheckpointFromJson(const std::string& body) {
  const json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("checkpoint", "not JSON");
  try {
    Reader r(j);
    if (r.Int(-1) != kCheckpointFormat) {
      return Status::InvalidArgument("checkpoint", "another format version");
    }
    Checkpoint cp;
    cp.engine_version = r.Int();
    cp.day = r.Day();
    cp.keep_days = r.Int();
    std::vector<CurrentPrescription> table;
    for (const json& rx : r.Array()) table.push_back(DecodePrescription(rx));
    cp.state = DecodeState(r.Required(), table);
    cp.counters = DecodeCounters(r.Required());
    for (const json& entry : r.Array()) {
      Reader e(entry);
      const LocalDate day = e.Day();
      ProgressState s = DecodeState(e.Required(), table);
      e.End();
      cp.kept.states.emplace_back(day, std::move(s));
    }
    for (const json& d : r.Array()) cp.kept.decisions.push_back(DecodeDecisionRow(d));
    for (const json& f : r.Array()) cp.kept.flags.push_back(DecodeFlag(f));
    cp.kept.facts = DecodeFacts(r.Required());
    for (const json& d : r.Array()) cp.flags_raised_on.push_back(FromDayNumber(ElementInt(d)));
    r.End();
    return cp;
  } catch (const Malformed&) {
    return Status::InvalidArgument("checkpoint", "malformed value");
  } catch (const json::exception&) {
    return Status::InvalidArgument("checkpoint", "malformed value");
  }
}

}  // namespace ptrack::json
