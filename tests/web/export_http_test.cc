// The sessions CSV over ptrackd's HTTP port (GET /exports/sessions.csv), against the real binary
// with the demo clinic on free ports: a therapist's bearer token gets 200 with
// text/csv; charset=utf-8, an attachment Content-Disposition naming the documented filename and a
// body that starts with the UTF-8 BOM and the exact header line, every line ended by CRLF and
// Jordan's demo sessions in it; without a token the answer is 401 in Connect's error format with
// code "unauthenticated"; a patient's token is 403 "permission_denied"; a bad date is 400
// "invalid_argument".
#include <httplib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/integration/process.h"

namespace ptrack::testing {
namespace {

using nlohmann::json;

constexpr const char* kBom = "\xEF\xBB\xBF";
constexpr const char* kHeader =
    "session_id,patient_id,patient,date,performed_at,received_at,pain_before,pain_after,effort,"
    "exercises_done,exercises_logged,red_flags,notes\r\n";

// The UTC date `days` from today as YYYY-MM-DD.
std::string UtcDate(int days) {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() +
                                                             std::chrono::hours(24 * days));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

struct Server {
  TempDir dir;
  Ptrackd server;
  httplib::Client http;

  Server()
      : server(PTRACKD, dir.path() + "/ptrack.db", dir.path(), {"--demo"}),
        http("127.0.0.1", server.http_port()) {
    REQUIRE(server.http_port() > 0);
    http.set_read_timeout(30, 0);
  }

  std::string SignIn(const std::string& user, const std::string& password) {
    auto r = http.Post("/ptrack.v1.AuthService/SignIn", {{"Connect-Protocol-Version", "1"}},
                       json{{"username", user}, {"password", password}}.dump(), "application/json");
    REQUIRE(r);
    INFO(r->body);
    REQUIRE(r->status == 200);
    return json::parse(r->body).at("token");
  }

  httplib::Result Get(const std::string& query, const std::string& token) {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    return http.Get(("/exports/sessions.csv?" + query).c_str(), headers);
  }
};

TEST_CASE("HTTP: GET /exports/sessions.csv answers the CSV, or Connect errors", "[web][export]") {
  Server s;
  const std::string therapist = s.SignIn("therapist", "demo-therapist-pass");
  const std::string from = UtcDate(-40);
  const std::string to = UtcDate(1);
  const std::string query = "parent=clinics/demo&start_date=" + from + "&end_date=" + to;

  auto ok = s.Get(query, therapist);
  REQUIRE(ok);
  INFO(ok->body);
  CHECK(ok->status == 200);
  CHECK(ok->get_header_value("Content-Type") == "text/csv; charset=utf-8");
  CHECK(ok->get_header_value("Content-Disposition") ==
        "attachment; filename=\"demo-sessions-" + from + "-" + to + ".csv\"");
  CHECK(ok->body.rfind(std::string(kBom) + kHeader, 0) == 0);
  size_t lines = 0;
  for (size_t i = 0; i < ok->body.size(); ++i) {
    if (ok->body[i] != '\n') continue;
    ++lines;
    INFO("LF at offset " << i);
    CHECK((i > 0 && ok->body[i - 1] == '\r'));
  }
  CHECK(lines > 10);  // the header and Jordan's demo sessions of the last three weeks
  CHECK(ok->body.find(",jordan,Jordan Lee,") != std::string::npos);

  // Only Jordan, by the patient parameter.
  auto one = s.Get(query + "&patient=clinics/demo/patients/jordan", therapist);
  REQUIRE(one);
  CHECK(one->status == 200);
  CHECK(one->body == ok->body);  // Sam has no sessions

  auto anonymous = s.Get(query, "");
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);
  CHECK(json::parse(anonymous->body).at("code") == "unauthenticated");

  auto patient = s.Get(query, s.SignIn("patient", "demo-patient-pass"));
  REQUIRE(patient);
  CHECK(patient->status == 403);
  CHECK(json::parse(patient->body).at("code") == "permission_denied");

  auto bad = s.Get("parent=clinics/demo&start_date=2026-02-30&end_date=" + to, therapist);
  REQUIRE(bad);
  INFO(bad->body);
  CHECK(bad->status == 400);
  CHECK(json::parse(bad->body).at("code") == "invalid_argument");
  CHECK(bad->body.find("start_date") != std::string::npos);
}

}  // namespace
}  // namespace ptrack::testing
