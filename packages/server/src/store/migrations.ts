import { type Kysely, type Migration, type MigrationProvider, Migrator, PostgresAdapter, sql } from "kysely";
import { accountsUsersMigration } from "./accounts-migration.ts";
import { apiRateWindowsMigration } from "./api-rate-windows-migration.ts";
import { appVersionOriginsMigration, appVersionsMigration } from "./app-versions-migration.ts";
import { bandwidthBucketsMigration } from "./bandwidth-buckets-migration.ts";
import { collectBatchesMigration } from "./collect-batches-migration.ts";
import { deliveryRetriesMigration } from "./delivery-retries-migration.ts";
import { operatorLifecycleMigration } from "./operator-lifecycle-migration.ts";
import { operatorClosingsMigration, operatorSuspensionMigration } from "./operator-standing-migrations.ts";
import { operatorPlanTermsMigration, outageCreditsMigration } from "./outage-credits-migration.ts";
import { partnersMigration, tokenActorsMigration } from "./partners-migration.ts";
import { providerMigration } from "./provider-migration.ts";
import { testClocksMigration } from "./test-clocks-migration.ts";

/**
 * Migrations are written once with Kysely's schema builder and run unchanged on SQLite and PostgreSQL.
 * These are the store's own tables; each feature module brings its own, and the composition root
 * passes them all. They run in the order of their names, whichever module holds them.
 */
export const storeMigrations: Record<string, Migration> = {
  "0001_initial": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("operators")
        .addColumn("operator_id", "text", (c) => c.primaryKey())
        .addColumn("email", "text", (c) => c.notNull().unique())
        .addColumn("password_hash", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("api_tokens")
        .addColumn("token_hash", "text", (c) => c.primaryKey())
        .addColumn("api_key", "text", (c) => c.notNull())
        .addColumn("operator_id", "text", (c) =>
          c.notNull().references("operators.operator_id").onDelete("cascade"),
        )
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("apps")
        .addColumn("app_id", "text", (c) => c.primaryKey())
        .addColumn("operator_id", "text", (c) =>
          c.notNull().references("operators.operator_id").onDelete("cascade"),
        )
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("definition", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("apps_by_operator").on("apps").columns(["operator_id", "app_id"]).execute();
      await db.schema
        .createTable("credentials")
        .addColumn("operator_id", "text", (c) =>
          c.notNull().references("operators.operator_id").onDelete("cascade"),
        )
        .addColumn("credentials_id", "text", (c) => c.notNull())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("description", "text", (c) => c.notNull())
        .addColumn("sealed", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("credentials_pk", ["operator_id", "credentials_id"])
        .execute();
      await db.schema
        .createTable("incoming_webhooks")
        .addColumn("webhook_id", "text", (c) => c.primaryKey())
        .addColumn("operator_id", "text", (c) =>
          c.notNull().references("operators.operator_id").onDelete("cascade"),
        )
        .addColumn("app_id", "text", (c) => c.notNull().references("apps.app_id").onDelete("cascade"))
        .addColumn("channel_id", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("secret_hash", "text", (c) => c.notNull().unique())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("executions")
        .addColumn("execution_id", "text", (c) => c.primaryKey())
        .addColumn("operator_id", "text", (c) => c.notNull())
        .addColumn("app_id", "text", (c) => c.notNull())
        .addColumn("channel_id", "text", (c) => c.notNull())
        .addColumn("event_type", "text", (c) => c.notNull())
        .addColumn("dedupe_key", "text")
        .addColumn("replay_of", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addUniqueConstraint("executions_dedupe", ["operator_id", "app_id", "dedupe_key"])
        .execute();
      await db.schema
        .createIndex("executions_by_app")
        .on("executions")
        .columns(["operator_id", "app_id", "execution_id"])
        .execute();
      await db.schema.createIndex("executions_by_time").on("executions").columns(["created_at"]).execute();
      await db.schema
        .createTable("messages")
        .addColumn("message_id", "text", (c) => c.primaryKey())
        .addColumn("execution_id", "text", (c) => c.notNull())
        .addColumn("operator_id", "text", (c) => c.notNull())
        .addColumn("app_id", "text", (c) => c.notNull())
        .addColumn("channel_id", "text", (c) => c.notNull())
        .addColumn("hop", "integer", (c) => c.notNull())
        .addColumn("payload", "text", (c) => c.notNull())
        .addColumn("context", "text", (c) => c.notNull())
        .addColumn("parent_step_id", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("messages_by_execution").on("messages").columns(["execution_id"]).execute();
      await db.schema
        .createTable("steps")
        .addColumn("step_id", "text", (c) => c.primaryKey())
        .addColumn("execution_id", "text", (c) => c.notNull())
        .addColumn("message_id", "text", (c) => c.notNull())
        .addColumn("operator_id", "text", (c) => c.notNull())
        .addColumn("app_id", "text", (c) => c.notNull())
        .addColumn("channel_id", "text", (c) => c.notNull())
        .addColumn("action_id", "text", (c) => c.notNull())
        .addColumn("action_type", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("condition_value", "integer")
        .addColumn("input", "text")
        .addColumn("result", "text")
        .addColumn("error", "text")
        .addColumn("usage", "text")
        .addColumn("attempts", "integer", (c) => c.notNull())
        .addColumn("started_at", "bigint", (c) => c.notNull())
        .addColumn("finished_at", "bigint")
        .execute();
      await db.schema.createIndex("steps_by_execution").on("steps").columns(["execution_id"]).execute();
      await db.schema
        .createTable("jobs")
        .addColumn("job_id", "text", (c) => c.primaryKey())
        .addColumn("operator_id", "text", (c) => c.notNull())
        .addColumn("app_id", "text", (c) => c.notNull())
        .addColumn("execution_id", "text", (c) => c.notNull())
        .addColumn("message_id", "text", (c) => c.notNull())
        .addColumn("action_id", "text", (c) => c.notNull())
        .addColumn("available_at", "bigint", (c) => c.notNull())
        .addColumn("lease_until", "bigint")
        .addColumn("attempts", "integer", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("jobs_due").on("jobs").columns(["available_at"]).execute();
      await db.schema.createIndex("jobs_by_execution").on("jobs").columns(["execution_id"]).execute();
      await db.schema
        .createTable("email_sends")
        .addColumn("send_id", "text", (c) => c.primaryKey())
        .addColumn("operator_id", "text", (c) => c.notNull())
        .addColumn("recipients", "integer", (c) => c.notNull())
        .addColumn("sent_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("email_sends_by_operator")
        .on("email_sends")
        .columns(["operator_id", "sent_at"])
        .execute();
    },
  },
  "0005_app_versions": appVersionsMigration,
  "0009_app_version_origins": appVersionOriginsMigration,
  "0013_accounts_users": accountsUsersMigration,
  "0014_collect_batches": collectBatchesMigration,
  "0016_delivery_retries": deliveryRetriesMigration,
  "0017_api_rate_windows": apiRateWindowsMigration,
  "0022_provider": providerMigration,
  "0052_test_clocks": testClocksMigration,
  "0053_outage_credits": outageCreditsMigration,
  "0054_operator_plan_terms": operatorPlanTermsMigration,
  "0035_operator_lifecycle": operatorLifecycleMigration,
  "0047_partners": partnersMigration,
  "0048_token_actors": tokenActorsMigration,
  "0038_operator_closings": operatorClosingsMigration,
  "0039_operator_suspension": operatorSuspensionMigration,
  "0041_bandwidth_buckets": bandwidthBucketsMigration,
};

/**
 * On PostgreSQL, Kysely looks for its migration tables in every schema it can see: naming the current
 * one keeps databases in other schemas (test suites side by side) from passing for this one.
 */
export async function migratorFor(
  db: Kysely<unknown>,
  migrations: Readonly<Record<string, Migration>>,
): Promise<Migrator> {
  const provider: MigrationProvider = { getMigrations: async () => ({ ...migrations }) };
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return new Migrator({ db, provider });
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return new Migrator({ db, provider, migrationTableSchema: rows[0]?.schema ?? "public" });
}

export async function migrateToLatest(
  db: Kysely<unknown>,
  migrations: Readonly<Record<string, Migration>>,
): Promise<void> {
  const { error, results } = await (await migratorFor(db, migrations)).migrateToLatest();
  const failed = results?.find((result) => result.status === "Error");
  if (error || failed)
    throw new Error(`database migration ${failed?.migrationName ?? ""} failed: ${String(error)}`);
}
