import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { Logger } from "pino";
import { z } from "zod";
import { emailSchema } from "../auth/email-address.ts";
import { newPasswordSchema } from "../auth/password-policy.ts";
import { hashPassword } from "../auth/passwords.ts";
import { hashSecret, newToken } from "../auth/tokens.ts";
import type { ServerConfig } from "../config/config.ts";
import { UserError } from "../errors.ts";
import type { Store } from "../store/store.ts";
import { accountMails, sendInBackground } from "./account-mail.ts";
import type { AccountServices } from "./account-services.ts";

const resetValidMinutes = 60;
/** Reset mails one address may be sent per 15 minutes, counted alike for addresses with and without an account. */
const resetMailsPerWindow = 3;

/** Password reset of the root user by a mailed token. */
export async function passwordResetRoutes(
  api: FastifyInstance,
  {
    store,
    config,
    logger,
    accounts,
  }: { store: Store; config: ServerConfig; logger: Logger; accounts: AccountServices },
): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  const perClientIp = { rateLimit: { max: config.limits.authAttemptsPerMinute, timeWindow: 60_000 } };

  routes.post(
    "/v1/auth/password_reset_token/issue",
    {
      config: perClientIp,
      schema: {
        summary:
          "Mail a password reset link to the root user of the account with this address (answers alike for any address)",
        tags: ["Auth"],
        operationId: "issuePasswordResetToken",
        security: [],
        body: z.object({ email: emailSchema }),
      },
    },
    async (request, reply) => {
      const { email } = request.body;
      if ((await accounts.failures.countRequest(`password_reset:${email}`)) > resetMailsPerWindow)
        throw new UserError("rate_limited", "too many reset mails for this address; try again in 15 minutes");
      const operator = await store.findOperatorByEmail(email);
      if (operator) {
        const token = newToken();
        await accounts.emailTokens.issue(
          "password_reset",
          hashSecret(token),
          { operatorId: operator.operatorId, email },
          resetValidMinutes * 60_000,
        );
        sendInBackground(
          accounts.mail,
          accountMails(accounts.baseUrl()).passwordReset(email, token, resetValidMinutes),
          logger,
        );
      }
      return reply.status(200).send();
    },
  );

  routes.post(
    "/v1/auth/password_reset_token/verify",
    {
      config: perClientIp,
      schema: {
        summary: "Set a new password with a mailed reset token; every token of the root user ends",
        tags: ["Auth"],
        operationId: "verifyPasswordResetToken",
        security: [],
        body: z.object({ token: z.string().min(1).max(128), password: newPasswordSchema }),
      },
    },
    async (request, reply) => {
      const passwordHash = await hashPassword(request.body.password);
      const owner = await accounts.emailTokens.take("password_reset", hashSecret(request.body.token));
      if (!owner)
        throw new UserError("bad_request", "the reset token is unknown, used or expired; ask for a new one");
      await accounts.operators.setPasswordHash(owner.operatorId, passwordHash);
      await store.deleteTokensOf(owner.operatorId);
      await accounts.emailTokens.removeAll("password_reset", owner.operatorId);
      // The owner proved the mailbox: earlier failed guesses no longer hold the account back.
      await accounts.failures.recordSuccess({ account: owner.email, address: request.ip });
      return reply.status(200).send();
    },
  );
}
