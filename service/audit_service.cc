// AuditService handlers.
#include "service/audit_service.h"

#include "engine/paging.h"
#include "service/call.h"
#include "service/convert.h"

namespace ptrack {

grpc::ServerUnaryReactor* AuditServiceImpl::ListAuditEvents(grpc::CallbackServerContext* context,
                                                            const v1::ListAuditEventsRequest* req,
                                                            v1::ListAuditEventsResponse* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.AuditService/ListAuditEvents", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto clinic_id, names::ParseClinic(req->parent(), "parent"));
        PTRACK_RETURN_IF_ERROR(call.CheckClinic(clinic_id));
        std::string patient_filter;
        if (!req->patient().empty()) {
          PTRACK_ASSIGN_OR_RETURN(auto name, names::ParsePatient(req->patient(), "patient"));
          if (name.clinic != clinic_id) {
            return Status::InvalidArgument("patient", "must be a patient of the parent clinic");
          }
          patient_filter = name.patient;
        }
        PTRACK_ASSIGN_OR_RETURN(auto page,
                                paging::FromRequest(req->page_size(), req->page_token()));
        PTRACK_ASSIGN_OR_RETURN(auto result,
                                deps_.store.ListAudit(clinic_id, patient_filter, page));
        for (const AuditEvent& e : result.items) {
          v1::AuditEvent* out = resp->add_events();
          out->set_id(e.id);
          convert::ToProto(e.time, out->mutable_time());
          out->set_username(e.username);
          out->set_role(convert::ToProto(e.role));
          if (!e.clinic_id.empty()) out->set_clinic(names::Clinic(e.clinic_id));
          out->set_patient_id(e.patient_id);
          out->set_method(e.method);
          out->set_outcome(e.outcome);
        }
        resp->set_next_page_token(paging::Token(result.next_after));
        return Status::Ok();
      });
}

}  // namespace ptrack
