import type { Kysely, Migration } from "kysely";

/** An operator's account closing [ToS 6]: asked by the operator or decided by the provider; erased on `delete_at`. */
export const operatorClosingsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("operator_closings")
      .addColumn("operator_id", "text", (c) => c.primaryKey())
      .addColumn("effective_date", "text", (c) => c.notNull())
      .addColumn("delete_at", "bigint", (c) => c.notNull())
      .addColumn("requested_by", "text", (c) => c.notNull())
      .addColumn("reason", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("operator_closings_by_time")
      .on("operator_closings")
      .column("delete_at")
      .execute();
  },
};

/**
 * Suspension [ToS 5.1.3]: the provider's message to the operator beside the status reason of 0022. The
 * read every instance repeats each second (the few suspended operators) uses 0035's index by status.
 */
export const operatorSuspensionMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("operators").addColumn("suspension_message", "text").execute();
  },
};
