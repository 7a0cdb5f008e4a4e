// The clinic report as the server keeps it (ReportService.GetClinicReport): one row per patient
// the caller may see — a therapist's own, an admin's whole clinic — with adherence, dose, pain
// trend, phase, open flags, pending decisions and RTM, already ordered (most in need of attention
// first by default). One call per 200 patients, so the list opens at once for a large clinic.
import { reports } from "./api";
import type { ReportRow } from "./gen/ptrack/v1/report_pb";
import { FlagKind } from "./gen/ptrack/v1/progression_pb";
import { flagText } from "./format";

export async function reportRows(clinic: string, orderBy = ""): Promise<ReportRow[]> {
  const rows: ReportRow[] = [];
  let pageToken = "";
  do {
    const page = await reports.getClinicReport({ parent: clinic, orderBy, pageSize: 200, pageToken });
    rows.push(...page.rows);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return rows;
}

/**
 * The open flags in words, a red flag first ("No program" when there is none), then a pause.
 */
export function openFlagTexts(row: ReportRow): string[] {
  if (!row.hasProgram) return ["No program"];
  const out = row.openFlags.filter((f) => f.kind !== FlagKind.RED_FLAG).map((f) => flagText(f.kind));
  if (row.suspended) out.unshift("Red flag");
  if (row.paused) out.push("Paused");
  if (row.rtm?.atRisk) out.push("RTM at risk");
  return out;
}
