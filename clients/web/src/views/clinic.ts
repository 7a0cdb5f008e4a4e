// The clinic admin's overview, from the server's clinic report: every patient's adherence over
// the last 7 and 30 days (credited sessions over prescribed, and the share of exercises done at
// the full dose, in the patient's own zone), pain trend, last session, open flags and RTM data
// days, with a CSV download of the same table, and the server's sessions export (CSV) of the last
// 30 days.
import { clinics, describe } from "../api";
import { addDays, todayIn } from "../dates";
import { h, mount, toast } from "../dom";
import { csv, download, downloadBlob } from "../csv";
import { idOf } from "../format";
import type { AdherenceWindow, ReportRow } from "../gen/ptrack/v1/report_pb";
import { openFlagTexts, reportRows } from "../report";
import type { SignedIn } from "../session_store";

interface Row {
  r: ReportRow;
  therapist: string;
  today: string;
}

const done = (w?: AdherenceWindow) => w?.sessionsDone ?? 0;
const prescribed = (w?: AdherenceWindow) => w?.sessionsPrescribed ?? 0;
const pct = (w?: AdherenceWindow) => (prescribed(w) === 0 ? "–" : `${Math.round(100 * (w?.sessionsRatio ?? 0))}%`);
const dose = (w?: AdherenceWindow) => ((w?.exercisesPlanned ?? 0) === 0 ? "–" : `${Math.round(100 * (w?.doseRatio ?? 0))}%`);
const pain = (v: number) => (v < 0 ? "–" : v.toFixed(1));

export const CSV_HEADER = [
  "patient_id", "patient", "therapist", "time_zone", "date",
  "sessions_done_7d", "sessions_prescribed_7d", "sessions_done_30d", "sessions_prescribed_30d",
  "last_session", "open_flags", "pending_decisions",
];

export async function clinicOverview(root: HTMLElement, who: SignedIn): Promise<void> {
  mount(root, h("p", { class: "loading" }, "Loading the clinic…"));
  try {
    const [clinic, therapists, report] = await Promise.all([
      clinics.getClinic({ name: who.clinic }),
      clinics.listTherapists({ parent: who.clinic, pageSize: 200 }),
      reportRows(who.clinic),
    ]);
    const therapistName = new Map(therapists.therapists.map((t) => [t.name, t.displayName]));
    const rows: Row[] = report.map((r) => ({
      r, today: r.asOf || todayIn(r.timeZone), therapist: therapistName.get(r.therapist) ?? idOf(r.therapist),
    }));
    const table = h("table", { class: "overview", "data-testid": "overview" },
      h("thead", null, h("tr", null, ["Patient", "Therapist", "7 days", "30 days", "Full dose", "Pain", "Last session", "RTM days", "Needs"]
        .map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", null, rows.map(({ r, therapist }) => h("tr", { "data-patient": r.patient },
        h("th", { scope: "row" }, h("a", { href: `#/patients/${idOf(r.patient)}` }, r.displayName)),
        h("td", null, therapist),
        h("td", null, `${pct(r.last7Days)} (${done(r.last7Days)}/${prescribed(r.last7Days)})`),
        h("td", null, `${pct(r.last30Days)} (${done(r.last30Days)}/${prescribed(r.last30Days)})`),
        h("td", null, dose(r.last30Days)),
        h("td", null, r.hasProgram ? `${pain(r.painBaseline)} → ${pain(r.painRecent)}` : "–"),
        h("td", null, r.lastSessionDate || "–"),
        h("td", null, r.rtm?.inEpisode ? String(r.rtm.dataDays) : "–"),
        h("td", null, [...openFlagTexts(r), r.pendingDecisions ? `${r.pendingDecisions} pending` : ""].filter(Boolean).join(", ") || "On track")))));
    const button = h("button", { type: "button", class: "primary", "data-testid": "download-csv" }, "Download CSV");
    button.addEventListener("click", () => {
      const body = rows.map(({ r, therapist, today }) => [
        idOf(r.patient), r.displayName, therapist, r.timeZone, today,
        done(r.last7Days), prescribed(r.last7Days), done(r.last30Days), prescribed(r.last30Days),
        r.lastSessionDate, openFlagTexts(r).join("; "), r.pendingDecisions,
      ]);
      download(`${idOf(who.clinic)}-adherence-${todayIn(clinic.timeZone)}.csv`, csv(CSV_HEADER, body));
    });
    // Every session of the last 30 days, as the server exports it (GET /exports/sessions.csv).
    const sessionsButton = h("button", { type: "button", "data-testid": "download-sessions-csv" }, "Download sessions (30 days)");
    sessionsButton.addEventListener("click", async () => {
      const to = todayIn(clinic.timeZone);
      const query = new URLSearchParams({ parent: who.clinic, start_date: addDays(to, -29), end_date: to });
      try {
        const res = await fetch(`/exports/sessions.csv?${query}`, { headers: { Authorization: `Bearer ${who.token}` } });
        if (!res.ok) throw new Error(((await res.json()) as { message?: string }).message ?? res.statusText);
        const name = /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") ?? "")?.[1] ?? "sessions.csv";
        downloadBlob(name, await res.blob());
      } catch (e) {
        toast(`The export failed: ${e instanceof Error ? e.message : String(e)}`, "error");
      }
    });
    mount(root, h("section", { class: "card wide" },
      h("h1", null, clinic.displayName),
      h("p", { class: "hint" }, `Adherence: sessions done of those prescribed, in each patient's own time zone. ${rows.length} patients.`),
      h("div", { class: "actions" }, button, sessionsButton), table));
  } catch (e) {
    mount(root, h("p", { class: "error" }, `The overview could not be loaded: ${describe(e)}`));
  }
}
