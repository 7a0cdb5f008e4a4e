// The stored form of a progression checkpoint (scheduler/checkpoint.h) in the checkpoints table:
// compact JSON — positional arrays instead of objects, dates as day numbers (days since
// 1970-01-01), trailing default values left out, each distinct prescription (with its trail)
// written once and named by its index wherever a state holds it — deflated with zlib, since the
// kept states and decisions repeat exercise ids, explanations and dose shapes (a 60-day program's
// checkpoint: 15 KB of JSON, 2 KB stored). The JSON layout is documented in
// checkpoint_codec.cc; CheckpointJson/CheckpointFromJson give the JSON layer alone (to read a
// stored body by hand: zlib-inflate it). A checkpoint is derived data: a body that does not
// decode (another format version, a corrupt row) is simply not used, and the engine replays from
// the program's start and stores a new one, so the format can change without a migration by
// bumping kCheckpointFormat.
#pragma once

#include <string>

#include "scheduler/checkpoint.h"
#include "scheduler/status.h"

namespace ptrack::json {

// The format version written as the body's first element; a body of another version does not
// decode.
inline constexpr int kCheckpointFormat = 1;

// The stored body: CheckpointJson deflated (zlib). Never fails.
std::string EncodeCheckpoint(const Checkpoint& checkpoint);

// The checkpoint EncodeCheckpoint encoded: DecodeCheckpoint(EncodeCheckpoint(c)) == c for every
// field. INVALID_ARGUMENT for anything else (not a zlib stream, or one that inflates past 16 MiB,
// or not CheckpointFromJson's input). Never throws.
Result<Checkpoint> DecodeCheckpoint(const std::string& body);

// The JSON layer. Encodes every field of `checkpoint`; never fails. Non-finite doubles (which the
// replay never produces) do not survive: such a body does not decode.
std::string CheckpointJson(const Checkpoint& checkpoint);
// CheckpointFromJson(CheckpointJson(c)) == c. INVALID_ARGUMENT for anything else (not JSON,
// another format version, a value out of range, a dangling prescription index, an element the
// format does not have). Never throws.
Result<Checkpoint> CheckpointFromJson(const std::string& json);

}  // namespace ptrack::json
