// The world every fuzz target runs in, built once per process: a real SQLite store in a private
// temporary directory (on /dev/shm when there is one, so fsync costs nothing), the shipped
// catalogue, the demo clinic seeded at a fixed instant on a FakeClock (so a replayed input meets
// the same clock), and the real PtrackServer reached through its in-process channel — the same
// authentication, validation, handlers and store as over the network. The demo accounts are
// signed in once; inputs name them with placeholders (SubstituteTokens) so that mutated requests
// get past authentication. The world is never destroyed (its directory is removed at exit), so
// nothing it holds is reported as a leak.
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "service/http/connect_bridge.h"

namespace ptrack::fuzz {

// Who an input calls as.
enum class Caller { kNobody, kPatient, kOtherPatient, kTherapist, kAdmin, kCount };

struct World {
  std::shared_ptr<grpc::Channel> channel;  // in-process, to the running server
  std::unique_ptr<ConnectBridge> bridge;   // over `channel`
  // The bearer token of each caller ("" for kNobody).
  std::string Token(Caller caller) const;
  // Replaces "@PATIENT@", "@PATIENT2@", "@THERAPIST@" and "@ADMIN@" with those callers' tokens.
  std::string SubstituteTokens(std::string text) const;

  std::string tokens[static_cast<int>(Caller::kCount)];
};

// The process's world, built on first use. Aborts with a message when it cannot be built.
const World& GetWorld();

// True when PTRACK_FUZZ_VERBOSE is set: the targets then print each call's outcome (to see what
// a corpus reaches).
bool Verbose();

// Aborts the process (a crash libFuzzer records) with `what` when `ok` is false: the targets'
// properties, which must hold for every input.
void Require(bool ok, const std::string& what);

}  // namespace ptrack::fuzz
