// Outcome questionnaires on the patient's phone: the list of those due (on Today) and the form
// for one. The form is built from the instrument as the server sent it (cached, so it opens
// offline): a labelled item is a list of its answers, a numeric one a row of its values, and the
// PSFS asks for the activity the patient names (kept from their first answer afterwards). Saving
// puts the answers in the outbox with a UUID made here (one per form), like a session: sent now
// or when the phone is back online, stored once, scored by the server.
import { create, toBinary } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { h, mount, toast } from "../dom";
import {
  type DueQuestionnaire, type Instrument, type InstrumentItem, SubmitOutcomeResponseRequestSchema,
} from "../gen/ptrack/v1/outcome_pb";
import * as outbox from "../outbox";
import { questionnaires } from "../patient_data";
import type { SignedIn } from "../session_store";
import * as sync from "../sync";
import { uuid4 } from "../uuid";

/** Instruments answered on this device and not yet sent (they are not asked again meanwhile). */
async function waiting(who: SignedIn): Promise<Set<string>> {
  const items = await outbox.list();
  return new Set(items.filter((i) => i.username === who.username && i.kind === "outcome" && !i.rejected)
    .map((i) => i.instrument ?? ""));
}

/** The card on Today: the questionnaires due, each a link to its form; null when none. */
export async function dueCard(who: SignedIn): Promise<HTMLElement | null> {
  let due: DueQuestionnaire[];
  let instruments: Instrument[];
  try {
    ({ due, instruments } = (await questionnaires(who)).value);
  } catch {
    return null;  // not on the device yet: Today still shows the exercises
  }
  const sent = await waiting(who);
  const open = due.filter((d) => !sent.has(d.instrument));
  if (open.length === 0) return null;
  return h("section", { class: "card", "data-testid": "questionnaires-due" },
    h("h2", null, "Questions from your clinic"),
    h("p", { class: "hint" }, "A few questions about how you are doing. They help your therapist adjust your program."),
    h("ul", null, open.map((d) => {
      const name = instruments.find((i) => i.name === d.instrument)?.displayName ?? d.instrument;
      const id = d.instrument.split("/")[1];
      return h("li", null, h("a", { class: "button", href: `#/answer/${id}`, "data-instrument": id }, name),
        " ", h("span", { class: "hint" }, `(${d.occasion})`));
    })));
}

interface Question {
  item: InstrumentItem;
  value: () => number | null;
  activity: HTMLInputElement | null;
  el: HTMLElement;
}

function question(item: InstrumentItem, index: number, activity: string | undefined, psfs: boolean): Question {
  const name = `q-${item.id}`;
  const values = Array.from({ length: item.max - item.min + 1 }, (_, k) => item.min + k);
  const inputs = values.map((v) => h("input", { type: "radio", name, value: v, id: `${name}-${v}` }));
  const labelled = item.labels.length > 0;
  const options = labelled
    ? h("div", { class: "choices" }, inputs.map((input, k) =>
      h("label", { for: `${name}-${values[k]}`, class: "choice" }, input, h("span", null, item.labels[k]))))
    : h("div", { class: "options" }, inputs.map((input, k) =>
      h("label", { for: `${name}-${values[k]}` }, input, h("span", null, String(values[k])))));
  // The PSFS: the patient names each activity the first time; later it is shown, not asked.
  const named = psfs ? h("input", {
    type: "text", maxlength: 100, value: activity ?? "", readonly: activity ? true : null,
    placeholder: "An activity that is hard because of your problem", "aria-label": `Activity ${index + 1}`,
  }) : null;
  const el = h("fieldset", { class: "scale question", "data-item": item.id },
    h("legend", null, item.text || item.id.replace(/_/g, " "), item.required ? null : " (optional)"),
    named ? h("label", { class: "field" }, h("span", null, "Activity"), named) : null,
    options);
  return {
    item, el, activity: named,
    value: () => {
      const checked = inputs.find((i) => i.checked);
      return checked ? Number(checked.value) : null;
    },
  };
}

export async function answerForm(root: HTMLElement, who: SignedIn, id: string): Promise<void> {
  mount(root, h("p", { class: "loading" }, "Loading…"));
  let instrument: Instrument | undefined;
  let due: DueQuestionnaire | undefined;
  try {
    const got = (await questionnaires(who)).value;
    instrument = got.instruments.find((i) => i.name === `instruments/${id}`);
    due = got.due.find((d) => d.instrument === `instruments/${id}`);
  } catch {
    // Handled below.
  }
  if (!instrument) {
    mount(root, h("section", { class: "card" }, h("h1", null, "Questions"),
      h("p", null, "These questions are not on this device yet. Connect to the internet once to load them.")));
    return;
  }
  const psfs = instrument.items.some((i) => i.id.startsWith("activity_"));
  const questions = instrument.items.map((item, k) => question(item, k, due?.activities[item.id], psfs));
  const button = h("button", { type: "submit", class: "primary" }, "Save answers");
  const responseId = uuid4();  // one per form: a retry is the same response
  const form = h("form", { class: "card", "data-testid": "questionnaire" },
    h("h1", null, instrument.displayName),
    h("ol", { class: "questions" }, questions.map((q) => h("li", null, q.el))),
    h("p", { class: "hint" }, instrument.licence),
    button);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const answers = [];
    for (const q of questions) {
      const value = q.value();
      if (value === null) {
        if (q.item.required) {
          toast(`Please answer: ${q.item.text || q.item.id}`, "error");
          return;
        }
        continue;
      }
      answers.push({ item: q.item.id, value, activity: q.activity?.value.trim() ?? "" });
    }
    button.disabled = true;
    const request = create(SubmitOutcomeResponseRequestSchema, {
      parent: who.subject, responseId,
      response: { instrument: instrument.name, answerTime: timestampNow(), answers },
    });
    await outbox.put({
      id: responseId, username: who.username, kind: "outcome", instrument: instrument.name,
      request: toBinary(SubmitOutcomeResponseRequestSchema, request), createdMs: Date.now(),
      summary: `${new Date().toLocaleString()}: ${instrument.displayName}`,
      redFlag: false, attempts: 0, rejected: "",
    });
    await sync.refresh();
    void sync.syncNow();
    toast("Thank you: your answers are saved.");
    window.location.hash = "#/today";
  });
  mount(root, form);
}
