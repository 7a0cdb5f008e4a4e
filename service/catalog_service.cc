// CatalogService handlers. Each handler is one lambda returning a core Status, converted once.
#include "service/catalog_service.h"

#include "engine/paging.h"
#include "service/call.h"
#include "service/convert.h"
#include "service/grpc_status.h"
#include "service/validate.h"

namespace ptrack {

grpc::ServerUnaryReactor* CatalogServiceImpl::ListExercises(grpc::CallbackServerContext* context,
                                                            const v1::ListExercisesRequest* req,
                                                            v1::ListExercisesResponse* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.CatalogService/ListExercises", [=, this](Call& call) -> Status {
        const Principal& who = call.who();
        if (!v1::Region_IsValid(req->region())) {
          return Status::InvalidArgument("region", "unknown region");
        }
        PTRACK_ASSIGN_OR_RETURN(auto page,
                                paging::FromRequest(req->page_size(), req->page_token()));
        PTRACK_ASSIGN_OR_RETURN(
            auto result,
            deps_.store.ListExercises(convert::FromProto(req->region()), page, who.clinic_id));
        for (const Exercise& e : result.items) convert::ToProto(e, resp->add_exercises());
        resp->set_next_page_token(paging::Token(result.next_after));
        return Status::Ok();
      });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::GetExercise(grpc::CallbackServerContext* context,
                                                          const v1::GetExerciseRequest* req,
                                                          v1::Exercise* resp) {
  return ServeAsync(deps_, context, "/ptrack.v1.CatalogService/GetExercise",
                    [=, this](Call& call) -> Status {
                      const Principal& who = call.who();
                      PTRACK_ASSIGN_OR_RETURN(auto id, names::ParseExercise(req->name(), "name"));
                      PTRACK_ASSIGN_OR_RETURN(auto exercise, deps_.store.GetExercise(id));
                      if (!VisibleTo(exercise, who.clinic_id))
                        return Status::NotFound("exercise not found");
                      convert::ToProto(exercise, resp);
                      return Status::Ok();
                    });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::ListProtocols(grpc::CallbackServerContext* context,
                                                            const v1::ListProtocolsRequest* req,
                                                            v1::ListProtocolsResponse* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.CatalogService/ListProtocols", [=, this](Call& call) -> Status {
        const Principal& who = call.who();
        PTRACK_ASSIGN_OR_RETURN(auto page,
                                paging::FromRequest(req->page_size(), req->page_token()));
        PTRACK_ASSIGN_OR_RETURN(auto result, deps_.store.ListProtocols(page, who.clinic_id));
        for (const Protocol& p : result.items) convert::ToProto(p, resp->add_protocols());
        resp->set_next_page_token(paging::Token(result.next_after));
        return Status::Ok();
      });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::GetProtocol(grpc::CallbackServerContext* context,
                                                          const v1::GetProtocolRequest* req,
                                                          v1::Protocol* resp) {
  return ServeAsync(deps_, context, "/ptrack.v1.CatalogService/GetProtocol",
                    [=, this](Call& call) -> Status {
                      const Principal& who = call.who();
                      PTRACK_ASSIGN_OR_RETURN(auto id, names::ParseProtocol(req->name(), "name"));
                      PTRACK_ASSIGN_OR_RETURN(auto protocol, deps_.store.GetProtocol(id));
                      if (!VisibleTo(protocol, who.clinic_id))
                        return Status::NotFound("protocol not found");
                      convert::ToProto(protocol, resp);
                      return Status::Ok();
                    });
}

namespace {

// A clinic's own ids start with "<clinic>-" so that no two clinics collide.
void ValidateOwnId(const std::string& id, const std::string& clinic_id, const std::string& field,
                   Violations& v) {
  if (!IsValidId(id) || id.rfind(clinic_id + "-", 0) != 0 || id.size() <= clinic_id.size() + 1) {
    v.Add(field, "must be 1..63 of a-z, 0-9, '-' starting with \"" + clinic_id + "-\"");
  }
}

}  // namespace

grpc::ServerUnaryReactor* CatalogServiceImpl::CreateExercise(grpc::CallbackServerContext* context,
                                                             const v1::CreateExerciseRequest* req,
                                                             v1::Exercise* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.CatalogService/CreateExercise", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto clinic_id, names::ParseClinic(req->parent(), "parent"));
        PTRACK_RETURN_IF_ERROR(call.CheckClinic(clinic_id));
        Violations v;
        ValidateOwnId(req->exercise_id(), clinic_id, "exercise_id", v);
        Exercise e = convert::FromProto(req->exercise(), v);
        e.id = req->exercise_id();
        e.clinic_id = clinic_id;
        if (e.ladder.empty()) {
          e.ladder = e.id;  // a ladder of its own
        } else {
          ValidateOwnId(e.ladder, clinic_id, "exercise.ladder", v);
        }
        validate::Line(e.display_name, "exercise.display_name", 100, v);
        validate::Text(e.instructions, "exercise.instructions", 2000, v, false);
        if (e.region == Region::kUnspecified || !v1::Region_IsValid(req->exercise().region())) {
          v.Add("exercise.region", "is required");
        }
        if (e.ladder_rank < 1 || e.ladder_rank > 20) v.Add("exercise.ladder_rank", "must be 1..20");
        if (e.max_hold_seconds < 0 || e.max_hold_seconds > 600) {
          v.Add("exercise.max_hold_seconds", "must be 0..600");
        }
        if (e.max_reps < 0 || e.max_reps > 100) v.Add("exercise.max_reps", "must be 0..100");
        ValidateDose(e.default_dose, "exercise.default_dose", v);
        PTRACK_RETURN_IF_ERROR(v.ToStatus());
        PTRACK_RETURN_IF_ERROR(deps_.store.CreateExercise(e));
        convert::ToProto(e, resp);
        return Status::Ok();
      });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::CreateProtocol(grpc::CallbackServerContext* context,
                                                             const v1::CreateProtocolRequest* req,
                                                             v1::Protocol* resp) {
  return ServeAsync(
      deps_, context, "/ptrack.v1.CatalogService/CreateProtocol", [=, this](Call& call) -> Status {
        PTRACK_ASSIGN_OR_RETURN(auto clinic_id, names::ParseClinic(req->parent(), "parent"));
        PTRACK_RETURN_IF_ERROR(call.CheckClinic(clinic_id));
        Violations v;
        ValidateOwnId(req->protocol_id(), clinic_id, "protocol_id", v);
        Protocol p;
        p.id = req->protocol_id();
        p.clinic_id = clinic_id;
        p.display_name = req->protocol().display_name();
        p.description = req->protocol().description();
        validate::Line(p.display_name, "protocol.display_name", 100, v);
        validate::Text(p.description, "protocol.description", 2000, v, false);
        p.phases = convert::FromProto(req->protocol().phases(), "protocol.phases", v);
        deps_.clinical.CheckOutcomeGates(clinic_id, p.phases, "protocol.phases", v);
        ValidatePhases(
            p.phases,
            [&](const std::string& id) {
              auto e = deps_.store.GetExercise(id);
              return e.ok() && VisibleTo(*e, clinic_id);
            },
            "protocol.phases", v);
        PTRACK_RETURN_IF_ERROR(v.ToStatus());
        PTRACK_RETURN_IF_ERROR(deps_.store.CreateProtocol(p));
        convert::ToProto(p, resp);
        return Status::Ok();
      });
}

}  // namespace ptrack
