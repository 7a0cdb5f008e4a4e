// Outcome questionnaires on the phone, offline: Jordan opens Today once online (the questionnaires
// due and their instruments come onto the device), loses the network, answers the pain rating,
// and the answers wait on the device while the server has none; back online they reach the server
// once, under the UUID the device gave them, scored. His therapist then sees the score on his page
// with the outcome measures, and the questionnaire is no longer due.
import assert from "node:assert/strict";
import { DEMO, PHONE, pick, scenario, signIn } from "./harness.mjs";

const responses = async (server) =>
  (await server.call("OutcomeService/ListOutcomeResponses", { parent: DEMO.patient.name }, DEMO.therapist)).responses ?? [];

scenario("a questionnaire answered offline reaches the server exactly once when back online", async ({ server, browser }) => {
  assert.equal((await responses(server)).length, 0);
  const context = await browser.newContext({ ...PHONE, serviceWorkers: "block" });
  const page = await context.newPage();
  await signIn(page, server, DEMO.patient);
  await page.goto(`${server.url}/#/today`);
  const due = page.getByTestId("questionnaires-due");
  await due.locator('[data-instrument="nprs"]').waitFor();

  await context.setOffline(true);
  await due.locator('[data-instrument="nprs"]').click();
  const form = page.getByTestId("questionnaire");
  await form.getByRole("heading", { name: "Numeric Pain Rating Scale" }).waitFor();
  // A required item left out keeps the form: nothing is queued.
  await form.getByRole("button", { name: "Save answers" }).click();
  await page.getByText("Please answer").waitFor();
  await pick(page, "q-pain_now", 4);
  await form.getByRole("button", { name: "Save answers" }).click();
  await page.getByTestId("sync-status").filter({ hasText: "1 waiting to sync" }).waitFor();
  // Back on Today (still offline): the exercises, and the pain rating no longer asked.
  await page.getByRole("heading", { name: /Today's exercises|Rest day/ }).waitFor();
  assert.equal(await page.locator('[data-instrument="nprs"]').count(), 0);
  const queued = await page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open("ptrack");
    open.onsuccess = () => {
      const req = open.result.transaction("outbox").objectStore("outbox").getAll();
      req.onsuccess = () => resolve(req.result.map((i) => ({ id: i.id, kind: i.kind })));
      req.onerror = () => reject(req.error);
    };
  }));
  assert.deepEqual(queued.map((i) => i.kind), ["outcome"]);
  assert.equal((await responses(server)).length, 0, "nothing sent while offline");

  await context.setOffline(false);
  await page.getByTestId("sync-status").filter({ hasText: "All synced" }).waitFor();
  const stored = await responses(server);
  assert.equal(stored.length, 1);
  assert.equal(stored[0].name.split("/").pop(), queued[0].id);
  assert.equal(stored[0].instrument, "instruments/nprs");
  assert.equal(stored[0].score, 4);
  assert.equal(stored[0].baseline, true);
  const still = await server.call("OutcomeService/ListDueQuestionnaires", { parent: DEMO.patient.name }, DEMO.therapist);
  assert.ok(!(still.due ?? []).some((d) => d.instrument === "instruments/nprs"), "answered: no longer due");

  const desk = await (await browser.newContext()).newPage();
  await signIn(desk, server, DEMO.therapist);
  await desk.getByRole("link", { name: "Jordan Lee" }).click();
  const section = desk.getByTestId("outcomes");
  await section.locator('[data-instrument="instruments/nprs"]').getByTestId("outcome-latest")
    .filter({ hasText: ": 4 — the baseline" }).waitFor();
  await section.getByTestId("score-chart").first().waitFor();
});
