// Outage credits through the stores on both databases, wired as conflux.ts wires them: the credit of
// a claim, the cap, the invoice it lands on, its second working-out at the outage month's close, and
// credit carried past an invoice's lines to the next one.
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useContractDatabases } from "../../test/databases.ts";
import { openDatabase } from "../conflux.ts";
import { OutageStore } from "../notices/outage-store.ts";
import { OutageCreditStore } from "../store/outage-credits.ts";
import { type Plan, PlanStore } from "../store/plans.ts";
import { ProviderStore } from "../store/provider.ts";
import type { Database } from "../store/schema.ts";
import { SqlStore } from "../store/sql-store.ts";
import { TestClocks } from "../store/test-clocks.ts";
import type { InvoiceSources } from "./invoices.ts";
import { Invoices } from "./invoices.ts";
import { OutageCredits } from "./outage-credits.ts";

const { databases, sqliteDir } = await useContractDatabases("outage-credits");

const hour = 3_600_000;
/** 1,000 a day in a 31-day month. */
const standard: Plan = {
  planId: "standard",
  name: "Standard",
  monthlyFee: 31_000,
  included: { events: 1_000, aiCredits: 0 },
  limits: {},
  features: [],
};
const premium: Plan = { ...standard, planId: "premium", name: "Premium", monthlyFee: 62_000 };
const small: Plan = { ...standard, planId: "small", name: "Small", monthlyFee: 1_000 };

describe.each(databases)("outage credits on %s", (_name, database) => {
  let db: Kysely<Database>;
  let plans: PlanStore;
  let clocks: TestClocks;
  let outages: OutageStore;
  let credits: OutageCredits;
  let invoices: Invoices;
  let creditStore: OutageCreditStore;
  let operatorSeq = 0;

  beforeAll(async () => {
    if (!database) return;
    db = (await openDatabase(database, sqliteDir)).db;
    plans = new PlanStore(db);
    for (const plan of [standard, premium, small]) await plans.putPlan(plan);
    clocks = new TestClocks(db);
    outages = new OutageStore(db);
    const provider = new ProviderStore(db, 0);
    const plansInForce: InvoiceSources["plansInForce"] = async (operatorId, from, to) =>
      (await plans.plansInForce(operatorId, from, to)).map((period) => period.plan);
    creditStore = new OutageCreditStore(db);
    credits = new OutageCredits(creditStore, plansInForce, provider, clocks);
    invoices = new Invoices(
      db,
      {
        plansInForce,
        usageOf: async () => ({ events: 0, aiCredits: 0 }),
        outageCreditsOf: (operatorId, month) => credits.creditsOn(operatorId, month),
        settleOutageCredits: (operatorId, month) => credits.settle(operatorId, month),
      },
      provider,
      clocks,
    );
  });
  afterAll(async () => db?.destroy());

  /** An operator on `planId` from `signedUpAt`, on a clock of its own reading `signedUpAt`. */
  async function operatorOn(planId: string, signedUpAt: number) {
    const operatorId = `OP${String(++operatorSeq).padStart(10, "0")}`;
    await new SqlStore(db).createOperator({
      operatorId,
      email: `${operatorId}-${database?.kind}@example.com`,
      passwordHash: "x",
      createdAt: signedUpAt,
    });
    const clockId = `credit-clock-${operatorId}`;
    await clocks.create(clockId, signedUpAt);
    await clocks.bind(operatorId, clockId);
    await plans.changeOperatorPlan(operatorId, planId, signedUpAt, signedUpAt);
    const advance = async (to: number) => {
      await clocks.advance(clockId, to);
      await invoices.closeEnded(operatorId);
    };
    return { operatorId, advance };
  }

  /** Records an outage of `hours` from `startedAt` and claims it now, as POST /v1/outage_claims does. */
  async function claim(operatorId: string, startedAt: number, hours: number) {
    const outage = await outages.recordOutage(
      { startedAt, endedAt: startedAt + hours * hour, description: "broker down" },
      startedAt,
    );
    const made = await outages.claim({
      operatorId,
      outageId: outage.outageId,
      outageMonth: new Date(startedAt).toISOString().slice(0, 7),
      days: Math.floor(hours / 24),
      claimedAt: await clocks.nowFor(operatorId),
    });
    if (!made) throw new Error("claimed twice");
    return { outageId: outage.outageId, ...(await credits.credit(operatorId, made.claimId)) };
  }

  const creditLines = async (operatorId: string, month: string) =>
    (await invoices.get(operatorId, month))?.lines.filter((line) => line.kind === "outage_credit");

  it.skipIf(!database)(
    "credit ⌊fee × days / days in month⌋ on the open month, none for under a day",
    async () => {
      const { operatorId } = await operatorOn("standard", Date.UTC(2027, 0, 20));
      const long = await claim(operatorId, Date.UTC(2027, 0, 3), 71);
      expect(long).toMatchObject({ credit: 2_000, invoiceMonth: "2027-01" });
      const short = await claim(operatorId, Date.UTC(2027, 0, 5), 23);
      expect(short).toMatchObject({ credit: 0, invoiceMonth: "2027-01" });
      expect(await creditLines(operatorId, "2027-01")).toEqual([
        {
          kind: "outage_credit",
          description: `outage credit: 2 days of 2027-01 (outage ${long.outageId})`,
          amount: -2_000,
        },
      ]);
      expect(await invoices.get(operatorId, "2027-01")).toMatchObject({ subtotal: 29_000, tax: 2_900 });
    },
  );

  it.skipIf(!database)("cap a month's credits together at its plan line", async () => {
    const { operatorId } = await operatorOn("standard", Date.UTC(2027, 0, 2));
    expect(await claim(operatorId, Date.UTC(2027, 0, 2), 20 * 24)).toMatchObject({ credit: 20_000 });
    expect(await claim(operatorId, Date.UTC(2027, 0, 22), 15 * 24)).toMatchObject({ credit: 11_000 });
    expect(await claim(operatorId, Date.UTC(2027, 0, 10), 24)).toMatchObject({ credit: 0 });
    expect(await invoices.get(operatorId, "2027-01")).toMatchObject({ subtotal: 0, total: 0 });
  });

  it.skipIf(!database)(
    "work the open month's credits out again at its close, then never change them",
    async () => {
      const { operatorId, advance } = await operatorOn("standard", Date.UTC(2027, 0, 2));
      const made = await claim(operatorId, Date.UTC(2027, 0, 3), 72);
      expect(made.credit).toBe(3_000);
      // An upgrade later in the month raises the month's plan line, and so the credit.
      await plans.changeOperatorPlan(operatorId, "premium", Date.UTC(2027, 0, 25), Date.UTC(2027, 0, 25));
      await advance(Date.UTC(2027, 1, 3));
      expect(await creditLines(operatorId, "2027-01")).toEqual([expect.objectContaining({ amount: -6_000 })]);
      expect(
        await creditStore.claim(operatorId, (await outages.claimsOf(operatorId))[0]?.claimId ?? ""),
      ).toMatchObject({
        credit: 6_000,
        invoiceMonth: "2027-01",
      });
      await advance(Date.UTC(2027, 2, 3));
      expect(await creditLines(operatorId, "2027-01")).toEqual([expect.objectContaining({ amount: -6_000 })]);
    },
  );

  it.skipIf(!database)(
    "put a claim made after the outage month ended on the open invoice, carrying what does not fit",
    async () => {
      const { operatorId, advance } = await operatorOn("standard", Date.UTC(2027, 0, 2));
      // From February on the operator pays 1,000 a month: January's 10-day credit outgrows two invoices.
      await plans.changeOperatorPlan(operatorId, "small", Date.UTC(2027, 1, 1), Date.UTC(2027, 0, 2));
      await advance(Date.UTC(2027, 1, 10));
      const made = await claim(operatorId, Date.UTC(2027, 0, 10), 10 * 24);
      expect(made).toMatchObject({ credit: 10_000, invoiceMonth: "2027-02" });
      expect(await creditLines(operatorId, "2027-01")).toEqual([]);
      expect(await invoices.get(operatorId, "2027-02")).toMatchObject({
        lines: [
          { kind: "plan", amount: 1_000 },
          {
            kind: "outage_credit",
            description: `outage credit: 10 days of 2027-01 (outage ${made.outageId})`,
            amount: -1_000,
          },
        ],
        subtotal: 0,
      });
      await advance(Date.UTC(2027, 2, 10));
      expect(await invoices.get(operatorId, "2027-03")).toMatchObject({
        lines: [
          { kind: "plan", amount: 1_000 },
          { kind: "outage_credit", description: "outage credit carried from 2027-02", amount: -1_000 },
        ],
        subtotal: 0,
      });
      // 10,000 in all: 1,000 a month from February to November, then nothing left.
      await advance(Date.UTC(2027, 11, 10));
      expect(await creditLines(operatorId, "2027-11")).toEqual([
        expect.objectContaining({ description: "outage credit carried from 2027-10", amount: -1_000 }),
      ]);
      expect(await creditLines(operatorId, "2027-12")).toEqual([]);
    },
  );

  it.skipIf(!database)("bill a closed month on the fee it had, after the plan's fee is edited", async () => {
    const { operatorId, advance } = await operatorOn("standard", Date.UTC(2027, 0, 2));
    await advance(Date.UTC(2027, 1, 15));
    await plans.putPlan({ ...standard, planId: "standard", monthlyFee: 62_000 });
    try {
      const made = await claim(operatorId, Date.UTC(2027, 0, 3), 48);
      expect(made).toMatchObject({ credit: 2_000, invoiceMonth: "2027-02" });
      // February had both fees in force: the higher one is billed.
      expect((await invoices.get(operatorId, "2027-02"))?.lines[0]).toMatchObject({ amount: 62_000 });
    } finally {
      await plans.putPlan(standard);
    }
  });
});
