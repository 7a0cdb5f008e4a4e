// A therapist's dose adjustment reaches the patient with its reason, and a bad one changes
// nothing. The therapist signs in on a desktop, finds both demo patients in the list, opens
// Jordan, adjusts today's first exercise to 3 sets with the reason "Stronger this week" and saves:
// the server's plan (ProgramService/GetPlan) then prescribes 3 sets, and Jordan, signing in on his
// phone, sees that exercise as "3 × …" with the therapist's reason under "Why it changed". An
// adjustment to 0 sets is refused: the page shows an error (role=alert) and the program has no
// new revision.
import assert from "node:assert/strict";
import { DEMO, PHONE, scenario, signIn } from "./harness.mjs";

const PROGRAM = `${DEMO.patient.name}/programs/jordan-program`;
const REASON = "Stronger this week";

scenario("a therapist adjusts a dose and the patient sees it with the reason", async ({ server, browser }) => {
  const desk = await (await browser.newContext()).newPage();
  await signIn(desk, server, DEMO.therapist);
  const list = desk.getByTestId("patients");
  await list.waitFor();
  assert.equal(await list.locator(":scope > li").count(), 2);
  const jordanItem = list.locator(`li[data-patient="${DEMO.patient.name}"]`);
  assert.equal(await jordanItem.getByRole("link").innerText(), "Jordan Lee");
  assert.equal(await list.locator(`li[data-patient="${DEMO.patient2.name}"]`).getByRole("link").innerText(), "Sam Okafor");

  await jordanItem.getByRole("link", { name: "Jordan Lee" }).click();
  await desk.getByRole("heading", { level: 1, name: "Jordan Lee" }).waitFor();
  const first = desk.locator("ul.exercises > li.exercise").first();
  await first.waitFor();
  const exercise = await first.getAttribute("data-exercise");
  const name = await first.locator("h3").innerText();
  const before = (await server.call("ProgramService/GetPlan", { parent: DEMO.patient.name, days: 1 }, DEMO.therapist)).days[0];
  assert.equal(before.exercises[0].exercise, exercise, "the page's first exercise is the plan's");
  assert.notEqual(before.exercises[0].dose.sets, 3, "the demo dose is not already 3 sets");
  const revBefore = (await server.call("ProgramService/GetProgram", { name: PROGRAM }, DEMO.therapist)).revision;

  await first.getByRole("button", { name: "Adjust dose" }).click();
  const form = desk.getByRole("form", { name: `Adjust ${name}` });
  await form.getByLabel("Sets").fill("3");
  await form.getByLabel("Reason").fill(REASON);
  await form.getByRole("button", { name: "Save new dose" }).click();
  await desk.getByRole("status").filter({ hasText: `${name}: now 3 ×` }).waitFor();
  // The page reloads with the new dose and the reason.
  const after = desk.locator(`ul.exercises > li.exercise[data-exercise="${exercise}"]`);
  await after.locator(".dose", { hasText: /^3 × / }).waitFor();
  assert.match(await after.locator(".why").innerText(), new RegExp(REASON));

  const program = await server.call("ProgramService/GetProgram", { name: PROGRAM }, DEMO.therapist);
  assert.equal(program.revision, revBefore + 1, "one new revision");
  const plan = await server.call("ProgramService/GetPlan", { parent: DEMO.patient.name, days: 1 }, DEMO.therapist);
  const today = plan.days[0];
  assert.equal(today.exercises[0].exercise, exercise);
  assert.equal(today.exercises[0].dose.sets, 3);
  // Only the sets changed: reps and hold are what they were.
  assert.equal(today.exercises[0].dose.reps ?? 0, before.exercises[0].dose.reps ?? 0);
  assert.equal(today.exercises[0].dose.holdSeconds ?? 0, before.exercises[0].dose.holdSeconds ?? 0);
  assert.match(today.exercises[0].why, new RegExp(REASON));

  // The patient, on his phone.
  const phone = await (await browser.newContext(PHONE)).newPage();
  await signIn(phone, server, DEMO.patient);
  const card = phone.locator(`li.exercise[data-exercise="${exercise}"]`);
  await card.waitFor();
  assert.equal(await card.locator("h3").innerText(), name);
  assert.match(await card.locator(".dose").innerText(), /^3 × /);
  assert.match(await card.getByTestId("why").innerText(), new RegExp(`^Why it changed: .*${REASON}`));

  // Bad adjustments. 0 sets: the form itself refuses (min=1) and sends nothing.
  const again = desk.locator(`ul.exercises > li.exercise[data-exercise="${exercise}"]`);
  await again.getByRole("button", { name: "Adjust dose" }).click();
  const bad = desk.getByRole("form", { name: `Adjust ${name}` });
  await bad.getByLabel("Sets").fill("0");
  await bad.getByLabel("Reason").fill("Rest this one");
  await bad.getByRole("button", { name: "Save new dose" }).click();
  assert.equal(await bad.getByLabel("Sets").evaluate((el) => el.validity.rangeUnderflow), true);
  // 25 sets: the server refuses (sets 1..20), the therapist reads why, nothing changes.
  await bad.getByLabel("Sets").fill("25");
  await bad.getByRole("button", { name: "Save new dose" }).click();
  const alert = desk.getByRole("alert").filter({ hasText: /sets/ });
  await alert.waitFor();
  assert.match(await alert.innerText(), /must be 1\.\.20/);
  const unchanged = await server.call("ProgramService/GetProgram", { name: PROGRAM }, DEMO.therapist);
  assert.equal(unchanged.revision, revBefore + 1, "the refused adjustment made no revision");
  const still = await server.call("ProgramService/GetPlan", { parent: DEMO.patient.name, days: 1 }, DEMO.therapist);
  assert.equal(still.days[0].exercises[0].dose.sets, 3);
});
