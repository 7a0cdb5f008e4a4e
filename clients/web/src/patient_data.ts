// What the patient's screens read: today's plan, the red-flag checklist and the questionnaires
// due, from the server when it answers and from the device's cache when it does not (offline).
// Errors other than "cannot reach the server" are passed on, so a real refusal is never hidden
// behind stale data.
import { describe, isTransient, outcomes, programs, progression } from "./api";
import * as cache from "./cache";
import { type ListDueQuestionnairesResponse, ListDueQuestionnairesResponseSchema } from "./gen/ptrack/v1/outcome_pb";
import { type Plan, PlanSchema } from "./gen/ptrack/v1/program_pb";
import { type GetRedFlagChecklistResponse, GetRedFlagChecklistResponseSchema } from "./gen/ptrack/v1/progression_pb";
import type { SignedIn } from "./session_store";

export interface Fetched<T> {
  value: T;
  cachedMs: number | null;  // null when fresh from the server
  problem: string;          // why the cached copy is shown
}

async function fresh<T>(
  fetch: () => Promise<T>,
  store: (v: T) => void, restore: () => { savedMs: number; msg: T } | null,
): Promise<Fetched<T>> {
  try {
    const value = await fetch();
    store(value);
    return { value, cachedMs: null, problem: "" };
  } catch (e) {
    const cached = isTransient(e) ? restore() : null;
    if (!cached) throw e;
    return { value: cached.msg, cachedMs: cached.savedMs, problem: describe(e) };
  }
}

/**
 * Today's plan and the next `days - 1` days. Four weeks by default, so that the cached copy still
 * has today (and the session form still opens) after weeks offline.
 */
export function plan(who: SignedIn, days = 28): Promise<Fetched<Plan>> {
  return fresh(
    () => programs.getPlan({ parent: who.subject, days }),
    (v) => cache.save(who.username, "plan", PlanSchema, v),
    () => cache.load(who.username, "plan", PlanSchema),
  );
}

export function checklist(who: SignedIn): Promise<Fetched<GetRedFlagChecklistResponse>> {
  return fresh(
    () => progression.getRedFlagChecklist({}),
    (v) => cache.save(who.username, "checklist", GetRedFlagChecklistResponseSchema, v),
    () => cache.load(who.username, "checklist", GetRedFlagChecklistResponseSchema),
  );
}

/** The questionnaires due and every instrument the program asks (to answer them offline). */
export function questionnaires(who: SignedIn): Promise<Fetched<ListDueQuestionnairesResponse>> {
  return fresh(
    () => outcomes.listDueQuestionnaires({ parent: who.subject }),
    (v) => cache.save(who.username, "questionnaires", ListDueQuestionnairesResponseSchema, v),
    () => cache.load(who.username, "questionnaires", ListDueQuestionnairesResponseSchema),
  );
}
