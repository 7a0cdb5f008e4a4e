// The therapist's list (an admin sees the whole clinic's): patients most in need of attention
// first, each with the reasons — open red flag, pain flare, decisions waiting, inactivity — read
// from the server's clinic report.
import { describe } from "../api";
import { shortDate } from "../dates";
import { h, mount } from "../dom";
import { flagText, idOf } from "../format";
import { FlagKind } from "../gen/ptrack/v1/progression_pb";
import type { ReportRow } from "../gen/ptrack/v1/report_pb";
import { reportRows } from "../report";
import type { SignedIn } from "../session_store";

function reasons(row: ReportRow): HTMLElement[] {
  const chips: HTMLElement[] = [];
  if (row.suspended) chips.push(h("span", { class: "chip red", "data-testid": "red-flag" }, "Red flag: program stopped"));
  for (const f of row.openFlags) {
    if (f.kind === FlagKind.RED_FLAG) continue;
    chips.push(h("span", { class: "chip amber", title: f.detail }, flagText(f.kind)));
  }
  const pending = row.pendingDecisions;
  if (pending > 0) chips.push(h("span", { class: "chip blue" }, `${pending} decision${pending > 1 ? "s" : ""} to approve`));
  if (row.rtm?.atRisk) chips.push(h("span", { class: "chip amber", title: row.rtm.forecast }, "RTM at risk"));
  if (!row.hasProgram) chips.push(h("span", { class: "chip" }, "No program"));
  if (chips.length === 0) chips.push(h("span", { class: "chip green" }, "On track"));
  return chips;
}

export async function patients(root: HTMLElement, who: SignedIn): Promise<void> {
  mount(root, h("p", { class: "loading" }, "Loading patients…"));
  try {
    const ranked = await reportRows(who.clinic);
    mount(root, h("section", { class: "card" },
      h("h1", null, "Patients"),
      h("p", { class: "hint" }, "Most in need of attention first."),
      ranked.length === 0 ? h("p", null, "No patients yet.") :
        h("ul", { class: "patients", "data-testid": "patients" }, ranked.map((row) =>
          h("li", { "data-patient": row.patient, class: row.suspended ? "urgent" : "" },
            h("a", { href: `#/patients/${idOf(row.patient)}` }, row.displayName),
            h("span", { class: "last" }, row.lastSessionDate ? `last session ${shortDate(row.lastSessionDate)}` : "no sessions yet"),
            h("div", { class: "chips" }, reasons(row)))))));
  } catch (e) {
    mount(root, h("p", { class: "error" }, `The patient list could not be loaded: ${describe(e)}`));
  }
}
