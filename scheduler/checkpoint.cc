// Which day a checkpoint is taken on, and what a replay from one must be given.
#include "scheduler/checkpoint.h"

#include <algorithm>

#include "scheduler/calendar.h"

namespace ptrack {

LocalDate SettledThrough(LocalDate today) { return today - date::days{2}; }

std::optional<LocalDate> CheckpointDay(LocalDate program_start, LocalDate today) {
  const LocalDate settled = SettledThrough(today);
  if (settled < program_start + date::days{7}) return std::nullopt;
  return WeekStart(program_start, ProgramWeek(program_start, settled));
}

ResumeInputs InputsAfter(const Checkpoint& checkpoint, Zone zone, LocalDate today) {
  ResumeInputs in;
  // The open weeks began at most six days before the day after the checkpoint; a session there
  // may be followed by a worse one two days later; the report looks back 30 days.
  in.sessions_from = std::min(checkpoint.day - date::days{8}, today - date::days{30});
  in.received_after = StartOfDay(checkpoint.day + date::days{1}, zone);
  in.actions_after = checkpoint.day;
  return in;
}

LocalDate LateSessionsFrom(const ResumeInputs& inputs, std::optional<LocalDate> earliest_late) {
  if (!earliest_late) return inputs.sessions_from;
  return std::min(inputs.sessions_from, *earliest_late - date::days{2});
}

}  // namespace ptrack
