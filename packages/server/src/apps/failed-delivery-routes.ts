import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { operatorOf } from "../api/authenticate.ts";
import { pageOf, pageQuery } from "../api/list-envelope.ts";
import type { FailedDeliveries } from "../bus/failed-deliveries.ts";
import { time } from "./history-routes.ts";

const filter = z.object({
  appId: z.string().min(1).max(64).optional(),
  actionId: z.string().min(1).max(64).optional(),
  errorCode: z
    .string()
    .regex(/^[a-z0-9_]{1,64}$/, "an error code is lower-case letters, digits and '_', like http_status")
    .optional(),
  from: time.optional().describe("when the delivery failed: Unix ms or ISO 8601, inclusive"),
  to: time.optional().describe("Unix ms or ISO 8601, exclusive"),
});

/** What the failed-delivery routes are given by the root. */
export interface FailedDeliveryRouteDeps {
  failedDeliveries: FailedDeliveries;
}

/** Deliveries of outbound actions that failed for good (bus/failed-deliveries.ts), and sending them again. */
export async function failedDeliveryRoutes(
  api: FastifyInstance,
  { failedDeliveries }: FailedDeliveryRouteDeps,
): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();

  routes.get(
    "/v1/failed_deliveries",
    {
      schema: {
        summary: "List failed deliveries of outbound actions (webhook, slack, email), newest first",
        tags: ["FailedDelivery"],
        operationId: "listFailedDeliveries",
        querystring: filter.extend(pageQuery(50, 100)),
      },
    },
    async (request) => {
      const { cursor, limit, ...only } = request.query;
      const rows = await failedDeliveries.list(operatorOf(request).operatorId, {
        ...only,
        ...(cursor === undefined ? {} : { before: cursor }),
        limit: limit + 1,
      });
      return pageOf(rows, limit, (delivery) => delivery.stepId);
    },
  );

  routes.post(
    "/v1/failed_deliveries/replay",
    {
      schema: {
        summary: "Queue every failed delivery matching the filters again, with its Idempotency-Key",
        tags: ["FailedDelivery"],
        operationId: "replayFailedDeliveries",
        body: filter.default({}),
      },
    },
    async (request, reply) => {
      const requeued = await failedDeliveries.replay(operatorOf(request).operatorId, request.body);
      return reply.status(202).send({ requeued });
    },
  );
}
