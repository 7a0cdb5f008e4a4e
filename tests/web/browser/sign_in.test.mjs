// Sign-in per role: the patient (on a phone) lands on today's plan with the patient's pages, the
// therapist on the patient list, the admin on the clinic overview; a wrong password is refused
// with a plain message and signs nobody in; signing out revokes the token on the server.
import assert from "node:assert/strict";
import { DEMO, PHONE, scenario, signIn } from "./harness.mjs";

scenario("each role signs in to its own home; a wrong password does not", async ({ server, browser }) => {
  const phone = await (await browser.newContext(PHONE)).newPage();
  await phone.goto(`${server.url}/`);
  await phone.getByLabel("Username").fill(DEMO.patient.username);
  await phone.getByLabel("Password").fill("not-the-password");
  await phone.getByRole("button", { name: "Sign in" }).click();
  await phone.getByText("Wrong username or password.").waitFor();
  assert.equal(await phone.getByTestId("who").count(), 0);

  await signIn(phone, server, DEMO.patient);
  assert.equal(await phone.getByTestId("who").textContent(), "patient (patient)");
  assert.match(phone.url(), /#\/today$/);
  await phone.getByRole("heading", { name: /Today's exercises|Rest day/ }).waitFor();
  const nav = await phone.locator("header nav a").allTextContents();
  assert.deepEqual(nav, ["Today", "Log", "History"]);
  // The phone layout does not scroll sideways.
  assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));

  const therapist = await (await browser.newContext()).newPage();
  await signIn(therapist, server, DEMO.therapist);
  assert.match(therapist.url(), /#\/patients$/);
  const rows = therapist.getByTestId("patients").locator("li");
  await rows.first().waitFor();
  assert.deepEqual((await rows.locator("a").allTextContents()).sort(), ["Jordan Lee", "Sam Okafor"]);

  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, server, DEMO.admin);
  assert.match(admin.url(), /#\/clinic$/);
  await admin.getByRole("heading", { name: "Demo Physio Clinic" }).waitFor();
  assert.equal(await admin.getByTestId("overview").locator("tbody tr").count(), 2);

  // Signing out forgets the token here and revokes it on the server.
  const token = await phone.evaluate(() => JSON.parse(localStorage.getItem("ptrack.signin")).token);
  await phone.getByRole("button", { name: "Sign out" }).click();
  await phone.getByRole("button", { name: "Sign in" }).waitFor();
  const res = await fetch(`${server.url}/ptrack.v1.AuthService/WhoAmI`, {
    method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` }, body: "{}",
  });
  assert.equal(res.status, 401);
  assert.equal((await res.json()).code, "unauthenticated");
});
