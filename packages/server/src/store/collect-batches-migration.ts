import { type Kysely, type Migration, sql } from "kysely";

/** Collect batches and their messages (collect-batches.ts); a batch leaves both tables when it is sent. */
export const collectBatchesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("collect_batches")
      .addColumn("operator_id", "text", (c) => c.notNull())
      .addColumn("app_id", "text", (c) => c.notNull())
      .addColumn("action_id", "text", (c) => c.notNull())
      .addColumn("batch_id", "text", (c) => c.primaryKey())
      .addColumn("is_open", "integer", (c) => c.notNull())
      .addColumn("item_count", "integer", (c) => c.notNull())
      .addColumn("due_at", "bigint", (c) => c.notNull())
      .addColumn("last_step_id", "text", (c) => c.notNull())
      .addColumn("last_message_id", "text", (c) => c.notNull())
      .addColumn("last_execution_id", "text", (c) => c.notNull())
      .addColumn("app_version", "integer")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    // One open batch per action: a message joins it, or opens the next once it is full.
    await db.schema
      .createIndex("collect_batches_open")
      .on("collect_batches")
      .columns(["operator_id", "app_id", "action_id"])
      .unique()
      .where(sql.ref("is_open"), "=", 1)
      .execute();
    await db.schema.createIndex("collect_batches_due").on("collect_batches").columns(["due_at"]).execute();
    await db.schema
      .createTable("collect_items")
      .addColumn("batch_id", "text", (c) => c.notNull())
      .addColumn("seq", "integer", (c) => c.notNull())
      .addColumn("step_id", "text", (c) => c.notNull().unique())
      .addColumn("operator_id", "text", (c) => c.notNull())
      .addColumn("payload", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("collect_items_pk", ["batch_id", "seq"])
      .execute();
  },
};
