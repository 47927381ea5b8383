import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useContractDatabases } from "../../test/databases.ts";
import { openDatabase } from "../conflux.ts";
import { developerPlanId, type Plan, PlanStore } from "./plans.ts";
import type { Database } from "./schema.ts";
import { SqlStore } from "./sql-store.ts";

const { databases, sqliteDir } = await useContractDatabases("plans");

const december = Date.UTC(2026, 11, 1);
const january = Date.UTC(2027, 0, 1);
const day = 86_400_000;

const developer: Plan = {
  planId: developerPlanId,
  name: "Developer",
  monthlyFee: 0,
  included: { events: 0, aiCredits: 0 },
  limits: {},
  features: [],
};
const standard: Plan = {
  planId: "standard",
  name: "Standard",
  monthlyFee: 3_000,
  included: { events: 100_000, aiCredits: 1_000 },
  overage: { events: { blockSize: 10_000, pricePerBlock: 100 } },
  limits: { apps: 20, actionsPerApp: 30, historyRetentionDays: 90 },
  features: ["timer.cron"],
};
const enterprise: Plan = {
  planId: "enterprise",
  name: "Enterprise",
  monthlyFee: 50_000,
  included: { events: 10_000_000, aiCredits: 100_000 },
  limits: {},
  features: ["timer.cron", "collect"],
};

describe.each(databases)("the plan store on %s", (_name, database) => {
  let db: Kysely<Database>;
  let plans: PlanStore;

  beforeAll(async () => {
    if (!database) return;
    db = (await openDatabase(database, sqliteDir)).db;
    plans = new PlanStore(db);
  });
  afterAll(async () => db?.destroy());

  it.skipIf(!database)(
    "has the built-in developer plan, and an operator with no change is on it",
    async () => {
      expect(await plans.listPlans()).toEqual([developer]);
      expect(await plans.termsOf("OPNEW", december)).toEqual(developer);
      expect(await plans.operatorPlan("OPNEW", december)).toEqual({ current: developer });
      expect(await plans.plansInForce("OPNEW", december, january)).toEqual([{ plan: developer, fromMs: 0 }]);
    },
  );

  it.skipIf(!database)("saves plans as given and lists them cheapest first", async () => {
    expect(await plans.putPlan(enterprise, december)).toEqual(enterprise);
    await plans.putPlan(standard, december);
    expect(await plans.getPlan("standard")).toEqual(standard);
    expect((await plans.listPlans()).map((plan) => plan.planId)).toEqual([
      "developer",
      "standard",
      "enterprise",
    ]);
    const edited = { ...standard, monthlyFee: 3_300, overage: undefined };
    await plans.putPlan(edited, december + 1);
    const { overage: _none, ...withoutOverage } = edited;
    expect(await plans.getPlan("standard")).toEqual(withoutOverage);
    await plans.putPlan(standard, december + 2);
  });

  it.skipIf(!database)(
    "keeps each operator's history: a change now, another scheduled, the latest decision wins",
    async () => {
      const operatorId = "OPHISTORY";
      expect(await plans.changeOperatorPlan(operatorId, "enterprise", december + day, december + day)).toBe(
        true,
      );
      // A downgrade scheduled for January: December stays on enterprise.
      await plans.changeOperatorPlan(operatorId, "standard", january, december + 2 * day);
      expect(await plans.operatorPlan(operatorId, december + 3 * day)).toEqual({
        current: enterprise,
        pending: { plan: standard, fromMs: january },
      });
      expect((await plans.termsOf(operatorId, january - 1)).planId).toBe("enterprise");
      expect((await plans.termsOf(operatorId, january)).planId).toBe("standard");
      expect((await plans.operatorPlan(operatorId, january)).current.planId).toBe("standard");
      expect(await plans.plansInForce(operatorId, december, january)).toEqual([
        { plan: developer, fromMs: 0, untilMs: december + day },
        { plan: enterprise, fromMs: december + day },
      ]);
      // Choosing the plan in force again cancels the pending change.
      await plans.changeOperatorPlan(operatorId, "enterprise", december + 4 * day, december + 4 * day);
      expect(await plans.operatorPlan(operatorId, december + 4 * day)).toEqual({ current: enterprise });
      expect((await plans.termsOf(operatorId, january + day)).planId).toBe("enterprise");
    },
  );

  it.skipIf(!database)(
    "answers the plans in force during a month, the one from before it first",
    async () => {
      const operatorId = "OPMONTH";
      await plans.changeOperatorPlan(operatorId, "standard", december - 10 * day, december - 10 * day);
      await plans.changeOperatorPlan(operatorId, "enterprise", december + 5 * day, december + 5 * day);
      await plans.changeOperatorPlan(operatorId, "standard", january, december + 6 * day);
      expect(await plans.plansInForce(operatorId, december, january)).toEqual([
        { plan: standard, fromMs: december - 10 * day, untilMs: december + 5 * day },
        { plan: enterprise, fromMs: december + 5 * day },
      ]);
      expect(await plans.plansInForce(operatorId, january, january + 31 * day)).toEqual([
        { plan: standard, fromMs: january },
      ]);
      expect(await plans.plansInForce("OPOTHER", december, january)).toEqual([
        { plan: developer, fromMs: 0 },
      ]);
    },
  );

  it.skipIf(!database)("refuses a change to a plan that does not exist", async () => {
    expect(await plans.changeOperatorPlan("OPNONE", "gold", december, december)).toBe(false);
    expect(await plans.operatorPlan("OPNONE", december)).toEqual({ current: developer });
  });

  it.skipIf(!database)(
    "deletes a plan only when nobody is on it or moving to it; never the developer plan",
    async () => {
      const now = december + 10 * day;
      const trial: Plan = { ...standard, planId: "trial", name: "Trial", monthlyFee: 10 };
      await plans.putPlan(trial, now);
      expect(await plans.deletePlan(developerPlanId, now)).toBe("built_in");
      expect(await plans.deletePlan("gold", now)).toBe("not_found");
      await plans.changeOperatorPlan("OPTRIAL", "trial", now, now);
      expect(await plans.deletePlan("trial", now)).toBe("in_use");
      // Moving to it next month counts as using it too.
      await plans.changeOperatorPlan("OPTRIAL", "enterprise", now + 1, now + 1);
      await plans.changeOperatorPlan("OPTRIAL", "trial", january, now + 2);
      expect(await plans.deletePlan("trial", now + 3)).toBe("in_use");
      await plans.changeOperatorPlan("OPTRIAL", "enterprise", now + 4, now + 4);
      expect(await plans.deletePlan("trial", now + 5)).toBe("deleted");
      expect(await plans.getPlan("trial")).toBeUndefined();
      expect((await plans.listPlans()).map((plan) => plan.planId)).not.toContain("trial");
      expect(await plans.changeOperatorPlan("OPTRIAL", "trial", now + 6, now + 6)).toBe(false);
      // The time it was in force still reads it, for that month's invoice.
      expect((await plans.termsOf("OPTRIAL", now)).planId).toBe("trial");
      // Defining it again brings it back.
      await plans.putPlan(trial, now + 7);
      expect(await plans.getPlan("trial")).toEqual(trial);
    },
  );

  it.skipIf(!database)(
    "keeps runs as long as each operator's plan says, else as the service does",
    async () => {
      const now = january + 10 * day;
      const retention = await plans.historyRetention(now, 30);
      expect(retention.defaultDays).toBe(30);
      // OPMONTH is on standard (90 days) since January; OPHISTORY on enterprise, which sets no retention.
      expect(retention.exceptions.get("OPMONTH")).toBe(90);
      expect(retention.exceptions.has("OPHISTORY")).toBe(false);
      // A developer plan with a retention of its own is the default of everyone on it.
      await plans.putPlan({ ...developer, limits: { historyRetentionDays: 7 } }, now);
      const edited = await plans.historyRetention(now, 30);
      expect(edited.defaultDays).toBe(7);
      expect(edited.exceptions.get("OPHISTORY")).toBe(30);
      await plans.putPlan(developer, now);
    },
  );
  it.skipIf(!database)(
    "keeps the terms each month had: an edit applies from the operator's now, the months before keep theirs",
    async () => {
      const mid = january + 15 * day;
      const february = Date.UTC(2027, 1, 1);
      for (const operatorId of ["OP0000000001", "OP0000000002"])
        await new SqlStore(db).createOperator({
          operatorId,
          email: `${operatorId}-${database?.kind}@example.com`,
          passwordHash: "x",
          createdAt: december,
        });
      await plans.changeOperatorPlan("OP0000000001", "standard", january, january);
      await plans.putPlan({ ...standard, monthlyFee: 9_000 }, mid);
      expect(await plans.plansInForce("OP0000000001", january, february)).toEqual([
        { plan: standard, fromMs: january, untilMs: mid },
        { plan: { ...standard, monthlyFee: 9_000 }, fromMs: mid },
      ]);
      expect((await plans.termsOf("OP0000000001", january)).monthlyFee).toBe(3_000);
      // The same terms again add nothing.
      await plans.putPlan({ ...standard, monthlyFee: 9_000 }, mid + day);
      expect(await plans.plansInForce("OP0000000001", february, february + day)).toHaveLength(1);
      // An operator with no history is on the developer plan: it keeps the old fee for before the edit.
      await plans.putPlan({ ...developer, monthlyFee: 500 }, mid);
      expect(await plans.plansInForce("OP0000000002", december, january)).toEqual([
        { plan: developer, fromMs: 0 },
      ]);
      expect((await plans.termsOf("OP0000000002", mid)).monthlyFee).toBe(500);
      await plans.putPlan(developer, february);
      await plans.putPlan(standard, february);
    },
  );
});
