// The stop screen: what a patient sees the moment they report a red-flag symptom, and while their
// program is suspended. It replaces everything else and says one thing: stop, contact your
// clinician. The words come from the clinic's data (red_flags.json), cached for offline use;
// a suspended plan carries the same words from the server.
import { h } from "../dom";
import * as outbox from "../outbox";
import * as sync from "../sync";

export function stopScreen(message: string, ...extra: HTMLElement[]): HTMLElement {
  const el = h("section", { class: "stop", role: "alertdialog", "aria-labelledby": "stop-title", tabindex: -1, "data-testid": "stop-screen" },
    h("h1", { id: "stop-title" }, "Stop"),
    h("p", { class: "stop-message" }, message),
    h("p", null, "Do not restart your exercises until your clinician has spoken with you."),
    ...extra);
  // Move focus here, so that a screen reader announces it (the control that had focus is gone).
  setTimeout(() => el.focus(), 0);
  return el;
}

/** Whether the report `id` has reached the server, kept up to date while it is on screen. */
export function reportStatus(id: Promise<string>): HTMLElement {
  const el = h("p", { class: "send-status", "data-testid": "send-status", role: "status" }, "Saving…");
  const update = async () => {
    let wanted: string;
    try {
      wanted = await id;
    } catch (e) {
      el.textContent = `This device could not save the report (${e instanceof Error ? e.message : String(e)}). Call your clinic.`;
      return;
    }
    const item = (await outbox.list()).find((i) => i.id === wanted);
    el.textContent = !item
      ? "Your clinic has been told."
      : item.rejected
        ? `The clinic's server refused this report (${item.rejected}). Call your clinic.`
        : "Saved on this device. It will be sent to your clinic as soon as you are online.";
  };
  const off = sync.onChange(() => void update());
  window.addEventListener("hashchange", off, { once: true });
  return el;
}

