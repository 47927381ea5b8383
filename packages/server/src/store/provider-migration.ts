import { type Kysely, type Migration, sql } from "kysely";

/**
 * The provider that runs the service: its administrators (never operators), their tokens, its
 * settings (one row of JSON), and each operator's standing with it (active, pending review, refused,
 * suspended) with the reason the provider gave.
 */
export const providerMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("provider_admins")
      .addColumn("email", "text", (c) => c.primaryKey())
      .addColumn("password_hash", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("provider_tokens")
      .addColumn("token_hash", "text", (c) => c.primaryKey())
      .addColumn("api_key", "text", (c) => c.notNull())
      .addColumn("email", "text", (c) => c.notNull().references("provider_admins.email").onDelete("cascade"))
      .addColumn("expires_at", "bigint", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("provider_settings")
      .addColumn("id", "integer", (c) => c.primaryKey())
      .addColumn("settings", "text", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .alterTable("operators")
      .addColumn("status", "text", (c) => c.notNull().defaultTo(sql`'active'`))
      .execute();
    await db.schema.alterTable("operators").addColumn("status_reason", "text").execute();
    await db.schema.alterTable("operators").addColumn("status_changed_at", "bigint").execute();
  },
};
