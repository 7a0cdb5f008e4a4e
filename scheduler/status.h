// The one status type of the ptrack core. Every layer below the service (scheduler, storage)
// reports failure with a Status; the service converts it to grpc::Status in exactly one place
// (service/grpc_status.h). A Status may carry field violations, which become a
// google.rpc.BadRequest on the wire. Messages must never contain SQL text or health data.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ptrack {

enum class StatusCode {
  kOk,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kUnauthenticated,
  kFailedPrecondition,
  kAborted,
  kResourceExhausted,
  kUnavailable,
  kInternal,
};

// The canonical upper-case name of a code, as gRPC spells it ("NOT_FOUND").
const char* CodeName(StatusCode code);

struct FieldViolation {
  std::string field;        // dot-separated request path, e.g. "session.pain_after"
  std::string description;  // why, for a person
  bool operator==(const FieldViolation&) const = default;
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::vector<FieldViolation> violations);
  static Status InvalidArgument(std::string field, std::string description);
  static Status NotFound(std::string message) {
    return {StatusCode::kNotFound, std::move(message)};
  }
  static Status AlreadyExists(std::string message) {
    return {StatusCode::kAlreadyExists, std::move(message)};
  }
  static Status PermissionDenied(std::string message) {
    return {StatusCode::kPermissionDenied, std::move(message)};
  }
  static Status Unauthenticated(std::string message) {
    return {StatusCode::kUnauthenticated, std::move(message)};
  }
  static Status FailedPrecondition(std::string message) {
    return {StatusCode::kFailedPrecondition, std::move(message)};
  }
  static Status Aborted(std::string message) { return {StatusCode::kAborted, std::move(message)}; }
  static Status ResourceExhausted(std::string message) {
    return {StatusCode::kResourceExhausted, std::move(message)};
  }
  static Status Unavailable(std::string message) {
    return {StatusCode::kUnavailable, std::move(message)};
  }
  static Status Internal(std::string message) {
    return {StatusCode::kInternal, std::move(message)};
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<FieldViolation>& violations() const { return violations_; }
  // "NOT_FOUND: patient not found" — for logs and test failure messages.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::vector<FieldViolation> violations_;
};

// Collects field violations while validating; becomes an InvalidArgument Status (or OK).
class Violations {
 public:
  void Add(std::string field, std::string description) {
    list_.push_back({std::move(field), std::move(description)});
  }
  void Append(const Violations& other) {
    list_.insert(list_.end(), other.list_.begin(), other.list_.end());
  }
  bool empty() const { return list_.empty(); }
  const std::vector<FieldViolation>& list() const { return list_; }
  Status ToStatus() const { return empty() ? Status::Ok() : Status::InvalidArgument(list_); }

 private:
  std::vector<FieldViolation> list_;
};

// A value or the Status explaining why there is none.
// REQUIRES: value() only when ok().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT; REQUIRES: !status.ok()

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

// Returns early from the calling function when `expr` (a Status) is not OK.
#define PTRACK_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::ptrack::Status ptrack_status_ = (expr);        \
    if (!ptrack_status_.ok()) return ptrack_status_; \
  } while (0)

}  // namespace ptrack

// Evaluates `expr` (a Result<T>); returns its Status from the calling function when not OK,
// otherwise moves the value into `lhs` (a declaration such as `auto x`).
#define PTRACK_ASSIGN_OR_RETURN(lhs, expr) \
  PTRACK_ASSIGN_OR_RETURN_IMPL(PTRACK_CONCAT(ptrack_result_, __LINE__), lhs, expr)
#define PTRACK_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
#define PTRACK_CONCAT(a, b) PTRACK_CONCAT_IMPL(a, b)
#define PTRACK_CONCAT_IMPL(a, b) a##b
