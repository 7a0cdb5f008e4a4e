// Service tests of ReportService (proto/ptrack/v1/report.proto) through the real server over
// PtrackServer's in-process channel, with a temporary SQLite file and a fake clock. A generated
// clinic of patients in four zones (New York, Auckland, London, Los Angeles) logs deliberately
// chosen histories day by day through SessionService, and every figure of each report row —
// 7- and 30-day sessions prescribed, done (credited per program week) and ratio, exercises
// planned and at full dose, pain baseline and recent, last session, phase, suspension, open
// flags, pending decisions, attention — is checked against numbers derived by hand, in comments,
// from the upper-back-neck-core-12w protocol (data/catalogue/protocols), the training-day spread
// of scheduler/calendar.h and data/rules. Then: the therapist's scope (own patients only;
// patients refused), the orders and paging (every order total, pages walking each row once,
// tokens bound to their order, order_by validated), live alerts (a red flag reaches a watching
// therapist within a second; a watch resumed after its last cursor gets exactly what it missed),
// acknowledgement (idempotent, by the acknowledger's name, scoped to the therapist's patients),
// time-driven inactivity raised by the summary sweep and stored once per key, and the row
// following a therapist's clearing of a red flag at once.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ptrack/v1/report.grpc.pb.h"
#include "service/credentials.h"
#include "tests/service/service_fixture.h"
#include "tests/service/test_helpers.h"

namespace ptrack::testing {
namespace {

using Code = grpc::StatusCode;
using Strings = std::vector<std::string>;
using SteadyTime = std::chrono::steady_clock::time_point;

constexpr const char* kNewYork = "America/New_York";
constexpr const char* kAuckland = "Pacific/Auckland";
constexpr const char* kLondon = "Europe/London";
constexpr const char* kLosAngeles = "America/Los_Angeles";
constexpr const char* kPhase1Name = "Control and tolerance";
constexpr const char* kPhase2Name = "Strength and endurance";

struct F : ServiceFixture {
  F() : ServiceFixture(LongLivedTokens()) {}
};

// `hour`:00 local time on the date `iso` in `zone`.
Instant LocalTime(const char* zone, const std::string& iso, int hour) {
  const auto day = ParseIsoDate(iso);
  REQUIRE(day.has_value());
  const auto local = *day + std::chrono::hours{hour};
  return std::chrono::time_point_cast<std::chrono::milliseconds>(
      date::locate_zone(zone)->to_sys(local, date::choose::earliest));
}

// One exercise as logged.
struct Log {
  const char* exercise;
  int sets;
  int reps;
  int hold_seconds;
  const char* band;
  v1::Side side;
};

// Phase 1 of upper-back-neck-core-12w at its first dose steps, done in full. A pyramid (curl-up,
// side bridge, bird dog: 3 sets of 6-4-2) is logged as 3 sets (reps are not compared for one).
const std::vector<Log> kPhase1Full = {
    {"chin-nod-lying", 1, 10, 5, "", v1::SIDE_UNSPECIFIED},
    {"scapular-setting", 2, 8, 5, "", v1::SIDE_UNSPECIFIED},
    {"curl-up", 3, 6, 5, "", v1::SIDE_UNSPECIFIED},
    {"side-bridge-knees", 3, 6, 5, "", v1::SIDE_EACH},
    {"bird-dog", 3, 6, 5, "", v1::SIDE_EACH},
    {"upper-trapezius-stretch", 1, 3, 20, "", v1::SIDE_EACH},
};

// Phase 1 at its target doses (each prescription's last step: 10 s chin nods, 10 scapular sets,
// 30 s stretches), which is also the first steps in full.
const std::vector<Log> kPhase1Target = {
    {"chin-nod-lying", 1, 10, 10, "", v1::SIDE_UNSPECIFIED},
    {"scapular-setting", 2, 10, 5, "", v1::SIDE_UNSPECIFIED},
    {"curl-up", 3, 6, 5, "", v1::SIDE_UNSPECIFIED},
    {"side-bridge-knees", 3, 6, 5, "", v1::SIDE_EACH},
    {"bird-dog", 3, 6, 5, "", v1::SIDE_EACH},
    {"upper-trapezius-stretch", 1, 3, 30, "", v1::SIDE_EACH},
};

// Phase 2 at its first dose steps, done in full.
const std::vector<Log> kPhase2Full = {
    {"chin-nod-sitting", 1, 10, 5, "", v1::SIDE_UNSPECIFIED},
    {"band-row", 2, 8, 0, "red", v1::SIDE_BOTH},
    {"prone-y-raise", 2, 8, 0, "", v1::SIDE_UNSPECIFIED},
    {"band-shrug", 2, 8, 0, "green", v1::SIDE_BOTH},
    {"bird-dog", 3, 6, 8, "", v1::SIDE_EACH},
    {"side-plank", 4, 0, 20, "", v1::SIDE_EACH},
};

// `logs` with the sets of `exercise` replaced.
std::vector<Log> WithSets(std::vector<Log> logs, const std::string& exercise, int sets) {
  bool found = false;
  for (Log& l : logs) {
    if (exercise == l.exercise) {
      l.sets = sets;
      found = true;
    }
  }
  REQUIRE(found);
  return logs;
}

// `logs` with one set of everything.
std::vector<Log> OneSetEach(std::vector<Log> logs) {
  for (Log& l : logs) l.sets = 1;
  return logs;
}

// The patient logs a session performed half an hour before the clock's now (the receive time).
v1::LogSessionResponse LogSession(F& f, const TestPatient& p, int pain_before, int pain_after,
                                  const std::vector<Log>& logs, const Strings& red_flags = {}) {
  v1::LogSessionRequest req;
  req.set_parent(p.name);
  req.set_session_id(SequentialUuid());
  v1::Session* s = req.mutable_session();
  *s->mutable_perform_time() = Ts(f.clock.Now() - std::chrono::minutes(30));
  s->set_pain_before(pain_before);
  s->set_pain_after(pain_after);
  s->set_effort(4);
  for (const Log& l : logs) {
    v1::ExerciseLog* e = s->add_exercises();
    e->set_exercise(std::string("exercises/") + l.exercise);
    e->set_sets(l.sets);
    e->set_reps(l.reps);
    e->set_hold_seconds(l.hold_seconds);
    e->set_band(l.band);
    e->set_side(l.side);
  }
  for (const std::string& r : red_flags) s->add_red_flags(r);
  v1::LogSessionResponse resp;
  REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::LogSession, p.token, req, &resp));
  REQUIRE_FALSE(resp.replayed());
  return resp;
}

// A session of the given performance moment (past, for the orders test), one exercise.
void LogPast(F& f, const TestPatient& p, Instant perform, const Strings& red_flags = {},
             int pain_after = 2) {
  v1::LogSessionRequest req = SessionRequest(SequentialUuid(), perform);
  req.set_parent(p.name);
  req.mutable_session()->set_pain_after(pain_after);
  for (const std::string& r : red_flags) req.mutable_session()->add_red_flags(r);
  v1::LogSessionResponse resp;
  REQUIRE_OK(F::Call(*f.session, &v1::SessionService::Stub::LogSession, p.token, req, &resp));
}

grpc::Status TryReport(F& f, const Token& token, v1::ClinicReport* out,
                       const std::string& order_by = "", int page_size = 0,
                       const std::string& page_token = "", const std::string& parent = kClinic) {
  v1::GetClinicReportRequest req;
  req.set_parent(parent);
  req.set_order_by(order_by);
  req.set_page_size(page_size);
  req.set_page_token(page_token);
  return F::Call(*f.report, &v1::ReportService::Stub::GetClinicReport, token, req, out);
}

v1::ClinicReport Report(F& f, const Token& token, const std::string& order_by = "",
                        int page_size = 0, const std::string& page_token = "") {
  v1::ClinicReport report;
  INFO("GetClinicReport(order_by '" << order_by << "', page_size " << page_size << ")");
  REQUIRE_OK(TryReport(f, token, &report, order_by, page_size, page_token));
  return report;
}

const v1::ReportRow& RowOf(const v1::ClinicReport& report, const std::string& patient) {
  for (const v1::ReportRow& r : report.rows()) {
    if (r.patient() == patient) return r;
  }
  FAIL("no report row for " << patient);
  return report.rows(0);  // not reached
}

Strings DisplayNames(const v1::ClinicReport& report) {
  Strings out;
  for (const v1::ReportRow& r : report.rows()) out.push_back(r.display_name());
  return out;
}

Strings Patients(const v1::ClinicReport& report) {
  Strings out;
  for (const v1::ReportRow& r : report.rows()) out.push_back(r.patient());
  return out;
}

// `all` restricted to the members of `some`, in the order of `all`.
Strings Subsequence(const Strings& all, const Strings& some) {
  Strings out;
  for (const std::string& s : all) {
    if (std::find(some.begin(), some.end(), s) != some.end()) out.push_back(s);
  }
  return out;
}

// The row's open flags as "KIND date".
Strings OpenFlags(const v1::ReportRow& row) {
  Strings out;
  for (const v1::Flag& fl : row.open_flags())
    out.push_back(v1::FlagKind_Name(fl.kind()) + " " + fl.date());
  return out;
}

grpc::Status TryListAlerts(F& f, const Token& token, int64_t after, bool unacknowledged_only,
                           v1::ListAlertsResponse* out, int page_size = 0) {
  v1::ListAlertsRequest req;
  req.set_parent(kClinic);
  req.set_after_cursor(after);
  req.set_unacknowledged_only(unacknowledged_only);
  req.set_page_size(page_size);
  return F::Call(*f.report, &v1::ReportService::Stub::ListAlerts, token, req, out);
}

// Every alert after `after`, page by page (small pages, to exercise next_cursor).
std::vector<v1::Alert> ListAlerts(F& f, const Token& token, int64_t after = 0,
                                  bool unacknowledged_only = false) {
  std::vector<v1::Alert> out;
  for (int guard = 0; guard < 1000; ++guard) {
    v1::ListAlertsResponse page;
    REQUIRE_OK(TryListAlerts(f, token, after, unacknowledged_only, &page, 3));
    out.insert(out.end(), page.alerts().begin(), page.alerts().end());
    if (page.next_cursor() == after) return out;
    REQUIRE(page.next_cursor() > after);
    after = page.next_cursor();
  }
  FAIL("ListAlerts does not end");
  return out;
}

std::vector<v1::Alert> AlertsOf(const std::vector<v1::Alert>& alerts, const std::string& patient,
                                v1::AlertKind kind) {
  std::vector<v1::Alert> out;
  for (const v1::Alert& a : alerts) {
    if (a.patient() == patient && a.kind() == kind) out.push_back(a);
  }
  return out;
}

std::vector<int64_t> Cursors(const std::vector<v1::Alert>& alerts) {
  std::vector<int64_t> out;
  for (const v1::Alert& a : alerts) out.push_back(a.cursor());
  return out;
}

grpc::Status Acknowledge(F& f, const Token& token, const std::string& name,
                         v1::Alert* out = nullptr) {
  v1::AcknowledgeAlertRequest req;
  req.set_name(name);
  v1::Alert ignored;
  return F::Call(*f.report, &v1::ReportService::Stub::AcknowledgeAlert, token, req,
                 out != nullptr ? out : &ignored);
}

// A second therapist of the demo clinic, "lee" (password "lee-password"), made through the store
// as the operator would, and signed in.
Token AddTherapistLee(F& f) {
  auto hash = HashPassword("lee-password");
  REQUIRE(hash.ok());
  Account account;
  account.username = "lee";
  account.password_hash = *hash;
  account.role = Role::kTherapist;
  account.clinic_id = "demo";
  account.subject_id = "lee";
  account.create_time = f.clock.Now();
  REQUIRE(f.store->CreateTherapist({"lee", "demo", "Kim Lee", "lee"}, account).ok());
  return f.SignIn("lee", "lee-password");
}

// One alert as a watcher received it.
struct Received {
  v1::Alert alert;
  SteadyTime at;
};

// A WatchAlerts stream read on its own thread, recording each alert with its arrival time.
class AlertWatch {
 public:
  AlertWatch(F& f, const Token& token, int64_t after_cursor) : context_(F::Context(token)) {
    v1::WatchAlertsRequest req;
    req.set_parent(kClinic);
    req.set_after_cursor(after_cursor);
    reader_ = f.report->WatchAlerts(context_.get(), req);
    thread_ = std::thread([this] { Run(); });
  }
  ~AlertWatch() { Stop(); }
  AlertWatch(const AlertWatch&) = delete;
  AlertWatch& operator=(const AlertWatch&) = delete;

  // Waits at most `timeout` for `done(received so far)`; returns whether it held.
  template <typename Done>
  bool WaitFor(Done done, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return done(received_) || ended_; }) &&
           done(received_);
  }

  std::vector<Received> received() const {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }

  // Cancels the stream (as a client that goes away) and returns how it ended.
  grpc::Status Stop() {
    if (thread_.joinable()) {
      context_->TryCancel();
      thread_.join();
    }
    return status_;
  }

 private:
  void Run() {
    v1::Alert alert;
    while (reader_->Read(&alert)) {
      std::lock_guard<std::mutex> lock(mu_);
      received_.push_back({alert, std::chrono::steady_clock::now()});
      cv_.notify_all();
    }
    const grpc::Status finished = reader_->Finish();
    std::lock_guard<std::mutex> lock(mu_);
    status_ = finished;
    ended_ = true;
    cv_.notify_all();
  }

  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientReader<v1::Alert>> reader_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Received> received_;  // guarded by mu_
  bool ended_ = false;              // guarded by mu_
  grpc::Status status_;             // written by the reader thread before it ends
};

// How a watch that the server refuses at once ends.
grpc::Status WatchStatus(F& f, const Token& token, const std::string& parent) {
  auto context = F::Context(token);
  v1::WatchAlertsRequest req;
  req.set_parent(parent);
  auto reader = f.report->WatchAlerts(context.get(), req);
  v1::Alert alert;
  CHECK_FALSE(reader->Read(&alert));
  return reader->Finish();
}

void CheckWindow(const v1::AdherenceWindow& w, int days, int prescribed, int done, int planned,
                 int full_dose) {
  CHECK(w.days() == days);
  CHECK(w.sessions_prescribed() == prescribed);
  CHECK(w.sessions_done() == done);
  CHECK(w.sessions_ratio() ==
        Approx(prescribed == 0 ? 0.0 : static_cast<double>(done) / prescribed));
  CHECK(w.exercises_planned() == planned);
  CHECK(w.exercises_full_dose() == full_dose);
  CHECK(w.dose_ratio() == Approx(planned == 0 ? 0.0 : static_cast<double>(full_dose) / planned));
}

TEST_CASE("Report figures of a generated clinic match hand-computed values", "[reports]") {
  // The fixture starts at 2026-11-21T15:00Z. Every patient below gets the default protocol from
  // 2026-11-01, a Sunday, so program week N runs Sunday to Saturday: W1 11-01..07, W2 08..14,
  // W3 15..21, W4 11-22..28, W5 11-29..12-05, W6 from 12-06. Phase 1 ("Control and tolerance",
  // 2 weeks, 6 sessions a week: training days at offsets floor(i*7/6) = 0..5, Saturday is rest)
  // prescribes six exercises; phase 2 ("Strength and endurance", 3 a week: offsets 0, 2, 4 =
  // Sunday, Tuesday, Thursday) six others. Nobody logged anything in W1..W3, so the phase-1 gate
  // failed at the ends of W2 and W3 (two stalled weeks).
  F f;
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const Token admin = f.SignIn(kAdminUser, kAdminPass);
  const TestPatient ana = NewPatient(f, therapist, "ana", "Ana Ames", kNewYork, true);
  const TestPatient ben = NewPatient(f, therapist, "ben", "Ben Brooks", kAuckland, true);
  const TestPatient cleo = NewPatient(f, therapist, "cleo", "Cleo Clarke", kLondon, true);
  const TestPatient dev = NewPatient(f, therapist, "dev", "Dev Dutta", kLosAngeles, true);

  // The histories, by local date (each session at 12:00 local, performed at 11:30):
  //  Ana (New York): W4 11-22..25 phase 1 at its target doses (more than the first steps
  //    prescribed), pain before 3, after 4, 4, 3, 3. Four of six sessions (the gate needs
  //    ceil(0.66 * 6) = 4), each target dose done in full twice or more: the gate is met, so
  //    phase 2 starts 11-29. W5 in phase 2: 11-29 and 12-01 in full (after 2, 2), 12-03 with
  //    band-row 1 set of 2 and side-plank 3 sets of 4 (after 1), 12-04 (a rest day) in full (after
  //    0).
  //  Ben (Auckland): phase 1 with scapular-setting 1 set of 2 (5 of 6 exercises in full), pain
  //    before 4: W4 11-22, 11-24, 11-26 (after 5, 4, 3), W5 11-30, 12-02 (after 4, 2). Three of
  //    six in W4: no progression, the gate fails a third time -> stalled flag dated 11-29.
  //  Cleo (London): phase 1 in full, pain before 2: 11-22 and 11-23 (after 2, 2), then 11-24 with
  //    the red flag "night-rest-pain" (after 5): suspended from 11-24, nothing since.
  //  Dev (Los Angeles): every exercise at 1 set, every day of W4 11-22..28 (7 sessions, the last
  //    on the rest day; after 2, 2, 2, 2, 1, 1, 4, before 2), then 12-05 (after 3). Only
  //    chin-nod-lying (1 x 10, 5 s) and upper-trapezius-stretch (1 x 3, 20 s) are in full; they
  //    move to step 2 (10 s, 30 s) from 11-29, scapular-setting stays at step 1, so the gate fails
  //    a third time -> stalled flag dated 11-29.
  struct Day {
    int pain_before;
    int pain_after;
    std::vector<Log> logs;
    Strings red_flags;
  };
  struct Planned {
    const TestPatient* patient;
    const char* zone;
    std::map<std::string, Day> days;
  };
  const std::vector<Log> ben_logs = WithSets(kPhase1Full, "scapular-setting", 1);
  const std::vector<Log> dev_logs = OneSetEach(kPhase1Full);
  const std::vector<Log> ana_partial =
      WithSets(WithSets(kPhase2Full, "band-row", 1), "side-plank", 3);
  // In the order their local noons fall in UTC each day: Auckland (23:00Z the day before),
  // London (12:00Z), New York (17:00Z), Los Angeles (20:00Z).
  std::vector<Planned> plans = {
      {&ben,
       kAuckland,
       {{"2026-11-22", {4, 5, ben_logs, {}}},
        {"2026-11-24", {4, 4, ben_logs, {}}},
        {"2026-11-26", {4, 3, ben_logs, {}}},
        {"2026-11-30", {4, 4, ben_logs, {}}},
        {"2026-12-02", {4, 2, ben_logs, {}}}}},
      {&cleo,
       kLondon,
       {{"2026-11-22", {2, 2, kPhase1Full, {}}},
        {"2026-11-23", {2, 2, kPhase1Full, {}}},
        {"2026-11-24", {2, 5, kPhase1Full, {"night-rest-pain"}}}}},
      {&ana,
       kNewYork,
       {{"2026-11-22", {3, 4, kPhase1Target, {}}},
        {"2026-11-23", {3, 4, kPhase1Target, {}}},
        {"2026-11-24", {3, 3, kPhase1Target, {}}},
        {"2026-11-25", {3, 3, kPhase1Target, {}}},
        {"2026-11-29", {3, 2, kPhase2Full, {}}},
        {"2026-12-01", {3, 2, kPhase2Full, {}}},
        {"2026-12-03", {3, 1, ana_partial, {}}},
        {"2026-12-04", {3, 0, kPhase2Full, {}}}}},
      {&dev,
       kLosAngeles,
       {{"2026-11-22", {2, 2, dev_logs, {}}},
        {"2026-11-23", {2, 2, dev_logs, {}}},
        {"2026-11-24", {2, 2, dev_logs, {}}},
        {"2026-11-25", {2, 2, dev_logs, {}}},
        {"2026-11-26", {2, 1, dev_logs, {}}},
        {"2026-11-27", {2, 1, dev_logs, {}}},
        {"2026-11-28", {2, 4, dev_logs, {}}},
        {"2026-12-05", {2, 3, dev_logs, {}}}}},
  };
  std::string cleo_red_flag_session;
  for (std::string day = "2026-11-22"; day <= "2026-12-05"; day = AddDays(day, 1)) {
    for (const Planned& plan : plans) {
      auto it = plan.days.find(day);
      if (it == plan.days.end()) continue;
      const Instant noon = LocalTime(plan.zone, day, 12);
      REQUIRE(noon > f.clock.Now());
      f.clock.Set(noon);
      const Day& d = it->second;
      INFO(plan.patient->name << " on " << day);
      const v1::LogSessionResponse resp =
          LogSession(f, *plan.patient, d.pain_before, d.pain_after, d.logs, d.red_flags);
      CHECK(resp.session().local_date() == day);
      CHECK(resp.program_suspended() == (plan.patient == &cleo && day >= "2026-11-24"));
      if (!d.red_flags.empty()) cleo_red_flag_session = resp.session().name();
    }
  }

  // 2026-12-06T10:00Z is 12-06 in all four zones (23:00 Auckland, 10:00 London, 05:00 New York,
  // 02:00 Los Angeles). The sweep brings every row to that day.
  f.clock.Set(Utc(2026, 12, 6, 10, 0));
  const SweepCounts swept = f.server->SweepSummaries();
  CHECK(swept.failed == 0);
  const v1::ClinicReport report = Report(f, admin);
  CHECK(report.total_size() == 6);  // jordan, sam and the four
  CHECK(report.rows_size() == 6);
  CHECK(report.next_page_token().empty());
  CHECK(report.generate_time().seconds() == Ts(Utc(2026, 12, 6, 10, 0)).seconds());

  // Windows on 12-06: the last 7 days are 11-30..12-06 (W5 from its second day, W6's first day);
  // the last 30 days 11-07..12-06 (W1 only on its rest day 11-07, W2..W5 whole, W6's first day).
  {
    INFO("Ana: progressed to phase 2, one extra session capped");
    const v1::ReportRow& r = RowOf(report, ana.name);
    CHECK(r.display_name() == "Ana Ames");
    CHECK(r.therapist() == kRivera);
    CHECK(r.has_program());
    CHECK(r.as_of() == "2026-12-06");
    CHECK(r.phase_number() == 2);
    CHECK(r.phase_name() == kPhase2Name);
    CHECK_FALSE(r.suspended());
    // 7 days: W5 (phase 2) prescribes 12-01 and 12-03 in 11-30..12-05, W6 prescribes 12-06:
    // 3. Done in W5: 12-01, 12-03, 12-04 = 3, credited at most 2; W6 none: 2 of 3.
    // Exercises: three sessions of six planned = 18; in full 6 + 4 + 6 = 16.
    CheckWindow(r.last_7_days(), 7, 3, 2, 18, 16);
    // 30 days: W2 6 + W3 6 + W4 6 (phase 1 until 11-28) + W5 3 + W6 1 = 22 prescribed; done W4 4
    // + W5 min(4, 3) = 7. Exercises: 8 sessions x 6 = 48; in full 4 x 6 + 6 + 6 + 4 + 6 = 46.
    CheckWindow(r.last_30_days(), 30, 22, 7, 48, 46);
    // Baseline: W4 (the first week with sessions): (4 + 4 + 3 + 3) / 4 = 3.5. Recent (11-30..
    // 12-06): 12-01, 12-03, 12-04: (2 + 1 + 0) / 3 = 1.
    CHECK(r.pain_baseline() == Approx(3.5));
    CHECK(r.pain_recent() == Approx(1.0));
    CHECK(r.last_session_date() == "2026-12-04");
    // The 11-05 inactivity flag closed with her first session; no gap reached 4 days since.
    CHECK(OpenFlags(r).empty());
    CHECK(r.pending_decisions() == 0);  // auto mode
    CHECK(r.attention() == 0);
    CHECK_FALSE(r.rtm().in_episode());
  }
  {
    INFO("Ben: partial doses, stalled gate, inactive since 12-02");
    const v1::ReportRow& r = RowOf(report, ben.name);
    CHECK(r.display_name() == "Ben Brooks");
    CHECK(r.has_program());
    CHECK(r.as_of() == "2026-12-06");
    CHECK(r.phase_number() == 1);
    CHECK(r.phase_name() == kPhase1Name);
    CHECK_FALSE(r.suspended());
    // 7 days: W5 in phase 1 prescribes 11-30..12-04 (12-05 is its rest day) = 5, W6 12-06 = 1:
    // 6; done 11-30 and 12-02 = 2. Exercises: 2 x 6 = 12, in full 2 x 5 = 10.
    CheckWindow(r.last_7_days(), 7, 6, 2, 12, 10);
    // 30 days: W2..W5 6 each + W6 1 = 25; done W4 3 + W5 2 = 5. Exercises 5 x 6 = 30, 5 x 5 = 25.
    CheckWindow(r.last_30_days(), 30, 25, 5, 30, 25);
    // Baseline W4: (5 + 4 + 3) / 3 = 4. Recent: 11-30, 12-02: (4 + 2) / 2 = 3.
    CHECK(r.pain_baseline() == Approx(4.0));
    CHECK(r.pain_recent() == Approx(3.0));
    CHECK(r.last_session_date() == "2026-12-02");
    // The gate failed for a third week at the end of W4 (more than phase_max_extension_weeks = 2):
    // stalled from 11-29 (7 days old, review_open_days = 28). No session 12-03..12-06: the
    // 4th idle day (inactivity_days = 4, phase 1's longest gap is 2) is 12-06.
    CHECK(OpenFlags(r) ==
          Strings{"FLAG_KIND_PHASE_GATE_STALLED 2026-11-29", "FLAG_KIND_INACTIVITY 2026-12-06"});
    CHECK(r.pending_decisions() == 0);
    CHECK(r.attention() == 10 + 20);
  }
  {
    INFO("Cleo: suspended by a red flag since 11-24");
    const v1::ReportRow& r = RowOf(report, cleo.name);
    CHECK(r.display_name() == "Cleo Clarke");
    CHECK(r.has_program());
    CHECK(r.as_of() == "2026-12-06");
    CHECK(r.phase_number() == 1);
    CHECK(r.phase_name() == kPhase1Name);
    CHECK(r.suspended());
    // Suspended days prescribe nothing: none in 11-30..12-06, and no session either.
    CheckWindow(r.last_7_days(), 7, 0, 0, 0, 0);
    // 30 days: W2 6 + W3 6 + W4 2 (11-22, 11-23; suspended from 11-24) = 14; done in W4 3
    // (11-22, 23, 24), credited 2. Exercises: 11-22 and 11-23 plan 6 each, all in full; the plan
    // of the suspended 11-24 has no exercises: 12 of 12.
    CheckWindow(r.last_30_days(), 30, 14, 2, 12, 12);
    // Baseline W4: (2 + 2 + 5) / 3 = 3. Nothing in the last 7 days: -1.
    CHECK(r.pain_baseline() == Approx(3.0));
    CHECK(r.pain_recent() == Approx(-1.0));
    CHECK(r.last_session_date() == "2026-11-24");
    // While suspended no week is evaluated (no stalled gate) and no inactivity is raised.
    REQUIRE(OpenFlags(r) == Strings{"FLAG_KIND_RED_FLAG 2026-11-24"});
    CHECK(r.open_flags(0).session() == cleo_red_flag_session);
    CHECK(r.pending_decisions() == 0);
    CHECK(r.attention() == 1000);
  }
  {
    INFO("Dev: daily but one set each, progressed doses missed afterwards");
    const v1::ReportRow& r = RowOf(report, dev.name);
    CHECK(r.display_name() == "Dev Dutta");
    CHECK(r.has_program());
    CHECK(r.as_of() == "2026-12-06");
    CHECK(r.phase_number() == 1);
    CHECK(r.phase_name() == kPhase1Name);
    CHECK_FALSE(r.suspended());
    // 7 days: 5 + 1 = 6 prescribed; done 12-05 (W5's rest day, still W5): 1. Exercises: 6
    // planned, none in full (12-05 plans chin-nod-lying 10 s and the stretch 30 s).
    CheckWindow(r.last_7_days(), 7, 6, 1, 6, 0);
    // 30 days: 25 prescribed; done W4 min(7, 6) + W5 1 = 7. Exercises: 8 x 6 = 48; in full 2 in
    // each W4 session (chin-nod-lying, upper-trapezius-stretch) = 14.
    CheckWindow(r.last_30_days(), 30, 25, 7, 48, 14);
    // Baseline W4: (2 + 2 + 2 + 2 + 1 + 1 + 4) / 7 = 2. Recent: 12-05: 3.
    CHECK(r.pain_baseline() == Approx(2.0));
    CHECK(r.pain_recent() == Approx(3.0));
    CHECK(r.last_session_date() == "2026-12-05");
    // Inactive 11-29..12-02 (flag dated 12-02), closed by the session of 12-05.
    CHECK(OpenFlags(r) == Strings{"FLAG_KIND_PHASE_GATE_STALLED 2026-11-29"});
    CHECK(r.pending_decisions() == 0);
    CHECK(r.attention() == 10);
  }
  {
    INFO("Sam has no program; Jordan has one");
    const v1::ReportRow& sam = RowOf(report, kSam);
    CHECK(sam.display_name() == "Sam Okafor");
    CHECK(sam.therapist() == kRivera);
    CHECK_FALSE(sam.has_program());
    CHECK(sam.as_of().empty());
    CHECK(sam.phase_number() == 0);
    CHECK(sam.last_session_date().empty());
    CHECK(sam.open_flags_size() == 0);
    CHECK(sam.attention() == 0);
    const v1::ReportRow& jordan = RowOf(report, kJordan);
    CHECK(jordan.display_name() == "Jordan Lee");
    CHECK(jordan.has_program());
    CHECK(jordan.as_of() == "2026-12-06");
  }
}

TEST_CASE("A therapist's report and alerts cover only their own patients, and patients are refused",
          "[reports]") {
  F f;
  const Token rivera = f.SignIn(kTherapistUser, kTherapistPass);
  const Token admin = f.SignIn(kAdminUser, kAdminPass);
  const Token lee = AddTherapistLee(f);
  const TestPatient mine = NewPatient(f, rivera, "scope-rivera", "Rita Rivera-Patient", kLondon,
                                      /*sign_in=*/true);
  const TestPatient lees = NewPatient(f, lee, "scope-lee", "Lena Lee-Patient", kNewYork, true);

  const v1::ClinicReport all = Report(f, admin);
  CHECK(all.total_size() == 4);
  Strings everyone = Patients(all);
  std::sort(everyone.begin(), everyone.end());
  Strings expected_all = {kJordan, kSam, mine.name, lees.name};
  std::sort(expected_all.begin(), expected_all.end());
  CHECK(everyone == expected_all);

  const v1::ClinicReport rivera_report = Report(f, rivera);
  CHECK(rivera_report.total_size() == 3);
  Strings rivera_patients = Patients(rivera_report);
  std::sort(rivera_patients.begin(), rivera_patients.end());
  Strings expected_rivera = {kJordan, kSam, mine.name};
  std::sort(expected_rivera.begin(), expected_rivera.end());
  CHECK(rivera_patients == expected_rivera);
  for (const v1::ReportRow& r : rivera_report.rows()) CHECK(r.therapist() == kRivera);

  const v1::ClinicReport lee_report = Report(f, lee);
  CHECK(lee_report.total_size() == 1);
  CHECK(Patients(lee_report) == Strings{lees.name});
  REQUIRE(lee_report.rows_size() == 1);
  CHECK(lee_report.rows(0).therapist() == "clinics/demo/therapists/lee");
  CHECK(lee_report.rows(0).has_program());

  // Both new patients have had an inactivity alert since their programs were assigned (nothing
  // logged since 11-01); each therapist lists and watches only their own.
  auto patients_of = [](const std::vector<v1::Alert>& alerts) {
    std::set<std::string> out;
    for (const v1::Alert& a : alerts) out.insert(a.patient());
    return out;
  };
  const auto admin_alerts = ListAlerts(f, admin);
  CHECK(patients_of(admin_alerts).count(mine.name) == 1);
  CHECK(patients_of(admin_alerts).count(lees.name) == 1);
  CHECK(patients_of(ListAlerts(f, rivera)) == std::set<std::string>{mine.name});
  CHECK(patients_of(ListAlerts(f, lee)) == std::set<std::string>{lees.name});
  {
    AlertWatch watch(f, lee, 0);
    REQUIRE(watch.WaitFor([](const std::vector<Received>& got) { return !got.empty(); },
                          std::chrono::milliseconds(2000)));
    // The sentinel: a red flag of rivera's patient, then one of lee's: lee sees only the latter.
    LogSession(f, mine, 2, 2, kPhase1Full, {"recent-trauma"});
    LogSession(f, lees, 2, 2, kPhase1Full, {"recent-trauma"});
    const bool got_red_flag = watch.WaitFor(
        [&](const std::vector<Received>& got) {
          return std::any_of(got.begin(), got.end(), [&](const Received& r) {
            return r.alert.kind() == v1::ALERT_KIND_RED_FLAG;
          });
        },
        std::chrono::milliseconds(3000));
    CHECK(got_red_flag);
    for (const Received& r : watch.received()) CHECK(r.alert.patient() == lees.name);
  }

  // Another clinic, patients, and no token.
  v1::ClinicReport ignored;
  CHECK_CODE(TryReport(f, rivera, &ignored, "", 0, "", "clinics/other"), Code::PERMISSION_DENIED);
  CHECK_CODE(TryReport(f, Token(), &ignored), Code::UNAUTHENTICATED);
  for (const Token& patient : {f.SignIn(kPatientUser, kPatientPass), mine.token}) {
    CHECK_CODE(TryReport(f, patient, &ignored), Code::PERMISSION_DENIED);
    v1::ListAlertsResponse alerts;
    CHECK_CODE(TryListAlerts(f, patient, 0, false, &alerts), Code::PERMISSION_DENIED);
    CHECK_CODE(WatchStatus(f, patient, kClinic), Code::PERMISSION_DENIED);
    CHECK_CODE(Acknowledge(f, patient, admin_alerts.front().name()), Code::PERMISSION_DENIED);
  }
}

TEST_CASE("Report orders, paging and order_by validation", "[reports]") {
  F f;  // 2026-11-21 (a Saturday, W3's rest day) in New York
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  // Four patients in New York; by 11-21 their programs prescribed W1 6 + W2 6 + W3 6 = 18.
  const TestPatient olivia = NewPatient(f, therapist, "ord-olivia", "Olivia Adams", kNewYork, true);
  const TestPatient noah = NewPatient(f, therapist, "ord-noah", "Noah Brown", kNewYork, true);
  const TestPatient mia = NewPatient(f, therapist, "ord-mia", "Mia Clark", kNewYork, true);
  const TestPatient liam = NewPatient(f, therapist, "ord-liam", "Liam Dunn", kNewYork, true);
  // Olivia: 3 sessions (11-16..18): 3/18. Noah: 1 (11-20): 1/18. Mia: none: 0/18, and the
  // inactivity flag of 11-05 still open (attention 20). Liam: 11-20, then a red flag today
  // (suspended from 11-21, W3's rest day): 2/18, attention 1000.
  for (int day : {16, 17, 18})
    LogPast(f, olivia, LocalTime(kNewYork, "2026-11-" + std::to_string(day), 18));
  LogPast(f, noah, LocalTime(kNewYork, "2026-11-20", 18));
  LogPast(f, liam, LocalTime(kNewYork, "2026-11-20", 18));
  LogPast(f, liam, f.clock.Now() - std::chrono::hours(1), {"dizziness-vision-speech"});
  // Jordan's row too (the demo's own history), so every row but Sam's has a summary.
  CHECK(f.server->SweepSummaries().failed == 0);

  const Strings mine = {olivia.name, noah.name, mia.name, liam.name};
  {
    INFO("Default: attention, then the lowest 30-day adherence");
    const v1::ClinicReport report = Report(f, therapist);
    REQUIRE(report.rows_size() == 6);
    CHECK(report.rows(0).patient() == liam.name);
    CHECK(RowOf(report, liam.name).attention() == 1000);
    CHECK(RowOf(report, mia.name).attention() == 20);
    CHECK(RowOf(report, noah.name).attention() == 0);
    CHECK(RowOf(report, olivia.name).attention() == 0);
    CHECK(RowOf(report, olivia.name).last_30_days().sessions_ratio() == Approx(3.0 / 18));
    CHECK(RowOf(report, noah.name).last_30_days().sessions_ratio() == Approx(1.0 / 18));
    CHECK(RowOf(report, mia.name).last_30_days().sessions_ratio() == Approx(0.0));
    CHECK(RowOf(report, liam.name).last_30_days().sessions_ratio() == Approx(2.0 / 18));
    CHECK(Subsequence(Patients(report), mine) ==
          Strings{liam.name, mia.name, noah.name, olivia.name});
    CHECK(report.rows(5).patient() == kSam);  // no summary: least need
    // The whole order, from the rows' own figures.
    for (int i = 0; i + 1 < report.rows_size() - 1; ++i) {
      const v1::ReportRow& a = report.rows(i);
      const v1::ReportRow& b = report.rows(i + 1);
      INFO(a.display_name() << " before " << b.display_name());
      CHECK(a.attention() * 10.0 + (1 - a.last_30_days().sessions_ratio()) >=
            b.attention() * 10.0 + (1 - b.last_30_days().sessions_ratio()));
    }
    // The same as asked for by name.
    CHECK(Patients(Report(f, therapist, "attention")) == Patients(report));
    // Reversed: least need first.
    const Strings reversed = Patients(Report(f, therapist, "attention desc"));
    CHECK(Strings(reversed.rbegin(), reversed.rend()) == Patients(report));
  }
  {
    INFO("By 30-day adherence, ascending and descending");
    const v1::ClinicReport up = Report(f, therapist, "adherence_30");
    CHECK(up.rows(0).patient() == kSam);  // no figure: lowest
    CHECK(Subsequence(Patients(up), mine) == Strings{mia.name, noah.name, liam.name, olivia.name});
    for (int i = 1; i + 1 < up.rows_size(); ++i) {
      CHECK(up.rows(i).last_30_days().sessions_ratio() <=
            up.rows(i + 1).last_30_days().sessions_ratio());
    }
    const v1::ClinicReport down = Report(f, therapist, "adherence_30 desc");
    CHECK(down.rows(down.rows_size() - 1).patient() == kSam);
    CHECK(Subsequence(Patients(down), mine) ==
          Strings{olivia.name, liam.name, noah.name, mia.name});
  }
  {
    INFO("By name, ascending and descending");
    // report_order.h: ties and rows without figures fall back to the display name; ordering by
    // name is ordering by the display name, with or without a program.
    const Strings by_name = {"Jordan Lee", "Liam Dunn",    "Mia Clark",
                             "Noah Brown", "Olivia Adams", "Sam Okafor"};
    CHECK(DisplayNames(Report(f, therapist, "name")) == by_name);
    CHECK(DisplayNames(Report(f, therapist, "name desc")) ==
          Strings(by_name.rbegin(), by_name.rend()));
  }
  {
    INFO("Pages of two walk every row once, in the order of the whole report");
    for (const std::string order : {"", "name", "adherence_30 desc", "pain_change"}) {
      INFO("order_by '" << order << "'");
      const Strings whole = Patients(Report(f, therapist, order));
      Strings walked;
      std::string token;
      int pages = 0;
      do {
        const v1::ClinicReport page = Report(f, therapist, order, 2, token);
        CHECK(page.total_size() == 6);
        CHECK(page.rows_size() <= 2);
        for (const std::string& p : Patients(page)) walked.push_back(p);
        token = page.next_page_token();
        ++pages;
      } while (!token.empty() && pages < 10);
      CHECK(pages == 3);
      CHECK(walked == whole);
      CHECK(std::set<std::string>(walked.begin(), walked.end()).size() == 6);
    }
  }
  {
    INFO("A page token is bound to its order; bad arguments name their field");
    const v1::ClinicReport first = Report(f, therapist, "adherence_30", 2);
    REQUIRE_FALSE(first.next_page_token().empty());
    v1::ClinicReport ignored;
    for (const char* other : {"adherence_30 desc", "name", "", "adherence_7"}) {
      INFO("order_by '" << other << "'");
      const grpc::Status s = TryReport(f, therapist, &ignored, other, 2, first.next_page_token());
      CHECK_CODE(s, Code::INVALID_ARGUMENT);
      CHECK(BadRequestFields(s) == Strings{"page_token"});
    }
    // The token still works with its own order.
    REQUIRE_OK(TryReport(f, therapist, &ignored, "adherence_30", 2, first.next_page_token()));
    CHECK(ignored.rows_size() == 2);

    for (const char* bad : {"shoe_size", "name asc", "name desc ", "NAME", "name,adherence_7",
                            "adherence_30  desc", "desc"}) {
      INFO("order_by '" << bad << "'");
      const grpc::Status s = TryReport(f, therapist, &ignored, bad);
      CHECK_CODE(s, Code::INVALID_ARGUMENT);
      CHECK(BadRequestFields(s) == Strings{"order_by"});
    }
    for (int size : {-1, 201}) {
      INFO("page_size " << size);
      const grpc::Status s = TryReport(f, therapist, &ignored, "", size);
      CHECK_CODE(s, Code::INVALID_ARGUMENT);
      CHECK(BadRequestFields(s) == Strings{"page_size"});
    }
    const grpc::Status s = TryReport(f, therapist, &ignored, "", 2, "not-a-token");
    CHECK_CODE(s, Code::INVALID_ARGUMENT);
    CHECK(BadRequestFields(s) == Strings{"page_token"});
  }
}

TEST_CASE("WatchAlerts delivers a red flag within a second and resumes after its last cursor",
          "[reports]") {
  F f;
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const TestPatient ava = NewPatient(f, therapist, "watch-ava", "Ava Stream", kNewYork, true);
  const TestPatient bo = NewPatient(f, therapist, "watch-bo", "Bo Stream", kAuckland, true);

  auto has = [](const std::vector<Received>& got, const std::string& patient, v1::AlertKind kind,
                const std::string& session) {
    return std::find_if(got.begin(), got.end(), [&](const Received& r) {
      return r.alert.patient() == patient && r.alert.kind() == kind &&
             (session.empty() || r.alert.session() == session);
    });
  };

  auto watch = std::make_unique<AlertWatch>(f, therapist, 0);
  // The alerts already stored (each patient's inactivity since 11-01) arrive first.
  const size_t stored = ListAlerts(f, therapist).size();
  REQUIRE(stored >= 2);
  REQUIRE(watch->WaitFor([&](const std::vector<Received>& got) { return got.size() >= stored; },
                         std::chrono::milliseconds(3000)));

  const v1::LogSessionResponse logged = LogSession(f, ava, 3, 3, kPhase1Full, {"saddle-numbness"});
  const SteadyTime returned = std::chrono::steady_clock::now();
  CHECK(logged.program_suspended());
  const std::string session = logged.session().name();
  const bool arrived = watch->WaitFor(
      [&](const std::vector<Received>& got) {
        return has(got, ava.name, v1::ALERT_KIND_RED_FLAG, session) != got.end();
      },
      std::chrono::milliseconds(5000));
  REQUIRE(arrived);
  std::vector<Received> first = watch->received();
  const auto red = has(first, ava.name, v1::ALERT_KIND_RED_FLAG, session);
  const auto latency =
      std::chrono::duration_cast<std::chrono::milliseconds>(red->at - returned).count();
  INFO("received " << latency << " ms after LogSession returned");
  CHECK(latency <= 1000);
  CHECK(red->alert.patient_display_name() == "Ava Stream");
  CHECK(red->alert.date() == "2026-11-21");
  CHECK(red->alert.name() ==
        std::string(kClinic) + "/alerts/" + std::to_string(red->alert.cursor()));
  CHECK_FALSE(red->alert.acknowledged());
  CHECK(red->alert.detail().find("saddle-numbness") != std::string::npos);

  // The client goes away.
  const grpc::Status ended = watch->Stop();
  CHECK(ended.error_code() == Code::CANCELLED);
  first = watch->received();
  watch.reset();
  const int64_t last = first.back().alert.cursor();

  // While nobody watches: Bo's pain flare (after 7 > 5) and red flag, Ava's second red flag.
  f.clock.Advance(std::chrono::minutes(30));
  const std::string bo_flare = LogSession(f, bo, 3, 7, kPhase1Full).session().name();
  f.clock.Advance(std::chrono::minutes(5));
  const std::string bo_red =
      LogSession(f, bo, 3, 3, kPhase1Full, {"fever-weight-loss"}).session().name();
  f.clock.Advance(std::chrono::minutes(5));
  const std::string ava_red2 =
      LogSession(f, ava, 3, 3, kPhase1Full, {"night-rest-pain"}).session().name();
  const std::vector<v1::Alert> missed = ListAlerts(f, therapist, last);
  auto listed = [&](const std::string& patient, v1::AlertKind kind, const std::string& s) {
    return std::count_if(missed.begin(), missed.end(), [&](const v1::Alert& a) {
      return a.patient() == patient && a.kind() == kind && a.session() == s;
    });
  };
  CHECK(listed(bo.name, v1::ALERT_KIND_PAIN_FLARE, bo_flare) == 1);
  CHECK(listed(bo.name, v1::ALERT_KIND_RED_FLAG, bo_red) == 1);
  CHECK(listed(ava.name, v1::ALERT_KIND_RED_FLAG, ava_red2) == 1);

  // Reconnect after the last cursor received: exactly the missed alerts, then the next new one
  // (a new patient's inactivity alert) right after them.
  AlertWatch resumed(f, therapist, last);
  CHECK(
      resumed.WaitFor([&](const std::vector<Received>& got) { return got.size() >= missed.size(); },
                      std::chrono::milliseconds(3000)));
  const TestPatient cy = NewPatient(f, therapist, "watch-cy", "Cy Stream", kLondon, false);
  CHECK(resumed.WaitFor(
      [&](const std::vector<Received>& got) {
        return has(got, cy.name, v1::ALERT_KIND_INACTIVITY, "") != got.end();
      },
      std::chrono::milliseconds(3000)));
  std::vector<v1::Alert> second;
  for (const Received& r : resumed.received()) second.push_back(r.alert);
  const std::vector<v1::Alert> expected_second = ListAlerts(f, therapist, last);
  CHECK(Cursors(second) == Cursors(expected_second));
  REQUIRE(second.size() == missed.size() + 1);
  CHECK(second.back().patient() == cy.name);
  for (size_t i = 0; i < second.size(); ++i) {
    CHECK(second[i].cursor() > last);
    if (i > 0) CHECK(second[i].cursor() > second[i - 1].cursor());
  }

  // Both streams together are the whole log, as ListAlerts gives it from the start.
  std::vector<v1::Alert> both;
  for (const Received& r : first) both.push_back(r.alert);
  both.insert(both.end(), second.begin(), second.end());
  const std::vector<v1::Alert> everything = ListAlerts(f, therapist, 0);
  CHECK(Cursors(both) == Cursors(everything));
  for (size_t i = 0; i < std::min(both.size(), everything.size()); ++i) {
    INFO("alert " << everything[i].name());
    CHECK(both[i].name() == everything[i].name());
    CHECK(both[i].kind() == everything[i].kind());
    CHECK(both[i].patient() == everything[i].patient());
    CHECK(both[i].session() == everything[i].session());
    CHECK(both[i].detail() == everything[i].detail());
  }
  CHECK(resumed.Stop().error_code() == Code::CANCELLED);
}

TEST_CASE("AcknowledgeAlert: by name, idempotent, scoped, validated", "[reports]") {
  F f;
  const Token rivera = f.SignIn(kTherapistUser, kTherapistPass);
  const Token admin = f.SignIn(kAdminUser, kAdminPass);
  const Token lee = AddTherapistLee(f);
  const TestPatient p = NewPatient(f, rivera, "ack-pat", "Pat Ack", kNewYork, true);
  const v1::LogSessionResponse logged = LogSession(f, p, 2, 2, kPhase1Full, {"recent-trauma"});
  const auto red = AlertsOf(ListAlerts(f, rivera), p.name, v1::ALERT_KIND_RED_FLAG);
  REQUIRE(red.size() == 1);
  const v1::Alert alert = red.front();
  CHECK(alert.session() == logged.session().name());
  CHECK_FALSE(alert.acknowledged());

  // Another therapist of the clinic: as if it did not exist; nothing changes.
  CHECK_CODE(Acknowledge(f, lee, alert.name()), Code::NOT_FOUND);
  CHECK_CODE(Acknowledge(f, rivera, std::string(kClinic) + "/alerts/999999"), Code::NOT_FOUND);
  CHECK_CODE(Acknowledge(f, rivera, "clinics/other/alerts/" + std::to_string(alert.cursor())),
             Code::PERMISSION_DENIED);
  for (const char* bad :
       {"", "alerts/1", "clinics/demo/alerts/", "clinics/demo/alerts/abc", "clinics/demo/alerts/0",
        "clinics/demo/alerts/01", "clinics/demo/alerts/-1", "clinics/demo/patients/x/alerts/1"}) {
    INFO("name '" << bad << "'");
    const grpc::Status s = Acknowledge(f, rivera, bad);
    CHECK_CODE(s, Code::INVALID_ARGUMENT);
    CHECK(BadRequestFields(s) == Strings{"name"});
  }
  CHECK(AlertsOf(ListAlerts(f, rivera, 0, true), p.name, v1::ALERT_KIND_RED_FLAG).size() == 1);

  f.clock.Advance(std::chrono::minutes(7));
  const Instant acked_at = f.clock.Now();
  v1::Alert acked;
  REQUIRE_OK(Acknowledge(f, rivera, alert.name(), &acked));
  CHECK(acked.name() == alert.name());
  CHECK(acked.cursor() == alert.cursor());
  CHECK(acked.acknowledged());
  CHECK(acked.acknowledged_by() == kRivera);
  CHECK(acked.acknowledge_time().seconds() == Ts(acked_at).seconds());
  CHECK(acked.create_time().seconds() == alert.create_time().seconds());
  CHECK(acked.detail() == alert.detail());

  // Again, later, by the same therapist or an admin: unchanged.
  f.clock.Advance(std::chrono::hours(2));
  for (const Token& again : {rivera, admin}) {
    v1::Alert repeat;
    REQUIRE_OK(Acknowledge(f, again, alert.name(), &repeat));
    CHECK(repeat.acknowledged());
    CHECK(repeat.acknowledged_by() == kRivera);
    CHECK(repeat.acknowledge_time().seconds() == acked.acknowledge_time().seconds());
    CHECK(repeat.acknowledge_time().nanos() == acked.acknowledge_time().nanos());
  }
  CHECK_CODE(Acknowledge(f, lee, alert.name()), Code::NOT_FOUND);

  // Listed as acknowledged; left out of the unacknowledged list, while the others stay.
  const auto listed = AlertsOf(ListAlerts(f, rivera), p.name, v1::ALERT_KIND_RED_FLAG);
  REQUIRE(listed.size() == 1);
  CHECK(listed.front().acknowledged());
  CHECK(listed.front().acknowledged_by() == kRivera);
  const auto open = ListAlerts(f, rivera, 0, true);
  CHECK(AlertsOf(open, p.name, v1::ALERT_KIND_RED_FLAG).empty());
  CHECK(AlertsOf(open, p.name, v1::ALERT_KIND_INACTIVITY).size() == 1);
  for (const v1::Alert& a : open) CHECK_FALSE(a.acknowledged());

  // An admin acknowledges as "users/admin".
  const auto inactivity = AlertsOf(open, p.name, v1::ALERT_KIND_INACTIVITY);
  REQUIRE(inactivity.size() == 1);
  v1::Alert by_admin;
  REQUIRE_OK(Acknowledge(f, admin, inactivity.front().name(), &by_admin));
  CHECK(by_admin.acknowledged_by() == "users/admin");
  CHECK(AlertsOf(ListAlerts(f, rivera, 0, true), p.name, v1::ALERT_KIND_INACTIVITY).empty());
}

TEST_CASE("The summary sweep raises inactivity for a patient who stops, alerting once",
          "[reports]") {
  F f;  // 2026-11-21T15:00Z, 10:00 in New York
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const Token admin = f.SignIn(kAdminUser, kAdminPass);
  const TestPatient p = NewPatient(f, therapist, "idle-pat", "Ida Idle", kNewYork, true);
  // Sessions on 11-21 and 11-22 (noon), then nothing. Phase 1: inactivity_days = 4 (longer than
  // its 2-day longest gap + 1), so the 4th day without a session, 11-26, raises the flag.
  f.clock.Set(LocalTime(kNewYork, "2026-11-21", 12));
  LogSession(f, p, 2, 2, kPhase1Full);
  f.clock.Set(LocalTime(kNewYork, "2026-11-22", 12));
  LogSession(f, p, 2, 2, kPhase1Full);
  CHECK(OpenFlags(RowOf(Report(f, admin), p.name)).empty());

  auto inactivity_alerts = [&] {
    return AlertsOf(ListAlerts(f, admin), p.name, v1::ALERT_KIND_INACTIVITY);
  };
  // The one raised when the program was assigned (nothing logged 11-01..11-04).
  REQUIRE(inactivity_alerts().size() == 1);
  CHECK(inactivity_alerts().front().date() == "2026-11-05");

  // 11-25: three idle days, not yet.
  f.clock.Set(LocalTime(kNewYork, "2026-11-25", 12));
  CHECK(f.server->SweepSummaries().failed == 0);
  v1::ReportRow row = RowOf(Report(f, admin), p.name);
  CHECK(row.as_of() == "2026-11-25");
  CHECK(OpenFlags(row).empty());
  CHECK(inactivity_alerts().size() == 1);

  // 11-26: the sweep refreshes the row with nothing else happening.
  f.clock.Set(LocalTime(kNewYork, "2026-11-26", 12));
  const SweepCounts first = f.server->SweepSummaries();
  CHECK(first.failed == 0);
  CHECK(first.refreshed >= 1);
  row = RowOf(Report(f, admin), p.name);
  CHECK(row.as_of() == "2026-11-26");
  CHECK(OpenFlags(row) == Strings{"FLAG_KIND_INACTIVITY 2026-11-26"});
  CHECK(row.attention() == 20);
  CHECK(row.last_session_date() == "2026-11-22");
  auto alerts = inactivity_alerts();
  REQUIRE(alerts.size() == 2);
  CHECK(alerts.back().date() == "2026-11-26");
  CHECK(alerts.back().session().empty());
  CHECK(alerts.back().patient_display_name() == "Ida Idle");
  CHECK(alerts.back().detail().find("4 days") != std::string::npos);

  // Sweeping again the same day refreshes nothing; reading the flags and the plan, and the next
  // day's sweep, re-evaluate the patient but store no second alert for the same flag.
  CHECK(f.server->SweepSummaries().refreshed == 0);
  v1::ListFlagsRequest flags_req;
  flags_req.set_parent(p.name);
  v1::ListFlagsResponse flags;
  REQUIRE_OK(F::Call(*f.progression, &v1::ProgressionService::Stub::ListFlags, therapist, flags_req,
                     &flags));
  v1::GetPlanRequest plan_req;
  plan_req.set_parent(p.name);
  v1::Plan plan;
  REQUIRE_OK(F::Call(*f.program, &v1::ProgramService::Stub::GetPlan, p.token, plan_req, &plan));
  f.clock.Set(LocalTime(kNewYork, "2026-11-27", 12));
  CHECK(f.server->SweepSummaries().failed == 0);
  REQUIRE_OK(F::Call(*f.progression, &v1::ProgressionService::Stub::ListFlags, therapist, flags_req,
                     &flags));
  row = RowOf(Report(f, admin), p.name);
  CHECK(row.as_of() == "2026-11-27");
  CHECK(OpenFlags(row) == Strings{"FLAG_KIND_INACTIVITY 2026-11-26"});
  alerts = inactivity_alerts();
  CHECK(alerts.size() == 2);
  std::vector<int64_t> cursors = Cursors(alerts);
  CHECK(std::set<int64_t>(cursors.begin(), cursors.end()).size() == cursors.size());
}

TEST_CASE("The report row follows a therapist clearing a red flag", "[reports]") {
  F f;
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const TestPatient p = NewPatient(f, therapist, "clear-pat", "Cal Clear", kLondon, true);
  f.clock.Advance(std::chrono::hours(1));
  const v1::LogSessionResponse logged =
      LogSession(f, p, 2, 3, kPhase1Full, {"limb-weakness-numbness"});
  REQUIRE(logged.program_suspended());

  v1::ReportRow row = RowOf(Report(f, therapist), p.name);
  CHECK(row.suspended());
  REQUIRE(OpenFlags(row) == Strings{"FLAG_KIND_RED_FLAG 2026-11-21"});
  CHECK(row.open_flags(0).session() == logged.session().name());
  CHECK(row.attention() == 1000);

  f.clock.Advance(std::chrono::minutes(20));
  v1::PatientActionRequest clear;
  clear.set_parent(p.name);
  clear.set_action_id(SequentialUuid());
  clear.set_note("Phoned the patient: numbness was from sleeping on the arm; resolved.");
  v1::PatientActionResponse cleared;
  REQUIRE_OK(F::Call(*f.progression, &v1::ProgressionService::Stub::ClearRedFlag, therapist, clear,
                     &cleared));

  // Nothing else called: the row already shows it.
  row = RowOf(Report(f, therapist), p.name);
  CHECK_FALSE(row.suspended());
  CHECK(OpenFlags(row).empty());
  CHECK(row.attention() == 0);
  CHECK(row.phase_number() == 1);
  // 11-21 is W3's rest day in phase 1; W3 (11-15..21) prescribes 6 in the last 7 days.
  CHECK(row.last_7_days().sessions_prescribed() == 6);
  CHECK(row.last_7_days().sessions_done() == 1);
  // The red flag's alert stays in the log (alerts are kept), unacknowledged.
  CHECK(AlertsOf(ListAlerts(f, therapist), p.name, v1::ALERT_KIND_RED_FLAG).size() == 1);
}

TEST_CASE("A red flag cleared on the day it was reported stays closed after a new one",
          "[reports]") {
  // progression.h: "a clearing covers the red flags received before it, not those after". A red
  // flag reported and cleared the same day, then a new one (the next day, or later that day):
  // only the new one is open.
  F f;  // 2026-11-21T15:00Z: 15:00 in London
  const Token therapist = f.SignIn(kTherapistUser, kTherapistPass);
  const TestPatient next_day = NewPatient(f, therapist, "again-nd", "Nia Again", kLondon, true);
  const TestPatient same_day = NewPatient(f, therapist, "again-sd", "Sol Again", kLondon, true);

  auto clear = [&](const TestPatient& p) {
    v1::PatientActionRequest req;
    req.set_parent(p.name);
    req.set_action_id(SequentialUuid());
    req.set_note("Checked by phone: not a red flag after all.");
    v1::PatientActionResponse resp;
    REQUIRE_OK(F::Call(*f.progression, &v1::ProgressionService::Stub::ClearRedFlag, therapist, req,
                       &resp));
  };

  // 11-21 16:00 both report a red flag; 16:20 both are cleared.
  f.clock.Set(LocalTime(kLondon, "2026-11-21", 16));
  LogSession(f, next_day, 2, 2, kPhase1Full, {"recent-trauma"});
  LogSession(f, same_day, 2, 2, kPhase1Full, {"recent-trauma"});
  f.clock.Advance(std::chrono::minutes(20));
  clear(next_day);
  clear(same_day);
  v1::ClinicReport report = Report(f, therapist);
  CHECK(OpenFlags(RowOf(report, next_day.name)).empty());
  CHECK(OpenFlags(RowOf(report, same_day.name)).empty());

  // Sol reports another at 18:00 the same day; Nia the next day at noon.
  f.clock.Set(LocalTime(kLondon, "2026-11-21", 18));
  const std::string sol_second =
      LogSession(f, same_day, 2, 2, kPhase1Full, {"night-rest-pain"}).session().name();
  f.clock.Set(LocalTime(kLondon, "2026-11-22", 12));
  const std::string nia_second =
      LogSession(f, next_day, 2, 2, kPhase1Full, {"night-rest-pain"}).session().name();

  report = Report(f, therapist);
  const v1::ReportRow& nia = RowOf(report, next_day.name);
  CHECK(nia.suspended());
  CHECK(OpenFlags(nia) == Strings{"FLAG_KIND_RED_FLAG 2026-11-22"});
  CHECK(nia.attention() == 1000);
  for (const v1::Flag& fl : nia.open_flags()) CHECK(fl.session() == nia_second);
  const v1::ReportRow& sol = RowOf(report, same_day.name);
  CHECK(sol.suspended());
  CHECK(OpenFlags(sol) == Strings{"FLAG_KIND_RED_FLAG 2026-11-21"});
  CHECK(sol.attention() == 1000);
  for (const v1::Flag& fl : sol.open_flags()) CHECK(fl.session() == sol_second);
}

}  // namespace
}  // namespace ptrack::testing
