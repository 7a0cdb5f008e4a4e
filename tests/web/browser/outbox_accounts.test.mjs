// The outbox belongs to the account that logged each session. A patient logs a session offline
// and signs out (the app warns that it has not been sent); another patient signs in on the same
// phone and goes online: the first patient's session is not sent with the second patient's token
// and nothing reaches the server. When the first patient signs in again — told that sessions are
// waiting — it is sent, once, under their name.
import assert from "node:assert/strict";
import { DEMO, PHONE, logSessionInForm, scenario, serverSessions, signIn } from "./harness.mjs";

scenario("a session waits for the account that logged it", async ({ server, browser }) => {
  const before = await serverSessions(server, DEMO.patient.name);
  const context = await browser.newContext({ ...PHONE, serviceWorkers: "block" });
  const page = await context.newPage();
  await signIn(page, server, DEMO.patient);
  await page.locator("li.exercise").first().waitFor();
  await page.goto(`${server.url}/#/log`);
  await page.getByRole("heading", { name: "Log a session" }).waitFor();
  await context.setOffline(true);
  await logSessionInForm(page, { painBefore: 3, painAfter: 2, effort: 5 });
  await page.getByTestId("sync-status").filter({ hasText: "1 waiting to sync" }).waitFor();

  const dialogs = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.accept();
  });
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  assert.equal(dialogs.length, 1);
  assert.match(dialogs[0], /1 session has not reached your clinic yet/);

  await context.setOffline(false);
  await signIn(page, server, DEMO.patient2);
  assert.equal(await page.getByTestId("who").textContent(), "patient2 (patient)");
  await page.getByTestId("sync-status").filter({ hasText: "All synced" }).waitFor();
  assert.equal((await serverSessions(server, DEMO.patient.name)).length, before.length, "not sent as somebody else");
  assert.equal((await serverSessions(server, DEMO.patient2.name)).length, 0);

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByTestId("signin-notice").filter({ hasText: "1 session logged on this device will be sent" }).waitFor();
  await signIn(page, server, DEMO.patient);
  await page.getByTestId("sync-status").filter({ hasText: "All synced" }).waitFor();
  const after = await serverSessions(server, DEMO.patient.name);
  assert.equal(after.length, before.length + 1);
  assert.equal(after[0].painBefore, 3);
});
