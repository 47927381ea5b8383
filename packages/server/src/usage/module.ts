import type { FeatureModule } from "../api/feature-module.ts";
import { usageDailyCountersMigration, usageMigration, usageQuotasMigration } from "./migration.ts";
import { providerUsageRoutes } from "./provider-usage-routes.ts";
import { type UsageRouteDeps, usageRoutes } from "./usage-routes.ts";

/**
 * Monthly usage counters and quotas per operator: events (counted by the bus as runs start), AI
 * credits (the AI feature counts through the runtime's UsageMeter port), and the events quota the
 * sources' door applies.
 */
export const usageModule = {
  name: "usage",
  migrations: {
    "0003_ai_usage": usageMigration,
    "0003_ai_usage_quotas": usageQuotasMigration,
    "0026_usage_daily_counters": usageDailyCountersMigration,
  },
  routes: usageRoutes,
  providerRoutes: providerUsageRoutes,
} satisfies FeatureModule<UsageRouteDeps>;
