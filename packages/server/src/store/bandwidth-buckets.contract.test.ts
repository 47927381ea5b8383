import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useContractDatabases } from "../../test/databases.ts";
import { openDatabase } from "../conflux.ts";
import { BandwidthBuckets } from "./bandwidth-buckets.ts";
import type { Database } from "./schema.ts";

const { databases, sqliteDir } = await useContractDatabases("bandwidth-buckets");

const noon = Date.UTC(2026, 11, 5, 12);
const rate = { bytesPerSecond: 1_000, burstBytes: 1_000 };
const exactly = (bytes: number) => ({ least: bytes, most: bytes });

describe.each(databases)("the ingest token buckets on %s", (_name, database) => {
  // Two connections to one database, as two instances have.
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

  it.skipIf(!database)("a new bucket is full, and an empty one refuses without taking", async () => {
    const buckets = new BandwidthBuckets(first);
    expect(await buckets.take("OPA", "operator", exactly(600), rate, noon)).toEqual({
      taken: 600,
      tokens: 400,
    });
    expect(await buckets.take("OPA", "operator", exactly(400), rate, noon)).toEqual({
      taken: 400,
      tokens: 0,
    });
    expect(await buckets.take("OPA", "operator", exactly(1), rate, noon)).toEqual({ taken: 0, tokens: 0 });
    // Another bucket of the operator and another operator's bucket are full.
    expect((await buckets.take("OPA", "device:d1", exactly(1), rate, noon)).taken).toBe(1);
    expect((await buckets.take("OPB", "operator", exactly(1), rate, noon)).taken).toBe(1);
  });

  it.skipIf(!database)("refills by the time elapsed, up to the burst", async () => {
    const buckets = new BandwidthBuckets(first);
    await buckets.take("OPC", "operator", exactly(1_000), rate, noon);
    // 250 ms bring 250 bytes: 300 is too much, 250 passes.
    expect(await buckets.take("OPC", "operator", exactly(300), rate, noon + 250)).toEqual({
      taken: 0,
      tokens: 250,
    });
    expect(await buckets.take("OPC", "operator", exactly(250), rate, noon + 250)).toEqual({
      taken: 250,
      tokens: 0,
    });
    // A quiet minute fills it to the burst, not beyond.
    expect(await buckets.take("OPC", "operator", exactly(1_001), rate, noon + 60_000)).toEqual({
      taken: 1_001,
      tokens: -1,
    });
  });

  it.skipIf(!database)("takes up to `most` when there is more than `least`", async () => {
    const buckets = new BandwidthBuckets(first);
    expect(await buckets.take("OPD", "operator", { least: 10, most: 300 }, rate, noon)).toEqual({
      taken: 300,
      tokens: 700,
    });
    await buckets.take("OPD", "operator", exactly(650), rate, noon);
    expect(await buckets.take("OPD", "operator", { least: 10, most: 300 }, rate, noon)).toEqual({
      taken: 50,
      tokens: 0,
    });
  });

  it.skipIf(!database)(
    "a message larger than the burst needs a full bucket and leaves it in debt",
    async () => {
      const buckets = new BandwidthBuckets(first);
      await buckets.take("OPE", "operator", exactly(1), rate, noon);
      // Not full: 999 < the burst, so a 5 000-byte message waits.
      expect((await buckets.take("OPE", "operator", exactly(5_000), rate, noon)).taken).toBe(0);
      expect(await buckets.take("OPE", "operator", exactly(5_000), rate, noon + 1)).toEqual({
        taken: 5_000,
        tokens: -4_000,
      });
      // The debt is paid before anything else passes: 4 s later the bucket is just empty.
      expect(await buckets.take("OPE", "operator", exactly(1), rate, noon + 4_001)).toEqual({
        taken: 0,
        tokens: 0,
      });
      expect((await buckets.take("OPE", "operator", exactly(1), rate, noon + 4_002)).taken).toBe(1);
    },
  );

  it.skipIf(!database)("a clock behind the bucket's last refill adds nothing", async () => {
    const buckets = new BandwidthBuckets(first);
    await buckets.take("OPF", "operator", exactly(1_000), rate, noon + 5_000);
    expect(await buckets.take("OPF", "operator", exactly(1), rate, noon)).toEqual({ taken: 0, tokens: 0 });
    // The row kept its later time: 100 ms after it bring 100 bytes, not 5 100.
    expect(await buckets.take("OPF", "operator", exactly(1_000), rate, noon + 5_100)).toEqual({
      taken: 0,
      tokens: 100,
    });
  });

  it.skipIf(!database)(
    "concurrent takers on two connections together never get more than the bucket holds",
    async () => {
      const buckets = [new BandwidthBuckets(first), new BandwidthBuckets(second)];
      const takes = await Promise.all(
        Array.from({ length: 80 }, (_, index) =>
          buckets[index % 2]?.take("OPG", "device:d1", exactly(30), rate, noon),
        ),
      );
      const taken = takes.map((take) => take?.taken ?? 0);
      // 33 × 30 = 990 fit into 1 000; the 34th would need 1 020.
      expect(taken.filter((bytes) => bytes > 0)).toHaveLength(33);
      expect(taken.reduce((sum, bytes) => sum + bytes, 0)).toBe(990);
    },
  );

  it.skipIf(!database)("takes of several buckets in one statement are answered in their order", async () => {
    const buckets = new BandwidthBuckets(first);
    await buckets.take("OPI", "device:b", exactly(900), rate, noon);
    const take = (bucket: string, bytes: number) => ({
      operatorId: "OPI",
      bucket,
      request: exactly(bytes),
      rate,
      now: noon,
    });
    expect(
      await buckets.takeMany([take("device:c", 300), take("device:b", 200), take("operator", 1_000)]),
    ).toEqual([
      { taken: 300, tokens: 700 },
      { taken: 0, tokens: 100 },
      { taken: 1_000, tokens: 0 },
    ]);
  });

  it.skipIf(!database)(
    "batches of the same buckets on two connections, in any order, never over-grant",
    async () => {
      const buckets = [new BandwidthBuckets(first), new BandwidthBuckets(second)];
      const names = Array.from({ length: 20 }, (_, index) => `device:d${index}`);
      const batches = await Promise.all(
        Array.from({ length: 20 }, (_, round) => {
          const order = round % 2 === 0 ? names : [...names].reverse();
          return buckets[round % 2]?.takeMany(
            order.map((bucket) => ({ operatorId: "OPJ", bucket, request: exactly(300), rate, now: noon })),
          );
        }),
      );
      const granted = batches.flat().filter((take) => (take?.taken ?? 0) > 0);
      // Three takes of 300 fit into each bucket of 1 000.
      expect(granted).toHaveLength(3 * names.length);
    },
  );

  it.skipIf(!database)("forgets the buckets that are full again, which then start full", async () => {
    const buckets = new BandwidthBuckets(first);
    await buckets.take("OPK", "device:full-soon", exactly(500), rate, noon);
    await buckets.take("OPK", "device:in-debt", exactly(3_000), rate, noon);
    // 600 ms later the first is full (500 + 600 > 1 000); the second is still 1 400 short of full.
    await buckets.forgetFull(noon + 600);
    const rows = await first
      .selectFrom("bandwidthBuckets")
      .select("bucket")
      .where("operatorId", "=", "OPK")
      .execute();
    expect(rows).toEqual([{ bucket: "device:in-debt" }]);
    expect(await buckets.take("OPK", "device:full-soon", exactly(1_000), rate, noon + 600)).toEqual({
      taken: 1_000,
      tokens: 0,
    });
  });

  it.skipIf(!database)("keeps one row per bucket however many takes pass", async () => {
    const buckets = new BandwidthBuckets(first);
    for (let second = 0; second < 5; second++)
      await buckets.take("OPH", "device:d1", exactly(100), rate, noon + second * 1_000);
    const rows = await first
      .selectFrom("bandwidthBuckets")
      .selectAll()
      .where("operatorId", "=", "OPH")
      .execute();
    expect(rows).toHaveLength(1);
  });
});
