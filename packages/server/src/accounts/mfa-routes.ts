import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { operatorOf } from "../api/authenticate.ts";
import { verifyPassword } from "../auth/passwords.ts";
import { matchingStep, newTotpSecret, totpUri } from "../auth/totp.ts";
import { UserError } from "../errors.ts";
import type { AccountStore } from "../store/accounts.ts";
import type { AccountServices } from "./account-services.ts";
import { rootUserName } from "./mfa-store.ts";
import { rootOnly } from "./root-only-settings.ts";
import { hashBackupCode, newBackupCode } from "./second-factor.ts";

const issuer = "Conflux";
const backupCodeCount = 5;
const operatorParams = z.object({ operatorId: z.string().min(1).max(64) });
const codeBody = z.object({ mfaOTPCode: z.string().regex(/^\d{6}$/, "an MFA code is 6 digits") });

/** MFA of the root user (TOTP, RFC 6238) under /v1/operators/{operatorId}/mfa, as accounts.md has it. */
export async function mfaRoutes(
  api: FastifyInstance,
  { accounts }: { accounts: AccountServices },
): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  const { mfa, operators, failures } = accounts;

  routes.post(
    "/v1/operators/:operatorId/mfa",
    {
      schema: {
        summary: "Start turning MFA on: answers the otpauth:// URI of a new secret for an authenticator app",
        tags: ["Operator"],
        operationId: "enableMFA",
        params: operatorParams,
      },
    },
    async (request) => {
      const { operatorId } = rootOnly(request);
      const operator = await operators.byId(operatorId);
      if (!operator) throw new UserError("not_found", `no operator ${operatorId}`);
      const secret = newTotpSecret();
      if (!(await mfa.begin(operatorId, rootUserName, secret)))
        throw new UserError("conflict", "MFA is on already; turn it off first (DELETE …/mfa)");
      return { totpUri: totpUri(secret, issuer, operator.email) };
    },
  );

  routes.post(
    "/v1/operators/:operatorId/mfa/verify",
    {
      schema: {
        summary: "Turn MFA on with a code from the authenticator; answers 5 one-time backup codes",
        tags: ["Operator"],
        operationId: "verifyMFA",
        params: operatorParams,
        body: codeBody,
      },
    },
    async (request) => {
      const { operatorId } = rootOnly(request);
      const step = await confirmingStep(accounts, operatorId, rootUserName, request.body.mfaOTPCode);
      const backupCodes = Array.from({ length: backupCodeCount }, newBackupCode);
      await mfa.activate(operatorId, rootUserName, step, backupCodes.map(hashBackupCode));
      return { backupCodes };
    },
  );

  routes.get(
    "/v1/operators/:operatorId/mfa",
    {
      schema: {
        summary: "Whether MFA is on",
        tags: ["Operator"],
        operationId: "getMFAStatus",
        params: operatorParams,
      },
    },
    async (request) => {
      const { operatorId } = rootOnly(request);
      return { status: await statusOf(accounts, operatorId, rootUserName) };
    },
  );

  routes.delete(
    "/v1/operators/:operatorId/mfa",
    {
      schema: {
        summary: "Turn MFA off (needs the root user's password)",
        tags: ["Operator"],
        operationId: "revokeMFA",
        params: operatorParams,
        body: z.object({ password: z.string().max(256) }),
      },
    },
    async (request, reply) => {
      const { operatorId } = rootOnly(request);
      const operator = await operators.byId(operatorId);
      if (!operator) throw new UserError("not_found", `no operator ${operatorId}`);
      // Guessing the password here counts as failed sign-ins, so a stolen token does not give unlimited tries.
      const keys = { account: operator.email, address: request.ip };
      const verdict = await failures.verdict(keys);
      if (!verdict.allowed) {
        const seconds = Math.ceil(verdict.retryAfterMs / 1000);
        reply.header("retry-after", String(seconds));
        throw new UserError("rate_limited", `too many wrong passwords; try again in ${seconds} seconds`);
      }
      if (!(await verifyPassword(operator.passwordHash, request.body.password))) {
        await failures.recordFailure(keys);
        throw new UserError("forbidden", "the password is wrong; MFA stays on");
      }
      await mfa.remove(operatorId, rootUserName);
      return reply.status(204).send();
    },
  );
}

/**
 * A user's MFA under …/users/{userName}/mfa: the same as root's, except that verify answers 204
 * without backup codes and DELETE needs no body (as SORACOM's API). A user sets up its own; turning
 * it off is for root or a user allowed User:revokeUserMFA, so a stolen token cannot.
 */
export async function userMfaRoutes(
  api: FastifyInstance,
  { accounts, accountStore }: { accounts: AccountServices; accountStore: AccountStore },
): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  const userParams = operatorParams.extend({ userName: z.string().min(1).max(100) });
  const base = "/v1/operators/:operatorId/users/:userName/mfa";

  async function existingUser(request: FastifyRequest, params: { operatorId: string; userName: string }) {
    const { operatorId } = operatorOf(request);
    if (!(await accountStore.forOperator(operatorId).getUser(params.userName)))
      throw new UserError("not_found", `no user ${params.userName}`);
    return { operatorId, userName: params.userName };
  }

  routes.post(
    base,
    {
      config: { authorization: "self" },
      schema: {
        summary: "Start turning a user's MFA on: answers the otpauth:// URI of a new secret",
        tags: ["User"],
        operationId: "enableUserMFA",
        params: userParams,
      },
    },
    async (request) => {
      const { operatorId, userName } = await existingUser(request, request.params);
      const secret = newTotpSecret();
      if (!(await accounts.mfa.begin(operatorId, userName, secret)))
        throw new UserError("conflict", "MFA is on already; turn it off first (DELETE …/mfa)");
      return { totpUri: totpUri(secret, issuer, `${userName}@${operatorId}`) };
    },
  );

  routes.post(
    `${base}/verify`,
    {
      config: { authorization: "self" },
      schema: {
        summary: "Turn a user's MFA on with a code from the authenticator",
        tags: ["User"],
        operationId: "verifyUserMFA",
        params: userParams,
        body: codeBody,
      },
    },
    async (request, reply) => {
      const { operatorId, userName } = await existingUser(request, request.params);
      const step = await confirmingStep(accounts, operatorId, userName, request.body.mfaOTPCode);
      await accounts.mfa.activate(operatorId, userName, step);
      return reply.status(204).send();
    },
  );

  routes.get(
    base,
    {
      config: { authorization: "self" },
      schema: {
        summary: "Whether a user's MFA is on",
        tags: ["User"],
        operationId: "getUserMFAStatus",
        params: userParams,
      },
    },
    async (request) => {
      const { operatorId, userName } = await existingUser(request, request.params);
      return { status: await statusOf(accounts, operatorId, userName) };
    },
  );

  routes.delete(
    base,
    {
      schema: {
        summary: "Turn a user's MFA off",
        tags: ["User"],
        operationId: "revokeUserMFA",
        params: userParams,
      },
    },
    async (request, reply) => {
      const { operatorId, userName } = await existingUser(request, request.params);
      await accounts.mfa.remove(operatorId, userName);
      return reply.status(204).send();
    },
  );
}

export async function statusOf(accounts: AccountServices, operatorId: string, userName: string) {
  const state = await accounts.mfa.state(operatorId, userName);
  return state?.status === "ACTIVE" ? "ACTIVE" : "INACTIVE";
}

/** The time step of a code that confirms a pending secret; a wrong code or no pending secret is refused. */
export async function confirmingStep(
  accounts: AccountServices,
  operatorId: string,
  userName: string,
  code: string,
): Promise<number> {
  const state = await accounts.mfa.state(operatorId, userName);
  if (!state)
    throw new UserError("bad_request", "start with POST …/mfa, then send a code from the authenticator");
  if (state.status === "ACTIVE") throw new UserError("conflict", "MFA is on already");
  const step = matchingStep(state.secret, code);
  if (step === undefined)
    throw new UserError(
      "bad_request",
      "the MFA code does not match the new secret; check the device's clock and try the next code",
    );
  return step;
}
