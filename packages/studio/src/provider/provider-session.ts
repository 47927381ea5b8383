/**
 * Who is signed in to the provider's console. No secret: the token lives in an HttpOnly cookie the
 * server set at sign-in (POST /v1/provider/auth/session), sent only to /v1/provider, which no script
 * reads and every tab shares. It is apart from the operator's session (its own cookie and key here),
 * so signing in to one console never signs in or out of the other.
 */
export interface ProviderSession {
  email: string;
}

/**
 * localStorage, so a link opened in another tab stays signed in, and every tab learns of a sign-out in
 * another through the `storage` event. What authenticates is the cookie: a value written here by hand
 * grants nothing, the first call answers 401 and the console signs out.
 */
export const providerSessionKey = "conflux.provider-session";

export function loadProviderSession(storage: Storage = localStorage): ProviderSession | undefined {
  try {
    const value = JSON.parse(
      storage.getItem(providerSessionKey) ?? "null",
    ) as Partial<ProviderSession> | null;
    if (typeof value?.email === "string" && value.email) return { email: value.email };
  } catch {}
  return undefined;
}

export function saveProviderSession(
  session: ProviderSession | undefined,
  storage: Storage = localStorage,
): void {
  if (session) storage.setItem(providerSessionKey, JSON.stringify(session));
  else storage.removeItem(providerSessionKey);
}
