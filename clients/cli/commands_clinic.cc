// Commands: exercises, protocols, patients, patient-create, assign, programs.
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "clients/cli/commands.h"
#include "clients/cli/format.h"
#include "ptrack/v1/catalog.grpc.pb.h"
#include "ptrack/v1/clinic.grpc.pb.h"
#include "ptrack/v1/program.grpc.pb.h"

namespace ptrack::cli {

int Exercises(Client& c) {
  auto stub = v1::CatalogService::NewStub(c.channel());
  v1::ListExercisesRequest req;
  if (auto r = c.args().Get("region")) {
    v1::Region region;
    std::string upper = "REGION_";
    for (char ch : *r) upper += ch == '-' ? '_' : static_cast<char>(std::toupper(ch));
    if (!v1::Region_Parse(upper, &region))
      return Usage("--region: neck, upper-back, core or stretch");
    req.set_region(region);
  }
  req.set_page_size(200);
  v1::ListExercisesResponse all;
  auto status = FetchAllPages(req, &all, [&](const auto& r, auto* page) {
    return stub->ListExercises(c.Context().get(), r, page);
  });
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(all);
  for (const auto& e : all.exercises()) {
    std::printf("%-36s %-11s %-34s %s\n", e.name().c_str(),
                EnumWord(v1::Region_Name(e.region()), "REGION_").c_str(), e.display_name().c_str(),
                DoseText(e.default_dose()).c_str());
  }
  return kExitOk;
}

int Protocols(Client& c) {
  auto stub = v1::CatalogService::NewStub(c.channel());
  if (c.args().positional().size() >= 2) {
    v1::GetProtocolRequest req;
    std::string name = c.args().positional()[1];
    req.set_name(name.find('/') == std::string::npos ? "protocols/" + name : name);
    v1::Protocol p;
    auto status = stub->GetProtocol(c.Context().get(), req, &p);
    if (!status.ok()) return c.Fail(status);
    if (c.json()) return c.PrintJson(p);
    std::cout << p.display_name() << "\n" << p.description() << "\n";
    for (const auto& ph : p.phases()) {
      std::cout << "\nPhase " << ph.number() << ": " << ph.display_name() << " (from week "
                << ph.start_week()
                << (ph.weeks() ? ", " + std::to_string(ph.weeks()) + " weeks" : ", open-ended")
                << ", " << ph.sessions_per_week() << " sessions/week)\n";
      for (const auto& rx : ph.prescriptions()) {
        std::cout << "  " << rx.exercise() << ": ";
        for (int i = 0; i < rx.dose_steps_size(); ++i) {
          std::cout << (i ? " -> " : "") << DoseText(rx.dose_steps(i));
        }
        std::cout << "\n";
      }
    }
    return kExitOk;
  }
  v1::ListProtocolsResponse resp;
  auto status = FetchAllPages(v1::ListProtocolsRequest(), &resp, [&](const auto& r, auto* page) {
    return stub->ListProtocols(c.Context().get(), r, page);
  });
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  for (const auto& p : resp.protocols()) {
    std::printf("%-40s %s (%d phases)\n", p.name().c_str(), p.display_name().c_str(),
                p.phases_size());
  }
  return kExitOk;
}

int Patients(Client& c) {
  if (!c.profile()) return Usage("sign in first: ptrack login USER");
  auto stub = v1::ClinicService::NewStub(c.channel());
  v1::ListPatientsRequest req;
  req.set_parent(c.profile()->clinic);
  req.set_page_size(200);
  v1::ListPatientsResponse all;
  auto status = FetchAllPages(req, &all, [&](const auto& r, auto* page) {
    return stub->ListPatients(c.Context().get(), r, page);
  });
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(all);
  for (const auto& p : all.patients()) {
    std::printf("%-44s %-24s %-20s %s\n", p.name().c_str(), p.display_name().c_str(),
                p.time_zone().c_str(), p.username().c_str());
  }
  return kExitOk;
}

int CreatePatient(Client& c) {
  if (!c.profile()) return Usage("sign in first: ptrack login USER");
  const auto name = c.args().Get("name"), zone = c.args().Get("zone"),
             user = c.args().Get("username"), pass = c.args().Get("password");
  if (!name || !zone || !user) {
    return Usage(
        "patient-create --name NAME --zone IANA_ZONE --username USER [--password PASS] "
        "[--id ID] [--therapist NAME]");
  }
  auto stub = v1::ClinicService::NewStub(c.channel());
  v1::CreatePatientRequest req;
  req.set_parent(c.profile()->clinic);
  req.set_patient_id(c.args().Get("id").value_or(""));
  req.mutable_patient()->set_display_name(*name);
  req.mutable_patient()->set_time_zone(*zone);
  req.mutable_patient()->set_therapist(c.args().Get("therapist").value_or(""));
  req.set_username(*user);
  req.set_initial_password(pass.value_or(""));
  v1::Patient resp;
  auto status = stub->CreatePatient(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  std::cout << "Created " << resp.name() << " (" << resp.display_name() << ", " << resp.time_zone()
            << ")\n";
  // Without an initial password the patient chooses one with an enrolment code.
  return pass ? kExitOk : PrintEnrolmentCode(c, resp.name());
}

int AssignProgram(Client& c) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  const auto protocol = c.args().Get("protocol"), start = c.args().Get("start");
  if (!protocol || !start) {
    return Usage("assign --patient P --protocol ID --start YYYY-MM-DD [--id PROGRAM_ID]");
  }
  auto stub = v1::ProgramService::NewStub(c.channel());
  v1::CreateProgramRequest req;
  req.set_parent(patient);
  req.set_program_id(c.args().Get("id").value_or(""));
  req.mutable_program()->set_protocol(
      protocol->find('/') == std::string::npos ? "protocols/" + *protocol : *protocol);
  req.mutable_program()->set_start_date(*start);
  v1::Program resp;
  auto status = stub->CreateProgram(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  std::cout << "Assigned " << resp.protocol() << " as " << resp.name() << ", starting "
            << resp.start_date() << "\n";
  return kExitOk;
}

int Programs(Client& c) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  auto stub = v1::ProgramService::NewStub(c.channel());
  v1::ListProgramsRequest req;
  req.set_parent(patient);
  v1::ListProgramsResponse resp;
  auto status = FetchAllPages(req, &resp, [&](const auto& r, auto* page) {
    return stub->ListPrograms(c.Context().get(), r, page);
  });
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  for (const auto& p : resp.programs()) {
    std::cout << p.name() << "  " << p.protocol() << "  from " << p.start_date() << "  "
              << EnumWord(v1::ProgramState_Name(p.state()), "PROGRAM_STATE_") << "  revision "
              << p.revision() << "\n";
  }
  return kExitOk;
}

namespace {

// Reads `path` as the JSON form of `message` (proto field names, as --json prints them).
bool ReadJsonMessage(const std::string& path, google::protobuf::Message* message,
                     std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read " + path;
    return false;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  auto status = google::protobuf::util::JsonStringToMessage(buf.str(), message);
  if (!status.ok()) {
    error = path + ": " + std::string(status.message());
    return false;
  }
  return true;
}

}  // namespace

int CreateExercise(Client& c) {
  if (!c.profile()) return Usage("sign in first: ptrack login USER");
  const auto id = c.args().Get("id"), file = c.args().Get("file");
  if (!id || !file) return Usage("exercise-create --id CLINIC-ID --file EXERCISE.json");
  v1::CreateExerciseRequest req;
  std::string error;
  if (!ReadJsonMessage(*file, req.mutable_exercise(), error)) return Usage(error);
  req.set_parent(c.profile()->clinic);
  req.set_exercise_id(*id);
  auto stub = v1::CatalogService::NewStub(c.channel());
  v1::Exercise resp;
  auto status = stub->CreateExercise(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  std::cout << "Created " << resp.name() << " (" << resp.display_name() << ")\n";
  return kExitOk;
}

int CreateProtocol(Client& c) {
  if (!c.profile()) return Usage("sign in first: ptrack login USER");
  const auto id = c.args().Get("id"), file = c.args().Get("file");
  if (!id || !file) return Usage("protocol-create --id CLINIC-ID --file PROTOCOL.json");
  v1::CreateProtocolRequest req;
  std::string error;
  if (!ReadJsonMessage(*file, req.mutable_protocol(), error)) return Usage(error);
  req.set_parent(c.profile()->clinic);
  req.set_protocol_id(*id);
  auto stub = v1::CatalogService::NewStub(c.channel());
  v1::Protocol resp;
  auto status = stub->CreateProtocol(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  std::cout << "Created " << resp.name() << " (" << resp.display_name() << ", "
            << resp.phases_size() << " phases)\n";
  return kExitOk;
}

}  // namespace ptrack::cli
