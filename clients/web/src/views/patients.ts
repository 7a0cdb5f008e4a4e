// The therapist's list (an admin sees the whole clinic's): patients most in need of attention
// first, each with the reasons — open red flag, pain flare, decisions waiting, inactivity.
import { clinics, describe } from "../api";
import { type PatientStatus, rank } from "../attention";
import { shortDate } from "../dates";
import { h, mount } from "../dom";
import { flagText, idOf } from "../format";
import { FlagKind } from "../gen/ptrack/v1/progression_pb";
import type { Patient } from "../gen/ptrack/v1/clinic_pb";
import type { SignedIn } from "../session_store";

export async function allPatients(clinic: string): Promise<Patient[]> {
  const out: Patient[] = [];
  let pageToken = "";
  do {
    const page = await clinics.listPatients({ parent: clinic, pageSize: 200, pageToken });
    out.push(...page.patients);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return out;
}

function reasons(st: PatientStatus): HTMLElement[] {
  const chips: HTMLElement[] = [];
  if (st.error) return [h("span", { class: "chip red" }, `Could not be read: ${st.error}`)];
  if (st.suspended) chips.push(h("span", { class: "chip red", "data-testid": "red-flag" }, "Red flag: program stopped"));
  for (const f of st.flags) {
    if (f.kind === FlagKind.RED_FLAG) continue;
    chips.push(h("span", { class: "chip amber", title: f.detail }, flagText(f.kind)));
  }
  if (st.pending.length > 0) chips.push(h("span", { class: "chip blue" }, `${st.pending.length} decision${st.pending.length > 1 ? "s" : ""} to approve`));
  if (!st.hasProgram) chips.push(h("span", { class: "chip" }, "No program"));
  if (chips.length === 0) chips.push(h("span", { class: "chip green" }, "On track"));
  return chips;
}

export async function patients(root: HTMLElement, who: SignedIn): Promise<void> {
  mount(root, h("p", { class: "loading" }, "Loading patients…"));
  try {
    const ranked = await rank(await allPatients(who.clinic));
    mount(root, h("section", { class: "card" },
      h("h1", null, "Patients"),
      h("p", { class: "hint" }, "Most in need of attention first."),
      ranked.length === 0 ? h("p", null, "No patients yet.") :
        h("ul", { class: "patients", "data-testid": "patients" }, ranked.map((st) =>
          h("li", { "data-patient": st.patient.name, class: st.suspended ? "urgent" : "" },
            h("a", { href: `#/patients/${idOf(st.patient.name)}` }, st.patient.displayName),
            h("span", { class: "last" }, st.lastSession ? `last session ${shortDate(st.lastSession)}` : "no sessions yet"),
            h("div", { class: "chips" }, reasons(st)))))));
  } catch (e) {
    mount(root, h("p", { class: "error" }, `The patient list could not be loaded: ${describe(e)}`));
  }
}
