import type { AppDefinition } from "@conflux/core";
import { type Kysely, type Migration, sql } from "kysely";
import { fileSourceRows } from "../store/file-sources.ts";

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

/**
 * The index of `file` event sources (file-sources.ts), filled from the apps saved before it, so a file
 * change finds its apps without reading every app of the operator.
 */
export const fileSourcesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("file_sources")
      .addColumn("operator_id", "text", (c) => c.notNull())
      .addColumn("app_id", "text", (c) => c.notNull().references("apps.app_id").onDelete("cascade"))
      .addColumn("channel_id", "text", (c) => c.notNull())
      .addColumn("event_type", "text", (c) => c.notNull())
      .addColumn("path_prefix", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("file_sources_pk", ["app_id", "channel_id", "event_type"])
      .execute();
    await db.schema
      .createIndex("file_sources_by_operator")
      .on("file_sources")
      .columns(["operator_id", "event_type"])
      .execute();
    // One-word names: the columns read the same with and without the camel-case plugin.
    const { rows: apps } = await sql<{ operator: string; app: string; definition: string }>`
      select operator_id as operator, app_id as app, definition from apps`.execute(db);
    for (const app of apps) {
      // A definition the server cannot read (the file-sources contract test makes one) starts no file
      // events either; it must not stop the upgrade. Saving the app again indexes it.
      let rows: ReturnType<typeof fileSourceRows>;
      try {
        rows = fileSourceRows(app.operator, app.app, JSON.parse(app.definition) as AppDefinition);
      } catch {
        continue;
      }
      for (const row of rows) {
        const { operatorId, appId, channelId, eventType, pathPrefix } = row;
        await sql`insert into file_sources (operator_id, app_id, channel_id, event_type, path_prefix)
          values (${operatorId}, ${appId}, ${channelId}, ${eventType}, ${pathPrefix})`.execute(db);
      }
    }
  },
};
