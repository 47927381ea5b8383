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

/**
 * Closed invoices (an open one is computed when read), the coupons drawn on each, and payments
 * recorded against them with the month their late interest is charged on.
 */
const invoicesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("invoices")
      .addColumn("operator_id", "text", (c) => c.notNull())
      .addColumn("month", "text", (c) => c.notNull())
      .addColumn("lines", "text", (c) => c.notNull())
      .addColumn("subtotal", "bigint", (c) => c.notNull())
      .addColumn("tax", "bigint", (c) => c.notNull())
      .addColumn("late_interest", "bigint", (c) => c.notNull())
      .addColumn("total", "bigint", (c) => c.notNull())
      .addColumn("coupon_applied", "bigint", (c) => c.notNull())
      .addColumn("amount_due", "bigint", (c) => c.notNull())
      .addColumn("paid_amount", "bigint", (c) => c.notNull())
      .addColumn("due_date", "text", (c) => c.notNull())
      .addColumn("closed_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("invoices_pk", ["operator_id", "month"])
      .execute();
    await db.schema
      .createTable("coupon_draws")
      .addColumn("coupon_code", "text", (c) => c.notNull())
      .addColumn("operator_id", "text", (c) => c.notNull())
      .addColumn("month", "text", (c) => c.notNull())
      .addColumn("amount", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("coupon_draws_pk", ["coupon_code", "operator_id", "month"])
      .execute();
    await db.schema
      .createTable("payments")
      .addColumn("payment_id", "text", (c) => c.primaryKey())
      .addColumn("operator_id", "text", (c) => c.notNull())
      .addColumn("month", "text", (c) => c.notNull())
      .addColumn("amount", "bigint", (c) => c.notNull())
      .addColumn("paid_on", "text", (c) => c.notNull())
      .addColumn("due_date", "text", (c) => c.notNull())
      .addColumn("interest_month", "text", (c) => c.notNull())
      .addColumn("recorded_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("payments_by_interest_month")
      .on("payments")
      .columns(["operator_id", "interest_month"])
      .execute();
  },
};

/** The card each operator pays by: the card processor's reference id only, never card numbers. */
const paymentMethodsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("payment_methods")
      .addColumn("operator_id", "text", (c) => c.primaryKey())
      .addColumn("payment_method_id", "text", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
  },
};

export const billingMigrations: Record<string, Migration> = {
  "0050_coupons": couponsMigration,
  "0051_invoices": invoicesMigration,
  "0056_payment_methods": paymentMethodsMigration,
};
