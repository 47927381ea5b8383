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

/** One take of a batch (`takeMany`): from the bucket `bucket` of `operatorId`, at `now` (Unix ms). */
export interface BucketTakeRequest {
  operatorId: string;
  bucket: string;
  request: BucketRequest;
  rate: BucketRate;
  now: number;
}

/**
 * Token buckets of ingest bytes, kept in the database so every instance sharing it takes from one bucket.
 * A take is an upsert: it refills the row by the time elapsed since its last refill (capped at the burst),
 * takes when there is enough, and returns what it took. The database serialises concurrent upserts of one
 * row, so concurrent takers together never get more than the bucket held. A batch of takes (of distinct
 * buckets) is one statement: the request and rate of each row travel in its own columns, which the update
 * reads through `excluded`.
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
    const [take] = await this.takeMany([{ operatorId, bucket, request, rate, now }]);
    if (!take) throw new Error(`the bucket ${bucket} of ${operatorId} answered nothing`);
    return take;
  }

  /**
   * Deletes the buckets that have refilled to the full burst by `now`: a bucket taken from again starts
   * full, so they are as good as absent, and the rows of removed devices do not pile up.
   */
  async forgetFull(now: number): Promise<number> {
    const deleted = await this.db
      .deleteFrom("bandwidthBuckets")
      .where(sql<boolean>`tokens + (${now} - refilled_at) * bytes_per_second / 1000 >= burst_bytes`)
      .executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }

  /** The takes in one statement, answered in their order; each bucket at most once. */
  async takeMany(takes: readonly BucketTakeRequest[]): Promise<BucketTake[]> {
    if (takes.length === 0) return [];
    const elapsedMs = sql<number>`case when excluded.refilled_at > bandwidth_buckets.refilled_at then excluded.refilled_at - bandwidth_buckets.refilled_at else 0 end`;
    const refilled = sql<number>`bandwidth_buckets.tokens + ${elapsedMs} * excluded.bytes_per_second / 1000`;
    const available = sql<number>`case when ${refilled} > excluded.burst_bytes then excluded.burst_bytes else ${refilled} end`;
    const taken = sql<number>`case
      when ${available} >= excluded.least_bytes then case when ${available} > excluded.most_bytes then excluded.most_bytes else ${available} end
      when ${available} >= excluded.burst_bytes then excluded.least_bytes
      else 0 end`;
    // Rows in one order, so two instances' batches lock shared rows in the same order (no deadlock).
    const rows = takes
      .map(({ operatorId, bucket, request, rate, now }) => {
        // A new bucket starts full.
        const firstTake =
          rate.burstBytes >= request.least ? Math.min(rate.burstBytes, request.most) : request.least;
        return {
          operatorId,
          bucket,
          tokens: rate.burstBytes - firstTake,
          refilledAt: now,
          granted: firstTake,
          bytesPerSecond: rate.bytesPerSecond,
          burstBytes: rate.burstBytes,
          leastBytes: request.least,
          mostBytes: request.most,
        };
      })
      .sort((a, b) => (a.operatorId + a.bucket < b.operatorId + b.bucket ? -1 : 1));
    const answered = await this.db
      .insertInto("bandwidthBuckets")
      .values(rows)
      .onConflict((conflict) =>
        conflict.columns(["operatorId", "bucket"]).doUpdateSet({
          tokens: sql<number>`${available} - ${taken}`,
          refilledAt: sql<number>`case when excluded.refilled_at > bandwidth_buckets.refilled_at then excluded.refilled_at else bandwidth_buckets.refilled_at end`,
          granted: taken,
          bytesPerSecond: sql<number>`excluded.bytes_per_second`,
          burstBytes: sql<number>`excluded.burst_bytes`,
          leastBytes: sql<number>`excluded.least_bytes`,
          mostBytes: sql<number>`excluded.most_bytes`,
        }),
      )
      .returning(["operatorId", "bucket", "tokens", "granted"])
      .execute();
    const byBucket = new Map(answered.map((row) => [`${row.operatorId}\n${row.bucket}`, row]));
    return takes.map(({ operatorId, bucket }) => {
      const row = byBucket.get(`${operatorId}\n${bucket}`);
      if (!row) throw new Error(`the bucket ${bucket} of ${operatorId} answered nothing`);
      return { taken: Number(row.granted), tokens: Number(row.tokens) };
    });
  }
}
