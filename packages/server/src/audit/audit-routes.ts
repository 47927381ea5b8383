import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { operatorOf } from "../api/authenticate.ts";
import type { AuditLogStore, AuditPageKey } from "../store/audit-logs.ts";

export interface AuditRouteDeps {
  auditLogs: AuditLogStore;
}

const epochMs = z.coerce.number().int().min(0).max(8_640_000_000_000_000);

/**
 * The key of the next page: the last row's requestedTimeEpochMs (what SORACOM's clients send), or
 * the `<ms>_<id>` our next-key header carries, which also continues within one millisecond.
 */
const pageKey = z
  .string()
  .regex(
    /^\d{1,16}(_[0-9A-HJKMNP-TV-Z]{26})?$/,
    "expected the requestedTimeEpochMs of the previous page's last row",
  )
  .transform((key): AuditPageKey => {
    const [time, auditId] = key.split("_");
    return auditId === undefined
      ? { requestedTimeEpochMs: Number(time) }
      : { requestedTimeEpochMs: Number(time), auditId };
  });

const auditQuery = z
  .object({
    api_kind: z.string().min(1).max(2_048).optional(),
    from_epoch_ms: epochMs.optional(),
    to_epoch_ms: epochMs.optional(),
    limit: z.coerce.number().int().min(1).max(1_000).default(100),
    last_evaluated_key: pageKey.optional(),
  })
  .refine(
    (query) =>
      query.from_epoch_ms === undefined ||
      query.to_epoch_ms === undefined ||
      query.from_epoch_ms <= query.to_epoch_ms,
    {
      message: "from_epoch_ms is after to_epoch_ms",
      path: ["from_epoch_ms"],
    },
  );

const auditEntry = z.object({
  apiKind: z.string(),
  apiName: z.string().optional(),
  requestPath: z.string(),
  operatorId: z.string(),
  userName: z.string().optional(),
  remoteIpAddress: z.string(),
  requestedTimeEpochMs: z.number(),
  statusCode: z.number(),
  /** The partner operator (and its user) that really called through a switched token. */
  actor: z.object({ operatorId: z.string(), userName: z.string().optional() }).optional(),
});

/** GET /v1/audit_logs/api as SORACOM's API has it: the operator's audited calls and sign-ins, newest first. */
export async function auditRoutes(api: FastifyInstance, { auditLogs }: AuditRouteDeps): Promise<void> {
  api.withTypeProvider<ZodTypeProvider>().get(
    "/v1/audit_logs/api",
    {
      schema: {
        summary: "Audited API calls and sign-ins of the last 90 days, newest first",
        tags: ["AuditLog"],
        operationId: "getApiAuditLogs",
        querystring: auditQuery,
        response: { 200: z.array(auditEntry) },
      },
    },
    async (request, reply) => {
      const query = request.query;
      const page = await auditLogs.list(operatorOf(request).operatorId, {
        ...(query.api_kind === undefined ? {} : { apiKind: query.api_kind }),
        ...(query.from_epoch_ms === undefined ? {} : { fromEpochMs: query.from_epoch_ms }),
        ...(query.to_epoch_ms === undefined ? {} : { toEpochMs: query.to_epoch_ms }),
        ...(query.last_evaluated_key === undefined ? {} : { after: query.last_evaluated_key }),
        limit: query.limit,
      });
      if (page.next !== undefined) {
        const key = `${page.next.requestedTimeEpochMs}_${page.next.auditId}`;
        // SORACOM's clients follow x-soracom-next-key; ours read the same value under our prefix.
        reply.header("X-Soracom-Next-Key", key);
        reply.header("X-Conflux-Next-Key", key);
      }
      return page.entries;
    },
  );
}
