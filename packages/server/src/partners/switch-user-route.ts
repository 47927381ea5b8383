import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { recordSignIn } from "../api/audit-hook.ts";
import {
  clearSessionCookie,
  partnerSessionCookie,
  readSessionCookie,
  requireStudioHeader,
  sessionCookie,
  setSessionCookie,
} from "../api/session-cookie.ts";
import { hashSecret, newApiKey, newToken } from "../auth/tokens.ts";
import { UserError } from "../errors.ts";
import type { AuditLogStore } from "../store/audit-logs.ts";
import type { PartnerStore } from "../store/partners.ts";
import type { Store } from "../store/store.ts";
import { customerOf, partnerPrincipalOf } from "./partner-access.ts";

export interface SwitchUserDeps {
  store: Store;
  partners: PartnerStore;
  auditLogs: AuditLogStore;
}

/** A switched session is short: it is a partner acting as someone else's root user. */
const maxSwitchedSeconds = 3_600;
const defaultSwitchedSeconds = 900;

/**
 * POST /v1/auth/switch_user: a partner's session becomes a short one of a customer's root user.
 * The token records the partner as its actor, so the customer's audit log shows who really acted;
 * it cannot switch again nor make credentials that outlive it (api/switched-sessions.ts).
 */
export async function switchUserRoute(
  api: FastifyInstance,
  { store, partners, auditLogs }: SwitchUserDeps,
): Promise<void> {
  api.withTypeProvider<ZodTypeProvider>().post(
    "/v1/auth/switch_user",
    {
      schema: {
        summary: `A token acting as a customer's root user for the calling partner (at most ${maxSwitchedSeconds} s, and no longer than the caller's own)`,
        tags: ["Auth"],
        operationId: "switchUser",
        body: z.object({
          operatorId: z.string().min(1).max(64),
          tokenTimeoutSeconds: z.number().int().min(60).max(maxSwitchedSeconds).optional(),
        }),
        // The studio's cookie session gets no token: the switched one goes into the cookie instead.
        response: {
          200: z.object({
            apiKey: z.string().optional(),
            token: z.string().optional(),
            operatorId: z.string(),
          }),
        },
      },
    },
    async (request, reply) => {
      const partner = await partnerPrincipalOf(request, partners);
      const customer = await customerOf(partners, partner.operatorId, request.body.operatorId);
      const actor = {
        operatorId: partner.operatorId,
        ...(partner.userName === undefined ? {} : { userName: partner.userName }),
      };
      const lifetime = request.body.tokenTimeoutSeconds ?? defaultSwitchedSeconds;
      const token = newToken();
      const apiKey = newApiKey();
      const expiresAt = Math.min(Date.now() + lifetime * 1000, partner.expiresAt);
      await store.saveToken(hashSecret(token), { apiKey, operatorId: customer.operatorId, expiresAt, actor });
      await recordSignIn(auditLogs, request, { operatorId: customer.operatorId, statusCode: 200, actor });
      const partnerToken = partner.via === "cookie" ? readSessionCookie(request) : undefined;
      if (partnerToken === undefined) return { apiKey, token, operatorId: customer.operatorId };
      // The partner's own session waits in a second cookie until POST /v1/auth/switch_back.
      setSessionCookie(request, reply, partnerToken, partner.expiresAt, partnerSessionCookie);
      setSessionCookie(request, reply, token, expiresAt);
      return { operatorId: customer.operatorId };
    },
  );
}

/**
 * POST /v1/auth/switch_back, for the studio's cookie session: ends the switched session and resumes
 * the partner's own. Open, because the switched token may have expired by then; the partner's cookie
 * is what proves the caller.
 */
export async function switchBackRoute(
  api: FastifyInstance,
  { store }: Pick<SwitchUserDeps, "store">,
): Promise<void> {
  api.post(
    "/v1/auth/switch_back",
    {
      schema: {
        summary:
          "The studio's way back from a customer: ends the switched session and resumes the partner's own",
        tags: ["Auth"],
        operationId: "switchBack",
      },
    },
    async (request, reply) => {
      requireStudioHeader(request);
      const switched = readSessionCookie(request);
      const found = switched === undefined ? undefined : await store.findToken(hashSecret(switched));
      if (switched && found?.actor) await store.deleteToken(hashSecret(switched), found.apiKey);
      const partnerToken = readSessionCookie(request, partnerSessionCookie);
      const partner =
        partnerToken === undefined ? undefined : await store.findToken(hashSecret(partnerToken));
      clearSessionCookie(request, reply, partnerSessionCookie);
      if (!partnerToken || !partner || partner.expiresAt <= Date.now()) {
        clearSessionCookie(request, reply, sessionCookie);
        throw new UserError("unauthorized", "the partner's own session ended too; log in again");
      }
      setSessionCookie(request, reply, partnerToken, partner.expiresAt);
      return reply.status(204).send();
    },
  );
}
