// Reads, validates and stores the shipped catalogue and protocols.
#include "storage/catalogue_loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "storage/json_codec.h"

namespace ptrack {
namespace {

Result<nlohmann::json> ReadJsonFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return Status::FailedPrecondition("cannot read " + path.string());
  std::stringstream buf;
  buf << in.rdbuf();
  auto j = json::Parse(buf.str());
  if (!j.ok()) return Status::FailedPrecondition(path.string() + ": not valid JSON");
  return j;
}

Status InFile(const std::filesystem::path& path, const Status& s) {
  return Status::FailedPrecondition(path.string() + ": " + s.message());
}

}  // namespace

Result<CatalogueCounts> LoadCatalogue(const std::string& dir, Store& store) {
  namespace fs = std::filesystem;
  const fs::path exercises_path = fs::path(dir) / "exercises.json";
  auto ej = ReadJsonFile(exercises_path);
  if (!ej.ok()) return ej.status();
  if (!ej->is_array())
    return Status::FailedPrecondition(exercises_path.string() + ": not an array");

  std::vector<Exercise> exercises;
  std::set<std::string> ids;
  for (const auto& item : *ej) {
    auto e = json::DecodeExercise(item);
    if (!e.ok()) return InFile(exercises_path, e.status());
    Violations v;
    if (!IsValidId(e->id)) v.Add("exercise.id", "must be 1..63 of [a-z0-9-]");
    if (!ids.insert(e->id).second) v.Add("exercise.id", "duplicate id " + e->id);
    ValidateDose(e->default_dose, "exercise(" + e->id + ").default_dose", v);
    if (!v.empty()) return InFile(exercises_path, v.ToStatus());
    exercises.push_back(std::move(*e));
  }

  std::vector<Protocol> protocols;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fs::path(dir) / "protocols", ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  if (ec) return Status::FailedPrecondition("cannot list " + dir + "/protocols");
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    auto pj = ReadJsonFile(path);
    if (!pj.ok()) return pj.status();
    auto p = json::DecodeProtocol(*pj);
    if (!p.ok()) return InFile(path, p.status());
    Violations v;
    if (!IsValidId(p->id)) v.Add("protocol.id", "must be 1..63 of [a-z0-9-]");
    if (path.stem().string() != p->id) v.Add("protocol.id", "must equal the file name");
    ValidatePhases(
        p->phases, [&](const std::string& id) { return ids.count(id) > 0; }, "protocol.phases", v);
    if (!v.empty()) return InFile(path, v.ToStatus());
    protocols.push_back(std::move(*p));
  }

  for (const Exercise& e : exercises) PTRACK_RETURN_IF_ERROR(store.PutExercise(e));
  for (const Protocol& p : protocols) PTRACK_RETURN_IF_ERROR(store.PutProtocol(p));
  return CatalogueCounts{static_cast<int>(exercises.size()), static_cast<int>(protocols.size())};
}

}  // namespace ptrack
