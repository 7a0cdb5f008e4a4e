// Remote monitoring and the server's CSV export in the web app. A therapist starts RTM for a
// patient (with onboarding) and records 20 live minutes: the patient page shows what the server
// computes — period, data days, minutes, the codes 98975 and 98980, and the forecast — and a
// session the patient logs today becomes a data day. The admin downloads the sessions export,
// which is the server's own CSV (BOM, header, one row per session of the last 30 days).
import assert from "node:assert/strict";
import { DEMO, PHONE, addDays, logSessionInForm, scenario, serverSessions, signIn, todayIn } from "./harness.mjs";

scenario("RTM on the patient page and the sessions CSV from the server", async ({ server, browser }) => {
  const therapist = await (await browser.newContext()).newPage();
  await signIn(therapist, server, DEMO.therapist);
  await therapist.goto(`${server.url}/#/patients/jordan`);
  const card = therapist.getByTestId("rtm");
  await card.getByText("Not monitored.").waitFor();
  await card.getByLabel("Set-up, education and consent done").check();
  await card.getByRole("button", { name: "Start monitoring today" }).click();
  await therapist.getByTestId("rtm-days").waitFor();
  const today = todayIn("America/New_York");
  assert.equal(await therapist.getByTestId("rtm-days").textContent(), "0 data days");

  await card.getByLabel("Minutes").fill("20");
  await card.getByLabel("Activity").fill("Reviewed pain trend; phoned Jordan");
  await card.getByLabel("Live phone or video interaction").check();
  await card.getByRole("button", { name: "Record time" }).click();
  await therapist.getByTestId("rtm-minutes").filter({ hasText: "20 minutes" }).waitFor();
  assert.equal(await therapist.getByTestId("rtm-codes").textContent(), "98975, 98980");
  assert.equal(await therapist.getByTestId("rtm-forecast").textContent(),
    `Needs 16 more data days by ${addDays(today, 29)}.`);
  const status = await server.call("RtmService/GetRtmStatus", { parent: DEMO.patient.name }, DEMO.therapist);
  assert.equal(status.minutes, 20);
  assert.deepEqual(status.codes.map((c) => c.code), ["98975", "98980"]);

  // The patient logs a session today: a day with data.
  const phone = await (await browser.newContext(PHONE)).newPage();
  await signIn(phone, server, DEMO.patient);
  await phone.goto(`${server.url}/#/log`);
  await logSessionInForm(phone);
  await phone.getByTestId("done-today").waitFor();
  await phone.getByTestId("sync-status").filter({ hasText: "All synced" }).waitFor();
  await therapist.reload();
  await therapist.getByTestId("rtm-days").filter({ hasText: "1 data day" }).waitFor();
  assert.equal(await therapist.getByTestId("rtm-forecast").textContent(),
    `Needs 15 more data days by ${addDays(today, 29)}.`);

  // The admin's sessions export is the server's CSV.
  const admin = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await signIn(admin, server, DEMO.admin);
  const [download] = await Promise.all([
    admin.waitForEvent("download"),
    admin.getByTestId("download-sessions-csv").click(),
  ]);
  assert.match(download.suggestedFilename(), /^demo-sessions-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
  const bytes = await (async () => {
    const chunks = [];
    for await (const c of await download.createReadStream()) chunks.push(c);
    return Buffer.concat(chunks);
  })();
  const text = bytes.toString("utf8");
  assert.ok(text.startsWith("\uFEFFsession_id,patient_id,patient,date,performed_at,received_at,"), text.slice(0, 80));
  const lines = text.split("\r\n").filter((l) => l.length > 0);
  const from = addDays(todayIn("America/New_York"), -29);
  const expected = (await serverSessions(server, DEMO.patient.name)).filter((s) => s.localDate >= from).length +
    (await serverSessions(server, DEMO.patient2.name)).filter((s) => s.localDate >= from).length;
  assert.equal(lines.length - 1, expected);
});
