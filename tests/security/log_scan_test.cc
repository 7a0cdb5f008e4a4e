// No secret and no health datum in the server's output (docs/SECURITY.md, "Input and logs"):
// a real ptrackd (no demo; the clinic is bootstrapped with `ptrackd admin create-clinic` and
// every account enrols with its code, so no password is ever on ptrackd's command line) is
// driven through the real ptrack CLI with distinctive passwords, bearer tokens (read from each
// user's saved profile), enrolment codes, patient names and ids, session notes, pain scores and
// red flags — in successful calls and in failing ones (wrong passwords, unknown names, a note
// with a control character, pain 11, a foreign patient, forged and revoked tokens, spent and
// malformed codes), plus the operator's reset and revocation while it serves. After a SIGTERM,
// ptrackd's whole output and the stderr of the operator commands are searched for every seeded
// value: none may appear. (The operator's and the CLI's stdout show codes to the person who
// asked for them; that is their job, so they are not scanned.)
#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "tests/integration/cli.h"
#include "tests/integration/process.h"

namespace ptrack::testing {
namespace {

using Catch::Matchers::Contains;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// "YYYY-MM-DD", `days` days before today in UTC (never after today in the patient's zone).
std::string DaysAgo(int days) {
  using namespace std::chrono;
  const year_month_day d{floor<std::chrono::days>(system_clock::now()) - std::chrono::days{days}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

std::string CodeIn(const std::string& text) {
  static const std::regex code(
      "Enrolment code for [a-z0-9._-]+: ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})");
  std::smatch m;
  return std::regex_search(text, m, code) ? std::string(m[1]) : std::string();
}

// What the scan looks for: each seeded value with a label saying what it is.
class Secrets {
 public:
  void Add(const std::string& what, const std::string& value) {
    REQUIRE(value.size() >= 5);  // short values could match by accident
    values_.emplace_back(what, value);
  }
  // A password, token or code: also looked for in the forms a careless log line might use.
  void AddCredential(const std::string& what, const std::string& value) {
    Add(what, value);
    if (value.size() == 14 && value[4] == '-' && value[9] == '-') {  // an enrolment code
      Add(what + " without dashes", value.substr(0, 4) + value.substr(5, 4) + value.substr(10));
    }
    if (value.size() == 64) Add(what + " (first 16 characters)", value.substr(0, 16));
  }
  // The labels of the values `text` contains (case-insensitive).
  std::vector<std::string> FoundIn(const std::string& text) const {
    const std::string haystack = Lower(text);
    std::vector<std::string> found;
    for (const auto& [what, value] : values_) {
      if (haystack.find(Lower(value)) != std::string::npos) found.push_back(what + ": " + value);
    }
    return found;
  }
  size_t size() const { return values_.size(); }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

// The bearer token a CLI user saved ($PTRACK_CONFIG_DIR/session.json).
std::string SavedToken(const std::string& config_dir) {
  const auto profile = nlohmann::json::parse(ReadFile(config_dir + "/session.json"));
  const std::string token = profile.value("token", "");
  REQUIRE(token.size() == 64);
  return token;
}

void Expect(const RunResult& r, int exit_code, const std::string& says = "") {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == exit_code);
  if (!says.empty()) CHECK_THAT(r.err, Contains(says));
}

constexpr const char* kZebId = "7c4f9e21-5a3b-4d8c-9e1f-2b6a8d0c4e93";
constexpr const char* kYolandaId = "e81b2d47-9c6a-4f35-8b0e-5d7a1c3f9264";

}  // namespace

TEST_CASE("ptrackd's output holds no password, token, code, name or health datum", "[security]") {
  TempDir dir;
  const std::string db = dir.path() + "/ptrack.db";
  Secrets secrets;        // scanned in ptrackd's output and the operator commands' stderr
  Secrets identifiers;    // user names and patient ids: scanned in ptrackd's output only
  std::string admin_err;  // the operator commands' stderr
  auto admin = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {PTRACKD, "admin"});
    args.insert(args.end(), {"--db", db});
    RunResult r = RunWithDeadline(args, {}, std::chrono::seconds(60));
    REQUIRE_FALSE(r.timed_out);
    admin_err += r.err;
    return r;
  };

  // The operator bootstraps the clinic; then ptrackd serves it.
  const RunResult created =
      admin({"create-clinic", "--clinic", "scan-clinic", "--name", "Scan Physio", "--time-zone",
             "Europe/Oslo", "--admin", "scanboss-4d2f"});
  Expect(created, 0);
  const std::string boss_code = CodeIn(created.out);
  REQUIRE_FALSE(boss_code.empty());
  secrets.AddCredential("the admin's enrolment code", boss_code);
  identifiers.Add("the admin's user name", "scanboss-4d2f");

  Ptrackd server(PTRACKD, db, dir.path(), {});
  const std::string cfg_boss = dir.path() + "/cli-boss", cfg_drt = dir.path() + "/cli-drt",
                    cfg_zeb = dir.path() + "/cli-zeb", cfg_other = dir.path() + "/cli-other";
  const Cli boss(server.address(), cfg_boss), therapist(server.address(), cfg_drt),
      zeb(server.address(), cfg_zeb), other(server.address(), cfg_other);
  // The CLI with a token given in the environment instead of the saved one.
  auto with_token = [&](const std::string& token, std::vector<std::string> args) {
    args.insert(args.begin(), {PTRACK_CLI, "--server", server.address()});
    return Run(args, {{"PTRACK_CONFIG_DIR", cfg_zeb}, {"PTRACK_TOKEN", token}});
  };

  // The admin enrols and creates a therapist, who enrols.
  const std::string boss_pw = "S3cret-Pw-7f3a91";
  secrets.AddCredential("the admin's password", boss_pw);
  Expect(boss({"enrol", boss_code, "--password", boss_pw}), 0);
  secrets.AddCredential("the admin's token", SavedToken(cfg_boss));
  const RunResult t =
      boss({"therapist-create", "--name", "Dr Ottilie Vangsnes", "--username", "ovangsnes-81a"});
  Expect(t, 0);
  const std::string drt_code = CodeIn(t.out);
  REQUIRE_FALSE(drt_code.empty());
  secrets.AddCredential("the therapist's enrolment code", drt_code);
  secrets.Add("the therapist's name", "Ottilie Vangsnes");
  identifiers.Add("the therapist's user name", "ovangsnes-81a");
  const std::string drt_pw = "Th3r-Pw-c0ffee42";
  secrets.AddCredential("the therapist's password", drt_pw);
  Expect(therapist({"enrol", drt_code, "--password", drt_pw}), 0);
  secrets.AddCredential("the therapist's token", SavedToken(cfg_drt));

  // The therapist creates two patients; Zebulon enrols, Yolanda never does.
  const RunResult z = therapist({"patient-create", "--name", "Zebulon Quaxwright", "--zone",
                                 "Europe/Oslo", "--username", "zquax-90e", "--id", kZebId});
  Expect(z, 0);
  const std::string zeb_code = CodeIn(z.out);
  REQUIRE_FALSE(zeb_code.empty());
  secrets.AddCredential("Zebulon's enrolment code", zeb_code);
  secrets.Add("a patient's name", "Zebulon Quaxwright");
  secrets.Add("a patient's surname", "Quaxwright");
  identifiers.Add("a patient's user name", "zquax-90e");
  identifiers.Add("a patient's id", kZebId);
  const RunResult y = therapist({"patient-create", "--name", "Yolanda Xerxesdottir", "--zone",
                                 "America/Chicago", "--username", "yxerx-3b7", "--id", kYolandaId});
  Expect(y, 0);
  const std::string yolanda_code = CodeIn(y.out);
  REQUIRE_FALSE(yolanda_code.empty());
  secrets.AddCredential("Yolanda's enrolment code", yolanda_code);
  secrets.Add("another patient's name", "Xerxesdottir");
  identifiers.Add("another patient's user name", "yxerx-3b7");
  identifiers.Add("another patient's id", kYolandaId);
  const std::string zeb_pw = "Pat-Pw-9b8e77ab";
  secrets.AddCredential("Zebulon's password", zeb_pw);
  Expect(zeb({"enrol", zeb_code, "--password", zeb_pw}), 0);
  const std::string zeb_token = SavedToken(cfg_zeb);
  secrets.AddCredential("Zebulon's first token", zeb_token);

  // Health data: a program, sessions with pain scores, notes and a red flag, next-morning pain,
  // a therapist's clearing note; and the reads that return them.
  Expect(therapist({"assign", "--patient", kZebId, "--protocol", "upper-back-neck-core-12w",
                    "--start", DaysAgo(3)}),
         0);
  const std::string note1 = "sharp pain radiating to left arm Q7X";
  secrets.Add("a session note", note1);
  secrets.Add("a session note's distinctive word", "radiating");
  const json first = zeb.Json({"log", "--exercise", "band-row:sets=2,reps=10", "--pain-before", "7",
                               "--pain-after", "8", "--effort", "6", "--notes", note1});
  const std::string session_name = first["session"]["name"];
  const std::string note2 = "numb fingers after carrying groceries J3K";
  secrets.Add("a red-flag session note", note2);
  zeb.Json({"log", "--exercise", "chin-nod-sitting:sets=1,reps=8,pain=9", "--pain-before", "6",
            "--pain-after", "9", "--effort", "5", "--red-flag", "limb-weakness-numbness", "--notes",
            note2});
  Expect(zeb({"morning-pain", "--session", session_name, "--pain", "9"}), 0);
  const std::string clearing = "phoned patient, grip strength normal V8P";
  secrets.Add("a therapist's clearing note", clearing);
  Expect(therapist({"clear-flag", "--patient", kZebId, "--note", clearing}), 0);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"plan"},
           {"sessions"},
           {"flags"},
           {"adherence", "--from", DaysAgo(3), "--to", DaysAgo(0)}}) {
    Expect(zeb(args), 0);
  }
  Expect(therapist({"sessions", "--patient", kZebId}), 0);
  Expect(therapist({"flags", "--patient", kZebId}), 0);
  Expect(therapist({"patients"}), 0);
  Expect(boss({"audit", "--limit", "200"}), 0);

  // Failing calls.
  const std::vector<std::string> wrong = {"Wr0ng-Guess-Pw-31c4", "Wr0ng-Guess-Pw-8d2e"};
  for (const std::string& pw : wrong) {
    secrets.AddCredential("a wrong password", pw);
    Expect(other({"login", "zquax-90e", "--password", pw}), 1, "UNAUTHENTICATED");
  }
  identifiers.Add("an unknown user name", "ghost-8c1d");
  for (int i = 0; i < 6; ++i) {  // past the free attempts, into the throttle
    const std::string pw = "Gh0st-Pw-5e2a7" + std::to_string(i);
    secrets.AddCredential("an unknown user's password", pw);
    const RunResult r = other({"login", "ghost-8c1d", "--password", pw});
    CHECK(r.exit_code == 1);
    CHECK((r.err.find("UNAUTHENTICATED") != std::string::npos ||
           r.err.find("RESOURCE_EXHAUSTED") != std::string::npos));
  }
  const std::string bell_note = "bell in note \x07 K9Z-ctl";
  secrets.Add("a rejected note (control character)", "K9Z-ctl");
  Expect(zeb({"log", "--exercise", "band-row:sets=2,reps=10", "--pain-before", "2", "--pain-after",
              "2", "--effort", "3", "--notes", bell_note}),
         1, "INVALID_ARGUMENT");
  const std::string elbow = "elbow tingling at night W4V";
  secrets.Add("a rejected note (pain 11)", elbow);
  Expect(zeb({"log", "--exercise", "band-row:sets=2,reps=10", "--pain-before", "2", "--pain-after",
              "11", "--effort", "3", "--notes", elbow}),
         1, "INVALID_ARGUMENT");
  Expect(zeb({"sessions", "--patient", std::string("clinics/scan-clinic/patients/") + kYolandaId}),
         1, "NOT_FOUND");
  Expect(zeb({"plan", "--patient", std::string("clinics/scan-clinic/patients/") + kYolandaId}), 1,
         "NOT_FOUND");
  Expect(therapist({"patient-create", "--name", "Quentin Vexleybadzone", "--zone", "Mars/Olympus",
                    "--username", "qvex-55c"}),
         1, "INVALID_ARGUMENT");
  secrets.Add("a rejected patient's name", "Vexleybadzone");
  Expect(therapist({"patient-create", "--name", "Esc\x1b[31mOrlaithe Tremayne", "--zone",
                    "Europe/Oslo", "--username", "otrem-44a"}),
         1, "INVALID_ARGUMENT");
  secrets.Add("a rejected patient's name (escape sequence)", "Orlaithe Tremayne");
  std::string forged = zeb_token;
  forged.replace(
      48, 16,
      forged.substr(48, 16) == "0123456789abcdef" ? "fedcba9876543210" : "0123456789abcdef");
  secrets.AddCredential("a forged token", forged);
  Expect(with_token(forged, {"whoami"}), 1, "UNAUTHENTICATED");
  const std::string garbage = "forged-token-Xy7Qp2Lm-not-hex";
  secrets.Add("a malformed token", garbage);
  Expect(with_token(garbage, {"sessions"}), 1, "UNAUTHENTICATED");
  Expect(other({"enrol", zeb_code, "--password", "Sp3nt-Code-Pw-a1"}), 1, "NOT_FOUND");
  secrets.AddCredential("a password sent with a spent code", "Sp3nt-Code-Pw-a1");
  Expect(other({"enrol", "ZZZZ-ZZZZ-ZZZ!", "--password", "Bad-Code-Pw-77f0"}), 1,
         "INVALID_ARGUMENT");
  secrets.AddCredential("a password sent with a malformed code", "Bad-Code-Pw-77f0");
  Expect(other({"enrol", yolanda_code, "--password", "Sh0rt7"}), 1, "INVALID_ARGUMENT");
  secrets.Add("a too short password", "Sh0rt7");

  // The operator resets Zebulon's password and later revokes his tokens, while ptrackd serves.
  const RunResult reset = admin({"enrolment-code", "--username", "zquax-90e"});
  Expect(reset, 0);
  const std::string reset_code = CodeIn(reset.out);
  REQUIRE_FALSE(reset_code.empty());
  secrets.AddCredential("Zebulon's reset code", reset_code);
  const std::string zeb_pw2 = "N3w-Pat-Pw-5c2d91";
  secrets.AddCredential("Zebulon's new password", zeb_pw2);
  Expect(zeb({"enrol", reset_code, "--password", zeb_pw2}), 0);
  const std::string zeb_token2 = SavedToken(cfg_zeb);
  secrets.AddCredential("Zebulon's second token", zeb_token2);
  Expect(with_token(zeb_token, {"sessions"}), 1, "UNAUTHENTICATED");  // revoked by the enrol
  Expect(admin({"revoke-tokens", "--username", "zquax-90e"}), 0);
  Expect(zeb({"sessions"}), 1, "UNAUTHENTICATED");
  Expect(zeb({"login", "zquax-90e", "--password", zeb_pw2}), 0);
  const std::string zeb_token3 = SavedToken(cfg_zeb);
  secrets.AddCredential("Zebulon's third token", zeb_token3);
  Expect(zeb({"logout"}), 0);
  Expect(with_token(zeb_token3, {"whoami"}), 1, "UNAUTHENTICATED");
  Expect(with_token(zeb_token2, {"whoami"}), 1, "UNAUTHENTICATED");
  // Failing operator commands write to stderr; that must not leak either.
  Expect(admin({"enrolment-code", "--username", "ghost-8c1d"}), 1, "");
  Expect(admin({"revoke-tokens", "--username", "ghost-8c1d"}), 1, "");

  // Pain scores and notes in any field-name spelling.
  for (const char* word : {"pain_before", "pain_after", "painBefore", "painAfter", "red_flags",
                           "limb-weakness-numbness", "notes"}) {
    secrets.Add(std::string("a health field: ") + word, word);
  }

  REQUIRE(server.Stop() == 0);
  // The temporary directory's random name is not the server's to choose: blank it out.
  std::string log = server.Log();
  for (size_t at; (at = log.find(dir.path())) != std::string::npos;) {
    log.replace(at, dir.path().size(), "<tmp>");
  }
  INFO("ptrackd's output:\n" << log);
  // The scan can fail: the output is there, from start-up to shutdown.
  REQUIRE_THAT(log, Contains("serving"));
  REQUIRE_THAT(log, Contains("stopped"));
  CHECK(secrets.size() > 50);
  CHECK_FALSE(secrets.FoundIn(log + boss_code).empty());  // and the scanner finds what it seeks

  for (const std::string& leak : secrets.FoundIn(log)) FAIL_CHECK("ptrackd printed " << leak);
  for (const std::string& leak : identifiers.FoundIn(log)) FAIL_CHECK("ptrackd printed " << leak);
  CHECK_THAT(Lower(log), !Contains("pain"));
  for (const std::string& leak : secrets.FoundIn(admin_err)) {
    FAIL_CHECK("an operator command's stderr has " << leak);
  }
}

}  // namespace ptrack::testing
