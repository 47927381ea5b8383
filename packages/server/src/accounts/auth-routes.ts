import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { Logger } from "pino";
import { z } from "zod";
import { recordSignIn } from "../api/audit-hook.ts";
import { readCredentials } from "../api/authenticate.ts";
import {
  clearSessionCookie,
  partnerSessionCookie,
  readSessionCookie,
  requireStudioHeader,
  sessionCookie,
  setSessionCookie,
  studioHeader,
} from "../api/session-cookie.ts";
import { emailSchema } from "../auth/email-address.ts";
import { newPasswordSchema } from "../auth/password-policy.ts";
import { hashPassword } from "../auth/passwords.ts";
import { hashSecret, maxTokenLifetimeSeconds, newOperatorId, newToken } from "../auth/tokens.ts";
import type { ServerConfig } from "../config/config.ts";
import { UserError } from "../errors.ts";
import type { AccountStore } from "../store/accounts.ts";
import type { AuditLogStore } from "../store/audit-logs.ts";
import type { OperatorDirectory } from "../store/operators.ts";
import type { ProviderStore } from "../store/provider.ts";
import type { Store } from "../store/store.ts";
import { accountMails, sendInBackground } from "./account-mail.ts";
import type { AccountServices } from "./account-services.ts";
import { type Credentials, type SignInAnswer, signIn } from "./sign-in.ts";

export interface AuthRouteDeps {
  store: Store;
  auditLogs: AuditLogStore;
  accountStore: AccountStore;
  config: ServerConfig;
  logger: Logger;
  accounts: AccountServices;
  operatorDirectory: OperatorDirectory;
  provider: ProviderStore;
}

const signUpVerifyMinutes = 24 * 60;

/** What a right sign-in of an account that may not sign in yet answers (403). */
const notOpenMessages = {
  account_pending: "the account awaits the provider's review of its application",
  account_refused: "the provider refused the account's application",
  email_not_verified: "open the link mailed to the account's address to verify it, then sign in",
} as const;

/** All fields of the three forms; credentialsOf tells which one a body is. */
const signInBody = z.object({
  email: emailSchema.optional(),
  operatorId: z.string().min(1).max(64).optional(),
  userName: z.string().min(1).max(100).optional(),
  password: z.string().max(256).optional(),
  authKeyId: z.string().min(1).max(128).optional(),
  authKey: z.string().min(1).max(256).optional(),
  mfaOTPCode: z.string().max(32).optional(),
  tokenTimeoutSeconds: z.number().int().min(180).max(maxTokenLifetimeSeconds).optional(),
});

function credentialsOf(body: z.infer<typeof signInBody>): Credentials {
  const { email, operatorId, userName, password, authKeyId, authKey } = body;
  if (authKeyId !== undefined && authKey !== undefined) return { form: "authKey", authKeyId, authKey };
  if (operatorId !== undefined && userName !== undefined && password !== undefined)
    return { form: "user", operatorId, userName, password };
  if (email !== undefined && password !== undefined) return { form: "root", email, password };
  throw new UserError(
    "bad_request",
    "sign in with {email, password} (root user), {operatorId, userName, password} (a user) or {authKeyId, authKey}",
  );
}

/** Sign-up, sign-in and sign-out. */
export async function authRoutes(
  api: FastifyInstance,
  { store, accountStore, auditLogs, config, logger, accounts, operatorDirectory, provider }: AuthRouteDeps,
): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();

  /** The verify-email flow of added addresses: opening the link also opens the account (email-routes.ts). */
  async function mailSignUpLink(operatorId: string, email: string): Promise<void> {
    await accounts.verifiedEmails.add(operatorId, email);
    const token = newToken();
    await accounts.emailTokens.issue(
      "add_email",
      hashSecret(token),
      { operatorId, email },
      signUpVerifyMinutes * 60_000,
    );
    sendInBackground(
      accounts.mail,
      accountMails(accounts.baseUrl()).verifySignUp(email, token, signUpVerifyMinutes),
      logger,
    );
  }
  await api.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new UserError("rate_limited", `too many attempts from this address; try again in ${context.after}`),
  });
  // Sign-in is limited by failures in the database instead (sign-in-failures.ts): this one would refuse successes.
  const perClientIp = { rateLimit: { max: config.limits.authAttemptsPerMinute, timeWindow: 60_000 } };

  routes.post(
    "/v1/operators",
    {
      config: perClientIp,
      schema: {
        summary:
          "Sign up: create an operator (account) with its root user. The answer is the same whether or not the address has an account; its owner gets a mail instead",
        tags: ["Operator"],
        operationId: "createOperator",
        body: z.object({ email: emailSchema, password: newPasswordSchema }),
      },
    },
    async (request, reply) => {
      const { email } = request.body;
      const { signUpPolicy, emailVerificationRequired } = await provider.settings();
      if (signUpPolicy === "closed")
        throw new UserError("sign_up_closed", "sign-up is closed: ask the provider to create your account");
      // One account per address [3.5]: a refused application stays until the provider deletes it.
      const existing = await operatorDirectory.findByEmail(email);
      if (existing?.status === "refused")
        throw new UserError(
          "conflict",
          `an application for ${email} was refused; it can apply again only after the provider deletes that application`,
        );
      const passwordHash = await hashPassword(request.body.password);
      const mustVerify = signUpPolicy === "open" && emailVerificationRequired;
      const mails = accountMails(accounts.baseUrl());
      for (let attempt = 0; attempt < 5; attempt++) {
        const operatorId = newOperatorId();
        const outcome = await operatorDirectory.create({
          operatorId,
          email,
          passwordHash,
          createdAt: Date.now(),
          status: signUpPolicy === "review" ? "pending" : "active",
          emailVerificationPending: mustVerify,
        });
        if (outcome === "id_taken") continue;
        if (outcome === "created" && mustVerify) await mailSignUpLink(operatorId, email);
        // Signing up again before verifying mails a fresh link (the first may have expired).
        else if (outcome === "email_taken" && existing?.emailVerificationPending)
          await mailSignUpLink(existing.operatorId, email);
        else if (outcome === "email_taken") sendInBackground(accounts.mail, mails.signUpAgain(email), logger);
        return reply.status(201).send({ email });
      }
      throw new Error("no free operator id after 5 tries");
    },
  );

  /** One sign-in of either route: the answer, or the refusal thrown as an error. */
  async function signInOrRefuse(
    request: FastifyRequest,
    body: z.infer<typeof signInBody>,
    reply: FastifyReply,
  ): Promise<SignInAnswer> {
    const { mfaOTPCode, tokenTimeoutSeconds } = body;
    const outcome = await signIn(
      {
        store,
        accountStore,
        operators: accounts.operators,
        failures: accounts.failures,
        mfa: accounts.mfa,
      },
      {
        credentials: credentialsOf(body),
        ...(mfaOTPCode === undefined ? {} : { mfaOTPCode }),
        ...(tokenTimeoutSeconds === undefined ? {} : { tokenTimeoutSeconds }),
      },
      request.ip,
    );
    // Every sign-in goes to the audit log of the account it was for, when there is one.
    const account = outcome.ok ? outcome.answer : outcome.account;
    const statusCode = outcome.ok
      ? 200
      : outcome.refusal === "throttled"
        ? 429
        : outcome.refusal === "wrong_credentials"
          ? 401
          : 403;
    if (account)
      await recordSignIn(auditLogs, request, {
        operatorId: account.operatorId,
        ...(account.userName === undefined ? {} : { userName: account.userName }),
        statusCode,
      });
    if (outcome.ok) return outcome.answer;
    if (outcome.refusal === "throttled") {
      reply.header("retry-after", String(outcome.retryAfterSeconds));
      throw new UserError(
        "rate_limited",
        `too many failed sign-ins for this account or from this address; try again in ${outcome.retryAfterSeconds} seconds`,
      );
    }
    if (outcome.refusal !== "wrong_credentials")
      throw new UserError(outcome.refusal, notOpenMessages[outcome.refusal]);
    throw new UserError("unauthorized", "wrong sign-in details: the account, password, key or MFA code");
  }

  routes.post(
    "/v1/auth",
    {
      schema: {
        summary:
          "Sign in: returns an API key and token for the X-Conflux-API-Key / X-Conflux-Token headers. Failures slow down, then lock, further sign-ins of the account and from the address",
        tags: ["Auth"],
        operationId: "auth",
        security: [],
        body: signInBody,
      },
    },
    async (request, reply) => signInOrRefuse(request, request.body, reply),
  );

  routes.post(
    "/v1/auth/session",
    {
      schema: {
        summary: `The studio's sign-in: as POST /v1/auth, but the token goes into an HttpOnly, SameSite=Strict cookie that every tab shares and no script reads; calls it authenticates must send ${studioHeader}: 1 unless they are GET`,
        tags: ["Auth"],
        operationId: "createSession",
        security: [],
        body: signInBody,
        response: { 200: z.object({ operatorId: z.string(), userName: z.string().optional() }) },
      },
    },
    async (request, reply) => {
      requireStudioHeader(request);
      if (request.body.authKeyId !== undefined)
        throw new UserError(
          "bad_request",
          "auth keys are for programs (POST /v1/auth), not the studio's session",
        );
      const answer = await signInOrRefuse(request, request.body, reply);
      const found = await store.findToken(hashSecret(answer.token));
      setSessionCookie(request, reply, answer.token, found?.expiresAt ?? Date.now());
      // A cookie of a switched session from before is dropped: this sign-in is the browser's session now.
      clearSessionCookie(request, reply, partnerSessionCookie);
      return {
        operatorId: answer.operatorId,
        ...(answer.userName === undefined ? {} : { userName: answer.userName }),
      };
    },
  );

  routes.post(
    "/v1/auth/logout",
    {
      schema: {
        summary:
          "Sign out: the token stops working at once. For the studio's cookie session it also clears the cookie (and ends a partner's session it switched from)",
        tags: ["Auth"],
        operationId: "logout",
      },
    },
    async (request, reply) => {
      const credentials = readCredentials(request);
      if (credentials) await store.deleteToken(hashSecret(credentials.token), credentials.apiKey);
      else if (readSessionCookie(request)) {
        requireStudioHeader(request);
        // A partner acting as a customer ends both sessions: logging out leaves nothing signed in.
        for (const name of [sessionCookie, partnerSessionCookie]) {
          const token = readSessionCookie(request, name);
          const found = token && (await store.findToken(hashSecret(token)));
          if (token && found) await store.deleteToken(hashSecret(token), found.apiKey);
          clearSessionCookie(request, reply, name);
        }
      }
      return reply.status(204).send();
    },
  );
}
