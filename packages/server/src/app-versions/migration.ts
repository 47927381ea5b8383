import { type Kysely, type Migration, sql } from "kysely";

/**
 * App versions: every save of an app keeps its definition, and every execution names the version it
 * started on, so a run opened from the history shows the app as that run saw it. Apps saved before
 * this migration get their current definition as version 1; their old runs keep a null version.
 */
export const appVersionsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("app_versions")
      .addColumn("app_id", "text", (c) => c.notNull().references("apps.app_id").onDelete("cascade"))
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("operator_id", "text", (c) => c.notNull())
      .addColumn("definition", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("app_versions_pk", ["app_id", "version"])
      .execute();
    await db.schema
      .alterTable("apps")
      .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
      .execute();
    await sql`insert into app_versions (app_id, version, operator_id, definition, created_at)
      select app_id, 1, operator_id, definition, updated_at from apps`.execute(db);
    await db.schema.alterTable("executions").addColumn("app_version", "integer").execute();
  },
};
