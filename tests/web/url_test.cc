// service/http/url.h: percent-decoding refuses bad escapes and control bytes, query strings
// decode "+" and escapes, and a URL path maps onto a file below the web folder or is refused
// (dot segments, empty segments, backslashes) — the checks that keep a static path from naming
// another file.
#include "service/http/url.h"

#include <catch2/catch.hpp>

namespace ptrack::http {
namespace {

TEST_CASE("url: percent-decoding", "[web]") {
  CHECK(PercentDecode("a%20b%2Fc", false) == "a b/c");
  CHECK(PercentDecode("a+b", false) == "a+b");
  CHECK(PercentDecode("a+b", true) == "a b");
  CHECK(PercentDecode("%e2%82%AC", false) == "\xe2\x82\xac");
  CHECK(PercentDecode("%F0%9F%98%80", false) == "\xf0\x9f\x98\x80");  // U+1F600
  // Not UTF-8: a lone continuation byte, a truncated sequence, an overlong "/", a surrogate,
  // above U+10FFFF, raw Latin-1.
  for (const char* bad :
       {"%80", "%C3", "%E2%82", "%C0%AF", "%ED%A0%80", "%F4%90%80%80", "caf\xe9"}) {
    INFO(bad);
    CHECK_FALSE(PercentDecode(bad, false).has_value());
  }
  for (const char* bad : {"%", "%2", "%zz", "a%0", "%00", "%0a", "%0D", "%7f", "a\tb"}) {
    INFO(bad);
    CHECK_FALSE(PercentDecode(bad, false).has_value());
  }
}

TEST_CASE("url: request targets and their queries", "[web]") {
  auto t =
      ParseTarget("/exports/sessions.csv?parent=clinics%2Fdemo&patient=&x=1&x=2&start_date=a+b");
  REQUIRE(t);
  CHECK(t->path == "/exports/sessions.csv");
  CHECK(t->query.at("parent") == "clinics/demo");
  CHECK(t->query.at("patient").empty());
  CHECK(t->query.at("x") == "1");  // the first of a repeated name
  CHECK(t->query.at("start_date") == "a b");
  CHECK(ParseTarget("/")->path == "/");
  CHECK_FALSE(ParseTarget("").has_value());
  CHECK_FALSE(ParseTarget("http://other/").has_value());
  CHECK_FALSE(ParseTarget("/a%00b").has_value());
  CHECK_FALSE(ParseTarget("/a?b=%0a").has_value());
}

TEST_CASE("url: static file paths stay below the root", "[web]") {
  CHECK(StaticFilePath("/srv/web", "/") == "/srv/web/index.html");
  CHECK(StaticFilePath("/srv/web", "/app.js") == "/srv/web/app.js");
  CHECK(StaticFilePath("/srv/web", "/a/b.css") == "/srv/web/a/b.css");
  CHECK(StaticFilePath("/srv/web", "/a/") == "/srv/web/a/index.html");
  for (const char* bad :
       {"", "app.js", "/..", "/../etc/passwd", "/a/../../b", "/./a", "//a", "/a//b", "/a\\b"}) {
    INFO(bad);
    CHECK_FALSE(StaticFilePath("/srv/web", bad).has_value());
  }
  CHECK(MimeType("/srv/web/index.html") == "text/html; charset=utf-8");
  CHECK(MimeType("/srv/web/manifest.webmanifest") == "application/manifest+json");
  CHECK(MimeType("/srv/web/x.bin") == "application/octet-stream");
}

}  // namespace
}  // namespace ptrack::http
