// Approving and rejecting suggest-mode decisions from the therapist's pages. Two routes to
// suggest mode are exercised. Jordan's program is switched to PROGRESSION_MODE_SUGGEST through
// ProgramService/UpdateProgram: a revision takes effect today at the earliest and his weeks
// ended so far were decided under the old mode (history is never rewritten; the server refuses
// future sessions), so he has no pending decision and his page shows no "Decisions waiting for
// you" section and no Approve button. Pending decisions are then made the legitimate way
// available without waiting real days: a clinic protocol with every prescription in suggest mode
// (CatalogService/CreateProtocol), assigned to Sam from 7 days ago, and a good week of sessions
// logged by Sam (received today, the day after that week ended, so they count). Its end-of-week
// evaluation then suggests a progression per exercise. The therapist's list shows Sam's
// "N decisions to approve" chip first; Sam's page lists exactly the server's pending decisions;
// Approve on one and Reject on another change their status on the server (APPROVED, REJECTED),
// the approved dose is in Sam's plan from today and the rejected one is not, and both leave the
// list while the others stay.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { DEMO, addDays, scenario, signIn, todayIn } from "./harness.mjs";

const SUGGEST = "PROGRESSION_MODE_SUGGEST";
const PENDING = "DECISION_STATUS_PENDING";
const JORDAN_PROGRAM = `${DEMO.patient.name}/programs/jordan-program`;


async function decisions(server, program) {
  return (await server.call("ProgressionService/ListDecisions", { parent: program }, DEMO.therapist)).decisions ?? [];
}

/** Doses compare equal when their fields (proto3 JSON omits zeros) agree. */
function sameDose(a = {}, b = {}) {
  const norm = (d) => JSON.stringify({ sets: d.sets ?? 0, reps: d.reps ?? 0, hold: d.holdSeconds ?? 0,
    pyramid: d.pyramidReps ?? [], load: d.loadKg ?? 0, band: d.band ?? "", side: d.side ?? "SIDE_UNSPECIFIED" });
  return norm(a) === norm(b);
}

/** Sam on suggest mode: a clinic protocol, a program from a week ago and that week's sessions. */
async function samWithPendingDecisions(server) {
  const base = await server.call("CatalogService/GetProtocol", { name: "protocols/upper-back-neck-core-12w" }, DEMO.therapist);
  const protocol = await server.call("CatalogService/CreateProtocol", {
    parent: "clinics/demo",
    protocolId: "demo-suggest-only",
    protocol: {
      displayName: "Upper back, neck and core (therapist approves every change)",
      description: "The 12-week protocol with every prescription in suggest mode.",
      phases: base.phases.map((ph) => ({ ...ph, prescriptions: ph.prescriptions.map((rx) => ({ ...rx, mode: SUGGEST })) })),
    },
  }, DEMO.therapist);
  const sam = await server.call("ClinicService/GetPatient", { name: DEMO.patient2.name }, DEMO.therapist);
  const start = addDays(todayIn(sam.timeZone), -7);
  const program = await server.call("ProgramService/CreateProgram", {
    parent: DEMO.patient2.name, programId: randomUUID(), program: { protocol: protocol.name, startDate: start },
  }, DEMO.therapist);
  assert.equal(program.startDate, start);
  const phase = program.phases[0];
  assert.ok(phase.prescriptions.every((rx) => rx.mode === SUGGEST));
  // Every prescribed session of week 1, at the full first dose, pain 1/10 and moderate effort.
  for (let i = 0; i < phase.sessionsPerWeek; i++) {
    const exercises = phase.prescriptions.map((rx) => {
      const d = rx.doseSteps[0];
      return { exercise: rx.exercise, sets: d.pyramidReps?.length || d.sets, reps: d.reps ?? 0,
        holdSeconds: d.holdSeconds ?? 0, loadKg: d.loadKg ?? 0, band: d.band ?? "", side: d.side };
    });
    // Midday UTC is the same calendar day in Sam's zone (Europe/London).
    const logged = await server.call("SessionService/LogSession", {
      parent: DEMO.patient2.name, sessionId: randomUUID(),
      session: { performTime: `${addDays(start, i)}T12:00:00Z`, painBefore: 1, painAfter: 1, effort: 3, exercises },
    }, DEMO.patient2);
    assert.equal(logged.session.localDate, addDays(start, i));
  }
  return program.name;
}

scenario("a therapist approves one pending decision and rejects another", async ({ server, browser }) => {
  // Jordan to suggest mode, every prescription of every phase, from today.
  const jordan = await server.call("ProgramService/GetProgram", { name: JORDAN_PROGRAM }, DEMO.therapist);
  const decidedBefore = await decisions(server, JORDAN_PROGRAM);
  jordan.phases = jordan.phases.map((ph) => ({ ...ph, prescriptions: ph.prescriptions.map((rx) => ({ ...rx, mode: SUGGEST })) }));
  const updated = await server.call("ProgramService/UpdateProgram", {
    program: jordan, updateMask: { paths: ["phases"] }, reason: "Every change needs my approval", effectiveDate: "",
  }, DEMO.therapist);
  assert.equal(updated.revision, jordan.revision + 1);
  assert.ok(updated.phases.every((ph) => ph.prescriptions.every((rx) => rx.mode === SUGGEST)));
  const jordanDecisions = await decisions(server, JORDAN_PROGRAM);
  assert.deepEqual(jordanDecisions.map((d) => [d.name, d.status]), decidedBefore.map((d) => [d.name, d.status]),
    "the weeks already decided stay as they were");
  assert.equal(jordanDecisions.filter((d) => d.status === PENDING).length, 0);

  const samProgram = await samWithPendingDecisions(server);
  const pending = (await decisions(server, samProgram)).filter((d) => d.status === PENDING);
  assert.ok(pending.length >= 2, `Sam's week 1 should suggest changes, got ${pending.length}`);

  const page = await (await browser.newContext()).newPage();
  await signIn(page, server, DEMO.therapist);
  const list = page.getByTestId("patients");
  await list.waitFor();
  const samItem = list.locator(`li[data-patient="${DEMO.patient2.name}"]`);
  assert.equal(await samItem.locator(".chip", { hasText: "to approve" }).innerText(), `${pending.length} decisions to approve`);
  assert.equal(await list.locator(`li[data-patient="${DEMO.patient.name}"] .chip`, { hasText: "to approve" }).count(), 0);
  assert.equal(await list.locator(":scope > li").first().getAttribute("data-patient"), DEMO.patient2.name,
    "decisions waiting put Sam first");

  // Jordan: nothing waiting, so no section and no Approve button.
  await list.getByRole("link", { name: "Jordan Lee" }).click();
  await page.getByRole("heading", { level: 2, name: /^Today: week / }).waitFor();
  assert.equal(await page.getByRole("heading", { name: "Decisions waiting for you" }).count(), 0);
  assert.equal(await page.getByTestId("pending-decisions").count(), 0);
  assert.equal(await page.getByRole("button", { name: "Approve" }).count(), 0);

  // Sam: exactly the server's pending decisions.
  await page.getByRole("link", { name: "← All patients" }).click();
  await list.getByRole("link", { name: "Sam Okafor" }).click();
  await page.getByRole("heading", { name: "Decisions waiting for you" }).waitFor();
  const items = page.getByTestId("pending-decisions").locator(":scope > li");
  const shown = await items.evaluateAll((lis) => lis.map((li) => li.getAttribute("data-decision")));
  assert.deepEqual(shown.sort(), pending.map((d) => d.name).sort());
  const [approved, rejected] = pending;
  const approvedItem = page.locator(`li[data-decision="${approved.name}"]`);
  assert.match(await approvedItem.innerText(), new RegExp(`Week ${approved.week}: `));
  assert.ok((await approvedItem.innerText()).includes(approved.explanation.slice(0, 20)));

  await approvedItem.getByRole("button", { name: "Approve" }).click();
  await page.getByRole("status").filter({ hasText: "Approved: in effect from today." }).waitFor();
  await approvedItem.waitFor({ state: "detached" });
  await page.locator(`li[data-decision="${rejected.name}"]`).getByRole("button", { name: "Reject" }).click();
  await page.getByRole("status").filter({ hasText: "Rejected." }).waitFor();
  await page.locator(`li[data-decision="${rejected.name}"]`).waitFor({ state: "detached" });

  const after = new Map((await decisions(server, samProgram)).map((d) => [d.name, d]));
  assert.equal(after.get(approved.name).status, "DECISION_STATUS_APPROVED");
  assert.equal(after.get(rejected.name).status, "DECISION_STATUS_REJECTED");
  const stillPending = pending.slice(2).map((d) => d.name);
  for (const name of stillPending) assert.equal(after.get(name).status, PENDING, name);
  // The page reloads after each action ("Loading…" first): wait for the list it settles on.
  await page.getByRole("heading", { level: 2, name: /^Today: week / }).waitFor();
  await page.waitForFunction((want) => {
    const lis = [...document.querySelectorAll('[data-testid="pending-decisions"] > li')];
    return JSON.stringify(lis.map((li) => li.getAttribute("data-decision")).sort()) === want;
  }, JSON.stringify([...stillPending].sort()), { timeout: 10_000 });
  assert.equal(await page.getByRole("heading", { name: "Decisions waiting for you" }).count(), stillPending.length > 0 ? 1 : 0);

  // What the decisions did to Sam's plan from today: the approved change is in, the rejected not.
  const plan = await server.call("ProgramService/GetPlan", { parent: DEMO.patient2.name, days: 1 }, DEMO.therapist);
  const dose = (exercise) => plan.days[0].exercises.find((e) => e.exercise === exercise)?.dose;
  const nowApproved = dose(approved.newExercise || approved.exercise);
  const nowRejected = dose(rejected.oldExercise || rejected.exercise);
  assert.ok(sameDose(nowApproved, approved.newDose), `approved: ${JSON.stringify(nowApproved)}`);
  assert.ok(!sameDose(approved.oldDose, approved.newDose));
  assert.ok(sameDose(nowRejected, rejected.oldDose), `rejected: ${JSON.stringify(nowRejected)}`);

  // And the list's chip counts what is left.
  await page.getByRole("link", { name: "← All patients" }).click();
  await list.waitFor();
  const chip = samItem.locator(".chip", { hasText: "to approve" });
  if (stillPending.length > 0) {
    assert.equal(await chip.innerText(),
      `${stillPending.length} decision${stillPending.length > 1 ? "s" : ""} to approve`);
  } else {
    assert.equal(await chip.count(), 0);
  }
});
