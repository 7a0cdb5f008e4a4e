// Shared request-field checks.
#include "service/validate.h"

#include <google/protobuf/timestamp.pb.h>

#include <algorithm>
#include <cctype>

#include "scheduler/catalogue.h"
#include "scheduler/time.h"
#include "service/convert.h"
#include "service/names.h"

namespace ptrack::validate {

void Text(const std::string& value, const std::string& field, size_t max, Violations& out,
          bool required) {
  if (value.empty()) {
    if (required) out.Add(field, "is required");
    return;
  }
  if (value.size() > max) {
    out.Add(field, "at most " + std::to_string(max) + " characters");
    return;
  }
  if (std::any_of(value.begin(), value.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 && c != '\n'; })) {
    out.Add(field, "must not contain control characters");
  }
}

void Line(const std::string& value, const std::string& field, size_t max, Violations& out,
          bool required) {
  if (value.find('\n') != std::string::npos) {
    out.Add(field, "must be one line");
    return;
  }
  Text(value, field, max, out, required);
}

void Username(const std::string& value, const std::string& field, Violations& out) {
  const bool ok =
      value.size() >= 3 && value.size() <= 64 &&
      std::all_of(value.begin(), value.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      });
  if (!ok) out.Add(field, "3..64 characters of a-z, 0-9, '.', '_', '-'");
}

void Password(const std::string& value, const std::string& field, Violations& out) {
  if (value.size() < 8 || value.size() > 256) out.Add(field, "8..256 characters");
}

std::string ClientId(const std::string& value, const std::string& field, Violations& out,
                     bool required) {
  if (value.empty()) {
    if (required) out.Add(field, "is required (a client-generated UUID)");
    return "";
  }
  if (!names::IsUuid(value)) {
    out.Add(field, "must be a client-generated UUID (8-4-4-4-12 hex digits)");
    return "";
  }
  std::string lower = value;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

void TimeZone(const std::string& value, const std::string& field, Violations& out) {
  auto zone = LocateZone(value, field);
  if (zone.ok()) return;
  for (const auto& fv : zone.status().violations()) out.Add(fv.field, fv.description);
}

std::optional<Instant> RequiredTime(bool has, const google::protobuf::Timestamp& t,
                                    const std::string& field, Violations& v) {
  constexpr int64_t kMinSeconds = -62135596800LL, kMaxSeconds = 253402300799LL;
  if (!has) {
    v.Add(field, "is required");
  } else if (t.nanos() < 0 || t.nanos() > 999999999 || t.seconds() < kMinSeconds ||
             t.seconds() > kMaxSeconds) {
    v.Add(field, "is not a valid timestamp");
  } else {
    return convert::FromProto(t);
  }
  return std::nullopt;
}

}  // namespace ptrack::validate
