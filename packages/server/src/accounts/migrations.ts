import type { Kysely, Migration } from "kysely";

/** TOTP per root user (user_name '') and per user, with the last step used (no replay), and root's backup codes. */
const mfaMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("mfa")
      .addColumn("operator_id", "text", (c) =>
        c.notNull().references("operators.operator_id").onDelete("cascade"),
      )
      .addColumn("user_name", "text", (c) => c.notNull())
      .addColumn("sealed_secret", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("last_used_step", "bigint")
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("mfa_pk", ["operator_id", "user_name"])
      .execute();
    await db.schema
      .createTable("mfa_backup_codes")
      .addColumn("operator_id", "text", (c) =>
        c.notNull().references("operators.operator_id").onDelete("cascade"),
      )
      .addColumn("code_hash", "text", (c) => c.notNull())
      .addColumn("used_at", "bigint")
      .addPrimaryKeyConstraint("mfa_backup_codes_pk", ["operator_id", "code_hash"])
      .execute();
  },
};

/** One row per failed sign-in and key (an account or a client address, hashed), shared by every instance. */
const signInFailuresMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("sign_in_failures")
      .addColumn("key_hash", "text", (c) => c.notNull())
      .addColumn("attempt_id", "text", (c) => c.notNull())
      .addColumn("failed_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("sign_in_failures_pk", ["key_hash", "attempt_id"])
      .execute();
    await db.schema
      .createIndex("sign_in_failures_by_time")
      .on("sign_in_failures")
      .column("failed_at")
      .execute();
  },
};

/** Mailed one-time tokens (password reset, adding an address) and the operator's verified addresses. */
const emailTokensMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("email_tokens")
      .addColumn("token_hash", "text", (c) => c.primaryKey())
      .addColumn("purpose", "text", (c) => c.notNull())
      .addColumn("operator_id", "text", (c) =>
        c.notNull().references("operators.operator_id").onDelete("cascade"),
      )
      .addColumn("email", "text", (c) => c.notNull())
      .addColumn("expires_at", "bigint", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("email_tokens_by_email")
      .on("email_tokens")
      .columns(["email", "created_at"])
      .execute();
    await db.schema
      .createTable("verified_emails")
      .addColumn("operator_id", "text", (c) =>
        c.notNull().references("operators.operator_id").onDelete("cascade"),
      )
      .addColumn("email_id", "text", (c) => c.notNull())
      .addColumn("email", "text", (c) => c.notNull())
      .addColumn("verified", "integer", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("verified_emails_pk", ["operator_id", "email_id"])
      .addUniqueConstraint("verified_emails_address", ["operator_id", "email"])
      .execute();
  },
};

export const accountsMigrations: Record<string, Migration> = {
  "0019_mfa": mfaMigration,
  "0020_sign_in_failures": signInFailuresMigration,
  "0021_email_tokens": emailTokensMigration,
};
