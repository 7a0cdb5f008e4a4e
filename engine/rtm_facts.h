// The inputs of an RTM readiness computation, read from the store, and the computation itself:
// the episode covering a date, the patient's data days in the period that can contain it (the
// local dates, in the patient's zone, of the sessions' server receive times — CLINICAL.md §6)
// and the clinician time of its calendar month. Used by RtmService.GetRtmStatus and by the
// per-patient summary (progress_runner.cc), so both give the same answer.
#pragma once

#include <optional>

#include "engine/deps.h"
#include "scheduler/rtm.h"

namespace ptrack {

struct RtmOnDate {
  std::optional<RtmEpisodeRecord> episode;  // none: `status.in_episode` is false
  RtmStatus status;
};

Result<RtmOnDate> ComputeRtmOn(const EngineDeps& deps, const Patient& patient, Zone zone,
                               LocalDate day);

}  // namespace ptrack
