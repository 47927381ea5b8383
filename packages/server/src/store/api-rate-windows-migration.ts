import type { Kysely, Migration } from "kysely";

/**
 * Each operator's current window of API calls per API group (api-rate-windows.ts): one row an
 * operator and group, started over in place when a window ends, so old windows never pile up.
 */
export const apiRateWindowsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("api_rate_windows")
      .addColumn("operator_id", "text", (c) => c.notNull())
      .addColumn("api_group", "text", (c) => c.notNull())
      .addColumn("window_start", "bigint", (c) => c.notNull())
      .addColumn("calls", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("api_rate_windows_pk", ["operator_id", "api_group"])
      .execute();
  },
};
