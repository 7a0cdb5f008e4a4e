// Helpers shared by the service tests: status-checking macros and builders of valid requests.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor_database.h>
#include <google/protobuf/timestamp.pb.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/service/service_fixture.h"

namespace ptrack::testing {

// Checks a status code, printing the status (with BadRequest fields) when it differs.
#define CHECK_CODE(status_expr, expected)  \
  do {                                     \
    const grpc::Status s_ = (status_expr); \
    INFO(Describe(s_));                    \
    CHECK(s_.error_code() == (expected));  \
  } while (false)
#define REQUIRE_OK(status_expr)            \
  do {                                     \
    const grpc::Status s_ = (status_expr); \
    INFO(Describe(s_));                    \
    REQUIRE(s_.ok());                      \
  } while (false)

// The full names ("/ptrack.v1.X/Y") of every method of every service in every ptrack/v1 proto
// file compiled into this binary (found through the generated descriptor database, so a new
// file or service is covered without editing a list).
inline std::vector<std::string> DescribedMethods() {
  std::vector<std::string> files;
  REQUIRE(
      google::protobuf::DescriptorPool::internal_generated_database()->FindAllFileNames(&files));
  std::vector<std::string> methods;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& path : files) {
    if (path.rfind("ptrack/v1/", 0) != 0) continue;
    const google::protobuf::FileDescriptor* fd = pool->FindFileByName(path);
    INFO(path);
    REQUIRE(fd != nullptr);
    for (int s = 0; s < fd->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service = fd->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        methods.push_back("/" + service->full_name() + "/" + service->method(m)->name());
      }
    }
  }
  std::sort(methods.begin(), methods.end());
  return methods;
}

// The demo clinic's sign-ins (service/demo.cc).
inline constexpr const char* kPatientUser = "patient";
inline constexpr const char* kPatientPass = "demo-patient-pass";
inline constexpr const char* kPatient2User = "patient2";
inline constexpr const char* kPatient2Pass = "demo-patient2-pass";
inline constexpr const char* kTherapistUser = "therapist";
inline constexpr const char* kTherapistPass = "demo-therapist-pass";
inline constexpr const char* kAdminUser = "admin";
inline constexpr const char* kAdminPass = "demo-admin-pass";

inline google::protobuf::Timestamp Ts(Instant t) {
  const int64_t ms = ToUnixMillis(t);
  google::protobuf::Timestamp ts;
  ts.set_seconds(ms / 1000);
  ts.set_nanos(static_cast<int32_t>(ms % 1000) * 1000000);
  return ts;
}

inline Instant Utc(int y, unsigned m, unsigned d, int h, int min) {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(
      date::sys_days{date::year{y} / date::month{m} / date::day{d}} + std::chrono::hours{h} +
      std::chrono::minutes{min});
}

inline std::string AddDays(const std::string& iso, int days) {
  auto d = ParseIsoDate(iso);
  REQUIRE(d.has_value());
  return FormatIsoDate(*d + date::days{days});
}

inline bool IsLowerHex(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// A complete, valid session for Jordan performed at `perform`.
inline v1::LogSessionRequest SessionRequest(
    const std::string& id, Instant perform,
    const std::string& exercise = "exercises/chin-nod-lying") {
  v1::LogSessionRequest req;
  req.set_parent(kJordan);
  req.set_session_id(id);
  v1::Session* s = req.mutable_session();
  *s->mutable_perform_time() = Ts(perform);
  s->set_pain_before(3);
  s->set_pain_after(2);
  s->set_effort(5);
  s->set_notes("felt fine");
  v1::ExerciseLog* e = s->add_exercises();
  e->set_exercise(exercise);
  e->set_sets(2);
  e->set_reps(10);
  e->set_hold_seconds(5);
  e->set_side(v1::SIDE_BOTH);
  return req;
}

}  // namespace ptrack::testing
