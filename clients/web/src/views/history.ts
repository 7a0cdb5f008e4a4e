// The patient's history: what waits on this device to be sent, the adherence calendar of the last
// five weeks, the pain trend of the last eight weeks, and the sessions the server has.
import { Code, ConnectError } from "@connectrpc/connect";
import { clinics, describe, sessions } from "../api";
import { type PainPoint, adherenceCalendar, painChart } from "../charts";
import { addDays, shortDate, todayIn } from "../dates";
import { h, mount } from "../dom";
import type { Session } from "../gen/ptrack/v1/session_pb";
import * as outbox from "../outbox";
import type { SignedIn } from "../session_store";
import * as sync from "../sync";

export function painPoints(list: Session[]): PainPoint[] {
  return list
    .map((s) => ({ date: s.localDate, before: s.painBefore ?? 0, after: s.painAfter ?? 0 }))
    .sort((a, b) => a.date.localeCompare(b.date));
}

export function sessionList(list: Session[]): HTMLElement {
  if (list.length === 0) return h("p", null, "No sessions yet.");
  return h("ul", { class: "sessions", "data-testid": "sessions" }, list.map((s) =>
    h("li", { "data-session": s.name },
      h("strong", null, shortDate(s.localDate)), " ",
      `${s.exercises.filter((e) => e.sets > 0).length}/${s.exercises.length} exercises · pain ${s.painBefore ?? "?"}→${s.painAfter ?? "?"} · effort ${s.effort ?? "?"}`,
      s.redFlags.length > 0 ? h("span", { class: "chip red" }, "red flag") : null,
      s.notes ? h("p", { class: "note" }, s.notes) : null)));
}

async function pending(root: HTMLElement, who: SignedIn): Promise<HTMLElement | null> {
  const items = (await outbox.list()).filter((i) => i.username === who.username);
  if (items.length === 0) return null;
  return h("section", { class: "card", "data-testid": "outbox" },
    h("h2", null, "Waiting to be sent"),
    h("ul", null, items.map((i) => h("li", null, i.summary,
      i.rejected
        ? [h("p", { class: "error" }, `Refused by the server: ${i.rejected}`),
          h("button", { type: "button", onclick: async () => { await sync.dismiss(i.id); void history(root, who); } }, "Dismiss")]
        : h("span", { class: "chip" }, "waiting")))));
}

export async function history(root: HTMLElement, who: SignedIn): Promise<void> {
  mount(root, h("p", { class: "loading" }, "Loading your history…"));
  const waiting = await pending(root, who);
  try {
    const patient = await clinics.getPatient({ name: who.subject });
    const today = todayIn(patient.timeZone);
    const calFrom = addDays(today, -34);
    const painFrom = addDays(today, -55);
    const [adherence, list] = await Promise.all([
      sessions.getAdherence({ parent: who.subject, startDate: calFrom, endDate: today }).catch((e) => {
        if (ConnectError.from(e).code === Code.FailedPrecondition) return null;  // no program yet
        throw e;
      }),
      sessions.listSessions({ parent: who.subject, startDate: painFrom, endDate: today, pageSize: 200 }),
    ]);
    mount(root, waiting,
      h("section", { class: "card" }, h("h1", null, "Your last five weeks"),
        adherence ? [adherenceCalendar(adherence.days, today),
          h("p", null, `Adherence: ${Math.round(adherence.ratio * 100)}% of prescribed sessions.`)]
          : h("p", null, "No program yet.")),
      h("section", { class: "card" }, h("h2", null, "Pain trend"), painChart(painPoints(list.sessions), painFrom, today)),
      h("section", { class: "card" }, h("h2", null, "Sessions"), sessionList(list.sessions)));
  } catch (e) {
    mount(root, waiting, h("section", { class: "card" }, h("h1", null, "History"),
      h("p", null, `Your history could not be loaded: ${describe(e)}`)));
  }
}
