import type { FastifyInstance } from "fastify";
import type { FeatureModule } from "../api/feature-module.ts";
import { type CouponDeps, couponRoutes, providerCouponRoutes } from "./coupon-routes.ts";
import { billingMigrations } from "./migrations.ts";

/** Money: coupons now; invoices, payments and interest build on the rules beside this file. */
export const billingModule = {
  name: "billing",
  migrations: billingMigrations,
  async routes(app: FastifyInstance, deps: CouponDeps) {
    await couponRoutes(app, deps);
  },
  async providerRoutes(app: FastifyInstance, deps: CouponDeps) {
    await providerCouponRoutes(app, deps);
  },
} satisfies FeatureModule<CouponDeps>;
