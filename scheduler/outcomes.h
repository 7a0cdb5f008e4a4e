// Outcome measures (PROMs, CLINICAL.md §8): instruments described as data (data/outcomes/), a
// response's score with every answer validated, and whether a change since the baseline counts
// (beyond the instrument's minimal clinically important difference, MCID). Pure: no I/O, no
// clock. Scoring follows the instrument's own rule: the sum (NPRS, PGIC: one item), the mean of the
// answered items (PSFS: 3 to 5 activities), or the sum prorated to the full scale over the
// answered items and also shown as a percentage (NDI: an unanswered item is left out).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scheduler/status.h"
#include "scheduler/time.h"

namespace ptrack {

// How the answers make the score.
enum class OutcomeScoring { kSum, kMean, kProratedSum };

// Which way is better.
enum class OutcomeDirection { kLowerIsBetter, kHigherIsBetter };

struct OutcomeItem {
  std::string id;    // [a-z0-9_]+, unique in the instrument
  std::string text;  // the question (may be empty where the wording may not be redistributed)
  int min = 0, max = 10;
  bool required = true;
  std::vector<std::string> labels;  // one per value min..max, or none (a numeric scale)
  bool operator==(const OutcomeItem&) const = default;
};

// One instrument. A change counts when it reaches mcid_points or, when mcid_fraction > 0, that
// fraction of the baseline (NPRS: 2 points or 30 %). A global-impression instrument (PGIC) is a
// change in itself: `improved_at_most` / `worsened_at_least` classify its score, and it has no
// baseline.
struct Instrument {
  std::string id;
  std::string display_name;
  std::vector<OutcomeItem> items;
  OutcomeScoring scoring = OutcomeScoring::kSum;
  OutcomeDirection direction = OutcomeDirection::kLowerIsBetter;
  int min_answered = 1;       // answered items needed for a score
  double scale_max = 10;      // the score's full scale (NDI 50); a percentage is of this
  bool show_percent = false;  // NDI: also shown as % of the full scale
  double mcid_points = 0;
  double mcid_fraction = 0;
  std::optional<int> improved_at_most, worsened_at_least;  // global impression only
  // When it is asked, relative to the program: at the start, every N weeks (0: never), at
  // discharge.
  bool at_baseline = true;
  int every_weeks = 0;
  bool at_discharge = true;
  int discharge_window_days = 14;  // the discharge questionnaire may be answered this long after
  bool assign_by_default = true;   // every new program asks it (a therapist may change that)
  std::string loinc;               // its LOINC code where one exists (FHIR export); else empty
  std::string source;              // the reference it comes from
  std::string licence;             // its notice, shown wherever the instrument is
  bool operator==(const Instrument&) const = default;
};

// Structural checks of an instrument from data, under `field`: ids, item ranges, thresholds.
void ValidateInstrument(const Instrument& instrument, const std::string& field, Violations& out);

struct OutcomeAnswer {
  std::string item_id;
  int value = 0;
  std::string activity;  // PSFS: the activity the patient named (not scored)
  bool operator==(const OutcomeAnswer&) const = default;
};

struct OutcomeScore {
  double value = 0;               // on the instrument's scale (0..scale_max)
  std::optional<double> percent;  // when the instrument shows one
  int answered = 0;
};

// The score of `answers`. INVALID_ARGUMENT naming the answer ("answers[2].item": unknown item;
// "answers[2].value": out of the item's range; a second answer to one item) or the missing item
// ("answers": item "x" is required; too few answered), under `field` instead of "answers" when
// given. REQUIRES: a valid instrument.
Result<OutcomeScore> ScoreOutcome(const Instrument& instrument,
                                  const std::vector<OutcomeAnswer>& answers,
                                  const std::string& field = "answers");

enum class OutcomeChange { kNone, kImproved, kWorsened };

// What judging a change needs of an instrument. A response keeps the judgement its instrument had
// when it was scored, so a later edit of the instrument never rewrites a past verdict.
struct OutcomeJudgement {
  std::string display_name;  // the instrument's, for explanations
  OutcomeDirection direction = OutcomeDirection::kLowerIsBetter;
  double mcid_points = 0;
  double mcid_fraction = 0;
  std::optional<int> improved_at_most, worsened_at_least;  // a global impression
  bool Global() const { return improved_at_most.has_value(); }
  bool operator==(const OutcomeJudgement&) const = default;
};

OutcomeJudgement JudgementOf(const Instrument& instrument);

// Whether `current` differs from `baseline` by the MCID, in the instrument's better direction
// (for a global impression, `baseline` is ignored and the score's own thresholds decide).
OutcomeChange ChangeOf(const OutcomeJudgement& judgement, double baseline, double current);
OutcomeChange ChangeOf(const Instrument& instrument, double baseline, double current);

// The threshold in words: "7.5 points", "2 points or 30 %", "2 or less improved, 6 or more worse".
std::string DescribeMcid(const OutcomeJudgement& judgement);

// A scored response, as the progression replay (progression.h) and the API see it.
struct OutcomeResult {
  std::string id;  // the client's UUID
  std::string instrument_id;
  LocalDate date{};    // the local day it was answered
  Instant received{};  // when the server stored it
  double score = 0;
  OutcomeJudgement judgement;
  bool operator==(const OutcomeResult&) const = default;
};

// Where one instrument stands among some results: its baseline (the earliest answered, ties by
// receipt; none for a global impression, which is a change in itself), its latest (the latest
// answered, ties by receipt) and the change between them (kNone without a follow-up).
struct OutcomeStanding {
  const OutcomeResult* baseline = nullptr;
  const OutcomeResult* latest = nullptr;  // nullptr: no result; == baseline: no follow-up yet
  OutcomeChange change = OutcomeChange::kNone;
  bool HasFollowUp() const { return latest != nullptr && latest != baseline; }
  // "Neck Disability Index 24 -> 14 (improved; MCID 7.5 points)"; REQUIRES: HasFollowUp().
  std::string Describe() const;
};

// The standing of `instrument_id` among `results` (any order; other instruments are skipped).
OutcomeStanding StandingOf(const std::vector<const OutcomeResult*>& results,
                           const std::string& instrument_id);

// One time an instrument is asked (Instrument's schedule): "baseline" from the program's start,
// "week N" from the first day of program week N + 1 (every every_weeks weeks), "discharge" from
// the discharge day until discharge_window_days after it.
struct OutcomeOccasion {
  std::string label;
  LocalDate from{};
  bool operator==(const OutcomeOccasion&) const = default;
};

// The occasion of `instrument` current on `today` for a program started on `start` and, when
// discharged, ended on `discharge`: the latest that has begun; nullopt before the first, after the
// discharge window, or when the schedule asks nothing then. It is due while no response to the
// instrument is dated on or after its `from`.
std::optional<OutcomeOccasion> CurrentOccasion(const Instrument& instrument, LocalDate start,
                                               std::optional<LocalDate> discharge, LocalDate today);

}  // namespace ptrack
