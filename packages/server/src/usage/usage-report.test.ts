import { describe, expect, it } from "vitest";
import { useContractDatabases } from "../../test/databases.ts";
import { openDatabase } from "../conflux.ts";
import type { PlanTermsPort } from "../runtime/ports/plan-terms.ts";
import { dailySeries, eventsCap } from "./usage-report.ts";
import { UsageStore } from "./usage-store.ts";

const { databases, sqliteDir } = await useContractDatabases("usage-report");

describe("dailySeries", () => {
  it("gives every day of the month up to the last one asked for, zero where nothing was counted", () => {
    const counts = [
      { day: "2026-02-02", metric: "events", amount: 5 },
      { day: "2026-02-02", metric: "ai_credits", amount: 2 },
      { day: "2026-02-03", metric: "ai_requests", amount: 9 },
    ];
    expect(dailySeries("2026-02", "2026-02-03", counts)).toEqual([
      { date: "2026-02-01", events: 0, aiCredits: 0 },
      { date: "2026-02-02", events: 5, aiCredits: 2 },
      { date: "2026-02-03", events: 0, aiCredits: 0 },
    ]);
    expect(dailySeries("2026-02", "2026-02-31", [])).toHaveLength(28);
    expect(dailySeries("2028-02", "2028-02-31", [])).toHaveLength(29);
    expect(dailySeries("2026-03", "", [])).toEqual([]);
  });
});

describe.each(databases)("the events cap on %s", (_name, database) => {
  it.skipIf(!database)("is the lower of the plan's eventsPerMonth and the operator's own quota", async () => {
    if (!database) return;
    const { db } = await openDatabase(database, sqliteDir);
    const usage = new UsageStore(db);
    const limits: Record<string, number | undefined> = {};
    const planTerms: PlanTermsPort = {
      termsOf: async (operatorId) => ({
        planId: "developer",
        name: "Developer",
        monthlyFee: 0,
        included: { events: 0, aiCredits: 0 },
        features: [],
        limits: { eventsPerMonth: limits[operatorId] },
      }),
    };
    const cap = (operatorId: string) => eventsCap(operatorId, Date.now(), { usage, planTerms });
    try {
      expect(await cap("OPA")).toBeUndefined();
      limits.OPA = 1_000;
      expect(await cap("OPA")).toBe(1_000);
      await usage.forOperator("OPA").setQuota("events", 300);
      expect(await cap("OPA")).toBe(300);
      limits.OPA = 200;
      expect(await cap("OPA")).toBe(200);
      limits.OPA = undefined;
      expect(await cap("OPA")).toBe(300);
    } finally {
      await db.destroy();
    }
  });
});
