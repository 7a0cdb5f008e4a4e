// FNV-1a over a fixed little-endian encoding of each field.
#include "scheduler/fingerprint.h"

#include <cstring>
#include <string>

namespace ptrack {
namespace {

// When one of these fires, a field was added: hash it below, then update the size.
static_assert(sizeof(Dose) == 88, "Dose changed: hash the new field in Add(Dose)");
static_assert(sizeof(Decision) == 432, "Decision changed: hash the new field in Add(Decision)");

class Fnv64 {
 public:
  void Byte(unsigned char c) {
    h_ ^= c;
    h_ *= 1099511628211ull;
  }
  void Int(int64_t v) {
    const auto u = static_cast<uint64_t>(v);
    for (int i = 0; i < 8; ++i) Byte(static_cast<unsigned char>(u >> (8 * i)));
  }
  void Double(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    Int(static_cast<int64_t>(bits));
  }
  void Str(const std::string& s) {  // length first, so that ("ab","c") differs from ("a","bc")
    Int(static_cast<int64_t>(s.size()));
    for (char c : s) Byte(static_cast<unsigned char>(c));
  }
  void Add(const Dose& d) {
    Int(d.sets);
    Int(d.reps);
    Int(d.hold_seconds);
    Int(static_cast<int64_t>(d.pyramid_reps.size()));
    for (int r : d.pyramid_reps) Int(r);
    Double(d.load_kg);
    Str(d.band);
    Int(static_cast<int64_t>(d.side));
    Int(d.rest_seconds);
  }
  void Add(const Decision& d) {
    Str(d.id);
    Int(d.week);
    Int(d.effective_date.time_since_epoch().count());
    Str(d.exercise_id);
    Int(static_cast<int64_t>(d.kind));
    Str(d.rule);
    Int(static_cast<int64_t>(d.inputs.size()));
    for (const auto& [name, value] : d.inputs) {
      Str(name);
      Str(value);
    }
    Str(d.old_exercise_id);
    Str(d.new_exercise_id);
    Add(d.old_dose);
    Add(d.new_dose);
    Int(d.new_step);
    Int(d.old_phase);
    Int(d.new_phase);
    Int(static_cast<int64_t>(d.mode));
    Int(static_cast<int64_t>(d.status));
    Str(d.explanation);
  }
  uint64_t value() const { return h_; }

 private:
  uint64_t h_ = 14695981039346656037ull;
};

}  // namespace

uint64_t DecisionsFingerprint(const std::vector<Decision>& decisions) {
  Fnv64 h;
  h.Int(static_cast<int64_t>(decisions.size()));
  for (const Decision& d : decisions) h.Add(d);
  return h.value();
}

}  // namespace ptrack
