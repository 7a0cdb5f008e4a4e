// Logging a session end to end: the patient fills the form on a phone (pain, one exercise not
// done, effort, a note), the app says it is synced, the server holds exactly that session once,
// today's plan shows it as done, and the therapist sees it on the patient's page.
import assert from "node:assert/strict";
import { DEMO, PHONE, pick, scenario, serverSessions, signIn } from "./harness.mjs";

scenario("a session logged on the phone reaches the server once and the therapist sees it", async ({ server, browser }) => {
  const before = await serverSessions(server, DEMO.patient.name);
  const page = await (await browser.newContext(PHONE)).newPage();
  await signIn(page, server, DEMO.patient);
  await page.getByRole("link", { name: "Log", exact: true }).click();
  await page.getByRole("heading", { name: "Log a session" }).waitFor();

  // Saving without the required answers is refused in place.
  await page.getByRole("button", { name: "Save session" }).click();
  await page.getByText("Please answer: pain before, pain after, effort.").waitFor();

  await pick(page, "pain-before", 3);
  const rows = page.locator("li.log-row");
  const count = await rows.count();
  assert.ok(count >= 1);
  const skipped = await rows.nth(0).getAttribute("data-exercise");
  await rows.nth(0).getByRole("checkbox").uncheck();
  await pick(page, "pain-after", 2);
  await pick(page, "effort", 5);
  await page.getByLabel("Notes for your therapist (optional)").fill("Felt fine, shoulder a bit stiff");
  await page.getByRole("button", { name: "Save session" }).click();

  await page.getByTestId("done-today").waitFor();
  await page.getByTestId("sync-status").filter({ hasText: "All synced" }).waitFor();

  const after = await serverSessions(server, DEMO.patient.name);
  assert.equal(after.length, before.length + 1);
  const known = new Set(before.map((s) => s.name));
  const added = after.filter((s) => !known.has(s.name));
  assert.equal(added.length, 1);
  const s = added[0];
  assert.equal(s.painBefore, 3);
  assert.equal(s.painAfter, 2);
  assert.equal(s.effort, 5);
  assert.equal(s.notes, "Felt fine, shoulder a bit stiff");
  assert.equal(s.exercises.length, count);
  assert.equal(s.exercises.find((e) => e.exercise === skipped).sets ?? 0, 0);
  assert.ok(s.exercises.filter((e) => e.exercise !== skipped).every((e) => e.sets > 0));
  assert.match(s.name, /\/sessions\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

  const therapist = await (await browser.newContext()).newPage();
  await signIn(therapist, server, DEMO.therapist);
  await therapist.getByRole("link", { name: "Jordan Lee" }).click();
  const item = therapist.locator(`[data-session="${s.name}"]`);
  await item.waitFor();
  assert.match(await item.textContent(), /pain 3→2 · effort 5/);
  assert.match(await item.textContent(), /Felt fine, shoulder a bit stiff/);
});

scenario("a pyramid is logged set by set, and a short set is stored as it was done", async ({ server, browser }) => {
  const page = await (await browser.newContext(PHONE)).newPage();
  await signIn(page, server, DEMO.patient);
  await page.getByRole("link", { name: "Log", exact: true }).click();
  await page.getByRole("heading", { name: "Log a session" }).waitFor();
  // Every phase of the demo program has a pyramid (bird dog, 6-4-2 or more): its row asks for the
  // reps of each set, with the prescribed ones filled in, and has no single Sets or Reps box.
  const row = page.locator("li.log-row", { has: page.getByText("Set 1 reps") }).first();
  await row.waitFor();
  const exercise = await row.getAttribute("data-exercise");
  assert.equal(await row.getByText("Sets", { exact: true }).count(), 0);
  const steps = row.getByRole("spinbutton", { name: /^Set \d reps/ });
  const prescribed = await steps.evaluateAll((inputs) => inputs.map((i) => Number(i.value)));
  assert.ok(prescribed.length >= 2, `steps ${prescribed}`);
  await steps.nth(1).fill(String(prescribed[1] - 1));  // the second set fell one short
  await pick(page, "pain-before", 2);
  await pick(page, "pain-after", 2);
  await pick(page, "effort", 4);
  await page.getByRole("button", { name: "Save session" }).click();
  await page.getByTestId("sync-status").filter({ hasText: "All synced" }).waitFor();

  const [latest] = (await server.call("SessionService/ListSessions", { parent: DEMO.patient.name, pageSize: 1 }, DEMO.therapist)).sessions;
  const log = latest.exercises.find((e) => e.exercise === exercise);
  const expected = [...prescribed];
  expected[1] -= 1;
  assert.deepEqual(log.pyramidReps, expected);
  assert.equal(log.sets, prescribed.length);
});
