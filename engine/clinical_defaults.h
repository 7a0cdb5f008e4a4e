// The clinical defaults ptrackd serves from data/: the progression rules every new program
// copies (a therapist may override them per program), the red-flag checklist every session
// report carries, the RTM billing thresholds and codes, and how long the report keeps flags open.
// Loaded once at start-up; read-only
// afterwards, so safe to share across threads.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "scheduler/rules.h"
#include "storage/catalogue_loader.h"

namespace ptrack {

struct ClinicalDefaults {
  ProgressionRules rules;
  RedFlagChecklist red_flags;
  RtmRules rtm;
  ReportRules report;
  std::vector<Instrument> outcomes;  // data/outcomes: the outcome measures (CLINICAL.md §8)
  // data/clinics/{clinic}/outcomes: a clinic's own, overriding the shipped ones with their ids.
  std::map<std::string, std::vector<Instrument>> clinic_outcomes;

  // Instrument `id` as clinic `clinic_id` uses it: its own file, else the shipped one; nullptr
  // when neither exists.
  const Instrument* FindInstrument(const std::string& clinic_id, const std::string& id) const {
    if (auto own = clinic_outcomes.find(clinic_id); own != clinic_outcomes.end()) {
      for (const Instrument& in : own->second) {
        if (in.id == id) return &in;
      }
    }
    for (const Instrument& in : outcomes) {
      if (in.id == id) return &in;
    }
    return nullptr;
  }

  // Every instrument clinic `clinic_id` uses, by id.
  std::vector<const Instrument*> InstrumentsFor(const std::string& clinic_id) const {
    std::map<std::string, const Instrument*> by_id;
    for (const Instrument& in : outcomes) by_id[in.id] = &in;
    if (auto own = clinic_outcomes.find(clinic_id); own != clinic_outcomes.end()) {
      for (const Instrument& in : own->second) by_id[in.id] = &in;
    }
    std::vector<const Instrument*> out;
    for (const auto& [id, in] : by_id) out.push_back(in);
    return out;
  }

  // A phase gate that waits on an instrument the clinic does not have could never open: named
  // under `field`.
  void CheckOutcomeGates(const std::string& clinic_id, const std::vector<Phase>& phases,
                         const std::string& field, Violations& out) const {
    for (size_t i = 0; i < phases.size(); ++i) {
      if (!phases[i].outcome_gate.empty() &&
          FindInstrument(clinic_id, phases[i].outcome_gate) == nullptr) {
        out.Add(field + "[" + std::to_string(i) + "].outcome_gate", "unknown instrument");
      }
    }
  }

  bool IsRedFlag(const std::string& id) const {
    for (const RedFlagItem& r : red_flags.questions) {
      if (r.id == id) return true;
    }
    return false;
  }
};

// Reads data_dir/rules/progression.json, data_dir/catalogue/red_flags.json,
// data_dir/rules/rtm.json, data_dir/rules/report.json, data_dir/outcomes/*.json and
// data_dir/clinics/*/outcomes/*.json.
// FAILED_PRECONDITION naming the file when any is missing or invalid (ptrackd does not start).
inline Result<ClinicalDefaults> LoadClinicalDefaults(const std::string& data_dir) {
  PTRACK_ASSIGN_OR_RETURN(auto rules, LoadRules(data_dir + "/rules/progression.json"));
  PTRACK_ASSIGN_OR_RETURN(auto flags, LoadRedFlags(data_dir + "/catalogue/red_flags.json"));
  PTRACK_ASSIGN_OR_RETURN(auto rtm, LoadRtmRules(data_dir + "/rules/rtm.json"));
  PTRACK_ASSIGN_OR_RETURN(auto report, LoadReportRules(data_dir + "/rules/report.json"));
  PTRACK_ASSIGN_OR_RETURN(auto outcomes, LoadInstruments(data_dir + "/outcomes"));
  PTRACK_ASSIGN_OR_RETURN(auto clinic_outcomes, LoadClinicInstruments(data_dir));
  return ClinicalDefaults{std::move(rules),  std::move(flags),    std::move(rtm),
                          std::move(report), std::move(outcomes), std::move(clinic_outcomes)};
}

}  // namespace ptrack
