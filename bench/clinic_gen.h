// A generated clinic for the benchmarks: the demo clinic (its admin, therapist "rivera" and
// sign-ins) plus N patients in five zones, each with a program of the default protocol that
// started D days ago and a session on every training day as prescribed (pain easing over the
// weeks; one patient in seven stopped two weeks ago), written straight into a SQLite file through
// the store, then every patient's report row derived by the server's summary sweep. Patient ids
// are "b0000000-0000-4000-8000-{12 digits}" with the digits the patient's index.
#pragma once

#include <functional>
#include <string>

#include "scheduler/status.h"

namespace ptrack::bench {

struct GeneratedClinic {
  int patients = 0;
  int sessions = 0;
  double generate_s = 0;  // writing patients, programs and sessions
  double sweep_s = 0;     // deriving every report row
};

// The id of generated patient `index`.
std::string BenchPatientId(int index);

// Creates `db_path` (which must not exist). `progress(done, total)` is called now and then.
Result<GeneratedClinic> GenerateClinic(const std::string& db_path, const std::string& data_dir,
                                       int patients, int days,
                                       const std::function<void(int, int)>& progress);

}  // namespace ptrack::bench
