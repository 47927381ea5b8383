import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { chooseOperatorPlan, type PlanChangeDeps, viewOf } from "./operator-plan.ts";
import { operatorParams, planChoiceSchema } from "./plan-schemas.ts";

/** An operator's side: the plans offered, the plan it is on, and its choice (root only). */
export async function planRoutes(api: FastifyInstance, deps: PlanChangeDeps): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  const { plans, billingTimeZone, operatorClock } = deps;

  routes.get(
    "/v1/plans",
    {
      schema: {
        summary: "List the plans the provider offers, cheapest first",
        tags: ["Plan"],
        operationId: "listPlans",
      },
    },
    async () => plans.listPlans(),
  );

  routes.get(
    "/v1/operators/:operatorId/plan",
    {
      schema: {
        summary:
          "The operator's plan, and the plan it moves to on pendingFrom (YYYY-MM-DD) when a downgrade waits",
        tags: ["Operator"],
        operationId: "getOperatorPlan",
        params: operatorParams,
      },
    },
    async (request) => {
      const { operatorId } = request.params;
      const now = await operatorClock(operatorId);
      return viewOf(await plans.operatorPlan(operatorId, now), await billingTimeZone());
    },
  );

  routes.put(
    "/v1/operators/:operatorId/plan",
    {
      schema: {
        summary:
          "Change plan (root only): an upgrade (higher fee) at once, a downgrade from the first day of next month; " +
          "refused (409) while the apps use a feature or more apps or actions than the plan allows",
        tags: ["Operator"],
        operationId: "updateOperatorPlan",
        params: operatorParams,
        body: planChoiceSchema,
      },
    },
    async (request) => {
      const { operatorId } = request.params;
      return chooseOperatorPlan(deps, operatorId, request.body.planId, await operatorClock(operatorId));
    },
  );
}
