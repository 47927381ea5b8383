import type { FastifyInstance, FastifyRequest } from "fastify";
import { UserError } from "../errors.ts";
import type { ApiRateLimiter } from "../store/api-rate-windows.ts";
import { callerOf } from "./caller.ts";

/**
 * Ingest is not an API group (accounts.md): messages to api sources and incoming webhooks are
 * governed by bandwidth control, not by the per-minute limit of the API.
 */
const INGEST_GROUPS: ReadonlySet<string> = new Set(["Message", "IncomingWebhook"]);

/** The route's API group: the first tag of its schema, as in its API name `<Group>:<operationId>`. */
function apiGroupOf(request: FastifyRequest): string | undefined {
  return request.routeOptions.schema?.tags?.[0];
}

/**
 * Counts each authenticated call against its operator's limit for the route's API group (one
 * database upsert, shared by every instance) and says where the count stands in
 * X-Conflux-RateLimit-Limit, -Remaining and -Reset (Unix seconds when the window ends) on every
 * answer; over the limit it answers 429 with Retry-After. Registered right after authentication.
 */
export function limitApiCalls(api: FastifyInstance, limiter: ApiRateLimiter): void {
  api.addHook("onRequest", async (request, reply) => {
    const caller = callerOf(request);
    const group = apiGroupOf(request);
    if (caller === undefined || group === undefined || INGEST_GROUPS.has(group)) return;
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
