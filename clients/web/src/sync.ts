// Sends the outbox (sessions and questionnaire answers) to the server: at start, when the browser comes back online, when the app
// becomes visible again, on a timer, and right after a session is logged. One pass at a time.
// A pass sends the signed-in account's items, red-flag reports first, then oldest first, with
// that account's token; OK (new or replayed) removes an item;
// a network or server failure keeps it and ends the pass (retried with backoff up to a minute);
// a refusal for good marks it rejected with the server's reason. UNAUTHENTICATED stops the pass
// and forgets the token: the items wait for the patient to sign in again.
import { fromBinary } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { codeOf, describe, isTransient, outcomes, sessions } from "./api";
import { SubmitOutcomeResponseRequestSchema } from "./gen/ptrack/v1/outcome_pb";
import { LogSessionRequestSchema } from "./gen/ptrack/v1/session_pb";
import * as outbox from "./outbox";
import { current, forget } from "./session_store";

export interface SyncState {
  waiting: number;   // items of the signed-in account still to send
  rejected: number;  // items the server refused
  sending: boolean;
  lastError: string; // why the last pass stopped early; "" after a clean pass
}

const TIMER_MS = 30_000;
const MAX_BACKOFF_MS = 60_000;

let state: SyncState = { waiting: 0, rejected: 0, sending: false, lastError: "" };
const listeners = new Set<(s: SyncState) => void>();
let running: Promise<void> | null = null;
let again = false;
let backoffMs = 0;
let retryTimer: ReturnType<typeof setTimeout> | undefined;

export function onChange(fn: (s: SyncState) => void): () => void {
  listeners.add(fn);
  fn(state);
  return () => listeners.delete(fn);
}

function publish(patch: Partial<SyncState>): void {
  state = { ...state, ...patch };
  for (const fn of listeners) fn(state);
}

async function mine(who = current()): Promise<outbox.OutboxItem[]> {
  if (!who) return [];
  return (await outbox.list()).filter((i) => i.username === who.username);
}

/** The signed-in account's red-flag report still on the device, if any. */
export async function waitingRedFlag(): Promise<outbox.OutboxItem | undefined> {
  return (await mine()).find((i) => i.redFlag && !i.rejected);
}

let refreshes = 0;

/** Re-reads the outbox and publishes its counts; a read that a later one overtook is dropped. */
export async function refresh(): Promise<void> {
  const n = ++refreshes;
  const items = await mine();
  if (n !== refreshes) return;
  publish({
    waiting: items.filter((i) => !i.rejected).length,
    rejected: items.filter((i) => i.rejected).length,
  });
}

/** Starts a pass now, or right after the one in progress. */
export function syncNow(): Promise<void> {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    do {
      again = false;
      await pass();
    } while (again);
  })().finally(() => {
    running = null;
  });
  return running;
}

async function pass(): Promise<void> {
  // The pass belongs to the account signed in when it starts: its items, sent with its token.
  // If someone else signs in meanwhile, the pass stops; their own pass sends their items.
  const who = current();
  const items = (await mine(who)).filter((i) => !i.rejected)
    .sort((a, b) => Number(b.redFlag) - Number(a.redFlag) || a.createdMs - b.createdMs);
  if (!who || items.length === 0) {
    await refresh();
    return;
  }
  publish({ sending: true });
  let error = "";
  let retry = false;
  try {
    for (const item of items) {
      if (current()?.token !== who.token) break;
      try {
        const options = { headers: { Authorization: `Bearer ${who.token}` } };
        if (item.kind === "outcome") {
          await outcomes.submitOutcomeResponse(fromBinary(SubmitOutcomeResponseRequestSchema, item.request), options);
        } else {
          await sessions.logSession(fromBinary(LogSessionRequestSchema, item.request), options);
        }
        await outbox.remove(item.id);
      } catch (e) {
        if (codeOf(e) === Code.Unauthenticated) {
          error = describe(e);
          signedOut(who.token);
          break;
        }
        if (isTransient(e)) {
          await outbox.put({ ...item, attempts: item.attempts + 1 });
          error = describe(e);
          retry = true;
          break;
        }
        await outbox.put({ ...item, attempts: item.attempts + 1, rejected: describe(e) });
      }
      await refresh();
    }
  } finally {
    publish({ sending: false, lastError: error });
    await refresh();
  }
  if (retry) scheduleRetry();
  else backoffMs = 0;
}

/**
 * The server no longer accepts `token` (expired, revoked): forget it, so that the app asks the
 * patient to sign in; the items stay and go out after the next sign-in.
 */
function signedOut(token: string): void {
  if (current()?.token !== token) return;
  forget();
  window.dispatchEvent(new Event(SIGNED_OUT));
}

/** Fired on window when the server refused the stored token. */
export const SIGNED_OUT = "ptrack:signed-out";

function scheduleRetry(): void {
  backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs === 0 ? 2_000 : backoffMs * 2);
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => void syncNow(), backoffMs);
}

/** Installs the triggers. Call once at start. */
export function start(): void {
  window.addEventListener("online", () => {
    backoffMs = 0;
    void syncNow();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") void syncNow();
  });
  setInterval(() => void syncNow(), TIMER_MS);
  void syncNow();
}

/** Forgets a rejected item the patient has read. */
export async function dismiss(id: string): Promise<void> {
  await outbox.remove(id);
  await refresh();
}
