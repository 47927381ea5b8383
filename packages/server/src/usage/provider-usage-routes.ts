import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { type UsageReportDeps, usageReport } from "./usage-report.ts";

const monthQuery = z.strictObject({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month is YYYY-MM")
    .optional()
    .describe("YYYY-MM in the billing time zone; this month when left out"),
});

/** Every operator's usage, for the provider's administrators (billing.md). */
export async function providerUsageRoutes(api: FastifyInstance, deps: UsageReportDeps): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  const monthOf = (month: string | undefined, now: number) => month ?? deps.billingCalendar.month(now);

  routes.get(
    "/v1/provider/usage",
    {
      schema: {
        summary: "Every operator's events and AI credits in a billing month",
        tags: ["Provider"],
        operationId: "listProviderUsage",
        querystring: monthQuery,
      },
    },
    async (request) => deps.usage.everyOperator(monthOf(request.query.month, Date.now())),
  );

  routes.get(
    "/v1/provider/operators/:operatorId/usage",
    {
      schema: {
        summary: "An operator's usage in a billing month, as the operator sees it (GET /v1/usage)",
        tags: ["Provider"],
        operationId: "getProviderOperatorUsage",
        params: z.object({ operatorId: z.string() }),
        querystring: monthQuery,
      },
    },
    async (request) => {
      const { operatorId } = request.params;
      const now = Date.now();
      return usageReport(operatorId, monthOf(request.query.month, now), deps, now);
    },
  );
}
