// The end of an episode of care in the browser: the therapist opens Jordan's page, ends the
// program ("Goals met", with a note), and the page then says how the program ended; the server
// holds the program as ended with that discharge; Jordan, on his phone, is told his program
// ended instead of being offered a plan or a session form.
import assert from "node:assert/strict";
import { DEMO, PHONE, scenario, signIn } from "./harness.mjs";

const PROGRAM = `${DEMO.patient.name}/programs/jordan-program`;

scenario("a therapist discharges a patient and the patient's phone says the program ended", async ({ server, browser }) => {
  const desk = await (await browser.newContext()).newPage();
  await signIn(desk, server, DEMO.therapist);
  await desk.getByRole("link", { name: "Jordan Lee" }).click();
  await desk.getByRole("heading", { level: 1, name: "Jordan Lee" }).waitFor();
  await desk.getByText("End this program (discharge)").click();
  const form = desk.getByRole("form", { name: "Discharge" });
  // Without a reason the browser keeps the form (required) and nothing is sent.
  await form.getByRole("button", { name: "End program today" }).click();
  assert.equal((await server.call("ProgramService/GetProgram", { name: PROGRAM }, DEMO.therapist)).state, "PROGRAM_STATE_ACTIVE");
  await form.getByLabel("Why it ends").selectOption({ label: "Goals met" });
  await form.getByLabel("Discharge note").fill("Back to full work");
  await form.getByRole("button", { name: "End program today" }).click();
  await desk.getByTestId("no-program").filter({ hasText: "(goals met): Back to full work" }).waitFor();

  const program = await server.call("ProgramService/GetProgram", { name: PROGRAM }, DEMO.therapist);
  assert.equal(program.state, "PROGRAM_STATE_ENDED");
  assert.equal(program.discharge.reason, "DISCHARGE_REASON_GOALS_MET");
  assert.equal(program.discharge.note, "Back to full work");

  const phone = await (await browser.newContext(PHONE)).newPage();
  await signIn(phone, server, DEMO.patient);
  await phone.getByTestId("program-ended").filter({ hasText: `Your program ended on ${program.discharge.date}.` }).waitFor();
});
