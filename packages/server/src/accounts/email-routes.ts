import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { Logger } from "pino";
import { z } from "zod";
import { operatorOf } from "../api/authenticate.ts";
import { emailSchema } from "../auth/email-address.ts";
import { hashSecret, newToken } from "../auth/tokens.ts";
import { UserError } from "../errors.ts";
import type { OperatorDirectory } from "../store/operators.ts";
import { accountMails, sendInBackground } from "./account-mail.ts";
import type { AccountServices } from "./account-services.ts";

const verifyValidMinutes = 24 * 60;
/** Verification mails one operator may send per 15 minutes: adding addresses is no way to send mail to strangers. */
const verifyMailsPerWindow = 10;
const operatorParams = z.object({ operatorId: z.string().min(1).max(64) });

/** The operator's verified addresses, the only recipients the `email` action accepts. */
export async function emailRoutes(
  api: FastifyInstance,
  { logger, accounts }: { logger: Logger; accounts: AccountServices },
): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  const { verifiedEmails } = accounts;

  routes.post(
    "/v1/operators/:operatorId/emails",
    {
      schema: {
        summary: "Add an address for the email action: a link to verify it is mailed to it",
        tags: ["Email"],
        operationId: "issueAddEmailToken",
        params: operatorParams,
        body: z.object({ email: emailSchema }),
      },
    },
    async (request, reply) => {
      const { operatorId } = operatorOf(request);
      const { email } = request.body;
      const added = await verifiedEmails.add(operatorId, email);
      if (added.verified) return reply.status(200).send(added);
      if ((await accounts.failures.countRequest(`add_email:${operatorId}`)) > verifyMailsPerWindow)
        throw new UserError(
          "rate_limited",
          "too many verification mails from this account; try again in 15 minutes",
        );
      const token = newToken();
      await accounts.emailTokens.issue(
        "add_email",
        hashSecret(token),
        { operatorId, email },
        verifyValidMinutes * 60_000,
      );
      sendInBackground(
        accounts.mail,
        accountMails(accounts.baseUrl()).verifyAddress(email, token, verifyValidMinutes),
        logger,
      );
      return reply.status(201).send(added);
    },
  );

  routes.get(
    "/v1/operators/:operatorId/emails",
    {
      schema: {
        summary: "List the added addresses",
        tags: ["Email"],
        operationId: "listEmails",
        params: operatorParams,
      },
    },
    async (request) => verifiedEmails.list(operatorOf(request).operatorId),
  );

  routes.delete(
    "/v1/operators/:operatorId/emails/:emailId",
    {
      schema: {
        summary: "Remove an address; apps that mail it are refused on their next save",
        tags: ["Email"],
        operationId: "deleteEmail",
        params: operatorParams.extend({ emailId: z.string().min(1).max(64) }),
      },
    },
    async (request, reply) => {
      const { operatorId } = operatorOf(request);
      if (!(await verifiedEmails.remove(operatorId, request.params.emailId)))
        throw new UserError("not_found", `no address ${request.params.emailId}`);
      return reply.status(204).send();
    },
  );
}

/** The link in the mail: whoever reads the mailbox confirms it, signed in or not (it may be a colleague's). */
export async function emailVerifyRoute(
  api: FastifyInstance,
  { accounts, operatorDirectory }: { accounts: AccountServices; operatorDirectory: OperatorDirectory },
): Promise<void> {
  api.withTypeProvider<ZodTypeProvider>().post(
    "/v1/operators/add_email_token/verify",
    {
      schema: {
        summary: "Verify an added address with the token mailed to it",
        tags: ["Email"],
        operationId: "verifyAddEmailToken",
        security: [],
        body: z.object({ token: z.string().min(1).max(128) }),
      },
    },
    async (request) => {
      const owner = await accounts.emailTokens.take("add_email", hashSecret(request.body.token));
      if (!owner || !(await accounts.verifiedEmails.markVerified(owner.operatorId, owner.email)))
        throw new UserError(
          "bad_request",
          "the verification token is unknown, used or expired; add the address again",
        );
      // The root's own address opens an account that signed up while verification was required.
      await operatorDirectory.markEmailVerified(owner.operatorId, owner.email);
      return { email: owner.email, verified: true };
    },
  );
}
