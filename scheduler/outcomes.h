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
  std::string source;   // the reference it comes from
  std::string licence;  // its notice, shown wherever the instrument is
  bool operator==(const Instrument&) const = default;
};

// Structural checks of an instrument from data, under `field`: ids, item ranges, thresholds.
void ValidateInstrument(const Instrument& instrument, const std::string& field, Violations& out);

struct OutcomeAnswer {
  std::string item_id;
  int value = 0;
};

struct OutcomeScore {
  double value = 0;               // on the instrument's scale (0..scale_max)
  std::optional<double> percent;  // when the instrument shows one
  int answered = 0;
};

// The score of `answers`. INVALID_ARGUMENT naming the answer ("answers[2].item_id": unknown item;
// "answers[2].value": out of the item's range; a second answer to one item) or the missing item
// ("answers": item "x" is required; too few answered). REQUIRES: a valid instrument.
Result<OutcomeScore> ScoreOutcome(const Instrument& instrument,
                                  const std::vector<OutcomeAnswer>& answers);

enum class OutcomeChange { kNone, kImproved, kWorsened };

// Whether `current` differs from `baseline` by the MCID, in the instrument's better direction
// (for a global impression, `baseline` is ignored and the score's own thresholds decide).
OutcomeChange ChangeOf(const Instrument& instrument, double baseline, double current);

}  // namespace ptrack
