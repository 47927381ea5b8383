/**
 * Who is signed in: the operator, and the root user's e-mail address or the user's name. No secret:
 * the token lives in an HttpOnly cookie the server set at sign-in (POST /v1/auth/session), which no
 * script reads and every tab of the browser shares.
 */
export type Session = {
  operatorId: string;
  /** While a partner acts as one of its customers: the partner's own session, to return to. */
  actingFrom?: Session;
} & ({ email: string; userName?: undefined } | { userName: string; email?: undefined });

/** The name the header shows for whoever is signed in. */
export function signedInAs(session: Session): string {
  return session.userName ?? session.email ?? "";
}

/**
 * localStorage, so that every tab knows who is signed in (a link opened in a new tab stays signed in)
 * and learns of a sign-out in another through the `storage` event. What authenticates is the cookie:
 * a value written here by hand grants nothing, the first call answers 401 and the studio signs out.
 */
export const sessionKey = "conflux.session";

function isSession(value: unknown): value is Session {
  if (typeof value !== "object" || value === null) return false;
  const { operatorId, email, userName, actingFrom } = value as Record<string, unknown>;
  return (
    typeof operatorId === "string" &&
    operatorId !== "" &&
    (typeof email === "string" || typeof userName === "string") &&
    (actingFrom === undefined || isSession(actingFrom))
  );
}

export function loadSession(storage: Storage = localStorage): Session | undefined {
  try {
    const value: unknown = JSON.parse(storage.getItem(sessionKey) ?? "null");
    if (isSession(value)) return value;
  } catch {}
  return undefined;
}

export function saveSession(session: Session | undefined, storage: Storage = localStorage): void {
  if (session) storage.setItem(sessionKey, JSON.stringify(session));
  else storage.removeItem(sessionKey);
}
