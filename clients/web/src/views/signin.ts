// Sign-in and enrolment (redeeming the one-time code a therapist or admin gave, and choosing a
// password). Both end signed in, on the role's home screen.
import { auth, describe } from "../api";
import { h, mount } from "../dom";
import type { SignInResponse } from "../gen/ptrack/v1/auth_pb";
import { remember } from "../session_store";

function signedIn(resp: SignInResponse, onDone: () => void): void {
  const p = resp.principal;
  if (!p) throw new Error("the server sent no principal");
  remember({
    token: resp.token,
    username: p.username,
    role: p.role,
    clinic: p.clinic,
    subject: p.subject,
    expireMs: resp.expireTime ? Number(resp.expireTime.seconds) * 1000 : Date.now() + 86_400_000,
  });
  onDone();
}

function field(label: string, input: HTMLInputElement): HTMLElement {
  return h("label", { class: "field" }, h("span", null, label), input);
}

/** The sign-in form; `notice`, when not empty, is shown above it (e.g. sessions waiting). */
export function signIn(root: HTMLElement, onDone: () => void, notice = ""): void {
  const user = h("input", { name: "username", autocomplete: "username", autocapitalize: "none", required: true });
  const pass = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  const error = h("p", { class: "error", role: "alert" });
  const button = h("button", { type: "submit", class: "primary" }, "Sign in");
  const form = h("form", { class: "card narrow", "aria-label": "Sign in" },
    h("h1", null, "Sign in"),
    notice ? h("p", { class: "notice", "data-testid": "signin-notice" }, notice) : null,
    field("Username", user), field("Password", pass), error, button,
    h("p", null, "New here? ", h("a", { href: "#/enrol" }, "I have an enrolment code")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    error.textContent = "";
    try {
      signedIn(await auth.signIn({ username: user.value.trim(), password: pass.value }), onDone);
    } catch (e) {
      error.textContent = describe(e).replace("Please sign in again.", "Wrong username or password.");
      button.disabled = false;
    }
  });
  mount(root, form);
  user.focus();
}

export function enrol(root: HTMLElement, onDone: () => void): void {
  const code = h("input", { name: "code", autocapitalize: "characters", autocomplete: "one-time-code", placeholder: "XXXX-XXXX-XXXX", required: true });
  const pass = h("input", { name: "new-password", type: "password", autocomplete: "new-password", minlength: 8, required: true });
  const again = h("input", { name: "repeat-password", type: "password", autocomplete: "new-password", minlength: 8, required: true });
  const error = h("p", { class: "error", role: "alert" });
  const button = h("button", { type: "submit", class: "primary" }, "Set password and sign in");
  const form = h("form", { class: "card narrow", "aria-label": "Enrol" },
    h("h1", null, "Welcome"),
    h("p", null, "Enter the code your clinic gave you and choose a password (at least 8 characters)."),
    field("Enrolment code", code), field("New password", pass), field("Repeat the password", again),
    error, button, h("p", null, h("a", { href: "#/sign-in" }, "Back to sign in")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.textContent = "";
    if (pass.value !== again.value) {
      error.textContent = "The two passwords differ.";
      return;
    }
    button.disabled = true;
    try {
      signedIn(await auth.enrol({ code: code.value, password: pass.value }), onDone);
    } catch (e) {
      error.textContent = describe(e);
      button.disabled = false;
    }
  });
  mount(root, form);
  code.focus();
}
