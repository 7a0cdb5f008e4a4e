// ptrack: the command-line client. Drives the whole therapy loop for every role over the wire
// contract only: sign in, browse the catalogue, create patients, assign programs, show plans,
// log sessions, show adherence. `ptrack help` lists the commands; `ptrack CMD --help` explains one.
#include <iostream>
#include <set>
#include <string>

#include "clients/cli/commands.h"

namespace {

struct Command {
  const char* name;
  int (*run)(ptrack::cli::Client&);
  const char* usage;
  const char* summary;
};

const Command kCommands[] = {
    {"login", ptrack::cli::Login, "login USER [--password P]",
     "sign in and keep the token (password from --password, $PTRACK_PASSWORD or stdin)"},
    {"enrol", ptrack::cli::Enrol, "enrol CODE [--password P]",
     "redeem an enrolment code: choose your password and sign in"},
    {"logout", ptrack::cli::Logout, "logout", "revoke the token and forget it"},
    {"whoami", ptrack::cli::WhoAmI, "whoami", "show who the saved token belongs to"},
    {"health", ptrack::cli::Health, "health [--service NAME]", "ask the server's health service"},
    {"services", ptrack::cli::Services, "services",
     "list the server's services and methods through server reflection"},
    {"exercises", ptrack::cli::Exercises, "exercises [--region neck|upper-back|core|stretch]",
     "list the exercise catalogue"},
    {"protocols", ptrack::cli::Protocols, "protocols [ID]", "list protocols, or show one"},
    {"patients", ptrack::cli::Patients, "patients", "list your patients (therapists, admins)"},
    {"patient-create", ptrack::cli::CreatePatient,
     "patient-create --name NAME --zone IANA_ZONE --username USER [--id ID] "
     "[--therapist clinics/C/therapists/T] [--password INITIAL]",
     "create a patient and print their enrolment code (or set an initial password)"},
    {"therapist-create", ptrack::cli::CreateTherapist,
     "therapist-create --name NAME --username USER [--id UUID]",
     "create a therapist and print their enrolment code (admins)"},
    {"enrolment-code", ptrack::cli::EnrolmentCode,
     "enrolment-code PATIENT | clinics/C/therapists/T",
     "a new enrolment code: first sign-in, forgotten password, locked account"},
    {"account-disable", ptrack::cli::DisableAccount, "account-disable USER",
     "sign an account of your clinic out everywhere and refuse its sign-ins (admins)"},
    {"account-enable", ptrack::cli::EnableAccount, "account-enable USER",
     "let a disabled account sign in again with its password (admins)"},
    {"audit", ptrack::cli::Audit, "audit [--patient P] [--limit N]",
     "who read or changed which patient's data, newest first (admins)"},
    {"assign", ptrack::cli::AssignProgram,
     "assign --patient P --protocol ID --start YYYY-MM-DD [--id PROGRAM_ID]",
     "assign a protocol to a patient as a program"},
    {"exercise-create", ptrack::cli::CreateExercise,
     "exercise-create --id CLINIC-ID --file EXERCISE.json",
     "add an exercise of your clinic's own (JSON as `ptrack --json exercises` prints one)"},
    {"protocol-create", ptrack::cli::CreateProtocol,
     "protocol-create --id CLINIC-ID --file PROTOCOL.json",
     "add a protocol of your clinic's own (JSON as `ptrack --json protocols ID` prints one)"},
    {"programs", ptrack::cli::Programs, "programs [--patient P]", "list a patient's programs"},
    {"plan", ptrack::cli::Plan, "plan [--patient P] [--date YYYY-MM-DD] [--week | --days N]",
     "show the plan for today (in the patient's time zone) or a range"},
    {"log", ptrack::cli::Log,
     "log --pain-before N --pain-after N --effort N (--as-prescribed | --exercise "
     "ID[:sets=N,reps=N,steps=6-4-2,hold=S,load=KG,band=C,side=each,pain=N]...) [--red-flag ID]... "
     "[--at "
     "RFC3339] [--id UUID] "
     "[--notes TEXT] [--patient P]",
     "log a session exactly once (the same --id is never stored twice)"},
    {"sessions", ptrack::cli::Sessions, "sessions [--patient P] [--from D] [--to D]",
     "list logged sessions, newest first"},
    {"adherence", ptrack::cli::Adherence,
     "adherence --from YYYY-MM-DD --to YYYY-MM-DD [--patient P]",
     "sessions prescribed vs done, per day and in total"},
    {"decisions", ptrack::cli::Decisions, "decisions [--patient P] [--all]",
     "the weekly progression decisions with their reasons (--all includes holds)"},
    {"approve", ptrack::cli::Approve, "approve DECISION_NAME [--note TEXT]",
     "apply a suggested decision from today (therapists)"},
    {"reject", ptrack::cli::Reject, "reject DECISION_NAME [--note TEXT]",
     "never apply a suggested decision (therapists)"},
    {"sign-off", ptrack::cli::SignOff, "sign-off --patient P [--note TEXT]",
     "approve the phase change waiting for your sign-off (therapists)"},
    {"pause", ptrack::cli::Pause,
     "pause --patient P --reason TEXT [--from YYYY-MM-DD] [--until YYYY-MM-DD] [--id UUID]",
     "pause the program (holiday, illness): nothing due, flagged or counted (therapists)"},
    {"resume", ptrack::cli::Resume, "resume --patient P",
     "end the current pause (or cancel the next) from today (therapists)"},
    {"discharge", ptrack::cli::Discharge,
     "discharge --patient P --reason completed|goals-met|referred-on|dropped-out [--note TEXT]",
     "end the patient's program today; it stays readable and a new one may follow (therapists)"},
    {"instruments", ptrack::cli::Instruments, "instruments",
     "the outcome measures (PROMs) with their scoring, MCID and licence"},
    {"questionnaires", ptrack::cli::Questionnaires, "questionnaires [--patient P]",
     "the outcome questionnaires due today, with their items"},
    {"answer", ptrack::cli::Answer,
     "answer --instrument ID --item ID=VALUE[:ACTIVITY]... [--at RFC3339] [--id UUID] "
     "[--patient P]",
     "submit a questionnaire exactly once (the same --id is never stored twice)"},
    {"outcomes", ptrack::cli::Outcomes, "outcomes [--patient P] [--instrument ID] [--program NAME]",
     "outcome scores over time with the change since the baseline against the MCID"},
    {"assign-instrument", ptrack::cli::AssignInstrument,
     "assign-instrument --patient P --instrument ID [--remove]",
     "ask (or stop asking) an outcome measure in the patient's program (therapists)"},
    {"flags", ptrack::cli::Flags, "flags [--patient P]",
     "red flags, pain flares, inactivity, re-evaluation due, ..."},
    {"clear-flag", ptrack::cli::ClearFlag, "clear-flag --patient P --note TEXT",
     "clear an open red flag after checking the patient (therapists)"},
    {"boost", ptrack::cli::Boost, "boost --patient P [--note TEXT]",
     "return a maintenance patient to strength work (therapists)"},
    {"morning-pain", ptrack::cli::MorningPain, "morning-pain --session SESSION_NAME --pain 0..10",
     "report how the pain was the morning after a session"},
    {"adjust", ptrack::cli::Adjust,
     "adjust --patient P --exercise ID --reason TEXT [--sets N] [--reps N] [--hold S] [--load KG] "
     "[--band COLOUR] [--mode auto|suggest|fixed] [--from YYYY-MM-DD]",
     "change one prescription's dose or mode: a new program revision (therapists)"},
    {"red-flags", ptrack::cli::RedFlags, "red-flags",
     "the red-flag checklist (ids for log --red-flag)"},
    {"rules", ptrack::cli::Rules, "rules", "the server's default progression rules"},
    {"rtm-start", ptrack::cli::RtmStart,
     "rtm-start --patient P --start YYYY-MM-DD [--onboarded] [--practitioner T] [--id UUID]",
     "start Remote Therapeutic Monitoring for a patient"},
    {"rtm-end", ptrack::cli::RtmEnd, "rtm-end --patient P [--date YYYY-MM-DD]",
     "end the patient's monitoring episode"},
    {"rtm-time", ptrack::cli::RtmTime,
     "rtm-time --patient P --minutes N --activity TEXT [--live] [--date D] [--id UUID]",
     "record clinician time on the patient's monitoring (therapists)"},
    {"rtm-times", ptrack::cli::RtmTimes, "rtm-times --patient P --from D --to D",
     "list recorded clinician time"},
    {"rtm-status", ptrack::cli::RtmStatus, "rtm-status --patient P [--date D]",
     "RTM readiness: data days, minutes, supported codes and what is still needed"},
    {"report", ptrack::cli::Report, "report [--order FIELD[ desc]]",
     "the clinic report: adherence, pain, phase, flags, RTM per patient (most need first)"},
    {"alerts", ptrack::cli::Alerts, "alerts [--after CURSOR] [--unacknowledged]",
     "the alerts raised for your patients (red flags, pain flares, inactivity, ...)"},
    {"watch", ptrack::cli::Watch, "watch [--after CURSOR]",
     "print alerts as they happen; reconnects from the last one after a drop"},
    {"ack", ptrack::cli::Ack, "ack ALERT", "acknowledge an alert (its cursor number or name)"},
    {"export-csv", ptrack::cli::ExportCsv,
     "export-csv --from YYYY-MM-DD --to YYYY-MM-DD [--patient P] [--out FILE]",
     "the clinic's (or one patient's) sessions as CSV for spreadsheets"},
    {"export-fhir", ptrack::cli::ExportFhir, "export-fhir [--patient P] [--out FILE]",
     "a patient's record as a FHIR R4 Bundle (JSON)"},
};

void PrintHelp() {
  std::cout << "Usage: ptrack [--server HOST:PORT] [--json] COMMAND [flags]\n\n"
               "Commands:\n";
  for (const Command& c : kCommands) std::printf("  %-15s %s\n", c.name, c.summary);
  std::cout << "\nGlobal flags:\n"
               "  --server HOST:PORT  ptrackd address (default: $PTRACK_SERVER, the signed-in\n"
               "                      server, or 127.0.0.1:50051)\n"
               "  --json              print the server's answer as JSON\n"
               "  --ca-file PEM       trust this CA and speak TLS (default: $PTRACK_CA_FILE;\n"
               "                      none = plaintext)\n"
               "  --help              help for a command\n"
               "Patients are named by id in your clinic or as clinics/{clinic}/patients/{id};\n"
               "a signed-in patient may leave --patient out.\n";
}

}  // namespace

int main(int argc, char** argv) {
  const ptrack::cli::Args args(argc, argv,
                               {"json", "help", "week", "as-prescribed", "all", "onboarded", "live",
                                "unacknowledged", "remove"});
  if (!args.error().empty()) return ptrack::cli::Usage(args.error());
  const auto& pos = args.positional();
  if (pos.empty() || pos[0] == "help") {
    PrintHelp();
    return pos.empty() && !args.Has("help") ? ptrack::cli::kExitUsage : ptrack::cli::kExitOk;
  }
  for (const Command& c : kCommands) {
    if (pos[0] != c.name) continue;
    if (args.Has("help")) {
      std::cout << "Usage: ptrack " << c.usage << "\n  " << c.summary << "\n";
      return ptrack::cli::kExitOk;
    }
    ptrack::cli::Client client(args);
    const int code = c.run(client);
    if (auto unused = args.Unused(); !unused.empty() && code != ptrack::cli::kExitUsage) {
      std::cerr << "ptrack: warning: flag --" << unused.front() << " is not used by " << c.name
                << "\n";
    }
    return code;
  }
  return ptrack::cli::Usage("unknown command \"" + pos[0] + "\" (see ptrack help)");
}
