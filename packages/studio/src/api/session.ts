/**
 * Who is logged in: the API key and token of POST /v1/auth, with the root user's e-mail typed to get
 * them, or the user name a user of the operator signed in with.
 */
export type Session = {
  apiKey: string;
  token: string;
  operatorId: string;
  /** While a partner acts as one of its customers (a switched token): the partner's own session, to return to. */
  actingFrom?: Session;
} & ({ email: string; userName?: undefined } | { userName: string; email?: undefined });

/** The name the header shows for whoever is logged in. */
export function signedInAs(session: Session): string {
  return session.userName ?? session.email ?? "";
}

/**
 * The session lives in sessionStorage and travels as X-Conflux-API-Key / X-Conflux-Token headers, not in
 * a cookie: the browser never attaches it on its own, so cross-site requests carry no authority (no CSRF),
 * and the API keeps the one auth scheme the CLI and scripts use. It survives a reload but not the tab; the
 * exposure to injected script is closed by the CSP (scripts from our origin only, no inline, no eval).
 */
const key = "conflux.session";

export function loadSession(storage: Storage = sessionStorage): Session | undefined {
  try {
    const value = JSON.parse(storage.getItem(key) ?? "null") as Partial<Record<keyof Session, string>> | null;
    if (value?.apiKey && value.token && value.operatorId && (value.email || value.userName))
      return value as Session;
  } catch {}
  return undefined;
}

export function saveSession(session: Session | undefined, storage: Storage = sessionStorage): void {
  if (session) storage.setItem(key, JSON.stringify(session));
  else storage.removeItem(key);
}
