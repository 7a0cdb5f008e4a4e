// Connect conformance of ptrackd's HTTP port, against the real binary on free ports: the JSON
// health check answers SERVING; a call without a token is 401 with code "unauthenticated"; a
// validation error is 400 with a google.rpc.BadRequest in `details`; binary protobuf works like
// JSON; a session logged twice through the bridge is stored once; unknown methods, oversized
// bodies, unsupported media types and bad JSON get Connect errors with the right HTTP status;
// CORS answers only configured origins; /healthz reports readiness; an Authorization header
// that gRPC cannot carry is refused without taking the server down.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "google/rpc/error_details.pb.h"
#include "ptrack/v1/auth.pb.h"
#include "tests/integration/process.h"

namespace ptrack::testing {
namespace {

using nlohmann::json;

struct Bridge {
  TempDir dir;
  Ptrackd server;
  httplib::Client http;

  explicit Bridge(std::vector<std::string> extra = {"--demo"})
      : server(PTRACKD, dir.path() + "/ptrack.db", dir.path(), extra),
        http("127.0.0.1", server.http_port()) {
    REQUIRE(server.http_port() > 0);
    http.set_read_timeout(30, 0);
  }

  httplib::Result Post(const std::string& method, const std::string& body,
                       const std::string& token = "",
                       const std::string& type = "application/json") {
    httplib::Headers headers = {{"Connect-Protocol-Version", "1"}};
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    return http.Post(("/" + method).c_str(), headers, body, type.c_str());
  }

  std::string SignIn(const std::string& user, const std::string& password) {
    auto r = Post("ptrack.v1.AuthService/SignIn",
                  json{{"username", user}, {"password", password}}.dump());
    REQUIRE(r);
    INFO(r->body);
    REQUIRE(r->status == 200);
    return json::parse(r->body).at("token");
  }
};

std::string FromBase64(const std::string& text) {
  std::string out(text.size(), '\0');
  size_t len = 0;
  REQUIRE(sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.c_str(),
                            text.size(), nullptr, &len, nullptr,
                            sodium_base64_VARIANT_ORIGINAL) == 0);
  out.resize(len);
  return out;
}

json Session(const std::string& id, int pain_after) {
  return {
      {"parent", "clinics/demo/patients/jordan"},
      {"sessionId", id},
      {"session",
       {{"performTime", "2020-01-01T00:00:00Z"},
        {"painBefore", 2},
        {"painAfter", pain_after},
        {"effort", 4},
        {"exercises", {{{"exercise", "exercises/chin-nod-lying"}, {"sets", 2}, {"reps", 10}}}}}}};
}

TEST_CASE("Connect: JSON health check and /healthz through the HTTP port", "[web]") {
  Bridge b;
  auto r = b.Post("grpc.health.v1.Health/Check", "{}");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "application/json");
  CHECK(json::parse(r->body).at("status") == "SERVING");
  auto h = b.http.Get("/healthz");
  REQUIRE(h);
  CHECK(h->status == 200);
  CHECK(h->body == "ok\n");
}

TEST_CASE("Connect: no token is 401 unauthenticated, a role denial 403", "[web]") {
  Bridge b;
  auto r = b.Post("ptrack.v1.AuthService/WhoAmI", "{}");
  REQUIRE(r);
  CHECK(r->status == 401);
  const json error = json::parse(r->body);
  CHECK(error.at("code") == "unauthenticated");
  CHECK_FALSE(error.at("message").get<std::string>().empty());
  auto forged = b.Post("ptrack.v1.AuthService/WhoAmI", "{}", std::string(64, 'a'));
  REQUIRE(forged);
  CHECK(forged->status == 401);

  const std::string patient = b.SignIn("patient", "demo-patient-pass");
  auto who = b.Post("ptrack.v1.AuthService/WhoAmI", "{}", patient);
  REQUIRE(who);
  CHECK(who->status == 200);
  CHECK(json::parse(who->body).at("role") == "ROLE_PATIENT");
  auto denied = b.Post("ptrack.v1.ClinicService/ListPatients",
                       json{{"parent", "clinics/demo"}}.dump(), patient);
  REQUIRE(denied);
  CHECK(denied->status == 403);
  CHECK(json::parse(denied->body).at("code") == "permission_denied");
}

// Sends `request` as raw bytes (no client-side header checks) and returns all of the answer.
std::string RawHttp(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
  std::string answer;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) answer.append(buf, n);
  ::close(fd);
  return answer;
}

// Regression (found by fuzz/connect_fuzzer.cc): gRPC aborts the process when given a metadata
// value that is not printable ASCII, and the bridge passed the Authorization header on as is — one
// unauthenticated request stopped the server.
TEST_CASE("Connect: an Authorization header with bytes gRPC refuses is 401 and the server lives",
          "[web]") {
  Bridge b;
  const std::string body = "{}";
  // Bytes above 0x7f are legal in an HTTP field value (obs-text) and reach the bridge, which
  // refuses them (401); a control byte is not legal HTTP, and the HTTP layer refuses the request
  // (400) before the bridge sees it.
  struct Case {
    std::string value;
    const char* status;
    const char* code;
  };
  for (const Case& bad : {Case{"Bearer \xff\xfe", "HTTP/1.1 401", "\"unauthenticated\""},
                          Case{"Bearer \xc3\xa9", "HTTP/1.1 401", "\"unauthenticated\""},
                          Case{"Bearer a\x01b", "HTTP/1.1 400", "\"invalid_argument\""}}) {
    const std::string answer =
        RawHttp(b.server.http_port(),
                "POST /ptrack.v1.AuthService/WhoAmI HTTP/1.1\r\nHost: x\r\n"
                "Content-Type: application/json\r\nAuthorization: " +
                    bad.value + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\n" + body);
    INFO(answer);
    CHECK(answer.rfind(bad.status, 0) == 0);
    CHECK(answer.find(bad.code) != std::string::npos);
  }
  auto health = b.Post("grpc.health.v1.Health/Check", "{}");
  REQUIRE(health);  // the server is still there
  CHECK(health->status == 200);
}

TEST_CASE("Connect: a validation error carries google.rpc.BadRequest in details", "[web]") {
  Bridge b;
  const std::string patient = b.SignIn("patient", "demo-patient-pass");
  auto r = b.Post("ptrack.v1.SessionService/LogSession",
                  Session("6f1c2a8e-4b3d-4e5f-9a1b-2c3d4e5f6a7b", 11).dump(), patient);
  REQUIRE(r);
  INFO(r->body);
  CHECK(r->status == 400);
  const json error = json::parse(r->body);
  CHECK(error.at("code") == "invalid_argument");
  REQUIRE(error.contains("details"));
  REQUIRE(error.at("details").size() == 1);
  const json& detail = error.at("details")[0];
  CHECK(detail.at("type") == "google.rpc.BadRequest");
  google::rpc::BadRequest bad;
  REQUIRE(bad.ParseFromString(FromBase64(detail.at("value"))));
  std::vector<std::string> fields;
  for (const auto& v : bad.field_violations()) fields.push_back(v.field());
  CHECK(std::find(fields.begin(), fields.end(), "session.pain_after") != fields.end());
  CHECK(detail.at("debug").at("fieldViolations").size() ==
        static_cast<size_t>(bad.field_violations_size()));
}

TEST_CASE("Connect: binary protobuf bodies, and a session logged twice is stored once", "[web]") {
  Bridge b;
  v1::SignInRequest req;
  req.set_username("patient");
  req.set_password("demo-patient-pass");
  auto r = b.Post("ptrack.v1.AuthService/SignIn", req.SerializeAsString(), "", "application/proto");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "application/proto");
  v1::SignInResponse signed_in;
  REQUIRE(signed_in.ParseFromString(r->body));
  REQUIRE(signed_in.token().size() == 64);

  // A session performed an hour ago, through JSON, twice: the second is a replay.
  const auto hour_ago = std::chrono::system_clock::now() - std::chrono::hours(1);
  const std::time_t t = std::chrono::system_clock::to_time_t(hour_ago);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  json session = Session("0b7e5f1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b", 3);
  session["session"]["performTime"] = when;
  auto first = b.Post("ptrack.v1.SessionService/LogSession", session.dump(), signed_in.token());
  REQUIRE(first);
  INFO(first->body);
  REQUIRE(first->status == 200);
  CHECK_FALSE(json::parse(first->body).value("replayed", false));
  auto second = b.Post("ptrack.v1.SessionService/LogSession", session.dump(), signed_in.token());
  REQUIRE(second);
  REQUIRE(second->status == 200);
  CHECK(json::parse(second->body).value("replayed", false));
  auto list = b.Post("ptrack.v1.SessionService/ListSessions",
                     json{{"parent", "clinics/demo/patients/jordan"}, {"pageSize", 200}}.dump(),
                     signed_in.token());
  REQUIRE(list);
  INFO(list->body.substr(0, 400));
  int copies = 0;
  const json listed = json::parse(list->body);
  for (const json& s : listed.at("sessions")) {
    if (s.at("name").get<std::string>().find("0b7e5f1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b") !=
        std::string::npos) {
      ++copies;
    }
  }
  CHECK(copies == 1);
}

TEST_CASE("Connect: unknown methods, big bodies, other media types and bad JSON", "[web]") {
  Bridge b;
  for (const char* path : {"ptrack.v1.AuthService/NoSuchMethod", "ptrack.v1.NoService/SignIn",
                           "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"}) {
    INFO(path);
    auto r = b.Post(path, "{}");
    REQUIRE(r);
    CHECK(r->status == 404);
    CHECK(json::parse(r->body).at("code") == "unimplemented");
  }
  auto big = b.Post("ptrack.v1.AuthService/SignIn",
                    json{{"username", "patient"}, {"password", std::string(2 << 20, 'x')}}.dump());
  REQUIRE(big);
  CHECK(big->status == 413);
  CHECK(json::parse(big->body).at("code") == "resource_exhausted");
  auto xml = b.Post("ptrack.v1.AuthService/SignIn", "<signin/>", "", "application/xml");
  REQUIRE(xml);
  CHECK(xml->status == 415);
  auto broken = b.Post("ptrack.v1.AuthService/SignIn", "{\"username\": ");
  REQUIRE(broken);
  CHECK(broken->status == 400);
  CHECK(json::parse(broken->body).at("code") == "invalid_argument");
  auto unknown_field = b.Post("ptrack.v1.AuthService/SignIn", R"({"user": "patient"})");
  REQUIRE(unknown_field);
  CHECK(unknown_field->status == 400);
  // The server is still fine.
  auto health = b.Post("grpc.health.v1.Health/Check", "{}");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("Connect: CORS only for configured origins", "[web]") {
  SECTION("none configured: no CORS headers, preflight refused") {
    Bridge b;
    httplib::Headers origin = {{"Origin", "https://app.example"}};
    auto r = b.http.Post("/grpc.health.v1.Health/Check", origin, "{}", "application/json");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK_FALSE(r->has_header("Access-Control-Allow-Origin"));
    auto pre = b.http.Options("/grpc.health.v1.Health/Check", origin);
    REQUIRE(pre);
    CHECK(pre->status == 403);
  }
  SECTION("one configured: that origin only") {
    Bridge b({"--demo", "--cors-origin", "https://app.example"});
    auto pre = b.http.Options("/grpc.health.v1.Health/Check",
                              httplib::Headers{{"Origin", "https://app.example"}});
    REQUIRE(pre);
    CHECK(pre->status == 204);
    CHECK(pre->get_header_value("Access-Control-Allow-Origin") == "https://app.example");
    CHECK_THAT(pre->get_header_value("Access-Control-Allow-Headers"),
               Catch::Matchers::Contains("Authorization"));
    auto other = b.http.Options("/grpc.health.v1.Health/Check",
                                httplib::Headers{{"Origin", "https://evil.example"}});
    REQUIRE(other);
    CHECK(other->status == 403);
    CHECK_FALSE(other->has_header("Access-Control-Allow-Origin"));
  }
}

}  // namespace
}  // namespace ptrack::testing
