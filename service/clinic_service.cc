// ClinicService handlers.
#include "service/clinic_service.h"

#include "engine/paging.h"
#include "service/call.h"
#include "service/convert.h"
#include "service/grpc_status.h"
#include "service/ids.h"
#include "service/validate.h"

namespace ptrack {

grpc::ServerUnaryReactor* ClinicServiceImpl::GetClinic(grpc::CallbackServerContext* context,
                                                       const v1::GetClinicRequest* req,
                                                       v1::Clinic* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ClinicService/GetClinic", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto clinic_id, names::ParseClinic(req->name(), "name"));
        PTRACK_RETURN_IF_ERROR(call.CheckClinic(clinic_id));
        PTRACK_ASSIGN_OR_RETURN(auto clinic, deps_.store.GetClinic(clinic_id));
        convert::ToProto(clinic, resp);
        return Status::Ok();
      });
}

grpc::ServerUnaryReactor* ClinicServiceImpl::CreatePatient(grpc::CallbackServerContext* context,
                                                           const v1::CreatePatientRequest* req,
                                                           v1::Patient* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ClinicService/CreatePatient", [=, this](Call& call) -> Status {
        const Principal& who = call.who();
        PTRACK_ASSIGN_OR_RETURN(auto clinic_id, names::ParseClinic(req->parent(), "parent"));
        PTRACK_RETURN_IF_ERROR(call.CheckClinic(clinic_id));

        Violations v;
        std::string id = validate::ClientId(req->patient_id(), "patient_id", v, false);
        validate::Line(req->patient().display_name(), "patient.display_name", 100, v);
        validate::TimeZone(req->patient().time_zone(), "patient.time_zone", v);
        validate::Username(req->username(), "username", v);
        if (!req->initial_password().empty()) {
          validate::Password(req->initial_password(), "initial_password", v);
        }
        std::string therapist_id = who.role == Role::kTherapist ? who.subject_id : "";
        if (!req->patient().therapist().empty()) {
          auto t = names::ParseTherapist(req->patient().therapist(), "patient.therapist");
          if (!t.ok()) {
            v.Add("patient.therapist", t.status().violations().front().description);
          } else if (t->clinic != clinic_id) {
            v.Add("patient.therapist", "must be a therapist of the same clinic");
          } else {
            therapist_id = t->patient;
          }
        } else if (therapist_id.empty()) {
          v.Add("patient.therapist", "is required when an admin creates a patient");
        }
        PTRACK_RETURN_IF_ERROR(v.ToStatus());
        if (id.empty()) id = NewUuid();
        call.NamePatient(id);  // the audit row says which patient was created, chosen id or not

        std::string hash;  // empty: no password until an enrolment code is redeemed
        if (!req->initial_password().empty()) {
          PTRACK_ASSIGN_OR_RETURN(hash, deps_.credentials.HashNewPassword(req->initial_password()));
        }
        Patient patient;
        patient.id = id;
        patient.clinic_id = clinic_id;
        patient.display_name = req->patient().display_name();
        patient.time_zone = req->patient().time_zone();
        patient.therapist_id = therapist_id;
        patient.username = req->username();
        patient.create_time = deps_.clock.Now();
        Account account{req->username(), hash, Role::kPatient, clinic_id, id, patient.create_time};
        auto stored = deps_.store.CreatePatient(patient, account);
        if (!stored.ok() && stored.status().code() == StatusCode::kFailedPrecondition) {
          return Status::InvalidArgument("patient.therapist", "no such therapist in this clinic");
        }
        if (!stored.ok()) return stored.status();
        convert::ToProto(*stored, resp);
        return Status::Ok();
      });
}

grpc::ServerUnaryReactor* ClinicServiceImpl::GetPatient(grpc::CallbackServerContext* context,
                                                        const v1::GetPatientRequest* req,
                                                        v1::Patient* resp) {
  return ServeAsync(deps_, context, "/ptrack.v1.ClinicService/GetPatient",
                    [=, this](Call& call) -> Status {
                      PTRACK_ASSIGN_OR_RETURN(auto name, names::ParsePatient(req->name(), "name"));
                      PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient(name));
                      convert::ToProto(patient, resp);
                      return Status::Ok();
                    });
}

grpc::ServerUnaryReactor* ClinicServiceImpl::ListPatients(grpc::CallbackServerContext* context,
                                                          const v1::ListPatientsRequest* req,
                                                          v1::ListPatientsResponse* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ClinicService/ListPatients", [=, this](Call& call) -> Status {
        const Principal& who = call.who();
        PTRACK_ASSIGN_OR_RETURN(auto clinic_id, names::ParseClinic(req->parent(), "parent"));
        PTRACK_RETURN_IF_ERROR(call.CheckClinic(clinic_id));
        PTRACK_ASSIGN_OR_RETURN(auto page,
                                paging::FromRequest(req->page_size(), req->page_token()));
        const std::string filter = who.role == Role::kTherapist ? who.subject_id : "";
        PTRACK_ASSIGN_OR_RETURN(auto result, deps_.store.ListPatients(clinic_id, filter, page));
        for (const Patient& p : result.items) convert::ToProto(p, resp->add_patients());
        resp->set_next_page_token(paging::Token(result.next_after));
        return Status::Ok();
      });
}

grpc::ServerUnaryReactor* ClinicServiceImpl::UpdatePatient(grpc::CallbackServerContext* context,
                                                           const v1::UpdatePatientRequest* req,
                                                           v1::Patient* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ClinicService/UpdatePatient", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto name,
                                names::ParsePatient(req->patient().name(), "patient.name"));
        PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient(name));

        Violations v;
        if (req->patient().etag().empty())
          v.Add("patient.etag", "is required (from the last read)");
        if (req->update_mask().paths_size() == 0) v.Add("update_mask", "name at least one field");
        for (const std::string& path : req->update_mask().paths()) {
          if (path == "display_name") {
            validate::Line(req->patient().display_name(), "patient.display_name", 100, v);
            patient.display_name = req->patient().display_name();
          } else if (path == "time_zone") {
            validate::TimeZone(req->patient().time_zone(), "patient.time_zone", v);
            patient.time_zone = req->patient().time_zone();
          } else if (path == "therapist") {
            auto t = names::ParseTherapist(req->patient().therapist(), "patient.therapist");
            if (!t.ok() || t->clinic != patient.clinic_id) {
              v.Add("patient.therapist", "must be a therapist of the patient's clinic");
            } else {
              patient.therapist_id = t->patient;
            }
          } else {
            v.Add("update_mask", "\"" + path + "\" cannot be updated");
          }
        }
        PTRACK_RETURN_IF_ERROR(v.ToStatus());
        if (req->patient().etag() != convert::PatientEtag(patient)) {
          return Status::Aborted("the patient changed since it was read; re-read and retry");
        }
        auto updated = deps_.store.UpdatePatient(patient);
        if (!updated.ok() && updated.status().code() == StatusCode::kFailedPrecondition) {
          return Status::InvalidArgument("patient.therapist", "no such therapist in this clinic");
        }
        if (!updated.ok()) return updated.status();
        convert::ToProto(*updated, resp);
        return runner_.Refresh(*updated);
      });
}

grpc::ServerUnaryReactor* ClinicServiceImpl::ListTherapists(grpc::CallbackServerContext* context,
                                                            const v1::ListTherapistsRequest* req,
                                                            v1::ListTherapistsResponse* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ClinicService/ListTherapists", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto clinic_id, names::ParseClinic(req->parent(), "parent"));
        PTRACK_RETURN_IF_ERROR(call.CheckClinic(clinic_id));
        PTRACK_ASSIGN_OR_RETURN(auto page,
                                paging::FromRequest(req->page_size(), req->page_token()));
        PTRACK_ASSIGN_OR_RETURN(auto result, deps_.store.ListTherapists(clinic_id, page));
        for (const Therapist& t : result.items) convert::ToProto(t, resp->add_therapists());
        resp->set_next_page_token(paging::Token(result.next_after));
        return Status::Ok();
      });
}

grpc::ServerUnaryReactor* ClinicServiceImpl::CreateTherapist(grpc::CallbackServerContext* context,
                                                             const v1::CreateTherapistRequest* req,
                                                             v1::Therapist* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ClinicService/CreateTherapist", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto clinic_id, names::ParseClinic(req->parent(), "parent"));
        PTRACK_RETURN_IF_ERROR(call.CheckClinic(clinic_id));
        Violations v;
        std::string id = validate::ClientId(req->therapist_id(), "therapist_id", v, false);
        validate::Line(req->therapist().display_name(), "therapist.display_name", 100, v);
        validate::Username(req->therapist().username(), "therapist.username", v);
        PTRACK_RETURN_IF_ERROR(v.ToStatus());
        Therapist therapist{id.empty() ? NewUuid() : id, clinic_id, req->therapist().display_name(),
                            req->therapist().username()};
        if (!id.empty()) {  // a retry with the same id returns what the first call stored
          auto stored = deps_.store.GetTherapist(id);
          if (stored.ok()) {
            if (stored->clinic_id == therapist.clinic_id &&
                stored->display_name == therapist.display_name &&
                stored->username == therapist.username) {
              convert::ToProto(*stored, resp);
              return Status::Ok();
            }
            return Status::AlreadyExists("a different therapist with this id already exists");
          }
          if (stored.status().code() != StatusCode::kNotFound) return stored.status();
        }
        Account account{therapist.username, "",           Role::kTherapist,
                        clinic_id,          therapist.id, deps_.clock.Now()};
        PTRACK_RETURN_IF_ERROR(deps_.store.CreateTherapist(therapist, account));
        convert::ToProto(therapist, resp);
        return Status::Ok();
      });
}

grpc::ServerUnaryReactor* ClinicServiceImpl::CreateEnrolmentCode(
    grpc::CallbackServerContext* context, const v1::CreateEnrolmentCodeRequest* req,
    v1::EnrolmentCode* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.ClinicService/CreateEnrolmentCode",
      [=, this](Call& call) -> Status {
        std::string username;
        if (auto patient_name = names::ParsePatient(req->name(), "name"); patient_name.ok()) {
          PTRACK_ASSIGN_OR_RETURN(auto patient, call.CheckPatient(*patient_name));
          username = patient.username;
        } else if (auto therapist_name = names::ParseTherapist(req->name(), "name");
                   therapist_name.ok()) {
          // Only an admin may reset a therapist's password — not even the therapist themself
          // (who could otherwise keep a stolen token alive by re-enrolling).
          if (call.who().role != Role::kClinicAdmin) {
            return Status::PermissionDenied("only a clinic admin may enrol a therapist");
          }
          PTRACK_ASSIGN_OR_RETURN(auto therapist, call.CheckTherapist(*therapist_name));
          username = therapist.username;
        } else {
          return Status::InvalidArgument(
              "name",
              "must name a patient or a therapist: clinics/{c}/patients/{p} or "
              "clinics/{c}/therapists/{t}");
        }
        PTRACK_ASSIGN_OR_RETURN(auto issued, deps_.credentials.IssueEnrolmentCode(username));
        resp->set_code(issued.code);
        convert::ToProto(issued.expire_time, resp->mutable_expire_time());
        resp->set_username(username);
        return Status::Ok();
      });
}

}  // namespace ptrack
