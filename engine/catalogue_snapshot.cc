// Loading the catalogue for one evaluation.
#include "engine/catalogue_snapshot.h"

#include "engine/paging.h"

namespace ptrack {

Result<CatalogueSnapshot> CatalogueSnapshot::Load(Store& store, const std::string& clinic_id,
                                                  const Program& program) {
  CatalogueSnapshot snapshot;
  PTRACK_ASSIGN_OR_RETURN(auto listed, paging::All<Exercise>(
                                           [&](const PageRequest& page) {
                                             return store.ListExercises(Region::kUnspecified, page,
                                                                        clinic_id);
                                           },
                                           1000));
  for (Exercise& e : listed) snapshot.exercises_.emplace(e.id, std::move(e));
  for (const ProgramRevision& r : program.revisions) {
    for (const Phase& p : r.phases) {
      for (const Prescription& rx : p.prescriptions) {
        if (snapshot.exercises_.count(rx.exercise_id)) continue;
        auto e = store.GetExercise(rx.exercise_id);
        if (e.ok()) snapshot.exercises_.emplace(rx.exercise_id, std::move(*e));
      }
    }
  }
  return snapshot;
}

bool CatalogueSnapshot::Names(const Program& program) const {
  for (const ProgramRevision& r : program.revisions) {
    for (const Phase& p : r.phases) {
      for (const Prescription& rx : p.prescriptions) {
        if (exercises_.count(rx.exercise_id) == 0) return false;
      }
    }
  }
  return true;
}

const Exercise* CatalogueSnapshot::Find(const std::string& id) const {
  auto it = exercises_.find(id);
  return it == exercises_.end() ? nullptr : &it->second;
}

CatalogueView CatalogueSnapshot::View() const {
  CatalogueView view;
  view.exercise = [this](const std::string& id) { return Find(id); };
  view.rung = [this](const std::string& ladder, int rank) -> const Exercise* {
    for (const auto& [id, e] : exercises_) {
      if (e.ladder == ladder && e.ladder_rank == rank) return &e;
    }
    return nullptr;
  };
  return view;
}

}  // namespace ptrack
