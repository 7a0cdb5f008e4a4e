// The evaluation cache's LRU list and its byte accounting.
#include "engine/evaluation_cache.h"

#include "engine/progress_runner.h"

namespace ptrack {

std::shared_ptr<const Evaluated> EvaluationCache::Find(const std::string& patient_id,
                                                       const EvaluationKey& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(patient_id);
  if (it == index_.end() || !(it->second->key == key)) {
    ++stats_.misses;
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  ++stats_.hits;
  return it->second->value;
}

std::optional<std::pair<EvaluationKey, std::shared_ptr<const Evaluated>>>
EvaluationCache::FindAnyKey(const std::string& patient_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(patient_id);
  if (it == index_.end()) return std::nullopt;
  return std::make_pair(it->second->key, it->second->value);
}

void EvaluationCache::Put(const std::string& patient_id, const EvaluationKey& key,
                          std::shared_ptr<const Evaluated> value, size_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = index_.find(patient_id); it != index_.end()) EraseLocked(it->second);
  lru_.push_front({patient_id, key, std::move(value), bytes});
  index_[patient_id] = lru_.begin();
  bytes_ += bytes;
  while (bytes_ > max_bytes_ && lru_.size() > 1) {
    EraseLocked(std::prev(lru_.end()));
    ++stats_.evictions;
  }
}

void EvaluationCache::Erase(const std::string& patient_id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = index_.find(patient_id); it != index_.end()) EraseLocked(it->second);
}

void EvaluationCache::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  lru_.clear();
  index_.clear();
  catalogues_.clear();
  bytes_ = 0;
}

std::shared_ptr<const CatalogueSnapshot> EvaluationCache::FindCatalogue(
    const std::string& clinic_id, int64_t generation) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = catalogues_.find(clinic_id);
  return it != catalogues_.end() && it->second.first == generation ? it->second.second : nullptr;
}

void EvaluationCache::PutCatalogue(const std::string& clinic_id, int64_t generation,
                                   std::shared_ptr<const CatalogueSnapshot> snapshot) {
  std::lock_guard<std::mutex> lock(mu_);
  catalogues_[clinic_id] = {generation, std::move(snapshot)};
}

EvaluationCacheStats EvaluationCache::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  EvaluationCacheStats s = stats_;
  s.entries = lru_.size();
  s.bytes = bytes_;
  return s;
}

void EvaluationCache::EraseLocked(Lru::iterator it) {
  bytes_ -= it->bytes;
  index_.erase(it->patient_id);
  lru_.erase(it);
}

namespace {

size_t Bytes(const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; }

size_t Bytes(const Dose& d) { return Bytes(d.band) + d.pyramid_reps.capacity() * sizeof(int); }

size_t Bytes(const ProgressState& st) {
  size_t n = Bytes(st.suspended_reason);
  for (const CurrentPrescription& cp : st.prescriptions) {
    n += sizeof cp + Bytes(cp.prescribed_id) + Bytes(cp.exercise_id) + Bytes(cp.dose) +
         Bytes(cp.why);
    for (const auto& [rung, dose, step] : cp.trail) {
      n += sizeof(std::tuple<std::string, Dose, int>) + Bytes(rung) + Bytes(dose);
    }
  }
  return n;
}

}  // namespace

size_t ApproximateBytes(const Evaluated& e) {
  size_t n = sizeof e;
  for (const ProgramRevision& r : e.program.revisions) {
    n += sizeof r + Bytes(r.reason) + Bytes(r.author);
    for (const Phase& p : r.phases) {
      n += sizeof p + Bytes(p.display_name) + Bytes(p.gate);
      for (const Prescription& rx : p.prescriptions) {
        n += sizeof rx + Bytes(rx.exercise_id) + Bytes(rx.notes) +
             rx.dose_steps.size() * sizeof(Dose);
      }
    }
  }
  for (const auto& [from, st] : e.timeline.states) n += sizeof st + Bytes(st);
  for (const Decision& d : e.timeline.decisions) {
    n += sizeof d + Bytes(d.id) + Bytes(d.rule) + Bytes(d.explanation) + Bytes(d.exercise_id) +
         Bytes(d.old_exercise_id) + Bytes(d.new_exercise_id);
    for (const auto& [k, v] : d.inputs) n += 2 * sizeof(std::string) + Bytes(k) + Bytes(v);
  }
  for (const Flag& f : e.timeline.flags) n += sizeof f + Bytes(f.detail) + Bytes(f.session_id);
  if (const OpenDay* open = e.open_day.get()) {
    n += sizeof *open + Bytes(open->state) + Bytes(open->latest_id) +
         open->recent.capacity() * sizeof(OpenDay::Recent) +
         open->closed_at.size() * (sizeof(std::pair<const int, Instant>) + 32);
  }
  return n;
}

}  // namespace ptrack
