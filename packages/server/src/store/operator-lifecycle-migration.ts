import type { Kysely, Migration } from "kysely";

/**
 * Sign-up under the provider's policy: an open sign-up made while e-mail verification is required
 * waits for its mailed link (1 until then), and the provider's list of operators filters by status.
 */
export const operatorLifecycleMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable("operators")
      .addColumn("email_verification_pending", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex("operators_by_status")
      .on("operators")
      .columns(["status", "operator_id"])
      .execute();
  },
};
