// The ptrack client's commands. Each takes the shared Client, reads its own flags, and returns
// an exit code (client.h). The table in main.cc maps names to these and their help text.
#pragma once

#include "clients/cli/client.h"
#include "ptrack/v1/auth.pb.h"
#include "ptrack/v1/program.pb.h"

namespace ptrack::cli {

// Account and server (commands_account.cc).
int Login(Client& c);
int Logout(Client& c);
int WhoAmI(Client& c);
int Health(Client& c);
int Services(Client& c);
// --password, else $PTRACK_PASSWORD, else a line from stdin after `prompt`.
std::string ReadPassword(const Client& c, const std::string& prompt);
// Saves the token and principal of a sign-in as the profile and prints who signed in.
int SaveSignIn(const Client& c, const v1::SignInResponse& resp);

// Enrolment, therapists, audit (commands_security.cc).
int Enrol(Client& c);
int CreateTherapist(Client& c);
int EnrolmentCode(Client& c);
int Audit(Client& c);
int DisableAccount(Client& c);
int EnableAccount(Client& c);
// Asks for a new enrolment code for the named patient or therapist and prints it.
int PrintEnrolmentCode(Client& c, const std::string& account_name);

// Catalogue, patients, programs (commands_clinic.cc).
int Exercises(Client& c);
int Protocols(Client& c);
int Patients(Client& c);
int CreatePatient(Client& c);
int AssignProgram(Client& c);
int Programs(Client& c);
int CreateExercise(Client& c);
int CreateProtocol(Client& c);

// Plans, sessions, adherence (commands_session.cc).
int Plan(Client& c);
int Log(Client& c);
int Sessions(Client& c);
int Adherence(Client& c);

// Adaptive progression (commands_progress.cc).
// The patient's active program name (from today's plan); empty after printing why.
std::string ActiveProgram(Client& c, const std::string& patient, v1::Plan* plan_out = nullptr);
int Decisions(Client& c);
int Approve(Client& c);
int SignOff(Client& c);
int Discharge(Client& c);
int Pause(Client& c);
int Resume(Client& c);
int Reject(Client& c);
int Flags(Client& c);
int ClearFlag(Client& c);
int Boost(Client& c);
int MorningPain(Client& c);
int Adjust(Client& c);
int RedFlags(Client& c);
int Rules(Client& c);

// Outcome measures (commands_outcomes.cc).
int Instruments(Client& c);
int Questionnaires(Client& c);
int Answer(Client& c);
int Outcomes(Client& c);
int AssignInstrument(Client& c);

// Remote Therapeutic Monitoring (commands_rtm.cc).
int RtmStart(Client& c);
int RtmEnd(Client& c);
int RtmTime(Client& c);
int RtmTimes(Client& c);
int RtmStatus(Client& c);

// Report and alerts (commands_report.cc).
int Report(Client& c);
int Alerts(Client& c);
int Watch(Client& c);
int Ack(Client& c);

// Exports (commands_export.cc).
int ExportCsv(Client& c);
int ExportFhir(Client& c);

}  // namespace ptrack::cli
