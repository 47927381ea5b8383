import type { Kysely, Migration } from "kysely";

/**
 * The outbox of file events: written in the same transaction as the file change, removed once the
 * event's executions have started, so a crash between the two loses no event (file-event-redelivery.ts).
 */
export const fileEventsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("file_events")
      .addColumn("event_id", "text", (c) => c.primaryKey())
      .addColumn("operator_id", "text", (c) => c.notNull())
      .addColumn("event_type", "text", (c) => c.notNull())
      .addColumn("path", "text", (c) => c.notNull())
      .addColumn("content_type", "text", (c) => c.notNull())
      .addColumn("hop", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("file_events_by_time").on("file_events").columns(["created_at"]).execute();
  },
};
