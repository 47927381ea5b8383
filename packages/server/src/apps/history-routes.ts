import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { operatorOf } from "../api/authenticate.ts";
import { pageOf, pageQuery } from "../api/list-envelope.ts";
import type { Bus } from "../bus/bus.ts";
import type { ServerConfig } from "../config/config.ts";
import { UserError } from "../errors.ts";
import { startExecution } from "../runtime/start-execution.ts";

export interface HistoryRouteDeps {
  bus: Bus;
  config: ServerConfig;
}

/** A point in time in a query: Unix ms or ISO 8601. */
export const time = z.union([
  z.coerce.number().int().min(0),
  z.iso.datetime().transform((value) => Date.parse(value)),
]);
const runParams = z.object({ appId: z.string().min(1).max(64), runId: z.string().min(1).max(64) });

/** The execution history: runs of an app, each with every message and step; replay. */
export async function historyRoutes(api: FastifyInstance, { bus, config }: HistoryRouteDeps): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();

  routes.get(
    "/v1/apps/:appId/runs",
    {
      schema: {
        summary: "List runs of an app, newest first",
        tags: ["Run"],
        operationId: "listRuns",
        params: z.object({ appId: z.string().min(1).max(64) }),
        querystring: z.object({
          status: z.enum(["running", "completed", "failed"]).optional(),
          channelId: z.string().optional(),
          actionId: z.string().optional(),
          from: time.optional().describe("Unix ms or ISO 8601, inclusive"),
          to: time.optional().describe("Unix ms or ISO 8601, exclusive"),
          ...pageQuery(20, 100),
        }),
      },
    },
    async (request) => {
      const store = operatorOf(request);
      if (!(await store.getApp(request.params.appId)))
        throw new UserError("not_found", `no app ${request.params.appId}`);
      const { cursor, limit, ...filter } = request.query;
      const runs = await store.listExecutions(request.params.appId, {
        ...filter,
        ...(cursor === undefined ? {} : { before: cursor }),
        limit: limit + 1,
      });
      const page = pageOf(runs, limit, (run) => run.executionId);
      return {
        ...page,
        items: page.items.map(({ executionId, ...run }) => ({ runId: executionId, ...run })),
      };
    },
  );

  routes.get(
    "/v1/apps/:appId/runs/:runId",
    {
      schema: {
        summary: "One run with every message and step",
        tags: ["Run"],
        operationId: "getRun",
        params: runParams,
      },
    },
    async (request) => {
      const run = await operatorOf(request).getExecution(request.params.appId, request.params.runId);
      if (!run)
        throw new UserError("not_found", `no run ${request.params.runId} in app ${request.params.appId}`);
      const { executionId, ...rest } = run;
      return { runId: executionId, ...rest };
    },
  );

  routes.post(
    "/v1/apps/:appId/runs/:runId/replay",
    {
      schema: {
        summary: "Send a run's triggering message again, through the app as it is now",
        tags: ["Run"],
        operationId: "replayRun",
        params: runParams,
      },
    },
    async (request, reply) => {
      const store = operatorOf(request);
      const app = await store.getApp(request.params.appId);
      const trigger = app && (await store.getMessage(request.params.runId));
      if (!app || !trigger || trigger.appId !== app.appId)
        throw new UserError("not_found", `no run ${request.params.runId} in app ${request.params.appId}`);
      const { executionId } = await startExecution(
        bus,
        {
          operatorId: store.operatorId,
          app,
          channelId: trigger.channelId,
          payload: trigger.payload,
          context: trigger.context,
          replayOf: trigger.executionId,
        },
        config.limits.maxMessageBytes,
      );
      return reply.status(202).send({ runId: executionId, replayOf: trigger.executionId });
    },
  );
}
