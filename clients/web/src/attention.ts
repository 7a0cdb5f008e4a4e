// What one patient's page needs to know about their state, from what the server already says:
// open flags and suspension (ListFlags), decisions waiting for approval (ListDecisions) and the
// last session. Lists of patients read the server's clinic report instead (report.ts), which
// also orders them by need of attention.
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, programs, progression, sessions } from "./api";
import { ProgramState } from "./gen/ptrack/v1/program_pb";
import { type Decision, DecisionStatus, type Flag } from "./gen/ptrack/v1/progression_pb";
import type { Patient } from "./gen/ptrack/v1/clinic_pb";

export interface PatientStatus {
  patient: Patient;
  hasProgram: boolean;
  suspended: boolean;
  flags: Flag[];
  pending: Decision[];
  program: string;
  lastSession: string;  // local date, "" when none
  error: string;        // why this patient's status could not be read; "" when it was
}

export async function statusOf(patient: Patient): Promise<PatientStatus> {
  const st: PatientStatus = {
    patient, hasProgram: true, suspended: false, flags: [], pending: [], program: "", lastSession: "", error: "",
  };
  try {
    const [flags, progs, last] = await Promise.all([
      progression.listFlags({ parent: patient.name }),
      programs.listPrograms({ parent: patient.name }),
      sessions.listSessions({ parent: patient.name, pageSize: 1 }),
    ]);
    st.flags = flags.flags;
    st.suspended = flags.suspended;
    st.lastSession = last.sessions[0]?.localDate ?? "";
    const active = progs.programs.find((p) => p.state === ProgramState.ACTIVE) ?? progs.programs[0];
    if (active) {
      st.program = active.name;
      st.pending = (await progression.listDecisions({ parent: active.name })).decisions
        .filter((d) => d.status === DecisionStatus.PENDING);
    }
  } catch (e) {
    const code = ConnectError.from(e).code;
    if (code === Code.FailedPrecondition) {
      st.hasProgram = false;  // no active program: nothing to flag yet
    } else if (code === Code.Unauthenticated) {
      throw e;
    } else {
      st.error = describe(e);
      return st;
    }
  }
  return st;
}
