import { hashPassword, verifyPassword } from "../auth/passwords.ts";
import { defaultTokenLifetimeSeconds, hashSecret, newApiKey, newToken } from "../auth/tokens.ts";
import type { Store } from "../store/store.ts";
import type { MfaStore } from "./mfa-store.ts";
import { rootUserName } from "./mfa-store.ts";
import { passesSecondFactor } from "./second-factor.ts";
import type { SignInFailures } from "./sign-in-failures.ts";

export interface SignInAnswer {
  apiKey: string;
  token: string;
  operatorId: string;
  userName?: string;
}

export type SignInOutcome =
  | { ok: true; answer: SignInAnswer }
  | { ok: false; refusal: "wrong_credentials" }
  | { ok: false; refusal: "throttled"; retryAfterSeconds: number };

export interface RootSignIn {
  email: string;
  password: string;
  mfaOTPCode?: string;
  tokenTimeoutSeconds?: number;
}

export interface SignInDeps {
  store: Store;
  failures: SignInFailures;
  mfa: MfaStore;
}

// Spends the same argon2 time for an unknown account as for a wrong password, so timing reveals no accounts.
const decoyHash = hashPassword("decoy password that matches nothing");

/** The account sign-in found, if the credentials (and the second factor) were right. */
interface Principal {
  operatorId: string;
  userName?: string;
}

/**
 * One sign-in: refused while the account or the client address is throttled (alike whether the
 * account exists), then credentials, then MFA. Every refusal after the throttle is the same one.
 */
export async function signIn(
  deps: SignInDeps,
  request: RootSignIn,
  clientAddress: string,
  now = Date.now(),
): Promise<SignInOutcome> {
  const keys = { account: request.email, address: clientAddress };
  const verdict = await deps.failures.verdict(keys, now);
  if (!verdict.allowed)
    return { ok: false, refusal: "throttled", retryAfterSeconds: Math.ceil(verdict.retryAfterMs / 1000) };

  const principal = await checkRootCredentials(deps, request, now);
  if (!principal) {
    await deps.failures.recordFailure(keys, now);
    return { ok: false, refusal: "wrong_credentials" };
  }
  await deps.failures.recordSuccess(keys);
  const token = newToken();
  const apiKey = newApiKey();
  const lifetime = request.tokenTimeoutSeconds ?? defaultTokenLifetimeSeconds;
  await deps.store.saveToken(hashSecret(token), {
    apiKey,
    operatorId: principal.operatorId,
    expiresAt: now + lifetime * 1000,
  });
  return { ok: true, answer: { apiKey, token, ...principal } };
}

async function checkRootCredentials(
  deps: SignInDeps,
  request: RootSignIn,
  now: number,
): Promise<Principal | undefined> {
  const operator = await deps.store.findOperatorByEmail(request.email);
  const valid = await verifyPassword(operator?.passwordHash ?? (await decoyHash), request.password);
  if (!operator || !valid) return undefined;
  if (!(await passesSecondFactor(deps.mfa, operator.operatorId, rootUserName, request.mfaOTPCode, now)))
    return undefined;
  return { operatorId: operator.operatorId };
}
