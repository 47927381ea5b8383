import { type Kysely, type Migration, PostgresAdapter, sql } from "kysely";

/** Devices, groups, data entries and files (issue 4); runs unchanged on SQLite and PostgreSQL. */
export const devicesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const binary = db.getExecutor().adapter instanceof PostgresAdapter ? sql`bytea` : sql`blob`;
    await db.schema
      .createTable("device_groups")
      .addColumn("group_id", "text", (c) => c.primaryKey())
      .addColumn("operator_id", "text", (c) =>
        c.notNull().references("operators.operator_id").onDelete("cascade"),
      )
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("tags", "text", (c) => c.notNull())
      .addColumn("config", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("device_groups_by_operator")
      .on("device_groups")
      .columns(["operator_id", "group_id"])
      .execute();
    await db.schema
      .createTable("devices")
      .addColumn("device_id", "text", (c) => c.primaryKey())
      .addColumn("operator_id", "text", (c) =>
        c.notNull().references("operators.operator_id").onDelete("cascade"),
      )
      .addColumn("group_id", "text")
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("tags", "text", (c) => c.notNull())
      .addColumn("secret_hash", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("devices_by_operator")
      .on("devices")
      .columns(["operator_id", "device_id"])
      .execute();
    await db.schema
      .createTable("data_entries")
      .addColumn("entry_id", "text", (c) => c.primaryKey())
      .addColumn("operator_id", "text", (c) => c.notNull())
      .addColumn("resource_type", "text", (c) => c.notNull())
      .addColumn("resource_id", "text", (c) => c.notNull())
      .addColumn("time", "bigint", (c) => c.notNull())
      .addColumn("content_type", "text", (c) => c.notNull())
      .addColumn("content", "text", (c) => c.notNull())
      .execute();
    // Range reads of one resource, either order, page by (time, entry id): one index walk.
    await db.schema
      .createIndex("data_entries_by_resource_time")
      .on("data_entries")
      .columns(["operator_id", "resource_type", "resource_id", "time", "entry_id"])
      .execute();
    // Retention deletes by age across every operator.
    await db.schema.createIndex("data_entries_by_time").on("data_entries").columns(["time"]).execute();
    await db.schema
      .createTable("files")
      .addColumn("operator_id", "text", (c) =>
        c.notNull().references("operators.operator_id").onDelete("cascade"),
      )
      .addColumn("path", "text", (c) => c.notNull())
      .addColumn("content_type", "text", (c) => c.notNull())
      .addColumn("size", "integer", (c) => c.notNull())
      .addColumn("content", binary, (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("files_pk", ["operator_id", "path"])
      .execute();
  },
};

/**
 * The command outbox (device-commands.ts): a command waits here until the device acknowledges it or it
 * expires, so any instance can accept it and the one the device is connected to delivers it.
 */
export const deviceCommandsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("device_commands")
      .addColumn("command_id", "text", (c) => c.primaryKey())
      .addColumn("operator_id", "text", (c) =>
        c.notNull().references("operators.operator_id").onDelete("cascade"),
      )
      .addColumn("device_id", "text", (c) => c.notNull().references("devices.device_id").onDelete("cascade"))
      .addColumn("payload", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("idempotency_key", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("expires_at", "bigint", (c) => c.notNull())
      .addColumn("delivered_at", "bigint")
      // Nulls are distinct on both engines: only commands sent with a key are deduplicated.
      .addUniqueConstraint("device_commands_idempotency", ["device_id", "idempotency_key"])
      .execute();
    // A device's commands in order: its pending ones to deliver, its list.
    await db.schema
      .createIndex("device_commands_by_device")
      .on("device_commands")
      .columns(["device_id", "status", "command_id"])
      .execute();
    // The sweep: pending ones past their expiry, finished ones past retention.
    await db.schema
      .createIndex("device_commands_by_status_expiry")
      .on("device_commands")
      .columns(["status", "expires_at"])
      .execute();
  },
};
