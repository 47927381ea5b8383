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

/** AI requests are counted in `api_rate_windows` now (rate-limit.ts); a window lost here only starts over. */
export const dropAiRequestWindowsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropTable("ai_request_windows").execute();
  },
};
