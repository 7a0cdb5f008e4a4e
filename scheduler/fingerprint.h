// A fingerprint of the decisions an evaluation produced: a 64-bit FNV-1a hash over every field of
// every Decision, in order. The service stores it with the decisions it saves, so that the next
// evaluation (every plan read) can tell whether they changed without reading them back or
// encoding them. Contract: equal decision lists have equal fingerprints in every build (the hash
// and its byte order are fixed: it is stored); lists that differ in any field differ in their
// fingerprint except for 64-bit collisions. DecisionsFingerprint must hash every field of
// Decision and Dose: a static_assert on their sizes stops the build when one is added.
#pragma once

#include <cstdint>
#include <vector>

#include "scheduler/progression.h"

namespace ptrack {

uint64_t DecisionsFingerprint(const std::vector<Decision>& decisions);

}  // namespace ptrack
