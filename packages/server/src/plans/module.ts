import type { FastifyInstance } from "fastify";
import type { FeatureModule } from "../api/feature-module.ts";
import type { PlanStore } from "../store/plans.ts";
import type { Store } from "../store/store.ts";
import { plansMigration } from "./migration.ts";
import type { PlanChangeDeps } from "./operator-plan.ts";
import { planRoutes } from "./plan-routes.ts";
import { providerPlanRoutes } from "./provider-plan-routes.ts";

interface PlansDeps {
  plans: PlanStore;
  store: Store;
  provider: { settings(): Promise<{ billingTimeZone: string }> };
  operatorClock(operatorId: string): Promise<number>;
}

function changeDeps({ plans, store, provider, operatorClock }: PlansDeps): PlanChangeDeps {
  return {
    plans,
    store,
    billingTimeZone: async () => (await provider.settings()).billingTimeZone,
    operatorClock,
  };
}

/**
 * Plans the provider offers and the plan each operator is on (billing.md "Plans and metering").
 * The runtime reads an operator's terms through the PlanTermsPort, which the PlanStore implements.
 */
export const plansModule = {
  name: "plans",
  migrations: { "0023_plans": plansMigration },
  async routes(app: FastifyInstance, deps: PlansDeps) {
    await planRoutes(app, changeDeps(deps));
  },
  async providerRoutes(app: FastifyInstance, deps: PlansDeps) {
    await providerPlanRoutes(app, changeDeps(deps));
  },
} satisfies FeatureModule<PlansDeps>;
