import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf, readCredentials } from "../api/authenticate.ts";
import { PermissionChecker } from "../api/authorize.ts";
import {
  defaultTokenLifetimeSeconds,
  hashSecret,
  maxTokenLifetimeSeconds,
  newToken,
} from "../auth/tokens.ts";
import { UserError } from "../errors.ts";
import type { AccountStore } from "../store/accounts.ts";
import type { Store } from "../store/store.ts";
import { operatorParams, optionalBody } from "./account-schemas.ts";

/** Tokens of a signed-in session: a fresh one, ending the root user's, and what the caller may call. */
export async function tokenRoutes(
  api: FastifyInstance,
  { store, accountStore }: { store: Store; accountStore: AccountStore },
): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  const checker = new PermissionChecker(accountStore);

  routes.delete(
    "/v1/operators/:operatorId/tokens",
    {
      schema: {
        summary: "End every token of the root user",
        tags: ["Operator"],
        operationId: "revokeOperatorAuthTokens",
        params: operatorParams,
      },
    },
    async (request, reply) => {
      await store.deleteTokensOf(request.params.operatorId);
      return reply.status(204).send();
    },
  );

  routes.post(
    "/v1/operators/:operatorId/token",
    {
      // Every caller may extend its own session; the new token has the caller's identity and key.
      config: { authorization: "anyCaller" },
      schema: {
        summary: "A fresh token for the calling session (the old one stays valid until it expires)",
        tags: ["Auth"],
        operationId: "generateAuthToken",
        params: operatorParams,
        body: optionalBody({
          tokenTimeoutSeconds: z.number().int().min(180).max(maxTokenLifetimeSeconds).optional(),
        }),
      },
    },
    async (request) => {
      const principal = principalOf(request);
      // A token in an answer body is what the studio's HttpOnly cookie keeps away from scripts.
      if (principal.via === "cookie")
        throw new UserError(
          "forbidden",
          "the studio's session cookie cannot hand out tokens; sign in again instead",
        );
      const credentials = readCredentials(request);
      if (!credentials) throw new UserError("unauthorized", "not authenticated");
      const token = newToken();
      const lifetime = request.body.tokenTimeoutSeconds ?? defaultTokenLifetimeSeconds;
      const expiresAt = Date.now() + lifetime * 1000;
      // A partner's switched session stays one: same actor, and it ends no later than the switch.
      await store.saveToken(hashSecret(token), {
        apiKey: credentials.apiKey,
        operatorId: principal.operatorId,
        ...(principal.userName === undefined ? {} : { userName: principal.userName }),
        ...(principal.actor === undefined
          ? { expiresAt }
          : { expiresAt: Math.min(expiresAt, principal.expiresAt), actor: principal.actor }),
      });
      return { token };
    },
  );

  routes.post(
    "/v1/auth/permissions/check",
    {
      // Asking is harmless: it tells a caller only about its own permissions.
      config: { authorization: "anyCaller" },
      schema: {
        summary:
          "Which of these API names the caller may call (conditions on path variables count as not matching)",
        tags: ["Auth"],
        operationId: "checkPermissions",
        body: z.object({ apiNames: z.array(z.string().min(1).max(200)).max(1_000) }),
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const permissions =
        principal.userName === undefined
          ? []
          : await checker.permissionsOf({ ...principal, userName: principal.userName });
      const call = { ipAddress: request.ip, pathVariables: {}, now: new Date() };
      return {
        allowed: request.body.apiNames.filter((name) => checker.allows(principal, permissions, name, call)),
      };
    },
  );
}
