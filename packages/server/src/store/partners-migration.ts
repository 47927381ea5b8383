import type { Kysely, Migration } from "kysely";

/**
 * Partners [ToS 8] (partners.ts): the operators the provider marked as partners, and each
 * customer's one partner. A customer row goes with either operator.
 */
export const partnersMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("partners")
      .addColumn("operator_id", "text", (c) =>
        c.primaryKey().references("operators.operator_id").onDelete("cascade"),
      )
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("partner_customers")
      .addColumn("customer_operator_id", "text", (c) =>
        c.primaryKey().references("operators.operator_id").onDelete("cascade"),
      )
      .addColumn("partner_operator_id", "text", (c) =>
        c.notNull().references("operators.operator_id").onDelete("cascade"),
      )
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("partner_customers_by_partner")
      .on("partner_customers")
      .columns(["partner_operator_id", "customer_operator_id"])
      .execute();
  },
};

/**
 * Who really acts behind a token that POST /v1/auth/switch_user issued (a partner's root user or
 * one of its users), kept on the token and on every audit row it causes. Null for other tokens.
 */
export const tokenActorsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    for (const table of ["api_tokens", "audit_logs"]) {
      await db.schema.alterTable(table).addColumn("actor_operator_id", "text").execute();
      await db.schema.alterTable(table).addColumn("actor_user_name", "text").execute();
    }
  },
};
