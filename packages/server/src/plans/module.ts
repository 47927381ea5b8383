import type { FeatureModule } from "../api/feature-module.ts";
import { plansMigration } from "./migration.ts";

/** Plans the provider offers and the plan each operator is on (billing.md "Plans and metering"). */
export const plansModule = {
  name: "plans",
  migrations: { "0023_plans": plansMigration },
} satisfies FeatureModule<unknown>;
