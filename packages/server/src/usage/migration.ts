import type { Kysely, Migration } from "kysely";

/** Monthly usage counters per operator: AI credits and tokens (and any metric added later). */
export const usageMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("usage_counters")
      .addColumn("operator_id", "text", (c) => c.notNull())
      .addColumn("month", "text", (c) => c.notNull())
      .addColumn("metric", "text", (c) => c.notNull())
      .addColumn("amount", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("usage_counters_pk", ["operator_id", "month", "metric"])
      .execute();
  },
};

/** The monthly limits operators set themselves (a spending cap under the service's own). */
export const usageQuotasMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("usage_quotas")
      .addColumn("operator_id", "text", (c) => c.notNull())
      .addColumn("metric", "text", (c) => c.notNull())
      .addColumn("quota", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("usage_quotas_pk", ["operator_id", "metric"])
      .execute();
  },
};

/** Daily counters beside the monthly ones (events and AI credits by day of the billing month). */
export const usageDailyCountersMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("usage_daily_counters")
      .addColumn("operator_id", "text", (c) => c.notNull())
      .addColumn("day", "text", (c) => c.notNull())
      .addColumn("metric", "text", (c) => c.notNull())
      .addColumn("amount", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("usage_daily_counters_pk", ["operator_id", "day", "metric"])
      .execute();
    // The provider's usage of every operator in a month.
    await db.schema
      .createIndex("usage_counters_by_month")
      .on("usage_counters")
      .columns(["month", "metric", "operator_id"])
      .execute();
  },
};
