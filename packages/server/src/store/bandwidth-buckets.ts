import { type Kysely, sql } from "kysely";
import type { Database } from "./schema.ts";

/** How fast a bucket refills and how much it holds. */
export interface BucketRate {
  bytesPerSecond: number;
  /** The most a full bucket holds: what may be sent at once after a quiet spell. */
  burstBytes: number;
}

/** What one take asks for: at least `least` bytes, and up to `most` when the bucket has them. */
export interface BucketRequest {
  least: number;
  most: number;
}

export interface BucketTake {
  /** Bytes taken: 0 when refused, else between `least` and `most`. */
  taken: number;
  /** Bytes left in the bucket after this take (below zero after a message larger than the burst). */
  tokens: number;
}

/**
 * Token buckets of ingest bytes, kept in the database so every instance sharing it takes from one bucket.
 * A take is one upsert: it refills the row by the time elapsed since its last refill (capped at the
 * burst), takes when there is enough, and returns what it took. The database serialises concurrent
 * upserts of one row, so concurrent takers together never get more than the bucket held.
 *
 * A message larger than the burst could never pass a bucket that must hold it whole, so such a take
 * needs only a full bucket and leaves it in debt: the refill pays the debt before anything else passes,
 * and the average stays the rate.
 *
 * Instances are assumed to agree on the time to well within a second; a clock behind the row's last
 * refill adds nothing (the row's time never goes back).
 */
export class BandwidthBuckets {
  constructor(private readonly db: Kysely<Database>) {}

  async take(
    operatorId: string,
    bucket: string,
    request: BucketRequest,
    rate: BucketRate,
    now: number,
  ): Promise<BucketTake> {
    const { least, most } = request;
    const { bytesPerSecond, burstBytes } = rate;
    const need = Math.min(least, burstBytes);
    // Parameters in arithmetic are cast: PostgreSQL would otherwise type them after the bigint column.
    const real = (value: number) => sql<number>`cast(${value} as double precision)`;
    const elapsedMs = sql<number>`case when ${now} > bandwidth_buckets.refilled_at then ${now} - bandwidth_buckets.refilled_at else 0 end`;
    const refilled = sql<number>`bandwidth_buckets.tokens + ${elapsedMs} * ${real(bytesPerSecond)} / 1000`;
    const available = sql<number>`case when ${refilled} > ${real(burstBytes)} then ${real(burstBytes)} else ${refilled} end`;
    const taken = sql<number>`case
      when ${available} >= ${real(least)} then case when ${available} > ${real(most)} then ${real(most)} else ${available} end
      when ${available} >= ${real(need)} then ${real(least)}
      else 0 end`;
    // A new bucket starts full.
    const firstTake = burstBytes >= least ? Math.min(burstBytes, most) : least;
    const row = await this.db
      .insertInto("bandwidthBuckets")
      .values({ operatorId, bucket, tokens: burstBytes - firstTake, refilledAt: now, granted: firstTake })
      .onConflict((conflict) =>
        conflict.columns(["operatorId", "bucket"]).doUpdateSet({
          tokens: sql<number>`${available} - ${taken}`,
          refilledAt: sql<number>`case when ${now} > bandwidth_buckets.refilled_at then ${now} else bandwidth_buckets.refilled_at end`,
          granted: taken,
        }),
      )
      .returning(["tokens", "granted"])
      .executeTakeFirstOrThrow();
    return { taken: Number(row.granted), tokens: Number(row.tokens) };
  }
}
