import type { BandwidthBuckets, BucketRate, BucketTake, BucketTakeRequest } from "./bandwidth-buckets.ts";

export type BandwidthDecision = { granted: true } | { granted: false; waitMs: number };

interface Lease {
  /** Bytes taken from the shared bucket and not used yet. */
  tokens: number;
  /** Unix ms of the last take from the shared bucket. */
  takenAt: number;
  /** The shared bucket's tokens at the last round trip: others only take from it, so it holds no more now. */
  shared?: { tokens: number; at: number };
  /** Takes of this bucket run one after another, so concurrent ones share a round trip's chunk. */
  queue: Promise<unknown>;
}

/** A lease's bytes are dropped this long after they were taken (counted as sent). */
const leaseMs = 1_000;
/** Leases kept before the expired ones are swept. */
const sweepAbove = 10_000;

/**
 * A process's lease of bytes on each shared bucket (bandwidth-buckets.ts), so that thousands of
 * messages a second do not each cost a round trip: a take that the lease cannot cover takes a chunk of
 * `chunkSeconds` worth of the rate (at least what it needs) from the shared bucket in one upsert, and
 * the next messages use the rest.
 *
 * The trade-off: bytes a process leased are gone from the shared bucket, so another instance may be
 * refused while this one holds up to a chunk unused (by default a tenth of a second's worth per
 * instance), and an unused lease is dropped after a second. Nothing is ever granted twice: every byte
 * granted was taken from the shared bucket first. A chunk of 0 takes exactly what each message needs.
 * While the bucket is short, messages are refused from the last reading of it (it can only hold less
 * than the reading plus the refill since), so a flood past the limit costs no round trips either. The
 * takes that do reach the shared buckets in one event-loop turn (many devices' messages) share one
 * statement.
 */
export class BandwidthLeases {
  private readonly leases = new Map<string, Lease>();
  /** Takes from the shared buckets waiting for the next batch. */
  private pending: Array<{
    take: BucketTakeRequest;
    resolve(take: BucketTake): void;
    reject(error: unknown): void;
  }> = [];
  private flushScheduled = false;

  constructor(
    private readonly buckets: BandwidthBuckets,
    private readonly chunkSeconds = 0.1,
  ) {}

  take(operatorId: string, bucket: string, bytes: number, rate: BucketRate, now: number) {
    const lease = this.leaseOf(operatorId, bucket, now);
    const decision = lease.queue.then(() => this.takeInTurn(lease, operatorId, bucket, bytes, rate, now));
    lease.queue = decision.catch(() => undefined);
    return decision;
  }

  /** Bytes granted by `take` for a message that was refused after all (by another bucket). */
  giveBack(operatorId: string, bucket: string, bytes: number): void {
    const lease = this.leases.get(`${operatorId}\n${bucket}`);
    if (lease) lease.tokens += bytes;
  }

  private async takeInTurn(
    lease: Lease,
    operatorId: string,
    bucket: string,
    bytes: number,
    rate: BucketRate,
    now: number,
  ): Promise<BandwidthDecision> {
    if (now - lease.takenAt > leaseMs) lease.tokens = 0;
    if (lease.tokens >= bytes) {
      lease.tokens -= bytes;
      return { granted: true };
    }
    const least = bytes - lease.tokens;
    const need = Math.min(least, rate.burstBytes);
    const refuse = (tokens: number): BandwidthDecision => ({
      granted: false,
      waitMs: Math.ceil(((need - tokens) * 1_000) / rate.bytesPerSecond),
    });
    // A refusal the last reading already proves costs no round trip: a flood is refused from memory.
    if (lease.shared) {
      const elapsedMs = Math.max(0, now - lease.shared.at);
      const most = lease.shared.tokens + (elapsedMs * rate.bytesPerSecond) / 1_000;
      if (most < need) return refuse(most);
    }
    const most = Math.max(least, Math.floor(rate.bytesPerSecond * this.chunkSeconds));
    const { taken, tokens } = await this.takeShared({
      operatorId,
      bucket,
      request: { least, most },
      rate,
      now,
    });
    lease.shared = { tokens, at: now };
    if (taken === 0) return refuse(tokens);
    lease.tokens += taken - bytes;
    lease.takenAt = now;
    return { granted: true };
  }

  /**
   * Takes from the shared buckets of one event-loop turn go in one statement (`takeMany`), so many
   * devices' messages share a round trip. A bucket appears once in a statement; a second take of it
   * (rare: each bucket's takes queue behind one another) waits for the next.
   */
  private takeShared(take: BucketTakeRequest): Promise<BucketTake> {
    return new Promise((resolve, reject) => {
      this.pending.push({ take, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const batch: typeof this.pending = [];
      const later: typeof this.pending = [];
      const keys = new Set<string>();
      for (const waiting of this.pending) {
        const key = `${waiting.take.operatorId}\n${waiting.take.bucket}`;
        (keys.has(key) ? later : batch).push(waiting);
        keys.add(key);
      }
      this.pending = later;
      if (later.length > 0) this.scheduleFlush();
      this.buckets.takeMany(batch.map((waiting) => waiting.take)).then(
        (takes) => {
          for (const [index, waiting] of batch.entries()) {
            const answer = takes[index];
            if (answer) waiting.resolve(answer);
            else waiting.reject(new Error("a batched take got no answer"));
          }
        },
        (error: unknown) => {
          for (const waiting of batch) waiting.reject(error);
        },
      );
    });
  }

  private leaseOf(operatorId: string, bucket: string, now: number): Lease {
    const key = `${operatorId}\n${bucket}`;
    let lease = this.leases.get(key);
    if (lease) return lease;
    if (this.leases.size >= sweepAbove)
      for (const [other, held] of this.leases) if (now - held.takenAt > leaseMs) this.leases.delete(other);
    lease = { tokens: 0, takenAt: now, queue: Promise.resolve() };
    this.leases.set(key, lease);
    return lease;
  }
}
