import { type ApiSession, sessionFor, testPassword, testProviderAdminEmail } from "./harness.ts";

/**
 * A session of the test Conflux's provider administrator (startTestConflux configures it), signed in
 * at POST /v1/provider/auth. Its `operatorId` is empty: an administrator is no operator.
 */
export async function providerSession(conflux: { url: string }): Promise<ApiSession> {
  const response = await fetch(`${conflux.url}/v1/provider/auth`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: testProviderAdminEmail, password: testPassword }),
  });
  if (response.status !== 200)
    throw new Error(`provider sign-in failed: ${response.status} ${await response.text()}`);
  const { apiKey, token } = (await response.json()) as { apiKey: string; token: string };
  return sessionFor(conflux.url, { apiKey, token, operatorId: "" });
}
