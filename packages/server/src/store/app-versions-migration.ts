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

/**
 * What made each version (created, imported, saved, restored and from which version) and the e-mail
 * address of the user whose request made it. Versions from before keep nulls: nothing recorded them.
 */
export const appVersionOriginsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    // One column a statement: SQLite's ALTER TABLE adds one at a time.
    await db.schema.alterTable("app_versions").addColumn("origin", "text").execute();
    await db.schema.alterTable("app_versions").addColumn("restored_from", "integer").execute();
    await db.schema.alterTable("app_versions").addColumn("created_by", "text").execute();
  },
};
