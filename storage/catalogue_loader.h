// Loads the shipped clinical data (data/catalogue/exercises.json and
// data/catalogue/protocols/*.json) into a Store at start-up. Everything is validated before
// anything is written and then written in one transaction: a bad file changes nothing and the
// error names the file and the key. Entries no longer in the files are retired (see Store).
#pragma once

#include <map>
#include <string>

#include "scheduler/outcomes.h"
#include "scheduler/rtm.h"
#include "scheduler/summary.h"
#include "storage/store.h"

namespace ptrack {

struct CatalogueCounts {
  int exercises = 0;
  int protocols = 0;
};

// REQUIRES: `dir` holds exercises.json and a protocols/ folder.
Result<CatalogueCounts> LoadCatalogue(const std::string& dir, Store& store);

// Reads and validates the default progression rules (data/rules/progression.json).
// FAILED_PRECONDITION naming the file and key when a value is missing or out of range.
Result<ProgressionRules> LoadRules(const std::string& path);

// Reads and validates the Remote Therapeutic Monitoring thresholds and codes
// (data/rules/rtm.json, CLINICAL.md §6). FAILED_PRECONDITION naming the file and key.
Result<RtmRules> LoadRtmRules(const std::string& path);

// Reads and validates every outcome-measure instrument in `dir` (data/outcomes/*.json, one per
// file named after its id), sorted by id. FAILED_PRECONDITION naming the file and field when one
// does not decode or validate, or when the folder holds none.
Result<std::vector<Instrument>> LoadInstruments(const std::string& dir);

// A clinic's own outcome measures: data_dir/clinics/{clinic id}/outcomes/*.json, each checked like
// the shipped ones, by clinic id. A clinic's file overrides the shipped instrument with its id (a
// clinic's licensed wording of the NDI) or adds one. None (no clinics/ folder) is fine;
// FAILED_PRECONDITION naming the file when one is invalid or a folder is not a clinic id.
Result<std::map<std::string, std::vector<Instrument>>> LoadClinicInstruments(
    const std::string& data_dir);

// Reads and validates how long flags stay open in the clinic report and when RTM is at risk
// (data/rules/report.json). FAILED_PRECONDITION naming the file and key.
Result<ReportRules> LoadReportRules(const std::string& path);

// The red-flag checklist (data/catalogue/red_flags.json): the questions every session report
// asks, and what a patient is told when any answer is yes.
struct RedFlagItem {
  std::string id;
  std::string question;
};
struct RedFlagChecklist {
  std::string stop_message;
  std::vector<RedFlagItem> questions;
};
Result<RedFlagChecklist> LoadRedFlags(const std::string& path);

}  // namespace ptrack
