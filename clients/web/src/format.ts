// Doses and names in words, as a patient reads them: "3 × 10 reps · hold 5 s · yellow band · each
// side". One place, so that the plan, the session form and the therapist's page agree.
import { type Dose, Side } from "./gen/ptrack/v1/dose_pb";
import { FlagKind } from "./gen/ptrack/v1/progression_pb";

export function doseText(d: Dose | undefined): string {
  if (!d) return "";
  const parts: string[] = [];
  if (d.pyramidReps.length > 0) {
    parts.push(`pyramid ${d.pyramidReps.join("-")} reps`);
    if (d.holdSeconds > 0) parts.push(`hold ${d.holdSeconds} s`);
  } else if (d.reps > 0) {
    parts.push(`${d.sets} × ${d.reps} reps`);
    if (d.holdSeconds > 0) parts.push(`hold ${d.holdSeconds} s`);
  } else {
    parts.push(`${d.sets} × ${d.holdSeconds} s hold`);
  }
  if (d.loadKg > 0) parts.push(`${d.loadKg} kg`);
  if (d.band) parts.push(`${d.band} band`);
  const side = sideText(d.side);
  if (side) parts.push(side);
  if (d.restSeconds > 0) parts.push(`rest ${d.restSeconds} s`);
  return parts.join(" · ");
}

function sideText(side: Side): string {
  switch (side) {
    case Side.EACH:
      return "each side";
    case Side.LEFT:
      return "left side";
    case Side.RIGHT:
      return "right side";
    default:
      return "";
  }
}

export function flagText(kind: FlagKind): string {
  switch (kind) {
    case FlagKind.RED_FLAG:
      return "Red flag";
    case FlagKind.PAIN_FLARE:
      return "Pain flare";
    case FlagKind.INACTIVITY:
      return "Inactive";
    case FlagKind.REEVALUATION_DUE:
      return "Re-evaluation due";
    case FlagKind.PHASE_GATE_STALLED:
      return "Phase gate stalled";
    case FlagKind.MAINTENANCE_PAIN_RETURN:
      return "Pain returned in maintenance";
    case FlagKind.OUTCOME_IMPROVED:
      return "Outcome improved";
    case FlagKind.OUTCOME_WORSENED:
      return "Outcome worse";
    default:
      return "Flag";
  }
}

/** The last path segment of a resource name: "clinics/demo/patients/jordan" → "jordan". */
export function idOf(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}
