// Reads, validates and stores the shipped catalogue and protocols.
#include "storage/catalogue_loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
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

  // Ladders: ranks 1, 2, 3... without gaps or repeats, so "the next harder variant" is defined.
  std::map<std::string, std::vector<int>> ladders;
  for (const Exercise& e : exercises) ladders[e.ladder].push_back(e.ladder_rank);
  for (auto& [ladder, ranks] : ladders) {
    std::sort(ranks.begin(), ranks.end());
    for (size_t i = 0; i < ranks.size(); ++i) {
      if (ranks[i] != static_cast<int>(i) + 1) {
        return Status::FailedPrecondition(exercises_path.string() + ": ladder \"" + ladder +
                                          "\" must have ranks 1.." + std::to_string(ranks.size()) +
                                          " without gaps");
      }
    }
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

  PTRACK_RETURN_IF_ERROR(store.ReplaceCatalogue(exercises, protocols));
  return CatalogueCounts{static_cast<int>(exercises.size()), static_cast<int>(protocols.size())};
}

Result<ProgressionRules> LoadRules(const std::string& path) {
  auto j = ReadJsonFile(path);
  if (!j.ok()) return j.status();
  auto rules = json::DecodeRules(*j);
  if (!rules.ok()) return InFile(path, rules.status());
  Violations v;
  ValidateRules(*rules, "rules", v);
  if (!v.empty()) return InFile(path, v.ToStatus());
  return rules;
}

namespace {

// Reads a flat JSON object whose keys ForEach(rules, on_number[, on_code]) names, then
// Validate(rules). The first missing or mistyped key is named in the error.
template <typename Rules, typename ForEach>
Result<Rules> LoadFlatRules(const std::string& path, ForEach for_each) {
  auto j = ReadJsonFile(path);
  if (!j.ok()) return j.status();
  if (!j->is_object()) return Status::FailedPrecondition(path + ": must be a JSON object");
  Rules r;
  std::string missing;
  for_each(
      r,
      [&](const char* key, int& out) {
        if (!j->contains(key) || !(*j)[key].is_number_integer()) {
          if (missing.empty()) missing = std::string(key) + " must be an integer";
        } else {
          out = (*j)[key].get<int>();
        }
      },
      [&](const char* key, std::string& out) {
        if (!j->contains(key) || !(*j)[key].is_string()) {
          if (missing.empty()) missing = std::string(key) + " must be a string";
        } else {
          out = (*j)[key].get<std::string>();
        }
      });
  if (!missing.empty()) return Status::FailedPrecondition(path + ": " + missing);
  if (auto s = Validate(r); !s.ok()) return InFile(path, s);
  return r;
}

}  // namespace

Result<RtmRules> LoadRtmRules(const std::string& path) {
  return LoadFlatRules<RtmRules>(path, [](RtmRules& r, auto on_number, auto on_code) {
    ForEachRtmField(r, on_number, on_code);
  });
}

Result<ReportRules> LoadReportRules(const std::string& path) {
  return LoadFlatRules<ReportRules>(
      path, [](ReportRules& r, auto on_number, auto) { ForEachReportField(r, on_number); });
}

Result<std::vector<Instrument>> LoadInstruments(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  if (ec) return Status::FailedPrecondition("cannot read " + dir);
  if (files.empty()) return Status::FailedPrecondition(dir + ": no outcome measures");
  std::sort(files.begin(), files.end());
  std::vector<Instrument> out;
  for (const auto& path : files) {
    PTRACK_ASSIGN_OR_RETURN(auto j, ReadJsonFile(path));
    auto in = json::DecodeInstrument(j);
    if (!in.ok()) return Status::FailedPrecondition(path.string() + ": " + in.status().ToString());
    Violations v;
    ValidateInstrument(*in, in->id, v);
    if (in->id + ".json" != path.filename().string()) {
      v.Add("id", "must be the file name without .json");
    }
    if (!v.empty()) {
      return Status::FailedPrecondition(path.string() + ": " + v.ToStatus().ToString());
    }
    out.push_back(std::move(*in));
  }
  return out;
}

Result<std::map<std::string, std::vector<Instrument>>> LoadClinicInstruments(
    const std::string& data_dir) {
  std::map<std::string, std::vector<Instrument>> out;
  const std::filesystem::path clinics = std::filesystem::path(data_dir) / "clinics";
  std::error_code ec;
  if (!std::filesystem::exists(clinics, ec)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(clinics, ec)) {
    if (!entry.is_directory()) continue;
    const std::string clinic = entry.path().filename().string();
    if (!IsValidId(clinic)) {
      return Status::FailedPrecondition(entry.path().string() + ": not a clinic id");
    }
    const std::filesystem::path dir = entry.path() / "outcomes";
    if (!std::filesystem::exists(dir, ec)) continue;
    PTRACK_ASSIGN_OR_RETURN(out[clinic], LoadInstruments(dir.string()));
  }
  if (ec) return Status::FailedPrecondition("cannot read " + clinics.string());
  return out;
}

Result<RedFlagChecklist> LoadRedFlags(const std::string& path) {
  auto j = ReadJsonFile(path);
  if (!j.ok()) return j.status();
  RedFlagChecklist list;
  if (!j->is_object() || !j->contains("stop_message") || !(*j)["stop_message"].is_string() ||
      !j->contains("questions") || !(*j)["questions"].is_array() || (*j)["questions"].empty()) {
    return Status::FailedPrecondition(path +
                                      ": needs a stop_message and a non-empty questions array");
  }
  list.stop_message = (*j)["stop_message"].get<std::string>();
  std::set<std::string> ids;
  for (const auto& item : (*j)["questions"]) {
    if (!item.is_object() || !item.contains("id") || !item["id"].is_string() ||
        !item.contains("question") || !item["question"].is_string()) {
      return Status::FailedPrecondition(path + ": each question needs a string id and question");
    }
    RedFlagItem r{item["id"].get<std::string>(), item["question"].get<std::string>()};
    if (!IsValidId(r.id) || !ids.insert(r.id).second) {
      return Status::FailedPrecondition(path + ": bad or duplicate id " + r.id);
    }
    list.questions.push_back(std::move(r));
  }
  return list;
}

}  // namespace ptrack
