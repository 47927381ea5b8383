import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { operatorOf } from "../api/authenticate.ts";
import { UserError } from "../errors.ts";
import type { EventQuota } from "./event-quota.ts";
import { type UsageReportDeps, usageReport } from "./usage-report.ts";

export interface UsageRouteDeps extends UsageReportDeps {
  /** The door's events quota: it forgets an operator whose own quota changed here. */
  eventQuota: EventQuota;
  /** The operator's "now": its test clock's time, when it is bound to one. */
  operatorClock(operatorId: string): Promise<number>;
}

/** A cap: a whole number of at least 0; null removes it; left out, it stays. */
const cap = z.number().int().min(0).nullable().optional();

const quotasBody = z.strictObject({ events: cap, aiCredits: cap });

/** This month's usage and the operator's own monthly caps (billing.md "Plans and metering"). */
export async function usageRoutes(api: FastifyInstance, deps: UsageRouteDeps): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();

  routes.get(
    "/v1/usage",
    {
      schema: {
        summary:
          "This billing month's usage (the provider's billing time zone): events and AI credits against the plan and the quotas, by day",
        tags: ["Usage"],
        operationId: "getUsage",
      },
    },
    async (request) => {
      const { operatorId } = operatorOf(request);
      const now = await deps.operatorClock(operatorId);
      return usageReport(operatorId, deps.billingCalendar.month(now), deps, now);
    },
  );

  const ownQuotas = async (operatorId: string) => {
    const quotas = await deps.usage.forOperator(operatorId).quotas();
    return {
      ...(quotas.events === undefined ? {} : { events: quotas.events }),
      ...(quotas.ai_credits === undefined ? {} : { aiCredits: quotas.ai_credits }),
    };
  };

  routes.get(
    "/v1/usage/quotas",
    {
      schema: {
        summary: "The operator's own monthly caps on events and AI credits",
        tags: ["Usage"],
        operationId: "getUsageQuotas",
      },
    },
    async (request) => ownQuotas(operatorOf(request).operatorId),
  );

  routes.put(
    "/v1/usage/quotas",
    {
      schema: {
        summary:
          "Set the operator's own monthly caps: a field left out stays, null removes it; the plan's limit and the service's AI credits still apply",
        tags: ["Usage"],
        operationId: "updateUsageQuotas",
        body: quotasBody,
      },
    },
    async (request) => {
      const { events, aiCredits } = request.body;
      const { monthlyCredits } = deps.config.ai;
      if (typeof aiCredits === "number" && aiCredits > monthlyCredits)
        throw new UserError(
          "bad_request",
          `the AI credit quota can be at most the service's ${monthlyCredits} a month`,
        );
      const operatorId = operatorOf(request).operatorId;
      const meter = deps.usage.forOperator(operatorId);
      if (events !== undefined) await meter.setQuota("events", events ?? undefined);
      if (aiCredits !== undefined) await meter.setQuota("ai_credits", aiCredits ?? undefined);
      deps.eventQuota.forget(operatorId);
      return ownQuotas(operatorId);
    },
  );
}
