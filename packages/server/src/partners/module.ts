import type { FastifyInstance } from "fastify";
import type { FeatureModule } from "../api/feature-module.ts";
import type { BillingCalendar } from "../runtime/billing-calendar.ts";
import type { UsageMeter } from "../runtime/ports/usage-meter.ts";
import type { AuditLogStore } from "../store/audit-logs.ts";
import type { PartnerStore } from "../store/partners.ts";
import type { Store } from "../store/store.ts";
import { customerRoutes } from "./customer-routes.ts";
import { providerPartnerRoute } from "./provider-partner-route.ts";
import { switchBackRoute, switchUserRoute } from "./switch-user-route.ts";

type PartnersDeps = {
  store: Store;
  partners: PartnerStore;
  usage: UsageMeter;
  billingCalendar: Pick<BillingCalendar, "month">;
  auditLogs: AuditLogStore;
};

/**
 * Partners [ToS 8]: an operator the provider marked (its console's route) creates customer
 * operators, sees their usage and switches into them with a short-lived token. Its tables are the
 * store's (store/partners.ts): the provider's operator list reads them too.
 */
export const partnersModule = {
  name: "partners",
  async openRoutes(app: FastifyInstance, deps: PartnersDeps) {
    await switchBackRoute(app, deps);
  },
  async routes(app: FastifyInstance, deps: PartnersDeps) {
    await customerRoutes(app, deps);
    await switchUserRoute(app, deps);
  },
  async providerRoutes(app: FastifyInstance, deps: PartnersDeps) {
    await providerPartnerRoute(app, deps);
  },
} satisfies FeatureModule<PartnersDeps>;
