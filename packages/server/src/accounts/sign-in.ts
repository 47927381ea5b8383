import { timingSafeEqual } from "node:crypto";
import { hashPassword, verifyPassword } from "../auth/passwords.ts";
import { defaultTokenLifetimeSeconds, hashSecret, newApiKey, newToken } from "../auth/tokens.ts";
import type { AccountStore } from "../store/accounts.ts";
import type { SignInFailures } from "../store/sign-in-failures.ts";
import type { Store } from "../store/store.ts";
import type { MfaStore } from "./mfa-store.ts";
import { rootUserName } from "./mfa-store.ts";
import type { OperatorAccounts } from "./operators.ts";
import { passesSecondFactor } from "./second-factor.ts";

export interface SignInAnswer {
  apiKey: string;
  token: string;
  operatorId: string;
  userName?: string;
}

/** An existing account a refused sign-in named, for its audit log; absent when it named none. */
export interface NamedAccount {
  operatorId: string;
  userName?: string;
}

export type SignInOutcome =
  | { ok: true; answer: SignInAnswer }
  | { ok: false; refusal: "wrong_credentials"; account?: NamedAccount }
  | { ok: false; refusal: "throttled"; retryAfterSeconds: number; account?: NamedAccount };

/** The three ways to sign in (accounts.md): the root user, a user of an operator, an auth key. */
export type Credentials =
  | { form: "root"; email: string; password: string }
  | { form: "user"; operatorId: string; userName: string; password: string }
  | { form: "authKey"; authKeyId: string; authKey: string };

export interface SignInRequest {
  credentials: Credentials;
  mfaOTPCode?: string;
  tokenTimeoutSeconds?: number;
}

export interface SignInDeps {
  store: Store;
  accountStore: AccountStore;
  operators: OperatorAccounts;
  failures: SignInFailures;
  mfa: MfaStore;
}

// Spends the same argon2 time for an unknown account as for a wrong password, so timing reveals no accounts.
const decoyHash = hashPassword("decoy password that matches nothing");

/** Who signed in, when the credentials (and the second factor) were right. */
interface Principal {
  operatorId: string;
  userName?: string;
}

/** What failures are counted under: the account as typed, whether or not it exists. */
function accountKeyOf(credentials: Credentials): string {
  if (credentials.form === "root") return `root:${credentials.email}`;
  if (credentials.form === "user") return `user:${credentials.operatorId}/${credentials.userName}`;
  return `authKey:${credentials.authKeyId}`;
}

/** The existing account that refused credentials name (looked up only after a refusal). */
async function namedAccount(deps: SignInDeps, credentials: Credentials): Promise<NamedAccount | undefined> {
  if (credentials.form === "root") {
    const operator = await deps.store.findOperatorByEmail(credentials.email);
    return operator && { operatorId: operator.operatorId };
  }
  if (credentials.form === "user") {
    const operator = await deps.operators.byId(credentials.operatorId);
    return operator && { operatorId: operator.operatorId, userName: credentials.userName };
  }
  const key = await deps.accountStore.findAuthKey(credentials.authKeyId);
  if (!key) return undefined;
  return key.userName === undefined
    ? { operatorId: key.operatorId }
    : { operatorId: key.operatorId, userName: key.userName };
}

/**
 * One sign-in: refused while the account or the client address is throttled (alike whether the
 * account exists), then credentials, then MFA. Every refusal after the throttle is the same one.
 */
export async function signIn(
  deps: SignInDeps,
  request: SignInRequest,
  clientAddress: string,
  now = Date.now(),
): Promise<SignInOutcome> {
  const keys = { account: accountKeyOf(request.credentials), address: clientAddress };
  const verdict = await deps.failures.verdict(keys, now);
  if (!verdict.allowed)
    return {
      ok: false,
      refusal: "throttled",
      retryAfterSeconds: Math.ceil(verdict.retryAfterMs / 1000),
      account: await namedAccount(deps, request.credentials),
    };

  const principal = await checkCredentials(deps, request, now);
  if (!principal) {
    await deps.failures.recordFailure(keys, now);
    return {
      ok: false,
      refusal: "wrong_credentials",
      account: await namedAccount(deps, request.credentials),
    };
  }
  await deps.failures.recordSuccess(keys);
  const token = newToken();
  const apiKey = newApiKey();
  const lifetime = request.tokenTimeoutSeconds ?? defaultTokenLifetimeSeconds;
  await deps.store.saveToken(hashSecret(token), { apiKey, ...principal, expiresAt: now + lifetime * 1000 });
  return { ok: true, answer: { apiKey, token, ...principal } };
}

async function checkCredentials(
  deps: SignInDeps,
  { credentials, mfaOTPCode }: SignInRequest,
  now: number,
): Promise<Principal | undefined> {
  if (credentials.form === "authKey")
    return checkAuthKey(deps, credentials.authKeyId, credentials.authKey, now);
  const principal: Principal | undefined =
    credentials.form === "root"
      ? await checkRootPassword(deps, credentials.email, credentials.password)
      : await checkUserPassword(deps, credentials.operatorId, credentials.userName, credentials.password);
  if (!principal) return undefined;
  const userName = principal.userName ?? rootUserName;
  return (await passesSecondFactor(deps.mfa, principal.operatorId, userName, mfaOTPCode, now))
    ? principal
    : undefined;
}

async function checkRootPassword(
  deps: SignInDeps,
  email: string,
  password: string,
): Promise<Principal | undefined> {
  const operator = await deps.store.findOperatorByEmail(email);
  const valid = await verifyPassword(operator?.passwordHash ?? (await decoyHash), password);
  return operator && valid ? { operatorId: operator.operatorId } : undefined;
}

async function checkUserPassword(
  deps: SignInDeps,
  operatorId: string,
  userName: string,
  password: string,
): Promise<Principal | undefined> {
  // undefined: no such user; null: a user without a password (it signs in with keys only).
  const hash = await deps.accountStore.forOperator(operatorId).passwordHashOf(userName);
  const valid = await verifyPassword(hash ?? (await decoyHash), password);
  return hash && valid ? { operatorId, userName } : undefined;
}

/** Programs sign in with keys: no second factor, as SORACOM's API. */
async function checkAuthKey(
  deps: SignInDeps,
  authKeyId: string,
  authKey: string,
  now: number,
): Promise<Principal | undefined> {
  const key = await deps.accountStore.findAuthKey(authKeyId);
  const given = Buffer.from(hashSecret(authKey));
  const stored = Buffer.from(key?.secretHash ?? hashSecret("no such key"));
  if (!key || given.length !== stored.length || !timingSafeEqual(given, stored)) return undefined;
  await deps.accountStore.touchAuthKey(authKeyId, now);
  return key.userName === undefined
    ? { operatorId: key.operatorId }
    : { operatorId: key.operatorId, userName: key.userName };
}
