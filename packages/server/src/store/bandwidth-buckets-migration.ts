import type { Kysely, Migration } from "kysely";

/**
 * The ingest token buckets (bandwidth-buckets.ts): one row per operator and bucket, updated in place, so
 * every instance on the database takes from the same bucket.
 */
export const bandwidthBucketsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("bandwidth_buckets")
      .addColumn("operator_id", "text", (c) => c.notNull())
      .addColumn("bucket", "text", (c) => c.notNull())
      .addColumn("tokens", "double precision", (c) => c.notNull())
      .addColumn("refilled_at", "bigint", (c) => c.notNull())
      .addColumn("granted", "double precision", (c) => c.notNull())
      .addColumn("bytes_per_second", "double precision", (c) => c.notNull())
      .addColumn("burst_bytes", "double precision", (c) => c.notNull())
      .addColumn("least_bytes", "double precision", (c) => c.notNull())
      .addColumn("most_bytes", "double precision", (c) => c.notNull())
      .addPrimaryKeyConstraint("bandwidth_buckets_pk", ["operator_id", "bucket"])
      .execute();
  },
};
