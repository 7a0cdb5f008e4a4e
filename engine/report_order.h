// The clinic report's orders. "attention" (the default) puts first whoever most needs their
// therapist: an open red flag, then pain flares, pending decisions, inactivity, reviews due and
// RTM at risk (a score whose weights only order these kinds — they are not clinical thresholds),
// then the lowest 30-day adherence. The other orders sort one figure ascending (" desc" reverses);
// ties, and rows without figures, fall back to the display name and then the patient id, so
// every order is total and pages do not repeat or skip rows while the data stand still.
#pragma once

#include <string>
#include <vector>

#include "scheduler/status.h"
#include "storage/records.h"

namespace ptrack {

enum class ReportKey {
  kAttention,
  kName,
  kAdherence7,
  kAdherence30,
  kLastSession,
  kPainChange,
  kRtmDataDays,
};

struct ReportOrder {
  ReportKey key = ReportKey::kAttention;
  bool descending = false;  // for kAttention: reverses "most need first"
  std::string text;         // canonical form, e.g. "adherence_30 desc"
};

// INVALID_ARGUMENT on "order_by" for anything but the names in report.proto.
Result<ReportOrder> ParseReportOrder(const std::string& order_by);

// How much the row's patient needs attention now; 0 without a summary.
int AttentionScore(const PatientStatusRow& row);

void SortReport(std::vector<PatientStatusRow>& rows, const ReportOrder& order);

}  // namespace ptrack
