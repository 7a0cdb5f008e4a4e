// Client-generated ids: random version-4 UUIDs, lower case. Sessions and therapist actions carry
// one so that a retry is recognised by the server and stored once.
#pragma once

#include <string>

namespace ptrack::cli {

std::string NewUuid();

}  // namespace ptrack::cli
