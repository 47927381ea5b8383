import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { UserError } from "../errors.ts";
import type { Plan } from "../store/plans.ts";
import { type PlanChangeDeps, setOperatorPlan, viewOf } from "./operator-plan.ts";
import { operatorParams, planBodySchema, planChoiceSchema, planParams } from "./plan-schemas.ts";

/** The provider's side: defining plans, and putting an operator on one. */
export async function providerPlanRoutes(api: FastifyInstance, deps: PlanChangeDeps): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  const { plans, billingTimeZone, operatorClock } = deps;

  routes.get(
    "/v1/provider/plans",
    {
      schema: { summary: "List plans, cheapest first", tags: ["Provider"], operationId: "listProviderPlans" },
    },
    async () => plans.listPlans(),
  );

  routes.get(
    "/v1/provider/plans/:planId",
    {
      schema: {
        summary: "Get a plan",
        tags: ["Provider"],
        operationId: "getProviderPlan",
        params: planParams,
      },
    },
    async (request) => {
      const plan = await plans.getPlan(request.params.planId);
      if (!plan) throw new UserError("not_found", `no plan ${request.params.planId}`);
      return plan;
    },
  );

  routes.put(
    "/v1/provider/plans/:planId",
    {
      schema: {
        summary:
          "Define or replace a plan: fee, included amounts, overage blocks, limits and features; operators on it get the new terms at once",
        tags: ["Provider"],
        operationId: "putProviderPlan",
        params: planParams,
        body: planBodySchema,
      },
    },
    async (request): Promise<Plan> => {
      const { overage, ...rest } = request.body;
      const definedOverage = Object.fromEntries(Object.entries(overage ?? {}).filter(([, blocks]) => blocks));
      return plans.putPlan({
        planId: request.params.planId,
        ...rest,
        ...(Object.keys(definedOverage).length ? { overage: definedOverage } : {}),
      });
    },
  );

  routes.delete(
    "/v1/provider/plans/:planId",
    {
      schema: {
        summary: "Delete a plan no operator is on or moving to (the developer plan cannot be deleted)",
        tags: ["Provider"],
        operationId: "deleteProviderPlan",
        params: planParams,
      },
    },
    async (request, reply) => {
      const { planId } = request.params;
      const removal = await plans.deletePlan(planId);
      if (removal === "not_found") throw new UserError("not_found", `no plan ${planId}`);
      if (removal === "built_in")
        throw new UserError("conflict", `plan ${planId} is built in: edit it instead of deleting it`);
      if (removal === "in_use")
        throw new UserError("conflict", `plan ${planId} is in use: an operator is on it or moving to it`);
      return reply.status(204).send();
    },
  );

  routes.get(
    "/v1/provider/operators/:operatorId/plan",
    {
      schema: {
        summary: "An operator's plan and its pending change",
        tags: ["Provider"],
        operationId: "getProviderOperatorPlan",
        params: operatorParams,
      },
    },
    async (request) => {
      const { operatorId } = request.params;
      return viewOf(
        await plans.operatorPlan(operatorId, await operatorClock(operatorId)),
        await billingTimeZone(),
      );
    },
  );

  routes.put(
    "/v1/provider/operators/:operatorId/plan",
    {
      schema: {
        summary: "Put an operator on a plan at once, whatever its fee (a pending change is dropped)",
        tags: ["Provider"],
        operationId: "updateProviderOperatorPlan",
        params: operatorParams,
        body: planChoiceSchema,
      },
    },
    async (request) => {
      const { operatorId } = request.params;
      return setOperatorPlan(deps, operatorId, request.body.planId, await operatorClock(operatorId));
    },
  );
}
