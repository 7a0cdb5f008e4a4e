// Dose and enum text for the client.
#include "clients/cli/format.h"

#include <algorithm>
#include <cstdio>

namespace ptrack::cli {

std::string DoseText(const v1::Dose& d) {
  std::string s;
  if (d.pyramid_reps_size() > 0) {
    s = "pyramid ";
    for (int i = 0; i < d.pyramid_reps_size(); ++i) {
      s += (i ? "-" : "") + std::to_string(d.pyramid_reps(i));
    }
    s += " reps";
  } else if (d.reps() > 0) {
    s = std::to_string(d.sets()) + " x " + std::to_string(d.reps()) + " reps";
  } else {
    s = std::to_string(d.sets()) + " x";
  }
  if (d.hold_seconds() > 0) {
    s += (d.reps() > 0 || d.pyramid_reps_size() > 0 ? ", hold " : " ") +
         std::to_string(d.hold_seconds()) + " s";
  }
  if (d.load_kg() > 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, ", %g kg", d.load_kg());
    s += buf;
  }
  if (!d.band().empty()) s += ", " + d.band() + " band";
  if (d.side() == v1::SIDE_EACH) s += ", each side";
  if (d.side() == v1::SIDE_LEFT) s += ", left";
  if (d.side() == v1::SIDE_RIGHT) s += ", right";
  return s;
}

std::string EnumWord(const std::string& name, const std::string& prefix) {
  std::string s = name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
    return c == '_' ? ' ' : static_cast<char>(std::tolower(c));
  });
  return s;
}

}  // namespace ptrack::cli
