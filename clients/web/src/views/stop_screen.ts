// The stop screen: what a patient sees the moment they report a red-flag symptom, and while their
// program is suspended. It replaces everything else and says one thing: stop, contact your
// clinician. The words come from the clinic's data (red_flags.json), cached for offline use;
// a suspended plan carries the same words from the server.
import { h } from "../dom";

export function stopScreen(message: string, ...extra: HTMLElement[]): HTMLElement {
  return h("section", { class: "stop", role: "alertdialog", "aria-labelledby": "stop-title", "data-testid": "stop-screen" },
    h("h1", { id: "stop-title" }, "Stop"),
    h("p", { class: "stop-message" }, message),
    h("p", null, "Do not restart your exercises until your clinician has spoken with you."),
    ...extra);
}

