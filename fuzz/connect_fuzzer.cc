// Fuzz target: the Connect bridge as ptrackd's HTTP server hands it a POST — any path, any of
// the headers it reads (Content-Type, Content-Encoding, Authorization, Connect-Timeout-Ms) and any
// body, JSON or binary — through the real server behind it. Input: the path on the first line,
// then "Name: value" header lines up to an empty line, then the body; "@PATIENT@",
// "@PATIENT2@", "@THERAPIST@" and "@ADMIN@" in a header become those demo users' tokens.
// Properties, for every input: an answer (no crash, hang or sanitizer report); never HTTP 500
// (an internal error, an escaped exception or a failed encoding); an error is Connect's JSON
// {"code", "message"} with a known code and a message; a JSON success is JSON.
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "fuzz/world.h"

namespace ptrack::fuzz {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  const size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

}  // namespace
}  // namespace ptrack::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ptrack::fuzz;
  const World& world = GetWorld();
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t end_of_head = input.find("\n\n");
  const std::string head = input.substr(0, end_of_head);
  const std::string body = end_of_head == std::string::npos ? "" : input.substr(end_of_head + 2);

  std::string path;
  ptrack::ConnectHeaders headers;
  size_t line_start = 0;
  for (bool first = true; line_start <= head.size(); first = false) {
    const size_t line_end = std::min(head.find('\n', line_start), head.size());
    const std::string line = head.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    if (first) {
      path = line;
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string name = Lower(Trim(line.substr(0, colon)));
    const std::string value = world.SubstituteTokens(Trim(line.substr(colon + 1)));
    if (name == "content-type") headers.content_type = value;
    if (name == "content-encoding") headers.content_encoding = value;
    if (name == "authorization") headers.authorization = value;
    if (name == "connect-timeout-ms") headers.timeout_ms = value;
  }

  const ptrack::HttpReply reply = world.bridge->Post(path, headers, body);
  if (Verbose()) std::printf("%s -> %d %.120s\n", path.c_str(), reply.status, reply.body.c_str());
  Require(reply.status != 500, path + " answered HTTP 500: " + reply.body);
  if (reply.status == 200) {
    if (reply.content_type == "application/json") {
      Require(nlohmann::json::accept(reply.body), path + " answered 200 with invalid JSON");
    }
    return 0;
  }
  static const std::set<std::string> codes = {"canceled",
                                              "unknown",
                                              "invalid_argument",
                                              "deadline_exceeded",
                                              "not_found",
                                              "already_exists",
                                              "permission_denied",
                                              "resource_exhausted",
                                              "failed_precondition",
                                              "aborted",
                                              "out_of_range",
                                              "unimplemented",
                                              "internal",
                                              "unavailable",
                                              "data_loss",
                                              "unauthenticated"};
  const nlohmann::json error = nlohmann::json::parse(reply.body, nullptr, false);
  Require(error.is_object() && error.contains("code") && error["code"].is_string() &&
              codes.count(error["code"].get<std::string>()) == 1 && error.contains("message") &&
              error["message"].is_string() && !error["message"].get<std::string>().empty(),
          "HTTP " + std::to_string(reply.status) + " is not a Connect error: " + reply.body);
  return 0;
}
