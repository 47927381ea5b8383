import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useContractDatabases } from "../../test/databases.ts";
import { openDatabase } from "../conflux.ts";
import { BandwidthBuckets, type BucketTakeRequest } from "./bandwidth-buckets.ts";
import { BandwidthLeases } from "./bandwidth-leases.ts";
import type { Database } from "./schema.ts";

const { databases, sqliteDir } = await useContractDatabases("bandwidth-leases");

const noon = Date.UTC(2026, 11, 5, 12);
const rate = { bytesPerSecond: 1_000, burstBytes: 1_000 };

/** The shared buckets, counting the round trips a process makes to them. */
class CountedBuckets extends BandwidthBuckets {
  roundTrips = 0;
  override takeMany(takes: readonly BucketTakeRequest[]) {
    this.roundTrips++;
    return super.takeMany(takes);
  }
}

describe.each(databases)("a process's leases on the shared buckets on %s", (_name, database) => {
  let first: Kysely<Database>;
  let second: Kysely<Database>;

  beforeAll(async () => {
    if (!database) return;
    first = (await openDatabase(database, sqliteDir)).db;
    second = (await openDatabase(database, sqliteDir)).db;
  });
  afterAll(async () => {
    await first?.destroy();
    await second?.destroy();
  });

  it.skipIf(!database)("takes the shared bucket in chunks: a round trip serves many messages", async () => {
    const buckets = new CountedBuckets(first);
    const leases = new BandwidthLeases(buckets, 0.1);
    const decisions = await Promise.all(
      Array.from({ length: 120 }, () => leases.take("OPA", "operator", 10, rate, noon)),
    );
    // The burst is 1 000 bytes: exactly 100 messages of 10 pass, in chunks of 100 bytes.
    expect(decisions.filter((decision) => decision.granted)).toHaveLength(100);
    // Ten chunks; the refusals come from the last reading of the empty bucket.
    expect(buckets.roundTrips).toBe(10);
    expect(decisions.at(-1)).toEqual({ granted: false, waitMs: 10 });
  });

  it.skipIf(!database)("takes of many buckets in one turn share one statement", async () => {
    const buckets = new CountedBuckets(first);
    const leases = new BandwidthLeases(buckets, 0.1);
    const decisions = await Promise.all(
      Array.from({ length: 50 }, (_, index) => leases.take("OPE", `device:d${index}`, 10, rate, noon)),
    );
    expect(decisions.every((decision) => decision.granted)).toBe(true);
    expect(buckets.roundTrips).toBe(1);
    const rows = await first
      .selectFrom("bandwidthBuckets")
      .select("tokens")
      .where("operatorId", "=", "OPE")
      .execute();
    // Each device's bucket gave a chunk of 100 bytes.
    expect(rows.map((row) => row.tokens)).toEqual(Array(50).fill(900));
  });

  it.skipIf(!database)("two processes' leases together never get more than the bucket holds", async () => {
    const processes = [
      new BandwidthLeases(new BandwidthBuckets(first), 0.1),
      new BandwidthLeases(new BandwidthBuckets(second), 0.1),
    ];
    const decisions = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        processes[index % 2]?.take("OPB", "device:d1", 7, rate, noon),
      ),
    );
    const granted = decisions.filter((decision) => decision?.granted).length;
    // Leases may strand a chunk's remainder in each process, never grant past the bucket.
    expect(granted * 7).toBeLessThanOrEqual(1_000);
    expect(granted * 7).toBeGreaterThan(1_000 - 2 * 100);
  });

  it.skipIf(!database)("bytes given back serve the next message without a round trip", async () => {
    const buckets = new CountedBuckets(first);
    const leases = new BandwidthLeases(buckets, 0);
    expect(await leases.take("OPC", "device:d1", 1_000, rate, noon)).toEqual({ granted: true });
    leases.giveBack("OPC", "device:d1", 1_000);
    expect(await leases.take("OPC", "device:d1", 1_000, rate, noon)).toEqual({ granted: true });
    expect(buckets.roundTrips).toBe(1);
    // The bucket is empty now: 400 bytes need 400 ms.
    expect(await leases.take("OPC", "device:d1", 400, rate, noon)).toEqual({ granted: false, waitMs: 400 });
    expect(await leases.take("OPC", "device:d1", 400, rate, noon + 100)).toEqual({
      granted: false,
      waitMs: 300,
    });
    expect(buckets.roundTrips).toBe(1);
    expect(await leases.take("OPC", "device:d1", 400, rate, noon + 400)).toEqual({ granted: true });
    expect(buckets.roundTrips).toBe(2);
  });

  it.skipIf(!database)("a lease unused for over a second is dropped", async () => {
    const buckets = new CountedBuckets(first);
    const leases = new BandwidthLeases(buckets, 0.5);
    await leases.take("OPD", "operator", 100, rate, noon);
    // The lease holds 400 more bytes; two seconds later they count as sent, and the bucket is full again.
    expect(await leases.take("OPD", "operator", 1_000, rate, noon + 2_000)).toEqual({ granted: true });
    expect(buckets.roundTrips).toBe(2);
  });
});
