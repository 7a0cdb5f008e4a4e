// Builds the fuzz targets' world (see world.h).
#include "fuzz/world.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "engine/clinical_defaults.h"
#include "engine/clock.h"
#include "ptrack/v1/auth.grpc.pb.h"
#include "service/credentials.h"
#include "service/demo.h"
#include "service/server.h"
#include "storage/catalogue_loader.h"
#include "storage/sqlite_store.h"

namespace ptrack::fuzz {
namespace {

std::string g_dir;  // removed at exit

void RemoveDir() {
  std::error_code ec;
  std::filesystem::remove_all(g_dir, ec);
}

template <typename T>
T Check(Result<T> r, const char* what) {
  Require(r.ok(), std::string(what) + ": " + (r.ok() ? "" : r.status().ToString()));
  return std::move(r).value();
}

std::string TempDirectory() {
  std::string base =
      access("/dev/shm", W_OK) == 0 ? "/dev/shm" : std::filesystem::temp_directory_path();
  std::string pattern = base + "/ptrack-fuzz-XXXXXX";
  Require(mkdtemp(pattern.data()) != nullptr, "cannot create a temporary directory");
  return pattern;
}

World* Build() {
  Require(InitCrypto(), "libsodium did not initialise");
  g_dir = TempDirectory();
  std::atexit(RemoveDir);
  static ClinicalDefaults clinical =
      Check(LoadClinicalDefaults(PTRACK_DATA_DIR), "loading the clinical defaults");
  static std::unique_ptr<SqliteStore> store =
      Check(SqliteStore::Open(g_dir + "/ptrack.db"), "opening the store");
  Check(LoadCatalogue(std::string(PTRACK_DATA_DIR) + "/catalogue", *store), "loading catalogue");
  // 2026-11-21T15:00:00Z, the service tests' instant.
  static FakeClock clock(FromUnixMillis(1795273200000));
  const auto accounts = Check(SeedDemo(*store, clinical.rules, clock.Now()), "seeding the demo");

  PtrackServer::Config config;
  config.grpc_listen = "";  // in-process only
  config.clinical = clinical;
  config.options.security.token_lifetime = std::chrono::hours(24 * 365);
  config.options.security.patient_idle = std::chrono::hours(24 * 365);
  config.options.security.staff_idle = std::chrono::hours(24 * 365);
  config.summary_sweep_interval = std::chrono::seconds(0);
  static PtrackServer server(*store, clock, config);
  const Status started = server.Start();
  Require(started.ok(), "starting the server: " + started.ToString());

  auto* world = new World;
  world->channel = server.InProcessChannel();
  world->bridge = std::make_unique<ConnectBridge>(world->channel);
  auto auth = v1::AuthService::NewStub(world->channel);
  const std::pair<const char*, Caller> callers[] = {{"admin", Caller::kAdmin},
                                                    {"therapist", Caller::kTherapist},
                                                    {"patient", Caller::kPatient},
                                                    {"patient2", Caller::kOtherPatient}};
  for (const auto& entry : callers) {
    const std::string username = entry.first;
    const Caller caller = entry.second;
    auto account = std::find_if(accounts.begin(), accounts.end(),
                                [&](const DemoAccount& a) { return a.username == username; });
    Require(account != accounts.end(), std::string("the demo has no account ") + username);
    grpc::ClientContext context;
    v1::SignInRequest request;
    request.set_username(account->username);
    request.set_password(account->password);
    v1::SignInResponse response;
    const grpc::Status s = auth->SignIn(&context, request, &response);
    Require(s.ok(), "signing in " + account->username + ": " + s.error_message());
    world->tokens[static_cast<int>(caller)] = response.token();
  }
  return world;
}

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

std::string World::Token(Caller caller) const { return tokens[static_cast<int>(caller)]; }

std::string World::SubstituteTokens(std::string text) const {
  ReplaceAll(text, "@PATIENT2@", Token(Caller::kOtherPatient));
  ReplaceAll(text, "@PATIENT@", Token(Caller::kPatient));
  ReplaceAll(text, "@THERAPIST@", Token(Caller::kTherapist));
  ReplaceAll(text, "@ADMIN@", Token(Caller::kAdmin));
  return text;
}

const World& GetWorld() {
  static const World* world = Build();
  return *world;
}

bool Verbose() {
  static const bool verbose = std::getenv("PTRACK_FUZZ_VERBOSE") != nullptr;
  return verbose;
}

void Require(bool ok, const std::string& what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz property violated: %s\n", what.c_str());
  std::abort();
}

}  // namespace ptrack::fuzz
