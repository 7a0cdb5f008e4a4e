// The patient's home screen: today's exercises with their doses and the reason for any recent
// change, whether today's session is done, the questionnaires due, and the days ahead. Offline it shows the plan last
// fetched, saying so. A suspended program, or a red-flag report still waiting on the device, shows
// the stop screen instead of exercises.
import { Code, ConnectError } from "@connectrpc/connect";
import { programs } from "../api";
import { todayIn, shortDate } from "../dates";
import { h, mount } from "../dom";
import { doseText } from "../format";
import type { PlanDay, PlannedExercise } from "../gen/ptrack/v1/program_pb";
import * as outbox from "../outbox";
import { checklist, plan } from "../patient_data";
import type { SignedIn } from "../session_store";
import * as sync from "../sync";
import { dueCard } from "./questionnaire";
import { reportStatus, stopScreen } from "./stop_screen";

export function exerciseCard(e: PlannedExercise): HTMLElement {
  return h("li", { class: "exercise", "data-exercise": e.exercise },
    h("h3", null, e.displayName),
    h("p", { class: "dose" }, doseText(e.dose)),
    e.why ? h("p", { class: "why", "data-testid": "why" }, h("strong", null, "Why it changed: "), e.why) : null,
    e.instructions ? h("details", null, h("summary", null, "How to do it"), h("p", null, e.instructions)) : null);
}

function upcoming(days: PlanDay[]): HTMLElement {
  return h("ul", { class: "upcoming" },
    days.map((d) => h("li", null, h("span", null, shortDate(d.date)), " ",
      d.suspended ? "paused" : d.trainingDay ? `session · ${d.exercises.length} exercises` : "rest day")));
}

export async function today(root: HTMLElement, who: SignedIn): Promise<void> {
  mount(root, h("p", { class: "loading" }, "Loading your plan…"));
  let fetched;
  try {
    // The session form needs the checklist offline too. Today is shown only once the device's copy
    // is fresh (or the fetch failed), so a patient who has seen today's plan can log it offline.
    [fetched] = await Promise.all([plan(who), checklist(who).catch(() => undefined)]);
  } catch (e) {
    const err = ConnectError.from(e);
    // No active program: never given one yet, or the last one ended (a discharge).
    const ended = err.code === Code.FailedPrecondition
      ? (await programs.listPrograms({ parent: who.subject, pageSize: 1 }).catch(() => null))?.programs[0]?.discharge
      : undefined;
    mount(root, h("section", { class: "card" },
      h("h1", null, "Today"),
      h("p", { "data-testid": ended ? "program-ended" : null }, ended
        ? `Your program ended on ${ended.date}. Keep moving every day; if your pain comes back, contact your clinic.`
        : err.code === Code.FailedPrecondition
          ? "Your therapist has not assigned you a program yet."
          : `Your plan could not be loaded: ${err.rawMessage || "the server cannot be reached"}.`)));
    return;
  }
  const p = fetched.value;
  const date = todayIn(p.timeZone || "UTC");
  const index = p.days.findIndex((d) => d.date === date);
  const day = index >= 0 ? p.days[index] : undefined;
  const stale = fetched.cachedMs !== null
    ? h("p", { class: "notice", "data-testid": "stale" },
      `Offline: this is your plan as of ${new Date(fetched.cachedMs).toLocaleString()}.`)
    : null;
  if (!day) {
    mount(root, stale, h("section", { class: "card" }, h("h1", null, "Today"),
      h("p", null, "Today's plan is not on this device yet. Connect to the internet to load it.")));
    return;
  }
  if (day.suspended) {
    mount(root, stale, stopScreen(day.stopMessage));
    return;
  }
  if (day.paused) {  // a holiday or an illness: nothing is due, nothing counts against anyone
    const back = p.days.slice(index).find((d) => !d.paused);
    mount(root, stale, h("section", { class: "card", "data-testid": "paused" }, h("h1", null, "Today"),
      h("p", null, `Your program is paused${back ? ` until ${shortDate(back.date)}` : ""}. Nothing is due; rest and stay active as you can.`)));
    return;
  }
  // A red flag reported here and not yet sent stops the patient just the same.
  const flagged = await sync.waitingRedFlag();
  if (flagged) {
    const words = (await checklist(who).catch(() => null))?.value.stopMessage ?? day.stopMessage;
    mount(root, stale, stopScreen(words, reportStatus(Promise.resolve(flagged.id))));
    return;
  }
  // Sessions logged here today (in the patient's zone) and not yet sent count too: the patient
  // has done their part.
  const unsent = (await outbox.list()).filter((i) => i.username === who.username && !i.rejected &&
    i.kind !== "outcome" &&
    todayIn(p.timeZone || "UTC", new Date(i.createdMs)) === date).length;
  const status = day.sessionsLogged + unsent > 0
    ? h("p", { class: "done", "data-testid": "done-today" }, "✓ Today's session is logged. Well done.",
      unsent > 0 ? " It will be sent to your clinic when you are online." : "")
    : day.trainingDay
      ? h("a", { class: "button primary", href: "#/log", "data-testid": "log-session" }, "Log today's session")
      : h("p", null, "Rest day. If you want to, you can still log a session.", " ", h("a", { href: "#/log" }, "Log a session"));
  const questions = await dueCard(who);
  mount(root, stale,
    h("section", { class: "card" },
      h("h1", null, day.trainingDay ? "Today's exercises" : "Rest day"),
      h("p", { class: "phase" }, `Week ${day.programWeek} · ${day.phaseName}`),
      status,
      h("ul", { class: "exercises" }, day.exercises.map(exerciseCard))),
    questions,
    h("section", { class: "card" }, h("h2", null, "Coming up"), upcoming(p.days.slice(index + 1, index + 7))));
}
