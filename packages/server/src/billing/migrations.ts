import type { Kysely, Migration } from "kysely";

/**
 * Coupons [ToS 17.2]: issued by the provider, registered once by an operator, drawn down as invoices
 * close. Amounts and balances are integer minor units; a balance only ever goes down.
 */
const couponsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("coupons")
      .addColumn("coupon_code", "text", (c) => c.primaryKey())
      .addColumn("amount", "bigint", (c) => c.notNull())
      .addColumn("balance", "bigint", (c) => c.notNull())
      .addColumn("expiry_month", "text", (c) => c.notNull())
      .addColumn("operator_id", "text")
      .addColumn("registered_at", "bigint")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("coupons_by_operator")
      .on("coupons")
      .columns(["operator_id", "expiry_month"])
      .execute();
  },
};

export const billingMigrations: Record<string, Migration> = { "0050_coupons": couponsMigration };
