// One patient, for their therapist (or an admin): an open red flag with the form to clear it,
// the other flags, the decisions waiting for approval (approve / reject), today's exercises with
// a dose adjustment form, the adherence calendar, the pain trend, the sessions, remote
// monitoring (RTM) status with time recording, the outcome measures over time (with their MCID
// band) and which the program asks, pausing and ending the episode (discharge); without an active
// program, how the last one ended.
import { create } from "@bufbuild/protobuf";
import { clinics, describe, outcomes, programs, progression, sessions } from "../api";
import { statusOf } from "../attention";
import { adherenceCalendar, painChart, scoreChart } from "../charts";
import { addDays, todayIn } from "../dates";
import { h, mount, toast } from "../dom";
import { doseText, flagText } from "../format";
import { DoseSchema } from "../gen/ptrack/v1/dose_pb";
import { DischargeReason, type PlanDay, type Program } from "../gen/ptrack/v1/program_pb";
import { type ListOutcomeResponsesResponse, OutcomeChange } from "../gen/ptrack/v1/outcome_pb";
import { type Decision, FlagKind } from "../gen/ptrack/v1/progression_pb";
import type { SignedIn } from "../session_store";
import { uuid4 } from "../uuid";
import { painPoints, sessionList } from "./history";
import { rtmCard } from "./rtm_card";

type Reload = () => Promise<void>;

function clearRedFlag(parent: string, detail: string, reload: Reload): HTMLElement {
  const note = h("textarea", { name: "clear-note", rows: 3, maxlength: 2000, required: true,
    placeholder: "What you checked, and why the program may resume" });
  const button = h("button", { type: "submit", class: "danger" }, "Clear red flag and resume");
  const form = h("form", { class: "card urgent", "data-testid": "red-flag-card" },
    h("h2", null, "Red flag: program stopped"), h("p", null, detail),
    h("label", { class: "field" }, h("span", null, "Clinical note (required)"), note), button);
  const actionId = uuid4();  // one per form: a retry after a lost answer is the same action
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    try {
      await progression.clearRedFlag({ parent, actionId, note: note.value });
      toast("Red flag cleared; the program resumes today.");
      await reload();
    } catch (e) {
      toast(describe(e), "error");
      button.disabled = false;
    }
  });
  return form;
}

function decisionItem(d: Decision, reload: Reload): HTMLElement {
  const ids = { approve: uuid4(), reject: uuid4() };  // a retry is the same action
  const act = (approve: boolean) => async () => {
    try {
      const req = { name: d.name, actionId: approve ? ids.approve : ids.reject };
      await (approve ? progression.approveDecision(req) : progression.rejectDecision(req));
      toast(approve ? "Approved: in effect from today." : "Rejected.");
      await reload();
    } catch (e) {
      toast(describe(e), "error");
    }
  };
  return h("li", { class: "decision", "data-decision": d.name },
    h("p", null, h("strong", null, `Week ${d.week}: `), d.explanation),
    d.oldDose || d.newDose ? h("p", { class: "dose" }, `${doseText(d.oldDose)} → ${doseText(d.newDose)}`) : null,
    h("div", { class: "actions" },
      h("button", { type: "button", class: "primary", onclick: act(true) }, "Approve"),
      h("button", { type: "button", onclick: act(false) }, "Reject")));
}

/** The adjustment form for one exercise: a new program revision with a reason the patient sees. */
function adjustForm(program: string, day: PlanDay, index: number, reload: Reload): HTMLElement {
  const e = day.exercises[index];
  const d = e.dose ?? create(DoseSchema);
  const num = (label: string, name: string, value: number, step = "1", min = 0) =>
    h("label", { class: "num" }, h("span", null, label), h("input", { type: "number", name, min, step, value: String(value) }));
  const reason = h("input", { name: "reason", required: true, maxlength: 500, placeholder: "Shown to the patient" });
  const form = h("form", { class: "adjust", "aria-label": `Adjust ${e.displayName}` },
    h("div", { class: "nums" },
      num("Sets", "sets", d.sets, "1", 1), num("Reps", "reps", d.reps), num("Hold (s)", "hold", d.holdSeconds),
      num("Load (kg)", "load", d.loadKg, "0.5")),
    h("label", { class: "field" }, h("span", null, "Band"), h("input", { name: "band", value: d.band, maxlength: 32 })),
    h("label", { class: "field" }, h("span", null, "Reason"), reason),
    h("button", { type: "submit", class: "primary" }, "Save new dose"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = (n: string) => (form.elements.namedItem(n) as HTMLInputElement).value;
    const dose = create(DoseSchema, { ...d, sets: Number(v("sets")), reps: Number(v("reps")),
      holdSeconds: Number(v("hold")), loadKg: Number(v("load")), band: v("band").trim(), pyramidReps: [] });
    try {
      // The plan lists the phase's prescriptions in protocol order, so the index finds this one
      // even when the patient has moved along its ladder to another exercise; the new revision
      // prescribes what the therapist saw (that rung) at the dose entered.
      const current = await programs.getProgram({ name: program });
      const rxs = current.phases.find((p) => p.number === day.phaseNumber)?.prescriptions ?? [];
      if (rxs.length !== day.exercises.length) throw new Error("The program changed meanwhile: reload the page.");
      rxs[index].exercise = e.exercise;
      rxs[index].doseSteps = [dose];
      await programs.updateProgram({ program: current, updateMask: { paths: ["phases"] }, reason: reason.value });
      toast(`${e.displayName}: now ${doseText(dose)}.`);
      await reload();
    } catch (err) {
      toast(err instanceof Error && !("code" in err) ? err.message : describe(err), "error");
    }
  });
  return form;
}

function planSection(program: string, day: PlanDay | undefined, reload: Reload): HTMLElement {
  if (!day) return h("section", { class: "card" }, h("h2", null, "Today"), h("p", null, "No plan for today."));
  return h("section", { class: "card" },
    h("h2", null, `Today: week ${day.programWeek} · ${day.phaseName}${day.paused ? " (paused)" : day.trainingDay ? "" : " (rest day)"}`),
    day.suspended ? h("p", null, "Suspended: no exercises until the red flag is cleared.") :
      h("ul", { class: "exercises" }, day.exercises.map((e, index) => {
        const toggle = h("button", { type: "button", class: "small" }, "Adjust dose");
        const li = h("li", { class: "exercise", "data-exercise": e.exercise },
          h("h3", null, e.displayName), h("p", { class: "dose" }, doseText(e.dose)),
          e.why ? h("p", { class: "why" }, e.why) : null, toggle);
        toggle.addEventListener("click", () => toggle.replaceWith(adjustForm(program, day, index, reload)));
        return li;
      })));
}

const REASONS: [DischargeReason, string][] = [
  [DischargeReason.COMPLETED, "Program completed"],
  [DischargeReason.GOALS_MET, "Goals met"],
  [DischargeReason.REFERRED_ON, "Referred on"],
  [DischargeReason.DROPPED_OUT, "Dropped out"],
];

/** Runs a change from a button: a toast and a reload when done, the error when refused. */
async function act(fn: () => Promise<unknown>, done: string, button: HTMLButtonElement, reload: Reload) {
  button.disabled = true;
  try {
    await fn();
    toast(done);
    await reload();
  } catch (e) {
    toast(describe(e), "error");
    button.disabled = false;
  }
}

/** Ends the program today with a reason and a note; the patient's history stays readable. */
function dischargeForm(program: string, reload: Reload): HTMLElement {
  const reason = h("select", { name: "reason", required: true },
    h("option", { value: "" }, "Choose…"),
    REASONS.map(([value, label]) => h("option", { value: String(value) }, label)));
  const note = h("textarea", { name: "note", maxlength: 2000, rows: 3 });
  const button = h("button", { type: "submit", class: "danger" }, "End program today");
  const form = h("form", { "aria-label": "Discharge" },
    h("label", { class: "field" }, h("span", null, "Why it ends"), reason),
    h("label", { class: "field" }, h("span", null, "Discharge note"), note), button);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void act(() => programs.dischargeProgram({ name: program, reason: Number(reason.value), note: note.value }),
      "Program ended today. A new program can be started at any time.", button, reload);
  });
  return h("section", { class: "card" },
    h("details", null, h("summary", null, "End this program (discharge)"), form));
}

/** Pauses the program (dates in the patient's zone; no end: until resumed), or resumes it. */
function pauseForm(program: string, paused: boolean, reload: Reload): HTMLElement {
  if (paused) {
    const resume = h("button", { type: "button", class: "primary" }, "Resume from today");
    resume.addEventListener("click", () => void act(() => programs.resumeProgram({ name: program }), "Program resumed.", resume, reload));
    return h("section", { class: "card" }, h("h2", null, "Paused"), resume);
  }
  const start = h("input", { type: "date", name: "start" });
  const end = h("input", { type: "date", name: "end" });
  const reason = h("input", { name: "reason", required: true, maxlength: 500, placeholder: "Holiday, illness…" });
  const button = h("button", { type: "submit" }, "Pause program");
  const pauseId = uuid4();  // one per form: a retry is the same pause
  const form = h("form", { "aria-label": "Pause" },
    h("label", { class: "field" }, h("span", null, "From (empty: today)"), start),
    h("label", { class: "field" }, h("span", null, "Until (empty: until resumed)"), end),
    h("label", { class: "field" }, h("span", null, "Reason"), reason), button);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void act(() => programs.pauseProgram({ name: program, pauseId, startDate: start.value, endDate: end.value, reason: reason.value }),
      "Program paused: nothing is due and nothing counts until it ends.", button, reload);
  });
  return h("section", { class: "card" }, h("details", null, h("summary", null, "Pause this program"), form));
}

/** How the patient's last program ended, when it did. */
function endedNote(last: Program | undefined): HTMLElement {
  const d = last?.discharge;
  const why = REASONS.find(([value]) => value === d?.reason)?.[1];
  return h("section", { class: "card", "data-testid": "no-program" },
    h("p", null, "No active program."),
    d ? h("p", null, `The last program ended on ${d.date}${why ? ` (${why.toLowerCase()})` : ""}${d.note ? `: ${d.note}` : "."}`) : null);
}

const verdicts: Record<number, string> = {
  [OutcomeChange.IMPROVED]: "improved", [OutcomeChange.WORSENED]: "worse", [OutcomeChange.NONE]: "no clear change",
};

/** Scores over time per instrument, and the form to ask or stop asking an instrument. */
function outcomesSection(program: string, got: ListOutcomeResponsesResponse, asked: string[],
  all: { name: string; displayName: string }[], reload: Reload): HTMLElement {
  const charts = got.instruments.filter((i) => got.responses.some((r) => r.instrument === i.name)).map((i) => {
    const mine = got.responses.filter((r) => r.instrument === i.name);
    const latest = mine[mine.length - 1];
    // The smaller threshold where both are set: a change beyond either one counts.
    const fraction = i.mcidFraction * (mine[0]?.score ?? 0);
    const mcid = i.mcidPoints > 0 && fraction > 0 ? Math.min(i.mcidPoints, fraction) : i.mcidPoints > 0 ? i.mcidPoints : fraction;
    return h("div", { "data-instrument": i.name },
      h("h3", null, i.displayName),
      i.globalImpression ? null : scoreChart(i.displayName, mine.map((r) => ({ date: r.localDate, score: r.score })),
        i.scaleMax, mcid, i.higherIsBetter),
      h("p", { "data-testid": "outcome-latest" }, `Latest ${latest.localDate}: ${latest.score}`,
        latest.percent !== undefined ? ` (${Math.round(latest.percent)} %)` : "",
        latest.baseline ? " — the baseline" : latest.change !== undefined
          ? ` — ${latest.change > 0 ? "+" : ""}${Math.round(latest.change * 10) / 10} since the baseline: ${verdicts[latest.verdict]} (MCID ${latest.mcid})`
          : ` — ${verdicts[latest.verdict]}`));
  });
  const select = h("select", { name: "instrument", "aria-label": "Outcome measure" },
    all.map((i) => h("option", { value: i.name }, `${i.displayName}${asked.includes(i.name) ? " (asked)" : ""}`)));
  const act = (unassign: boolean) => async () => {
    try {
      await outcomes.assignInstrument({ program, instrument: select.value, unassign });
      toast(unassign ? "No longer asked." : "Asked from today.");
      await reload();
    } catch (e) {
      toast(describe(e), "error");
    }
  };
  return h("section", { class: "card", "data-testid": "outcomes" }, h("h2", null, "Outcome measures"),
    charts.length > 0 ? charts : h("p", null, "No questionnaires answered yet."),
    h("div", { class: "row" }, select,
      h("button", { type: "button", onclick: act(false) }, "Ask"),
      h("button", { type: "button", onclick: act(true) }, "Stop asking")));
}

export async function patientPage(root: HTMLElement, who: SignedIn, id: string): Promise<void> {
  const name = `${who.clinic}/patients/${id}`;
  const reload = () => patientPage(root, who, id);
  mount(root, h("p", { class: "loading" }, "Loading…"));
  try {
    const patient = await clinics.getPatient({ name });
    const today = todayIn(patient.timeZone);
    const st = await statusOf(patient);
    const [plan, adherence, list] = st.hasProgram
      ? await Promise.all([
        programs.getPlan({ parent: name, days: 1 }),
        sessions.getAdherence({ parent: name, startDate: addDays(today, -34), endDate: today }),
        sessions.listSessions({ parent: name, startDate: addDays(today, -55), endDate: today, pageSize: 200 }),
      ])
      : [null, null, null];
    const last = st.hasProgram ? undefined : (await programs.listPrograms({ parent: name, pageSize: 1 })).programs[0];
    const monitoring = await rtmCard(who, name, today, reload);
    const [scores, instruments, asked] = st.hasProgram
      ? await Promise.all([outcomes.listOutcomeResponses({ parent: name }), outcomes.listInstruments({}),
        outcomes.listDueQuestionnaires({ parent: name })])
      : [null, null, null];
    const redFlag = st.flags.filter((f) => f.kind === FlagKind.RED_FLAG).pop();
    const others = st.flags.filter((f) => f.kind !== FlagKind.RED_FLAG);
    mount(root,
      h("p", null, h("a", { href: "#/patients" }, "← All patients")),
      h("h1", null, patient.displayName),
      h("p", { class: "hint" }, `${patient.username} · ${patient.timeZone}`),
      st.suspended ? clearRedFlag(name, redFlag?.detail ?? "", reload) : null,
      others.length > 0 ? h("section", { class: "card" }, h("h2", null, "Flags"),
        h("ul", { "data-testid": "flags" }, others.map((f) => h("li", null, h("strong", null, `${flagText(f.kind)} `), `${f.date}: ${f.detail}`)))) : null,
      st.pending.length > 0 ? h("section", { class: "card" }, h("h2", null, "Decisions waiting for you"),
        h("ul", { class: "decisions", "data-testid": "pending-decisions" }, st.pending.map((d) => decisionItem(d, reload)))) : null,
      !st.hasProgram ? endedNote(last) :
        [planSection(st.program, plan?.days[0], reload),
          h("section", { class: "card" }, h("h2", null, "Last five weeks"),
            adherenceCalendar(adherence!.days, today),
            h("p", null, `Adherence: ${Math.round(adherence!.ratio * 100)}% of prescribed sessions.`)),
          h("section", { class: "card" }, h("h2", null, "Pain trend"), painChart(painPoints(list!.sessions), addDays(today, -55), today)),
          h("section", { class: "card" }, h("h2", null, "Sessions"), sessionList(list!.sessions)),
          outcomesSection(st.program, scores!, asked!.instruments.map((i) => i.name),
            instruments!.instruments, reload),
          pauseForm(st.program, plan?.days[0]?.paused ?? false, reload),
          dischargeForm(st.program, reload)],
      monitoring);
  } catch (e) {
    mount(root, h("p", { class: "error" }, `This patient could not be loaded: ${describe(e)}`));
  }
}
