import { type Kysely, type Migration, sql } from "kysely";

/**
 * Plans the provider offers, with the built-in `developer` plan (fee 0, nothing included, no limit,
 * no feature), and each operator's plan history: a row per change, effective from `from_ms`, so a
 * downgrade scheduled for next month takes effect by time alone and a month's invoice can find
 * every plan that was in force during it.
 */
export const plansMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("plans")
      .addColumn("plan_id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("monthly_fee", "bigint", (c) => c.notNull())
      .addColumn("terms", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addColumn("deleted_at", "bigint")
      .execute();
    const developerTerms = JSON.stringify({
      included: { events: 0, aiCredits: 0 },
      limits: {},
      features: [],
    });
    const now = Date.now();
    await sql`insert into plans (plan_id, name, monthly_fee, terms, created_at, updated_at)
      values ('developer', 'Developer', 0, ${developerTerms}, ${now}, ${now})`.execute(db);
    await db.schema
      .createTable("operator_plans")
      .addColumn("operator_id", "text", (c) => c.notNull())
      .addColumn("plan_id", "text", (c) => c.notNull())
      .addColumn("from_ms", "bigint", (c) => c.notNull())
      .addColumn("changed_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("operator_plans_pk", ["operator_id", "from_ms"])
      .execute();
    await db.schema
      .createIndex("operator_plans_by_plan")
      .on("operator_plans")
      .columns(["plan_id", "from_ms"])
      .execute();
  },
};
