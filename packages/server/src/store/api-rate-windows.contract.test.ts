import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useContractDatabases } from "../../test/databases.ts";
import { openDatabase } from "../conflux.ts";
import { ApiRateLimiter } from "./api-rate-windows.ts";
import type { Database } from "./schema.ts";

const { databases, sqliteDir } = await useContractDatabases("api-rate-windows");

const noon = Date.UTC(2026, 11, 5, 12);

describe.each(databases)("the API rate limit on %s", (_name, database) => {
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

  it.skipIf(!database)("counts per operator and API group in a one-minute window", async () => {
    const limiter = new ApiRateLimiter(first, 2);
    const reset = noon + 60_000;
    expect(await limiter.take("OPA", "App", noon)).toEqual({
      allowed: true,
      limit: 2,
      remaining: 1,
      resetAtMs: reset,
    });
    expect(await limiter.take("OPA", "App", noon + 10)).toEqual({
      allowed: true,
      limit: 2,
      remaining: 0,
      resetAtMs: reset,
    });
    expect(await limiter.take("OPA", "App", noon + 20)).toEqual({
      allowed: false,
      limit: 2,
      remaining: 0,
      resetAtMs: reset,
    });
    // Another group and another operator have windows of their own.
    expect((await limiter.take("OPA", "Device", noon + 20)).remaining).toBe(1);
    expect((await limiter.take("OPB", "App", noon + 20)).remaining).toBe(1);
    // The window ends by time alone; the next starts with the first call after it.
    expect(await limiter.take("OPA", "App", noon + 60_005)).toEqual({
      allowed: true,
      limit: 2,
      remaining: 1,
      resetAtMs: noon + 120_005,
    });
  });

  it.skipIf(!database)(
    "never lets concurrent callers on two connections together go over the limit",
    async () => {
      const limiters = [new ApiRateLimiter(first, 30), new ApiRateLimiter(second, 30)];
      const taken = await Promise.all(
        Array.from({ length: 80 }, (_, index) => limiters[index % 2]?.take("OPC", "App", noon)),
      );
      expect(taken.filter((decision) => decision?.allowed)).toHaveLength(30);
      expect(
        taken
          .map((decision) => decision?.remaining)
          .sort((a = 0, b = 0) => a - b)
          .slice(-3),
      ).toEqual([27, 28, 29]);
    },
  );

  it.skipIf(!database)("keeps one row per operator and group however many windows pass", async () => {
    const limiter = new ApiRateLimiter(first, 1);
    for (let minute = 0; minute < 4; minute++) {
      expect((await limiter.take("OPD", "App", noon + minute * 60_000)).allowed).toBe(true);
      expect((await limiter.take("OPD", "App", noon + minute * 60_000 + 1)).allowed).toBe(false);
    }
    const rows = await first
      .selectFrom("apiRateWindows")
      .selectAll()
      .where("operatorId", "=", "OPD")
      .execute();
    expect(rows).toEqual([{ operatorId: "OPD", apiGroup: "App", windowStart: noon + 180_000, calls: 2 }]);
  });
});
