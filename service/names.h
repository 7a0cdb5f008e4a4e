// Resource names of the API (AIP style) and their parsing. Every parser returns
// INVALID_ARGUMENT on `field` for a malformed name, so that "clinics/x/patientz/y" is a clear
// error rather than NOT_FOUND.
#pragma once

#include <cstdint>
#include <string>

#include "scheduler/status.h"

namespace ptrack::names {

struct PatientName {
  std::string clinic;
  std::string patient;
};
struct ChildName {
  std::string clinic;
  std::string patient;
  std::string child;  // program or session id
};

Result<std::string> ParseClinic(const std::string& name, const std::string& field);
Result<PatientName> ParsePatient(const std::string& name, const std::string& field);
Result<PatientName> ParseTherapist(const std::string& name,
                                   const std::string& field);  // .patient = therapist id
Result<ChildName> ParseProgram(const std::string& name, const std::string& field);
Result<ChildName> ParseSession(const std::string& name, const std::string& field);
struct DecisionName {
  ChildName program;  // .child = program id
  std::string decision;
};
Result<DecisionName> ParseDecision(const std::string& name, const std::string& field);
struct AlertName {
  std::string clinic;
  int64_t id = 0;  // > 0
};
Result<AlertName> ParseAlert(const std::string& name, const std::string& field);
// "clinics/{clinic}/accounts/{username}": anyone's sign-in account, admins' included.
struct AccountName {
  std::string clinic;
  std::string username;
};
Result<AccountName> ParseAccount(const std::string& name, const std::string& field);
Result<std::string> ParseExercise(const std::string& name, const std::string& field);
Result<std::string> ParseProtocol(const std::string& name, const std::string& field);
Result<std::string> ParseInstrument(const std::string& name, const std::string& field);
Result<ChildName> ParseOutcomeResponse(const std::string& name, const std::string& field);

std::string Clinic(const std::string& clinic);
std::string Patient(const std::string& clinic, const std::string& patient);
std::string Therapist(const std::string& clinic, const std::string& therapist);
std::string Program(const std::string& clinic, const std::string& patient, const std::string& id);
std::string Session(const std::string& clinic, const std::string& patient, const std::string& id);
std::string Alert(const std::string& clinic, int64_t id);
std::string Account(const std::string& clinic, const std::string& username);
std::string Exercise(const std::string& id);
std::string Protocol(const std::string& id);
std::string Instrument(const std::string& id);
std::string OutcomeResponse(const std::string& clinic, const std::string& patient,
                            const std::string& id);

// True for a UUID in 8-4-4-4-12 hex form (either case).
bool IsUuid(const std::string& s);

}  // namespace ptrack::names
