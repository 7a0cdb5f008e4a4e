// Server-generated identifiers: random (version 4) UUIDs from libsodium's CSPRNG, lower case.
#pragma once

#include <string>

namespace ptrack {

// REQUIRES: InitCrypto() succeeded. Thread-safe.
std::string NewUuid();

}  // namespace ptrack
