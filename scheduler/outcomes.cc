// Scoring outcome-measure responses and judging change against the MCID.
#include "scheduler/outcomes.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "scheduler/catalogue.h"

namespace ptrack {
namespace {

bool IsItemId(const std::string& id) {
  if (id.empty() || id.size() > 40) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

void ValidateInstrument(const Instrument& in, const std::string& field, Violations& out) {
  if (!IsValidId(in.id)) out.Add(field + ".id", "1..63 characters of [a-z0-9-]");
  if (in.display_name.empty()) out.Add(field + ".display_name", "is required");
  if (in.items.empty() || in.items.size() > 50) out.Add(field + ".items", "1..50 items");
  std::set<std::string> seen;
  int required = 0;
  for (size_t i = 0; i < in.items.size(); ++i) {
    const OutcomeItem& item = in.items[i];
    const std::string f = field + ".items[" + std::to_string(i) + "]";
    if (!IsItemId(item.id)) out.Add(f + ".id", "1..40 characters of [a-z0-9_]");
    if (!seen.insert(item.id).second) out.Add(f + ".id", "used twice");
    if (item.min < 0 || item.max > 100 || item.min >= item.max) {
      out.Add(f + ".max", "0 <= min < max <= 100");
    } else if (!item.labels.empty() &&
               static_cast<int>(item.labels.size()) != item.max - item.min + 1) {
      out.Add(f + ".labels", "one label per value from min to max");
    }
    required += item.required;
  }
  if (in.min_answered < std::max(required, 1) ||
      in.min_answered > static_cast<int>(in.items.size())) {
    out.Add(field + ".min_answered", "at least the required items, at most all items");
  }
  if (!(in.scale_max > 0)) out.Add(field + ".scale_max", "must be above 0");
  const bool global = in.improved_at_most.has_value() || in.worsened_at_least.has_value();
  if (global && (in.items.size() != 1 || !in.improved_at_most || !in.worsened_at_least ||
                 *in.improved_at_most >= *in.worsened_at_least)) {
    out.Add(field + ".improved_at_most",
            "a global impression has one item and improved_at_most < worsened_at_least");
  }
  if (!global && !(in.mcid_points > 0) && !(in.mcid_fraction > 0)) {
    out.Add(field + ".mcid_points", "an MCID (points or a fraction of the baseline) is required");
  }
  if (in.mcid_points < 0 || in.mcid_fraction < 0 || in.mcid_fraction > 1) {
    out.Add(field + ".mcid_fraction", "MCID points >= 0 and a fraction in 0..1");
  }
  if (in.every_weeks < 0 || in.every_weeks > 52) out.Add(field + ".every_weeks", "0..52");
  if (in.discharge_window_days < 0 || in.discharge_window_days > 90) {
    out.Add(field + ".discharge_window_days", "0..90");
  }
  if (in.source.empty()) out.Add(field + ".source", "is required");
  if (in.licence.empty()) out.Add(field + ".licence", "is required");
}

Result<OutcomeScore> ScoreOutcome(const Instrument& in, const std::vector<OutcomeAnswer>& answers,
                                  const std::string& field) {
  Violations v;
  std::vector<std::optional<int>> given(in.items.size());
  std::vector<bool> seen(in.items.size());  // answered, in range or not
  for (size_t a = 0; a < answers.size(); ++a) {
    const std::string f = field + "[" + std::to_string(a) + "]";
    size_t k = 0;
    while (k < in.items.size() && in.items[k].id != answers[a].item_id) ++k;
    if (k == in.items.size()) {
      v.Add(f + ".item", "not an item of " + in.id);
      continue;
    }
    if (seen[k]) {
      v.Add(f + ".item", "item \"" + in.items[k].id + "\" answered twice");
      continue;
    }
    seen[k] = true;
    const OutcomeItem& item = in.items[k];
    if (answers[a].value < item.min || answers[a].value > item.max) {
      v.Add(f + ".value", "must be " + std::to_string(item.min) + ".." + std::to_string(item.max) +
                              " for item \"" + item.id + "\"");
      continue;
    }
    given[k] = answers[a].value;
  }
  int answered = 0;
  double sum = 0, max_sum = 0;
  for (size_t k = 0; k < in.items.size(); ++k) {
    if (!given[k]) {
      if (in.items[k].required && !seen[k])
        v.Add(field, "item \"" + in.items[k].id + "\" is required");
      continue;
    }
    ++answered;
    sum += *given[k];
    max_sum += in.items[k].max;
  }
  if (v.empty() && answered < in.min_answered) {
    v.Add(field, std::to_string(answered) + " item(s) answered; " + in.id + " needs " +
                     std::to_string(in.min_answered));
  }
  PTRACK_RETURN_IF_ERROR(v.ToStatus());
  OutcomeScore out;
  out.answered = answered;
  switch (in.scoring) {
    case OutcomeScoring::kSum:
      out.value = sum;
      break;
    case OutcomeScoring::kMean:
      out.value = sum / answered;
      break;
    case OutcomeScoring::kProratedSum:
      out.value = sum / max_sum * in.scale_max;
      break;
  }
  if (in.show_percent) out.percent = out.value / in.scale_max * 100;
  return out;
}

OutcomeJudgement JudgementOf(const Instrument& in) {
  return {in.display_name,  in.direction,        in.mcid_points,
          in.mcid_fraction, in.improved_at_most, in.worsened_at_least};
}

OutcomeChange ChangeOf(const Instrument& in, double baseline, double current) {
  return ChangeOf(JudgementOf(in), baseline, current);
}

OutcomeChange ChangeOf(const OutcomeJudgement& in, double baseline, double current) {
  if (in.improved_at_most && in.worsened_at_least) {
    if (current <= *in.improved_at_most) return OutcomeChange::kImproved;
    if (current >= *in.worsened_at_least) return OutcomeChange::kWorsened;
    return OutcomeChange::kNone;
  }
  const double better =
      in.direction == OutcomeDirection::kLowerIsBetter ? baseline - current : current - baseline;
  const double threshold_fraction = in.mcid_fraction > 0 ? in.mcid_fraction * baseline : 0;
  // A fraction of a zero baseline is no threshold at all: only the points count then.
  auto reaches = [&](double amount) {
    const double eps = 1e-9;
    if (in.mcid_points > 0 && amount + eps >= in.mcid_points) return true;
    return threshold_fraction > 0 && amount + eps >= threshold_fraction;
  };
  if (reaches(better)) return OutcomeChange::kImproved;
  if (reaches(-better)) return OutcomeChange::kWorsened;
  return OutcomeChange::kNone;
}

namespace {

// A score as people write it: "14", "3.3".
std::string ScoreText(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

}  // namespace

std::string DescribeMcid(const OutcomeJudgement& in) {
  if (in.Global()) {
    return ScoreText(*in.improved_at_most) + " or less improved, " +
           ScoreText(*in.worsened_at_least) + " or more worse";
  }
  std::string out;
  if (in.mcid_points > 0) out = ScoreText(in.mcid_points) + " points";
  if (in.mcid_fraction > 0) {
    out += (out.empty() ? "" : " or ") + ScoreText(in.mcid_fraction * 100) + " %";
  }
  return out;
}

std::string OutcomeStanding::Describe() const {
  const OutcomeJudgement& j = latest->judgement;
  const char* verdict = change == OutcomeChange::kImproved   ? "improved"
                        : change == OutcomeChange::kWorsened ? "worse"
                                                             : "less than the MCID";
  const std::string scores = baseline != nullptr
                                 ? ScoreText(baseline->score) + " -> " + ScoreText(latest->score)
                                 : ScoreText(latest->score);
  return j.display_name + " " + scores + " (" + verdict + "; MCID " + DescribeMcid(j) + ")";
}

OutcomeStanding StandingOf(const std::vector<const OutcomeResult*>& results,
                           const std::string& instrument_id) {
  OutcomeStanding out;
  auto earlier = [](const OutcomeResult* a, const OutcomeResult* b) {
    return a->date != b->date ? a->date < b->date : a->received < b->received;
  };
  for (const OutcomeResult* r : results) {
    if (r->instrument_id != instrument_id) continue;
    if (out.baseline == nullptr || earlier(r, out.baseline)) out.baseline = r;
    if (out.latest == nullptr || earlier(out.latest, r)) out.latest = r;
  }
  if (out.latest == nullptr) return out;
  if (out.latest->judgement.Global()) {
    out.baseline = nullptr;
    out.change = ChangeOf(out.latest->judgement, 0, out.latest->score);
  } else if (out.latest != out.baseline) {
    out.change = ChangeOf(out.latest->judgement, out.baseline->score, out.latest->score);
  }
  return out;
}

std::optional<OutcomeOccasion> CurrentOccasion(const Instrument& in, LocalDate start,
                                               std::optional<LocalDate> discharge,
                                               LocalDate today) {
  if (today < start) return std::nullopt;
  if (discharge && today >= *discharge) {
    if (!in.at_discharge || today > *discharge + date::days{in.discharge_window_days}) {
      return std::nullopt;
    }
    return OutcomeOccasion{"discharge", *discharge};
  }
  if (in.every_weeks > 0) {
    const int weeks = static_cast<int>((today - start).count()) / 7;
    const int k = weeks / in.every_weeks;
    if (k > 0) {
      return OutcomeOccasion{"week " + std::to_string(k * in.every_weeks),
                             start + date::days{7 * k * in.every_weeks}};
    }
  }
  if (in.at_baseline) return OutcomeOccasion{"baseline", start};
  return std::nullopt;
}

}  // namespace ptrack
