// CSV writing (csv.h).
#include "service/csv.h"

#include <algorithm>

namespace ptrack::csv {

std::string Cell(const std::string& text) {
  std::string v = text;
  if (!v.empty() && std::string("=+-@\t\r").find(v.front()) != std::string::npos) v = "'" + v;
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string quoted = "\"";
  for (char ch : v) {
    if (ch == '"') quoted += '"';
    quoted += ch;
  }
  return quoted + "\"";
}

std::string File(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows,
                 const std::vector<size_t>& numeric) {
  std::string out = "\xEF\xBB\xBF";
  auto line = [&](const std::vector<std::string>& cells, bool is_header) {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out += ',';
      const bool raw = !is_header && std::find(numeric.begin(), numeric.end(), i) != numeric.end();
      out += raw ? cells[i] : Cell(cells[i]);
    }
    out += "\r\n";
  };
  line(header, true);
  for (const auto& r : rows) line(r, false);
  return out;
}

}  // namespace ptrack::csv
