// Worked cases of billing.md through the HTTP API, one operator on its own test clock per case. Every
// expected figure below was computed by hand from billing.md (the arithmetic is in the comments),
// never by calling the code under test. Usage goes straight into the usage counters at the clock's
// time: counting events is the metering feature's job (the bus will count them at the clock's time);
// these cases are about billing what was counted. The same cases run on SQLite and on PostgreSQL, one
// Conflux each.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret, newToken } from "../src/auth/tokens.ts";
import type { Config } from "../src/conflux.ts";
import { createPostgresSchema } from "./databases.ts";
import { type ApiSession, sessionFor, startTestConflux, testPassword } from "./harness.ts";
import { providerSession } from "./provider-session.ts";

const postgres = await createPostgresSchema();
afterAll(async () => postgres?.drop());
const databases: Array<[string, Config["database"] | undefined, boolean]> = [
  ["SQLite", undefined, true],
  ["PostgreSQL", postgres?.database, postgres !== undefined],
];

/** The plans every case picks from; never edited afterwards (an edit reaches every operator on a plan at once). */
const plans = {
  // 1,000 a month; 1,000 events and 100 AI credits included; 30 per started 100 events, 7 per started 10 credits.
  basic: {
    name: "Basic",
    monthlyFee: 1_000,
    included: { events: 1_000, aiCredits: 100 },
    overage: {
      events: { blockSize: 100, pricePerBlock: 30 },
      aiCredits: { blockSize: 10, pricePerBlock: 7 },
    },
  },
  // 5,000 a month; 10,000 events and 500 credits included; 200 per started 1,000 events, 40 per started 50 credits.
  pro: {
    name: "Pro",
    monthlyFee: 5_000,
    included: { events: 10_000, aiCredits: 500 },
    overage: {
      events: { blockSize: 1_000, pricePerBlock: 200 },
      aiCredits: { blockSize: 50, pricePerBlock: 40 },
    },
  },
  // No fee and nothing included: 1 per started 10 events, 3 per credit.
  metered: {
    name: "Metered",
    monthlyFee: 0,
    included: { events: 0, aiCredits: 0 },
    overage: { events: { blockSize: 10, pricePerBlock: 1 }, aiCredits: { blockSize: 1, pricePerBlock: 3 } },
  },
  // No overage terms: nothing is billed beyond the fee.
  flat: { name: "Flat", monthlyFee: 3_000, included: { events: 100, aiCredits: 0 } },
  odd: { name: "Odd", monthlyFee: 1_234, included: { events: 0, aiCredits: 0 } },
  nines: { name: "Nines", monthlyFee: 999, included: { events: 0, aiCredits: 0 } },
} as const;
type PlanId = keyof typeof plans;

interface Invoice {
  month: string;
  status: "open" | "closed";
  lines: Array<{ kind: string; description: string; amount: number }>;
  subtotal: number;
  tax: number;
  lateInterest: number;
  total: number;
  couponApplied: number;
  amountDue: number;
  paidAmount: number;
  dueDate: string;
}

/** An invoice with its lines as [kind, amount], to compare with the hand-computed figures. */
function figures(invoice: Invoice) {
  const { lines, month: _month, ...rest } = invoice;
  return { ...rest, lines: lines.map((line) => [line.kind, line.amount]) };
}

describe.each(databases)("on %s", (_name, database, reachable) => {
  let conflux: Awaited<ReturnType<typeof startTestConflux>>;
  let admin: ApiSession;

  beforeAll(async () => {
    if (!reachable) return;
    conflux = await startTestConflux(database ? { database } : {});
    admin = await providerSession(conflux);
    for (const [planId, plan] of Object.entries(plans)) {
      const put = await admin.call("PUT", `/v1/provider/plans/${planId}`, plan);
      if (put.status !== 200) throw new Error(`plan ${planId}: ${put.status} ${put.text}`);
    }
  });
  afterAll(async () => conflux?.cleanUp());

  let caseSeq = 0;

  /**
   * A root session issued the way sign-in issues one (saved by its hash): signing in is tested in
   * test/accounts.test.ts, and one password check less per case keeps the file quick.
   */
  async function rootSession(operatorId: string): Promise<ApiSession> {
    const token = newToken();
    const apiKey = `api-${randomUUID()}`;
    await conflux.services.store.saveToken(hashSecret(token), {
      apiKey,
      operatorId,
      expiresAt: Date.now() + 3_600_000,
    });
    return sessionFor(conflux.url, { apiKey, token, operatorId });
  }

  /**
   * One case: the provider's settings, a test clock at `signUpAt`, and an operator created on it on
   * `planId`, signed in as its root.
   */
  async function startCase(
    signUpAt: string,
    planId: PlanId,
    settings: { taxRatePercent?: number; billingTimeZone?: string } = {},
  ) {
    const seq = ++caseSeq;
    const saved = await admin.call("PUT", "/v1/provider/settings", {
      taxRatePercent: settings.taxRatePercent ?? 10,
      billingTimeZone: settings.billingTimeZone ?? "UTC",
    });
    expect(saved.status).toBe(200);
    // The usage counters date by the calendar's zone, which otherwise is read again within seconds.
    await conflux.services.billingCalendar.refresh();
    const clock = await admin.call("POST", "/v1/provider/test_clocks", { frozenTime: signUpAt });
    expect(clock.status).toBe(201);
    const clockId: string = clock.body.testClockId;
    const email = `case-${seq}@example.com`;
    const created = await admin.call("POST", "/v1/provider/operators", {
      email,
      password: testPassword,
      planId,
      testClockId: clockId,
    });
    expect(created.status, created.text).toBe(201);
    const operatorId: string = created.body.operatorId;
    const operator = await rootSession(operatorId);
    return {
      operator,
      operatorId,
      async advance(frozenTime: string) {
        const moved = await admin.call("POST", `/v1/provider/test_clocks/${clockId}/advance`, { frozenTime });
        expect(moved.status, moved.text).toBe(200);
      },
      /** Usage counted at `at` (the metering feature's job; see the top of the file). */
      async use(counters: { events?: number; ai_credits?: number }, at: string) {
        await conflux.services.usage.forOperator(operatorId).add(counters, Date.parse(at));
      },
      async invoice(month: string) {
        const read = await operator.call("GET", `/v1/invoices/${month}`);
        expect(read.status, `${month}: ${read.text}`).toBe(200);
        return figures(read.body as Invoice);
      },
      async months() {
        const read = await operator.call("GET", "/v1/invoices");
        return (read.body as Invoice[]).map((invoice) => `${invoice.month} ${invoice.status}`);
      },
      /** The operator's own change (root): an upgrade at once, a downgrade from next month. */
      async choosePlan(planId: PlanId) {
        const changed = await operator.call("PUT", `/v1/operators/${operatorId}/plan`, { planId });
        expect(changed.status, changed.text).toBe(200);
        return changed.body;
      },
      async pay(month: string, amount: number, paidOn: string) {
        return admin.call("POST", `/v1/provider/operators/${operatorId}/payments`, { month, amount, paidOn });
      },
      /** Issues a coupon and registers it to the operator at the clock's time. */
      /** The code of this case's coupon `name`. */
      code: (name: string) => `C${seq}-${name}`,
      async coupon(name: string, amount: number, expiryMonth: string) {
        const code = `C${seq}-${name}`;
        expect((await admin.call("POST", "/v1/provider/coupons", { amount, expiryMonth, code })).status).toBe(
          201,
        );
        const registered = await operator.call("POST", "/v1/coupons", { couponCode: code });
        expect(registered.status, registered.text).toBe(201);
        return code;
      },
      async balances() {
        const listed = await operator.call("GET", "/v1/coupons");
        return Object.fromEntries(
          (listed.body as Array<{ couponCode: string; balance: number }>).map((coupon) => [
            coupon.couponCode.replace(`C${seq}-`, ""),
            coupon.balance,
          ]),
        );
      },
    };
  }

  describe.skipIf(!reachable).concurrent("the plan line", () => {
    it("1. a mid-month sign-up pays the whole fee (no pro-rata)", async () => {
      const c = await startCase("2027-04-17T10:00:00Z", "basic");
      await c.advance("2027-05-01T00:00:00Z");
      // 1,000 + ⌊1,000 × 10 / 100⌋ = 1,100; due the last day of May.
      expect(await c.invoice("2027-04")).toEqual({
        status: "closed",
        lines: [["plan", 1_000]],
        subtotal: 1_000,
        tax: 100,
        lateInterest: 0,
        total: 1_100,
        couponApplied: 0,
        amountDue: 1_100,
        paidAmount: 0,
        dueDate: "2027-05-31",
      });
    });

    it("2. a sign-up in the last second of a month pays that month and the next", async () => {
      const c = await startCase("2027-06-30T23:59:59Z", "basic");
      await c.advance("2027-07-01T00:00:00Z");
      expect(await c.months()).toEqual(["2027-07 open", "2027-06 closed"]);
      expect(await c.invoice("2027-06")).toMatchObject({ total: 1_100, dueDate: "2027-07-31" });
      expect(await c.invoice("2027-07")).toMatchObject({
        status: "open",
        total: 1_100,
        dueDate: "2027-08-31",
      });
    });
  });

  describe.skipIf(!reachable).concurrent("plan changes", () => {
    it("3. an upgrade mid-month bills the higher fee for the whole month", async () => {
      const c = await startCase("2027-03-02T00:00:00Z", "basic");
      await c.advance("2027-03-15T12:00:00Z");
      expect(await c.choosePlan("pro")).toEqual({ planId: "pro" });
      await c.advance("2027-04-01T00:00:00Z");
      // Pro's 5,000 + 500 tax, not 1,000 for half a month.
      const march = await c.invoice("2027-03");
      expect(march).toMatchObject({ lines: [["plan", 5_000]], subtotal: 5_000, tax: 500, total: 5_500 });
      expect((await c.operator.call("GET", "/v1/invoices/2027-03")).body.lines[0].description).toBe(
        "Pro plan, 2027-03",
      );
      expect(await c.invoice("2027-04")).toMatchObject({ status: "open", total: 5_500 });
    });

    it("4. an upgrade in the last hour of the month still bills that month at the higher fee", async () => {
      const c = await startCase("2027-01-31T23:00:00Z", "basic");
      await c.choosePlan("pro");
      await c.advance("2027-02-01T00:00:00Z");
      expect(await c.invoice("2027-01")).toMatchObject({ lines: [["plan", 5_000]], total: 5_500 });
    });

    it("5. a downgrade takes effect on the first day of the next month", async () => {
      const c = await startCase("2027-05-03T00:00:00Z", "pro");
      await c.advance("2027-05-20T00:00:00Z");
      expect(await c.choosePlan("basic")).toEqual({
        planId: "pro",
        pendingPlanId: "basic",
        pendingFrom: "2027-06-01",
      });
      await c.advance("2027-06-10T00:00:00Z");
      // May stays Pro: 5,500. June is Basic: 1,100.
      expect(await c.invoice("2027-05")).toMatchObject({ lines: [["plan", 5_000]], total: 5_500 });
      expect(await c.invoice("2027-06")).toMatchObject({
        status: "open",
        lines: [["plan", 1_000]],
        total: 1_100,
      });
      expect((await c.operator.call("GET", `/v1/operators/${c.operatorId}/plan`)).body).toEqual({
        planId: "basic",
      });
    });

    it("6. an upgrade then a downgrade in one month: that month at the higher fee, the next at the lower", async () => {
      const c = await startCase("2027-08-01T00:00:00Z", "basic");
      await c.advance("2027-08-05T00:00:00Z");
      await c.choosePlan("pro");
      await c.advance("2027-08-20T00:00:00Z");
      expect(await c.choosePlan("basic")).toMatchObject({ planId: "pro", pendingFrom: "2027-09-01" });
      await c.advance("2027-10-01T00:00:00Z");
      expect(await c.invoice("2027-08")).toMatchObject({ lines: [["plan", 5_000]], total: 5_500 });
      expect(await c.invoice("2027-09")).toMatchObject({ lines: [["plan", 1_000]], total: 1_100 });
    });

    it("7. choosing the plan in force again cancels a pending downgrade", async () => {
      const c = await startCase("2027-02-01T00:00:00Z", "pro");
      await c.advance("2027-02-10T00:00:00Z");
      await c.choosePlan("basic");
      await c.advance("2027-02-12T00:00:00Z");
      expect(await c.choosePlan("pro")).toEqual({ planId: "pro" });
      await c.advance("2027-03-05T00:00:00Z");
      expect(await c.invoice("2027-02")).toMatchObject({ total: 5_500 });
      expect(await c.invoice("2027-03")).toMatchObject({
        status: "open",
        lines: [["plan", 5_000]],
        total: 5_500,
      });
    });

    it("8. the provider's move to a cheaper plan at once still bills the month at the higher plan, its included amounts too", async () => {
      const c = await startCase("2027-07-01T00:00:00Z", "pro");
      await c.advance("2027-07-10T00:00:00Z");
      const moved = await admin.call("PUT", `/v1/provider/operators/${c.operatorId}/plan`, {
        planId: "basic",
      });
      expect(moved.body).toEqual({ planId: "basic" });
      // 1,500 events after the move: under Pro's 10,000 included, so no overage (Basic's would be 5 × 30).
      await c.use({ events: 1_500 }, "2027-07-11T00:00:00Z");
      await c.advance("2027-08-01T00:00:00Z");
      expect(await c.invoice("2027-07")).toMatchObject({
        lines: [["plan", 5_000]],
        subtotal: 5_000,
        total: 5_500,
      });
      expect(await c.invoice("2027-08")).toMatchObject({ lines: [["plan", 1_000]], total: 1_100 });
    });

    it("9. usage before a mid-month upgrade is measured against the billed plan's included amounts", async () => {
      const c = await startCase("2027-09-01T00:00:00Z", "basic");
      await c.use({ events: 12_500 }, "2027-09-03T00:00:00Z");
      await c.advance("2027-09-10T00:00:00Z");
      await c.choosePlan("pro");
      await c.advance("2027-10-01T00:00:00Z");
      // Pro: ⌈(12,500 − 10,000) / 1,000⌉ = ⌈2.5⌉ = 3 blocks × 200 = 600; 5,600 + 560 = 6,160.
      expect(await c.invoice("2027-09")).toMatchObject({
        lines: [
          ["plan", 5_000],
          ["overage", 600],
        ],
        subtotal: 5_600,
        tax: 560,
        total: 6_160,
      });
    });
  });

  describe.skipIf(!reachable).concurrent("overage blocks", () => {
    /** Basic (or another plan) for October 2027 with `usage`, closed. */
    async function closedOctober(planId: PlanId, usage: { events?: number; ai_credits?: number }) {
      const c = await startCase("2027-10-01T00:00:00Z", planId);
      if (Object.keys(usage).length > 0) await c.use(usage, "2027-10-15T00:00:00Z");
      await c.advance("2027-11-01T00:00:00Z");
      return c.invoice("2027-10");
    }

    it("10. an exact multiple of the block: 1,300 events = 3 blocks", async () => {
      // ⌈300 / 100⌉ = 3 × 30 = 90; 1,090 + ⌊109.0⌋ = 1,199.
      expect(await closedOctober("basic", { events: 1_300 })).toMatchObject({
        lines: [
          ["plan", 1_000],
          ["overage", 90],
        ],
        subtotal: 1_090,
        tax: 109,
        total: 1_199,
      });
    });

    it("11. one over a multiple starts another block: 1,301 events = 4 blocks", async () => {
      // ⌈301 / 100⌉ = 4 × 30 = 120; 1,120 + 112 = 1,232.
      expect(await closedOctober("basic", { events: 1_301 })).toMatchObject({
        lines: [
          ["plan", 1_000],
          ["overage", 120],
        ],
        subtotal: 1_120,
        tax: 112,
        total: 1_232,
      });
    });

    it("12. exactly the included amount bills no overage", async () => {
      expect(await closedOctober("basic", { events: 1_000, ai_credits: 100 })).toMatchObject({
        lines: [["plan", 1_000]],
        subtotal: 1_000,
        total: 1_100,
      });
    });

    it("13. one event over the included amount bills one whole block", async () => {
      // ⌈1 / 100⌉ = 1 × 30; 1,030 + 103 = 1,133.
      expect(await closedOctober("basic", { events: 1_001 })).toMatchObject({
        lines: [
          ["plan", 1_000],
          ["overage", 30],
        ],
        total: 1_133,
      });
    });

    it("14. zero included: every started block is billed, one line per metric", async () => {
      // Events ⌈25 / 10⌉ = 3 × 1 = 3; credits ⌈4 / 1⌉ = 4 × 3 = 12; 15 + ⌊1.5⌋ = 16.
      const october = await closedOctober("metered", { events: 25, ai_credits: 4 });
      expect(october).toMatchObject({
        lines: [
          ["plan", 0],
          ["overage", 3],
          ["overage", 12],
        ],
        subtotal: 15,
        tax: 1,
        total: 16,
        amountDue: 16,
      });
    });

    it("15. zero included and no usage: a zero invoice", async () => {
      expect(await closedOctober("metered", {})).toMatchObject({
        lines: [["plan", 0]],
        subtotal: 0,
        tax: 0,
        total: 0,
        amountDue: 0,
      });
    });

    it("16. both metrics over on one plan, with a fractional tax floored", async () => {
      // Events ⌈1,050 / 100⌉ = 11 × 30 = 330; credits ⌈1 / 10⌉ = 1 × 7 = 7; 1,337 + ⌊133.7⌋ = 1,470.
      expect(await closedOctober("basic", { events: 2_050, ai_credits: 101 })).toMatchObject({
        lines: [
          ["plan", 1_000],
          ["overage", 330],
          ["overage", 7],
        ],
        subtotal: 1_337,
        tax: 133,
        total: 1_470,
      });
    });

    it("17. a plan without overage terms bills nothing beyond its fee", async () => {
      expect(await closedOctober("flat", { events: 1_000_000, ai_credits: 50 })).toMatchObject({
        lines: [["plan", 3_000]],
        subtotal: 3_000,
        tax: 300,
        total: 3_300,
      });
    });

    it("18. usage counts in the month it was stamped: the last second of November, the first of December", async () => {
      const c = await startCase("2027-11-01T00:00:00Z", "basic");
      await c.use({ events: 1_100 }, "2027-11-30T23:59:59Z");
      await c.advance("2027-12-01T00:00:00Z");
      await c.use({ events: 5_000 }, "2027-12-01T00:00:00Z");
      // November ⌈100 / 100⌉ × 30 = 30: 1,133. December ⌈4,000 / 100⌉ = 40 × 30 = 1,200: 2,200 + 220 = 2,420.
      expect(await c.invoice("2027-11")).toMatchObject({ subtotal: 1_030, total: 1_133 });
      expect(await c.invoice("2027-12")).toMatchObject({ status: "open", subtotal: 2_200, total: 2_420 });
    });

    it("19. the open invoice moves with usage; the closed one never changes after", async () => {
      const c = await startCase("2028-01-05T00:00:00Z", "basic");
      await c.use({ events: 1_200 }, "2028-01-06T00:00:00Z");
      // ⌈200 / 100⌉ × 30 = 60: 1,060 + 106 = 1,166.
      expect(await c.invoice("2028-01")).toMatchObject({ status: "open", total: 1_166, amountDue: 1_166 });
      await c.use({ events: 100 }, "2028-01-20T00:00:00Z");
      // 1,300 events: 90, 1,090 + 109 = 1,199.
      expect(await c.invoice("2028-01")).toMatchObject({ status: "open", total: 1_199 });
      await c.advance("2028-02-01T00:00:00Z");
      const closed = await c.invoice("2028-01");
      expect(closed).toMatchObject({ status: "closed", total: 1_199 });
      // Usage stamped in January but counted after it closed changes nothing.
      await c.use({ events: 10_000 }, "2028-01-31T23:00:00Z");
      expect(await c.invoice("2028-01")).toEqual(closed);
    });
  });

  describe.skipIf(!reachable).concurrent("coupons", () => {
    it("20. the soonest expiry pays first, whatever the order of registration", async () => {
      const c = await startCase("2028-03-01T00:00:00Z", "basic");
      await c.coupon("LATE", 5_000, "2028-12");
      await c.coupon("SOON", 600, "2028-03");
      await c.advance("2028-04-01T00:00:00Z");
      // 1,100 payable: SOON 600, then LATE 500.
      expect(await c.invoice("2028-03")).toMatchObject({ couponApplied: 1_100, amountDue: 0 });
      expect(await c.balances()).toEqual({ LATE: 4_500, SOON: 0 });
    });

    it("21. of equal expiry, the earliest registered pays first", async () => {
      const c = await startCase("2028-05-02T00:00:00Z", "basic");
      await c.coupon("ZZ", 700, "2028-06");
      await c.advance("2028-05-02T00:01:00Z");
      await c.coupon("AA", 700, "2028-06");
      await c.advance("2028-06-01T00:00:00Z");
      // 1,100: ZZ (registered first) 700, AA 400 → AA keeps 300.
      expect(await c.invoice("2028-05")).toMatchObject({ couponApplied: 1_100, amountDue: 0 });
      expect(await c.balances()).toEqual({ ZZ: 0, AA: 300 });
    });

    it("22. an expired coupon is skipped and its balance stays (never refunded)", async () => {
      const c = await startCase("2028-06-10T00:00:00Z", "basic");
      await c.coupon("JUNE", 5_000, "2028-06");
      await c.advance("2028-08-01T00:00:00Z");
      // June draws 1,100 (3,900 left); July is after its expiry month: nothing drawn.
      expect(await c.invoice("2028-06")).toMatchObject({ couponApplied: 1_100, amountDue: 0 });
      expect(await c.invoice("2028-07")).toMatchObject({ couponApplied: 0, amountDue: 1_100 });
      expect(await c.balances()).toEqual({ JUNE: 3_900 });
    });

    it("23. a coupon pays the invoice of its expiry month; registering an expired one is refused", async () => {
      const c = await startCase("2028-07-15T00:00:00Z", "basic");
      await c.coupon("JULY", 2_000, "2028-07");
      await admin.call("POST", "/v1/provider/coupons", {
        amount: 500,
        expiryMonth: "2028-06",
        code: "GONE-30",
      });
      const expired = await c.operator.call("POST", "/v1/coupons", { couponCode: "GONE-30" });
      expect(expired.status).toBe(400);
      expect(expired.body.message).toMatch(/expired/);
      await c.advance("2028-08-01T00:00:00Z");
      expect(await c.invoice("2028-07")).toMatchObject({ couponApplied: 1_100, amountDue: 0 });
      expect(await c.balances()).toEqual({ JULY: 900 });
    });

    it("24. a coupon registered after the month ended does not pay that month, but the next", async () => {
      const c = await startCase("2028-09-20T00:00:00Z", "basic");
      await c.advance("2028-10-01T00:00:00Z");
      await c.coupon("AFTER", 2_000, "2028-12");
      expect(await c.invoice("2028-09")).toMatchObject({ couponApplied: 0, amountDue: 1_100 });
      await c.advance("2028-11-01T00:00:00Z");
      expect(await c.invoice("2028-10")).toMatchObject({ couponApplied: 1_100, amountDue: 0 });
      expect(await c.balances()).toEqual({ AFTER: 900 });
    });

    it("25. a coupon registered in the month's last second pays it", async () => {
      const c = await startCase("2028-09-20T00:00:00Z", "basic");
      await c.advance("2028-09-30T23:59:59Z");
      await c.coupon("LAST", 2_000, "2028-12");
      await c.advance("2028-10-01T00:00:00Z");
      expect(await c.invoice("2028-09")).toMatchObject({ couponApplied: 1_100, amountDue: 0 });
    });

    it("26. a balance carries across months until it is spent", async () => {
      const c = await startCase("2029-01-10T00:00:00Z", "basic");
      await c.coupon("BIG", 2_500, "2029-12");
      await c.advance("2029-04-01T00:00:00Z");
      // January 1,100 (1,400 left), February 1,100 (300 left), March the last 300 of 1,100.
      expect(await c.invoice("2029-01")).toMatchObject({ couponApplied: 1_100, amountDue: 0 });
      expect(await c.invoice("2029-02")).toMatchObject({ couponApplied: 1_100, amountDue: 0 });
      expect(await c.invoice("2029-03")).toMatchObject({ couponApplied: 300, amountDue: 800 });
      expect(await c.balances()).toEqual({ BIG: 0 });
      const again = await c.operator.call("POST", "/v1/coupons", { couponCode: c.code("BIG") });
      expect(again.status).toBe(409);
      expect((await c.operator.call("POST", "/v1/coupons", { couponCode: "NO-SUCH-CODE" })).status).toBe(404);
    });

    it("27. a coupon never pays late interest", async () => {
      const c = await startCase("2029-01-01T00:00:00Z", "pro");
      await c.advance("2029-03-05T00:00:00Z");
      // January (5,500, due 2029-02-28) paid on 03-05: late 03-01..03-04 = 4 days;
      // ⌊5,500 × 4 × 145 / 365,000⌋ = ⌊3,190,000 / 365,000⌋ = ⌊8.73…⌋ = 8, on March.
      expect((await c.pay("2029-01", 5_500, "2029-03-05")).body).toMatchObject({
        lateDays: 4,
        interestMonth: "2029-03",
      });
      await c.coupon("RICH", 20_000, "2029-12");
      await c.advance("2029-04-01T00:00:00Z");
      // The coupon pays subtotal + tax = 5,500 only; the 8 of interest stays due.
      expect(await c.invoice("2029-03")).toMatchObject({
        lines: [
          ["plan", 5_000],
          ["late_interest", 8],
        ],
        subtotal: 5_000,
        tax: 500,
        lateInterest: 8,
        total: 5_508,
        couponApplied: 5_500,
        amountDue: 8,
      });
      // February closed before the coupon was registered.
      expect(await c.invoice("2029-02")).toMatchObject({ couponApplied: 0, amountDue: 5_500 });
      expect(await c.balances()).toEqual({ RICH: 14_500 });
    });

    it("28. nothing is drawn from a zero invoice; a small one draws only what it costs", async () => {
      const c = await startCase("2029-05-01T00:00:00Z", "metered");
      await c.coupon("SMALL", 500, "2029-12");
      await c.advance("2029-06-01T00:00:00Z");
      expect(await c.invoice("2029-05")).toMatchObject({ total: 0, couponApplied: 0, amountDue: 0 });
      await c.use({ events: 30 }, "2029-06-02T00:00:00Z");
      await c.advance("2029-07-01T00:00:00Z");
      // ⌈30 / 10⌉ × 1 = 3; ⌊0.3⌋ = 0 tax.
      expect(await c.invoice("2029-06")).toMatchObject({ total: 3, couponApplied: 3, amountDue: 0 });
      expect(await c.balances()).toEqual({ SMALL: 497 });
    });
  });

  describe.skipIf(!reachable).concurrent("payments and late interest", () => {
    it("29. a payment on the due date bears no interest", async () => {
      const c = await startCase("2029-01-10T00:00:00Z", "pro");
      await c.advance("2029-02-28T00:00:00Z");
      const paid = await c.pay("2029-01", 5_500, "2029-02-28");
      expect(paid.status).toBe(201);
      expect(paid.body).toMatchObject({ lateDays: 0, interestMonth: "2029-02" });
      expect(await c.invoice("2029-02")).toMatchObject({
        lines: [["plan", 5_000]],
        lateInterest: 0,
        total: 5_500,
      });
      expect(await c.invoice("2029-01")).toMatchObject({ paidAmount: 5_500 });
    });

    it("30. a payment on the day after the due date has no late day", async () => {
      const c = await startCase("2029-01-10T00:00:00Z", "pro");
      await c.advance("2029-03-01T00:00:00Z");
      // From 03-01 (the day after the due date) to 02-28 (the day before paidOn): no day.
      expect((await c.pay("2029-01", 5_500, "2029-03-01")).body).toMatchObject({ lateDays: 0 });
      expect(await c.invoice("2029-03")).toMatchObject({ lateInterest: 0, total: 5_500 });
    });

    it("31. interest only on the late part of a partial payment, untaxed, on the payment month's invoice", async () => {
      const c = await startCase("2029-04-01T00:00:00Z", "pro");
      await c.advance("2029-05-20T00:00:00Z");
      // April: 5,500, due 2029-05-31. 2,000 on time.
      expect((await c.pay("2029-04", 2_000, "2029-05-20")).body).toMatchObject({ lateDays: 0 });
      await c.advance("2029-06-30T00:00:00Z");
      const over = await c.pay("2029-04", 3_501, "2029-06-30");
      expect(over.status).toBe(400);
      expect(over.body.message).toMatch(/more than the 3500 still due/);
      // 3,500 on 06-30: late 06-01..06-29 = 29 days; ⌊3,500 × 29 × 145 / 365,000⌋ = ⌊14,717,500 / 365,000⌋ = ⌊40.32…⌋ = 40.
      expect((await c.pay("2029-04", 3_500, "2029-06-30")).body).toMatchObject({
        lateDays: 29,
        interestMonth: "2029-06",
      });
      await c.advance("2029-07-01T00:00:00Z");
      // Tax stays ⌊5,000 × 10 / 100⌋ = 500: interest is not taxed.
      expect(await c.invoice("2029-06")).toMatchObject({
        status: "closed",
        lines: [
          ["plan", 5_000],
          ["late_interest", 40],
        ],
        subtotal: 5_000,
        tax: 500,
        lateInterest: 40,
        total: 5_540,
        amountDue: 5_540,
      });
      expect(await c.invoice("2029-04")).toMatchObject({ paidAmount: 5_500, lateInterest: 0 });
    });

    it("32. one rounding per invoice per month: two late payments of one invoice in one month", async () => {
      const c = await startCase("2029-07-01T00:00:00Z", "pro");
      // July: 5,500, due 2029-08-31.
      await c.advance("2029-09-10T00:00:00Z");
      await c.pay("2029-07", 1_000, "2029-09-10"); // 9 late days: 1,000 × 9 × 145 / 365,000 = 3.57…
      await c.advance("2029-09-11T00:00:00Z");
      await c.pay("2029-07", 1_000, "2029-09-11"); // 10 late days: 3.97…
      // ⌊(9,000 + 10,000) × 145 / 365,000⌋ = ⌊2,755,000 / 365,000⌋ = ⌊7.54…⌋ = 7 (not 3 + 3 = 6).
      expect(await c.invoice("2029-09")).toMatchObject({ lateInterest: 7, total: 5_507 });
    });

    it("33. late payments in two months: each month's invoice has its own interest, rounded once", async () => {
      const c = await startCase("2029-10-01T00:00:00Z", "pro");
      // October: 5,500, due 2029-11-30.
      await c.advance("2029-12-11T00:00:00Z");
      // 2,500 on 12-11: late 12-01..12-10 = 10 days; ⌊2,500 × 10 × 145 / 365,000⌋ = ⌊3,625,000 / 365,000⌋ = ⌊9.93…⌋ = 9.
      expect((await c.pay("2029-10", 2_500, "2029-12-11")).body).toMatchObject({ lateDays: 10 });
      await c.advance("2030-01-16T00:00:00Z");
      // 3,000 on 2030-01-16: late 12-01..01-15 = 31 + 15 = 46 days;
      // ⌊3,000 × 46 × 145 / 365,000⌋ = ⌊20,010,000 / 365,000⌋ = ⌊54.82…⌋ = 54.
      expect((await c.pay("2029-10", 3_000, "2030-01-16")).body).toMatchObject({
        lateDays: 46,
        interestMonth: "2030-01",
      });
      expect(await c.invoice("2029-12")).toMatchObject({ status: "closed", lateInterest: 9, total: 5_509 });
      expect(await c.invoice("2030-01")).toMatchObject({ status: "open", lateInterest: 54, total: 5_554 });
    });

    it("34. a payment recorded after its month closed has its interest on the open invoice", async () => {
      const c = await startCase("2030-02-01T00:00:00Z", "pro");
      // February: 5,500, due 2030-03-31.
      await c.advance("2030-05-03T00:00:00Z");
      // Paid on 04-10, recorded in May: late 04-01..04-09 = 9 days;
      // ⌊5,500 × 9 × 145 / 365,000⌋ = ⌊7,177,500 / 365,000⌋ = ⌊19.66…⌋ = 19. April is closed and never changes.
      expect((await c.pay("2030-02", 5_500, "2030-04-10")).body).toMatchObject({
        lateDays: 9,
        interestMonth: "2030-05",
      });
      expect(await c.invoice("2030-04")).toMatchObject({ lateInterest: 0, total: 5_500 });
      expect(await c.invoice("2030-05")).toMatchObject({ status: "open", lateInterest: 19, total: 5_519 });
    });

    it("35. two invoices paid late in one month: one rounding per invoice, then summed", async () => {
      const c = await startCase("2029-01-01T00:00:00Z", "pro");
      await c.advance("2029-04-10T00:00:00Z");
      // January (due 02-28) on 04-10: late 03-01..04-09 = 31 + 9 = 40 days;
      // ⌊5,500 × 40 × 145 / 365,000⌋ = ⌊31,900,000 / 365,000⌋ = ⌊87.39…⌋ = 87.
      expect((await c.pay("2029-01", 5_500, "2029-04-10")).body).toMatchObject({ lateDays: 40 });
      // February (due 03-31) on 04-10: late 04-01..04-09 = 9 days; ⌊7,177,500 / 365,000⌋ = ⌊19.66…⌋ = 19.
      expect((await c.pay("2029-02", 5_500, "2029-04-10")).body).toMatchObject({ lateDays: 9 });
      // 87 + 19 = 106 (one rounding of both together would give ⌊107.06…⌋ = 107).
      expect(await c.invoice("2029-04")).toMatchObject({ lateInterest: 106, total: 5_606 });
    });

    it("36. what coupons left is what is paid, and only that bears interest", async () => {
      const c = await startCase("2029-01-05T00:00:00Z", "pro");
      await c.coupon("JAN", 1_500, "2029-01");
      await c.advance("2029-03-11T00:00:00Z");
      // January: 5,500 − 1,500 = 4,000 due on 02-28; February: the coupon has expired.
      expect(await c.invoice("2029-01")).toMatchObject({ couponApplied: 1_500, amountDue: 4_000 });
      expect(await c.invoice("2029-02")).toMatchObject({ couponApplied: 0, amountDue: 5_500 });
      const over = await c.pay("2029-01", 4_001, "2029-03-11");
      expect(over.status).toBe(400);
      expect(over.body.message).toMatch(/more than the 4000 still due/);
      // 4,000 on 03-11: late 03-01..03-10 = 10 days; ⌊4,000 × 10 × 145 / 365,000⌋ = ⌊15.89…⌋ = 15.
      expect((await c.pay("2029-01", 4_000, "2029-03-11")).body).toMatchObject({ lateDays: 10 });
      expect(await c.invoice("2029-03")).toMatchObject({ lateInterest: 15, total: 5_515 });
      expect(await c.invoice("2029-01")).toMatchObject({ paidAmount: 4_000 });
    });

    it("37. late days through a leap February: 29 of them", async () => {
      const c = await startCase("2027-12-01T00:00:00Z", "pro");
      // December 2027: due 2028-01-31. Paid 2028-03-01: late 02-01..02-29 = 29 days;
      // ⌊5,500 × 29 × 145 / 365,000⌋ = ⌊23,127,500 / 365,000⌋ = ⌊63.36…⌋ = 63 (28 days would give 61).
      await c.advance("2028-03-01T00:00:00Z");
      expect((await c.pay("2027-12", 5_500, "2028-03-01")).body).toMatchObject({
        lateDays: 29,
        interestMonth: "2028-03",
      });
      expect(await c.invoice("2028-03")).toMatchObject({ lateInterest: 63, total: 5_563 });
    });
  });

  describe.skipIf(!reachable).concurrent("acceleration", () => {
    it("38. an accelerated invoice is due today and paying it later bears interest from tomorrow", async () => {
      const c = await startCase("2030-06-01T00:00:00Z", "pro");
      await c.advance("2030-07-10T00:00:00Z");
      const accelerated = await admin.call("POST", `/v1/provider/operators/${c.operatorId}/accelerate`);
      expect(accelerated.body).toEqual({ acceleratedOn: "2030-07-10", months: ["2030-06"] });
      // June was due 2030-07-31.
      expect(await c.invoice("2030-06")).toMatchObject({ dueDate: "2030-07-10" });
      await c.advance("2030-07-20T00:00:00Z");
      // Late 07-11..07-19 = 9 days: ⌊5,500 × 9 × 145 / 365,000⌋ = 19.
      expect((await c.pay("2030-06", 5_500, "2030-07-20")).body).toMatchObject({ lateDays: 9 });
      expect(await c.invoice("2030-07")).toMatchObject({ lateInterest: 19, total: 5_519 });
    });

    it("39. acceleration moves only unpaid closed invoices: a paid one and the open month stay", async () => {
      const c = await startCase("2030-09-01T00:00:00Z", "pro");
      await c.advance("2030-11-05T00:00:00Z");
      // September (due 10-31) paid on its due date; October (due 11-30) paid 1,000 of 5,500.
      expect((await c.pay("2030-09", 5_500, "2030-10-31")).body).toMatchObject({ lateDays: 0 });
      await c.pay("2030-10", 1_000, "2030-11-05");
      const accelerated = await admin.call("POST", `/v1/provider/operators/${c.operatorId}/accelerate`);
      expect(accelerated.body).toEqual({ acceleratedOn: "2030-11-05", months: ["2030-10"] });
      expect(await c.invoice("2030-09")).toMatchObject({ dueDate: "2030-10-31" });
      expect(await c.invoice("2030-10")).toMatchObject({ dueDate: "2030-11-05", paidAmount: 1_000 });
      expect(await c.invoice("2030-11")).toMatchObject({ status: "open", dueDate: "2030-12-31" });
      await c.advance("2030-11-15T00:00:00Z");
      // 4,500 on 11-15: late 11-06..11-14 = 9 days; ⌊4,500 × 9 × 145 / 365,000⌋ = ⌊5,872,500 / 365,000⌋ = ⌊16.08…⌋ = 16.
      expect((await c.pay("2030-10", 4_500, "2030-11-15")).body).toMatchObject({ lateDays: 9 });
      expect(await c.invoice("2030-11")).toMatchObject({ lateInterest: 16, total: 5_516 });
    });
  });

  describe.skipIf(!reachable).concurrent("month lengths and due dates", () => {
    it("40. due the last day of the next month: 31, 28, 31, 30 and 31 days", async () => {
      const c = await startCase("2030-12-01T00:00:00Z", "basic");
      await c.advance("2031-05-01T00:00:00Z");
      const dueDates: Record<string, string> = {};
      for (const month of ["2030-12", "2031-01", "2031-02", "2031-03", "2031-04"])
        dueDates[month] = (await c.invoice(month)).dueDate;
      expect(dueDates).toEqual({
        "2030-12": "2031-01-31",
        "2031-01": "2031-02-28",
        "2031-02": "2031-03-31",
        "2031-03": "2031-04-30",
        "2031-04": "2031-05-31",
      });
    });

    it("41. a leap year: January is due on February 29", async () => {
      const c = await startCase("2032-01-15T00:00:00Z", "basic");
      await c.advance("2032-03-01T00:00:00Z");
      expect(await c.invoice("2032-01")).toMatchObject({ dueDate: "2032-02-29", total: 1_100 });
      expect(await c.invoice("2032-02")).toMatchObject({ dueDate: "2032-03-31", total: 1_100 });
    });

    it("42. 2100 is no leap year: January is due on February 28", async () => {
      const c = await startCase("2100-01-15T00:00:00Z", "basic");
      await c.advance("2100-02-01T00:00:00Z");
      expect(await c.invoice("2100-01")).toMatchObject({ dueDate: "2100-02-28" });
    });

    it("43. a payment on February 29 of a leap year is on time for January", async () => {
      const c = await startCase("2032-01-15T00:00:00Z", "pro");
      await c.advance("2032-02-29T12:00:00Z");
      expect((await c.pay("2032-01", 5_500, "2032-02-29")).body).toMatchObject({ lateDays: 0 });
    });
  });

  // The provider's settings are one for all operators: the cases with other settings run one at a time,
  // after the concurrent cases above (which all keep 10 % and UTC) and before the Tokyo ones.
  describe.skipIf(!reachable)("tax, floored", () => {
    async function closedMay(planId: PlanId, taxRatePercent: number, events = 0) {
      const c = await startCase("2028-05-01T00:00:00Z", planId, { taxRatePercent });
      if (events > 0) await c.use({ events }, "2028-05-02T00:00:00Z");
      await c.advance("2028-06-01T00:00:00Z");
      return c.invoice("2028-05");
    }

    it("44. 8 % of 1,234 = ⌊98.72⌋ = 98", async () => {
      expect(await closedMay("odd", 8)).toMatchObject({ subtotal: 1_234, tax: 98, total: 1_332 });
    });

    it("45. 10 % of 1,234 = ⌊123.4⌋ = 123", async () => {
      expect(await closedMay("odd", 10)).toMatchObject({ subtotal: 1_234, tax: 123, total: 1_357 });
    });

    it("46. 8 % of 999 = ⌊79.92⌋ = 79", async () => {
      expect(await closedMay("nines", 8)).toMatchObject({ subtotal: 999, tax: 79, total: 1_078 });
    });

    it("47. 10 % of 999 = ⌊99.9⌋ = 99", async () => {
      expect(await closedMay("nines", 10)).toMatchObject({ subtotal: 999, tax: 99, total: 1_098 });
    });

    it("48. 8 % of fee and overage together: ⌊1,120 × 8 / 100⌋ = ⌊89.6⌋ = 89", async () => {
      // 1,301 events: ⌈301 / 100⌉ = 4 × 30 = 120.
      expect(await closedMay("basic", 8, 1_301)).toMatchObject({ subtotal: 1_120, tax: 89, total: 1_209 });
    });

    it("49. 8 % of 2 is ⌊0.16⌋ = 0", async () => {
      // Metered, 12 events: ⌈12 / 10⌉ = 2 × 1 = 2.
      expect(await closedMay("metered", 8, 12)).toMatchObject({ subtotal: 2, tax: 0, total: 2 });
    });

    it("50. a closed invoice keeps the rate it closed with; the open one takes the new rate", async () => {
      const c = await startCase("2028-01-10T00:00:00Z", "odd", { taxRatePercent: 8 });
      await c.advance("2028-02-01T00:00:00Z");
      expect(
        (await admin.call("PUT", "/v1/provider/settings", { taxRatePercent: 10, billingTimeZone: "UTC" }))
          .status,
      ).toBe(200);
      expect(await c.invoice("2028-01")).toMatchObject({ status: "closed", tax: 98, total: 1_332 });
      expect(await c.invoice("2028-02")).toMatchObject({ status: "open", tax: 123, total: 1_357 });
    });
  });

  describe.skipIf(!reachable).concurrent("a billing time zone east of UTC (Asia/Tokyo, UTC+9)", () => {
    const tokyo = { billingTimeZone: "Asia/Tokyo" };

    it("51. a sign-up at 16:00 UTC on January 31 is in February", async () => {
      // 2030-01-31T16:00Z is 2030-02-01 01:00 in Tokyo.
      const c = await startCase("2030-01-31T16:00:00Z", "basic", tokyo);
      expect(await c.months()).toEqual(["2030-02 open"]);
      // February ends at 2030-02-28T15:00Z (March 1, 00:00 in Tokyo).
      await c.advance("2030-02-28T14:59:59Z");
      expect(await c.months()).toEqual(["2030-02 open"]);
      await c.advance("2030-02-28T15:00:00Z");
      expect(await c.months()).toEqual(["2030-03 open", "2030-02 closed"]);
      expect(await c.invoice("2030-02")).toMatchObject({ total: 1_100, dueDate: "2030-03-31" });
      expect((await c.operator.call("GET", "/v1/invoices/2030-01")).status).toBe(404);
    });

    it("52. usage is billed in the Tokyo month it was counted in", async () => {
      const c = await startCase("2030-03-10T00:00:00Z", "basic", tokyo);
      // 14:59:59Z on March 31 is 23:59:59 in Tokyo (March); 15:30Z is 00:30 on April 1 (April).
      await c.use({ events: 1_100 }, "2030-03-31T14:59:59Z");
      await c.advance("2030-03-31T15:30:00Z");
      await c.use({ events: 2_000 }, "2030-03-31T15:30:00Z");
      // March ⌈100 / 100⌉ × 30: 1,030 + 103 = 1,133. April ⌈1,000 / 100⌉ = 10 × 30 = 300: 1,300 + 130 = 1,430.
      expect(await c.invoice("2030-03")).toMatchObject({
        status: "closed",
        total: 1_133,
        dueDate: "2030-04-30",
      });
      expect(await c.invoice("2030-04")).toMatchObject({ status: "open", total: 1_430 });
    });

    it("53. an upgrade at 16:00 UTC on April 30 is in May in Tokyo: April keeps the lower fee", async () => {
      const c = await startCase("2030-04-10T00:00:00Z", "basic", tokyo);
      await c.advance("2030-04-30T16:00:00Z");
      await c.choosePlan("pro");
      expect(await c.invoice("2030-04")).toMatchObject({
        status: "closed",
        lines: [["plan", 1_000]],
        total: 1_100,
      });
      expect(await c.invoice("2030-05")).toMatchObject({
        status: "open",
        lines: [["plan", 5_000]],
        total: 5_500,
      });
    });

    it("54. a downgrade at 23:30 Tokyo time on June 30 is pending from July 1 in Tokyo", async () => {
      const c = await startCase("2030-06-05T00:00:00Z", "pro", tokyo);
      await c.advance("2030-06-30T14:30:00Z");
      expect(await c.choosePlan("basic")).toEqual({
        planId: "pro",
        pendingPlanId: "basic",
        pendingFrom: "2030-07-01",
      });
      await c.advance("2030-06-30T15:30:00Z");
      expect(await c.invoice("2030-06")).toMatchObject({ status: "closed", total: 5_500 });
      expect(await c.invoice("2030-07")).toMatchObject({
        status: "open",
        lines: [["plan", 1_000]],
        total: 1_100,
      });
    });

    it("55. a coupon registered at 15:30 UTC on August 31 comes after August's end in Tokyo", async () => {
      const c = await startCase("2030-08-05T00:00:00Z", "basic", tokyo);
      await c.advance("2030-08-31T15:30:00Z");
      await c.coupon("SEPT", 2_000, "2030-12");
      expect(await c.invoice("2030-08")).toMatchObject({ couponApplied: 0, amountDue: 1_100 });
      await c.advance("2030-09-30T15:00:00Z");
      expect(await c.invoice("2030-09")).toMatchObject({ couponApplied: 1_100, amountDue: 0 });
      expect(await c.balances()).toEqual({ SEPT: 900 });
    });
  });
});
