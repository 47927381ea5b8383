import type { Kysely, Migration } from "kysely";

/**
 * Idempotency keys of device messages: written in the transaction that stores the message, so a retry with
 * the same key finds the first answer instead of storing twice (device-message-keys.ts).
 */
export const deviceMessageKeysMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("device_message_keys")
      .addColumn("device_id", "text", (c) => c.notNull())
      .addColumn("idempotency_key", "text", (c) => c.notNull())
      .addColumn("operator_id", "text", (c) => c.notNull())
      .addColumn("stored", "integer", (c) => c.notNull())
      .addColumn("execution_id", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("device_message_keys_pk", ["device_id", "idempotency_key"])
      .execute();
    await db.schema
      .createIndex("device_message_keys_by_time")
      .on("device_message_keys")
      .columns(["created_at"])
      .execute();
  },
};
