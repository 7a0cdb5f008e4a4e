// ExportService handlers. CSV times are ISO 8601 in the clinic's zone with its offset; a
// session's day is its local date in the patient's zone (as everywhere in ptrack).
#include "service/export_service.h"

#include <algorithm>

#include "engine/paging.h"
#include "service/call.h"
#include "service/csv.h"
#include "service/fhir_bundle.h"
#include "service/names.h"

namespace ptrack {
namespace {

constexpr int kMaxDays = 366;

std::string InZone(Instant t, Zone zone) {
  return date::format(
      "%FT%T%Ez", date::make_zoned(zone, std::chrono::time_point_cast<std::chrono::seconds>(t)));
}

}  // namespace

grpc::ServerUnaryReactor* ExportServiceImpl::ExportSessionsCsv(
    grpc::CallbackServerContext* context, const v1::ExportSessionsCsvRequest* req,
    v1::CsvFile* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ExportService/ExportSessionsCsv",
      [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto clinic_id, names::ParseClinic(req->parent(), "parent"));
        PTRACK_RETURN_IF_ERROR(call.CheckClinic(clinic_id));
        auto from = ParseIsoDate(req->start_date());
        auto to = ParseIsoDate(req->end_date());
        Violations v;
        if (!from) v.Add("start_date", "must be a date as YYYY-MM-DD");
        if (!to) v.Add("end_date", "must be a date as YYYY-MM-DD");
        if (from && to && (*to < *from || (*to - *from).count() > kMaxDays)) {
          v.Add("end_date", "must be 0..366 days after start_date");
        }
        PTRACK_RETURN_IF_ERROR(v.ToStatus());

        std::vector<Patient> patients;
        if (!req->patient().empty()) {
          PTRACK_ASSIGN_OR_RETURN(auto name, names::ParsePatient(req->patient(), "patient"));
          if (name.clinic != clinic_id) {
            return Status::InvalidArgument("patient", "must be a patient of the parent clinic");
          }
          PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient(name));
          patients.push_back(std::move(patient));
        } else {
          const std::string therapist =
              call.who().role == Role::kTherapist ? call.who().subject_id : "";
          PTRACK_ASSIGN_OR_RETURN(patients, paging::All<Patient>([&](const PageRequest& page) {
                                    return deps_.store.ListPatients(clinic_id, therapist, page);
                                  }));
        }
        PTRACK_ASSIGN_OR_RETURN(Clinic clinic, deps_.store.GetClinic(clinic_id));
        PTRACK_ASSIGN_OR_RETURN(Zone zone, LocateZone(clinic.time_zone, "clinic.time_zone"));

        std::vector<std::vector<std::string>> rows;
        for (const Patient& p : patients) {
          PTRACK_ASSIGN_OR_RETURN(auto sessions, paging::All<Session>([&](const PageRequest& page) {
                                    return deps_.store.ListSessions(p.id, from, to, page);
                                  }));
          std::reverse(sessions.begin(), sessions.end());  // oldest first
          for (const Session& s : sessions) {
            const auto done = std::count_if(s.exercises.begin(), s.exercises.end(),
                                            [](const ExerciseLog& e) { return e.sets > 0; });
            std::string flags;
            for (const std::string& f : s.red_flags) flags += (flags.empty() ? "" : " ") + f;
            rows.push_back({s.id, p.id, p.display_name, FormatIsoDate(s.local_date),
                            InZone(s.perform_time, zone), InZone(s.receive_time, zone),
                            std::to_string(s.pain_before), std::to_string(s.pain_after),
                            std::to_string(s.effort), std::to_string(done),
                            std::to_string(s.exercises.size()), flags, s.notes});
          }
        }
        resp->set_rows(static_cast<int>(rows.size()));
        resp->set_filename(clinic_id + "-sessions-" + FormatIsoDate(*from) + "-" +
                           FormatIsoDate(*to) + ".csv");
        resp->set_content(csv::File({"session_id", "patient_id", "patient", "date", "performed_at",
                                     "received_at", "pain_before", "pain_after", "effort",
                                     "exercises_done", "exercises_logged", "red_flags", "notes"},
                                    rows, {6, 7, 8, 9, 10}));
        return Status::Ok();
      });
}

grpc::ServerUnaryReactor* ExportServiceImpl::ExportPatientFhir(
    grpc::CallbackServerContext* context, const v1::ExportPatientFhirRequest* req,
    v1::FhirBundle* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ExportService/ExportPatientFhir",
      [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto name, names::ParsePatient(req->name(), "name"));
        PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient(name));
        PTRACK_ASSIGN_OR_RETURN(Zone zone, PatientZone(patient));
        fhir::PatientRecord record;
        record.patient = patient;
        PTRACK_ASSIGN_OR_RETURN(record.programs, deps_.store.ListPrograms(patient.id));
        for (const Program& p : record.programs) {
          if (auto protocol = deps_.store.GetProtocol(p.protocol_id); protocol.ok()) {
            record.protocol_titles[p.protocol_id] = protocol->display_name;
          }
          for (const Phase& phase : p.latest().phases) {
            for (const Prescription& rx : phase.prescriptions) {
              if (record.exercises.count(rx.exercise_id)) continue;
              PTRACK_ASSIGN_OR_RETURN(auto e, deps_.store.GetExercise(rx.exercise_id));
              record.exercises.emplace(rx.exercise_id, std::move(e));
            }
          }
        }
        PTRACK_ASSIGN_OR_RETURN(record.sessions, paging::All<Session>([&](const PageRequest& page) {
                                  return deps_.store.ListSessions(patient.id, std::nullopt,
                                                                  std::nullopt, page);
                                }));
        std::reverse(record.sessions.begin(), record.sessions.end());
        for (const Program& p : record.programs) {
          PTRACK_ASSIGN_OR_RETURN(auto responses, deps_.store.ListOutcomeResponses(p.id));
          for (OutcomeResponseRecord& o : responses) {
            if (const Instrument* in =
                    deps_.clinical.FindInstrument(patient.clinic_id, o.result.instrument_id)) {
              record.instruments.emplace(in->id, *in);
            }
            record.outcomes.push_back(std::move(o));
          }
        }
        const Instant now = deps_.clock.Now();
        resp->set_json(fhir::Bundle(record, LocalDateOf(now, zone), now).dump(2));
        return Status::Ok();
      });
}

}  // namespace ptrack
