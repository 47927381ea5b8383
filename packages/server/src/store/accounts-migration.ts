import type { Kysely, Migration } from "kysely";

/**
 * Users of an operator (SORACOM's SAM users), their roles, the operator's default permissions, auth
 * keys of the root user and of users, and the user a token was issued to (null: the root user).
 * Permissions are kept as the JSON text the caller sent, so it reads back exactly as written.
 */
export const accountsUsersMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("users")
      .addColumn("operator_id", "text", (c) =>
        c.notNull().references("operators.operator_id").onDelete("cascade"),
      )
      .addColumn("user_name", "text", (c) => c.notNull())
      .addColumn("description", "text", (c) => c.notNull())
      .addColumn("password_hash", "text")
      .addColumn("permission", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("users_pk", ["operator_id", "user_name"])
      .execute();
    await db.schema
      .createTable("roles")
      .addColumn("operator_id", "text", (c) =>
        c.notNull().references("operators.operator_id").onDelete("cascade"),
      )
      .addColumn("role_id", "text", (c) => c.notNull())
      .addColumn("description", "text", (c) => c.notNull())
      .addColumn("permission", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("roles_pk", ["operator_id", "role_id"])
      .execute();
    await db.schema
      .createTable("user_roles")
      .addColumn("operator_id", "text", (c) => c.notNull())
      .addColumn("user_name", "text", (c) => c.notNull())
      .addColumn("role_id", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("user_roles_pk", ["operator_id", "user_name", "role_id"])
      .addForeignKeyConstraint(
        "user_roles_user",
        ["operator_id", "user_name"],
        "users",
        ["operator_id", "user_name"],
        (c) => c.onDelete("cascade"),
      )
      .addForeignKeyConstraint(
        "user_roles_role",
        ["operator_id", "role_id"],
        "roles",
        ["operator_id", "role_id"],
        (c) => c.onDelete("cascade"),
      )
      .execute();
    await db.schema
      .createIndex("user_roles_by_role")
      .on("user_roles")
      .columns(["operator_id", "role_id"])
      .execute();
    await db.schema
      .createTable("default_permissions")
      .addColumn("operator_id", "text", (c) =>
        c.primaryKey().references("operators.operator_id").onDelete("cascade"),
      )
      .addColumn("permission", "text", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("auth_keys")
      .addColumn("auth_key_id", "text", (c) => c.primaryKey())
      .addColumn("operator_id", "text", (c) =>
        c.notNull().references("operators.operator_id").onDelete("cascade"),
      )
      // Null for the root user's keys; a user's keys go with the user.
      .addColumn("user_name", "text")
      .addColumn("secret_hash", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("last_used_at", "bigint")
      .addForeignKeyConstraint(
        "auth_keys_user",
        ["operator_id", "user_name"],
        "users",
        ["operator_id", "user_name"],
        (c) => c.onDelete("cascade"),
      )
      .execute();
    await db.schema
      .createIndex("auth_keys_by_owner")
      .on("auth_keys")
      .columns(["operator_id", "user_name"])
      .execute();
    await db.schema.alterTable("api_tokens").addColumn("user_name", "text").execute();
    await db.schema
      .createIndex("api_tokens_by_owner")
      .on("api_tokens")
      .columns(["operator_id", "user_name"])
      .execute();
  },
};
