// Service tests of Remote Therapeutic Monitoring (CLINICAL.md §6) through the real RtmService over
// PtrackServer's in-process channel, with a temporary SQLite file and a fake clock: patients are
// created by the demo therapist (rivera) with an active program, sessions are logged at chosen
// instants by moving the clock (the server's receive time), and GetRtmStatus is checked against
// hand-computed figures — data days by receive date in the patient's zone, the rolling 30-day
// device period and the calendar management month, the device, management and set-up codes of
// data/rules/rtm.json, and the forecast sentence — followed by time entries (exactly once per
// entry_id, validation naming the field, admins refused, append-only in the database) and
// episodes (one open at a time, replays, ending, practitioner and start-date validation).
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "ptrack/v1/rtm.grpc.pb.h"
#include "tests/service/service_fixture.h"
#include "tests/service/test_helpers.h"

namespace ptrack::testing {
namespace {

using Code = grpc::StatusCode;
using Strings = std::vector<std::string>;

struct F : ServiceFixture {
  F() : ServiceFixture(LongLivedTokens()), rtm(v1::RtmService::NewStub(channel)) {}
  std::unique_ptr<v1::RtmService::Stub> rtm;
};

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// `hour`:`minute` local time on the date `iso` in `zone`.
Instant LocalTime(const char* zone, const std::string& iso, int hour, int minute = 0) {
  const auto day = ParseIsoDate(iso);
  REQUIRE(day.has_value());
  const auto local = *day + std::chrono::hours{hour} + std::chrono::minutes{minute};
  return std::chrono::time_point_cast<std::chrono::milliseconds>(
      date::locate_zone(zone)->to_sys(local, date::choose::earliest));
}

constexpr const char* kNewYork = "America/New_York";
constexpr const char* kAuckland = "Pacific/Auckland";
constexpr const char* kLosAngeles = "America/Los_Angeles";
constexpr const char* kRiveraName = "clinics/demo/therapists/rivera";

// The RTM tests' patients are named after their username.
TestPatient NewPatient(F& f, const Token& therapist, const std::string& username,
                       const std::string& zone, bool sign_in = false) {
  return testing::NewPatient(f, therapist, username, "RTM " + username, zone, sign_in);
}

// The patient logs a session performed at `perform`; the server receives it at the clock's now.
v1::Session LogSession(F& f, const TestPatient& p, Instant perform) {
  v1::LogSessionRequest req = SessionRequest(SequentialUuid(), perform);
  req.set_parent(p.name);
  v1::LogSessionResponse resp;
  REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::LogSession, p.token, req, &resp));
  REQUIRE_FALSE(resp.replayed());
  REQUIRE(resp.session().receive_time().seconds() == Ts(f.clock.Now()).seconds());
  return resp.session();
}

grpc::Status StartEpisode(F& f, const Token& token, const std::string& parent,
                          const std::string& id, const std::string& start_date,
                          bool onboarding = false, const std::string& practitioner = "",
                          v1::RtmEpisode* out = nullptr) {
  v1::StartRtmEpisodeRequest req;
  req.set_parent(parent);
  req.set_episode_id(id);
  req.mutable_episode()->set_start_date(start_date);
  req.mutable_episode()->set_onboarding_recorded(onboarding);
  req.mutable_episode()->set_practitioner(practitioner);
  v1::RtmEpisode ignored;
  return F::Call(*f.rtm, &v1::RtmService::Stub::StartRtmEpisode, token, req,
                 out != nullptr ? out : &ignored);
}

grpc::Status EndEpisode(F& f, const Token& token, const std::string& parent,
                        const std::string& end_date, v1::RtmEpisode* out = nullptr) {
  v1::EndRtmEpisodeRequest req;
  req.set_parent(parent);
  req.set_end_date(end_date);
  v1::RtmEpisode ignored;
  return F::Call(*f.rtm, &v1::RtmService::Stub::EndRtmEpisode, token, req,
                 out != nullptr ? out : &ignored);
}

v1::AddRtmTimeEntryRequest EntryRequest(const std::string& parent, const std::string& id,
                                        const std::string& date, int minutes, bool live,
                                        const std::string& activity = "reviewed the pain trend") {
  v1::AddRtmTimeEntryRequest req;
  req.set_parent(parent);
  req.set_entry_id(id);
  req.mutable_entry()->set_date(date);
  req.mutable_entry()->set_minutes(minutes);
  req.mutable_entry()->set_live_interaction(live);
  req.mutable_entry()->set_activity(activity);
  return req;
}

grpc::Status AddEntry(F& f, const Token& token, const v1::AddRtmTimeEntryRequest& req,
                      v1::RtmTimeEntry* out = nullptr) {
  v1::RtmTimeEntry ignored;
  return F::Call(*f.rtm, &v1::RtmService::Stub::AddRtmTimeEntry, token, req,
                 out != nullptr ? out : &ignored);
}

std::vector<v1::RtmTimeEntry> ListEntries(F& f, const Token& token, const std::string& parent,
                                          const std::string& from, const std::string& to) {
  v1::ListRtmTimeEntriesRequest req;
  req.set_parent(parent);
  req.set_start_date(from);
  req.set_end_date(to);
  v1::ListRtmTimeEntriesResponse resp;
  REQUIRE_OK(F::Call(*f.rtm, &v1::RtmService::Stub::ListRtmTimeEntries, token, req, &resp));
  return {resp.entries().begin(), resp.entries().end()};
}

std::vector<v1::RtmEpisode> ListEpisodes(F& f, const Token& token, const std::string& parent) {
  v1::ListRtmEpisodesRequest req;
  req.set_parent(parent);
  v1::ListRtmEpisodesResponse resp;
  REQUIRE_OK(F::Call(*f.rtm, &v1::RtmService::Stub::ListRtmEpisodes, token, req, &resp));
  return {resp.episodes().begin(), resp.episodes().end()};
}

// GetRtmStatus for `date` ("" = the patient's today), REQUIREd to succeed.
v1::RtmStatus Status(F& f, const Token& token, const std::string& parent, const std::string& date) {
  v1::GetRtmStatusRequest req;
  req.set_parent(parent);
  req.set_date(date);
  v1::RtmStatus resp;
  INFO("GetRtmStatus(" << parent << ", '" << date << "')");
  REQUIRE_OK(F::Call(*f.rtm, &v1::RtmService::Stub::GetRtmStatus, token, req, &resp));
  REQUIRE(resp.parent() == parent);
  if (!date.empty()) REQUIRE(resp.date() == date);
  return resp;
}

// The status's codes as "code xunits", in the order given.
Strings Codes(const v1::RtmStatus& s) {
  Strings out;
  for (const v1::RtmCode& c : s.codes()) out.push_back(c.code() + " x" + std::to_string(c.units()));
  return out;
}

TEST_CASE("Data days count the server's receive date in the patient's zone, not the perform date",
          "[rtm]") {
  F f;
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const TestPatient p = NewPatient(f, therapist, "rtm-receive", kNewYork, true);
  REQUIRE_OK(StartEpisode(f, therapist, p.name, SequentialUuid(), "2026-11-10"));

  // Five sessions performed at noon on 2026-11-16..20, all synced on 2026-11-21 from 10:00 local.
  for (int day = 16; day <= 20; ++day) {
    const std::string performed = "2026-11-" + std::to_string(day);
    const v1::Session s = LogSession(f, p, LocalTime(kNewYork, performed, 12));
    CHECK(s.local_date() == performed);
    f.clock.Advance(std::chrono::minutes(1));
  }
  v1::RtmStatus s = Status(f, therapist, p.name, "2026-11-21");
  CHECK(s.in_episode());
  CHECK(s.period_number() == 1);
  CHECK(s.period_start() == "2026-11-10");
  CHECK(s.period_end() == "2026-12-09");
  CHECK(s.data_days() == 1);
  CHECK(s.data_days_needed() == 15);
  CHECK(Codes(s).empty());
  // As of the last perform date nothing had been received yet.
  CHECK(Status(f, therapist, p.name, "2026-11-20").data_days() == 0);

  // Received on three further local dates: 11-22 in the morning; 11-23 at 23:30; and a session
  // performed at 23:50 on 11-24 that reaches the server at 00:10 on 11-25.
  f.clock.Set(LocalTime(kNewYork, "2026-11-22", 9));
  LogSession(f, p, f.clock.Now() - std::chrono::minutes(30));
  f.clock.Set(LocalTime(kNewYork, "2026-11-23", 23, 30));
  LogSession(f, p, f.clock.Now() - std::chrono::minutes(10));
  f.clock.Set(LocalTime(kNewYork, "2026-11-25", 0, 10));
  CHECK(LogSession(f, p, LocalTime(kNewYork, "2026-11-24", 23, 50)).local_date() == "2026-11-24");

  s = Status(f, therapist, p.name, "2026-11-24");
  CHECK(s.data_days() == 3);
  CHECK(s.data_days_needed() == 13);
  CHECK(s.forecast() == "Needs 13 more data days by 2026-12-09.");
  CHECK(Codes(s) == Strings{"98985 x1"});

  s = Status(f, therapist, p.name, "");
  CHECK(s.date() == "2026-11-25");
  CHECK(s.data_days() == 4);
  CHECK(s.data_days_needed() == 12);
  CHECK(s.device_full_reachable());
  CHECK(Codes(s) == Strings{"98985 x1"});
}

TEST_CASE("The same receive instants fall on different local dates in Auckland and Los Angeles",
          "[rtm]") {
  F f;
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const TestPatient akl = NewPatient(f, therapist, "rtm-auckland", kAuckland, true);
  const TestPatient la = NewPatient(f, therapist, "rtm-los-angeles", kLosAngeles, true);
  // Both monitored from 2026-11-01 local: period 1 is 11-01..11-30, period 2 12-01..12-30.
  REQUIRE_OK(StartEpisode(f, therapist, akl.name, SequentialUuid(), "2026-11-01"));
  REQUIRE_OK(StartEpisode(f, therapist, la.name, SequentialUuid(), "2026-11-01"));

  // At 11:30 UTC it is 00:30 the next day in Auckland (NZDT, +13) and 03:30 the same day in Los
  // Angeles (PST, -8). Both patients' sessions arrive at exactly the same instants.
  for (int day : {22, 28, 29, 30}) {
    f.clock.Set(Utc(2026, 11, day, 11, 30));
    LogSession(f, akl, f.clock.Now() - std::chrono::minutes(5));
    LogSession(f, la, f.clock.Now() - std::chrono::minutes(5));
  }
  // Auckland's data days: 11-23, 11-29, 11-30, 12-01. Los Angeles': 11-22, 11-28, 11-29, 11-30.
  f.clock.Set(Utc(2026, 12, 1, 12, 0));  // 01:00 on 12-02 in Auckland, 04:00 on 12-01 in LA

  // The last day of period 1.
  v1::RtmStatus a = Status(f, therapist, akl.name, "2026-11-30");
  v1::RtmStatus l = Status(f, therapist, la.name, "2026-11-30");
  for (const v1::RtmStatus* s : {&a, &l}) {
    CHECK(s->period_number() == 1);
    CHECK(s->period_start() == "2026-11-01");
    CHECK(s->period_end() == "2026-11-30");
    CHECK_FALSE(s->device_full_reachable());
    CHECK(s->forecast() == "Can no longer reach 16 data days this period (ends 2026-11-30).");
    CHECK(Codes(*s) == Strings{"98985 x1"});
  }
  CHECK(a.data_days() == 3);
  CHECK(a.data_days_needed() == 13);
  CHECK(l.data_days() == 4);
  CHECK(l.data_days_needed() == 12);

  // The day after: period 2. Auckland received one session on 12-01, Los Angeles none yet.
  a = Status(f, therapist, akl.name, "2026-12-01");
  l = Status(f, therapist, la.name, "2026-12-01");
  for (const v1::RtmStatus* s : {&a, &l}) {
    CHECK(s->period_number() == 2);
    CHECK(s->period_start() == "2026-12-01");
    CHECK(s->period_end() == "2026-12-30");
    CHECK(Codes(*s).empty());
  }
  CHECK(a.data_days() == 1);
  CHECK(a.forecast() == "Needs 15 more data days by 2026-12-30.");
  CHECK(l.data_days() == 0);
  CHECK(l.forecast() == "Needs 16 more data days by 2026-12-30.");

  // "Today" is each patient's own.
  a = Status(f, therapist, akl.name, "");
  l = Status(f, therapist, la.name, "");
  CHECK(a.date() == "2026-12-02");
  CHECK(a.data_days() == 1);
  CHECK(l.date() == "2026-12-01");
  CHECK(l.data_days() == 0);
}

TEST_CASE("Device codes follow the data days: none at 1, 98985 at 2 and 15, 98977 at 16", "[rtm]") {
  F f;
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const TestPatient p = NewPatient(f, therapist, "rtm-tiers", kNewYork, true);
  REQUIRE_OK(StartEpisode(f, therapist, p.name, SequentialUuid(), "2026-11-21"));  // to 2026-12-20

  for (int n = 1; n <= 16; ++n) {
    const std::string today = AddDays("2026-11-21", n - 1);
    f.clock.Set(LocalTime(kNewYork, today, 18));
    LogSession(f, p, f.clock.Now() - std::chrono::minutes(30));
    const v1::RtmStatus s = Status(f, therapist, p.name, today);
    INFO("data day " << n << ", " << today);
    CHECK(s.period_number() == 1);
    CHECK(s.period_end() == "2026-12-20");
    CHECK(s.data_days() == n);
    CHECK(s.data_days_needed() == 16 - n);
    CHECK(s.device_full_reachable());
    if (n == 1) {
      CHECK(Codes(s).empty());
      CHECK(s.forecast() == "Needs 15 more data days by 2026-12-20.");
    } else if (n < 16) {
      CHECK(Codes(s) == Strings{"98985 x1"});
    } else {
      CHECK(Codes(s) == Strings{"98977 x1"});
      CHECK(s.forecast() == "16 data days reached this period.");
    }
    if (n == 2) CHECK(s.forecast() == "Needs 14 more data days by 2026-12-20.");
    if (n == 15) CHECK(s.forecast() == "Needs 1 more data day by 2026-12-20.");
  }
}

TEST_CASE("Management codes follow the month's minutes once a live interaction is recorded",
          "[rtm]") {
  F f;  // the clock stands at 2026-11-21 10:00 in New York
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);

  SECTION("9, 10, 19, 20, 39, 40 and 60 minutes with a live interaction") {
    const TestPatient p = NewPatient(f, therapist, "rtm-minutes", kNewYork);
    REQUIRE_OK(StartEpisode(f, therapist, p.name, SequentialUuid(), "2026-11-02"));
    // Time before the episode started could never be billed: it is refused, and stores nothing.
    const grpc::Status before =
        AddEntry(f, therapist, EntryRequest(p.name, SequentialUuid(), "2026-11-01", 30, true));
    CHECK_CODE(before, Code::FAILED_PRECONDITION);
    CHECK(before.error_message() == "no monitoring episode on 2026-11-01: start one first");
    CHECK(ListEntries(f, therapist, p.name, "2026-11-01", "2026-11-30").empty());
    v1::RtmStatus s = Status(f, therapist, p.name, "2026-11-21");
    CHECK(s.month_start() == "2026-11-01");
    CHECK(s.month_end() == "2026-11-30");
    CHECK(s.minutes() == 0);
    CHECK_FALSE(s.live_interaction());

    struct Step {
      const char* date;
      int minutes;
      bool live;
      int total;
      Strings codes;
    };
    const Step steps[] = {
        {"2026-11-10", 9, true, 9, {}},
        {"2026-11-11", 1, false, 10, {"98979 x1"}},
        {"2026-11-12", 9, false, 19, {"98979 x1"}},
        {"2026-11-13", 1, false, 20, {"98980 x1"}},
        {"2026-11-14", 19, false, 39, {"98980 x1"}},
        {"2026-11-15", 1, false, 40, {"98980 x1", "98981 x1"}},
        {"2026-11-16", 20, false, 60, {"98980 x1", "98981 x2"}},
    };
    for (const Step& step : steps) {
      INFO(step.total << " minutes");
      REQUIRE_OK(
          AddEntry(f, therapist,
                   EntryRequest(p.name, SequentialUuid(), step.date, step.minutes, step.live)));
      s = Status(f, therapist, p.name, "2026-11-21");
      CHECK(s.minutes() == step.total);
      CHECK(s.live_interaction());
      CHECK(Codes(s) == step.codes);
    }
    // As of 11-13 only the entries up to that date count.
    s = Status(f, therapist, p.name, "2026-11-13");
    CHECK(s.minutes() == 20);
    CHECK(Codes(s) == Strings{"98980 x1"});
  }

  SECTION("25 minutes without a live interaction support no management code") {
    const TestPatient p = NewPatient(f, therapist, "rtm-no-live", kNewYork);
    REQUIRE_OK(
        StartEpisode(f, therapist, p.name, SequentialUuid(), "2026-11-02"));  // to 2026-12-01
    REQUIRE_OK(
        AddEntry(f, therapist, EntryRequest(p.name, SequentialUuid(), "2026-11-20", 25, false)));
    const v1::RtmStatus s = Status(f, therapist, p.name, "2026-11-21");
    CHECK(s.minutes() == 25);
    CHECK_FALSE(s.live_interaction());
    CHECK(Codes(s).empty());
    // 16 days needed, 11 left (11-21..12-01).
    CHECK(s.forecast() ==
          "Can no longer reach 16 data days this period (ends 2026-12-01). Management time needs "
          "a live interaction this month.");
  }
}

TEST_CASE("The set-up code 98975 is supported in the first period only, with onboarding recorded",
          "[rtm]") {
  F f;
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const TestPatient p = NewPatient(f, therapist, "rtm-setup", kNewYork, true);
  v1::RtmEpisode episode;
  REQUIRE_OK(
      StartEpisode(f, therapist, p.name, SequentialUuid(), "2026-11-21", true, "", &episode));
  CHECK(episode.onboarding_recorded());

  v1::RtmStatus s = Status(f, therapist, p.name, "2026-11-21");
  CHECK(s.data_days() == 0);
  CHECK(Codes(s) == Strings{"98975 x1"});

  for (const char* day : {"2026-11-21", "2026-11-22"}) {
    f.clock.Set(LocalTime(kNewYork, day, 18));
    LogSession(f, p, f.clock.Now() - std::chrono::minutes(30));
  }
  s = Status(f, therapist, p.name, "2026-11-22");
  CHECK(s.data_days() == 2);
  CHECK(Codes(s) == Strings{"98975 x1", "98985 x1"});

  // The last day of period 1, then the first of period 2 (whose data days start again at 0).
  f.clock.Set(LocalTime(kNewYork, "2026-12-21", 18));
  s = Status(f, therapist, p.name, "2026-12-20");
  CHECK(s.period_number() == 1);
  CHECK(s.period_end() == "2026-12-20");
  CHECK(Codes(s) == Strings{"98975 x1", "98985 x1"});
  s = Status(f, therapist, p.name, "2026-12-21");
  CHECK(s.period_number() == 2);
  CHECK(s.period_start() == "2026-12-21");
  CHECK(s.period_end() == "2027-01-19");
  CHECK(s.data_days() == 0);
  CHECK(Codes(s).empty());

  // Without onboarding recorded there is no set-up code even in period 1.
  const TestPatient q = NewPatient(f, therapist, "rtm-no-setup", kNewYork);
  REQUIRE_OK(StartEpisode(f, therapist, q.name, SequentialUuid(), "2026-12-21"));
  CHECK(Codes(Status(f, therapist, q.name, "2026-12-21")).empty());
}

TEST_CASE("The forecast names the period's last day, and the month resets while the period runs on",
          "[rtm]") {
  F f;
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const TestPatient p = NewPatient(f, therapist, "rtm-forecast", kNewYork, true);
  REQUIRE_OK(StartEpisode(f, therapist, p.name, SequentialUuid(), "2026-11-21"));  // to 2026-12-20

  for (int i = 0; i < 5; ++i) {  // data on 11-21..11-25
    f.clock.Set(LocalTime(kNewYork, AddDays("2026-11-21", i), 18));
    LogSession(f, p, f.clock.Now() - std::chrono::minutes(30));
  }
  REQUIRE_OK(
      AddEntry(f, therapist, EntryRequest(p.name, SequentialUuid(), "2026-11-25", 25, true)));
  v1::RtmStatus s = Status(f, therapist, p.name, "2026-11-25");
  CHECK(s.data_days() == 5);
  CHECK(s.data_days_needed() == 11);
  CHECK(s.device_full_reachable());
  CHECK(s.forecast() == "Needs 11 more data days by 2026-12-20.");
  CHECK(Codes(s) == Strings{"98985 x1", "98980 x1"});

  f.clock.Set(LocalTime(kNewYork, "2026-12-11", 18));
  s = Status(f, therapist, p.name, "2026-11-30");
  CHECK(s.month_start() == "2026-11-01");
  CHECK(s.month_end() == "2026-11-30");
  CHECK(s.minutes() == 25);
  CHECK(Codes(s) == Strings{"98985 x1", "98980 x1"});

  // 12-01: a new management month, the same device period.
  s = Status(f, therapist, p.name, "2026-12-01");
  CHECK(s.period_number() == 1);
  CHECK(s.period_start() == "2026-11-21");
  CHECK(s.period_end() == "2026-12-20");
  CHECK(s.data_days() == 5);
  CHECK(s.month_start() == "2026-12-01");
  CHECK(s.month_end() == "2026-12-31");
  CHECK(s.minutes() == 0);
  CHECK_FALSE(s.live_interaction());
  CHECK(Codes(s) == Strings{"98985 x1"});

  // 11 needed: on 12-10 eleven days are left (12-10..12-20), on 12-11 only ten.
  s = Status(f, therapist, p.name, "2026-12-10");
  CHECK(s.data_days_needed() == 11);
  CHECK(s.device_full_reachable());
  CHECK(s.forecast() == "Needs 11 more data days by 2026-12-20.");
  s = Status(f, therapist, p.name, "2026-12-11");
  CHECK(s.data_days_needed() == 11);
  CHECK_FALSE(s.device_full_reachable());
  CHECK(s.forecast() == "Can no longer reach 16 data days this period (ends 2026-12-20).");

  // December's own time counts from December's first.
  REQUIRE_OK(
      AddEntry(f, therapist, EntryRequest(p.name, SequentialUuid(), "2026-12-05", 12, true)));
  s = Status(f, therapist, p.name, "2026-12-11");
  CHECK(s.minutes() == 12);
  CHECK(Codes(s) == Strings{"98985 x1", "98979 x1"});
}

TEST_CASE("A time entry is stored exactly once per entry_id", "[rtm]") {
  F f;
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const TestPatient p = NewPatient(f, therapist, "rtm-once", kNewYork);
  REQUIRE_OK(StartEpisode(f, therapist, p.name, SequentialUuid(), "2026-11-02"));
  const std::string id = SequentialUuid();
  const v1::AddRtmTimeEntryRequest req =
      EntryRequest(p.name, id, "2026-11-20", 15, true, "called the patient about the pain trend");

  v1::RtmTimeEntry first, again;
  REQUIRE_OK(AddEntry(f, therapist, req, &first));
  CHECK(first.name() == p.name + "/rtmTimeEntries/" + id);
  CHECK(first.therapist() == kRiveraName);
  CHECK(first.date() == "2026-11-20");
  CHECK(first.minutes() == 15);
  CHECK(first.live_interaction());
  CHECK(first.activity() == "called the patient about the pain trend");
  CHECK(first.create_time().seconds() == Ts(f.clock.Now()).seconds());

  f.clock.Advance(std::chrono::minutes(5));
  REQUIRE_OK(AddEntry(f, therapist, req, &again));
  CHECK(again.name() == first.name());
  CHECK(again.create_time().seconds() == first.create_time().seconds());
  auto entries = ListEntries(f, therapist, p.name, "2026-11-01", "2026-11-30");
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].name() == first.name());
  CHECK(Status(f, therapist, p.name, "2026-11-21").minutes() == 15);

  // The same id with another payload is refused, and nothing changes.
  v1::AddRtmTimeEntryRequest other = req;
  other.mutable_entry()->set_minutes(16);
  CHECK_CODE(AddEntry(f, therapist, other), Code::ALREADY_EXISTS);
  other = req;
  other.mutable_entry()->set_live_interaction(false);
  CHECK_CODE(AddEntry(f, therapist, other), Code::ALREADY_EXISTS);
  entries = ListEntries(f, therapist, p.name, "2026-11-01", "2026-11-30");
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].minutes() == 15);
  CHECK(Status(f, therapist, p.name, "2026-11-21").minutes() == 15);

  // A UUID is case-insensitive (and the other services lower-case client ids): the retry of the
  // same entry spelled in upper case is the same entry, not a second 15 minutes.
  v1::AddRtmTimeEntryRequest upper = req;
  upper.set_entry_id(Upper(id));
  CHECK(AddEntry(f, therapist, upper).ok());
  CHECK(ListEntries(f, therapist, p.name, "2026-11-01", "2026-11-30").size() == 1);
  CHECK(Status(f, therapist, p.name, "2026-11-21").minutes() == 15);

  // An entry without a date is recorded for today; its retry after local midnight is the same
  // request, so it is answered with the stored entry (dated the first day), not refused.
  const TestPatient q = NewPatient(f, therapist, "rtm-once-midnight", kNewYork);
  REQUIRE_OK(StartEpisode(f, therapist, q.name, SequentialUuid(), "2026-11-02"));
  const v1::AddRtmTimeEntryRequest undated =
      EntryRequest(q.name, SequentialUuid(), "", 10, true, "video call about the exercises");
  f.clock.Set(LocalTime(kNewYork, "2026-11-21", 23, 55));
  v1::RtmTimeEntry before_midnight, after_midnight;
  REQUIRE_OK(AddEntry(f, therapist, undated, &before_midnight));
  CHECK(before_midnight.date() == "2026-11-21");
  f.clock.Set(LocalTime(kNewYork, "2026-11-22", 0, 5));
  {
    const grpc::Status retry = AddEntry(f, therapist, undated, &after_midnight);
    INFO(Describe(retry));
    CHECK(retry.ok());
    CHECK(after_midnight.name() == before_midnight.name());
    CHECK(after_midnight.date() == "2026-11-21");
  }
  CHECK(ListEntries(f, therapist, q.name, "2026-11-01", "2026-11-30").size() == 1);
  CHECK(Status(f, therapist, q.name, "2026-11-22").minutes() == 10);
}

TEST_CASE("Invalid time entries are refused naming the field, and an admin cannot add time",
          "[rtm]") {
  F f;  // 2026-11-21 in New York, already 2026-11-22 in Auckland
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const TestPatient p = NewPatient(f, therapist, "rtm-invalid", kNewYork);
  const TestPatient akl = NewPatient(f, therapist, "rtm-invalid-akl", kAuckland);
  REQUIRE_OK(StartEpisode(f, therapist, p.name, SequentialUuid(), "2026-11-01"));
  REQUIRE_OK(StartEpisode(f, therapist, akl.name, SequentialUuid(), "2026-11-01"));

  struct Case {
    const char* what;
    v1::AddRtmTimeEntryRequest req;
    const char* field;
  };
  const std::string long_activity(501, 'a');
  const Case cases[] = {
      {"0 minutes", EntryRequest(p.name, SequentialUuid(), "2026-11-20", 0, true), "entry.minutes"},
      {"241 minutes", EntryRequest(p.name, SequentialUuid(), "2026-11-20", 241, true),
       "entry.minutes"},
      {"empty activity", EntryRequest(p.name, SequentialUuid(), "2026-11-20", 10, true, ""),
       "entry.activity"},
      {"501-character activity",
       EntryRequest(p.name, SequentialUuid(), "2026-11-20", 10, true, long_activity),
       "entry.activity"},
      {"tomorrow in New York", EntryRequest(p.name, SequentialUuid(), "2026-11-22", 10, true),
       "entry.date"},
      {"the day after Auckland's today",
       EntryRequest(akl.name, SequentialUuid(), "2026-11-23", 10, true), "entry.date"},
      {"no such date", EntryRequest(p.name, SequentialUuid(), "2026-11-31", 10, true),
       "entry.date"},
      {"non-UUID id", EntryRequest(p.name, "entry-1", "2026-11-20", 10, true), "entry_id"},
      {"no id", EntryRequest(p.name, "", "2026-11-20", 10, true), "entry_id"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const grpc::Status status = AddEntry(f, therapist, c.req);
    CHECK_CODE(status, Code::INVALID_ARGUMENT);
    CHECK(BadRequestFields(status) == Strings{c.field});
  }
  CHECK(ListEntries(f, therapist, p.name, "2026-11-01", "2026-11-30").empty());

  // The limits themselves are accepted.
  REQUIRE_OK(
      AddEntry(f, therapist, EntryRequest(p.name, SequentialUuid(), "2026-11-21", 1, false)));
  REQUIRE_OK(AddEntry(
      f, therapist,
      EntryRequest(p.name, SequentialUuid(), "2026-11-21", 240, false, std::string(500, 'a'))));
  REQUIRE_OK(
      AddEntry(f, therapist, EntryRequest(akl.name, SequentialUuid(), "2026-11-22", 10, true)));
  // No date means today in the patient's zone.
  v1::RtmTimeEntry today;
  REQUIRE_OK(AddEntry(f, therapist, EntryRequest(p.name, SequentialUuid(), "", 10, true), &today));
  CHECK(today.date() == "2026-11-21");
  REQUIRE_OK(
      AddEntry(f, therapist, EntryRequest(akl.name, SequentialUuid(), "", 10, true), &today));
  CHECK(today.date() == "2026-11-22");
  CHECK(ListEntries(f, therapist, p.name, "2026-11-01", "2026-11-30").size() == 3);
  CHECK(ListEntries(f, therapist, akl.name, "2026-11-01", "2026-11-30").size() == 2);

  // The listing's range is at most 366 days.
  v1::ListRtmTimeEntriesRequest list;
  list.set_parent(p.name);
  list.set_start_date("2025-11-21");
  list.set_end_date("2026-11-23");  // 367 days
  v1::ListRtmTimeEntriesResponse listed;
  const grpc::Status too_long =
      F::Call(*f.rtm, &v1::RtmService::Stub::ListRtmTimeEntries, therapist, list, &listed);
  CHECK_CODE(too_long, Code::INVALID_ARGUMENT);
  CHECK(BadRequestFields(too_long) == Strings{"end_date"});
  CHECK(ListEntries(f, therapist, p.name, "2025-11-21", "2026-11-22").size() == 3);  // 366

  // Time is the caller's own: an admin (who may read it) cannot record any.
  const Token admin = f.SignIn(kAdminUser, kAdminPass);
  CHECK_CODE(AddEntry(f, admin, EntryRequest(p.name, SequentialUuid(), "2026-11-20", 15, true)),
             Code::PERMISSION_DENIED);
  CHECK(ListEntries(f, admin, p.name, "2026-11-01", "2026-11-30").size() == 3);
}

TEST_CASE("The database refuses to change or remove time entries", "[rtm]") {
  F f;
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const TestPatient p = NewPatient(f, therapist, "rtm-append-only", kNewYork);
  REQUIRE_OK(StartEpisode(f, therapist, p.name, SequentialUuid(), "2026-11-01"));
  const std::string id = SequentialUuid();
  REQUIRE_OK(AddEntry(f, therapist,
                      EntryRequest(p.name, id, "2026-11-20", 15, true, "reviewed the pain trend")));

  SQLite::Database db(f.db_file.path().string(), SQLite::OPEN_READWRITE);
  db.exec("PRAGMA busy_timeout = 5000");  // the server's summary worker may be writing
  db.exec("PRAGMA busy_timeout = 5000");
  const std::string columns =
      "rtm_time_entries(id, patient_id, therapist_id, local_date, minutes, live, activity, "
      "create_ms)";
  const std::string values =
      " VALUES('" + id + "', '" + p.id + "', 'rivera', '2026-11-19', 45, 1, 'rewritten', 0)";
  const Strings statements = {
      "UPDATE rtm_time_entries SET minutes = 45",
      "UPDATE rtm_time_entries SET activity = 'rewritten' WHERE id = '" + id + "'",
      "DELETE FROM rtm_time_entries",
      "DELETE FROM rtm_time_entries WHERE id = '" + id + "'",
      "INSERT OR REPLACE INTO " + columns + values,
      "REPLACE INTO " + columns + values,
      "INSERT INTO " + columns + values + " ON CONFLICT(id) DO UPDATE SET minutes = 45",
  };
  for (const std::string& sql : statements) {
    INFO(sql);
    CHECK_THROWS_AS(db.exec(sql), SQLite::Exception);
  }

  const auto entries = ListEntries(f, therapist, p.name, "2026-11-01", "2026-11-30");
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].date() == "2026-11-20");
  CHECK(entries[0].minutes() == 15);
  CHECK(entries[0].activity() == "reviewed the pain trend");
  // Appending still works.
  REQUIRE_OK(
      AddEntry(f, therapist, EntryRequest(p.name, SequentialUuid(), "2026-11-21", 5, false)));
  CHECK(ListEntries(f, therapist, p.name, "2026-11-01", "2026-11-30").size() == 2);
}

TEST_CASE("One episode is open at a time, a replay returns it, and ending it ends monitoring",
          "[rtm]") {
  F f;  // 2026-11-21 in New York
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const TestPatient p = NewPatient(f, therapist, "rtm-episodes", kNewYork);
  const std::string first_id = SequentialUuid();

  v1::RtmEpisode first;
  REQUIRE_OK(StartEpisode(f, therapist, p.name, first_id, "2026-11-10", false, "", &first));
  CHECK(first.name() == p.name + "/rtmEpisodes/" + first_id);
  CHECK(first.start_date() == "2026-11-10");
  CHECK(first.end_date().empty());
  CHECK(first.practitioner() == kRiveraName);
  CHECK(first.author() == kRiveraName);
  CHECK(first.create_time().seconds() == Ts(f.clock.Now()).seconds());

  f.clock.Advance(std::chrono::minutes(5));
  CHECK_CODE(StartEpisode(f, therapist, p.name, SequentialUuid(), "2026-11-12"),
             Code::FAILED_PRECONDITION);
  v1::RtmEpisode replay;
  REQUIRE_OK(StartEpisode(f, therapist, p.name, first_id, "2026-11-10", false, "", &replay));
  CHECK(replay.name() == first.name());
  CHECK(replay.create_time().seconds() == first.create_time().seconds());
  CHECK_CODE(StartEpisode(f, therapist, p.name, first_id, "2026-11-11"), Code::ALREADY_EXISTS);
  // The same id spelled in upper case is the same UUID, so the same episode.
  {
    v1::RtmEpisode upper;
    const grpc::Status upper_status =
        StartEpisode(f, therapist, p.name, Upper(first_id), "2026-11-10", false, "", &upper);
    INFO(Describe(upper_status));
    CHECK(upper_status.ok());
    CHECK(upper.name() == first.name());
  }
  const grpc::Status bad_id = StartEpisode(f, therapist, p.name, "episode-2", "2026-11-10");
  CHECK_CODE(bad_id, Code::INVALID_ARGUMENT);
  CHECK(BadRequestFields(bad_id) == Strings{"episode_id"});
  REQUIRE(ListEpisodes(f, therapist, p.name).size() == 1);

  // Ending: not before the start, not in the future.
  grpc::Status status = EndEpisode(f, therapist, p.name, "2026-11-09");
  CHECK_CODE(status, Code::INVALID_ARGUMENT);
  CHECK(BadRequestFields(status) == Strings{"end_date"});
  status = EndEpisode(f, therapist, p.name, "2026-11-22");
  CHECK_CODE(status, Code::INVALID_ARGUMENT);
  CHECK(BadRequestFields(status) == Strings{"end_date"});
  v1::RtmEpisode ended;
  REQUIRE_OK(EndEpisode(f, therapist, p.name, "2026-11-15", &ended));
  CHECK(ended.name() == first.name());
  CHECK(ended.end_date() == "2026-11-15");
  CHECK_CODE(EndEpisode(f, therapist, p.name, "2026-11-16"), Code::NOT_FOUND);
  // A retry of the same end (its answer was lost) returns the ended episode.
  v1::RtmEpisode again;
  REQUIRE_OK(EndEpisode(f, therapist, p.name, "2026-11-15", &again));
  CHECK(again.name() == ended.name());
  CHECK(again.end_date() == "2026-11-15");

  // On the last day the forecast is cut short by the end; the day after, no monitoring.
  v1::RtmStatus s = Status(f, therapist, p.name, "2026-11-15");
  CHECK(s.in_episode());
  CHECK(s.episode() == first.name());
  CHECK(s.forecast() == "Can no longer reach 16 data days this period (ends 2026-11-15).");
  s = Status(f, therapist, p.name, "2026-11-16");
  CHECK_FALSE(s.in_episode());
  CHECK(s.forecast() == "Not in a monitoring episode on 2026-11-16.");
  CHECK(s.episode().empty());
  CHECK(s.period_number() == 0);
  CHECK(s.period_start().empty());
  CHECK(s.data_days() == 0);
  CHECK(s.codes().empty());
  CHECK_FALSE(Status(f, therapist, p.name, "2026-11-09").in_episode());

  // The first episode's replay still answers with it, ended; nothing new is opened.
  REQUIRE_OK(StartEpisode(f, therapist, p.name, first_id, "2026-11-10", false, "", &replay));
  CHECK(replay.end_date() == "2026-11-15");
  REQUIRE(ListEpisodes(f, therapist, p.name).size() == 1);

  // A new episode, started by the clinic's admin; not one that overlaps the first (its days and
  // the set-up code would be billed twice).
  const Token admin = f.SignIn(kAdminUser, kAdminPass);
  const grpc::Status overlap = StartEpisode(f, admin, p.name, SequentialUuid(), "2026-11-15");
  CHECK(overlap.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(overlap.error_message().find("ended 2026-11-15") != std::string::npos);
  REQUIRE(ListEpisodes(f, therapist, p.name).size() == 1);
  const std::string second_id = SequentialUuid();
  v1::RtmEpisode second;
  REQUIRE_OK(StartEpisode(f, admin, p.name, second_id, "2026-11-18", false, "", &second));
  CHECK(second.name() == p.name + "/rtmEpisodes/" + second_id);
  CHECK(second.author() == "users/admin");
  CHECK(second.practitioner() == kRiveraName);
  const auto episodes = ListEpisodes(f, therapist, p.name);
  REQUIRE(episodes.size() == 2);
  CHECK(episodes[0].name() == first.name());
  CHECK(episodes[0].end_date() == "2026-11-15");
  CHECK(episodes[1].name() == second.name());
  CHECK(episodes[1].end_date().empty());
  s = Status(f, therapist, p.name, "2026-11-21");
  CHECK(s.in_episode());
  CHECK(s.episode() == second.name());
  CHECK(s.period_start() == "2026-11-18");
  CHECK(s.period_end() == "2026-12-17");
  CHECK_FALSE(Status(f, therapist, p.name, "2026-11-17").in_episode());
}

TEST_CASE("An episode's practitioner and start date are validated", "[rtm]") {
  F f;  // 2026-11-21 in New York, already 2026-11-22 in Auckland
  // Another therapist of the demo clinic, and another clinic with its own therapist (accounts
  // without a password: nobody signs in as them).
  auto account = [&](const std::string& username, const std::string& clinic) {
    Account a;
    a.username = username;
    a.role = Role::kTherapist;
    a.clinic_id = clinic;
    a.subject_id = username;
    a.create_time = f.clock.Now();
    return a;
  };
  REQUIRE(f.store->CreateTherapist({"lee", "demo", "Kim Lee", "lee"}, account("lee", "demo")).ok());
  REQUIRE(f.store->CreateClinic({"east", "East Clinic", "Asia/Tokyo"}).ok());
  REQUIRE(
      f.store->CreateTherapist({"east-t", "east", "Aki Mori", "east-t"}, account("east-t", "east"))
          .ok());
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const TestPatient p = NewPatient(f, therapist, "rtm-practitioner", kNewYork);
  const TestPatient akl = NewPatient(f, therapist, "rtm-start-akl", kAuckland);

  for (const char* practitioner :
       {"clinics/east/therapists/east-t", "clinics/demo/therapists/east-t",
        "clinics/demo/therapists/nobody", "therapists/rivera"}) {
    INFO(practitioner);
    const grpc::Status status =
        StartEpisode(f, therapist, p.name, SequentialUuid(), "2026-11-21", false, practitioner);
    CHECK_CODE(status, Code::INVALID_ARGUMENT);
    CHECK(BadRequestFields(status) == Strings{"episode.practitioner"});
  }
  for (const char* start : {"2026-11-22", "2026-11-31", ""}) {
    INFO("start_date '" << start << "'");
    const grpc::Status status = StartEpisode(f, therapist, p.name, SequentialUuid(), start);
    CHECK_CODE(status, Code::INVALID_ARGUMENT);
    CHECK(BadRequestFields(status) == Strings{"episode.start_date"});
  }
  const grpc::Status akl_tomorrow =
      StartEpisode(f, therapist, akl.name, SequentialUuid(), "2026-11-23");
  CHECK_CODE(akl_tomorrow, Code::INVALID_ARGUMENT);
  CHECK(BadRequestFields(akl_tomorrow) == Strings{"episode.start_date"});
  CHECK(ListEpisodes(f, therapist, p.name).empty());
  CHECK(ListEpisodes(f, therapist, akl.name).empty());

  // Today in the patient's zone is fine; so is another therapist of the patient's clinic.
  v1::RtmEpisode episode;
  REQUIRE_OK(
      StartEpisode(f, therapist, akl.name, SequentialUuid(), "2026-11-22", false, "", &episode));
  CHECK(episode.start_date() == "2026-11-22");
  REQUIRE_OK(StartEpisode(f, therapist, p.name, SequentialUuid(), "2026-11-21", false,
                          "clinics/demo/therapists/lee", &episode));
  CHECK(episode.practitioner() == "clinics/demo/therapists/lee");
  CHECK(episode.author() == kRiveraName);
}

}  // namespace
}  // namespace ptrack::testing
