// billing.md's rules as pure functions, checked against worked cases written by hand from the text,
// and against properties that must hold for any input (fast-check).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addMonths, dayNumber, dayOfNumber, daysInMonth, dueDateOf, lastDayOf } from "./calendar.ts";
import { drawCoupons } from "./coupons.ts";
import { type BilledPlan, billedPlan, invoiceFigures, overageAmount } from "./invoice-figures.ts";
import { effectiveDueDate, lateDays, lateInterest } from "./late-interest.ts";
import { outageCredit, outageDays } from "./outage-credit.ts";

const hour = 3_600_000;

const developer: BilledPlan = {
  planId: "developer",
  name: "Developer",
  monthlyFee: 0,
  included: { events: 0, aiCredits: 0 },
};
const standard: BilledPlan = {
  planId: "standard",
  name: "Standard",
  monthlyFee: 1_000,
  included: { events: 10_000, aiCredits: 100 },
  overage: {
    events: { blockSize: 1_000, pricePerBlock: 500 },
    aiCredits: { blockSize: 10, pricePerBlock: 30 },
  },
};
const enterprise: BilledPlan = {
  planId: "enterprise",
  name: "Enterprise",
  monthlyFee: 5_000,
  included: { events: 100_000, aiCredits: 1_000 },
  overage: { events: { blockSize: 10_000, pricePerBlock: 2_000 } },
};

describe("the calendar of billing months", () => {
  it.each([
    ["2026-12", 31, "2027-01-31"],
    ["2027-01", 31, "2027-02-28"],
    ["2028-01", 31, "2028-02-29"],
    ["2027-02", 28, "2027-03-31"],
    ["2028-02", 29, "2028-03-31"],
    ["2027-03", 31, "2027-04-30"],
    ["2027-04", 30, "2027-05-31"],
    ["2100-01", 31, "2100-02-28"],
    ["2000-01", 31, "2000-02-29"],
  ])("%s has %i days and is due on %s", (month, days, due) => {
    expect(daysInMonth(month)).toBe(days);
    expect(dueDateOf(month)).toBe(due);
  });

  it("refuses what is not a month or a date of the calendar", () => {
    expect(() => daysInMonth("2027-13")).toThrow(/YYYY-MM/);
    expect(() => dayNumber("2027-02-29")).toThrow(/calendar/);
    expect(() => dayNumber("27-02-01")).toThrow(/YYYY-MM-DD/);
  });

  it("moves across years", () => {
    expect(addMonths("2026-11", 3)).toBe("2027-02");
    expect(addMonths("2027-01", -1)).toBe("2026-12");
  });

  it("keeps any date through its day number, and the due date in the following month", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200_000 }), (number) => {
        const day = dayOfNumber(number);
        expect(dayNumber(day)).toBe(number);
        const month = day.slice(0, 7);
        const due = dueDateOf(month);
        expect(due.slice(0, 7)).toBe(addMonths(month, 1));
        expect(dayNumber(due)).toBeGreaterThan(dayNumber(lastDayOf(month)));
      }),
    );
  });
});

describe("the invoice's lines", () => {
  it.each([
    ["nothing beyond what is included", 10_000, 0],
    ["half a block rounds up to one", 10_500, 500],
    ["two whole blocks", 12_000, 1_000],
    ["one event into the third block", 12_001, 1_500],
    ["less than included", 3, 0],
  ])("events overage: %s", (_case, used, amount) => {
    expect(overageAmount(used, 10_000, standard.overage?.events)).toBe(amount);
  });

  it("bills no overage where the plan sets no block", () => {
    expect(overageAmount(1_000_000, 0, undefined)).toBe(0);
  });

  it("bills the highest fee in force at any moment of the month, with that plan's included amounts", () => {
    expect(billedPlan([developer, standard]).planId).toBe("standard");
    expect(billedPlan([enterprise, standard]).planId).toBe("enterprise");
    const figures = invoiceFigures({
      month: "2027-01",
      plans: [enterprise, standard],
      usage: { events: 50_000, aiCredits: 500 },
      outageCredits: [],
      lateInterest: 0,
      taxRatePercent: 10,
    });
    // Enterprise includes 100,000 events: no overage although Standard's 10,000 were passed.
    expect(figures.lines).toEqual([{ kind: "plan", description: "Enterprise plan, 2027-01", amount: 5_000 }]);
    expect(figures).toMatchObject({ subtotal: 5_000, tax: 500, total: 5_500 });
  });

  it("adds overage per metric, takes off credits, taxes with a floor, and adds interest untaxed", () => {
    const figures = invoiceFigures({
      month: "2027-01",
      plans: [standard],
      usage: { events: 10_001, aiCredits: 101 },
      outageCredits: [{ description: "outage of 2027-01-10", amount: 199 }],
      lateInterest: 19,
      taxRatePercent: 8,
    });
    expect(figures.lines.map((line) => [line.kind, line.amount])).toEqual([
      ["plan", 1_000],
      ["overage", 500],
      ["overage", 30],
      ["outage_credit", -199],
      ["late_interest", 19],
    ]);
    // 1,331 × 8 % = 106.48 → 106.
    expect(figures).toMatchObject({ subtotal: 1_331, tax: 106, lateInterest: 19, total: 1_456 });
  });

  it("takes credits down to a zero subtotal and carries the rest", () => {
    const figures = invoiceFigures({
      month: "2027-02",
      plans: [standard],
      usage: { events: 0, aiCredits: 0 },
      outageCredits: [
        { description: "first", amount: 800 },
        { description: "second", amount: 700 },
      ],
      lateInterest: 0,
      taxRatePercent: 10,
    });
    expect(figures.lines.filter((line) => line.kind === "outage_credit").map((line) => line.amount)).toEqual([
      -800, -200,
    ]);
    expect(figures).toMatchObject({ subtotal: 0, tax: 0, total: 0, outageCreditCarried: 500 });
  });

  it("for any plans, usage, credits and interest: lines sum to the totals, and nothing goes below zero", () => {
    const block = fc.record({
      blockSize: fc.integer({ min: 1, max: 10_000 }),
      pricePerBlock: fc.integer({ min: 0, max: 100_000 }),
    });
    const plan = fc.record({
      planId: fc.string(),
      name: fc.string(),
      monthlyFee: fc.integer({ min: 0, max: 10_000_000 }),
      included: fc.record({
        events: fc.integer({ min: 0, max: 1e9 }),
        aiCredits: fc.integer({ min: 0, max: 1e9 }),
      }),
      overage: fc.record({ events: block, aiCredits: block }, { requiredKeys: [] }),
    });
    fc.assert(
      fc.property(
        fc.array(plan, { minLength: 1, maxLength: 3 }),
        fc.record({ events: fc.integer({ min: 0, max: 1e9 }), aiCredits: fc.integer({ min: 0, max: 1e9 }) }),
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { maxLength: 3 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 100 }),
        (plans, usage, credits, interest, rate) => {
          const figures = invoiceFigures({
            month: "2027-01",
            plans,
            usage,
            outageCredits: credits.map((amount) => ({ description: "outage", amount })),
            lateInterest: interest,
            taxRatePercent: rate,
          });
          const taxable = figures.lines.filter((line) => line.kind !== "late_interest");
          expect(taxable.reduce((sum, line) => sum + line.amount, 0)).toBe(figures.subtotal);
          expect(figures.total).toBe(figures.subtotal + figures.tax + figures.lateInterest);
          expect(figures.subtotal).toBeGreaterThanOrEqual(0);
          expect(figures.tax).toBe(Math.floor((figures.subtotal * rate) / 100));
          expect(figures.tax).toBeGreaterThanOrEqual(0);
          const credited = -figures.lines
            .filter((line) => line.kind === "outage_credit")
            .reduce((sum, line) => sum + line.amount, 0);
          expect(credited + figures.outageCreditCarried).toBe(
            credits.reduce((sum, amount) => sum + amount, 0),
          );
        },
      ),
    );
  });
});

describe("late interest [12.3]", () => {
  it.each([
    ["paid on the due date", "2027-01-31", 0],
    ["paid the day after", "2027-02-01", 0],
    ["paid two days after: one day, the day after the due date", "2027-02-02", 1],
    ["across February of a common year", "2027-03-02", 29],
    ["a year later", "2028-01-31", 364],
  ])("%s", (_case, paidOn, days) => {
    expect(lateDays("2027-01-31", paidOn)).toBe(days);
  });

  it("rounds once per invoice and month, not per payment", () => {
    // 10,000 × 30 × 145 / 365,000 = 119.17…
    const dueDate = "2027-01-31";
    expect(lateInterest([{ amount: 10_000, paidOn: "2027-03-03", dueDate }])).toBe(119);
    // 5,000 × 10 and 5,000 × 20 days: 19.86… + 39.72… = 59.58… → 59 (58 if rounded one by one).
    expect(
      lateInterest([
        { amount: 5_000, paidOn: "2027-02-11", dueDate },
        { amount: 5_000, paidOn: "2027-02-21", dueDate },
      ]),
    ).toBe(59);
    expect(lateInterest([{ amount: 5_000, paidOn: "2027-01-15", dueDate }])).toBe(0);
  });

  it("stays exact where amount × days × 145 passes 2^53", () => {
    // 9,000,000,000,000 × 1,000 × 145 = 1.305e18; ⌊/365,000⌋ = 3,575,342,465,753.
    expect(
      lateInterest([
        {
          amount: 9_000_000_000_000,
          paidOn: dayOfNumber(dayNumber("2027-01-31") + 1_001),
          dueDate: "2027-01-31",
        },
      ]),
    ).toBe(3_575_342_465_753);
  });

  it("counts from the day of acceleration when it comes before the due date [12.4]", () => {
    expect(effectiveDueDate("2027-01-31", "2027-01-10")).toBe("2027-01-10");
    expect(effectiveDueDate("2027-01-31", "2027-02-10")).toBe("2027-01-31");
    expect(effectiveDueDate("2027-01-31")).toBe("2027-01-31");
  });

  it("is never negative and never falls when a payment is added", () => {
    const payment = fc.record({
      amount: fc.integer({ min: 0, max: 1e12 }),
      paidOn: fc
        .integer({ min: 0, max: 3_000 })
        .map((offset) => dayOfNumber(dayNumber("2027-01-01") + offset)),
      dueDate: fc.constantFrom("2027-02-28", "2027-01-10"),
    });
    fc.assert(
      fc.property(fc.array(payment, { maxLength: 5 }), payment, (payments, another) => {
        const before = lateInterest(payments);
        expect(before).toBeGreaterThanOrEqual(0);
        expect(lateInterest([...payments, another])).toBeGreaterThanOrEqual(before);
      }),
    );
  });
});

describe("coupons [17.2]", () => {
  const registered = Date.UTC(2027, 0, 5);
  const closedAt = Date.UTC(2027, 1, 1);
  const coupon = (couponCode: string, balance: number, expiryMonth: string, registeredAt = registered) => ({
    couponCode,
    balance,
    expiryMonth,
    registeredAt,
  });

  it("pay the soonest-expiring first, then the earliest registered", () => {
    const drawn = drawCoupons(
      [
        coupon("LATE", 1_000, "2027-12"),
        coupon("SOON-B", 300, "2027-03", registered + 1),
        coupon("SOON-A", 300, "2027-03"),
      ],
      1_000,
      "2027-01",
      closedAt,
    );
    expect(drawn).toEqual({
      applied: 1_000,
      draws: [
        { couponCode: "SOON-A", amount: 300 },
        { couponCode: "SOON-B", amount: 300 },
        { couponCode: "LATE", amount: 400 },
      ],
    });
  });

  it("skip coupons expired before the invoice's month and those registered after it closed", () => {
    const drawn = drawCoupons(
      [
        coupon("EXPIRED", 500, "2026-12"),
        coupon("AFTER", 500, "2027-06", closedAt),
        coupon("LAST-MONTH", 200, "2027-01"),
      ],
      1_000,
      "2027-01",
      closedAt,
    );
    expect(drawn).toEqual({ applied: 200, draws: [{ couponCode: "LAST-MONTH", amount: 200 }] });
  });

  it("never draw more than is payable or than a balance holds", () => {
    const arbitraryCoupon = fc.record({
      couponCode: fc.string(),
      balance: fc.integer({ min: 0, max: 1e9 }),
      expiryMonth: fc.integer({ min: 0, max: 24 }).map((offset) => addMonths("2026-06", offset)),
      registeredAt: fc.integer({ min: 0, max: 2 * closedAt }),
    });
    fc.assert(
      fc.property(
        fc.array(arbitraryCoupon, { maxLength: 6 }),
        fc.integer({ min: -1_000, max: 1e10 }),
        (coupons, payable) => {
          const { applied, draws } = drawCoupons(coupons, payable, "2027-01", closedAt);
          expect(draws.reduce((sum, draw) => sum + draw.amount, 0)).toBe(applied);
          expect(applied).toBeLessThanOrEqual(Math.max(0, payable));
          for (const draw of draws) {
            const from = coupons.find(
              (entry) => entry.couponCode === draw.couponCode && entry.balance >= draw.amount,
            );
            expect(from, draw.couponCode).toBeDefined();
            expect(draw.amount).toBeGreaterThan(0);
          }
          const usable = coupons
            .filter((entry) => entry.registeredAt < closedAt && entry.expiryMonth >= "2027-01")
            .reduce((sum, entry) => sum + entry.balance, 0);
          expect(applied).toBe(Math.min(Math.max(0, payable), usable));
        },
      ),
    );
  });
});

describe("outage credit [15.2]", () => {
  it.each([
    ["71 hours are 2 days", 71, 2],
    ["just under a day is none", 23.99, 0],
    ["exactly 24 hours is a day", 24, 1],
    ["72 hours are 3 days", 72, 3],
  ])("%s", (_case, hours, days) => {
    expect(outageDays(0, hours * hour)).toBe(days);
  });

  it.each([
    ["two days of a 31-day month", 3_100, 2, 31, 0, 200],
    ["three days of February", 1_000, 3, 28, 0, 107],
    ["three days of a leap February", 1_000, 3, 29, 0, 103],
    ["longer than the month: capped at the fee", 1_000, 40, 30, 0, 1_000],
    ["the month's credits together capped at its fee", 1_000, 10, 30, 900, 100],
    ["nothing left under the cap", 1_000, 10, 30, 1_000, 0],
    ["a free plan credits nothing", 0, 5, 31, 0, 0],
  ])("%s", (_case, monthlyFee, days, daysInMonth, creditedBefore, credit) => {
    expect(outageCredit({ monthlyFee, days, daysInMonth, creditedBefore })).toBe(credit);
  });

  it("never exceeds what the month's fee leaves, and is never negative", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 28, max: 31 }),
        fc.integer({ min: 0, max: 1e12 }),
        (monthlyFee, days, length, creditedBefore) => {
          const credit = outageCredit({ monthlyFee, days, daysInMonth: length, creditedBefore });
          expect(credit).toBeGreaterThanOrEqual(0);
          expect(credit).toBeLessThanOrEqual(Math.max(0, monthlyFee - creditedBefore));
        },
      ),
    );
  });
});
