// The access table against the API's descriptors (DESIGN.md §6): every method of every
// ptrack.v1 service (walked from the generated descriptor database, so a new service or method
// is covered without editing this file) has exactly one rule, every rule names a real method,
// only sign-in and enrolment are public, and every method that reaches one patient's data is
// audited.
#include <catch2/catch.hpp>
#include <set>

#include "service/access.h"
#include "tests/service/test_helpers.h"

namespace ptrack::testing {
namespace {

TEST_CASE("Every ptrack.v1 method has an access rule and every rule names a method", "[security]") {
  const std::vector<std::string> methods = DescribedMethods();
  REQUIRE(methods.size() >= 38);
  const auto& table = AccessTable();
  std::set<std::string> described(methods.begin(), methods.end());
  CHECK(described.size() == methods.size());
  for (const std::string& method : methods) {
    INFO("method without a rule: " << method);
    CHECK(table.count(method) == 1);
  }
  for (const auto& [method, rule] : table) {
    INFO("rule for no method: " << method);
    CHECK(described.count(method) == 1);
    // Only SignIn and Enrol are public, and every rule lets some role in.
    CHECK((rule.scope == Scope::kPublic) ==
          (method == "/ptrack.v1.AuthService/SignIn" || method == "/ptrack.v1.AuthService/Enrol"));
    CHECK((rule.patient || rule.therapist || rule.admin));
  }
  CHECK(table.size() == described.size());
}

TEST_CASE("Every method that names a patient or an account is audited", "[security]") {
  int patient_scoped = 0;
  for (const auto& [method, rule] : AccessTable()) {
    INFO(method);
    if (rule.scope == Scope::kPatient || rule.scope == Scope::kAccount) {
      CHECK(rule.audit);
      ++patient_scoped;
    }
  }
  CHECK(patient_scoped >= 20);
  // Listing patients, creating people and signing in are audited too.
  for (const char* method :
       {"/ptrack.v1.ClinicService/ListPatients", "/ptrack.v1.ClinicService/CreatePatient",
        "/ptrack.v1.ClinicService/CreateTherapist", "/ptrack.v1.AuthService/SignIn",
        "/ptrack.v1.AuthService/Enrol"}) {
    INFO(method);
    CHECK(AccessTable().at(method).audit);
  }
}

}  // namespace
}  // namespace ptrack::testing
