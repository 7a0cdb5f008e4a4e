// Report orders: parsing and comparison.
#include "engine/report_order.h"

#include <algorithm>
#include <tuple>

namespace ptrack {
namespace {

struct Named {
  const char* name;
  ReportKey key;
};
constexpr Named kKeys[] = {
    {"attention", ReportKey::kAttention},       {"name", ReportKey::kName},
    {"adherence_7", ReportKey::kAdherence7},    {"adherence_30", ReportKey::kAdherence30},
    {"last_session", ReportKey::kLastSession},  {"pain_change", ReportKey::kPainChange},
    {"rtm_data_days", ReportKey::kRtmDataDays},
};

double Ratio(const AdherenceWindow& w) {
  return w.sessions_prescribed == 0 ? 0.0
                                    : static_cast<double>(w.sessions_done) / w.sessions_prescribed;
}

// The figure a key sorts by; rows without a summary (or without the figure) sort as lowest.
double Figure(const PatientStatusRow& row, ReportKey key) {
  if (key == ReportKey::kName) return 0;  // sorted by the name itself
  if (!row.summary) return -1e9;
  const PatientSummary& s = *row.summary;
  switch (key) {
    case ReportKey::kAttention:
      return AttentionScore(row) * 10.0 + (1.0 - Ratio(s.last_30));
    case ReportKey::kName:
      return 0;
    case ReportKey::kAdherence7:
      return Ratio(s.last_7);
    case ReportKey::kAdherence30:
      return Ratio(s.last_30);
    case ReportKey::kLastSession:
      return s.last_session ? static_cast<double>(s.last_session->time_since_epoch().count())
                            : -1e9;
    case ReportKey::kPainChange:
      return s.pain_baseline < 0 || s.pain_recent < 0 ? -1e9 : s.pain_recent - s.pain_baseline;
    case ReportKey::kRtmDataDays:
      return s.rtm.in_episode ? s.rtm.data_days : -1e9;
  }
  return 0;
}

}  // namespace

Result<ReportOrder> ParseReportOrder(const std::string& order_by) {
  std::string name = order_by;
  bool descending = false;
  if (const auto space = order_by.find(' '); space != std::string::npos) {
    name = order_by.substr(0, space);
    if (order_by.substr(space) != " desc") {
      return Status::InvalidArgument("order_by", "only \" desc\" may follow the field name");
    }
    descending = true;
  }
  if (name.empty()) name = "attention";
  for (const Named& n : kKeys) {
    if (name == n.name) return ReportOrder{n.key, descending, name + (descending ? " desc" : "")};
  }
  return Status::InvalidArgument("order_by",
                                 "must be one of attention, name, adherence_7, adherence_30, "
                                 "last_session, pain_change, rtm_data_days (optionally \" desc\")");
}

int AttentionScore(const PatientStatusRow& row) {
  if (!row.summary) return 0;
  const PatientSummary& s = *row.summary;
  int score = 50 * s.pending_decisions + (s.rtm_at_risk ? 5 : 0);
  for (const Flag& f : s.open_flags) {
    switch (f.kind) {
      case FlagKind::kRedFlag:
        score += 1000;
        break;
      case FlagKind::kPainFlare:
        score += 100;
        break;
      case FlagKind::kMaintenancePainReturn:
        score += 80;
        break;
      case FlagKind::kInactivity:
        score += 20;
        break;
      case FlagKind::kReevaluationDue:
      case FlagKind::kPhaseGateStalled:
        score += 10;
        break;
      case FlagKind::kOutcomeWorsened:
        score += 30;
        break;
      case FlagKind::kOutcomeImproved:
        break;
    }
  }
  return score;
}

void SortReport(std::vector<PatientStatusRow>& rows, const ReportOrder& order) {
  // Attention is "most need first", so its natural direction is descending.
  const bool high_first = (order.key == ReportKey::kAttention) != order.descending;
  std::vector<std::pair<double, PatientStatusRow*>> keyed;
  keyed.reserve(rows.size());
  for (PatientStatusRow& r : rows) keyed.emplace_back(Figure(r, order.key), &r);
  const bool names_reversed = order.key == ReportKey::kName && order.descending;
  std::sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return high_first ? a.first > b.first : a.first < b.first;
    const auto ka = std::tie(a.second->display_name, a.second->patient_id);
    const auto kb = std::tie(b.second->display_name, b.second->patient_id);
    return names_reversed ? kb < ka : ka < kb;
  });
  std::vector<PatientStatusRow> sorted;
  sorted.reserve(rows.size());
  for (auto& [figure, row] : keyed) sorted.push_back(std::move(*row));
  rows = std::move(sorted);
}

}  // namespace ptrack
