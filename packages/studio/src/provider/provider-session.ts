/**
 * The provider admin's session: the API key and token of `POST /v1/provider/auth`, kept like the
 * operator's (sessionStorage, sent as headers; see api/session.ts) but under its own key, so signing in
 * to one console never signs in or out of the other.
 */
export interface ProviderSession {
  apiKey: string;
  token: string;
  email: string;
}

const key = "conflux.provider-session";

export function loadProviderSession(storage: Storage = sessionStorage): ProviderSession | undefined {
  try {
    const value = JSON.parse(storage.getItem(key) ?? "null") as Partial<ProviderSession> | null;
    if (value?.apiKey && value.token && value.email)
      return { apiKey: value.apiKey, token: value.token, email: value.email };
  } catch {}
  return undefined;
}

export function saveProviderSession(
  session: ProviderSession | undefined,
  storage: Storage = sessionStorage,
): void {
  if (session) storage.setItem(key, JSON.stringify(session));
  else storage.removeItem(key);
}
