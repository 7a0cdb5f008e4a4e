// The stored form of a progression checkpoint (scheduler/checkpoint.h) in the checkpoints table:
// compact JSON, positional arrays instead of objects, dates as day numbers (days since
// 1970-01-01), trailing default values left out, and each distinct prescription (with its trail)
// written once and named by its index wherever a state holds it — the kept states of six weeks
// share most of their prescriptions. The layout is documented in checkpoint_codec.cc. A
// checkpoint is derived data: a body that does not decode (another format version, a corrupt
// row) is simply not used, and the engine replays from the program's start and stores a new one,
// so the format can change without a migration by bumping kCheckpointFormat.
#pragma once

#include <string>

#include "scheduler/checkpoint.h"
#include "scheduler/status.h"

namespace ptrack::json {

// The format version written as the body's first element; a body of another version does not
// decode.
inline constexpr int kCheckpointFormat = 1;

// Encodes every field of `checkpoint`. Never fails. Non-finite doubles (which the replay never
// produces) do not survive: such a body does not decode.
std::string EncodeCheckpoint(const Checkpoint& checkpoint);

// The checkpoint EncodeCheckpoint encoded: DecodeCheckpoint(EncodeCheckpoint(c)) == c for every
// field. INVALID_ARGUMENT for anything else (not JSON, another format version, a value out of
// range, a dangling prescription index). Never throws.
Result<Checkpoint> DecodeCheckpoint(const std::string& body);

}  // namespace ptrack::json
