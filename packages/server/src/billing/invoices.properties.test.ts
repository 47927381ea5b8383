// Properties of the Invoices service on both databases for any plans, usage, coupons and payments (fast-check):
// lines sum to the totals, coupon balances only go down and never below zero, a closed invoice never
// changes when usage or plans change later, and late interest is never negative and never taxed.
// Plans and usage come from a test InvoiceSources the property changes as it goes.
import fc from "fast-check";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useContractDatabases } from "../../test/databases.ts";
import { openDatabase } from "../conflux.ts";
import { ProviderStore } from "../store/provider.ts";
import type { Database } from "../store/schema.ts";
import { SqlStore } from "../store/sql-store.ts";
import { TestClocks } from "../store/test-clocks.ts";
import { addMonths, type BillingMonth, parseMonth } from "./calendar.ts";
import { CouponStore } from "./coupon-store.ts";
import type { BilledPlan, Metric } from "./invoice-figures.ts";
import { type Invoice, type InvoiceSources, Invoices } from "./invoices.ts";

const { databases, sqliteDir } = await useContractDatabases("invoice-properties");

/** What the property says is in force: every plan of the operator, and its usage per month. */
const plansOf = new Map<string, BilledPlan[]>();
const usageOf = new Map<string, Record<Metric, number>>();
const sources: InvoiceSources = {
  plansInForce: async (operatorId) => plansOf.get(operatorId) ?? [],
  usageOf: async (operatorId, month) => usageOf.get(`${operatorId}/${month}`) ?? { events: 0, aiCredits: 0 },
  outageCreditsOf: async () => [],
};

const block = fc.record({
  blockSize: fc.integer({ min: 1, max: 500 }),
  pricePerBlock: fc.integer({ min: 0, max: 300 }),
});
const planArb = fc
  .record({
    monthlyFee: fc.integer({ min: 0, max: 50_000 }),
    events: fc.integer({ min: 0, max: 2_000 }),
    aiCredits: fc.integer({ min: 0, max: 200 }),
    overage: fc.option(fc.record({ events: block, aiCredits: block }), { nil: undefined }),
  })
  .map(
    ({ monthlyFee, events, aiCredits, overage }): BilledPlan => ({
      planId: `fee-${monthlyFee}`,
      name: `Fee ${monthlyFee}`,
      monthlyFee,
      included: { events, aiCredits },
      ...(overage ? { overage } : {}),
    }),
  );
const monthArb = fc.record({
  usage: fc.record({
    events: fc.integer({ min: 0, max: 5_000 }),
    aiCredits: fc.integer({ min: 0, max: 500 }),
  }),
  /** A plan put in force during the month (an upgrade or a downgrade). */
  planChange: fc.option(planArb, { nil: undefined }),
  coupons: fc.array(
    fc.record({ amount: fc.integer({ min: 1, max: 30_000 }), expiresIn: fc.integer({ min: 0, max: 3 }) }),
    { maxLength: 2 },
  ),
  /** The day of the month the operator registers coupons and pays (the days before are not late yet). */
  day: fc.integer({ min: 2, max: 28 }),
  /** Per cent paid of each unpaid closed invoice, oldest first. */
  paidShares: fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 3 }),
});
const scenarioArb = fc.record({
  taxRatePercent: fc.integer({ min: 0, max: 25 }),
  firstPlan: planArb,
  months: fc.array(monthArb, { minLength: 1, maxLength: 4 }),
});

const firstMonth = "2027-01";

function at(month: BillingMonth, day: number, hour = 12): number {
  const { year, month: number } = parseMonth(month);
  return Date.UTC(year, number - 1, day, hour);
}

/** The lines and figures of any invoice agree with each other and with the tax rate (billing.md). */
function expectConsistent(invoice: Invoice, taxRatePercent: number) {
  const taxable = invoice.lines.filter((line) => line.kind !== "late_interest");
  const interest = invoice.lines.filter((line) => line.kind === "late_interest");
  expect(taxable.reduce((sum, line) => sum + line.amount, 0)).toBe(invoice.subtotal);
  expect(interest.reduce((sum, line) => sum + line.amount, 0)).toBe(invoice.lateInterest);
  // Tax is on the subtotal alone: interest never adds to it.
  expect(BigInt(invoice.tax)).toBe((BigInt(invoice.subtotal) * BigInt(taxRatePercent)) / 100n);
  expect(invoice.lateInterest).toBeGreaterThanOrEqual(0);
  expect(invoice.total).toBe(invoice.subtotal + invoice.tax + invoice.lateInterest);
  expect(invoice.couponApplied).toBeGreaterThanOrEqual(0);
  expect(invoice.couponApplied).toBeLessThanOrEqual(invoice.subtotal + invoice.tax);
  expect(invoice.amountDue).toBe(invoice.total - invoice.couponApplied);
  for (const line of invoice.lines) expect(Number.isSafeInteger(line.amount)).toBe(true);
}

let operatorSeq = 0;

describe.each(databases)("invoices on %s, for any plans, usage, coupons and payments", (name, database) => {
  let db: Kysely<Database>;
  let invoices: Invoices;
  let clocks: TestClocks;
  let coupons: CouponStore;
  let provider: ProviderStore;

  beforeAll(async () => {
    if (!database) return;
    db = (await openDatabase(database, sqliteDir)).db;
    clocks = new TestClocks(db);
    coupons = new CouponStore(db);
    provider = new ProviderStore(db, 0);
    invoices = new Invoices(db, sources, provider, clocks);
  });
  afterAll(async () => db?.destroy());

  it.skipIf(!database)(
    "keep their figures consistent, coupons only going down, closed invoices frozen and interest untaxed",
    async () => {
      await fc.assert(
        fc.asyncProperty(scenarioArb, async ({ taxRatePercent, firstPlan, months }) => {
          await provider.saveSettings({ taxRatePercent });
          // Both suites share plansOf and usageOf: ids differ by database.
          const operatorId = `OP${name === "SQLite" ? "S" : "P"}${String(++operatorSeq).padStart(9, "0")}`;
          const clockId = `clock-${operatorId}`;
          const signedUpAt = at(firstMonth, 1, 0);
          await new SqlStore(db).createOperator({
            operatorId,
            email: `${operatorId}@example.com`,
            passwordHash: "x",
            createdAt: signedUpAt,
          });
          await clocks.create(clockId, signedUpAt);
          await clocks.bind(operatorId, clockId);
          plansOf.set(operatorId, [firstPlan]);

          const frozen = new Map<BillingMonth, Invoice>();
          /** Σ amount × late days of the payments made in a month, per invoice paid (one rounding each). */
          const weightedByMonth = new Map<BillingMonth, Map<BillingMonth, bigint>>();
          const issued = new Map<string, number>();
          let couponSeq = 0;

          for (const [index, plan] of months.entries()) {
            const month = addMonths(firstMonth, index);
            await clocks.advance(clockId, at(month, plan.day));
            usageOf.set(`${operatorId}/${month}`, { ...plan.usage });
            if (plan.planChange) plansOf.get(operatorId)?.push(plan.planChange);
            for (const coupon of plan.coupons) {
              const couponCode = `${operatorId}-${++couponSeq}`;
              const expiryMonth = addMonths(month, coupon.expiresIn);
              await coupons.issue({ couponCode, amount: coupon.amount, expiryMonth });
              await coupons.register(couponCode, operatorId, month, at(month, plan.day));
              issued.set(couponCode, coupon.amount);
            }
            // Pay shares of the unpaid closed invoices today: late ones bear interest on this month's invoice.
            const unpaid = [...frozen.keys()].sort();
            for (const [position, share] of plan.paidShares.entries()) {
              const paidMonth = unpaid[position];
              if (!paidMonth) break;
              const invoice = await invoices.get(operatorId, paidMonth);
              const amount = Math.floor(
                ((invoice?.amountDue ?? 0) - (invoice?.paidAmount ?? 0)) * (share / 100),
              );
              if (amount <= 0) continue;
              const paid = await invoices.recordPayment(operatorId, {
                month: paidMonth,
                amount,
                paidOn: `${month}-${String(plan.day).padStart(2, "0")}`,
              });
              if ("refused" in paid) throw new Error(paid.message);
              expect(paid.lateDays).toBeGreaterThanOrEqual(0);
              expect(paid.interestMonth).toBe(month);
              const weighted = weightedByMonth.get(month) ?? new Map<BillingMonth, bigint>();
              weighted.set(
                paidMonth,
                (weighted.get(paidMonth) ?? 0n) + BigInt(amount) * BigInt(paid.lateDays),
              );
              weightedByMonth.set(month, weighted);
            }

            const open = await invoices.get(operatorId, month);
            if (!open) throw new Error(`no open invoice of ${month}`);
            expect(open.status).toBe("open");
            expectConsistent(open, taxRatePercent);

            const before = new Map(
              (await coupons.ofOperator(operatorId)).map((coupon) => [coupon.couponCode, coupon.balance]),
            );
            await clocks.advance(clockId, at(addMonths(month, 1), 1, 0));
            expect(await invoices.closeEnded(operatorId)).toEqual([month]);
            for (const coupon of await coupons.ofOperator(operatorId)) {
              expect(coupon.balance).toBeGreaterThanOrEqual(0);
              expect(coupon.balance).toBeLessThanOrEqual(before.get(coupon.couponCode) ?? -1);
            }

            const closed = await invoices.get(operatorId, month);
            if (!closed) throw new Error(`no closed invoice of ${month}`);
            expect(closed.status).toBe("closed");
            expectConsistent(closed, taxRatePercent);
            // Interest: ⌊Σ amount × days × 145 / 365,000⌋ per paid invoice, never negative.
            let interest = 0n;
            for (const weighted of (weightedByMonth.get(month) ?? new Map()).values())
              interest += (weighted * 145n) / 365_000n;
            expect(BigInt(closed.lateInterest)).toBe(interest);
            frozen.set(month, closed);

            // Later usage of the month and a dearer plan change nothing closed.
            usageOf.set(`${operatorId}/${month}`, { events: 1_000_000, aiCredits: 1_000_000 });
            plansOf.get(operatorId)?.push({
              planId: "dearest",
              name: "Dearest",
              monthlyFee: 1_000_000,
              included: { events: 0, aiCredits: 0 },
              overage: { events: { blockSize: 1, pricePerBlock: 1 } },
            });
            for (const [frozenMonth, invoice] of frozen) {
              const now = await invoices.get(operatorId, frozenMonth);
              expect({ ...now, paidAmount: 0 }).toEqual({ ...invoice, paidAmount: 0 });
            }
            plansOf.get(operatorId)?.pop();
          }

          // What coupons paid is exactly what their balances lost.
          const drawn = (await coupons.ofOperator(operatorId)).reduce(
            (sum, coupon) => sum + ((issued.get(coupon.couponCode) ?? 0) - coupon.balance),
            0,
          );
          const applied = [...frozen.values()].reduce((sum, invoice) => sum + invoice.couponApplied, 0);
          expect(drawn).toBe(applied);
        }),
        // PostgreSQL's round trips are slower: fewer runs there.
        { numRuns: name === "SQLite" ? 40 : 15 },
      );
    },
  );
});
