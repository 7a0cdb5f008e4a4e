// CSV for spreadsheets: RFC 4180 (quoted where needed, CRLF line ends), UTF-8 with a byte-order
// mark, and a cell that a spreadsheet would run as a formula (starting with =, +, -, @, tab or
// carriage return) prefixed with an apostrophe so that it stays text. Numbers are written by the
// caller as text of digits and are never prefixed.
#pragma once

#include <string>
#include <vector>

namespace ptrack::csv {

// One text cell, escaped against formulas and quoted when it holds a comma, quote or line break.
std::string Cell(const std::string& text);

// A whole file: the BOM, the header and the rows, each line ended by CRLF. Header and row cells
// are passed through Cell except those in `numeric` columns (0-based), written as given.
std::string File(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows,
                 const std::vector<size_t>& numeric);

}  // namespace ptrack::csv
