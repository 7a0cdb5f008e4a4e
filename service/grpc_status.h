// The one place where a core Status becomes a grpc::Status (DESIGN.md §4): the code maps
// one-to-one, field violations travel as a google.rpc.BadRequest inside google.rpc.Status in the
// grpc-status-details-bin trailer.
#pragma once

#include <grpcpp/support/status.h>

#include "scheduler/status.h"

namespace ptrack {

grpc::Status ToGrpcStatus(const Status& status);

}  // namespace ptrack
