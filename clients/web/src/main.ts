// The web app's entry point: the header (who is signed in, the role's pages, what waits to sync),
// the hash router, the outbox's sync triggers and the service worker (app shell offline).
// Routes: #/sign-in, #/enrol; patients #/today, #/log, #/history, #/answer/{instrument};
// therapists and admins #/patients, #/patients/{id}; admins #/clinic.
import { auth } from "./api";
import { h, mount } from "./dom";
import { Role } from "./gen/ptrack/v1/auth_pb";
import { type SignedIn, current, forget, roleName } from "./session_store";
import * as outbox from "./outbox";
import * as sync from "./sync";
import { clinicOverview } from "./views/clinic";
import { history } from "./views/history";
import { logSession } from "./views/log_session";
import { patientPage } from "./views/patient";
import { answerForm } from "./views/questionnaire";
import { patients } from "./views/patients";
import { enrol, signIn } from "./views/signin";
import { today } from "./views/today";

const mainArea = document.getElementById("main")!;
const header = document.getElementById("header")!;

function home(who: SignedIn): string {
  return who.role === Role.PATIENT ? "#/today" : who.role === Role.THERAPIST ? "#/patients" : "#/clinic";
}

function nav(who: SignedIn): [string, string][] {
  switch (who.role) {
    case Role.PATIENT:
      return [["#/today", "Today"], ["#/log", "Log"], ["#/history", "History"]];
    case Role.THERAPIST:
      return [["#/patients", "Patients"]];
    default:
      return [["#/clinic", "Clinic"], ["#/patients", "Patients"]];
  }
}

const syncBadge = h("span", { class: "sync", "data-testid": "sync-status", role: "status" });
let lastWaiting = 0;
sync.onChange((s) => {
  // When the outbox empties, the patient's pages re-read the server, which now has everything.
  const page = window.location.hash.split("/")[1];
  if (lastWaiting > 0 && s.waiting === 0 && (page === "today" || page === "history")) void route();
  lastWaiting = s.waiting;
  syncBadge.textContent = s.rejected > 0
    ? `${s.rejected} refused · ${s.waiting} waiting`
    : s.waiting > 0 ? `${s.waiting} waiting to sync` : "All synced";
  syncBadge.className = `sync ${s.waiting + s.rejected > 0 ? "pending" : "ok"}`;
  syncBadge.title = s.lastError;
});

async function signOut(): Promise<void> {
  const waiting = (await outbox.list()).filter((i) => i.username === current()?.username && !i.rejected).length;
  if (waiting > 0 && !window.confirm(
    `${waiting} session${waiting > 1 ? "s have" : " has"} not reached your clinic yet. They stay on this device and are sent after you sign in again. Sign out?`)) {
    return;
  }
  try {
    await auth.signOut({});
  } catch {
    // Offline or already expired: the token is forgotten here either way.
  }
  forget();
  window.location.hash = "#/sign-in";
}

function renderHeader(who: SignedIn | null): void {
  const here = window.location.hash.split("/").slice(0, 2).join("/");
  mount(header,
    h("a", { class: "brand", href: who ? home(who) : "#/sign-in" }, "ptrack"),
    who ? [
      h("nav", null, nav(who).map(([href, label]) => h("a", { href, "aria-current": here === href ? "page" : null }, label))),
      who.role === Role.PATIENT ? syncBadge : null,
      h("span", { class: "who", "data-testid": "who" }, `${who.username} (${roleName(who.role)})`),
      h("button", { type: "button", class: "link", onclick: () => void signOut() }, "Sign out"),
    ] : null);
}

async function route(): Promise<void> {
  const who = current();
  const [, page = "", arg = ""] = window.location.hash.split("/");
  // Each route renders into its own element: a slower earlier view that finishes late writes
  // into an element no longer on screen, never over the current one.
  const main = h("div", { class: "view" });
  mainArea.replaceChildren(main);
  if (!who) {
    renderHeader(null);
    const done = () => {
      const target = home(current()!);
      // Setting the hash it already has fires no hashchange: route in that case.
      if (window.location.hash === target) void route();
      else window.location.hash = target;
      void sync.syncNow();
    };
    const waiting = (await outbox.list()).filter((i) => !i.rejected).length;
    if (page === "enrol") enrol(main, done);
    else signIn(main, done, waiting > 0 ? `${waiting} session${waiting > 1 ? "s" : ""} logged on this device will be sent once you sign in.` : "");
    return;
  }
  if (page === "sign-in" || page === "enrol" || page === "") {
    window.location.hash = home(who);
    return;
  }
  renderHeader(who);
  const patient = who.role === Role.PATIENT;
  if (patient && page === "today") await today(main, who);
  else if (patient && page === "log") await logSession(main, who);
  else if (patient && page === "history") await history(main, who);
  else if (patient && page === "answer" && arg) await answerForm(main, who, decodeURIComponent(arg));
  else if (!patient && page === "patients" && arg) await patientPage(main, who, decodeURIComponent(arg));
  else if (!patient && page === "patients") await patients(main, who);
  else if (who.role === Role.CLINIC_ADMIN && page === "clinic") await clinicOverview(main, who);
  else window.location.hash = home(who);
}

window.addEventListener("hashchange", () => void route());
window.addEventListener(sync.SIGNED_OUT, () => void route());
outbox.keep();
void route();
sync.start();
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("./sw.js").catch((e) => console.warn("service worker:", e));
}
