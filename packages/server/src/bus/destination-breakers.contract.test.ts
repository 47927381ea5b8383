import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWithOperators, useContractDatabases } from "../../test/databases.ts";
import type { Database } from "../store/schema.ts";
import type { SqlStore } from "../store/sql-store.ts";
import { parkedAt } from "./bus.ts";
import { DestinationBreakers, destinationOf } from "./destination-breakers.ts";

const { databases, sqliteDir } = await useContractDatabases("breakers");
const alice = "OP0000000001";
const bob = "OP0000000002";
const down = "https://hooks.example:443";

describe.each(databases)("destination breakers on %s", (_name, database) => {
  let store: SqlStore;
  let db: Kysely<Database>;
  let breakers: DestinationBreakers;

  beforeAll(async () => {
    if (!database) return;
    const opened = await openWithOperators(database, sqliteDir);
    store = opened.store;
    db = opened.db;
    breakers = new DestinationBreakers(db, { failuresToOpen: 3, firstWaitMs: 1_000, maxWaitMs: 4_000 });
  });
  afterAll(async () => store?.close());

  async function parkJob(operatorId: string, jobId: string, retryUntil = 1e12): Promise<void> {
    await db
      .insertInto("jobs")
      .values({
        jobId,
        operatorId,
        appId: "APP",
        executionId: jobId,
        messageId: jobId,
        actionId: "hook",
        availableAt: parkedAt,
        leaseUntil: null,
        attempts: 1,
        retries: 1,
        retryUntil,
        destination: down,
        createdAt: 0,
      })
      .execute();
  }

  async function availableAt(jobId: string): Promise<number | undefined> {
    const row = await db
      .selectFrom("jobs")
      .select("availableAt")
      .where("jobId", "=", jobId)
      .executeTakeFirst();
    return row?.availableAt;
  }

  it.skipIf(!database)(
    "opens after failures in a row for one operator only, lets one probe through per wait, and releases every parked job on an answer",
    async () => {
      const t = 1_000_000;
      expect(await breakers.failed(alice, down, 0, t)).toBe(false);
      expect(await breakers.failed(alice, down, 0, t + 1)).toBe(false);
      expect(await breakers.failed(alice, down, 0, t + 2)).toBe(true);
      // Bob's deliveries to the same host are his own business.
      expect(await breakers.holds(bob, down, "B1", t + 3)).toBe(false);
      expect(await breakers.failed(bob, down, 0, t + 3)).toBe(false);
      expect(await breakers.holds(alice, down, "A1", t + 3)).toBe(true);

      for (const jobId of ["A1", "A2", "A3"]) await parkJob(alice, jobId);
      await parkJob(bob, "B1");
      // The wait (1 s) is not over: nothing is let through.
      expect(await breakers.releaseProbes(t + 500)).toBe(0);
      expect(await breakers.releaseProbes(t + 1_002)).toBe(1);
      const released = [];
      for (const jobId of ["A1", "A2", "A3"])
        if ((await availableAt(jobId)) === t + 1_002) released.push(jobId);
      expect(released).toHaveLength(1);
      const probe = released[0] as string;
      expect(await breakers.holds(alice, down, probe, t + 1_003)).toBe(false);
      expect(await breakers.holds(alice, down, "someone else", t + 1_003)).toBe(true);
      // Bob's job had no open breaker of his own to wait behind: released at the first sweep.
      expect(await availableAt("B1")).toBe(t + 500);

      // The probe failed too: the next one comes after a longer wait (2 s).
      expect(await breakers.failed(alice, down, 0, t + 1_100)).toBe(true);
      expect(await breakers.releaseProbes(t + 2_500)).toBe(0);
      expect(await breakers.releaseProbes(t + 3_003)).toBe(1);

      await breakers.answered(alice, down, t + 3_100);
      for (const jobId of ["A1", "A2", "A3"]) expect(await availableAt(jobId)).not.toBe(parkedAt);
      expect(await breakers.holds(alice, down, "A1", t + 3_101)).toBe(false);
    },
  );

  it.skipIf(!database)(
    "stays open as long as a Retry-After asked, and lets jobs whose time is up go",
    async () => {
      const t = 5_000_000;
      const slow = "http://slow.example:8080";
      for (let n = 0; n < 3; n++) await breakers.failed(bob, slow, 30_000, t);
      expect(await breakers.holds(bob, slow, "any", t + 20_000)).toBe(true);
      await db
        .insertInto("jobs")
        .values({
          jobId: "late",
          operatorId: bob,
          appId: "APP",
          executionId: "late",
          messageId: "late",
          actionId: "hook",
          availableAt: parkedAt,
          leaseUntil: null,
          attempts: 3,
          retries: 3,
          retryUntil: t + 10_000,
          destination: slow,
          createdAt: 0,
        })
        .execute();
      await breakers.releaseProbes(t + 10_000);
      expect(await availableAt("late")).toBe(t + 10_000);
    },
  );

  it("names a destination by scheme, host and port", () => {
    expect(destinationOf("https://hooks.example/a?b=1")).toBe("https://hooks.example:443");
    expect(destinationOf("http://10.0.0.1:8080/x")).toBe("http://10.0.0.1:8080");
    expect(destinationOf("not a url")).toBeNull();
  });
});
