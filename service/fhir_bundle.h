// One patient's record as a FHIR R4 Bundle of type "collection": the Patient, an
// ActivityDefinition per exercise of the program, a CarePlan per program with an activity per
// prescription, an Observation per pain score (LOINC 72514-3, before and after each session), and
// for outcome measures a Questionnaire per instrument answered, a QuestionnaireResponse per
// response and an Observation of its score (coded with the instrument's LOINC code where it has
// one, and derived from the response).
// Resource ids and fullUrls are derived from ptrack's resource names, so the same record always
// gives the same bundle (apart from its timestamp).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scheduler/catalogue.h"
#include "scheduler/program.h"
#include "scheduler/session.h"
#include "storage/records.h"

namespace ptrack::fhir {

struct PatientRecord {
  Patient patient;
  std::vector<Program> programs;
  std::map<std::string, Exercise> exercises;  // every exercise the programs prescribe, by id
  std::map<std::string, std::string> protocol_titles;  // protocol id -> display name
  std::vector<Session> sessions;
  std::vector<OutcomeResponseRecord> outcomes;    // every program's, by date
  std::map<std::string, Instrument> instruments;  // those the responses answer, by id
};

// `today` is the patient's local date (for the activities' status); `now` the bundle timestamp.
nlohmann::json Bundle(const PatientRecord& record, LocalDate today, Instant now);

// "urn:uuid:…" for a ptrack resource name: a name-based UUID (version 8) from its SHA-256.
std::string UrnFor(const std::string& resource_name);

}  // namespace ptrack::fhir
