import type { Kysely, Migration } from "kysely";

/**
 * Each operator's current window of AI requests (rate-limit.ts): one row an operator, started over
 * in place when a window ends, so old windows never pile up.
 */
export const aiRequestWindowsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("ai_request_windows")
      .addColumn("operator_id", "text", (c) => c.primaryKey())
      .addColumn("window_start", "bigint", (c) => c.notNull())
      .addColumn("requests", "integer", (c) => c.notNull())
      .execute();
  },
};
