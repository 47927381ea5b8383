import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { FeatureModule } from "../api/feature-module.ts";
import { startPeriodicSweep } from "../runtime/periodic-sweep.ts";
import { type CouponDeps, couponRoutes, providerCouponRoutes } from "./coupon-routes.ts";
import { type InvoiceDeps, invoiceRoutes } from "./invoice-routes.ts";
import { billingMigrations } from "./migrations.ts";
import { overdueRoutes } from "./overdue-routes.ts";
import { billingConfigFromEnvironment, billingConfigSchema } from "./payment-processor.ts";
import { type PaymentDeps, paymentRoutes } from "./payment-routes.ts";
import { type ProviderBillingDeps, providerBillingRoutes } from "./provider-billing-routes.ts";

type BillingDeps = CouponDeps & InvoiceDeps & ProviderBillingDeps & PaymentDeps & { logger: Logger };

/** How often ended months are looked for; a month end is closed within this much of passing. */
const closeEveryMs = 60_000;

/**
 * Money (billing.md): coupons, monthly invoices closed at each month end of the billing time zone,
 * payments with late interest (recorded by the provider, or charged to a card), acceleration, and test clocks to walk through months in tests.
 */
export const billingModule = {
  name: "billing",
  migrations: billingMigrations,
  config: { schema: billingConfigSchema, fromEnvironment: billingConfigFromEnvironment },
  async routes(app: FastifyInstance, deps: BillingDeps) {
    await couponRoutes(app, deps);
    await invoiceRoutes(app, deps);
    await paymentRoutes(app, deps);
  },
  async providerRoutes(app: FastifyInstance, deps: BillingDeps) {
    await providerCouponRoutes(app, deps);
    await providerBillingRoutes(app, deps);
    await overdueRoutes(app, deps);
  },
  async start(deps: BillingDeps) {
    // Every instance may close: each invoice's key makes a second close of a month a no-op.
    return startPeriodicSweep(
      async () => {
        const closed = await deps.invoices.closeAllEnded();
        if (closed > 0) deps.logger.info({ closed }, "invoices closed");
      },
      closeEveryMs,
      deps.logger,
      "closing ended months failed; the next round tries again",
    );
  },
} satisfies FeatureModule<BillingDeps>;
