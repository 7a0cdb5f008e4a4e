// The per-address sign-in throttle (service/address_throttle.h, service/client_address.h,
// docs/SECURITY.md "Failed sign-ins"): the leaky-bucket rule on its own (burst, drain, refund,
// the wait it names, IPv6 counted per /64, bounded memory); how a call's address is found from
// gRPC peer strings, and that the bridge's address header counts only on the in-process
// transport; and through the real services (in-process channel, address header set by the test as
// the HTTP bridge sets it, FakeClock) that a flood of failed sign-ins from one address is refused
// before any password is checked while a genuine user at another address signs in.
#include "service/address_throttle.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "service/client_address.h"
#include "tests/service/test_helpers.h"

namespace ptrack::testing {
namespace {

using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using Code = grpc::StatusCode;
using F = ServiceFixture;

SecurityPolicy Policy(int burst, std::chrono::seconds drain, int tracked = 100) {
  SecurityPolicy p;
  p.address_burst = burst;
  p.address_drain_every = drain;
  p.address_max_tracked = tracked;
  return p;
}

// --- The rule --------------------------------------------------------------------------------

TEST_CASE("Address throttle: a burst, then one attempt per drain period", "[security]") {
  AddressThrottle t(Policy(3, 10s));
  Instant now = FixtureNow();
  for (int i = 0; i < 3; ++i) CHECK(t.Charge("10.0.0.1", now).allowed);
  ThrottleVerdict v = t.Charge("10.0.0.1", now);
  CHECK_FALSE(v.allowed);
  CHECK(v.retry_after == 10s);
  CHECK(t.Charge("10.0.0.2", now).allowed);  // another address is not affected
  now += 9s;
  v = t.Charge("10.0.0.1", now);
  CHECK_FALSE(v.allowed);
  CHECK(v.retry_after == 1s);
  now += 1s;
  CHECK(t.Charge("10.0.0.1", now).allowed);  // one more after one drain period
  CHECK_FALSE(t.Charge("10.0.0.1", now).allowed);
  now += 30s;  // fully drained
  for (int i = 0; i < 3; ++i) CHECK(t.Charge("10.0.0.1", now).allowed);
  CHECK_FALSE(t.Charge("10.0.0.1", now).allowed);
}

TEST_CASE("Address throttle: a refund gives the attempt back, never more", "[security]") {
  AddressThrottle t(Policy(2, 60s));
  const Instant now = FixtureNow();
  // Successes are refunded: any number of them.
  for (int i = 0; i < 50; ++i) {
    REQUIRE(t.Charge("10.0.0.1", now).allowed);
    t.Refund("10.0.0.1", now);
  }
  // Refunds on an empty bucket do not bank credit.
  for (int i = 0; i < 5; ++i) t.Refund("10.0.0.1", now);
  CHECK(t.Charge("10.0.0.1", now).allowed);
  CHECK(t.Charge("10.0.0.1", now).allowed);
  CHECK_FALSE(t.Charge("10.0.0.1", now).allowed);
  t.Refund("10.0.0.1", now);
  CHECK(t.Charge("10.0.0.1", now).allowed);
  t.Refund("10.9.9.9", now);  // never charged: nothing happens
  CHECK(t.Charge("10.9.9.9", now).allowed);
}

TEST_CASE("Address throttle: a clock set back neither drains nor refuses for longer",
          "[security]") {
  AddressThrottle t(Policy(2, 10s));
  const Instant now = FixtureNow();
  CHECK(t.Charge("10.0.0.1", now).allowed);
  const Instant earlier = now - 24h * 31;
  CHECK(t.Charge("10.0.0.1", earlier).allowed);  // the bucket holds what it held
  ThrottleVerdict v = t.Charge("10.0.0.1", earlier);
  CHECK_FALSE(v.allowed);
  CHECK(v.retry_after == 10s);  // not 31 days
  CHECK(t.Charge("10.0.0.1", earlier + 10s).allowed);
}

TEST_CASE("Address throttle: IPv6 is counted per /64, IPv4 per address", "[security]") {
  CHECK(AddressThrottle::Key("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64");
  CHECK(AddressThrottle::Key("::1") == "::/64");
  CHECK(AddressThrottle::Key("10.1.2.3") == "10.1.2.3");
  CHECK(AddressThrottle::Key("in-process") == "in-process");
  AddressThrottle t(Policy(2, 60s));
  const Instant now = FixtureNow();
  CHECK(t.Charge("2001:db8:1:2::1", now).allowed);
  CHECK(t.Charge("2001:db8:1:2:ffff::2", now).allowed);
  CHECK_FALSE(t.Charge("2001:db8:1:2:1234:5678:9abc:def0", now).allowed);  // same /64
  CHECK(t.Charge("2001:db8:1:3::1", now).allowed);                         // next /64
  CHECK(t.Charge("10.0.0.1", now).allowed);
  CHECK(t.Charge("10.0.0.1", now).allowed);
  CHECK(t.Charge("10.0.0.2", now).allowed);
}

TEST_CASE("Address throttle: memory stays bounded, drained addresses are forgotten first",
          "[security]") {
  AddressThrottle t(Policy(1, 60s, 3));
  Instant now = FixtureNow();
  CHECK(t.Charge("10.0.0.1", now).allowed);  // full: refused until drained
  now += 1s;
  CHECK(t.Charge("10.0.0.2", now).allowed);
  now += 1s;
  CHECK(t.Charge("10.0.0.3", now).allowed);
  // A fourth address evicts the one closest to drained (10.0.0.1), not a later one.
  now += 1s;
  CHECK(t.Charge("10.0.0.4", now).allowed);
  CHECK_FALSE(t.Charge("10.0.0.3", now).allowed);
  CHECK_FALSE(t.Charge("10.0.0.4", now).allowed);
  CHECK(t.Charge("10.0.0.1", now).allowed);  // forgotten, so free again (the known limit)
}

// --- Where a call comes from -----------------------------------------------------------------

TEST_CASE("Client address: the peer's IP over the network, the header only in-process",
          "[security]") {
  struct Row {
    const char* peer;
    bool in_process;
    std::optional<std::string_view> header;
    const char* expected;
  };
  const Row rows[] = {
      {"ipv4:127.0.0.1:54321", false, std::nullopt, "127.0.0.1"},
      {"ipv4:203.0.113.9:1", false, std::nullopt, "203.0.113.9"},
      {"ipv6:%5B::1%5D:40408", false, std::nullopt, "::1"},  // gRPC 1.51's spelling
      {"ipv6:[::1]:40408", false, std::nullopt, "::1"},
      {"ipv6:%5B2001:DB8::1%5D:443", false, std::nullopt, "2001:db8::1"},
      {"ipv6:%5B::ffff:127.0.0.1%5D:5", false, std::nullopt, "127.0.0.1"},
      {"ipv6:%5Bfe80::1%25eth0%5D:5", false, std::nullopt, "fe80::1"},  // zone dropped
      {"unix:/run/ptrack.sock", false, std::nullopt, "unix"},
      // A network caller cannot choose its address with the bridge's header.
      {"ipv4:127.0.0.1:54321", false, "10.9.9.9", "127.0.0.1"},
      {"ipv6:%5B::1%5D:40408", false, "10.9.9.9", "::1"},
      // In-process: the bridge's header, canonicalised; without a valid one, one shared key.
      {"unknown", true, "10.9.9.9", "10.9.9.9"},
      {"unknown", true, "::FFFF:10.9.9.9", "10.9.9.9"},
      {"unknown", true, "2001:0db8:0:0::7", "2001:db8::7"},
      {"unknown", true, std::nullopt, "in-process"},
      {"unknown", true, "", "in-process"},
      {"unknown", true, "not an address", "in-process"},
      {"unknown", true, "10.9.9.9, 10.0.0.1", "in-process"},
  };
  for (const Row& r : rows) {
    INFO(r.peer << " in_process=" << r.in_process << " header=" << r.header.value_or("(none)"));
    CHECK(ClientAddressOf(r.peer, r.in_process, r.header) == r.expected);
  }
}

// --- Through the real services ---------------------------------------------------------------

// A sign-in as the HTTP bridge forwards it: from `address` (empty: no header).
grpc::Status SignInFrom(F& f, const std::string& address, const std::string& user,
                        const std::string& password) {
  v1::SignInRequest req;
  req.set_username(user);
  req.set_password(password);
  v1::SignInResponse resp;
  auto context = F::Context(Token());
  if (!address.empty()) context->AddMetadata(std::string(kClientAddressHeader), address);
  return f.auth->SignIn(context.get(), req, &resp);
}

int FailedSignIns(F& f, const std::string& username) {
  auto account = f.store->GetAccount(username);
  REQUIRE(account.ok());
  return account->failed_sign_ins;
}

TEST_CASE(
    "A flood of failed sign-ins from one address is refused before hashing while another "
    "address signs in",
    "[security]") {
  ServiceOptions options;
  options.security.address_burst = 5;
  options.security.address_drain_every = 10s;
  F f(options);
  const std::string flood = "203.0.113.7";
  // Unknown names, each new, so that the per-name throttle never applies: only the address.
  for (int i = 0; i < 5; ++i) {
    CHECK_CODE(SignInFrom(f, flood, "flood-" + std::to_string(i), "guess-guess"),
               Code::UNAUTHENTICATED);
  }
  const grpc::Status refused = SignInFrom(f, flood, "flood-5", "guess-guess");
  CHECK(refused.error_code() == Code::RESOURCE_EXHAUSTED);
  CHECK_THAT(refused.error_message(), Contains("from your address") && Contains("10 s"));
  CHECK_THAT(refused.error_message(), !Contains(flood));

  // Refused before the password is checked: a real account with its right password is refused
  // too, and no failure is counted against it.
  CHECK_CODE(SignInFrom(f, flood, kPatientUser, kPatientPass), Code::RESOURCE_EXHAUSTED);
  CHECK(FailedSignIns(f, kPatientUser) == 0);

  // A genuine user elsewhere is not affected, and neither are calls without the header.
  CHECK_CODE(SignInFrom(f, "198.51.100.20", kPatientUser, kPatientPass), Code::OK);
  CHECK_CODE(SignInFrom(f, "2001:db8::20", kTherapistUser, kTherapistPass), Code::OK);
  CHECK_CODE(SignInFrom(f, "", kAdminUser, kAdminPass), Code::OK);
  // Successes cost an address nothing: one address signs in far more often than the burst.
  for (int i = 0; i < 12; ++i) {
    CHECK_CODE(SignInFrom(f, "198.51.100.20", kPatient2User, kPatient2Pass), Code::OK);
  }

  // The flood's address drains: one attempt per 10 s.
  f.clock.Advance(10s);
  CHECK_CODE(SignInFrom(f, flood, kPatientUser, kPatientPass), Code::OK);
  CHECK_CODE(SignInFrom(f, flood, "flood-6", "guess-guess"), Code::UNAUTHENTICATED);
  CHECK_CODE(SignInFrom(f, flood, "flood-7", "guess-guess"), Code::RESOURCE_EXHAUSTED);
}

TEST_CASE("Calls without the bridge's header share one in-process address", "[security]") {
  ServiceOptions options;
  options.security.address_burst = 3;
  options.security.address_drain_every = 60s;
  F f(options);
  for (int i = 0; i < 3; ++i) {
    CHECK_CODE(SignInFrom(f, "", "nobody-" + std::to_string(i), "guess-guess"),
               Code::UNAUTHENTICATED);
  }
  CHECK_CODE(SignInFrom(f, "", kPatientUser, kPatientPass), Code::RESOURCE_EXHAUSTED);
  CHECK_CODE(SignInFrom(f, "not-an-ip", kPatientUser, kPatientPass), Code::RESOURCE_EXHAUSTED);
  CHECK_CODE(SignInFrom(f, "127.0.0.1", kPatientUser, kPatientPass), Code::OK);
}

}  // namespace
}  // namespace ptrack::testing
