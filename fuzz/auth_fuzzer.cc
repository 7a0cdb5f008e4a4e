// Fuzz target: what a caller presents before any handler runs — the Authorization value (bearer
// token parsing and lookup) and the resource names every request carries. Input: the
// Authorization value on the first line ("@PATIENT@" etc. become the demo users' real tokens, so
// that mutations explore near-valid tokens), a resource name on the second. Properties, for every
// input: WhoAmI through the Connect bridge succeeds exactly when the value is "Bearer " followed
// by one of the issued tokens, and then names that token's user; otherwise it is refused as
// unauthenticated (401) — a prefix, an extension or another case of a real token is not a
// token; Gate::BearerToken returns either nothing or exactly what follows "Bearer "; every name
// parser either refuses the name or accepts one that its formatter writes back (ids compared
// without case, as UUIDs are accepted in either case and stored in lower case).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "fuzz/world.h"
#include "service/access.h"
#include "service/names.h"

namespace ptrack::fuzz {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void CheckToken(const World& world, const std::string& authorization) {
  const std::string token = Gate::BearerToken(authorization);
  Require(token.empty() || "Bearer " + token == authorization,
          "BearerToken returned something else than what follows 'Bearer '");

  const char* usernames[] = {"", "patient", "patient2", "therapist", "admin"};
  std::string expected_user;  // empty: must be refused
  for (int c = 1; c < static_cast<int>(Caller::kCount); ++c) {
    if (authorization == "Bearer " + world.Token(static_cast<Caller>(c))) {
      expected_user = usernames[c];
    }
  }
  ConnectHeaders headers;
  headers.content_type = "application/json";
  headers.authorization = authorization;
  const HttpReply reply = world.bridge->Post("/ptrack.v1.AuthService/WhoAmI", headers, "{}");
  if (expected_user.empty()) {
    Require(reply.status == 401, "a value that is no issued token answered HTTP " +
                                     std::to_string(reply.status) + ": " + reply.body);
    return;
  }
  Require(reply.status == 200, "an issued token was refused: " + reply.body);
  const nlohmann::json who = nlohmann::json::parse(reply.body, nullptr, false);
  Require(who.is_object() && who.value("username", "") == expected_user,
          "a token answered for the wrong user: " + reply.body);
}

template <typename Parsed, typename Format>
void CheckRoundTrip(const std::string& name, Result<Parsed> parsed, Format format) {
  if (!parsed.ok()) {
    Require(parsed.status().code() == StatusCode::kInvalidArgument,
            "a malformed name was not INVALID_ARGUMENT");
    return;
  }
  Require(Lower(format(*parsed)) == Lower(name),
          "'" + name + "' parsed, but formats back as '" + format(*parsed) + "'");
}

void CheckNames(const std::string& name) {
  namespace n = names;
  CheckRoundTrip(name, n::ParseClinic(name, "f"),
                 [](const std::string& c) { return n::Clinic(c); });
  CheckRoundTrip(name, n::ParsePatient(name, "f"),
                 [](const n::PatientName& p) { return n::Patient(p.clinic, p.patient); });
  CheckRoundTrip(name, n::ParseTherapist(name, "f"),
                 [](const n::PatientName& p) { return n::Therapist(p.clinic, p.patient); });
  CheckRoundTrip(name, n::ParseProgram(name, "f"),
                 [](const n::ChildName& p) { return n::Program(p.clinic, p.patient, p.child); });
  CheckRoundTrip(name, n::ParseSession(name, "f"),
                 [](const n::ChildName& p) { return n::Session(p.clinic, p.patient, p.child); });
  CheckRoundTrip(name, n::ParseAlert(name, "f"),
                 [](const n::AlertName& a) { return n::Alert(a.clinic, a.id); });
  CheckRoundTrip(name, n::ParseExercise(name, "f"),
                 [](const std::string& e) { return n::Exercise(e); });
  CheckRoundTrip(name, n::ParseProtocol(name, "f"),
                 [](const std::string& p) { return n::Protocol(p); });
  CheckRoundTrip(name, n::ParseDecision(name, "f"), [](const n::DecisionName& d) {
    return n::Program(d.program.clinic, d.program.patient, d.program.child) + "/decisions/" +
           d.decision;
  });
}

}  // namespace
}  // namespace ptrack::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ptrack::fuzz;
  const World& world = GetWorld();
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  CheckToken(world, world.SubstituteTokens(input.substr(0, newline)));
  if (newline != std::string::npos) CheckNames(input.substr(newline + 1));
  return 0;
}
