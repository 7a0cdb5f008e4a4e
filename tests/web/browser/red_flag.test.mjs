// Red flags: ticking a red-flag symptom shows the stop screen at once (in the clinic's own words,
// from its data files), reports it to the clinic, and stops the program; the therapist sees the
// patient at the top of the list with the red flag, clears it with a note, and the patient's
// exercises come back. The checklist opens once pain before is answered, so a report never waits
// for another question, and it keeps the patient's note. Offline, a red flag waiting on the phone
// keeps the patient on the stop screen (Today and Log alike) until it is sent.
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

scenario("the checklist opens with the pain answer; the report keeps the patient's note", async ({ server, browser }) => {
  const page = await (await browser.newContext(PHONE)).newPage();
  await signIn(page, server, DEMO.patient);
  await page.goto(`${server.url}/#/log`);
  await page.getByRole("heading", { name: "Log a session" }).waitFor();
  const last = redFlags.questions[redFlags.questions.length - 1];
  const tick = page.locator(`#rf-${last.id}`);
  assert.equal(await tick.isDisabled(), true, "no red flag can be ticked before the pain answer");
  await page.getByLabel("Notes for your therapist (optional)").fill("Fell off my bike yesterday");
  await pick(page, "pain-before", 7);
  assert.equal(await tick.isDisabled(), false);
  await tick.click();  // not check(): the form is gone at once, replaced by the stop screen
  await page.getByTestId("stop-screen").waitFor();
  await page.getByTestId("send-status").filter({ hasText: "Your clinic has been told." }).waitFor();
  const s = (await server.call("SessionService/ListSessions", { parent: DEMO.patient.name, pageSize: 1 }, DEMO.therapist)).sessions[0];
  assert.deepEqual(s.redFlags, [last.id]);
  assert.equal(s.painBefore, 7);
  assert.equal(s.notes, "Stopped: red-flag symptoms reported. Fell off my bike yesterday");
  assert.equal((await server.call("ProgressionService/ListFlags", { parent: DEMO.patient.name }, DEMO.therapist)).suspended, true);
});

scenario("offline, a red flag waiting on the phone keeps the patient on the stop screen", async ({ server, browser }) => {
  const context = await browser.newContext({ ...PHONE, serviceWorkers: "block" });
  const page = await context.newPage();
  await signIn(page, server, DEMO.patient);
  await page.locator("li.exercise").first().waitFor();  // today's plan and the checklist are cached
  await context.setOffline(true);
  await page.evaluate(() => (window.location.hash = "#/log"));
  await pick(page, "pain-before", 4);
  await page.locator(`#rf-${redFlags.questions[0].id}`).click();
  await page.getByTestId("send-status").filter({ hasText: "Saved on this device" }).waitFor();
  // Neither Today nor Log lets the patient carry on: both show the stop screen, not "well done".
  for (const hash of ["#/today", "#/log"]) {
    await page.evaluate((h) => (window.location.hash = h), hash);
    await page.getByTestId("stop-screen").waitFor();
    assert.equal(await page.getByTestId("done-today").count(), 0, hash);
    assert.equal(await page.getByRole("form", { name: "Log a session" }).count(), 0, hash);
  }
  await context.setOffline(false);
  await page.getByTestId("send-status").filter({ hasText: "Your clinic has been told." }).waitFor();
  assert.equal((await server.call("ProgressionService/ListFlags", { parent: DEMO.patient.name }, DEMO.therapist)).suspended, true);
});
