// The patient app is installable and opens offline. On a phone (service workers allowed) the
// patient signs in and sees Today; the service worker takes control and caches the app shell; the
// manifest is served as application/manifest+json with what an install needs (name, start URL,
// standalone display, an icon that is itself served). Then the phone goes offline and the page is
// reloaded: the shell comes from the service worker, the header shows who is signed in, Today
// shows the plan fetched earlier with the "Offline" notice, and the session form opens (the form
// itself, not only its heading: the red-flag checklist must be on the device). The form is checked
// twice: once after the patient has only seen Today online (what a real patient does before losing
// the network) and once after the Log page was opened online. Also the server's headers: the app's
// page carries a Content-Security-Policy, and API answers (POST) carry Cache-Control: no-store.
import assert from "node:assert/strict";
import { DEMO, PHONE, scenario, signIn } from "./harness.mjs";

/** Waits until a service worker controls `page`, reloading once if the first load stayed uncontrolled. */
async function waitForController(page) {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  const controlled = () => navigator.serviceWorker.controller !== null;
  try {
    await page.waitForFunction(controlled, null, { timeout: 5_000 });
  } catch {
    await page.reload();
    await page.waitForFunction(controlled, null, { timeout: 10_000 });
  }
}

/**
 * Opens the Log page; resolves to "" when the session form is there, else to what the page says
 * instead (the "not on this device yet" card has the same heading).
 */
async function logPage(page) {
  await page.getByRole("navigation").getByRole("link", { name: "Log", exact: true }).click();
  await page.getByRole("heading", { level: 1, name: "Log a session" }).waitFor();
  if ((await page.getByRole("form", { name: "Log a session" }).count()) === 1) return "";
  return page.locator("#main").innerText();
}

scenario("the app shell and today's plan open offline", async ({ server, browser }) => {
  // Headers, straight from the server.
  const root = await fetch(`${server.url}/`);
  assert.equal(root.status, 200);
  const csp = root.headers.get("content-security-policy") ?? "";
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  const api = await fetch(`${server.url}/ptrack.v1.AuthService/SignIn`, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: DEMO.patient.username, password: DEMO.patient.password }),
  });
  assert.equal(api.status, 200);
  assert.equal(api.headers.get("cache-control"), "no-store");
  const refused = await fetch(`${server.url}/ptrack.v1.ProgramService/GetPlan`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ parent: DEMO.patient.name }),
  });
  assert.equal(refused.status, 401);
  assert.equal(refused.headers.get("cache-control"), "no-store", "errors are not stored either");

  const context = await browser.newContext({ ...PHONE, serviceWorkers: "allow" });
  const page = await context.newPage();
  await signIn(page, server, DEMO.patient);
  const phase = page.locator("p.phase");
  await phase.waitFor();
  const online = {
    phase: await phase.innerText(),
    exercises: await page.locator("ul.exercises > li.exercise h3").allInnerTexts(),
  };
  assert.ok(online.exercises.length > 0, "the demo plan has exercises today");
  assert.equal(await page.getByTestId("stale").count(), 0, "online, the plan is fresh");
  await waitForController(page);
  const shell = await page.evaluate(async () => {
    const keys = await caches.keys();
    const cache = await caches.open(keys.find((k) => k.startsWith("ptrack-shell-")));
    return { keys, files: (await cache.keys()).map((r) => new URL(r.url).pathname).sort() };
  });
  assert.equal(shell.keys.filter((k) => k.startsWith("ptrack-shell-")).length, 1, JSON.stringify(shell.keys));
  for (const f of ["/", "/app.js", "/style.css", "/manifest.webmanifest", "/icon.svg"]) {
    assert.ok(shell.files.includes(f), `${f} is in the shell cache: ${shell.files}`);
  }

  // Installability: the manifest the page links to.
  const href = await page.locator('link[rel="manifest"]').getAttribute("href");
  const manifestUrl = new URL(href, `${server.url}/`).href;
  assert.equal(manifestUrl, `${server.url}/manifest.webmanifest`);
  const res = await page.request.get(manifestUrl);
  assert.equal(res.status(), 200);
  assert.match(res.headers()["content-type"], /^application\/manifest\+json/);
  const manifest = await res.json();
  assert.ok(manifest.name && manifest.short_name);
  assert.equal(manifest.display, "standalone");
  assert.ok(manifest.start_url);
  assert.ok(Array.isArray(manifest.icons) && manifest.icons.length > 0, "the manifest lists an icon");
  for (const icon of manifest.icons) {
    const got = await page.request.get(new URL(icon.src, manifestUrl).href);
    assert.equal(got.status(), 200, icon.src);
    assert.equal(got.headers()["content-type"].split(";")[0], icon.type);
  }

  // Offline: reload. The shell comes from the service worker, the plan from the device.
  await context.setOffline(true);
  const reloaded = await page.reload();
  assert.ok(reloaded?.fromServiceWorker(), "the page was served by the service worker");
  await page.getByTestId("who").waitFor();
  assert.equal(await page.getByTestId("who").innerText(), "patient (patient)");
  const stale = page.getByTestId("stale");
  await stale.waitFor();
  assert.match(await stale.innerText(), /^Offline: this is your plan as of /);
  assert.equal(await phase.innerText(), online.phase);
  assert.deepEqual(await page.locator("ul.exercises > li.exercise h3").allInnerTexts(), online.exercises);
  const afterTodayOnly = await logPage(page);

  // Once the Log page has been opened online, it opens offline.
  await context.setOffline(false);
  await page.goto(`${server.url}/#/today`);
  await phase.waitFor();
  assert.equal(await logPage(page), "", "online, the session form opens");
  await context.setOffline(true);
  const again = await page.reload();
  assert.ok(again?.fromServiceWorker());
  const form = page.getByRole("form", { name: "Log a session" });
  await form.waitFor();
  assert.deepEqual(await form.locator("li.exercise .check span").allInnerTexts(), online.exercises);
  assert.equal(await form.getByRole("button", { name: "Save session" }).count(), 1);
  assert.ok((await form.locator('input[name="red-flag"]').count()) > 0, "the red-flag checklist is on the form");

  // Checked last, so that everything above is checked even while this fails.
  assert.equal(afterTodayOnly, "",
    "offline, the session form should open for a patient who has only seen Today online, but the " +
    "red-flag checklist is only fetched (and cached) by the Log page; the page said instead:\n" + afterTodayOnly);
});
