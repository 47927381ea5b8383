import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useContractDatabases } from "../../test/databases.ts";
import { openDatabase } from "../conflux.ts";
import type { Database } from "../store/schema.ts";
import { AiRateLimiter } from "./rate-limit.ts";

const { databases, sqliteDir } = await useContractDatabases("ai-rate-limit");

const noon = Date.UTC(2026, 10, 25, 12);

describe.each(databases)("the AI request rate limit on %s", (_name, database) => {
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

  it.skipIf(!database)("allows the limit per operator per minute, then says how long to wait", async () => {
    const limiter = new AiRateLimiter(first, 2);
    expect(await limiter.take("OPA", noon)).toEqual({ allowed: true });
    expect(await limiter.take("OPA", noon + 10)).toEqual({ allowed: true });
    expect(await limiter.take("OPA", noon + 20_000)).toEqual({
      allowed: false,
      limit: 2,
      retryAfterMs: 40_000,
    });
    expect(await limiter.take("OPB", noon + 20_000)).toEqual({ allowed: true });
    expect(await limiter.take("OPA", noon + 59_999)).toEqual({ allowed: false, limit: 2, retryAfterMs: 1 });
    expect(await limiter.take("OPA", noon + 60_000)).toEqual({ allowed: true });
    expect(await limiter.take("OPA", noon + 60_001)).toEqual({ allowed: true });
    expect(await limiter.take("OPA", noon + 60_002)).toEqual({
      allowed: false,
      limit: 2,
      retryAfterMs: 59_998,
    });
  });

  it.skipIf(!database)(
    "never lets concurrent takers on two connections together go over the limit",
    async () => {
      const limiters = [new AiRateLimiter(first, 25), new AiRateLimiter(second, 25)];
      const taken = await Promise.all(
        // One time for all: the window starts at noon whichever taker the database serves first.
        Array.from({ length: 60 }, (_, index) => limiters[index % 2]?.take("OPC", noon)),
      );
      expect(taken.filter((decision) => decision?.allowed)).toHaveLength(25);
      expect(await limiters[1]?.take("OPC", noon + 60_000)).toEqual({ allowed: true });
    },
  );

  it.skipIf(!database)("keeps one row an operator however many windows pass", async () => {
    const limiter = new AiRateLimiter(first, 1);
    for (let minute = 0; minute < 5; minute++) {
      expect(await limiter.take("OPD", noon + minute * 60_000)).toEqual({ allowed: true });
      expect((await limiter.take("OPD", noon + minute * 60_000 + 1)).allowed).toBe(false);
    }
    const rows = await first
      .selectFrom("apiRateWindows")
      .selectAll()
      .where("operatorId", "=", "OPD")
      .execute();
    expect(rows).toEqual([
      { operatorId: "OPD", apiGroup: "ai-requests", windowStart: noon + 4 * 60_000, calls: 2 },
    ]);
  });

  it.skipIf(!database)(
    "counts a request stamped by a clock behind the window's start into that window",
    async () => {
      const ahead = new AiRateLimiter(first, 2);
      const behind = new AiRateLimiter(second, 2);
      expect(await ahead.take("OPE", noon)).toEqual({ allowed: true });
      expect(await behind.take("OPE", noon - 2_000)).toEqual({ allowed: true });
      expect(await behind.take("OPE", noon - 1_000)).toEqual({
        allowed: false,
        limit: 2,
        retryAfterMs: 61_000,
      });
    },
  );
});

describe.each(databases)(
  "the AI request limit read from the provider's settings on %s",
  (_name, database) => {
    it.skipIf(!database)(
      "reads the limit on every request, so a changed setting applies at once",
      async () => {
        if (!database) return;
        const { db } = await openDatabase(database, sqliteDir);
        let perMinute = 1;
        const limiter = new AiRateLimiter(db, async () => perMinute);
        expect(await limiter.take("OPF", noon)).toEqual({ allowed: true });
        expect(await limiter.take("OPF", noon + 1)).toEqual({
          allowed: false,
          limit: 1,
          retryAfterMs: 59_999,
        });
        perMinute = 3;
        expect(await limiter.take("OPF", noon + 2)).toEqual({ allowed: true });
        await db.destroy();
      },
    );
  },
);
