import type { Kysely, Migration } from "kysely";

/**
 * Delivery that outlasts an outage: a job remembers how many of its tries ended in a retry (so tries cut
 * short by a crash can be told apart), until when it may be retried, and the destination it failed on;
 * a destination's circuit breaker per operator parks that operator's jobs for it while it is down.
 */
export const deliveryRetriesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable("jobs")
      .addColumn("retries", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable("jobs").addColumn("retry_until", "bigint").execute();
    await db.schema.alterTable("jobs").addColumn("destination", "text").execute();
    await db.schema
      .createIndex("jobs_by_destination")
      .on("jobs")
      .columns(["operator_id", "destination", "available_at"])
      .execute();
    await db.schema
      .createTable("destination_breakers")
      .addColumn("operator_id", "text", (c) => c.notNull())
      .addColumn("destination", "text", (c) => c.notNull())
      .addColumn("failures", "integer", (c) => c.notNull())
      .addColumn("open_until", "bigint")
      .addColumn("wait_ms", "integer", (c) => c.notNull())
      .addColumn("probe_job_id", "text")
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("destination_breakers_pk", ["operator_id", "destination"])
      .execute();
    await db.schema
      .createIndex("destination_breakers_due")
      .on("destination_breakers")
      .columns(["open_until"])
      .execute();
    // The failed deliveries view filters failed steps of an operator by time.
    await db.schema
      .createIndex("steps_by_operator_status")
      .on("steps")
      .columns(["operator_id", "status", "finished_at"])
      .execute();
  },
};
