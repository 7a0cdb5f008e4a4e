// The one place where a core Status becomes a grpc::Status (DESIGN.md §4): the code maps
// one-to-one, field violations travel as a google.rpc.BadRequest inside google.rpc.Status in the
// grpc-status-details-bin trailer. Also the two answers of admission control, which come from the
// server's edge rather than from the core: RESOURCE_EXHAUSTED with a google.rpc.RetryInfo, and
// DEADLINE_EXCEEDED.
#pragma once

#include <grpcpp/support/status.h>

#include <chrono>
#include <string>

#include "scheduler/status.h"

namespace ptrack {

grpc::Status ToGrpcStatus(const Status& status);

// RESOURCE_EXHAUSTED with `message` and a google.rpc.RetryInfo detail whose retry_delay is
// `retry_after` (the server is saturated; a retry sooner is likely refused again).
grpc::Status OverloadedStatus(const std::string& message, std::chrono::milliseconds retry_after);
// DEADLINE_EXCEEDED with `message` (the call's deadline passed before its work could start).
grpc::Status DeadlineExceededStatus(const std::string& message);

}  // namespace ptrack
