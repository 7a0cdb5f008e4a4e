// How much a patient needs their therapist's attention, from what the server already says about
// them: open flags (ListFlags), decisions waiting for approval (ListDecisions) and the last
// session. Sorting is most urgent first: an open red flag, then pain flares, pending decisions,
// inactivity and the rest. The weights order the kinds; they are not clinical thresholds (those
// are in the server's rules).
// Used for one patient's page; lists of patients read the server's clinic report (report.ts),
// which orders them the same way.
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, programs, progression, sessions } from "./api";
import { ProgramState } from "./gen/ptrack/v1/program_pb";
import { type Decision, DecisionStatus, type Flag, FlagKind } from "./gen/ptrack/v1/progression_pb";
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
  score: number;
}

const WEIGHT: Partial<Record<FlagKind, number>> = {
  [FlagKind.RED_FLAG]: 1000,
  [FlagKind.PAIN_FLARE]: 100,
  [FlagKind.MAINTENANCE_PAIN_RETURN]: 80,
  [FlagKind.INACTIVITY]: 20,
  [FlagKind.REEVALUATION_DUE]: 10,
  [FlagKind.PHASE_GATE_STALLED]: 10,
};
const PENDING_WEIGHT = 50;

export async function statusOf(patient: Patient): Promise<PatientStatus> {
  const st: PatientStatus = {
    patient, hasProgram: true, suspended: false, flags: [], pending: [], program: "", lastSession: "", error: "", score: 0,
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
      // One patient's failure must not hide the others; this one goes to the top, marked.
      st.error = describe(e);
      st.score = Number.MAX_SAFE_INTEGER;
      return st;
    }
  }
  const open = st.flags.filter((f) => f.kind !== FlagKind.RED_FLAG || st.suspended);
  st.score = open.reduce((sum, f) => sum + (WEIGHT[f.kind] ?? 1), 0) + PENDING_WEIGHT * st.pending.length +
    (st.hasProgram ? 0 : 5);
  return st;
}
