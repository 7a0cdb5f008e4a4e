// Enrolment on a phone with a one-time code. The therapist makes a code for Sam
// (ClinicService/CreateEnrolmentCode); on a phone, the enrol page accepts it typed in lower case
// with spaces instead of dashes (the server normalises it) together with a new password, and ends
// signed in as "patient2 (patient)" on Today, which says that no program is assigned yet. After
// signing out, the new password signs in and the old demo password is refused with "Wrong username
// or password."; the same code cannot be redeemed a second time (an error, no sign-in, and the
// password set by the first redemption still works).
import assert from "node:assert/strict";
import { DEMO, PHONE, scenario, signIn } from "./harness.mjs";

const NEW_PASSWORD = "sam-chose-this-1";

async function signOut(page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("form", { name: "Sign in" }).waitFor();
  assert.equal(await page.getByTestId("who").count(), 0);
}

async function fillEnrol(page, code, password) {
  await page.getByRole("form", { name: "Enrol" }).waitFor();
  await page.getByLabel("Enrolment code").fill(code);
  await page.getByLabel("New password").fill(password);
  await page.getByLabel("Repeat the password").fill(password);
  await page.getByRole("button", { name: "Set password and sign in" }).click();
}

/** Whether `password` signs patient2 in, asked of the server directly. */
async function serverAccepts(server, password) {
  const res = await fetch(`${server.url}/ptrack.v1.AuthService/SignIn`, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: DEMO.patient2.username, password }),
  });
  return res.ok;
}

scenario("a patient enrols with a code, and the code works once", async ({ server, browser }) => {
  const { code, username } = await server.call("ClinicService/CreateEnrolmentCode", { name: DEMO.patient2.name }, DEMO.therapist);
  assert.equal(username, DEMO.patient2.username);
  assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  const typed = code.toLowerCase().replaceAll("-", " ");
  assert.notEqual(typed, code);

  const page = await (await browser.newContext(PHONE)).newPage();
  await page.goto(`${server.url}/#/enrol`);
  await fillEnrol(page, typed, NEW_PASSWORD);
  await page.getByTestId("who").waitFor();
  assert.equal(await page.getByTestId("who").innerText(), "patient2 (patient)");
  await page.waitForURL(/#\/today$/);
  await page.getByText("Your therapist has not assigned you a program yet.").waitFor();
  assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "Today");

  await signOut(page);
  await signIn(page, server, { ...DEMO.patient2, password: NEW_PASSWORD });
  assert.equal(await page.getByTestId("who").innerText(), "patient2 (patient)");
  await signOut(page);

  // The old demo password no longer opens the account.
  await page.getByLabel("Username").fill(DEMO.patient2.username);
  await page.getByLabel("Password").fill(DEMO.patient2.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").filter({ hasText: "Wrong username or password." }).waitFor();
  assert.equal(await page.getByTestId("who").count(), 0);

  // The same code a second time: refused, nobody signed in, the chosen password unchanged.
  await page.goto(`${server.url}/#/enrol`);
  await fillEnrol(page, code, "another-password-2");
  await page.getByRole("alert").filter({ hasText: "unknown, used or expired enrolment code" }).waitFor();
  await page.getByRole("button", { name: "Set password and sign in" }).and(page.locator(":enabled")).waitFor();
  assert.equal(await page.getByTestId("who").count(), 0);
  assert.match(page.url(), /#\/enrol$/);
  assert.equal(await page.evaluate(() => localStorage.getItem("ptrack.signin")), null);
  assert.equal(await serverAccepts(server, "another-password-2"), false);
  assert.equal(await serverAccepts(server, NEW_PASSWORD), true);
});
