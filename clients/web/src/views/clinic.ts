// The clinic admin's overview: every patient's adherence over the last 7 and 30 days (credited
// sessions over prescribed, counted by the server in the patient's own zone), last session and
// open flags, with a CSV download of the same table, and the server's sessions export (CSV) of
// the last 30 days.
import { clinics, describe, sessions } from "../api";
import { type PatientStatus, pool, rank } from "../attention";
import { addDays, todayIn } from "../dates";
import { h, mount, toast } from "../dom";
import { csv, download, downloadBlob } from "../csv";
import { flagText, idOf } from "../format";
import { FlagKind } from "../gen/ptrack/v1/progression_pb";
import type { Adherence } from "../gen/ptrack/v1/session_pb";
import type { SignedIn } from "../session_store";
import { allPatients } from "./patients";

interface Row {
  st: PatientStatus;
  therapist: string;
  today: string;
  d7: [number, number];   // [done, prescribed]
  d30: [number, number];
}

/** Credited sessions over prescribed in the `n` days up to `today`, as the server counts them. */
async function adherence(st: PatientStatus, today: string, n: number): Promise<[number, number]> {
  if (!st.hasProgram) return [0, 0];
  const a: Adherence = await sessions.getAdherence({ parent: st.patient.name, startDate: addDays(today, 1 - n), endDate: today });
  return [a.sessionsDone, a.sessionsPrescribed];
}

const pct = ([done, of]: [number, number]) => (of === 0 ? "–" : `${Math.round((100 * done) / of)}%`);

function openFlags(st: PatientStatus): string[] {
  if (st.error) return [`Could not be read: ${st.error}`];
  const out = st.flags.filter((f) => f.kind !== FlagKind.RED_FLAG).map((f) => flagText(f.kind));
  if (st.suspended) out.unshift("Red flag");
  if (!st.hasProgram) out.push("No program");
  return out;
}

export const CSV_HEADER = [
  "patient_id", "patient", "therapist", "time_zone", "date",
  "sessions_done_7d", "sessions_prescribed_7d", "sessions_done_30d", "sessions_prescribed_30d",
  "last_session", "open_flags", "pending_decisions",
];

export async function clinicOverview(root: HTMLElement, who: SignedIn): Promise<void> {
  mount(root, h("p", { class: "loading" }, "Loading the clinic…"));
  try {
    const [clinic, therapists, list] = await Promise.all([
      clinics.getClinic({ name: who.clinic }),
      clinics.listTherapists({ parent: who.clinic, pageSize: 200 }),
      allPatients(who.clinic),
    ]);
    const therapistName = new Map(therapists.therapists.map((t) => [t.name, t.displayName]));
    const ranked = await rank(list);
    const rows: Row[] = await pool(ranked, async (st) => {
      const today = todayIn(st.patient.timeZone);
      const [d7, d30] = st.error ? [[0, 0], [0, 0]] as [number, number][]
        : await Promise.all([adherence(st, today, 7), adherence(st, today, 30)]);
      return { st, today, therapist: therapistName.get(st.patient.therapist) ?? idOf(st.patient.therapist), d7, d30 };
    });
    const table = h("table", { class: "overview", "data-testid": "overview" },
      h("thead", null, h("tr", null, ["Patient", "Therapist", "7 days", "30 days", "Last session", "Needs"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", null, rows.map((r) => h("tr", { "data-patient": r.st.patient.name },
        h("th", { scope: "row" }, h("a", { href: `#/patients/${idOf(r.st.patient.name)}` }, r.st.patient.displayName)),
        h("td", null, r.therapist),
        h("td", null, `${pct(r.d7)} (${r.d7[0]}/${r.d7[1]})`),
        h("td", null, `${pct(r.d30)} (${r.d30[0]}/${r.d30[1]})`),
        h("td", null, r.st.lastSession || "–"),
        h("td", null, [...openFlags(r.st), r.st.pending.length ? `${r.st.pending.length} pending` : ""].filter(Boolean).join(", ") || "On track")))));
    const button = h("button", { type: "button", class: "primary", "data-testid": "download-csv" }, "Download CSV");
    button.addEventListener("click", () => {
      const body = rows.map((r) => [
        idOf(r.st.patient.name), r.st.patient.displayName, r.therapist, r.st.patient.timeZone, r.today,
        r.d7[0], r.d7[1], r.d30[0], r.d30[1], r.st.lastSession, openFlags(r.st).join("; "), r.st.pending.length,
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
