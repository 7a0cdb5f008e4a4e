// The session form: pain before, the red-flag checklist (open once pain before is answered), each
// exercise (done, sets, reps, hold; a pyramid's reps set by set), pain after and effort. Ticking any red-flag item shows the
// stop screen at once and queues the report for the clinic. Saving puts the session in the outbox
// with a UUID made here (one per form), then tries to send it; the patient never waits for the
// network. While a red-flag report waits on the device, the form is not offered.
import { create, toBinary } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { todayIn } from "../dates";
import { h, mount, toast } from "../dom";
import { doseText } from "../format";
import type { PlanDay, PlannedExercise } from "../gen/ptrack/v1/program_pb";
import type { RedFlagQuestion } from "../gen/ptrack/v1/progression_pb";
import { type ExerciseLog, ExerciseLogSchema, LogSessionRequestSchema } from "../gen/ptrack/v1/session_pb";
import * as outbox from "../outbox";
import { checklist, plan } from "../patient_data";
import type { SignedIn } from "../session_store";
import * as sync from "../sync";
import { uuid4 } from "../uuid";
import { reportStatus, stopScreen } from "./stop_screen";

/** A 0–10 scale as a row of radio buttons; `value()` is null until one is chosen. */
function scale(name: string, legend: string, hint: string) {
  const inputs = Array.from({ length: 11 }, (_, i) =>
    h("input", { type: "radio", name, value: i, id: `${name}-${i}`, "aria-label": `${legend}: ${i}` }));
  const el = h("fieldset", { class: "scale", "data-field": name },
    h("legend", null, legend), h("p", { class: "hint" }, hint),
    h("div", { class: "options" }, inputs.map((input, i) => h("label", { for: `${name}-${i}` }, input, h("span", null, String(i))))));
  return {
    el,
    value: (): number | null => {
      const checked = inputs.find((i) => i.checked);
      return checked ? Number(checked.value) : null;
    },
    onChange: (fn: () => void) => inputs.forEach((i) => i.addEventListener("change", fn)),
  };
}

function numberInput(label: string, value: number, max: number, exercise: string) {
  const input = h("input", { type: "number", inputmode: "numeric", min: 0, max, value: String(value), "aria-label": `${label}: ${exercise}` });
  return { el: h("label", { class: "num" }, h("span", null, label), input), input };
}

interface ExerciseRow {
  planned: PlannedExercise;
  done: HTMLInputElement;
  sets: HTMLInputElement | null;  // null for a pyramid: one reps box per set instead
  reps: HTMLInputElement | null;
  steps: HTMLInputElement[];      // a pyramid's reps, set by set; empty otherwise
  hold: HTMLInputElement;
  el: HTMLElement;
}

function exerciseRow(e: PlannedExercise): ExerciseRow {
  const d = e.dose;
  const done = h("input", { type: "checkbox", checked: true, "aria-label": `Did ${e.displayName}` });
  const hold = numberInput("Hold (s)", d?.holdSeconds ?? 0, 600, e.displayName);
  // A pyramid ("6-4-2 reps") is logged as it is done: the reps of each set.
  const steps = (d?.pyramidReps ?? []).map((r, i) => numberInput(`Set ${i + 1} reps`, r, 100, e.displayName));
  const sets = steps.length > 0 ? null : numberInput("Sets", d?.sets ?? 0, 20, e.displayName);
  const reps = steps.length > 0 ? null : numberInput("Reps", d?.reps ?? 0, 100, e.displayName);
  const el = h("li", { class: "exercise log-row", "data-exercise": e.exercise },
    h("label", { class: "check" }, done, h("span", null, e.displayName)),
    h("p", { class: "dose" }, "Prescribed: ", doseText(d)),
    h("div", { class: "nums" }, sets?.el, reps?.el, steps.map((s) => s.el), hold.el));
  done.addEventListener("change", () => el.classList.toggle("skipped", !done.checked));
  return { planned: e, done, sets: sets?.input ?? null, reps: reps?.input ?? null, steps: steps.map((s) => s.input), hold: hold.input, el };
}

function clampInt(input: HTMLInputElement, max: number): number {
  const v = Math.round(Number(input.value));
  return Number.isFinite(v) ? Math.min(max, Math.max(0, v)) : 0;
}

/** What the rows say was done; `stopped` logs every exercise as not done (a red-flag stop). */
function logsOf(rows: ExerciseRow[], stopped: boolean): ExerciseLog[] {
  return rows.map((r) => {
    const d = r.planned.dose;
    const done = r.done.checked && !stopped;
    return create(ExerciseLogSchema, {
      exercise: r.planned.exercise,
      sets: !done ? 0 : r.sets ? clampInt(r.sets, 20) : r.steps.length,
      reps: r.reps ? clampInt(r.reps, 100) : 0,
      pyramidReps: done ? r.steps.map((s) => clampInt(s, 100)) : [],
      holdSeconds: clampInt(r.hold, 600),
      loadKg: d?.loadKg ?? 0,
      band: d?.band ?? "",
      side: d?.side,
    });
  });
}

async function queue(who: SignedIn, id: string, exercises: ExerciseLog[], painBefore: number,
  painAfter: number, effort: number, notes: string, redFlags: string[]): Promise<string> {
  const request = create(LogSessionRequestSchema, {
    parent: who.subject,
    sessionId: id,
    session: { performTime: timestampNow(), painBefore, painAfter, effort, notes, redFlags, exercises },
  });
  const done = exercises.filter((e) => e.sets > 0).length;
  await outbox.put({
    id, username: who.username,
    request: toBinary(LogSessionRequestSchema, request),
    createdMs: Date.now(),
    summary: `${new Date().toLocaleString()}: ${done} of ${exercises.length} exercises${redFlags.length ? ", red flag reported" : ""}`,
    redFlag: redFlags.length > 0, attempts: 0, rejected: "",
  });
  await sync.refresh();
  void sync.syncNow();
  return id;
}

export async function logSession(root: HTMLElement, who: SignedIn): Promise<void> {
  mount(root, h("p", { class: "loading" }, "Loading…"));
  let day: PlanDay | undefined;
  let questions: RedFlagQuestion[] = [];
  let stopMessage = "";
  try {
    const p = (await plan(who)).value;
    day = p.days.find((d) => d.date === todayIn(p.timeZone || "UTC"));
    const c = (await checklist(who)).value;
    questions = c.questions;
    stopMessage = c.stopMessage;
  } catch {
    // Handled below: without a plan and a checklist there is no safe form to show.
  }
  if (!day || questions.length === 0) {
    mount(root, h("section", { class: "card" }, h("h1", null, "Log a session"),
      h("p", null, "Your plan and the symptom checklist are not on this device yet. Connect to the internet once to load them.")));
    return;
  }
  if (day.suspended) {
    mount(root, stopScreen(day.stopMessage));
    return;
  }
  const flagged = await sync.waitingRedFlag();
  if (flagged) {
    mount(root, stopScreen(stopMessage, reportStatus(Promise.resolve(flagged.id))));
    return;
  }
  const painBefore = scale("pain-before", "Pain right now, before exercising", "0 = no pain, 10 = worst imaginable");
  const painAfter = scale("pain-after", "Pain after exercising", "0 = no pain, 10 = worst imaginable");
  const effort = scale("effort", "How hard was it?", "0 = rest, 10 = maximal effort");
  const rows = day.exercises.map(exerciseRow);
  const notes = h("textarea", { name: "notes", maxlength: 2000, rows: 3 });
  const error = h("p", { class: "error", role: "alert" });
  const save = h("button", { type: "submit", class: "primary" }, "Save session");
  // One id per form: a second tap on Save can never make a second session.
  const sessionId = uuid4();
  const ticks = questions.map((q) => ({
    q, input: h("input", { type: "checkbox", id: `rf-${q.id}`, name: "red-flag", value: q.id }),
  }));
  const redFlags = () => ticks.filter((t) => t.input.checked).map((t) => t.q.id);

  // A red flag: the stop screen now, and the report queued at once (the checklist opens only
  // once pain before is answered, so the report never waits for another question).
  const stop = () => {
    const before = painBefore.value()!;
    const note = ["Stopped: red-flag symptoms reported.", notes.value.trim()].filter(Boolean).join(" ");
    const id = queue(who, sessionId, logsOf(rows, true), before, painAfter.value() ?? before, effort.value() ?? 0,
      note, redFlags());
    mount(root, stopScreen(stopMessage, reportStatus(id)));
  };
  for (const t of ticks) {
    t.input.disabled = true;
    t.input.addEventListener("change", () => { if (t.input.checked) stop(); });
  }
  const checklistHint = h("p", { class: "hint" }, "Answer the pain question first.");
  painBefore.onChange(() => {
    for (const t of ticks) t.input.disabled = false;
    checklistHint.remove();
  });

  const form = h("form", { class: "card", "aria-label": "Log a session" },
    h("h1", null, "Log a session"),
    painBefore.el,
    h("fieldset", { class: "red-flags" },
      h("legend", null, "Before you start: do you have any of these? Tick any that apply."),
      checklistHint,
      ticks.map((t) => h("label", { class: "check", for: t.input.id }, t.input, h("span", null, t.q.question)))),
    h("h2", null, "Exercises"),
    h("ul", { class: "exercises" }, rows.map((r) => r.el)),
    painAfter.el, effort.el,
    h("label", { class: "field" }, h("span", null, "Notes for your therapist (optional)"), notes),
    error,
    save);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const before = painBefore.value(), after = painAfter.value(), eff = effort.value();
    const missing = [before === null && "pain before", after === null && "pain after", eff === null && "effort"].filter(Boolean);
    if (missing.length > 0) {
      error.textContent = `Please answer: ${missing.join(", ")}.`;
      return;
    }
    save.disabled = true;
    try {
      await queue(who, sessionId, logsOf(rows, false), before!, after!, eff!, notes.value, []);
    } catch (e) {
      error.textContent = `This device could not save the session (${e instanceof Error ? e.message : String(e)}). Please try again.`;
      save.disabled = false;
      return;
    }
    toast(navigator.onLine ? "Session saved." : "Session saved on this device; it will be sent when you are online.");
    window.location.hash = "#/today";
  });
  mount(root, form);
}
