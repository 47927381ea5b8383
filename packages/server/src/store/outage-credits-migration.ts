import { type Kysely, type Migration, sql } from "kysely";

/**
 * Outage credits [15.2]: a claim keeps its credit and the month of the invoice it lands on (both
 * unknown until worked out), and a closed invoice keeps the credit that did not fit under its lines,
 * for the next open invoice.
 */
export const outageCreditsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("outage_claims").addColumn("credit", "bigint").execute();
    await db.schema.alterTable("outage_claims").addColumn("invoice_month", "text").execute();
    await db.schema
      .createIndex("outage_claims_by_invoice")
      .on("outage_claims")
      .columns(["operator_id", "invoice_month"])
      .execute();
    await db.schema
      .alterTable("invoices")
      .addColumn("outage_credit_carried", "bigint", (c) => c.notNull().defaultTo(0))
      .execute();
  },
};

/**
 * Plan terms as they were: each row of an operator's plan history keeps a copy of the plan's name,
 * fee and terms from that moment, so a later edit of the plan does not change months already past.
 */
export const operatorPlanTermsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("operator_plans").addColumn("name", "text").execute();
    await db.schema.alterTable("operator_plans").addColumn("monthly_fee", "bigint").execute();
    await db.schema.alterTable("operator_plans").addColumn("terms", "text").execute();
    await sql`update operator_plans set
      name = (select p.name from plans p where p.plan_id = operator_plans.plan_id),
      monthly_fee = (select p.monthly_fee from plans p where p.plan_id = operator_plans.plan_id),
      terms = (select p.terms from plans p where p.plan_id = operator_plans.plan_id)`.execute(db);
  },
};
