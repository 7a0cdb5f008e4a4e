// Random (version 4) UUIDs made on the device: a session's id is chosen before it is ever sent,
// so a retry after a lost answer carries the same id and the server stores it once.

export function uuid4(): string {
  // crypto.randomUUID needs a secure context (https or localhost); getRandomValues does not.
  if (typeof crypto.randomUUID === "function" && window.isSecureContext) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
