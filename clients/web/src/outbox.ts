// The outbox: sessions logged on this device (and outcome questionnaires answered on it) not yet
// confirmed by the server, in IndexedDB so
// they survive closing the app, a dead battery and days offline. An item is written before the
// first attempt to send it and removed only when the server has answered OK (stored or replayed),
// so nothing the patient logged is lost. Its request bytes are fixed when it is made: every retry
// sends exactly the same session under the same client UUID, which the server stores once.
// An item the server refuses for good stays, marked rejected with the server's words, until the
// patient dismisses it. Writes use strict durability: resolved means on disk.

const DB = "ptrack";
const STORE = "outbox";

export interface OutboxItem {
  id: string;            // the session's (or response's) UUID
  username: string;      // whose it is: only that account's token sends it
  // What `request` is: a LogSessionRequest (items stored before questionnaires have no kind) or
  // a SubmitOutcomeResponseRequest, binary protobuf.
  kind?: "session" | "outcome";
  instrument?: string;   // an outcome item's "instruments/{id}"
  request: Uint8Array;
  createdMs: number;
  summary: string;       // for the list: "Tue 4 Nov, 5 exercises"
  redFlag: boolean;
  attempts: number;
  rejected: string;      // the server's reason when it refused the session for good; else ""
}

let opening: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "id" });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => {
      opening = null;
      reject(req.error);
    };
  });
  return opening;
}

async function run<T>(mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  return new Promise((resolve, reject) => {
    // "strict": complete fires only once the write is on disk (Chrome's default is relaxed).
    const tx = db.transaction(STORE, mode, { durability: "strict" });
    const req = op(tx.objectStore(STORE));
    // Resolve on commit, not on the request's success: only then is the write durable.
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export function put(item: OutboxItem): Promise<IDBValidKey> {
  return run("readwrite", (s) => s.put(item));
}

export function remove(id: string): Promise<undefined> {
  return run("readwrite", (s) => s.delete(id));
}

/** Asks the browser not to evict the outbox under storage pressure (best effort). */
export function keep(): void {
  void navigator.storage?.persist?.().catch(() => false);
}

/** Every item, oldest first (the order they were logged in). */
export async function list(): Promise<OutboxItem[]> {
  const items = await run("readonly", (s) => s.getAll() as IDBRequest<OutboxItem[]>);
  return items.sort((a, b) => a.createdMs - b.createdMs);
}
