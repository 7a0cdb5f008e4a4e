// Fingerprints (64-bit FNV-1a over a fixed little-endian encoding of each field): of what a
// replay was made from besides the history, the key of a checkpoint (scheduler/checkpoint.h).
// Contract: equal inputs have equal fingerprints in every build (the hash and its byte order are
// fixed: the value is stored); inputs that differ in any field differ except for 64-bit
// collisions.
#pragma once

#include <cstdint>
#include <vector>

#include "scheduler/progression.h"

namespace ptrack {

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
