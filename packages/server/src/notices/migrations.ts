import type { Kysely, Migration } from "kysely";

/**
 * The provider's notices (to every operator, or to the operators listed in notice_operators) and
 * maintenance windows [5.2, 9.3]. Targets go with their operator when it is deleted.
 */
const noticesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("notices")
      .addColumn("notice_id", "text", (c) => c.primaryKey())
      .addColumn("title", "text", (c) => c.notNull())
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("severity", "text", (c) => c.notNull())
      .addColumn("all_operators", "integer", (c) => c.notNull())
      .addColumn("starts_at", "bigint")
      .addColumn("ends_at", "bigint")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("notice_operators")
      .addColumn("notice_id", "text", (c) => c.notNull().references("notices.notice_id").onDelete("cascade"))
      .addColumn("operator_id", "text", (c) =>
        c.notNull().references("operators.operator_id").onDelete("cascade"),
      )
      .addPrimaryKeyConstraint("notice_operators_pk", ["notice_id", "operator_id"])
      .execute();
    await db.schema
      .createIndex("notice_operators_by_operator")
      .on("notice_operators")
      .columns(["operator_id", "notice_id"])
      .execute();
    await db.schema
      .createTable("maintenance_windows")
      .addColumn("maintenance_id", "text", (c) => c.primaryKey())
      .addColumn("title", "text", (c) => c.notNull())
      .addColumn("body", "text")
      .addColumn("starts_at", "bigint", (c) => c.notNull())
      .addColumn("ends_at", "bigint", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
  },
};

/**
 * Outages the provider records and operators' claims of them [15.2.2]: one claim per operator and
 * outage, holding what the credit needs (the month the outage started in, its whole days).
 */
const outagesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("outages")
      .addColumn("outage_id", "text", (c) => c.primaryKey())
      .addColumn("started_at", "bigint", (c) => c.notNull())
      .addColumn("ended_at", "bigint", (c) => c.notNull())
      .addColumn("description", "text", (c) => c.notNull())
      .addColumn("recorded_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("outage_claims")
      .addColumn("claim_id", "text", (c) => c.primaryKey())
      .addColumn("operator_id", "text", (c) =>
        c.notNull().references("operators.operator_id").onDelete("cascade"),
      )
      .addColumn("outage_id", "text", (c) => c.notNull().references("outages.outage_id"))
      .addColumn("outage_month", "text", (c) => c.notNull())
      .addColumn("days", "integer", (c) => c.notNull())
      .addColumn("claimed_at", "bigint", (c) => c.notNull())
      .addUniqueConstraint("outage_claims_once", ["operator_id", "outage_id"])
      .execute();
  },
};

export const noticesMigrations: Readonly<Record<string, Migration>> = {
  "0044_notices": noticesMigration,
  "0045_outages": outagesMigration,
};
