// Store contract tests for adaptive progression and clinic catalogue entries, written against
// the Store interface only: next-morning pain reports and therapist actions are append-only and
// idempotent, revisions append with an optimistic check, sessions keep their red flags, and a
// clinic's own entries stay its own.
#include <catch2/catch.hpp>

#include "tests/storage/store_fixture.h"

namespace ptrack::testing {
namespace {

// A clinic, a therapist, a patient and a program with one session "s1" on 2026-03-02.
struct Seeded {
  StoreFixture fixture;
  Store& store = fixture.store();
  Program program;
  Session session;
  Seeded() {
    SeedClinic(store, "c1");
    SeedTherapist(store, "t1", "c1");
    SeedPatient(store, "p1", "c1", "t1");
    const Protocol protocol = SeedCatalogue(store);
    program = SeedProgram(store, "prog1", "p1", protocol, Ymd(2026, 3, 2));
    session = MakeSession("s1", "p1", "prog1", At(Ymd(2026, 3, 2), 18), Ymd(2026, 3, 2));
    session.red_flags = {"recent-trauma"};
    session.exercises[0].pain = 4;
    PTRACK_REQUIRE_OK(store.LogSession(session));
  }
};

}  // namespace

TEST_CASE("sessions keep their red flags and per-exercise pain", "[foundation][store]") {
  Seeded s;
  auto sessions = s.store.ListProgramSessions("prog1");
  PTRACK_REQUIRE_OK(sessions);
  REQUIRE(sessions->size() == 1);
  CHECK(sessions->front().red_flags == std::vector<std::string>{"recent-trauma"});
  CHECK(sessions->front().exercises[0].pain == 4);
  CHECK(sessions->front().exercises[1].pain == -1);
}

TEST_CASE("next-morning pain: once per session, idempotent, unknown session NOT_FOUND",
          "[foundation][store]") {
  Seeded s;
  PTRACK_REQUIRE_OK(s.store.AddPainFollowUp("p1", {"s1", 5}, At(Ymd(2026, 3, 3), 8)));
  PTRACK_REQUIRE_OK(s.store.AddPainFollowUp("p1", {"s1", 5}, At(Ymd(2026, 3, 3), 9)));
  PTRACK_CHECK_CODE(s.store.AddPainFollowUp("p1", {"s1", 2}, At(Ymd(2026, 3, 3), 9)),
                    kAlreadyExists);
  PTRACK_CHECK_CODE(s.store.AddPainFollowUp("p1", {"nope", 2}, At(Ymd(2026, 3, 3), 9)), kNotFound);
  auto listed = s.store.ListPainFollowUps("prog1");
  PTRACK_REQUIRE_OK(listed);
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().pain == 5);

  // Under another patient, the same session id is another session: p2 cannot report on p1's
  // session, and p2's own session "s1" takes its own report.
  SeedPatient(s.store, "p2", "c1", "t1");
  PTRACK_CHECK_CODE(s.store.AddPainFollowUp("p2", {"s1", 1}, At(Ymd(2026, 3, 3), 9)), kNotFound);
  const Protocol protocol = *s.store.GetProtocol("basic");
  SeedProgram(s.store, "prog2", "p2", protocol, Ymd(2026, 3, 2));
  PTRACK_REQUIRE_OK(s.store.LogSession(
      MakeSession("s1", "p2", "prog2", At(Ymd(2026, 3, 2), 19), Ymd(2026, 3, 2))));
  PTRACK_REQUIRE_OK(s.store.AddPainFollowUp("p2", {"s1", 1}, At(Ymd(2026, 3, 3), 9)));
  listed = s.store.ListPainFollowUps("prog1");
  PTRACK_REQUIRE_OK(listed);
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().pain == 5);
  listed = s.store.ListPainFollowUps("prog2");
  PTRACK_REQUIRE_OK(listed);
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().pain == 1);
}

TEST_CASE("therapist actions: idempotent on id, another payload ALREADY_EXISTS, read back",
          "[foundation][store]") {
  Seeded s;
  const TherapistAction clear{TherapistAction::Kind::kClearRedFlag, Ymd(2026, 3, 3), "",
                              "phoned, fine", At(Ymd(2026, 3, 3), 10)};
  PTRACK_REQUIRE_OK(s.store.AddTherapistAction("a1", "prog1", clear, "t1", clear.at));
  PTRACK_REQUIRE_OK(s.store.AddTherapistAction("a1", "prog1", clear, "t1", clear.at));
  TherapistAction other = clear;
  other.note = "something else";
  PTRACK_CHECK_CODE(s.store.AddTherapistAction("a1", "prog1", other, "t1", clear.at),
                    kAlreadyExists);
  auto got = s.store.GetTherapistAction("a1");
  PTRACK_REQUIRE_OK(got);
  CHECK(got->kind == TherapistAction::Kind::kClearRedFlag);
  CHECK(got->date == Ymd(2026, 3, 3));
  CHECK(got->note == "phoned, fine");
  CHECK(got->at == clear.at);
  PTRACK_CHECK_CODE(s.store.GetTherapistAction("a2"), kNotFound);
  auto listed = s.store.ListTherapistActions("prog1");
  PTRACK_REQUIRE_OK(listed);
  CHECK(listed->size() == 1);
}

TEST_CASE("revisions append only on the expected latest, with their rules", "[foundation][store]") {
  Seeded s;
  ProgramRevision r2 = s.program.revisions.front();
  r2.revision = 2;
  r2.effective_date = Ymd(2026, 3, 9);
  r2.reason = "lighter";
  r2.rules.pain_safe_max = 2;
  r2.rules.band_order = {"red"};
  PTRACK_CHECK_CODE(s.store.AppendRevision("prog1", r2, 2), kAborted);
  auto appended = s.store.AppendRevision("prog1", r2, 1);
  PTRACK_REQUIRE_OK(appended);
  CHECK(appended->revisions.size() == 2);
  auto read = s.store.GetProgram("prog1");
  PTRACK_REQUIRE_OK(read);
  REQUIRE(read->revisions.size() == 2);
  CHECK(read->revisions[1].rules == r2.rules);
  CHECK(read->revisions[1].reason == "lighter");
  PTRACK_CHECK_CODE(s.store.AppendRevision("prog1", r2, 1), kAborted);
}

TEST_CASE("a clinic's own catalogue entries: visible to it alone, never retired by a reload",
          "[foundation][store]") {
  Seeded s;
  SeedClinic(s.store, "c2");
  Exercise own = MakeExercise("c1-wall-slide", Region::kUpperBack);
  own.clinic_id = "c1";
  PTRACK_REQUIRE_OK(s.store.CreateExercise(own));
  PTRACK_CHECK_CODE(s.store.CreateExercise(own), kAlreadyExists);
  auto listed = [&](const std::string& clinic) {
    auto page = s.store.ListExercises(Region::kUnspecified, PageRequest{100, ""}, clinic);
    REQUIRE(page.ok());
    std::vector<std::string> ids;
    for (const Exercise& e : page->items) ids.push_back(e.id);
    return ids;
  };
  CHECK(listed("c1") == std::vector<std::string>{"band-row", "c1-wall-slide", "chin-nod"});
  CHECK(listed("c2") == std::vector<std::string>{"band-row", "chin-nod"});
  auto got = s.store.GetExercise("c1-wall-slide");
  PTRACK_REQUIRE_OK(got);
  CHECK(got->clinic_id == "c1");
  // Reloading the shipped data (without the clinic's entry) leaves it alone...
  PTRACK_REQUIRE_OK(s.store.ReplaceCatalogue({MakeExercise("chin-nod", Region::kNeck)}, {}));
  CHECK(listed("c1") == std::vector<std::string>{"c1-wall-slide", "chin-nod"});
  // ...and a shipped entry with the same id cannot take it over.
  PTRACK_REQUIRE_OK(s.store.ReplaceCatalogue({MakeExercise("c1-wall-slide", Region::kCore)}, {}));
  got = s.store.GetExercise("c1-wall-slide");
  PTRACK_REQUIRE_OK(got);
  CHECK(got->clinic_id == "c1");
  CHECK(got->region == Region::kUpperBack);
}

}  // namespace ptrack::testing
