// Status construction helpers and the text form used in logs and test messages.
#include "scheduler/status.h"

namespace ptrack {

const char* CodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "OK";
    case StatusCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case StatusCode::kNotFound:
      return "NOT_FOUND";
    case StatusCode::kAlreadyExists:
      return "ALREADY_EXISTS";
    case StatusCode::kPermissionDenied:
      return "PERMISSION_DENIED";
    case StatusCode::kUnauthenticated:
      return "UNAUTHENTICATED";
    case StatusCode::kFailedPrecondition:
      return "FAILED_PRECONDITION";
    case StatusCode::kAborted:
      return "ABORTED";
    case StatusCode::kResourceExhausted:
      return "RESOURCE_EXHAUSTED";
    case StatusCode::kUnavailable:
      return "UNAVAILABLE";
    case StatusCode::kInternal:
      return "INTERNAL";
  }
  return "UNKNOWN";
}

Status Status::InvalidArgument(std::vector<FieldViolation> violations) {
  std::string message = "invalid request";
  if (!violations.empty()) {
    message = violations.front().field + ": " + violations.front().description;
    if (violations.size() > 1) {
      message += " (and " + std::to_string(violations.size() - 1) + " more)";
    }
  }
  Status status(StatusCode::kInvalidArgument, std::move(message));
  status.violations_ = std::move(violations);
  return status;
}

Status Status::InvalidArgument(std::string field, std::string description) {
  return InvalidArgument(std::vector<FieldViolation>{{std::move(field), std::move(description)}});
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(CodeName(code_)) + ": " + message_;
}

}  // namespace ptrack
