// The clinic admin's CSV download is a file a spreadsheet can open safely and that agrees with
// the server. A patient whose display name is a spreadsheet formula is created through the API;
// the admin signs in, sees the overview with every patient (3 rows), clicks "Download CSV" and
// the downloaded file is checked byte by byte: a UTF-8 byte-order mark, the exact header, CRLF
// line ends, one row per patient, today's date in each patient's own zone, Jordan's 30-day count
// of sessions done equal to what SessionService/GetAdherence answers for the same window, and the
// formula name neutralised with a leading apostrophe (and quoted as RFC 4180 asks), so that
// opening the file never runs it.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { DEMO, addDays, scenario, signIn, todayIn } from "./harness.mjs";

const HEADER = "patient_id,patient,therapist,time_zone,date,sessions_done_7d,sessions_prescribed_7d," +
  "sessions_done_30d,sessions_prescribed_30d,last_session,open_flags,pending_decisions";
const FORMULA = '=HYPERLINK("http://x")';


/** RFC 4180 records of `text` (no BOM), CRLF-separated, with quoted cells unescaped. */
function parseCsv(text) {
  const rows = [];
  let row = [], cell = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === "") quoted = true;
    else if (c === ",") { row.push(cell); cell = ""; }
    else if (c === "\r" && text[i + 1] === "\n") { row.push(cell); rows.push(row); row = []; cell = ""; i++; }
    else cell += c;
  }
  assert.equal(quoted, false, "an unterminated quoted cell");
  assert.deepEqual([row, cell], [[], ""], "the file does not end with CRLF");
  return rows;
}

scenario("the clinic CSV matches the server and neutralises formulas", async ({ server, browser }) => {
  const formulaId = randomUUID();
  const created = await server.call("ClinicService/CreatePatient", {
    parent: "clinics/demo",
    patientId: formulaId,
    username: "formula.patient",
    patient: { displayName: FORMULA, timeZone: "Europe/Berlin", therapist: "clinics/demo/therapists/rivera" },
  }, DEMO.admin);
  assert.equal(created.displayName, FORMULA);

  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await signIn(page, server, DEMO.admin);
  const overview = page.getByTestId("overview");
  await overview.waitFor();
  const rows = overview.locator("tbody tr");
  assert.equal(await rows.count(), 3);
  // The formula is shown as text on the page, too.
  assert.equal(await overview.locator(`tr[data-patient="clinics/demo/patients/${formulaId}"] th`).innerText(), FORMULA);

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("download-csv").click(),
  ]);
  assert.match(download.suggestedFilename(), new RegExp(`^demo-adherence-${todayIn("America/New_York")}\\.csv$`));
  const bytes = await readFile(await download.path());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], "the file starts with the UTF-8 byte-order mark");
  const text = bytes.subarray(3).toString("utf8");
  assert.equal(text.split("\r\n")[0], HEADER);
  assert.ok(text.endsWith("\r\n"), "the last line ends with CRLF");
  assert.doesNotMatch(text, /(?<!\r)\n/, "every line ends with CRLF, never a bare LF");
  assert.doesNotMatch(text, /\r(?!\n)/, "no bare CR");

  const [header, ...body] = parseCsv(text);
  assert.deepEqual(header, HEADER.split(","));
  for (const r of body) assert.equal(r.length, header.length, `row ${r[0]} has ${r.length} cells`);
  const byId = new Map(body.map((r) => [r[0], Object.fromEntries(header.map((h, i) => [h, r[i]]))]));
  assert.equal(body.length, 3, "one row per patient");
  assert.deepEqual([...byId.keys()].sort(), ["jordan", "sam", formulaId].sort());

  // Jordan: the same numbers the server gives for the same windows, in his zone.
  const jordan = byId.get("jordan");
  const today = todayIn("America/New_York");
  assert.equal(jordan.patient, "Jordan Lee");
  assert.equal(jordan.therapist, "Alex Rivera");
  assert.equal(jordan.time_zone, "America/New_York");
  assert.equal(jordan.date, today);
  const a30 = await server.call("SessionService/GetAdherence",
    { parent: DEMO.patient.name, startDate: addDays(today, -29), endDate: today }, DEMO.admin);
  assert.equal(Number(jordan.sessions_done_30d), a30.sessionsDone ?? 0);
  assert.equal(Number(jordan.sessions_prescribed_30d), a30.sessionsPrescribed ?? 0);
  assert.ok(Number(jordan.sessions_done_30d) > 0, "the demo history has sessions in the last 30 days");
  const a7 = await server.call("SessionService/GetAdherence",
    { parent: DEMO.patient.name, startDate: addDays(today, -6), endDate: today }, DEMO.admin);
  assert.equal(Number(jordan.sessions_done_7d), a7.sessionsDone ?? 0);
  assert.equal(Number(jordan.sessions_prescribed_7d), a7.sessionsPrescribed ?? 0);
  const [last] = (await server.call("SessionService/ListSessions", { parent: DEMO.patient.name, pageSize: 1 }, DEMO.admin)).sessions;
  assert.equal(jordan.last_session, last.localDate);

  // Sam has no program: nothing done or prescribed, and the report says why.
  const sam = byId.get("sam");
  assert.equal(sam.patient, "Sam Okafor");
  assert.equal(sam.date, todayIn("Europe/London"));
  assert.deepEqual([sam.sessions_done_30d, sam.sessions_prescribed_30d, sam.last_session], ["0", "0", ""]);
  assert.match(sam.open_flags, /No program/);
  for (const r of byId.values()) assert.equal(r.pending_decisions, "0");

  // The formula patient: the cell is text to a spreadsheet, quoted because it holds quotes.
  const formula = byId.get(formulaId);
  assert.equal(formula.patient, `'${FORMULA}`);
  assert.equal(formula.time_zone, "Europe/Berlin");
  assert.equal(formula.date, todayIn("Europe/Berlin"));
  assert.equal(formula.sessions_done_30d, "0");
  const line = text.split("\r\n").find((l) => l.startsWith(`${formulaId},`));
  assert.ok(line.startsWith(`${formulaId},"'=HYPERLINK(""http://x"")",Alex Rivera,`), line);
  // No cell anywhere starts with a character a spreadsheet would evaluate.
  for (const r of body) for (const c of r) assert.doesNotMatch(c, /^[=+\-@\t\r]/, `cell ${JSON.stringify(c)}`);
});
