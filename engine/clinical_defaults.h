// The clinical defaults ptrackd serves from data/: the progression rules every new program
// copies (a therapist may override them per program), the red-flag checklist every session
// report carries, the RTM billing thresholds and codes, and how long the report keeps flags open.
// Loaded once at start-up; read-only
// afterwards, so safe to share across threads.
#pragma once

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

  const Instrument* FindInstrument(const std::string& id) const {
    for (const Instrument& in : outcomes) {
      if (in.id == id) return &in;
    }
    return nullptr;
  }

  // A phase gate that waits on an instrument there is not could never open: named under `field`.
  void CheckOutcomeGates(const std::vector<Phase>& phases, const std::string& field,
                         Violations& out) const {
    for (size_t i = 0; i < phases.size(); ++i) {
      if (!phases[i].outcome_gate.empty() && FindInstrument(phases[i].outcome_gate) == nullptr) {
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
// data_dir/rules/rtm.json, data_dir/rules/report.json and data_dir/outcomes/*.json.
// FAILED_PRECONDITION naming the file when any is missing or invalid (ptrackd does not start).
inline Result<ClinicalDefaults> LoadClinicalDefaults(const std::string& data_dir) {
  PTRACK_ASSIGN_OR_RETURN(auto rules, LoadRules(data_dir + "/rules/progression.json"));
  PTRACK_ASSIGN_OR_RETURN(auto flags, LoadRedFlags(data_dir + "/catalogue/red_flags.json"));
  PTRACK_ASSIGN_OR_RETURN(auto rtm, LoadRtmRules(data_dir + "/rules/rtm.json"));
  PTRACK_ASSIGN_OR_RETURN(auto report, LoadReportRules(data_dir + "/rules/report.json"));
  PTRACK_ASSIGN_OR_RETURN(auto outcomes, LoadInstruments(data_dir + "/outcomes"));
  return ClinicalDefaults{std::move(rules), std::move(flags), std::move(rtm), std::move(report),
                          std::move(outcomes)};
}

}  // namespace ptrack
