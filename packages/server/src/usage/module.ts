import type { FeatureModule } from "../api/feature-module.ts";
import { usageDailyCountersMigration, usageMigration, usageQuotasMigration } from "./migration.ts";

/** Monthly usage counters and quotas per operator; the AI feature counts through the runtime's UsageMeter port. */
export const usageModule = {
  name: "usage",
  migrations: {
    "0003_ai_usage": usageMigration,
    "0003_ai_usage_quotas": usageQuotasMigration,
    "0026_usage_daily_counters": usageDailyCountersMigration,
  },
} satisfies FeatureModule<unknown>;
