import type { FastifyInstance, FastifyRequest } from "fastify";
import { UserError } from "../errors.ts";
import type { ApiRateLimiter } from "../store/api-rate-windows.ts";
import { apiNameOf } from "./api-name.ts";

/**
 * Ingest is not an API group (accounts.md): messages to api sources are governed by bandwidth
 * control, not by the per-minute limit of the API. (Incoming webhooks and device data are open
 * routes, which this hook never sees.)
 */
const INGEST_GROUPS: ReadonlySet<string> = new Set(["Message"]);

/** The route's API group: `<Group>` of its API name `<Group>:<operationId>`. */
function apiGroupOf(request: FastifyRequest): string | undefined {
  return apiNameOf(request)?.split(":", 1)[0];
}

/**
 * Counts each authenticated call against its operator's limit for the route's API group (one
 * database upsert, shared by every instance) and says where the count stands in
 * X-Conflux-RateLimit-Limit, -Remaining and -Reset (Unix seconds when the window ends) on every
 * answer; over the limit it answers 429 with Retry-After. Registered right after authentication.
 */
export function limitApiCalls(api: FastifyInstance, limiter: ApiRateLimiter): void {
  api.addHook("onRequest", async (request, reply) => {
    const caller = request.principal;
    const group = apiGroupOf(request);
    if (caller === null || group === undefined || INGEST_GROUPS.has(group)) return;
    const now = Date.now();
    const decision = await limiter.take(caller.operatorId, group, now);
    reply.header("X-Conflux-RateLimit-Limit", decision.limit);
    reply.header("X-Conflux-RateLimit-Remaining", decision.remaining);
    reply.header("X-Conflux-RateLimit-Reset", Math.ceil(decision.resetAtMs / 1_000));
    if (decision.allowed) return;
    const waitSeconds = Math.max(1, Math.ceil((decision.resetAtMs - now) / 1_000));
    reply.header("Retry-After", waitSeconds);
    throw new UserError(
      "rate_limited",
      `too many ${group} calls: the limit is ${decision.limit} a minute; try again in ${waitSeconds} s`,
    );
  });
}
