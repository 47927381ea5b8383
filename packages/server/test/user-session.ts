import { randomUUID } from "node:crypto";
import { hashSecret, newToken } from "../src/auth/tokens.ts";
import { type ApiSession, sessionFor, type startTestConflux } from "./harness.ts";

/**
 * A session of a user of `operatorId`, with a token issued the way sign-in issues one (saved by
 * its hash, with the user's name). The sign-in forms themselves are tested with POST /v1/auth.
 */
export async function userSession(
  conflux: Awaited<ReturnType<typeof startTestConflux>>,
  operatorId: string,
  userName: string,
): Promise<ApiSession> {
  const token = newToken();
  const apiKey = `api-${randomUUID()}`;
  await conflux.services.store.saveToken(hashSecret(token), {
    apiKey,
    operatorId,
    userName,
    expiresAt: Date.now() + 3_600_000,
  });
  return sessionFor(conflux.url, { apiKey, token, operatorId });
}
