import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { recordSignIn } from "../api/audit-hook.ts";
import { hashSecret, newApiKey, newToken } from "../auth/tokens.ts";
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
        response: { 200: z.object({ apiKey: z.string(), token: z.string(), operatorId: z.string() }) },
      },
    },
    async (request) => {
      const partner = await partnerPrincipalOf(request, partners);
      const customer = await customerOf(partners, partner.operatorId, request.body.operatorId);
      const actor = {
        operatorId: partner.operatorId,
        ...(partner.userName === undefined ? {} : { userName: partner.userName }),
      };
      const lifetime = request.body.tokenTimeoutSeconds ?? defaultSwitchedSeconds;
      const token = newToken();
      const apiKey = newApiKey();
      await store.saveToken(hashSecret(token), {
        apiKey,
        operatorId: customer.operatorId,
        expiresAt: Math.min(Date.now() + lifetime * 1000, partner.expiresAt),
        actor,
      });
      await recordSignIn(auditLogs, request, { operatorId: customer.operatorId, statusCode: 200, actor });
      return { apiKey, token, operatorId: customer.operatorId };
    },
  );
}
