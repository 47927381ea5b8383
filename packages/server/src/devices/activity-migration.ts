import { type Kysely, type Migration, sql } from "kysely";

/**
 * When each device last sent a message and how many it has sent (device-activity.ts): two columns of
 * the device's own row, so the device list reads them with no join or count.
 */
export const deviceActivityMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("devices").addColumn("last_seen_at", "bigint").execute();
    await db.schema
      .alterTable("devices")
      .addColumn("message_count", "bigint", (c) => c.notNull().defaultTo(sql`0`))
      .execute();
  },
};
