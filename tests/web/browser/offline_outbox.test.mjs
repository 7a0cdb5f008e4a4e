// Offline first: with the phone's network off, three sessions logged one after another are kept
// on the device and shown as waiting; the server receives nothing. When the network returns the
// app sends them by itself ('online' event) and exactly those three reach the server, each once,
// under the UUIDs the device gave them.
import assert from "node:assert/strict";
import { DEMO, PHONE, logSessionInForm, scenario, serverSessions, signIn } from "./harness.mjs";

scenario("three sessions logged offline reach the server exactly once when back online", async ({ server, browser }) => {
  const before = await serverSessions(server, DEMO.patient.name);
  const context = await browser.newContext({ ...PHONE, serviceWorkers: "block" });
  const page = await context.newPage();
  await signIn(page, server, DEMO.patient);
  // Open the form once online, so that the plan and the red-flag checklist are on the device.
  await page.goto(`${server.url}/#/log`);
  await page.getByRole("heading", { name: "Log a session" }).waitFor();
  await page.goto(`${server.url}/#/today`);

  await context.setOffline(true);
  for (let i = 1; i <= 3; i++) {
    await page.evaluate(() => (window.location.hash = "#/log"));
    await logSessionInForm(page, { painBefore: i, painAfter: i, effort: i });
    await page.getByTestId("done-today").waitFor();
    await page.getByTestId("sync-status").filter({ hasText: `${i} waiting to sync` }).waitFor();
  }
  const queued = await page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open("ptrack");
    open.onsuccess = () => {
      const req = open.result.transaction("outbox").objectStore("outbox").getAll();
      req.onsuccess = () => resolve(req.result.map((i) => i.id));
      req.onerror = () => reject(req.error);
    };
  }));
  assert.equal(queued.length, 3);
  assert.equal((await serverSessions(server, DEMO.patient.name)).length, before.length, "nothing sent while offline");

  // The history page lists what waits, even though it cannot reach the server.
  await page.evaluate(() => (window.location.hash = "#/history"));
  await page.getByTestId("outbox").waitFor();
  assert.equal(await page.getByTestId("outbox").locator("li").count(), 3);

  await context.setOffline(false);
  await page.getByTestId("sync-status").filter({ hasText: "All synced" }).waitFor();
  const after = await serverSessions(server, DEMO.patient.name);
  assert.equal(after.length, before.length + 3);
  const ids = after.map((s) => s.name.split("/").pop());
  assert.deepEqual(queued.filter((id) => ids.includes(id)).sort(), [...queued].sort());
  const added = after.filter((s) => queued.includes(s.name.split("/").pop()));
  assert.deepEqual(added.map((s) => s.painBefore).sort(), [1, 2, 3]);
});
