// Invoices closed through the store on both databases, with plans and usage given by the test (the
// root wires the real features in conflux.ts): worked cases of billing.md, and two instances closing
// the same months at once.
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useContractDatabases } from "../../test/databases.ts";
import { openDatabase } from "../conflux.ts";
import { ProviderStore } from "../store/provider.ts";
import type { Database } from "../store/schema.ts";
import { SqlStore } from "../store/sql-store.ts";
import { TestClocks } from "../store/test-clocks.ts";
import { CouponStore } from "./coupon-store.ts";
import type { BilledPlan, Metric } from "./invoice-figures.ts";
import { type InvoiceSources, Invoices } from "./invoices.ts";

const { databases, sqliteDir } = await useContractDatabases("invoices");

const standard: BilledPlan = {
  planId: "standard",
  name: "Standard",
  monthlyFee: 10_000,
  included: { events: 1_000, aiCredits: 0 },
  overage: { events: { blockSize: 100, pricePerBlock: 50 } },
};

/** Plans and usage per operator and month, as the test sets them. */
function sourcesFrom(usage: Map<string, Record<Metric, number>>): InvoiceSources {
  return {
    plansInForce: async () => [standard],
    usageOf: async (operatorId, month) => usage.get(`${operatorId}/${month}`) ?? { events: 0, aiCredits: 0 },
    outageCreditsOf: async () => [],
  };
}

describe.each(databases)("invoices on %s", (_name, database) => {
  let first: Kysely<Database>;
  let second: Kysely<Database>;
  const usage = new Map<string, Record<Metric, number>>();
  let invoices: Invoices;
  let clocks: TestClocks;
  let operatorSeq = 0;

  beforeAll(async () => {
    if (!database) return;
    first = (await openDatabase(database, sqliteDir)).db;
    second = (await openDatabase(database, sqliteDir)).db;
    clocks = new TestClocks(first);
    invoices = new Invoices(first, sourcesFrom(usage), new ProviderStore(first, 0), clocks);
  });
  afterAll(async () => {
    await first?.destroy();
    await second?.destroy();
  });

  /** An operator signed up at `signedUpAt`, bound to a clock of its own reading `signedUpAt`. */
  async function operatorAt(signedUpAt: number): Promise<{ operatorId: string; clockId: string }> {
    const operatorId = `OP${String(++operatorSeq).padStart(10, "0")}`;
    await new SqlStore(first).createOperator({
      operatorId,
      email: `${operatorId}-${database?.kind}@example.com`,
      passwordHash: "x",
      createdAt: signedUpAt,
    });
    const clockId = `clock-${operatorId}`;
    await clocks.create(clockId, signedUpAt);
    await clocks.bind(operatorId, clockId);
    return { operatorId, clockId };
  }

  it.skipIf(!database)(
    "bill the whole fee of a sign-up month, overage in blocks and a floored tax",
    async () => {
      const { operatorId, clockId } = await operatorAt(Date.UTC(2027, 0, 20));
      usage.set(`${operatorId}/2027-01`, { events: 1_101, aiCredits: 0 });
      const open = await invoices.get(operatorId, "2027-01");
      expect(open).toMatchObject({
        status: "open",
        subtotal: 10_100,
        tax: 1_010,
        total: 11_110,
        amountDue: 11_110,
      });
      await clocks.advance(clockId, Date.UTC(2027, 1, 1));
      expect(await invoices.closeEnded(operatorId)).toEqual(["2027-01"]);
      const closed = await invoices.get(operatorId, "2027-01");
      expect(closed).toMatchObject({
        status: "closed",
        lines: [
          { kind: "plan", amount: 10_000 },
          { kind: "overage", amount: 100 },
        ],
        subtotal: 10_100,
        tax: 1_010,
        total: 11_110,
        couponApplied: 0,
        amountDue: 11_110,
        paidAmount: 0,
        dueDate: "2027-02-28",
      });
      // Usage that arrives afterwards never changes a closed invoice.
      usage.set(`${operatorId}/2027-01`, { events: 9_999, aiCredits: 0 });
      expect(await invoices.get(operatorId, "2027-01")).toEqual(closed);
    },
  );

  it.skipIf(!database)(
    "close every missed month once, even when two instances try at the same moment",
    async () => {
      const { operatorId, clockId } = await operatorAt(Date.UTC(2027, 9, 5));
      await clocks.advance(clockId, Date.UTC(2028, 1, 10));
      const other = new Invoices(
        second,
        sourcesFrom(usage),
        new ProviderStore(second, 0),
        new TestClocks(second),
      );
      // Several instances share PostgreSQL; SQLite belongs to one process, whose second try finds them closed.
      const [mine, theirs] =
        database?.kind === "postgres"
          ? await Promise.all([invoices.closeEnded(operatorId), other.closeEnded(operatorId)])
          : [await invoices.closeEnded(operatorId), await other.closeEnded(operatorId)];
      expect([...mine, ...theirs].sort()).toEqual(["2027-10", "2027-11", "2027-12", "2028-01"]);
      const listed = await invoices.list(operatorId);
      expect(listed.map((invoice) => `${invoice.month} ${invoice.status}`)).toEqual([
        "2028-02 open",
        "2028-01 closed",
        "2027-12 closed",
        "2027-11 closed",
        "2027-10 closed",
      ]);
    },
  );

  it.skipIf(!database)(
    "draw coupons at close, soonest expiry first, never below zero and never twice",
    async () => {
      const { operatorId, clockId } = await operatorAt(Date.UTC(2027, 2, 3));
      const coupons = new CouponStore(first);
      await coupons.issue({ couponCode: `${operatorId}-SOON`, amount: 3_000, expiryMonth: "2027-03" });
      await coupons.issue({ couponCode: `${operatorId}-LATE`, amount: 20_000, expiryMonth: "2027-12" });
      await coupons.register(`${operatorId}-LATE`, operatorId, "2027-03", Date.UTC(2027, 2, 4));
      await coupons.register(`${operatorId}-SOON`, operatorId, "2027-03", Date.UTC(2027, 2, 5));
      await clocks.advance(clockId, Date.UTC(2027, 4, 1));
      await invoices.closeEnded(operatorId);
      // March: 11,000 payable; SOON (expires in March) pays 3,000, LATE the other 8,000.
      expect(await invoices.get(operatorId, "2027-03")).toMatchObject({
        couponApplied: 11_000,
        amountDue: 0,
      });
      // April: LATE's remaining 12,000 pays all 11,000; SOON has expired.
      expect(await invoices.get(operatorId, "2027-04")).toMatchObject({
        couponApplied: 11_000,
        amountDue: 0,
      });
      expect(
        (await coupons.ofOperator(operatorId)).map((coupon) => [coupon.couponCode, coupon.balance]),
      ).toEqual([
        [`${operatorId}-SOON`, 0],
        [`${operatorId}-LATE`, 1_000],
      ]);
    },
  );

  it.skipIf(!database)("charge late interest on the invoice of the month of payment, untaxed", async () => {
    const { operatorId, clockId } = await operatorAt(Date.UTC(2027, 0, 10));
    await clocks.advance(clockId, Date.UTC(2027, 2, 20));
    await invoices.closeEnded(operatorId);
    // January's 11,000 was due 2027-02-28; 10,000 paid on 2027-03-11 is 10 days late, 1,000 on 03-15 is 14.
    expect(
      await invoices.recordPayment(operatorId, { month: "2027-01", amount: 10_000, paidOn: "2027-03-11" }),
    ).toMatchObject({ lateDays: 10, interestMonth: "2027-03" });
    await invoices.recordPayment(operatorId, { month: "2027-01", amount: 1_000, paidOn: "2027-03-15" });
    const refused = await invoices.recordPayment(operatorId, {
      month: "2027-01",
      amount: 1,
      paidOn: "2027-03-16",
    });
    expect(refused).toMatchObject({
      refused: "bad_request",
      message: expect.stringMatching(/more than the 0/),
    });
    expect(
      await invoices.recordPayment(operatorId, { month: "2027-02", amount: 1, paidOn: "2027-03-25" }),
    ).toMatchObject({
      refused: "bad_request",
      message: expect.stringMatching(/after today/),
    });
    // ⌊(10,000 × 10 + 1,000 × 14) × 145 / 365,000⌋ = ⌊45.28…⌋ = 45.
    const march = await invoices.get(operatorId, "2027-03");
    expect(march).toMatchObject({ subtotal: 10_000, tax: 1_000, lateInterest: 45, total: 11_045 });
    expect(march?.lines.at(-1)).toMatchObject({ kind: "late_interest", amount: 45 });
    expect(await invoices.get(operatorId, "2027-01")).toMatchObject({ paidAmount: 11_000 });
  });

  it.skipIf(!database)("make every unpaid amount due today on acceleration", async () => {
    const { operatorId, clockId } = await operatorAt(Date.UTC(2027, 5, 1));
    await clocks.advance(clockId, Date.UTC(2027, 7, 10));
    await invoices.closeEnded(operatorId);
    await invoices.recordPayment(operatorId, { month: "2027-06", amount: 11_000, paidOn: "2027-08-01" });
    expect(await invoices.accelerate(operatorId)).toEqual({
      acceleratedOn: "2027-08-10",
      months: ["2027-07"],
    });
    expect(await invoices.get(operatorId, "2027-06")).toMatchObject({ dueDate: "2027-07-31" });
    expect(await invoices.get(operatorId, "2027-07")).toMatchObject({ dueDate: "2027-08-10" });
    await clocks.advance(clockId, Date.UTC(2027, 7, 20));
    // Paid on the 20th, due the 10th: 9 late days (11th to 19th).
    expect(
      await invoices.recordPayment(operatorId, { month: "2027-07", amount: 11_000, paidOn: "2027-08-20" }),
    ).toMatchObject({ lateDays: 9 });
  });
});
