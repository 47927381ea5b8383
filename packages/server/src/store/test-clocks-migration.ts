import type { Kysely, Migration } from "kysely";

/** Test clocks: an operator bound to one reads its frozen time wherever billing reads "now". */
export const testClocksMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("test_clocks")
      .addColumn("test_clock_id", "text", (c) => c.primaryKey())
      .addColumn("frozen_time", "bigint", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.alterTable("operators").addColumn("test_clock_id", "text").execute();
  },
};
