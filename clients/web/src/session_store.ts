// Who is signed in on this device: the bearer token and the principal, kept in localStorage so
// that the app opens signed in (and offline) after a restart. Only this module touches the keys.
// A sign-out forgets them; the outbox (outbox.ts) is kept, because it holds the patient's work.
import { Role } from "./gen/ptrack/v1/auth_pb";

const KEY = "ptrack.signin";

export interface SignedIn {
  token: string;
  username: string;
  role: Role;
  clinic: string;   // "clinics/{c}"
  subject: string;  // "clinics/{c}/patients/{p}" for a patient, ".../therapists/{t}", or ""
  expireMs: number;
}

export function current(): SignedIn | null {
  const raw = localStorage.getItem(KEY);
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as SignedIn;
    if (!v.token || v.expireMs <= Date.now()) return null;
    return v;
  } catch {
    return null;
  }
}

export function remember(v: SignedIn): void {
  localStorage.setItem(KEY, JSON.stringify(v));
}

export function forget(): void {
  localStorage.removeItem(KEY);
}

export function roleName(role: Role): string {
  switch (role) {
    case Role.PATIENT:
      return "patient";
    case Role.THERAPIST:
      return "therapist";
    case Role.CLINIC_ADMIN:
      return "clinic admin";
    default:
      return "unknown";
  }
}
