// A read-only copy of the whole exercise catalogue (a few dozen entries) taken from the store,
// with the CatalogueView the progression engine needs (lookup by id, and by ladder and rank).
// Includes retired exercises that `program` still names. Immutable once loaded, so one snapshot
// of a clinic's catalogue is shared by every evaluation of that clinic at one catalogue
// generation (evaluation_cache.h).
#pragma once

#include <map>
#include <string>

#include "scheduler/progression.h"
#include "storage/store.h"

namespace ptrack {

class CatalogueSnapshot {
 public:
  // Loads every exercise `clinic_id` sees plus any the program's revisions name.
  static Result<CatalogueSnapshot> Load(Store& store, const std::string& clinic_id,
                                        const Program& program);

  // Whether it holds every exercise the program's revisions name.
  bool Names(const Program& program) const;

  // nullptr when the snapshot has no such exercise.
  const Exercise* Find(const std::string& id) const;

  // Valid while this snapshot lives (and is not moved).
  CatalogueView View() const;

 private:
  std::map<std::string, Exercise> exercises_;
};

}  // namespace ptrack
