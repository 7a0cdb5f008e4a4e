// The last answers the patient's screens need offline (today's plan, the red-flag checklist),
// kept per account in localStorage as protobuf JSON with the time they were fetched. A cached
// answer is only ever shown as such ("as of …"); it is never sent back to the server.
import { fromJsonString, toJsonString, type DescMessage, type MessageShape } from "@bufbuild/protobuf";

interface Entry {
  savedMs: number;
  json: string;
}

function key(username: string, what: string): string {
  return `ptrack.cache.${username}.${what}`;
}

export function save<D extends DescMessage>(username: string, what: string, schema: D, msg: MessageShape<D>): void {
  const entry: Entry = { savedMs: Date.now(), json: toJsonString(schema, msg) };
  localStorage.setItem(key(username, what), JSON.stringify(entry));
}

export function load<D extends DescMessage>(
  username: string, what: string, schema: D,
): { savedMs: number; msg: MessageShape<D> } | null {
  const raw = localStorage.getItem(key(username, what));
  if (!raw) return null;
  try {
    const entry = JSON.parse(raw) as Entry;
    return { savedMs: entry.savedMs, msg: fromJsonString(schema, entry.json) };
  } catch {
    return null;
  }
}
