// ptrack-bench's command line and the lines it writes for its reader. ParseOptions reads the
// flags into Options (sizes and times for the phases or the soak, a --target to measure instead of
// a generated clinic) and answers --help; Say writes a progress line to stderr (always for the
// table, with --json only on a terminal, so a log file gets one JSON object and nothing else);
// Progress draws a bar on a terminal only; Num formats a figure with a fixed number of decimals.
#pragma once

#include <optional>
#include <string>

namespace ptrack::bench {

struct Options {
  bool quick = false;
  bool json = false;
  std::string target;  // host:port of a running server (skips generation)
  int http_port = 0;   // its HTTP port, for the Connect phase (0: none)
  int patients = 1000;
  int days = 180;
  double seconds = 10;
  int inflight = 64;
  int report_runs = 30;
  int eval_patients = 30;  // patients per clinic for eval_ms_60d / eval_ms_720d (0: skipped)
  double soak = 0;         // --soak SECONDS: the soak instead of the phases
  // --floor: the null RPC, LogSession and plan phases again against ptrack-floor (on in the full
  // run; off with --quick unless given; --no-floor turns it off).
  bool floor = false;
  std::string data_dir = PTRACK_DATA_DIR;
};

// Fills *o from the command line. Returns the exit code when the program is to stop now (0 after
// --help, 2 for a --soak shorter than 3 s or --floor with --soak or --target, with the message on
// stderr), else nothing.
std::optional<int> ParseOptions(int argc, char** argv, Options* o);

// Progress on a terminal only (a log file gets no carriage returns).
void Progress(const std::string& what, int done, int total);

// A line on stderr for the reader: always with the table, with --json only on a terminal.
void Say(const Options& o, const std::string& line);

// `v` with `decimals` decimals ("%.*f").
std::string Num(double v, int decimals = 1);

}  // namespace ptrack::bench
