// The Store contract suite (storage/store.h), written against `Store&` only so that every backend
// runs the same cases: clinics, accounts and therapists (with their atomic account), patients
// (idempotent create, keyset listing, versioned update), bearer tokens (revoked by a lock-out and
// by disabling the account), disabled accounts, the catalogue, programs (first revision,
// idempotent replay, one active program per patient), server secrets (created once), and
// sessions — written
// exactly once per id forever, with the day's facts maintained in the same transaction, listed
// newest first with date bounds and a stable cursor, and logged from many threads at once. Every
// refused write is checked to have changed nothing. The SQLite backend is supplied by
// StoreFixture (store_fixture.h).
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <latch>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/storage/store_fixture.h"

namespace ptrack::testing {
namespace {

std::vector<std::string> Ids(const std::vector<Patient>& v) {
  std::vector<std::string> out;
  for (const auto& p : v) out.push_back(p.id);
  return out;
}

template <typename T>
std::vector<std::string> FlatIds(const std::vector<std::vector<T>>& pages) {
  std::vector<std::string> out;
  for (const auto& page : pages) {
    for (const auto& item : page) out.push_back(item.id);
  }
  return out;
}

std::vector<size_t> Sizes(const auto& pages) {
  std::vector<size_t> out;
  for (const auto& p : pages) out.push_back(p.size());
  return out;
}

DailyFacts Facts(LocalDate day, int sessions, int exercises, int max_pain) {
  DailyFacts f;
  f.date = day;
  f.sessions_done = sessions;
  f.exercises_done = exercises;
  f.max_pain = max_pain;
  return f;
}

std::vector<DailyFacts> SortedFacts(Store& store, const std::string& patient, LocalDate from,
                                    LocalDate to) {
  auto r = store.GetDailyFacts(patient, from, to);
  PTRACK_REQUIRE_OK(r);
  std::vector<DailyFacts> out = *r;
  std::sort(out.begin(), out.end(),
            [](const DailyFacts& a, const DailyFacts& b) { return a.date < b.date; });
  return out;
}

std::vector<Session> AllSessions(Store& store, const std::string& patient,
                                 std::optional<LocalDate> from = std::nullopt,
                                 std::optional<LocalDate> to = std::nullopt, int limit = 100) {
  auto pages = AllPages<Session>([&](const std::string& after) {
    return store.ListSessions(patient, from, to, PageRequest{limit, after});
  });
  std::vector<Session> out;
  for (const auto& page : pages) out.insert(out.end(), page.begin(), page.end());
  return out;
}

// The second patient p2 of clinic c1 with active program prog2 (seeded on top of SeedWorld).
Patient SeedSecondPatient(Store& store, const World& w) {
  Patient p2 = SeedPatient(store, "p2", w.clinic, w.therapist.id);
  SeedProgram(store, "prog2", p2.id, w.protocol, Ymd(2026, 3, 2));
  return p2;
}

TEST_CASE("clinics: create, get, and a duplicate id is ALREADY_EXISTS", "[foundation][store]") {
  StoreFixture f;
  Store& store = f.store();

  PTRACK_REQUIRE_OK(store.CreateClinic(Clinic{"c1", "Physio North", "Europe/Berlin"}));
  auto got = store.GetClinic("c1");
  PTRACK_REQUIRE_OK(got);
  CHECK(got->id == "c1");
  CHECK(got->display_name == "Physio North");
  CHECK(got->time_zone == "Europe/Berlin");

  PTRACK_CHECK_CODE(store.CreateClinic(Clinic{"c1", "Impostor", "America/New_York"}),
                    kAlreadyExists);
  got = store.GetClinic("c1");
  PTRACK_REQUIRE_OK(got);
  CHECK(got->display_name == "Physio North");
  CHECK(got->time_zone == "Europe/Berlin");

  PTRACK_CHECK_CODE(store.GetClinic("c2"), kNotFound);
}

TEST_CASE("accounts: create, get, and a taken username is ALREADY_EXISTS", "[foundation][store]") {
  StoreFixture f;
  Store& store = f.store();
  SeedClinic(store, "c1");

  Account admin = MakeAccount("admin", Role::kClinicAdmin, "c1", "");
  PTRACK_REQUIRE_OK(store.CreateAccount(admin));
  auto got = store.GetAccount("admin");
  PTRACK_REQUIRE_OK(got);
  CHECK(got->username == "admin");
  CHECK(got->password_hash == admin.password_hash);
  CHECK(got->role == Role::kClinicAdmin);
  CHECK(got->clinic_id == "c1");
  CHECK(got->subject_id.empty());
  CHECK(got->create_time == admin.create_time);

  Account again = MakeAccount("admin", Role::kClinicAdmin, "c1", "");
  again.password_hash = "$argon2id$different";
  PTRACK_CHECK_CODE(store.CreateAccount(again), kAlreadyExists);
  got = store.GetAccount("admin");
  PTRACK_REQUIRE_OK(got);
  CHECK(got->password_hash == admin.password_hash);

  PTRACK_CHECK_CODE(store.GetAccount("nobody"), kNotFound);
}

TEST_CASE("therapists: created atomically with their account, a failed create writes nothing",
          "[foundation][store]") {
  StoreFixture f;
  Store& store = f.store();
  SeedClinic(store, "c1");

  Therapist t1 = MakeTherapist("t1", "c1");
  PTRACK_REQUIRE_OK(store.CreateTherapist(t1, AccountFor(t1)));
  auto got = store.GetTherapist("t1");
  PTRACK_REQUIRE_OK(got);
  CHECK(got->clinic_id == "c1");
  CHECK(got->display_name == t1.display_name);
  CHECK(got->username == t1.username);
  auto account = store.GetAccount(t1.username);
  PTRACK_REQUIRE_OK(account);
  CHECK(account->role == Role::kTherapist);
  CHECK(account->subject_id == "t1");

  SECTION("a taken username fails and leaves no therapist row") {
    Therapist t2 = MakeTherapist("t2", "c1");
    t2.username = t1.username;
    PTRACK_CHECK_CODE(store.CreateTherapist(t2, AccountFor(t2)), kAlreadyExists);
    PTRACK_CHECK_CODE(store.GetTherapist("t2"), kNotFound);
    auto list = store.ListTherapists("c1", PageRequest{10, ""});
    PTRACK_REQUIRE_OK(list);
    REQUIRE(list->items.size() == 1);
    CHECK(list->items[0].id == "t1");
    // The first therapist's account is untouched.
    account = store.GetAccount(t1.username);
    PTRACK_REQUIRE_OK(account);
    CHECK(account->subject_id == "t1");
  }
  SECTION("a taken therapist id fails and leaves no account behind") {
    Therapist again = MakeTherapist("t1", "c1");
    again.username = "fresh-username";
    PTRACK_CHECK_CODE(store.CreateTherapist(again, AccountFor(again)), kAlreadyExists);
    PTRACK_CHECK_CODE(store.GetAccount("fresh-username"), kNotFound);
    got = store.GetTherapist("t1");
    PTRACK_REQUIRE_OK(got);
    CHECK(got->username == t1.username);
  }
  SECTION("ListTherapists pages one clinic's therapists in id order") {
    SeedClinic(store, "c2");
    SeedTherapist(store, "t3", "c1");
    SeedTherapist(store, "t0", "c2");
    SeedTherapist(store, "t2", "c1");
    auto pages = AllPages<Therapist>([&](const std::string& after) {
      return store.ListTherapists("c1", PageRequest{2, after});
    });
    CHECK(FlatIds(pages) == std::vector<std::string>{"t1", "t2", "t3"});
    CHECK(Sizes(pages) == std::vector<size_t>{2, 1});
  }
}

TEST_CASE("CreatePatient is idempotent on id and writes nothing when refused",
          "[foundation][store]") {
  StoreFixture f;
  Store& store = f.store();
  SeedClinic(store, "c1");
  SeedClinic(store, "c2");
  SeedTherapist(store, "t1", "c1");
  SeedTherapist(store, "t9", "c2");

  Patient p = MakePatient("p1", "c1", "t1");
  auto created = store.CreatePatient(p, AccountFor(p));
  PTRACK_REQUIRE_OK(created);
  CHECK(created->id == "p1");
  CHECK(created->version == 1);
  auto account = store.GetAccount(p.username);
  PTRACK_REQUIRE_OK(account);
  CHECK(account->role == Role::kPatient);
  CHECK(account->subject_id == "p1");

  SECTION("the same payload again returns the stored patient") {
    Patient retry = p;
    retry.create_time = p.create_time + std::chrono::hours{72};  // not part of the payload
    auto again = store.CreatePatient(retry, AccountFor(retry));
    PTRACK_REQUIRE_OK(again);
    CHECK(again->id == "p1");
    CHECK(again->create_time == p.create_time);
    CHECK(again->version == 1);
    auto list = store.ListPatients("c1", "", PageRequest{10, ""});
    PTRACK_REQUIRE_OK(list);
    CHECK(Ids(list->items) == std::vector<std::string>{"p1"});
  }
  SECTION("a different payload on the same id is ALREADY_EXISTS") {
    Patient other = p;
    other.display_name = "Someone else";
    PTRACK_CHECK_CODE(store.CreatePatient(other, AccountFor(other)), kAlreadyExists);
    other = p;
    other.username = "user-other";
    PTRACK_CHECK_CODE(store.CreatePatient(other, AccountFor(other)), kAlreadyExists);
    PTRACK_CHECK_CODE(store.GetAccount("user-other"), kNotFound);
    auto stored = store.GetPatient("p1");
    PTRACK_REQUIRE_OK(stored);
    CHECK(stored->display_name == p.display_name);
    CHECK(stored->username == p.username);
  }
  SECTION("a taken username is ALREADY_EXISTS") {
    Patient p2 = MakePatient("p2", "c1", "t1");
    p2.username = p.username;
    PTRACK_CHECK_CODE(store.CreatePatient(p2, AccountFor(p2)), kAlreadyExists);
    PTRACK_CHECK_CODE(store.GetPatient("p2"), kNotFound);
    account = store.GetAccount(p.username);
    PTRACK_REQUIRE_OK(account);
    CHECK(account->subject_id == "p1");
  }
  SECTION("a therapist of another clinic is FAILED_PRECONDITION and nothing is written") {
    Patient p3 = MakePatient("p3", "c1", "t9");
    PTRACK_CHECK_CODE(store.CreatePatient(p3, AccountFor(p3)), kFailedPrecondition);
    PTRACK_CHECK_CODE(store.GetPatient("p3"), kNotFound);
    PTRACK_CHECK_CODE(store.GetAccount(p3.username), kNotFound);

    Patient p4 = MakePatient("p4", "c1", "no-such-therapist");
    PTRACK_CHECK_CODE(store.CreatePatient(p4, AccountFor(p4)), kFailedPrecondition);
    PTRACK_CHECK_CODE(store.GetPatient("p4"), kNotFound);
    PTRACK_CHECK_CODE(store.GetAccount(p4.username), kNotFound);
  }
}

TEST_CASE("ListPatients pages in id order, once each, filtered by clinic and therapist",
          "[foundation][store]") {
  StoreFixture f;
  Store& store = f.store();
  SeedClinic(store, "c1");
  SeedClinic(store, "c2");
  SeedTherapist(store, "t1", "c1");
  SeedTherapist(store, "t2", "c1");
  SeedTherapist(store, "t3", "c2");
  // Inserted out of order; t2 treats p-02, p-05 and p-07.
  for (const auto& [id, therapist] :
       std::vector<std::pair<std::string, std::string>>{{"p-05", "t2"},
                                                        {"p-01", "t1"},
                                                        {"p-07", "t2"},
                                                        {"p-03", "t1"},
                                                        {"p-02", "t2"},
                                                        {"p-06", "t1"},
                                                        {"p-04", "t1"}}) {
    SeedPatient(store, id, "c1", therapist);
  }
  SeedPatient(store, "p-00", "c2", "t3");
  SeedPatient(store, "p-99", "c2", "t3");

  auto all = AllPages<Patient>([&](const std::string& after) {
    return store.ListPatients("c1", "", PageRequest{3, after});
  });
  CHECK(FlatIds(all) ==
        std::vector<std::string>{"p-01", "p-02", "p-03", "p-04", "p-05", "p-06", "p-07"});
  CHECK(Sizes(all) == std::vector<size_t>{3, 3, 1});

  auto by_t2 = AllPages<Patient>([&](const std::string& after) {
    return store.ListPatients("c1", "t2", PageRequest{2, after});
  });
  CHECK(FlatIds(by_t2) == std::vector<std::string>{"p-02", "p-05", "p-07"});
  CHECK(Sizes(by_t2) == std::vector<size_t>{2, 1});
  for (const auto& page : by_t2) {
    for (const auto& p : page) CHECK(p.therapist_id == "t2");
  }

  auto other_clinic = AllPages<Patient>([&](const std::string& after) {
    return store.ListPatients("c2", "", PageRequest{3, after});
  });
  CHECK(FlatIds(other_clinic) == std::vector<std::string>{"p-00", "p-99"});

  auto exact = store.ListPatients("c1", "t2", PageRequest{3, ""});
  PTRACK_REQUIRE_OK(exact);
  CHECK(exact->items.size() == 3);
  CHECK(exact->next_after.empty());  // a page that ends exactly at the last row has no cursor
}

TEST_CASE("UpdatePatient replaces the mutable fields only on the current version",
          "[foundation][store]") {
  StoreFixture f;
  Store& store = f.store();
  SeedClinic(store, "c1");
  SeedTherapist(store, "t1", "c1");
  SeedTherapist(store, "t2", "c1");
  Patient stored = SeedPatient(store, "p1", "c1", "t1");
  REQUIRE(stored.version == 1);

  Patient change = stored;
  change.display_name = "Renamed";
  change.time_zone = "America/New_York";
  change.therapist_id = "t2";
  change.clinic_id = "c-ignored";  // not replaceable
  change.username = "ignored";     // not replaceable
  auto updated = store.UpdatePatient(change);
  PTRACK_REQUIRE_OK(updated);
  CHECK(updated->version == 2);
  CHECK(updated->display_name == "Renamed");

  auto got = store.GetPatient("p1");
  PTRACK_REQUIRE_OK(got);
  CHECK(got->version == 2);
  CHECK(got->display_name == "Renamed");
  CHECK(got->time_zone == "America/New_York");
  CHECK(got->therapist_id == "t2");
  CHECK(got->clinic_id == "c1");
  CHECK(got->username == stored.username);
  CHECK(got->create_time == stored.create_time);
  auto by_t2 = store.ListPatients("c1", "t2", PageRequest{10, ""});
  PTRACK_REQUIRE_OK(by_t2);
  CHECK(Ids(by_t2->items) == std::vector<std::string>{"p1"});

  // A writer that read version 1 lost the race.
  Patient stale = stored;
  stale.display_name = "Stale write";
  PTRACK_CHECK_CODE(store.UpdatePatient(stale), kAborted);
  got = store.GetPatient("p1");
  PTRACK_REQUIRE_OK(got);
  CHECK(got->version == 2);
  CHECK(got->display_name == "Renamed");

  Patient next = *got;
  next.display_name = "Third";
  updated = store.UpdatePatient(next);
  PTRACK_REQUIRE_OK(updated);
  CHECK(updated->version == 3);

  Patient missing = stored;
  missing.id = "p-missing";
  PTRACK_CHECK_CODE(store.UpdatePatient(missing), kNotFound);
}

TEST_CASE("tokens: put, get and revoke by the full binary hash", "[foundation][store]") {
  StoreFixture f;
  Store& store = f.store();
  SeedClinic(store, "c1");
  Therapist t = SeedTherapist(store, "t1", "c1");

  // Raw SHA-256 bytes: embedded NULs and high bytes; h2 differs from h1 in the last byte only.
  std::string h1(32, '\0');
  for (size_t i = 0; i < h1.size(); ++i) h1[i] = static_cast<char>((i * 37 + 0x80) & 0xff);
  h1[0] = '\0';
  h1[7] = '\0';
  std::string h2 = h1;
  h2[31] = static_cast<char>(h2[31] ^ 1);

  TokenRecord r1{h1,
                 t.username,
                 FromUnixMillis(1767225600000),
                 FromUnixMillis(1767312000000),
                 FromUnixMillis(1767225600000),
                 false};
  TokenRecord r2{h2,
                 t.username,
                 FromUnixMillis(1767225601000),
                 FromUnixMillis(1767312001000),
                 FromUnixMillis(1767225601000),
                 false};
  PTRACK_REQUIRE_OK(store.PutToken(r1));
  PTRACK_REQUIRE_OK(store.PutToken(r2));

  auto got = store.GetToken(h1);
  PTRACK_REQUIRE_OK(got);
  CHECK(got->token_hash == h1);
  CHECK(got->username == t.username);
  CHECK(got->create_time == r1.create_time);
  CHECK(got->expire_time == r1.expire_time);
  CHECK(got->last_use_time == r1.last_use_time);
  CHECK_FALSE(got->revoked);

  PTRACK_REQUIRE_OK(store.RevokeToken(h1));
  got = store.GetToken(h1);
  PTRACK_REQUIRE_OK(got);
  CHECK(got->revoked);
  got = store.GetToken(h2);
  PTRACK_REQUIRE_OK(got);
  CHECK_FALSE(got->revoked);
  CHECK(got->create_time == r2.create_time);

  PTRACK_CHECK_CODE(store.GetToken(h1.substr(0, 16)), kNotFound);
  PTRACK_CHECK_CODE(store.GetToken(std::string(32, 'x')), kNotFound);
  PTRACK_CHECK_CODE(store.RevokeToken(std::string(32, 'x')), kNotFound);
}

TEST_CASE("secrets: the first value stored under a name is the only one, byte for byte",
          "[foundation][store]") {
  StoreFixture f;
  Store& store = f.store();
  const std::string first("\x00key\xff\x80", 6);
  auto created = store.GetOrCreateSecret("audit-unknown-name-key", first);
  PTRACK_REQUIRE_OK(created);
  CHECK(*created == first);
  // A later candidate never replaces it.
  auto again = store.GetOrCreateSecret("audit-unknown-name-key", "another candidate");
  PTRACK_REQUIRE_OK(again);
  CHECK(*again == first);
  // Names are independent.
  auto other = store.GetOrCreateSecret("another-key", "its own");
  PTRACK_REQUIRE_OK(other);
  CHECK(*other == "its own");
}

// Two live tokens of `username` and one of `other`, with distinct one-byte-different hashes.
std::vector<TokenRecord> PutTokens(Store& store, const std::string& username,
                                   const std::string& other) {
  std::vector<TokenRecord> tokens;
  for (const auto& [i, user] :
       {std::pair<int, std::string>{1, username}, {2, username}, {3, other}}) {
    TokenRecord t{std::string(31, '\x7f') + static_cast<char>(i),
                  user,
                  FromUnixMillis(1767225600000),
                  FromUnixMillis(1769817600000),
                  FromUnixMillis(1767225600000),
                  false};
    PTRACK_REQUIRE_OK(store.PutToken(t));
    tokens.push_back(t);
  }
  return tokens;
}

bool Revoked(Store& store, const TokenRecord& t) {
  auto got = store.GetToken(t.token_hash);
  PTRACK_REQUIRE_OK(got);
  return got->revoked;
}

TEST_CASE("AddSignInFailure revokes the account's tokens when the count reaches lock_after",
          "[foundation][store]") {
  StoreFixture f;
  Store& store = f.store();
  SeedClinic(store, "c1");
  PTRACK_REQUIRE_OK(store.CreateAccount(MakeAccount("admin", Role::kClinicAdmin, "c1", "")));
  PTRACK_REQUIRE_OK(store.CreateAccount(MakeAccount("other", Role::kClinicAdmin, "c1", "")));
  const std::vector<TokenRecord> tokens = PutTokens(store, "admin", "other");
  const Instant at = FromUnixMillis(1767230000000);
  for (int i = 1; i < 3; ++i) {
    auto count = store.AddSignInFailure("admin", at, 3);
    PTRACK_REQUIRE_OK(count);
    CHECK(*count == i);
    CHECK_FALSE(Revoked(store, tokens[0]));  // below the lock: nothing revoked
  }
  auto count = store.AddSignInFailure("admin", at, 3);
  PTRACK_REQUIRE_OK(count);
  CHECK(*count == 3);
  CHECK(Revoked(store, tokens[0]));
  CHECK(Revoked(store, tokens[1]));
  CHECK_FALSE(Revoked(store, tokens[2]));  // another account's
  PTRACK_CHECK_CODE(store.AddSignInFailure("nobody", at, 3), kNotFound);
}

TEST_CASE("The revocation epoch moves with every change that can end a token early, only then",
          "[foundation][store]") {
  StoreFixture f;
  Store& store = f.store();
  SeedClinic(store, "c1");
  PTRACK_REQUIRE_OK(store.CreateAccount(MakeAccount("admin", Role::kClinicAdmin, "c1", "")));
  PTRACK_REQUIRE_OK(store.CreateAccount(MakeAccount("other", Role::kClinicAdmin, "c1", "")));
  const std::vector<TokenRecord> tokens = PutTokens(store, "admin", "other");
  const Instant at = FromUnixMillis(1767230000000);
  int64_t last = 0;
  auto epoch = [&] {
    auto e = store.GetRevocationEpoch();
    PTRACK_REQUIRE_OK(e);
    return *e;
  };
  // Reports whether the epoch grew since the last look.
  auto moved = [&] {
    const int64_t now = epoch();
    const bool grew = now > last;
    CHECK(now >= last);
    last = now;
    return grew;
  };
  last = epoch();

  // Ordinary use moves nothing: new tokens, touches, failures below the lock, resets.
  PTRACK_REQUIRE_OK(store.TouchToken(tokens[0].token_hash, at));
  PTRACK_REQUIRE_OK(store.AddSignInFailure("admin", at, 3));
  PTRACK_REQUIRE_OK(store.ResetSignInFailures("admin"));
  PTRACK_REQUIRE_OK(store.SetAccountDisabled("admin", false, at));  // enabled already
  CHECK_FALSE(moved());

  PTRACK_REQUIRE_OK(store.RevokeToken(tokens[0].token_hash));
  CHECK(moved());
  PTRACK_REQUIRE_OK(store.RevokeToken(tokens[0].token_hash));  // revoked already
  CHECK_FALSE(moved());
  PTRACK_REQUIRE_OK(store.RevokeTokens("admin"));  // the second token
  CHECK(moved());
  PTRACK_REQUIRE_OK(store.SetPasswordHash("other", "$argon2id$another"));
  CHECK(moved());
  PTRACK_REQUIRE_OK(store.SetAccountDisabled("other", true, at));
  CHECK(moved());
  PTRACK_REQUIRE_OK(store.SetAccountDisabled("other", false, at));
  CHECK(moved());
  for (int i = 0; i < 3; ++i) PTRACK_REQUIRE_OK(store.AddSignInFailure("other", at, 3));
  CHECK_FALSE(moved());  // its token was revoked when it was disabled: nothing left to revoke
}

TEST_CASE(
    "SetAccountDisabled: disabling revokes tokens and voids codes at once, a disabled "
    "account's code is refused and kept, enabling changes only the flag",
    "[foundation][store]") {
  StoreFixture f;
  Store& store = f.store();
  SeedClinic(store, "c1");
  PTRACK_REQUIRE_OK(store.CreateAccount(MakeAccount("admin", Role::kClinicAdmin, "c1", "")));
  PTRACK_REQUIRE_OK(store.CreateAccount(MakeAccount("other", Role::kClinicAdmin, "c1", "")));
  const std::vector<TokenRecord> tokens = PutTokens(store, "admin", "other");
  const Instant now = FromUnixMillis(1767230000000);
  const Instant week = now + std::chrono::hours(24 * 7);
  PTRACK_REQUIRE_OK(store.PutEnrolmentCode({std::string(32, 'a'), "admin", now, week}));
  PTRACK_REQUIRE_OK(store.AddSignInFailure("admin", now, 50));

  PTRACK_REQUIRE_OK(store.SetAccountDisabled("admin", true, now));
  auto account = store.GetAccount("admin");
  PTRACK_REQUIRE_OK(account);
  CHECK(account->disabled);
  CHECK(account->failed_sign_ins == 1);
  CHECK(Revoked(store, tokens[0]));
  CHECK(Revoked(store, tokens[1]));
  CHECK_FALSE(Revoked(store, tokens[2]));
  PTRACK_CHECK_CODE(store.RedeemEnrolmentCode(std::string(32, 'a'), now, "$argon2id$new"),
                    kNotFound);                                     // voided by disabling
  PTRACK_REQUIRE_OK(store.SetAccountDisabled("admin", true, now));  // idempotent
  // A code issued while disabled is refused, and not used up.
  PTRACK_REQUIRE_OK(store.PutEnrolmentCode({std::string(32, 'b'), "admin", now, week}));
  PTRACK_CHECK_CODE(store.RedeemEnrolmentCode(std::string(32, 'b'), now, "$argon2id$new"),
                    kNotFound);
  account = store.GetAccount("admin");
  PTRACK_REQUIRE_OK(account);
  CHECK(account->password_hash != "$argon2id$new");

  PTRACK_REQUIRE_OK(store.SetAccountDisabled("admin", false, now));
  account = store.GetAccount("admin");
  PTRACK_REQUIRE_OK(account);
  CHECK_FALSE(account->disabled);
  CHECK(account->failed_sign_ins == 1);
  CHECK(Revoked(store, tokens[0]));  // revoked tokens stay revoked
  auto redeemed = store.RedeemEnrolmentCode(std::string(32, 'b'), now, "$argon2id$new");
  PTRACK_REQUIRE_OK(redeemed);
  CHECK(redeemed->password_hash == "$argon2id$new");
  PTRACK_CHECK_CODE(store.SetAccountDisabled("nobody", true, now), kNotFound);
  auto other = store.GetAccount("other");
  PTRACK_REQUIRE_OK(other);
  CHECK_FALSE(other->disabled);
}

TEST_CASE("exercises: put replaces, get round-trips, list pages in id order by region",
          "[foundation][store]") {
  StoreFixture f;
  Store& store = f.store();

  Exercise pyramid = MakeExercise("b-core", Region::kCore);
  pyramid.default_dose = Dose{};
  pyramid.default_dose.sets = 3;
  pyramid.default_dose.pyramid_reps = {6, 4, 2};
  pyramid.default_dose.load_kg = 2.5;
  pyramid.default_dose.side = Side::kEach;
  pyramid.ladder = "core-ladder";
  pyramid.ladder_rank = 2;
  pyramid.levers = {Lever::kPyramid, Lever::kLoad, Lever::kLadder};
  const std::vector<Exercise> all = {
      MakeExercise("c-neck", Region::kNeck), pyramid, MakeExercise("e-stretch", Region::kStretch),
      MakeExercise("a-neck", Region::kNeck), MakeExercise("d-back", Region::kUpperBack)};
  for (const auto& e : all) PTRACK_REQUIRE_OK(store.PutExercise(e));

  for (const auto& e : all) {
    auto got = store.GetExercise(e.id);
    PTRACK_REQUIRE_OK(got);
    CHECK(*got == e);
  }
  PTRACK_CHECK_CODE(store.GetExercise("no-such-exercise"), kNotFound);

  auto pages = AllPages<Exercise>([&](const std::string& after) {
    return store.ListExercises(Region::kUnspecified, PageRequest{2, after}, "");
  });
  CHECK(FlatIds(pages) ==
        std::vector<std::string>{"a-neck", "b-core", "c-neck", "d-back", "e-stretch"});
  CHECK(Sizes(pages) == std::vector<size_t>{2, 2, 1});

  auto neck = AllPages<Exercise>([&](const std::string& after) {
    return store.ListExercises(Region::kNeck, PageRequest{1, after}, "");
  });
  CHECK(FlatIds(neck) == std::vector<std::string>{"a-neck", "c-neck"});

  // Put replaces the whole entry, including the region the filter uses.
  Exercise moved = MakeExercise("c-neck", Region::kCore);
  moved.display_name = "Moved to core";
  PTRACK_REQUIRE_OK(store.PutExercise(moved));
  auto got = store.GetExercise("c-neck");
  PTRACK_REQUIRE_OK(got);
  CHECK(*got == moved);
  neck = AllPages<Exercise>([&](const std::string& after) {
    return store.ListExercises(Region::kNeck, PageRequest{10, after}, "");
  });
  CHECK(FlatIds(neck) == std::vector<std::string>{"a-neck"});
  auto core = AllPages<Exercise>([&](const std::string& after) {
    return store.ListExercises(Region::kCore, PageRequest{10, after}, "");
  });
  CHECK(FlatIds(core) == std::vector<std::string>{"b-core", "c-neck"});
}

TEST_CASE("protocols: put replaces, get round-trips, list pages in id order",
          "[foundation][store]") {
  StoreFixture f;
  Store& store = f.store();
  SeedCatalogue(store);  // protocol "basic"

  const Protocol p2 = MakeProtocol("neck-only", {"chin-nod"});
  const Protocol p3 = MakeProtocol("zz-last", {"band-row", "chin-nod"});
  PTRACK_REQUIRE_OK(store.PutProtocol(p3));
  PTRACK_REQUIRE_OK(store.PutProtocol(p2));

  auto got = store.GetProtocol("zz-last");
  PTRACK_REQUIRE_OK(got);
  CHECK(*got == p3);
  PTRACK_CHECK_CODE(store.GetProtocol("missing"), kNotFound);

  auto pages = AllPages<Protocol>([&](const std::string& after) {
    return store.ListProtocols(PageRequest{2, after}, "");
  });
  CHECK(FlatIds(pages) == std::vector<std::string>{"basic", "neck-only", "zz-last"});
  CHECK(Sizes(pages) == std::vector<size_t>{2, 1});

  Protocol edited = p2;
  edited.description = "Edited.";
  edited.phases[1].weeks = 4;
  edited.phases.push_back(MakePhase(3, 9, 0, {"chin-nod"}));
  PTRACK_REQUIRE_OK(store.PutProtocol(edited));
  got = store.GetProtocol("neck-only");
  PTRACK_REQUIRE_OK(got);
  CHECK(*got == edited);
}

TEST_CASE("CreateProgram keeps revision 1, replays idempotently, allows one active program",
          "[foundation][store]") {
  StoreFixture f;
  Store& store = f.store();
  SeedClinic(store, "c1");
  SeedTherapist(store, "t1", "c1");
  SeedPatient(store, "p1", "c1", "t1");
  SeedPatient(store, "p2", "c1", "t1");
  const Protocol protocol = SeedCatalogue(store);
  const Protocol other_protocol = MakeProtocol("other", {"chin-nod"});
  PTRACK_REQUIRE_OK(store.PutProtocol(other_protocol));

  PTRACK_CHECK_CODE(store.GetActiveProgram("p1"), kNotFound);
  PTRACK_CHECK_CODE(store.GetActiveProgramRef("p1"), kNotFound);

  const Program program = MakeProgram("prog1", "p1", protocol, Ymd(2026, 3, 2));
  auto created = store.CreateProgram(program);
  PTRACK_REQUIRE_OK(created);
  REQUIRE(created->revisions.size() == 1);
  CHECK(created->revisions[0].revision == 1);

  auto got = store.GetProgram("prog1");
  PTRACK_REQUIRE_OK(got);
  CHECK(got->patient_id == "p1");
  CHECK(got->protocol_id == "basic");
  CHECK(got->start_date == Ymd(2026, 3, 2));
  CHECK(got->state == ProgramState::kActive);
  CHECK(got->create_time == program.create_time);
  REQUIRE(got->revisions.size() == 1);
  const ProgramRevision& rev = got->revisions[0];
  CHECK(rev.revision == 1);
  CHECK(rev.effective_date == Ymd(2026, 3, 2));
  CHECK(rev.reason == program.revisions[0].reason);
  CHECK(rev.author == program.revisions[0].author);
  CHECK(rev.create_time == program.revisions[0].create_time);
  CHECK(rev.phases == protocol.phases);

  auto active = store.GetActiveProgram("p1");
  PTRACK_REQUIRE_OK(active);
  CHECK(active->id == "prog1");
  auto ref = store.GetActiveProgramRef("p1");
  PTRACK_REQUIRE_OK(ref);
  CHECK(ref->id == "prog1");
  CHECK(ref->start_date == Ymd(2026, 3, 2));

  // Replay of the same program: success with the stored program, still one program.
  auto replay = store.CreateProgram(program);
  PTRACK_REQUIRE_OK(replay);
  CHECK(replay->id == "prog1");
  REQUIRE(replay->revisions.size() == 1);
  CHECK(replay->revisions[0].phases == protocol.phases);
  auto list = store.ListPrograms("p1");
  PTRACK_REQUIRE_OK(list);
  CHECK(list->size() == 1);

  // The same id with another payload.
  PTRACK_CHECK_CODE(
      store.CreateProgram(MakeProgram("prog1", "p1", other_protocol, Ymd(2026, 3, 2))),
      kAlreadyExists);
  got = store.GetProgram("prog1");
  PTRACK_REQUIRE_OK(got);
  CHECK(got->protocol_id == "basic");

  // A second active program for the same patient.
  PTRACK_CHECK_CODE(
      store.CreateProgram(MakeProgram("prog-b", "p1", other_protocol, Ymd(2026, 4, 6))),
      kFailedPrecondition);
  PTRACK_CHECK_CODE(store.GetProgram("prog-b"), kNotFound);
  active = store.GetActiveProgram("p1");
  PTRACK_REQUIRE_OK(active);
  CHECK(active->id == "prog1");

  // An ended program is not active and does not block a new one; ListPrograms is newest first.
  Program ended = MakeProgram("old", "p2", protocol, Ymd(2025, 9, 1));
  ended.state = ProgramState::kEnded;
  PTRACK_REQUIRE_OK(store.CreateProgram(ended));
  PTRACK_CHECK_CODE(store.GetActiveProgram("p2"), kNotFound);
  PTRACK_CHECK_CODE(store.GetActiveProgramRef("p2"), kNotFound);
  PTRACK_REQUIRE_OK(store.CreateProgram(MakeProgram("new", "p2", other_protocol, Ymd(2026, 3, 2))));
  active = store.GetActiveProgram("p2");
  PTRACK_REQUIRE_OK(active);
  CHECK(active->id == "new");
  ref = store.GetActiveProgramRef("p2");
  PTRACK_REQUIRE_OK(ref);
  CHECK(ref->id == "new");  // not the ended one
  list = store.ListPrograms("p2");
  PTRACK_REQUIRE_OK(list);
  REQUIRE(list->size() == 2);
  CHECK((*list)[0].id == "new");
  CHECK((*list)[1].id == "old");
  CHECK((*list)[1].state == ProgramState::kEnded);
  PTRACK_CHECK_CODE(store.GetProgram("missing"), kNotFound);
}

TEST_CASE("DischargeProgram: ends an active program once, keeps it readable, frees the patient",
          "[foundation][store][care]") {
  StoreFixture f;
  Store& store = f.store();
  const World w = SeedWorld(store);  // prog1, active, for p1
  PatientSummary summary;
  summary.as_of = Ymd(2026, 4, 19);
  summary.program_id = "prog1";
  PTRACK_REQUIRE_OK(store.SavePatientSummary(w.clinic, "p1", summary, At(Ymd(2026, 4, 19), 9)));
  PTRACK_REQUIRE_OK(store.GetPatientSummary("p1"));
  const Discharge d{Ymd(2026, 4, 20), DischargeReason::kGoalsMet, "back to work",
                    "clinics/c1/therapists/t1", FromUnixMillis(1776700000000)};
  auto ended = store.DischargeProgram("prog1", d);
  PTRACK_REQUIRE_OK(ended);
  CHECK(ended->state == ProgramState::kEnded);
  REQUIRE(ended->discharge.has_value());
  CHECK(*ended->discharge == d);
  auto read = store.GetProgram("prog1");
  PTRACK_REQUIRE_OK(read);
  CHECK(read->state == ProgramState::kEnded);
  CHECK(read->discharge == d);
  CHECK(read->revisions.size() == ended->revisions.size());
  PTRACK_CHECK_CODE(store.GetActiveProgram("p1"), kNotFound);
  PTRACK_CHECK_CODE(store.GetPatientSummary("p1"), kNotFound);
  // The same discharge again answers as stored; another is refused and changes nothing.
  PTRACK_REQUIRE_OK(store.DischargeProgram("prog1", d));
  Discharge other = d;
  other.reason = DischargeReason::kDroppedOut;
  PTRACK_CHECK_CODE(store.DischargeProgram("prog1", other), kFailedPrecondition);
  CHECK(store.GetProgram("prog1")->discharge == d);
  PTRACK_CHECK_CODE(store.DischargeProgram("missing", d), kNotFound);
  // The patient may start again; both programs are listed, newest first.
  PTRACK_REQUIRE_OK(
      store.CreateProgram(MakeProgram("again", "p1", w.protocol, Ymd(2026, 5, 4))));
  auto list = store.ListPrograms("p1");
  PTRACK_REQUIRE_OK(list);
  REQUIRE(list->size() == 2);
  CHECK((*list)[0].id == "again");
  CHECK_FALSE((*list)[0].discharge.has_value());
  CHECK((*list)[1].discharge == d);
}

TEST_CASE("Pauses: added once, never overlapping, only ever ended earlier",
          "[foundation][store][care]") {
  StoreFixture f;
  Store& store = f.store();
  SeedWorld(store);  // prog1, active, for p1
  const Pause holiday{"9a1d7c2e-0000-4000-8000-0000000000a1", Ymd(2026, 4, 6), Ymd(2026, 4, 19),
                      "holiday", "clinics/c1/therapists/t1", FromUnixMillis(1775000000000)};
  auto added = store.AddPause("prog1", holiday);
  PTRACK_REQUIRE_OK(added);
  REQUIRE(added->pauses.size() == 1);
  CHECK(added->pauses[0] == holiday);
  CHECK(store.GetProgram("prog1")->pauses == std::vector<Pause>{holiday});
  PTRACK_REQUIRE_OK(store.AddPause("prog1", holiday));  // a retry
  Pause changed = holiday;
  changed.end = Ymd(2026, 4, 26);
  PTRACK_CHECK_CODE(store.AddPause("prog1", changed), kAlreadyExists);
  Pause overlapping = holiday;
  overlapping.id = "9a1d7c2e-0000-4000-8000-0000000000a2";
  overlapping.start = Ymd(2026, 4, 19);
  overlapping.end.reset();
  PTRACK_CHECK_CODE(store.AddPause("prog1", overlapping), kFailedPrecondition);
  // Ended early (a resume on 04-13): the last paused day becomes 04-12; never later again.
  auto ended = store.EndPause("prog1", holiday.id, Ymd(2026, 4, 12));
  PTRACK_REQUIRE_OK(ended);
  CHECK(ended->pauses[0].end == Ymd(2026, 4, 12));
  PTRACK_CHECK_CODE(store.EndPause("prog1", holiday.id, Ymd(2026, 4, 15)), kFailedPrecondition);
  PTRACK_CHECK_CODE(store.EndPause("prog1", "no-such-pause", Ymd(2026, 4, 15)), kNotFound);
  CHECK(store.GetProgram("prog1")->pauses[0].end == Ymd(2026, 4, 12));
  // After it, another pause fits.
  overlapping.start = Ymd(2026, 4, 13);
  PTRACK_REQUIRE_OK(store.AddPause("prog1", overlapping));
  CHECK(store.GetProgram("prog1")->pauses.size() == 2);
}

// DESIGN.md §4: the same id with a different payload is ALREADY_EXISTS. A program's payload
// includes its first revision: a therapist who retries a create after editing a dose must not
// get a silent success that keeps the old dose.
TEST_CASE("CreateProgram: the same id with different phases is ALREADY_EXISTS",
          "[foundation][store]") {
  StoreFixture f;
  Store& store = f.store();
  const World w = SeedWorld(store);  // prog1 for p1

  struct Mutation {
    const char* name;
    void (*apply)(Program&);
  };
  const Mutation mutations[] = {
      {"a dose step",
       [](Program& p) { p.revisions[0].phases[0].prescriptions[0].dose_steps[0].reps = 15; }},
      {"phase length", [](Program& p) { p.revisions[0].phases[0].weeks = 6; }},
      {"a prescription removed",
       [](Program& p) { p.revisions[0].phases[1].prescriptions.pop_back(); }},
  };
  for (const Mutation& m : mutations) {
    INFO("changed: " << m.name);
    Program changed = MakeProgram("prog1", "p1", w.protocol, Ymd(2026, 3, 2));
    m.apply(changed);
    PTRACK_CHECK_CODE(store.CreateProgram(changed), kAlreadyExists);
    auto got = store.GetProgram("prog1");
    PTRACK_REQUIRE_OK(got);
    REQUIRE(got->revisions.size() == 1);
    CHECK(got->revisions[0].phases == w.protocol.phases);
  }
}

TEST_CASE("LogSession stores a session exactly once per id", "[foundation][store]") {
  StoreFixture f;
  Store& store = f.store();
  SeedWorld(store);
  const LocalDate day = Ymd(2026, 3, 3);
  const Session s =
      MakeSession("5b0c3c1e-7d1a-4a51-9f3e-000000000001", "p1", "prog1", At(day, 7, 30), day);

  auto first = store.LogSession(s);
  PTRACK_REQUIRE_OK(first);
  CHECK_FALSE(first->replayed);
  CHECK(SamePayload(first->session, s));
  CHECK(first->session.local_date == day);

  auto got = store.GetSession("p1", s.id);
  PTRACK_REQUIRE_OK(got);
  CHECK(SamePayload(*got, s));
  CHECK(got->program_id == "prog1");
  CHECK(got->local_date == day);
  CHECK(got->receive_time == s.receive_time);
  PTRACK_CHECK_CODE(store.GetSession("p1", "5b0c3c1e-7d1a-4a51-9f3e-00000000ffff"), kNotFound);

  const std::vector<DailyFacts> one_session = {Facts(day, 1, 2, 3)};
  CHECK(SortedFacts(store, "p1", day, day) == one_session);

  auto second = store.LogSession(s);
  PTRACK_REQUIRE_OK(second);
  CHECK(second->replayed);
  CHECK(SamePayload(second->session, s));
  CHECK(AllSessions(store, "p1").size() == 1);
  CHECK(SortedFacts(store, "p1", day, day) == one_session);

  struct Mutation {
    const char* name;
    void (*apply)(Session&);
  };
  const Mutation mutations[] = {
      {"pain_before", [](Session& x) { x.pain_before = 7; }},
      {"pain_after", [](Session& x) { x.pain_after = 9; }},
      {"effort", [](Session& x) { x.effort = 1; }},
      {"notes", [](Session& x) { x.notes = "different"; }},
      {"perform_time", [](Session& x) { x.perform_time += std::chrono::minutes{1}; }},
      {"exercise sets", [](Session& x) { x.exercises[0].sets = 3; }},
      {"exercise load", [](Session& x) { x.exercises[1].load_kg = 1.5; }},
      {"extra exercise", [](Session& x) { x.exercises.push_back(Log("plank", 1, 0, 30)); }},
      {"exercise order", [](Session& x) { std::swap(x.exercises[0], x.exercises[1]); }},
  };
  for (const Mutation& m : mutations) {
    INFO("changed: " << m.name);
    Session changed = s;
    m.apply(changed);
    PTRACK_CHECK_CODE(store.LogSession(changed), kAlreadyExists);
    got = store.GetSession("p1", s.id);
    PTRACK_REQUIRE_OK(got);
    CHECK(SamePayload(*got, s));
    CHECK(SortedFacts(store, "p1", day, day) == one_session);
  }
  CHECK(AllSessions(store, "p1").size() == 1);
}

TEST_CASE("LogSession: a session id is unique per patient, not across patients or clinics",
          "[foundation][store]") {
  StoreFixture f;
  Store& store = f.store();
  const World w = SeedWorld(store);
  SeedClinic(store, "c2");
  SeedTherapist(store, "t2", "c2");
  SeedPatient(store, "p2", "c2", "t2");
  SeedProgram(store, "prog2", "p2", w.protocol, Ymd(2026, 3, 2));
  const LocalDate day = Ymd(2026, 3, 3);
  const std::string id = "5b0c3c1e-7d1a-4a51-9f3e-0000000000aa";
  const Session mine = MakeSession(id, "p1", "prog1", At(day, 7, 30), day);
  Session theirs = MakeSession(id, "p2", "prog2", At(day, 18), day);
  theirs.notes = "another clinic's patient, the same UUID";

  PTRACK_REQUIRE_OK(store.LogSession(mine));
  // The other patient does not see the id as taken: their session is stored, not refused.
  PTRACK_CHECK_CODE(store.GetSession("p2", id), kNotFound);
  auto stored = store.LogSession(theirs);
  PTRACK_REQUIRE_OK(stored);
  CHECK_FALSE(stored->replayed);
  CHECK(SamePayload(stored->session, theirs));

  // Each reads back their own; each patient's days count their own session once.
  auto got = store.GetSession("p1", id);
  PTRACK_REQUIRE_OK(got);
  CHECK(SamePayload(*got, mine));
  got = store.GetSession("p2", id);
  PTRACK_REQUIRE_OK(got);
  CHECK(SamePayload(*got, theirs));
  CHECK(AllSessions(store, "p1").size() == 1);
  CHECK(AllSessions(store, "p2").size() == 1);
  CHECK(SortedFacts(store, "p1", day, day).front().sessions_done == 1);
  CHECK(SortedFacts(store, "p2", day, day).front().sessions_done == 1);

  // Within one patient the id stays the idempotency key: a replay returns the stored session,
  // another payload is ALREADY_EXISTS, for either patient.
  auto replay = store.LogSession(theirs);
  PTRACK_REQUIRE_OK(replay);
  CHECK(replay->replayed);
  Session changed = mine;
  changed.notes = "changed";
  PTRACK_CHECK_CODE(store.LogSession(changed), kAlreadyExists);
  got = store.GetSession("p1", id);
  PTRACK_REQUIRE_OK(got);
  CHECK(SamePayload(*got, mine));
  CHECK(AllSessions(store, "p1").size() == 1);
  CHECK(AllSessions(store, "p2").size() == 1);
}

TEST_CASE("LogSession: a retry with other derived fields is the same session",
          "[foundation][store]") {
  StoreFixture f;
  Store& store = f.store();
  SeedWorld(store);
  const LocalDate day = Ymd(2026, 3, 3);
  const Session s =
      MakeSession("5b0c3c1e-7d1a-4a51-9f3e-000000000002", "p1", "prog1", At(day, 23, 30), day);
  auto first = store.LogSession(s);
  PTRACK_REQUIRE_OK(first);
  REQUIRE_FALSE(first->replayed);

  // The phone synced again three days later; the server derived another local date.
  Session retry = s;
  retry.receive_time = s.receive_time + std::chrono::hours{72};
  retry.local_date = day + date::days{1};
  auto again = store.LogSession(retry);
  PTRACK_REQUIRE_OK(again);
  CHECK(again->replayed);
  CHECK(again->session.local_date == day);               // as stored
  CHECK(again->session.receive_time == s.receive_time);  // as stored

  CHECK(AllSessions(store, "p1").size() == 1);
  const std::vector<DailyFacts> expected = {Facts(day, 1, 2, 3)};
  CHECK(SortedFacts(store, "p1", day - date::days{7}, day + date::days{7}) == expected);
}

TEST_CASE("DailyFacts accumulate the sessions of one patient and local day",
          "[foundation][store]") {
  StoreFixture f;
  Store& store = f.store();
  const World w = SeedWorld(store);
  const Patient p2 = SeedSecondPatient(store, w);
  const LocalDate day = Ymd(2026, 3, 4);
  const LocalDate next = day + date::days{1};

  Session s1 = MakeSession("00000000-0000-4000-8000-000000000001", "p1", "prog1", At(day, 7), day);
  s1.pain_before = 2;
  s1.pain_after = 3;
  s1.exercises = {Log("chin-nod", 2, 10), Log("band-row", 0, 0), Log("plank", 1, 0, 30)};
  Session s2 = MakeSession("00000000-0000-4000-8000-000000000002", "p1", "prog1", At(day, 18), day);
  s2.pain_before = 5;
  s2.pain_after = 1;
  s2.exercises = {Log("chin-nod", 3, 10)};
  Session s3 =
      MakeSession("00000000-0000-4000-8000-000000000003", "p1", "prog1", At(next, 8), next);
  s3.pain_before = 0;
  s3.pain_after = 0;
  s3.exercises = {Log("chin-nod", 0, 0)};
  Session other =
      MakeSession("00000000-0000-4000-8000-000000000004", p2.id, "prog2", At(day, 9), day);
  other.pain_after = 9;
  for (const Session& s : {s1, s2, s3, other}) {
    auto r = store.LogSession(s);
    PTRACK_REQUIRE_OK(r);
    CHECK_FALSE(r->replayed);
  }

  CHECK(SortedFacts(store, "p1", day, day) == std::vector<DailyFacts>{Facts(day, 2, 3, 5)});
  CHECK(SortedFacts(store, "p1", day - date::days{1}, next + date::days{1}) ==
        std::vector<DailyFacts>{Facts(day, 2, 3, 5), Facts(next, 1, 0, 0)});
  CHECK(SortedFacts(store, "p1", next + date::days{1}, next + date::days{9}).empty());
  CHECK(SortedFacts(store, p2.id, day, next) == std::vector<DailyFacts>{Facts(day, 1, 2, 9)});
}

TEST_CASE("ListSessions pages newest first within date bounds, across equal perform times",
          "[foundation][store]") {
  StoreFixture f;
  Store& store = f.store();
  const World w = SeedWorld(store);
  const Patient p2 = SeedSecondPatient(store, w);
  const LocalDate d2 = Ymd(2026, 3, 2), d3 = Ymd(2026, 3, 3), d4 = Ymd(2026, 3, 4),
                  d5 = Ymd(2026, 3, 5);
  // Three sessions share one perform time (e.g. a batch entered from paper).
  const std::vector<Session> sessions = {
      MakeSession("s-a", "p1", "prog1", At(d2, 8), d2),
      MakeSession("s-c", "p1", "prog1", At(d3, 8), d3),
      MakeSession("s-b", "p1", "prog1", At(d3, 8), d3),
      MakeSession("s-d", "p1", "prog1", At(d3, 8), d3),
      MakeSession("s-e", "p1", "prog1", At(d4, 8), d4),
      MakeSession("s-f", "p1", "prog1", At(d5, 8), d5),
      MakeSession("x-other", p2.id, "prog2", At(d3, 9), d3),
  };
  for (const Session& s : sessions) PTRACK_REQUIRE_OK(store.LogSession(s));

  // Checks that `got` holds exactly `ids`, once each, with perform times never increasing.
  auto check = [](const std::vector<Session>& got, std::set<std::string> ids) {
    std::multiset<std::string> seen;
    for (const auto& s : got) seen.insert(s.id);
    CHECK(seen == std::multiset<std::string>(ids.begin(), ids.end()));
    for (size_t i = 1; i < got.size(); ++i) {
      INFO("positions " << i - 1 << " and " << i);
      CHECK(got[i - 1].perform_time >= got[i].perform_time);
    }
  };

  for (int limit : {1, 2, 4, 100}) {
    INFO("limit " << limit);
    auto all = AllSessions(store, "p1", std::nullopt, std::nullopt, limit);
    check(all, {"s-a", "s-b", "s-c", "s-d", "s-e", "s-f"});
    REQUIRE(all.size() == 6);
    CHECK(all.front().id == "s-f");
    CHECK(all.back().id == "s-a");

    auto mid = AllSessions(store, "p1", d3, d4, limit);
    check(mid, {"s-b", "s-c", "s-d", "s-e"});

    auto to_only = AllSessions(store, "p1", std::nullopt, d3, limit);
    check(to_only, {"s-a", "s-b", "s-c", "s-d"});

    auto from_only = AllSessions(store, "p1", d4, std::nullopt, limit);
    check(from_only, {"s-e", "s-f"});
  }

  CHECK(AllSessions(store, "p1", Ymd(2026, 4, 1), Ymd(2026, 4, 30)).empty());
  auto others = AllSessions(store, p2.id);
  REQUIRE(others.size() == 1);
  CHECK(others[0].id == "x-other");
}

TEST_CASE("LogSession from many threads stores each id once with consistent daily facts",
          "[foundation][store]") {
  StoreFixture f;
  Store& store = f.store();
  SeedWorld(store);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  constexpr int kDays = 5;
  const LocalDate first_day = Ymd(2026, 3, 2);

  // Session (t, j) is deterministic, so both of its senders send the same payload.
  auto session = [&](int t, int j) {
    const LocalDate day = first_day + date::days{j % kDays};
    char id[64];
    std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%06d%06d", t, j);
    Session s = MakeSession(id, "p1", "prog1", At(day, 6 + t, j % 60), day);
    s.pain_before = (t + j) % 4;
    s.pain_after = (t * 3 + j) % 11;
    s.exercises = {Log("chin-nod", j % 3, 10), Log("band-row", 1, 12)};
    return s;
  };

  struct Outcome {
    int stored = 0;
    int replayed = 0;
    std::vector<std::string> errors;
  };
  std::vector<Outcome> outcomes(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Outcome& out = outcomes[t];
      start.arrive_and_wait();
      for (int j = 0; j < kPerThread; ++j) {
        // Its own session and its neighbour's: every id is sent twice, by two threads.
        for (const Session& s : {session(t, j), session((t + 1) % kThreads, j)}) {
          auto r = store.LogSession(s);
          if (!r.ok()) {
            out.errors.push_back("LogSession " + s.id + ": " + r.status().ToString());
            continue;
          }
          ++(r->replayed ? out.replayed : out.stored);
          auto read = store.GetSession(s.patient_id, s.id);  // a write that returned OK is visible
          if (!read.ok())
            out.errors.push_back("GetSession " + s.id + ": " + read.status().ToString());
        }
        auto facts = store.GetDailyFacts("p1", first_day, first_day + date::days{kDays});
        if (!facts.ok()) out.errors.push_back("GetDailyFacts: " + facts.status().ToString());
      }
    });
  }
  for (auto& th : threads) th.join();

  int stored = 0, replayed = 0;
  std::vector<std::string> errors;
  for (const auto& o : outcomes) {
    stored += o.stored;
    replayed += o.replayed;
    errors.insert(errors.end(), o.errors.begin(), o.errors.end());
  }
  INFO((errors.empty() ? std::string("no errors") : errors.front())
       << " (" << errors.size() << " errors)");
  CHECK(errors.empty());
  CHECK(stored == kThreads * kPerThread);
  CHECK(replayed == kThreads * kPerThread);

  std::set<std::string> expected_ids;
  std::map<LocalDate, DailyFacts> expected;
  for (int t = 0; t < kThreads; ++t) {
    for (int j = 0; j < kPerThread; ++j) {
      const Session s = session(t, j);
      expected_ids.insert(s.id);
      DailyFacts& d =
          expected.try_emplace(s.local_date, Facts(s.local_date, 0, 0, -1)).first->second;
      d.sessions_done += 1;
      d.exercises_done += (j % 3 > 0 ? 1 : 0) + 1;
      d.max_pain = std::max({d.max_pain, s.pain_before, s.pain_after});
    }
  }
  const auto rows = AllSessions(store, "p1", std::nullopt, std::nullopt, 97);
  std::set<std::string> got_ids;
  for (const auto& s : rows) got_ids.insert(s.id);
  CHECK(rows.size() == static_cast<size_t>(kThreads * kPerThread));
  CHECK(got_ids == expected_ids);

  std::vector<DailyFacts> expected_facts;
  for (const auto& [day, facts] : expected) expected_facts.push_back(facts);
  CHECK(SortedFacts(store, "p1", first_day, first_day + date::days{kDays}) == expected_facts);
}

// Group commit (sqlite_store.h) gathers concurrent writes into one transaction: a write that
// fails inside such a batch must be rolled back alone, and every write that succeeded must be
// there — whatever else shared its transaction.
TEST_CASE("concurrent writes: each is stored or refused alone, whatever shares its batch",
          "[foundation][store]") {
  StoreFixture f;
  Store& store = f.store();
  SeedClinic(store, "c1");
  constexpr int kThreads = 16, kEach = 20;
  std::vector<std::thread> threads;
  std::atomic<int> unexpected{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        // Every odd write reuses the therapist id of the write before it with a fresh username:
        // refused after its account row was inserted, so only a rollback of that write alone
        // leaves no account behind.
        const int n = i % 2 == 1 ? i - 1 : i;
        Therapist th = MakeTherapist("t" + std::to_string(t) + "-" + std::to_string(n), "c1");
        th.username = "u" + std::to_string(t) + "-" + std::to_string(i);
        const Status s = store.CreateTherapist(th, AccountFor(th));
        const bool expect_ok = i % 2 == 0;
        if (s.ok() != expect_ok || (!expect_ok && s.code() != StatusCode::kAlreadyExists)) {
          ++unexpected;
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  CHECK(unexpected == 0);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kEach; ++i) {
      const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
      const std::string username = "u" + std::to_string(t) + "-" + std::to_string(i);
      if (i % 2 == 0) {
        auto got = store.GetTherapist(id);
        PTRACK_REQUIRE_OK(got);
        CHECK(got->username == username);
        auto account = store.GetAccount(username);
        PTRACK_REQUIRE_OK(account);
        CHECK(account->subject_id == id);
      } else {
        PTRACK_CHECK_CODE(store.GetAccount(username), kNotFound);
      }
    }
  }
  auto all = AllPages<Therapist>([&](const std::string& after) {
    return store.ListTherapists("c1", PageRequest{200, after});
  });
  CHECK(FlatIds(all).size() == static_cast<size_t>(kThreads * kEach / 2));
}

}  // namespace
}  // namespace ptrack::testing
