// JSON encoding of domain values, used for the shipped clinical data files (data/catalogue/) and
// for the structured columns of the SQLite store (phases, exercise logs). One format for both,
// documented in data/README.md. Decoding never throws: malformed input becomes INVALID_ARGUMENT
// naming the offending key.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scheduler/catalogue.h"
#include "scheduler/outcomes.h"
#include "scheduler/progression.h"
#include "scheduler/rules.h"
#include "scheduler/session.h"
#include "scheduler/status.h"
#include "scheduler/summary.h"

namespace ptrack::json {

nlohmann::json Encode(const Dose& dose);
nlohmann::json Encode(const Exercise& exercise);
nlohmann::json Encode(const Protocol& protocol);
nlohmann::json EncodePhases(const std::vector<Phase>& phases);
nlohmann::json EncodeLogs(const std::vector<ExerciseLog>& logs);
nlohmann::json Encode(const ProgressionRules& rules);
nlohmann::json Encode(const PatientSummary& summary);  // storage/summary_codec.cc

Result<Dose> DecodeDose(const nlohmann::json& j);
Result<PatientSummary> DecodeSummary(const nlohmann::json& j);
Result<Exercise> DecodeExercise(const nlohmann::json& j);
Result<Protocol> DecodeProtocol(const nlohmann::json& j);
Result<std::vector<Phase>> DecodePhases(const nlohmann::json& j);
Result<std::vector<ExerciseLog>> DecodeLogs(const nlohmann::json& j);
// Every key is required: rules have no defaults outside their data file.
Result<ProgressionRules> DecodeRules(const nlohmann::json& j);
// An outcome-measure instrument as data/outcomes/*.json writes it (scheduler/outcomes.h); the
// schedule's fields sit in a "schedule" object. Structure only: ValidateInstrument checks values.
Result<Instrument> DecodeInstrument(const nlohmann::json& j);

// Parses text; INVALID_ARGUMENT when it is not JSON.
Result<nlohmann::json> Parse(const std::string& text);

const char* RegionName(Region region);  // "neck", "upper_back", "core", "stretch"
}  // namespace ptrack::json
