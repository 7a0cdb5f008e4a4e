// The latest evaluation of each patient's active program, kept in memory so that a read of an
// unchanged patient (a plan, the flags, the suspension of a session's answer) replays nothing,
// decodes nothing and writes nothing. An entry is valid for one key: the patient's data version
// (bumped in the same transaction as every write to the patient's evaluation inputs, so a
// stale entry is never served after a write commits), the patient's local date (time-driven
// facts move at midnight) and the catalogue generation. Least recently used entries are
// dropped once the entries' approximate size passes a byte cap, so memory stays bounded
// whatever the number of patients. It also holds one catalogue snapshot per clinic and catalogue
// generation, shared by that clinic's evaluations. Thread-safe; values are shared and immutable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "scheduler/time.h"

namespace ptrack {

struct Evaluated;
class CatalogueSnapshot;

struct EvaluationKey {
  int64_t data_version = 0;
  LocalDate today{};
  int64_t catalogue_generation = 0;
  bool operator==(const EvaluationKey&) const = default;
};

struct EvaluationCacheStats {
  uint64_t hits = 0, misses = 0, evictions = 0;
  size_t entries = 0, bytes = 0;
};

class EvaluationCache {
 public:
  explicit EvaluationCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  // The patient's entry when it was stored under `key`; nullptr otherwise.
  std::shared_ptr<const Evaluated> Find(const std::string& patient_id, const EvaluationKey& key);
  // The patient's entry whatever key it was stored under, with that key (not counted as a hit or
  // a miss, and not made more recent): what a new evaluation may start from.
  std::optional<std::pair<EvaluationKey, std::shared_ptr<const Evaluated>>> FindAnyKey(
      const std::string& patient_id) const;
  // Stores (or replaces) the patient's entry, `bytes` its approximate size, and drops the least
  // recently used entries beyond the cap (never the one just stored).
  void Put(const std::string& patient_id, const EvaluationKey& key,
           std::shared_ptr<const Evaluated> value, size_t bytes);
  void Erase(const std::string& patient_id);
  void Clear();

  // The clinic's catalogue snapshot at `generation`; nullptr when none is held.
  std::shared_ptr<const CatalogueSnapshot> FindCatalogue(const std::string& clinic_id,
                                                         int64_t generation) const;
  // Holds it (replacing the clinic's snapshot of any other generation).
  void PutCatalogue(const std::string& clinic_id, int64_t generation,
                    std::shared_ptr<const CatalogueSnapshot> snapshot);
  EvaluationCacheStats Stats() const;

 private:
  struct Entry {
    std::string patient_id;
    EvaluationKey key;
    std::shared_ptr<const Evaluated> value;
    size_t bytes = 0;
  };
  using Lru = std::list<Entry>;  // most recently used first

  void EraseLocked(Lru::iterator it);

  const size_t max_bytes_;
  mutable std::mutex mu_;
  Lru lru_;
  std::unordered_map<std::string, Lru::iterator> index_;
  size_t bytes_ = 0;
  EvaluationCacheStats stats_;
  std::unordered_map<std::string, std::pair<int64_t, std::shared_ptr<const CatalogueSnapshot>>>
      catalogues_;  // clinic -> (generation, snapshot)
};

// The approximate heap size of an evaluation (program, kept timeline), for the cache's cap.
size_t ApproximateBytes(const Evaluated& evaluated);

}  // namespace ptrack
