// Store contract tests for what the evaluation engine reads, written against the Store interface
// only: Patient::data_version moves with every write to the patient's evaluation inputs (and
// with nothing else, and never with another patient's); the windowed reads of an evaluation that
// resumes from a checkpoint return exactly the rows of the full reads that fall in the window,
// at its boundaries, for sessions whose local date is not their UTC date; checkpoints round-trip
// and replace; the catalogue generation moves with every change to the catalogue and with
// nothing else; a session's logs survive whole, whatever they name; an audit row given with a
// session commits with it and only then; and a summary's suspended flag reads alone.
#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/storage/store_fixture.h"

namespace ptrack::testing {
namespace {

int64_t DataVersion(Store& store, const std::string& patient_id) {
  auto p = store.GetPatient(patient_id);
  INFO(p.status().ToString());
  REQUIRE(p.ok());
  return p->data_version;
}

// Tracks one patient's data_version across writes.
class Versions {
 public:
  Versions(Store& store, std::string patient_id)
      : store_(store), patient_(std::move(patient_id)), last_(DataVersion(store_, patient_)) {}
  // The data_version moved since the last look.
  bool Moved() {
    const int64_t now = DataVersion(store_, patient_);
    const bool moved = now != last_;
    CHECK(now >= last_);  // it only grows
    last_ = now;
    return moved;
  }

 private:
  Store& store_;
  std::string patient_;
  int64_t last_;
};

std::string Text(const Session& s) {
  std::string out = s.id + "|" + s.patient_id + "|" + s.program_id + "|" +
                    std::to_string(ToUnixMillis(s.perform_time)) + "|" +
                    FormatIsoDate(s.local_date) + "|" +
                    std::to_string(ToUnixMillis(s.receive_time));
  return out;
}
template <typename T, typename F>
std::vector<std::string> Texts(const std::vector<T>& items, F text) {
  std::vector<std::string> out;
  for (const T& item : items) out.push_back(text(item));
  return out;
}
std::string Text(const PainFollowUp& f) {
  return f.session_id + "|" + std::to_string(f.pain) + "|" +
         std::to_string(ToUnixMillis(f.received));
}
std::string Text(const TherapistAction& a) {
  return FormatIsoDate(a.date) + "|" + a.decision_id + "|" + a.note;
}

}  // namespace

TEST_CASE("data_version: every write to a patient's evaluation inputs moves it, nothing else does",
          "[foundation][store][engine]") {
  StoreFixture f;
  Store& store = f.store();
  const World w = SeedWorld(store);  // p1 with prog1
  const Patient other = SeedPatient(store, "p2", w.clinic, w.therapist.id);
  const Program other_program = SeedProgram(store, "prog2", "p2", w.protocol, Ymd(2026, 3, 2));
  CHECK(DataVersion(store, "p1") > 0);  // its program and first revision were inputs
  Versions v(store, "p1");
  Versions v2(store, "p2");

  SECTION("inputs move it") {
    const Session s = MakeSession("s1", "p1", "prog1", At(Ymd(2026, 3, 3), 7), Ymd(2026, 3, 3));
    PTRACK_REQUIRE_OK(store.LogSession(s));
    CHECK(v.Moved());
    PTRACK_REQUIRE_OK(store.LogSession(s));  // a replay stores nothing
    CHECK_FALSE(v.Moved());
    PTRACK_REQUIRE_OK(store.AddPainFollowUp("p1", {"s1", 4}, At(Ymd(2026, 3, 4), 8)));
    CHECK(v.Moved());
    PTRACK_REQUIRE_OK(store.AddPainFollowUp("p1", {"s1", 4}, At(Ymd(2026, 3, 4), 9)));
    CHECK_FALSE(v.Moved());
    const TherapistAction approve{TherapistAction::Kind::kApprove, Ymd(2026, 3, 9), "w1-chin-nod",
                                  "", At(Ymd(2026, 3, 9), 10)};
    PTRACK_REQUIRE_OK(store.AddTherapistAction("a1", "prog1", approve, "t", approve.at));
    CHECK(v.Moved());
    PTRACK_REQUIRE_OK(store.AddTherapistAction("a1", "prog1", approve, "t", approve.at));
    CHECK_FALSE(v.Moved());
    ProgramRevision rev = w.program.revisions[0];
    rev.revision = 2;
    rev.effective_date = Ymd(2026, 3, 16);
    PTRACK_REQUIRE_OK(store.AppendRevision("prog1", rev, 1));
    CHECK(v.Moved());

    Patient p = *store.GetPatient("p1");
    p.time_zone = "America/Chicago";
    auto updated = store.UpdatePatient(p);
    PTRACK_REQUIRE_OK(updated);
    CHECK(updated->data_version == DataVersion(store, "p1"));  // returned as stored
    CHECK(v.Moved());
    CHECK(updated->version == p.version + 1);

    // The other patient's inputs are its own.
    CHECK_FALSE(v2.Moved());
  }

  SECTION("a new program moves it") {
    const Patient p3 = SeedPatient(store, "p3", w.clinic, w.therapist.id);
    Versions v3(store, "p3");
    CHECK(p3.data_version == 0);
    Program ended = MakeProgram("prog3", "p3", w.protocol, Ymd(2026, 1, 5));
    ended.state = ProgramState::kEnded;
    PTRACK_REQUIRE_OK(store.CreateProgram(ended));
    CHECK(v3.Moved());
    PTRACK_REQUIRE_OK(store.CreateProgram(ended));  // the same again: stored once
    CHECK_FALSE(v3.Moved());
    CHECK_FALSE(v.Moved());
  }

  SECTION("other writes do not") {
    Patient p = *store.GetPatient("p1");
    p.display_name = "Renamed";
    p.therapist_id = w.therapist.id;
    auto updated = store.UpdatePatient(p);  // no change of zone
    PTRACK_REQUIRE_OK(updated);
    CHECK(updated->version == p.version + 1);
    CHECK_FALSE(v.Moved());
    const Instant now = At(Ymd(2026, 3, 10), 12);
    PTRACK_REQUIRE_OK(
        store.AppendAudit(AuditEvent{0, now, "user-p1", Role::kPatient, "c1", "p1",
                                     "/ptrack.v1.SessionService/ListSessions", "OK"}));
    PatientSummary summary;
    summary.as_of = Ymd(2026, 3, 10);
    summary.program_id = "prog1";
    summary.alerts = {AlertCandidate{AlertKind::kInactivity, "inactivity/2026-03-10",
                                     Ymd(2026, 3, 10), "no session for 4 days", ""}};
    auto raised = store.SavePatientSummary("c1", "p1", summary, now);
    PTRACK_REQUIRE_OK(raised);
    REQUIRE(raised->size() == 1);
    PTRACK_REQUIRE_OK(store.AcknowledgeAlert(raised->front().id, "clinics/c1/therapists/t1", now));
    StoredCheckpoint cp;
    cp.key = "k";
    cp.checkpoint.day = Ymd(2026, 3, 8);
    PTRACK_REQUIRE_OK(store.PutCheckpoint("prog1", cp));
    TokenRecord token{std::string(32, '\x01'),     "user-p1", now,
                      now + std::chrono::hours{1}, now,       false};
    PTRACK_REQUIRE_OK(store.PutToken(token));
    PTRACK_REQUIRE_OK(store.TouchToken(token.token_hash, now + std::chrono::minutes{5}));
    PTRACK_REQUIRE_OK(store.RevokeToken(token.token_hash));
    PTRACK_REQUIRE_OK(store.PutExercise(MakeExercise("shoulder-roll", Region::kUpperBack)));
    PTRACK_REQUIRE_OK(store.CreateRtmEpisode(RtmEpisodeRecord{
        "e1", "p1", Ymd(2026, 3, 2), std::nullopt, true, "t1", "clinics/c1/therapists/t1", now}));
    bool replayed = false;
    PTRACK_REQUIRE_OK(store.AddRtmTimeEntry(
        RtmTimeEntryRecord{"te1", "p1", "t1", Ymd(2026, 3, 10), 20, true, "call", now}, &replayed));
    // Reads.
    PTRACK_REQUIRE_OK(store.ListProgramSessions("prog1"));
    PTRACK_REQUIRE_OK(store.ListPatients("c1", "", PageRequest{}));
    PTRACK_REQUIRE_OK(store.GetCheckpoint("prog1"));
    CHECK_FALSE(v.Moved());
    // The other patient's inputs move only theirs.
    PTRACK_REQUIRE_OK(store.LogSession(
        MakeSession("s1", "p2", other_program.id, At(Ymd(2026, 3, 3), 7), Ymd(2026, 3, 3))));
    CHECK(v2.Moved());
    CHECK_FALSE(v.Moved());
    CHECK(other.id == "p2");
  }

  SECTION("every read of the patient returns it") {
    PTRACK_REQUIRE_OK(store.LogSession(
        MakeSession("s1", "p1", "prog1", At(Ymd(2026, 3, 3), 7), Ymd(2026, 3, 3))));
    const int64_t now = DataVersion(store, "p1");
    auto listed = store.ListPatients("c1", "", PageRequest{});
    PTRACK_REQUIRE_OK(listed);
    bool seen = false;
    for (const Patient& p : listed->items) {
      if (p.id == "p1") {
        CHECK(p.data_version == now);
        seen = true;
      }
    }
    CHECK(seen);
  }
}

// Sessions of p1 (Pacific/Auckland: a local date is the UTC date plus one in the evening) on
// prog1 around midnight, one received days late, two at the same instant; a session of an ended
// earlier program and one of another patient that must never show.
struct Windows {
  StoreFixture fixture;
  Store& store = fixture.store();
  std::vector<Session> sessions;  // of prog1
  Windows() {
    SeedClinic(store, "c1");
    SeedTherapist(store, "t1", "c1");
    Patient p = MakePatient("p1", "c1", "t1");
    p.time_zone = "Pacific/Auckland";
    PTRACK_REQUIRE_OK(store.CreatePatient(p, AccountFor(p)));
    SeedPatient(store, "p2", "c1", "t1");
    const Protocol protocol = SeedCatalogue(store);
    Program old = MakeProgram("prog0", "p1", protocol, Ymd(2026, 2, 1));
    old.state = ProgramState::kEnded;
    PTRACK_REQUIRE_OK(store.CreateProgram(old));
    SeedProgram(store, "prog1", "p1", protocol, Ymd(2026, 3, 2));
    SeedProgram(store, "prog9", "p2", protocol, Ymd(2026, 3, 2));
    auto session = [&](const std::string& id, const std::string& program, Instant perform,
                       LocalDate local) {
      Session s = MakeSession(id, program == "prog9" ? "p2" : "p1", program, perform, local);
      return s;
    };
    // 10:59 UTC is 23:59 in Auckland (NZDT, +13) and 11:00 the next day's 00:00.
    for (int d = 0; d < 10; ++d) {
      const LocalDate utc = Ymd(2026, 3, 2) + date::days{d};
      sessions.push_back(session("s" + std::to_string(2 * d), "prog1", At(utc, 10, 59), utc));
      sessions.push_back(
          session("s" + std::to_string(2 * d + 1), "prog1", At(utc, 11, 0), utc + date::days{1}));
    }
    sessions[5].receive_time = At(Ymd(2026, 3, 9), 20);  // synced days late
    Session tie = sessions[7];
    tie.id = "s7-tie";
    sessions.push_back(tie);
    for (const Session& s : sessions) PTRACK_REQUIRE_OK(store.LogSession(s));
    PTRACK_REQUIRE_OK(
        store.LogSession(session("old", "prog0", At(Ymd(2026, 3, 5), 10, 59), Ymd(2026, 3, 5))));
    PTRACK_REQUIRE_OK(
        store.LogSession(session("s3", "prog9", At(Ymd(2026, 3, 5), 10, 59), Ymd(2026, 3, 5))));
    // Reports: on time for some, late for s5; one for the ended program, one of p2.
    for (const char* id : {"s0", "s3", "s5", "s7-tie", "s12"}) {
      const Session& s = *std::find_if(sessions.begin(), sessions.end(),
                                       [&](const Session& x) { return x.id == id; });
      const Instant received = std::string(id) == "s5" ? At(Ymd(2026, 3, 10), 1)
                                                       : s.receive_time + std::chrono::hours{20};
      PTRACK_REQUIRE_OK(store.AddPainFollowUp("p1", {id, 3}, received));
    }
    PTRACK_REQUIRE_OK(store.AddPainFollowUp("p1", {"old", 2}, At(Ymd(2026, 3, 6), 1)));
    PTRACK_REQUIRE_OK(store.AddPainFollowUp("p2", {"s3", 9}, At(Ymd(2026, 3, 6), 1)));
    for (int d = 0; d < 6; ++d) {
      const TherapistAction a{TherapistAction::Kind::kBoost, Ymd(2026, 3, 3) + date::days{d}, "",
                              "boost " + std::to_string(d), At(Ymd(2026, 3, 3), 9)};
      PTRACK_REQUIRE_OK(store.AddTherapistAction("a" + std::to_string(d), "prog1", a, "t", a.at));
    }
    const TherapistAction other{TherapistAction::Kind::kBoost, Ymd(2026, 3, 5), "", "other",
                                At(Ymd(2026, 3, 5), 9)};
    PTRACK_REQUIRE_OK(store.AddTherapistAction("a-other", "prog9", other, "t", other.at));
  }
};

TEST_CASE("windowed reads return exactly the window's rows of the full reads, at its edges",
          "[foundation][store][engine]") {
  Windows w;
  Store& store = w.store;
  auto all = store.ListProgramSessions("prog1");
  PTRACK_REQUIRE_OK(all);
  REQUIRE(all->size() == w.sessions.size());
  auto reports = store.ListPainFollowUps("prog1");
  PTRACK_REQUIRE_OK(reports);
  REQUIRE(reports->size() == 5);
  auto actions = store.ListTherapistActions("prog1");
  PTRACK_REQUIRE_OK(actions);
  REQUIRE(actions->size() == 6);
  auto session_text = [](const Session& s) { return Text(s); };
  auto report_text = [](const PainFollowUp& f) { return Text(f); };
  auto action_text = [](const TherapistAction& a) { return Text(a); };

  for (LocalDate from = Ymd(2026, 2, 27); from <= Ymd(2026, 3, 15); from += date::days{1}) {
    INFO("from " << FormatIsoDate(from));
    std::vector<Session> want;
    for (const Session& s : *all) {
      if (s.local_date >= from) want.push_back(s);
    }
    auto got = store.ListProgramSessionsFrom("prog1", from);
    PTRACK_REQUIRE_OK(got);
    CHECK(Texts(*got, session_text) == Texts(want, session_text));

    std::vector<TherapistAction> want_actions;
    for (const TherapistAction& a : *actions) {
      if (a.date > from) want_actions.push_back(a);
    }
    auto got_actions = store.ListTherapistActionsAfter("prog1", from);
    PTRACK_REQUIRE_OK(got_actions);
    CHECK(Texts(*got_actions, action_text) == Texts(want_actions, action_text));
  }

  // Receive-time windows at every receive time, a millisecond either side.
  std::vector<Instant> edges;
  for (const Session& s : *all) edges.push_back(s.receive_time);
  for (const PainFollowUp& f : *reports) edges.push_back(f.received);
  for (const Instant edge : edges) {
    for (const auto shift : {std::chrono::milliseconds{-1}, std::chrono::milliseconds{0},
                             std::chrono::milliseconds{1}}) {
      const Instant at = edge + shift;
      INFO("at " << ToUnixMillis(at));
      std::optional<LocalDate> want;
      for (const Session& s : *all) {
        if (s.receive_time >= at && (!want || s.local_date < *want)) want = s.local_date;
      }
      auto got = store.EarliestSessionDayReceivedSince("prog1", at);
      PTRACK_REQUIRE_OK(got);
      CHECK(got->has_value() == want.has_value());
      if (want && got->has_value()) CHECK(FormatIsoDate(**got) == FormatIsoDate(*want));

      for (const LocalDate from :
           {Ymd(2026, 3, 1), Ymd(2026, 3, 4), Ymd(2026, 3, 8), Ymd(2026, 3, 13)}) {
        INFO("from " << FormatIsoDate(from));
        std::vector<PainFollowUp> want_reports;
        for (const PainFollowUp& f : *reports) {
          bool in_window = f.received >= at;
          for (const Session& s : *all) in_window |= s.id == f.session_id && s.local_date >= from;
          if (in_window) want_reports.push_back(f);
        }
        auto got_reports = store.ListPainFollowUpsSince("prog1", from, at);
        PTRACK_REQUIRE_OK(got_reports);
        CHECK(Texts(*got_reports, report_text) == Texts(want_reports, report_text));
      }
    }
  }

  SECTION("an unknown program has no rows") {
    auto s = store.ListProgramSessionsFrom("nope", Ymd(2026, 1, 1));
    PTRACK_REQUIRE_OK(s);
    CHECK(s->empty());
    auto r = store.EarliestSessionDayReceivedSince("nope", At(Ymd(2026, 1, 1), 0));
    PTRACK_REQUIRE_OK(r);
    CHECK(!r->has_value());
    auto f = store.ListPainFollowUpsSince("nope", Ymd(2026, 1, 1), At(Ymd(2026, 1, 1), 0));
    PTRACK_REQUIRE_OK(f);
    CHECK(f->empty());
    auto a = store.ListTherapistActionsAfter("nope", Ymd(2026, 1, 1));
    PTRACK_REQUIRE_OK(a);
    CHECK(a->empty());
  }
  SECTION("the patient's date-bounded session list agrees with its local dates") {
    for (LocalDate from = Ymd(2026, 3, 1); from <= Ymd(2026, 3, 13); from += date::days{1}) {
      const LocalDate to = from + date::days{2};
      auto page = store.ListSessions("p1", from, to, PageRequest{100, ""});
      PTRACK_REQUIRE_OK(page);
      size_t expected = 0;
      for (const Session& s : *all) expected += s.local_date >= from && s.local_date <= to;
      const LocalDate old_day = Ymd(2026, 3, 5);  // the ended program's session
      expected += old_day >= from && old_day <= to;
      CHECK(page->items.size() == expected);
      for (const Session& s : page->items) {
        CHECK(s.local_date >= from);
        CHECK(s.local_date <= to);
      }
    }
  }
}

TEST_CASE("checkpoints: none until put, then the last one put, per program",
          "[foundation][store][engine]") {
  StoreFixture f;
  Store& store = f.store();
  const World w = SeedWorld(store);
  PTRACK_CHECK_CODE(store.GetCheckpoint("prog1"), kNotFound);
  StoredCheckpoint first;
  first.key = "engine 2|Europe/Berlin|catalogue 4";
  first.checkpoint.day = Ymd(2026, 3, 8);
  first.checkpoint.keep_days = 42;
  first.checkpoint.state.prescriptions = {
      CurrentPrescription{"chin-nod",
                          "chin-nod",
                          Dose{1, 10, 5, {}, 0, "", Side::kBoth, 0},
                          2,
                          {{"chin-nod", Dose{1, 8, 0, {}, 0, "", Side::kBoth, 0}, 1}},
                          "progressed",
                          Ymd(2026, 3, 9)}};
  first.checkpoint.kept.states = {{Ymd(2026, 3, 2), first.checkpoint.state}};
  first.checkpoint.counters.pain_by_week = {{1, {9.5, 3}}};
  PTRACK_REQUIRE_OK(store.PutCheckpoint("prog1", first));
  auto read = store.GetCheckpoint("prog1");
  PTRACK_REQUIRE_OK(read);
  CHECK(read->key == first.key);
  CHECK(read->checkpoint.day == first.checkpoint.day);
  CHECK(read->checkpoint.state == first.checkpoint.state);
  CHECK(read->checkpoint.kept.states == first.checkpoint.kept.states);
  CHECK(read->checkpoint.counters == first.checkpoint.counters);

  StoredCheckpoint second = first;
  second.key = "engine 2|Europe/Berlin|catalogue 5";
  second.checkpoint.day = Ymd(2026, 3, 15);
  second.checkpoint.state.suspended = true;
  PTRACK_REQUIRE_OK(store.PutCheckpoint("prog1", second));
  read = store.GetCheckpoint("prog1");
  PTRACK_REQUIRE_OK(read);
  CHECK(read->key == second.key);
  CHECK(read->checkpoint.day == second.checkpoint.day);
  CHECK(read->checkpoint.state.suspended);

  // Another program's checkpoint is its own; an unknown program has none and takes none.
  const Patient p2 = SeedPatient(store, "p2", w.clinic, w.therapist.id);
  SeedProgram(store, "prog2", p2.id, w.protocol, Ymd(2026, 3, 2));
  PTRACK_CHECK_CODE(store.GetCheckpoint("prog2"), kNotFound);
  PTRACK_CHECK_CODE(store.PutCheckpoint("no-such-program", first), kNotFound);
  PTRACK_CHECK_CODE(store.GetCheckpoint("no-such-program"), kNotFound);
  read = store.GetCheckpoint("prog1");
  PTRACK_REQUIRE_OK(read);
  CHECK(read->key == second.key);
}

TEST_CASE("catalogue generation: moves with every change to the catalogue, and only then",
          "[foundation][store][engine]") {
  StoreFixture f;
  Store& store = f.store();
  auto generation = [&] {
    auto g = store.GetCatalogueGeneration();
    INFO(g.status().ToString());
    REQUIRE(g.ok());
    return *g;
  };
  int64_t last = generation();
  auto moved = [&] {
    const int64_t now = generation();
    CHECK(now >= last);
    const bool m = now != last;
    last = now;
    return m;
  };
  Exercise nod = MakeExercise("chin-nod", Region::kNeck);
  Exercise row = MakeExercise("band-row", Region::kUpperBack);
  Protocol basic = MakeProtocol("basic", {"chin-nod", "band-row"});
  PTRACK_REQUIRE_OK(store.PutExercise(nod));
  CHECK(moved());
  PTRACK_REQUIRE_OK(store.PutExercise(nod));  // the same again
  CHECK_FALSE(moved());
  nod.instructions = "Slower.";
  PTRACK_REQUIRE_OK(store.PutExercise(nod));
  CHECK(moved());
  PTRACK_REQUIRE_OK(store.PutProtocol(basic));
  CHECK(moved());
  PTRACK_REQUIRE_OK(store.PutProtocol(basic));
  CHECK_FALSE(moved());
  PTRACK_REQUIRE_OK(store.ReplaceCatalogue({nod, row}, {basic}));  // adds band-row
  CHECK(moved());
  PTRACK_REQUIRE_OK(store.ReplaceCatalogue({nod, row}, {basic}));  // a restart, nothing new
  CHECK_FALSE(moved());
  PTRACK_REQUIRE_OK(store.ReplaceCatalogue({nod}, {basic}));  // retires band-row
  CHECK(moved());
  PTRACK_REQUIRE_OK(store.ReplaceCatalogue({nod}, {basic}));
  CHECK_FALSE(moved());
  PTRACK_REQUIRE_OK(store.ReplaceCatalogue({nod, row}, {basic}));  // un-retires it
  CHECK(moved());
  PTRACK_REQUIRE_OK(store.ReplaceCatalogue({nod, row}, {}));  // retires the protocol
  CHECK(moved());

  SeedClinic(store, "c1");
  CHECK_FALSE(moved());
  Exercise own = MakeExercise("c1-wall-angel", Region::kUpperBack);
  own.clinic_id = "c1";
  PTRACK_REQUIRE_OK(store.CreateExercise(own));
  CHECK(moved());
  Protocol own_protocol = MakeProtocol("c1-basic", {"chin-nod"});
  own_protocol.clinic_id = "c1";
  PTRACK_REQUIRE_OK(store.CreateProtocol(own_protocol));
  CHECK(moved());
  PTRACK_CHECK_CODE(store.CreateExercise(own), kAlreadyExists);  // refused: nothing changed
  CHECK_FALSE(moved());
  SeedTherapist(store, "t1", "c1");
  SeedPatient(store, "p1", "c1", "t1");
  CHECK_FALSE(moved());
}

TEST_CASE("sessions: logs survive whole, whatever exercises they name",
          "[foundation][store][engine]") {
  StoreFixture f;
  Store& store = f.store();
  SeedWorld(store);
  Session s = MakeSession("0f6c5a9e-8b1d-4c3e-9f2a-1b2c3d4e5f01", "p1", "prog1",
                          At(Ymd(2026, 3, 3), 7), Ymd(2026, 3, 3));
  s.exercises = {Log("chin-nod", 1, 10, 5, 0, "", Side::kBoth),
                 Log("band-row", 3, 12, 0, 0.1 + 0.2, "green", Side::kEach),
                 Log("not-in-the-catalogue", 0, 0, 0, 1e-7, "", Side::kUnspecified),
                 Log("band-row", 2, 8, 0, 12.5, "black \"dark\"", Side::kRight),
                 Log("", 1, 1, 1, -0.5, "ünïcödé", Side::kLeft)};
  s.exercises[0].pain = 0;
  s.exercises[1].pain = 10;
  s.exercises[3].pain = -1;
  s.notes = "line one\nline two \"quoted\" \xf0\x9f\x99\x82";
  s.red_flags = {"arm-numbness", "night-pain"};
  PTRACK_REQUIRE_OK(store.LogSession(s));
  Session empty = s;
  empty.id = "0f6c5a9e-8b1d-4c3e-9f2a-1b2c3d4e5f02";
  empty.exercises.clear();
  empty.red_flags.clear();
  PTRACK_REQUIRE_OK(store.LogSession(empty));
  for (const Session& want : {s, empty}) {
    auto got = store.GetSession("p1", want.id);
    PTRACK_REQUIRE_OK(got);
    CHECK(got->exercises == want.exercises);
    CHECK(got->notes == want.notes);
    CHECK(got->red_flags == want.red_flags);
    CHECK(SamePayload(*got, want));
    auto replay = store.LogSession(want);  // the same payload again: replayed
    PTRACK_REQUIRE_OK(replay);
    CHECK(replay->replayed);
  }
  Session changed = s;
  changed.exercises[1].load_kg = 0.3;  // not the same double
  PTRACK_CHECK_CODE(store.LogSession(changed), kAlreadyExists);
}

TEST_CASE("sessions: an audit row given with a session commits with it, and only when it does",
          "[foundation][store][engine]") {
  StoreFixture f;
  Store& store = f.store();
  SeedWorld(store);
  const Instant now = At(Ymd(2026, 3, 3), 8);
  auto event = [&](const char* outcome) {
    return AuditEvent{
        0,      now, "user-p1", Role::kPatient, "c1", "p1", "/ptrack.v1.SessionService/LogSession",
        outcome};
  };
  auto outcomes = [&] {
    auto page = store.ListAudit("c1", "p1", PageRequest{100, ""});
    PTRACK_REQUIRE_OK(page);
    std::vector<std::string> out;
    for (const AuditEvent& e : page->items) out.push_back(e.outcome);
    return out;
  };
  const Session s = MakeSession("0f6c5a9e-8b1d-4c3e-9f2a-1b2c3d4e5f11", "p1", "prog1",
                                At(Ymd(2026, 3, 3), 7), Ymd(2026, 3, 3));
  const AuditEvent ok = event("OK");
  PTRACK_REQUIRE_OK(store.LogSession(s, &ok));
  CHECK(outcomes() == std::vector<std::string>{"OK"});
  auto replay = store.LogSession(s, &ok);  // a replay is a successful call: recorded
  PTRACK_REQUIRE_OK(replay);
  CHECK(replay->replayed);
  CHECK(outcomes() == std::vector<std::string>{"OK", "OK"});
  Session changed = s;
  changed.pain_after = 9;
  PTRACK_CHECK_CODE(store.LogSession(changed, &ok), kAlreadyExists);  // refused: no row
  Session orphan = s;
  orphan.id = "0f6c5a9e-8b1d-4c3e-9f2a-1b2c3d4e5f12";
  orphan.program_id = "no-such-program";
  PTRACK_CHECK_CODE(store.LogSession(orphan, &ok), kFailedPrecondition);
  CHECK(outcomes() == std::vector<std::string>{"OK", "OK"});
  PTRACK_REQUIRE_OK(store.LogSession(MakeSession("0f6c5a9e-8b1d-4c3e-9f2a-1b2c3d4e5f13", "p1",
                                                 "prog1", At(Ymd(2026, 3, 3), 9),
                                                 Ymd(2026, 3, 3))));  // no audit given: none
  CHECK(outcomes() == std::vector<std::string>{"OK", "OK"});
}

TEST_CASE("GetPatientSuspended reads the stored summary's flag, NOT_FOUND without one",
          "[foundation][store][engine]") {
  StoreFixture f;
  Store& store = f.store();
  SeedWorld(store);
  PTRACK_CHECK_CODE(store.GetPatientSuspended("p1"), kNotFound);
  PatientSummary summary;
  summary.as_of = Ymd(2026, 3, 10);
  summary.program_id = "prog1";
  for (const bool suspended : {true, false, true}) {
    summary.suspended = suspended;
    PTRACK_REQUIRE_OK(store.SavePatientSummary("c1", "p1", summary, At(Ymd(2026, 3, 10), 12)));
    auto read = store.GetPatientSuspended("p1");
    PTRACK_REQUIRE_OK(read);
    CHECK(*read == suspended);
    auto whole = store.GetPatientSummary("p1");
    PTRACK_REQUIRE_OK(whole);
    CHECK(whole->suspended == *read);
  }
  PTRACK_CHECK_CODE(store.GetPatientSuspended("p2"), kNotFound);
}

TEST_CASE("sessions stored after a key are the patient's, in commit order, from `since` on",
          "[foundation][store][engine]") {
  Windows w;
  Store& store = w.store;
  auto all = store.ListPatientSessionsAfter("p1", 0, Instant{});
  PTRACK_REQUIRE_OK(all);
  CHECK(all->size() == w.sessions.size() + 1);  // prog1's and the ended program's "old"
  auto k0 = store.LatestSessionKey();
  PTRACK_REQUIRE_OK(k0);
  CHECK(*k0 > 0);
  for (const auto& [key, session] : *all) CHECK(key <= *k0);
  auto none = store.ListPatientSessionsAfter("p1", *k0, Instant{});
  PTRACK_REQUIRE_OK(none);
  CHECK(none->empty());

  // Stored later, performed earlier: commit order, not perform order; another patient's apart.
  const LocalDate day = Ymd(2026, 3, 12);
  PTRACK_REQUIRE_OK(store.LogSession(MakeSession("late-1", "p1", "prog1", At(day, 9), day)));
  PTRACK_REQUIRE_OK(store.LogSession(MakeSession("p2-new", "p2", "prog9", At(day, 8), day)));
  PTRACK_REQUIRE_OK(store.LogSession(MakeSession("late-2", "p1", "prog1", At(day, 7), day)));
  auto k1 = store.LatestSessionKey();
  PTRACK_REQUIRE_OK(k1);
  CHECK(*k1 > *k0);
  auto after = store.ListPatientSessionsAfter("p1", *k0, Instant{});
  PTRACK_REQUIRE_OK(after);
  REQUIRE(after->size() == 2);
  CHECK((*after)[0].second.id == "late-1");
  CHECK((*after)[1].second.id == "late-2");
  CHECK((*after)[0].first > *k0);
  CHECK((*after)[1].first > (*after)[0].first);
  CHECK((*after)[1].first == *k1);
  auto other = store.ListPatientSessionsAfter("p2", *k0, Instant{});
  PTRACK_REQUIRE_OK(other);
  REQUIRE(other->size() == 1);
  CHECK(other->front().second.id == "p2-new");
  // `since` bounds by receive time: sessions received before it are left out.
  const Instant first = std::min((*after)[0].second.receive_time, (*after)[1].second.receive_time);
  const Instant last = std::max((*after)[0].second.receive_time, (*after)[1].second.receive_time);
  REQUIRE(first < last);
  auto since = store.ListPatientSessionsAfter("p1", *k0, last);
  PTRACK_REQUIRE_OK(since);
  REQUIRE(since->size() == 1);
  CHECK(since->front().second.receive_time == last);
  since = store.ListPatientSessionsAfter("p1", *k0, last + std::chrono::milliseconds(1));
  PTRACK_REQUIRE_OK(since);
  CHECK(since->empty());
  auto unknown = store.ListPatientSessionsAfter("nobody", 0, Instant{});
  PTRACK_REQUIRE_OK(unknown);
  CHECK(unknown->empty());
}

TEST_CASE("sessions: a local date far from the perform time is refused",
          "[foundation][store][engine]") {
  StoreFixture f;
  Store& store = f.store();
  SeedWorld(store);
  const Instant perform = At(Ymd(2026, 3, 10), 12);
  // Any zone's date is within a day of UTC's; three days off is not a local date of it.
  PTRACK_CHECK_CODE(store.LogSession(MakeSession("far", "p1", "prog1", perform, Ymd(2026, 3, 13))),
                    kFailedPrecondition);
  PTRACK_CHECK_CODE(store.LogSession(MakeSession("far", "p1", "prog1", perform, Ymd(2026, 3, 7))),
                    kFailedPrecondition);
  PTRACK_CHECK_CODE(store.GetSession("p1", "far"), kNotFound);
  for (int shift : {-1, 0, 1}) {
    const std::string id = "near" + std::to_string(shift);
    PTRACK_REQUIRE_OK(store.LogSession(
        MakeSession(id, "p1", "prog1", perform, Ymd(2026, 3, 10) + date::days{shift})));
  }
}

}  // namespace ptrack::testing
