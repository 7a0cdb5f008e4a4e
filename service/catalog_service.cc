// CatalogService handlers. Each handler is one lambda returning a core Status, converted once.
#include "service/catalog_service.h"

#include "service/convert.h"
#include "service/grpc_status.h"
#include "service/paging.h"

namespace ptrack {

grpc::Status CatalogServiceImpl::ListExercises(grpc::ServerContext* context,
                                               const v1::ListExercisesRequest* req,
                                               v1::ListExercisesResponse* resp) {
  return ToGrpcStatus([&]() -> Status {
    PTRACK_RETURN_IF_ERROR(
        deps_.gate.Enter(*context, "/ptrack.v1.CatalogService/ListExercises").status());
    if (!v1::Region_IsValid(req->region())) {
      return Status::InvalidArgument("region", "unknown region");
    }
    PTRACK_ASSIGN_OR_RETURN(auto page, paging::FromRequest(req->page_size(), req->page_token()));
    PTRACK_ASSIGN_OR_RETURN(auto result,
                            deps_.store.ListExercises(convert::FromProto(req->region()), page));
    for (const Exercise& e : result.items) convert::ToProto(e, resp->add_exercises());
    resp->set_next_page_token(paging::Token(result.next_after));
    return Status::Ok();
  }());
}

grpc::Status CatalogServiceImpl::GetExercise(grpc::ServerContext* context,
                                             const v1::GetExerciseRequest* req,
                                             v1::Exercise* resp) {
  return ToGrpcStatus([&]() -> Status {
    PTRACK_RETURN_IF_ERROR(
        deps_.gate.Enter(*context, "/ptrack.v1.CatalogService/GetExercise").status());
    PTRACK_ASSIGN_OR_RETURN(auto id, names::ParseExercise(req->name(), "name"));
    PTRACK_ASSIGN_OR_RETURN(auto exercise, deps_.store.GetExercise(id));
    convert::ToProto(exercise, resp);
    return Status::Ok();
  }());
}

grpc::Status CatalogServiceImpl::ListProtocols(grpc::ServerContext* context,
                                               const v1::ListProtocolsRequest* req,
                                               v1::ListProtocolsResponse* resp) {
  return ToGrpcStatus([&]() -> Status {
    PTRACK_RETURN_IF_ERROR(
        deps_.gate.Enter(*context, "/ptrack.v1.CatalogService/ListProtocols").status());
    PTRACK_ASSIGN_OR_RETURN(auto page, paging::FromRequest(req->page_size(), req->page_token()));
    PTRACK_ASSIGN_OR_RETURN(auto result, deps_.store.ListProtocols(page));
    for (const Protocol& p : result.items) convert::ToProto(p, resp->add_protocols());
    resp->set_next_page_token(paging::Token(result.next_after));
    return Status::Ok();
  }());
}

grpc::Status CatalogServiceImpl::GetProtocol(grpc::ServerContext* context,
                                             const v1::GetProtocolRequest* req,
                                             v1::Protocol* resp) {
  return ToGrpcStatus([&]() -> Status {
    PTRACK_RETURN_IF_ERROR(
        deps_.gate.Enter(*context, "/ptrack.v1.CatalogService/GetProtocol").status());
    PTRACK_ASSIGN_OR_RETURN(auto id, names::ParseProtocol(req->name(), "name"));
    PTRACK_ASSIGN_OR_RETURN(auto protocol, deps_.store.GetProtocol(id));
    convert::ToProto(protocol, resp);
    return Status::Ok();
  }());
}

}  // namespace ptrack
