// Request-target handling for the HTTP port: percent-decoding, the query string of a GET, and the
// mapping of a URL path onto a file below the web app's folder. Pure functions, no I/O; every
// function refuses (nullopt) rather than guesses: a bad escape, a NUL or other control byte
// after decoding, text that is not UTF-8, or a path that would leave the folder.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ptrack::http {

// "%2F" -> "/"; with `plus_is_space` (query strings) "+" -> " ". nullopt for a "%" not followed
// by two hex digits, for any decoded byte below 0x20 or equal to 0x7f (NUL, CR, LF...), and for
// a result that is not well-formed UTF-8 (it may end up in a protobuf string field).
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// The path and the decoded query of a request-target "/path?a=1&b=x%20y". A name given twice
// keeps its first value. nullopt when the target does not start with "/" or anything fails to
// decode.
struct Target {
  std::string path;  // decoded
  std::map<std::string, std::string> query;
};
std::optional<Target> ParseTarget(std::string_view target);

// The file below `root` that a decoded URL path names: "/" and paths ending in "/" name their
// index.html. nullopt for a path with an empty, "." or ".." segment, a backslash, or one that
// does not start with "/". Whether the file exists is not checked.
std::optional<std::string> StaticFilePath(const std::string& root, std::string_view path);

// The Content-Type of a static file from its extension; "application/octet-stream" if unknown.
std::string_view MimeType(std::string_view file);

}  // namespace ptrack::http
