import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { operatorOf } from "../api/authenticate.ts";
import { UserError } from "../errors.ts";
import type { StepEvents } from "../runtime/step-events.ts";
import type { StepRecord } from "../store/store.ts";

/** Steps run by another process (PostgreSQL scale-out) send no event here: they are found by re-reading. */
const pollMs = 1_000;
/** A comment line now and then keeps proxies from closing a quiet stream. */
const heartbeatMs = 15_000;

const runParams = z.object({ appId: z.string().min(1).max(64), runId: z.string().min(1).max(64) });

/** What makes a stored step worth sending again: it moved on since the last time. */
function stepVersion(step: StepRecord): string {
  return `${step.status}:${step.attempts}:${step.finishedAt ?? ""}`;
}

/**
 * The live view of a run as server-sent events: `run` (everything stored so far), then `step` as each
 * action starts, retries or finishes, then `end` when nothing is left to do. The studio reads it with
 * fetch and the same API key and token headers as every other call, so no secret goes into a URL.
 */
export async function runStreamRoutes(
  api: FastifyInstance,
  { stepEvents }: { stepEvents: StepEvents },
): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  const open = new Set<() => void>();
  // A stream lasts as long as its run: end them all so the server can stop.
  api.addHook("preClose", async () => {
    for (const end of open) end();
  });

  routes.get(
    "/v1/apps/:appId/runs/:runId/events",
    {
      schema: {
        summary: "Follow a run live (text/event-stream): its history so far, then each step, then its end",
        tags: ["Run"],
        operationId: "streamRunEvents",
        params: runParams,
      },
    },
    async (request, reply) => {
      const store = operatorOf(request);
      const { appId, runId } = request.params;
      let wake: (() => void) | undefined;
      // Set by an event that arrives while the loop is busy reading, so the loop does not sleep on it.
      let signalled = false;
      const pending: StepRecord[] = [];
      const unsubscribe = stepEvents.subscribe(runId, (event) => {
        if (event.operatorId !== store.operatorId || event.appId !== appId) return;
        // A started step is not stored yet, so it is passed on as it is; stored ones are re-read.
        if (event.step.status === "running") pending.push(structuredClone(event.step));
        signalled = true;
        wake?.();
      });
      const first = await store.getExecution(appId, runId).catch((error: unknown) => {
        unsubscribe();
        throw error;
      });
      if (!first) {
        unsubscribe();
        throw new UserError("not_found", `no run ${runId} in app ${appId}`);
      }

      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store, no-transform",
        "x-content-type-options": "nosniff",
        "x-accel-buffering": "no",
      });
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        unsubscribe();
        open.delete(end);
        wake?.();
        out.end();
      };
      open.add(end);
      out.on("close", end);
      let quietSince = Date.now();
      const send = (event: string, data: unknown) => {
        if (ended) return;
        out.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        quietSince = Date.now();
      };

      const sent = new Map<string, string>();
      const { executionId, ...rest } = first;
      send("run", { runId: executionId, ...rest });
      for (const step of first.steps) sent.set(step.stepId, stepVersion(step));
      let status = first.status;

      try {
        while (!ended && status === "running") {
          if (!signalled)
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, pollMs);
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
          wake = undefined;
          signalled = false;
          if (ended) break;
          for (const step of pending.splice(0)) {
            if (sent.has(step.stepId)) continue;
            send("step", step);
            sent.set(step.stepId, stepVersion(step));
          }
          const current = await store.getExecution(appId, runId);
          if (!current) break;
          for (const step of current.steps) {
            const version = stepVersion(step);
            if (sent.get(step.stepId) === version) continue;
            send("step", step);
            sent.set(step.stepId, version);
          }
          status = current.status;
          if (Date.now() - quietSince > heartbeatMs) {
            out.write(": keep-alive\n\n");
            quietSince = Date.now();
          }
        }
        send("end", { runId, status });
      } catch (error) {
        request.log.error({ err: error, runId }, "run stream failed");
        send("error", { code: "internal", message: "the run stream failed; reload to see the run" });
      } finally {
        end();
      }
    },
  );
}
