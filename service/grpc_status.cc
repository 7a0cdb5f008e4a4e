// Status -> grpc::Status with rich error details.
#include "service/grpc_status.h"

#include <algorithm>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace ptrack {
namespace {

grpc::StatusCode ToGrpcCode(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return grpc::StatusCode::OK;
    case StatusCode::kInvalidArgument:
      return grpc::StatusCode::INVALID_ARGUMENT;
    case StatusCode::kNotFound:
      return grpc::StatusCode::NOT_FOUND;
    case StatusCode::kAlreadyExists:
      return grpc::StatusCode::ALREADY_EXISTS;
    case StatusCode::kPermissionDenied:
      return grpc::StatusCode::PERMISSION_DENIED;
    case StatusCode::kUnauthenticated:
      return grpc::StatusCode::UNAUTHENTICATED;
    case StatusCode::kFailedPrecondition:
      return grpc::StatusCode::FAILED_PRECONDITION;
    case StatusCode::kAborted:
      return grpc::StatusCode::ABORTED;
    case StatusCode::kResourceExhausted:
      return grpc::StatusCode::RESOURCE_EXHAUSTED;
    case StatusCode::kUnavailable:
      return grpc::StatusCode::UNAVAILABLE;
    case StatusCode::kInternal:
      return grpc::StatusCode::INTERNAL;
  }
  return grpc::StatusCode::UNKNOWN;
}

}  // namespace

grpc::Status ToGrpcStatus(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const grpc::StatusCode code = ToGrpcCode(status.code());
  if (status.violations().empty()) return grpc::Status(code, status.message());
  google::rpc::BadRequest bad_request;
  for (const FieldViolation& v : status.violations()) {
    auto* fv = bad_request.add_field_violations();
    fv->set_field(v.field);
    fv->set_description(v.description);
  }
  google::rpc::Status rich;
  rich.set_code(static_cast<int>(code));
  rich.set_message(status.message());
  rich.add_details()->PackFrom(bad_request);
  return grpc::Status(code, status.message(), rich.SerializeAsString());
}

grpc::Status OverloadedStatus(const std::string& message, std::chrono::milliseconds retry_after) {
  google::rpc::RetryInfo retry;
  const int64_t ms = std::max<int64_t>(0, retry_after.count());
  retry.mutable_retry_delay()->set_seconds(ms / 1000);
  retry.mutable_retry_delay()->set_nanos(static_cast<int32_t>(ms % 1000) * 1000000);
  google::rpc::Status rich;
  rich.set_code(static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED));
  rich.set_message(message);
  rich.add_details()->PackFrom(retry);
  return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, message, rich.SerializeAsString());
}

grpc::Status DeadlineExceededStatus(const std::string& message) {
  return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, message);
}

}  // namespace ptrack
