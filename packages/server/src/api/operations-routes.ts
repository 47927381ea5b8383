import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { Bus } from "../bus/bus.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { Store } from "../store/store.ts";

export interface OperationsDeps {
  store: Pick<Store, "ping">;
  bus: Pick<Bus, "ping">;
  metrics: Metrics;
  /** The bearer token `/metrics` requires; undefined: `/metrics` is off. */
  metricsToken: string | undefined;
}

/** How long a readiness check waits for the store or the bus before calling it not ready. */
const readyTimeoutMs = 2_000;

function answersInTime(check: () => Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), readyTimeoutMs);
  });
  return Promise.race([
    check().then(
      () => true,
      () => false,
    ),
    late,
  ]).finally(() => clearTimeout(timer));
}

/** Compared as digests: equal length whatever was sent, and no early exit to time. */
function sameToken(sent: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(sent), digest(expected));
}

/** `/readyz` for load balancers and orchestrators, `/metrics` for Prometheus (behind its token). */
export async function operationsRoutes(api: FastifyInstance, deps: OperationsDeps): Promise<void> {
  api.get("/readyz", { schema: { hide: true } }, async (_request, reply) => {
    const [store, bus] = await Promise.all([
      answersInTime(() => deps.store.ping()),
      answersInTime(() => deps.bus.ping()),
    ]);
    if (store && bus) return { status: "ready" };
    const failing = [...(store ? [] : ["store"]), ...(bus ? [] : ["bus"])];
    return reply.status(503).send({ status: "not_ready", failing });
  });

  api.get("/metrics", { schema: { hide: true } }, async (request, reply) => {
    const token = deps.metricsToken;
    if (!token)
      return reply
        .status(404)
        .send({ code: "not_found", message: "metrics are off: set CONFLUX_METRICS_TOKEN" });
    const [scheme, sent] = (request.headers.authorization ?? "").split(" ");
    if (scheme?.toLowerCase() !== "bearer" || !sent || !sameToken(sent, token))
      return reply.status(401).header("www-authenticate", 'Bearer realm="metrics"').send({
        code: "unauthorized",
        message: "metrics need Authorization: Bearer <CONFLUX_METRICS_TOKEN>",
      });
    const { contentType, text } = await deps.metrics.scrape();
    return reply.type(contentType).send(text);
  });
}
