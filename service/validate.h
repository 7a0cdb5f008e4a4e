// Request-field checks shared by several services. Each adds violations named by the request
// path of the field; handlers collect them and answer INVALID_ARGUMENT with all of them at once.
#pragma once

#include <optional>
#include <string>

#include "scheduler/status.h"
#include "scheduler/time.h"

namespace google::protobuf {
class Timestamp;
}

namespace ptrack::validate {

// A required client timestamp (`has`: the field is set): the instant, or nullopt with a violation
// on `field` when it is missing or outside Timestamp's own range (0001-01-01 to 9999-12-31, so
// that milliseconds cannot overflow).
std::optional<Instant> RequiredTime(bool has, const google::protobuf::Timestamp& t,
                                    const std::string& field, Violations& v);

// 1..max characters of valid text without control characters (newlines allowed).
void Text(const std::string& value, const std::string& field, size_t max, Violations& out,
          bool required = true);
// Like Text, on one line: no newline either (names, titles).
void Line(const std::string& value, const std::string& field, size_t max, Violations& out,
          bool required = true);
// 3..64 of [a-z0-9._-].
void Username(const std::string& value, const std::string& field, Violations& out);
// 8..256 characters.
void Password(const std::string& value, const std::string& field, Violations& out);
// A client-chosen id: a UUID, returned in lower case. Ids are unique across all clinics, so
// clients may not choose readable slugs: a collision would tell one clinic what ids another uses.
// Empty is allowed when !required.
std::string ClientId(const std::string& value, const std::string& field, Violations& out,
                     bool required);
// An IANA zone name that the tz database knows.
void TimeZone(const std::string& value, const std::string& field, Violations& out);

}  // namespace ptrack::validate
