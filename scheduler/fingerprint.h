// Fingerprints (64-bit FNV-1a over a fixed little-endian encoding of each field).
// DecisionsFingerprint: of the decisions an evaluation produced, every field of every Decision,
// in order. The service stores it with the decisions it saves, so that the next
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

// ReplayInputsFingerprint: of what a replay through `through` was made from besides the history
// — every revision of `program` in effect by then (phases, prescriptions and rules), and every
// catalogue entry it could reach (the exercises those revisions name and every rung of their
// ladders: ids, names, ladder places, default doses, levers and limits). A checkpoint keeps it:
// when it differs (a rung retired, a rule default changed, an exercise renamed), the past is
// replayed again. Must hash every field of Exercise, Phase and Prescription: static_asserts on
// their sizes stop the build when one is added.
uint64_t ReplayInputsFingerprint(const Program& program, LocalDate through,
                                 const CatalogueView& catalogue);

}  // namespace ptrack
