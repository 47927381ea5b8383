import type { Kysely, Migration } from "kysely";

/** The audit log (store/audit-logs.ts), read per operator newest first and swept by time. */
export const auditLogsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("audit_logs")
      .addColumn("audit_id", "text", (c) => c.primaryKey())
      .addColumn("operator_id", "text", (c) =>
        c.notNull().references("operators.operator_id").onDelete("cascade"),
      )
      .addColumn("api_kind", "text", (c) => c.notNull())
      .addColumn("api_name", "text")
      .addColumn("request_path", "text", (c) => c.notNull())
      .addColumn("user_name", "text")
      .addColumn("remote_ip_address", "text", (c) => c.notNull())
      .addColumn("requested_time_epoch_ms", "bigint", (c) => c.notNull())
      .addColumn("status_code", "integer", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("audit_logs_by_operator_time")
      .on("audit_logs")
      .columns(["operator_id", "requested_time_epoch_ms", "audit_id"])
      .execute();
    await db.schema
      .createIndex("audit_logs_by_time")
      .on("audit_logs")
      .column("requested_time_epoch_ms")
      .execute();
  },
};
