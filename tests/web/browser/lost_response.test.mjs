// A lost answer: the server stores the session but the connection drops before the phone hears
// back. The session stays in the outbox, the app retries on its own with the same UUID, the
// server answers "replayed", and exactly one row exists.
import assert from "node:assert/strict";
import { DEMO, PHONE, logSessionInForm, scenario, serverSessions, signIn, waitUntil } from "./harness.mjs";

scenario("a dropped response is retried and the session is stored exactly once", async ({ server, browser }) => {
  const before = await serverSessions(server, DEMO.patient.name);
  const context = await browser.newContext({ ...PHONE, serviceWorkers: "block" });
  const page = await context.newPage();
  const bodies = [];
  const answers = [];
  await page.route("**/ptrack.v1.SessionService/LogSession", async (route) => {
    bodies.push(route.request().postData());
    const response = await route.fetch();  // the server does the work…
    answers.push({ status: response.status(), json: await response.json() });
    if (answers.length === 1) {
      await route.abort("connectionreset");  // …and the phone never hears back
    } else {
      await route.fulfill({ response });
    }
  });
  await signIn(page, server, DEMO.patient);
  await page.goto(`${server.url}/#/log`);
  await logSessionInForm(page, { painBefore: 4, painAfter: 3, effort: 6 });

  await page.getByTestId("done-today").waitFor();
  await waitUntil(() => answers.length >= 2, "the app to retry by itself");
  await page.getByTestId("sync-status").filter({ hasText: "All synced" }).waitFor();
  assert.equal(answers[0].status, 200);
  assert.equal(answers[0].json.replayed ?? false, false, "the first attempt stored it");
  assert.equal(answers[1].status, 200);
  assert.equal(answers[1].json.replayed, true, "the retry was recognised as the same session");
  assert.equal(new Set(bodies).size, 1, "every attempt sent the same request");

  const after = await serverSessions(server, DEMO.patient.name);
  assert.equal(after.length, before.length + 1);
  assert.equal(after.filter((s) => s.name === answers[0].json.session.name).length, 1);
});
