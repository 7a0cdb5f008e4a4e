// ptrack.v1.CatalogService: read the exercise catalogue and the protocol templates.
#pragma once

#include "ptrack/v1/catalog.grpc.pb.h"
#include "service/deps.h"

namespace ptrack {

class CatalogServiceImpl final : public v1::CatalogService::CallbackService {
 public:
  explicit CatalogServiceImpl(Deps deps) : deps_(deps) {}

  grpc::ServerUnaryReactor* ListExercises(grpc::CallbackServerContext* context,
                                          const v1::ListExercisesRequest* request,
                                          v1::ListExercisesResponse* response) override;
  grpc::ServerUnaryReactor* GetExercise(grpc::CallbackServerContext* context,
                                        const v1::GetExerciseRequest* request,
                                        v1::Exercise* response) override;
  grpc::ServerUnaryReactor* ListProtocols(grpc::CallbackServerContext* context,
                                          const v1::ListProtocolsRequest* request,
                                          v1::ListProtocolsResponse* response) override;
  grpc::ServerUnaryReactor* GetProtocol(grpc::CallbackServerContext* context,
                                        const v1::GetProtocolRequest* request,
                                        v1::Protocol* response) override;
  grpc::ServerUnaryReactor* CreateExercise(grpc::CallbackServerContext* context,
                                           const v1::CreateExerciseRequest* request,
                                           v1::Exercise* response) override;
  grpc::ServerUnaryReactor* CreateProtocol(grpc::CallbackServerContext* context,
                                           const v1::CreateProtocolRequest* request,
                                           v1::Protocol* response) override;

 private:
  Deps deps_;
};

}  // namespace ptrack
