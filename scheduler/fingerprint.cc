// FNV-1a over a fixed little-endian encoding of each field.
#include "scheduler/fingerprint.h"

#include <cstring>
#include <set>
#include <string>

namespace ptrack {
namespace {

// When one of these fires, a field was added: hash it below, then update the size.
static_assert(sizeof(Dose) == 88, "Dose changed: hash the new field in Add(Dose)");
static_assert(sizeof(Exercise) == 296, "Exercise changed: hash the new field in Add(Exercise)");
static_assert(sizeof(Phase) == 152, "Phase changed: hash the new field in Add(Phase)");
static_assert(sizeof(Prescription) == 96, "Prescription changed: hash the new field");

// Ladders are short (a handful of rungs); ranks above this are not looked at.
constexpr int kMaxLadderRank = 50;

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
  void Add(const Exercise& e) {
    Str(e.id);
    Str(e.display_name);
    Int(static_cast<int64_t>(e.region));
    Str(e.ladder);
    Int(e.ladder_rank);
    Add(e.default_dose);
    Int(static_cast<int64_t>(e.levers.size()));
    for (Lever l : e.levers) Int(static_cast<int64_t>(l));
    Str(e.instructions);
    Int(e.max_hold_seconds);
    Int(e.max_reps);
    Str(e.clinic_id);
  }
  void Add(const Phase& p) {
    Int(p.number);
    Str(p.display_name);
    Int(p.start_week);
    Int(p.weeks);
    Int(p.sessions_per_week);
    Int(static_cast<int64_t>(p.prescriptions.size()));
    for (const Prescription& rx : p.prescriptions) {
      Str(rx.exercise_id);
      Int(static_cast<int64_t>(rx.dose_steps.size()));
      for (const Dose& d : rx.dose_steps) Add(d);
      Str(rx.notes);
      Int(static_cast<int64_t>(rx.mode));
    }
    Str(p.gate);
    Int(static_cast<int64_t>(p.kind));
    Int(p.climb_ladders ? (*p.climb_ladders ? 2 : 1) : 0);
    Int(p.sign_off_required ? 1 : 0);
    Str(p.outcome_gate);
  }
  void Add(const ProgressionRules& r) {
#define PTRACK_HASH_RULE(name) Double(static_cast<double>(r.name));
    PTRACK_RULE_FIELDS(PTRACK_HASH_RULE)
#undef PTRACK_HASH_RULE
    Int(static_cast<int64_t>(r.band_order.size()));
    for (const std::string& b : r.band_order) Str(b);
  }
  uint64_t value() const { return h_; }

 private:
  uint64_t h_ = 14695981039346656037ull;
};

}  // namespace

uint64_t ReplayInputsFingerprint(const Program& program, LocalDate through,
                                 const CatalogueView& catalogue) {
  Fnv64 h;
  h.Str(program.id);
  h.Int(program.start_date.time_since_epoch().count());
  std::set<std::string> named;
  for (const ProgramRevision& r : program.revisions) {
    if (r.effective_date > through && r.revision > 1) continue;
    h.Int(r.revision);
    h.Int(r.effective_date.time_since_epoch().count());
    h.Str(r.reason);
    h.Int(static_cast<int64_t>(r.phases.size()));
    for (const Phase& p : r.phases) {
      h.Add(p);
      for (const Prescription& rx : p.prescriptions) named.insert(rx.exercise_id);
    }
    h.Add(r.rules);
  }
  std::set<std::string> ladders;
  for (const std::string& id : named) {
    const Exercise* e = catalogue.exercise ? catalogue.exercise(id) : nullptr;
    h.Str(id);
    h.Int(e != nullptr);
    if (e == nullptr) continue;
    h.Add(*e);
    if (!e->ladder.empty()) ladders.insert(e->ladder);
  }
  for (const std::string& ladder : ladders) {
    h.Str(ladder);
    for (int rank = 1; rank <= kMaxLadderRank; ++rank) {
      if (const Exercise* rung = catalogue.rung ? catalogue.rung(ladder, rank) : nullptr) {
        h.Int(rank);
        h.Add(*rung);
      }
    }
  }
  return h.value();
}

}  // namespace ptrack
