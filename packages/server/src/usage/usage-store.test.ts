import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useContractDatabases } from "../../test/databases.ts";
import { openDatabase } from "../conflux.ts";
import { billingDay } from "../runtime/billing-month.ts";
import { UsageStore } from "./usage-store.ts";

const { databases, sqliteDir } = await useContractDatabases("usage");

const november = Date.UTC(2026, 10, 25, 12);
const december = Date.UTC(2026, 11, 1, 0, 0, 0, 1);
/** The frozen time of OPCLOCK's test clock. */
const frozen = Date.parse("2031-01-20T09:00:00Z");

describe.each(databases)("the usage counters on %s", (_name, database) => {
  let usage: UsageStore;
  let tokyo: UsageStore;
  let clocked: UsageStore;
  let close: () => Promise<void>;

  beforeAll(async () => {
    if (!database) return;
    const opened = await openDatabase(database, sqliteDir);
    usage = new UsageStore(opened.db);
    tokyo = new UsageStore(opened.db, { day: (at) => billingDay(at, "Asia/Tokyo") });
    clocked = new UsageStore(opened.db, undefined, (operatorId, at) =>
      operatorId === "OPCLOCK" ? frozen : at,
    );
    close = () => opened.db.destroy();
  });
  afterAll(async () => close?.());

  it.skipIf(!database)("adds up per operator and per UTC calendar month", async () => {
    await usage.forOperator("OPA").add({ ai_credits: 2, ai_input_tokens: 100 }, november);
    await usage.forOperator("OPA").add({ ai_credits: 3 }, november);
    await usage.forOperator("OPB").add({ ai_credits: 7 }, november);
    await usage.forOperator("OPA").add({ ai_credits: 1 }, december);
    expect(await usage.forOperator("OPA").month(november)).toEqual({ ai_credits: 5, ai_input_tokens: 100 });
    expect(await usage.forOperator("OPB").month(november)).toEqual({ ai_credits: 7 });
    expect(await usage.forOperator("OPA").month(december)).toEqual({ ai_credits: 1 });
  });

  it.skipIf(!database)("dates usage by the billing calendar, by month and by day", async () => {
    const lastEveningOfJuly = Date.parse("2026-07-31T14:30:00Z");
    const firstMorningOfAugust = Date.parse("2026-07-31T15:30:00Z");
    await tokyo.forOperator("OPT").add({ ai_credits: 2 }, lastEveningOfJuly);
    await tokyo.forOperator("OPT").add({ ai_credits: 3 }, firstMorningOfAugust);
    await tokyo.forOperator("OPT").add({ ai_credits: 4 }, firstMorningOfAugust);
    expect(await tokyo.forOperator("OPT").ofMonth("2026-07")).toEqual({ ai_credits: 2 });
    expect(await tokyo.forOperator("OPT").month(firstMorningOfAugust)).toEqual({ ai_credits: 7 });
    expect(await tokyo.forOperator("OPT").daily("2026-08")).toEqual([
      { day: "2026-08-01", metric: "ai_credits", amount: 7 },
    ]);
    await tokyo.forOperator("OPT").setQuota("events", 100);
    await tokyo.forOperator("OPT").setQuota("ai_credits", 9);
    expect(await tokyo.forOperator("OPT").quotas()).toEqual({ events: 100, ai_credits: 9 });
  });

  it.skipIf(!database)(
    "dates an operator on a test clock at the clock's time, others at the time given",
    async () => {
      // The AI feature meters through add and reserve with real time; an operator on a clock counts in its month.
      await clocked.forOperator("OPCLOCK").add({ ai_credits: 5 }, november);
      expect(await clocked.forOperator("OPCLOCK").reserve("ai_credits", 3, 10, november)).toEqual({
        granted: true,
        used: 8,
      });
      await clocked.forOperator("OPREAL").add({ ai_credits: 2 }, november);
      expect(await clocked.forOperator("OPCLOCK").ofMonth("2031-01")).toEqual({ ai_credits: 8 });
      expect(await clocked.forOperator("OPCLOCK").ofMonth("2026-11")).toEqual({});
      expect(await clocked.forOperator("OPCLOCK").month(november)).toEqual({ ai_credits: 8 });
      expect(await clocked.forOperator("OPCLOCK").daily("2031-01")).toEqual([
        { day: "2031-01-20", metric: "ai_credits", amount: 8 },
      ]);
      expect(await clocked.forOperator("OPREAL").ofMonth("2026-11")).toEqual({ ai_credits: 2 });
    },
  );

  it.skipIf(!database)("keeps an operator's own quota until it is removed", async () => {
    expect(await usage.forOperator("OPQ").quota("ai_credits")).toBeUndefined();
    await usage.forOperator("OPQ").setQuota("ai_credits", 50);
    await usage.forOperator("OPQ").setQuota("ai_credits", 40);
    expect(await usage.forOperator("OPQ").quota("ai_credits")).toBe(40);
    expect(await usage.forOperator("OPA").quota("ai_credits")).toBeUndefined();
    await usage.forOperator("OPQ").setQuota("ai_credits", undefined);
    expect(await usage.forOperator("OPQ").quota("ai_credits")).toBeUndefined();
  });

  it.skipIf(!database)("never lets concurrent reservations together go over the limit", async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, () => usage.forOperator("OPC").reserve("ai_credits", 1, 25, november)),
    );
    expect(results.filter((result) => result.granted)).toHaveLength(25);
    expect((await usage.forOperator("OPC").month(november)).ai_credits).toBe(25);
    expect(await usage.forOperator("OPC").reserve("ai_credits", 0, 25, november)).toEqual({
      granted: true,
      used: 25,
    });
  });
});
