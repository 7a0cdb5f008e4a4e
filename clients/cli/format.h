// Text rendering of wire messages for the client's human-readable output (doses, enums).
#pragma once

#include <string>

#include "ptrack/v1/dose.pb.h"

namespace ptrack::cli {

// "3 x 10 reps, hold 5 s, red band, each side".
std::string DoseText(const v1::Dose& d);
// "REGION_UPPER_BACK" -> "upper back".
std::string EnumWord(const std::string& enum_name, const std::string& prefix);

}  // namespace ptrack::cli
