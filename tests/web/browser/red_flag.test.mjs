// Red flags: ticking a red-flag symptom shows the stop screen at once (in the clinic's own words,
// from its data files), reports it to the clinic, and stops the program; the therapist sees the
// patient at the top of the list with the red flag, clears it with a note, and the patient's
// exercises come back. Also: a tick before any pain answer still stops at once and asks only for
// the pain now before reporting.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { DEMO, PHONE, pick, scenario, signIn } from "./harness.mjs";

const redFlags = JSON.parse(readFileSync(new URL("../../../data/catalogue/red_flags.json", import.meta.url), "utf8"));

scenario("a red flag stops the patient at once and alerts the therapist", async ({ server, browser }) => {
  const page = await (await browser.newContext(PHONE)).newPage();
  await signIn(page, server, DEMO.patient);
  await page.goto(`${server.url}/#/log`);
  await page.getByRole("heading", { name: "Log a session" }).waitFor();
  await pick(page, "pain-before", 5);
  const first = redFlags.questions[0];
  await page.locator(`#rf-${first.id}`).click();  // not check(): the form is gone at once, replaced by the stop screen

  const stop = page.getByTestId("stop-screen");
  await stop.waitFor();
  assert.equal(await stop.locator(".stop-message").textContent(), redFlags.stop_message);
  await page.getByTestId("send-status").filter({ hasText: "Your clinic has been told." }).waitFor();

  const flags = await server.call("ProgressionService/ListFlags", { parent: DEMO.patient.name }, DEMO.therapist);
  assert.equal(flags.suspended, true);
  const sessions = await server.call("SessionService/ListSessions", { parent: DEMO.patient.name, pageSize: 1 }, DEMO.therapist);
  assert.deepEqual(sessions.sessions[0].redFlags, [first.id]);
  assert.equal(sessions.sessions[0].painBefore, 5);
  assert.ok(sessions.sessions[0].exercises.every((e) => (e.sets ?? 0) === 0), "nothing is logged as done");

  // Today shows the stop screen, not exercises.
  await page.getByRole("link", { name: "Today" }).click();
  await page.getByTestId("stop-screen").waitFor();
  assert.equal(await page.locator("li.exercise").count(), 0);

  const therapist = await (await browser.newContext()).newPage();
  await signIn(therapist, server, DEMO.therapist);
  const top = therapist.getByTestId("patients").locator("li").first();
  await top.waitFor();
  assert.equal(await top.locator("a").textContent(), "Jordan Lee");
  await top.getByTestId("red-flag").waitFor();
  await top.locator("a").click();
  const card = therapist.getByTestId("red-flag-card");
  await card.waitFor();
  await card.getByLabel("Clinical note (required)").fill("Phoned the patient: symptoms explained, safe to resume.");
  await card.getByRole("button", { name: "Clear red flag and resume" }).click();
  await therapist.getByTestId("red-flag-card").waitFor({ state: "detached" });
  assert.equal((await server.call("ProgressionService/ListFlags", { parent: DEMO.patient.name }, DEMO.therapist)).suspended ?? false, false);

  await page.reload();
  await page.locator("li.exercise").first().waitFor();
  assert.equal(await page.getByTestId("stop-screen").count(), 0);
});

scenario("a red flag ticked before any pain answer stops at once and asks only for the pain now", async ({ server, browser }) => {
  const page = await (await browser.newContext(PHONE)).newPage();
  await signIn(page, server, DEMO.patient);
  await page.goto(`${server.url}/#/log`);
  await page.getByRole("heading", { name: "Log a session" }).waitFor();
  const last = redFlags.questions[redFlags.questions.length - 1];
  await page.locator(`#rf-${last.id}`).click();  // not check(): the form is gone at once, replaced by the stop screen
  await page.getByTestId("stop-screen").waitFor();
  // Not reported until the pain now is given: the server holds no red flag yet.
  assert.equal((await server.call("ProgressionService/ListFlags", { parent: DEMO.patient.name }, DEMO.therapist)).suspended ?? false, false);
  await pick(page, "pain-now", 7);
  await page.getByRole("button", { name: "Send to my clinic" }).click();
  await page.getByTestId("send-status").filter({ hasText: "Your clinic has been told." }).waitFor();
  const s = (await server.call("SessionService/ListSessions", { parent: DEMO.patient.name, pageSize: 1 }, DEMO.therapist)).sessions[0];
  assert.deepEqual(s.redFlags, [last.id]);
  assert.equal(s.painBefore, 7);
  assert.equal((await server.call("ProgressionService/ListFlags", { parent: DEMO.patient.name }, DEMO.therapist)).suspended, true);
});
