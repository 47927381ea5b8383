// Invoices, coupons, payments and test clocks through the API (billing.md), on an operator the
// provider created on a test clock with a paid plan, on SQLite and on PostgreSQL. src/billing/ holds the
// rules' worked cases.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../src/conflux.ts";
import { createPostgresSchema } from "./databases.ts";
import { type ApiSession, logIn, startTestConflux, testPassword } from "./harness.ts";
import { providerSession } from "./provider-session.ts";

const postgres = await createPostgresSchema();
afterAll(async () => postgres?.drop());
const databases: Array<[string, Config["database"] | undefined, boolean]> = [
  ["SQLite", undefined, true],
  ["PostgreSQL", postgres?.database, postgres !== undefined],
];

describe.each(databases)("on %s", (_name, database, reachable) => {
  let conflux: Awaited<ReturnType<typeof startTestConflux>>;
  let admin: ApiSession;
  let operator: ApiSession;
  let clockId: string;

  beforeAll(async () => {
    if (!reachable) return;
    conflux = await startTestConflux(database ? { database } : {});
    admin = await providerSession(conflux);
    await admin.call("PUT", "/v1/provider/plans/standard", {
      name: "Standard",
      monthlyFee: 10_000,
      included: { events: 1_000, aiCredits: 0 },
    });
    const clock = await admin.call("POST", "/v1/provider/test_clocks", {
      frozenTime: "2027-01-20T09:00:00+09:00",
    });
    clockId = clock.body.testClockId;
    const email = `clocked-${Date.now()}@example.com`;
    const created = await admin.call("POST", "/v1/provider/operators", {
      email,
      password: testPassword,
      planId: "standard",
      testClockId: clockId,
    });
    if (created.status !== 201) throw new Error(`provider create: ${created.status} ${created.text}`);
    operator = await logIn(conflux.url, email);
  });
  afterAll(async () => conflux?.cleanUp());

  const advance = (frozenTime: string) =>
    admin.call("POST", `/v1/provider/test_clocks/${clockId}/advance`, { frozenTime });

  describe.skipIf(!reachable)("test clocks", () => {
    it("are listed, only move forward, and refuse an unknown one when creating an operator", async () => {
      const listed = await admin.call("GET", "/v1/provider/test_clocks");
      expect(listed.body.items).toContainEqual({
        testClockId: clockId,
        frozenTime: "2027-01-20T00:00:00.000Z",
      });
      const back = await advance("2026-12-31T00:00:00Z");
      expect(back.status).toBe(400);
      expect(back.body.message).toMatch(/only moves forward/);
      expect(
        (await admin.call("POST", "/v1/provider/test_clocks", { frozenTime: "next tuesday" })).status,
      ).toBe(400);
      expect(
        (
          await admin.call("POST", "/v1/provider/test_clocks/tc-none/advance", {
            frozenTime: "2030-01-01T00:00:00Z",
          })
        ).status,
      ).toBe(404);
      const unknown = await admin.call("POST", "/v1/provider/operators", {
        email: "nobody-clocked@example.com",
        password: testPassword,
        testClockId: "tc-none",
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.message).toMatch(/no test clock tc-none/);
    });
  });

  describe.skipIf(!reachable)("invoices", () => {
    it("show the month so far as an open invoice: the whole fee of the sign-up month and its tax", async () => {
      const listed = await operator.call("GET", "/v1/invoices");
      expect(listed.status).toBe(200);
      expect(listed.body).toEqual([
        {
          month: "2027-01",
          status: "open",
          lines: [{ kind: "plan", description: "Standard plan, 2027-01", amount: 10_000 }],
          subtotal: 10_000,
          tax: 1_000,
          lateInterest: 0,
          total: 11_000,
          couponApplied: 0,
          amountDue: 11_000,
          paidAmount: 0,
          dueDate: "2027-02-28",
        },
      ]);
      expect((await operator.call("GET", "/v1/invoices/2026-12")).status).toBe(404);
      expect((await operator.call("GET", "/v1/invoices/2027-13")).status).toBe(400);
    });

    it("close as the clock passes month ends, drawing a registered coupon, before advance answers", async () => {
      await admin.call("POST", "/v1/provider/coupons", {
        amount: 3_000,
        expiryMonth: "2027-06",
        code: "CLOCKED",
      });
      expect((await operator.call("POST", "/v1/coupons", { couponCode: "CLOCKED" })).status).toBe(201);
      expect((await advance("2027-03-05T00:00:00Z")).status).toBe(200);
      const listed = await operator.call("GET", "/v1/invoices");
      expect(
        listed.body.map(
          (invoice: { month: string; status: string; couponApplied: number; amountDue: number }) => [
            invoice.month,
            invoice.status,
            invoice.couponApplied,
            invoice.amountDue,
          ],
        ),
      ).toEqual([
        ["2027-03", "open", 0, 11_000],
        ["2027-02", "closed", 0, 11_000],
        ["2027-01", "closed", 3_000, 8_000],
      ]);
      expect((await operator.call("GET", "/v1/coupons")).body).toEqual([
        { couponCode: "CLOCKED", amount: 3_000, balance: 0, expiryMonth: "2027-06" },
      ]);
      const provider = await admin.call("GET", `/v1/provider/operators/${operator.operatorId}/invoices`);
      expect(provider.body).toEqual(listed.body);
      expect((await admin.call("GET", "/v1/provider/operators/OP0000000000/invoices")).status).toBe(404);
    });

    it("charge late interest on the invoice of the month of payment, and refuse over-payment", async () => {
      const base = `/v1/provider/operators/${operator.operatorId}/payments`;
      // January was due 2027-02-28: paid on 03-05, late on the 1st to the 4th of March.
      const paid = await admin.call("POST", base, { month: "2027-01", amount: 8_000, paidOn: "2027-03-05" });
      expect(paid.status).toBe(201);
      expect(paid.body).toMatchObject({
        month: "2027-01",
        amount: 8_000,
        lateDays: 4,
        interestMonth: "2027-03",
      });
      const over = await admin.call("POST", base, { month: "2027-01", amount: 1, paidOn: "2027-03-05" });
      expect(over.status).toBe(400);
      expect(over.body.message).toMatch(/more than the 0 still due/);
      expect(
        (await admin.call("POST", base, { month: "2027-03", amount: 1, paidOn: "2027-03-01" })).status,
      ).toBe(404);
      const future = await admin.call("POST", base, { month: "2027-02", amount: 1, paidOn: "2027-03-06" });
      expect(future.body.message).toMatch(/after today \(2027-03-05\)/);
      expect(
        (await admin.call("POST", base, { month: "2027-02", amount: 1, paidOn: "2027-02-30" })).status,
      ).toBe(400);
      // ⌊8,000 × 4 × 145 / 365,000⌋ = ⌊12.71…⌋ = 12, not taxed.
      const march = await operator.call("GET", "/v1/invoices/2027-03");
      expect(march.body).toMatchObject({ subtotal: 10_000, tax: 1_000, lateInterest: 12, total: 11_012 });
      expect((await operator.call("GET", "/v1/invoices/2027-01")).body).toMatchObject({ paidAmount: 8_000 });
    });

    it("export as CSV with the lines and the figures", async () => {
      const response = await fetch(`${conflux.url}/v1/invoices/2027-01/export?format=csv`, {
        headers: operator.headers,
      });
      expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
      expect(response.headers.get("content-disposition")).toContain("invoice-2027-01.csv");
      const rows = (await response.text()).trim().split("\r\n");
      expect(rows[0]).toBe("month,status,kind,description,amount (JPY)");
      expect(rows[1]).toBe('2027-01,closed,plan,"Standard plan, 2027-01",10000');
      expect(rows.at(-2)).toBe("2027-01,closed,amount_due,due on 2027-02-28,8000");
    });

    it("make the unpaid February due today on acceleration", async () => {
      const answer = await admin.call("POST", `/v1/provider/operators/${operator.operatorId}/accelerate`);
      expect(answer.body).toEqual({ acceleratedOn: "2027-03-05", months: ["2027-02"] });
      expect((await operator.call("GET", "/v1/invoices/2027-02")).body.dueDate).toBe("2027-03-05");
    });

    it("are the operator's own: an admin's token is not an operator's, and an operator's not the provider's", async () => {
      expect((await admin.call("GET", "/v1/invoices")).status).toBe(401);
      expect(
        (await operator.call("GET", `/v1/provider/operators/${operator.operatorId}/invoices`)).status,
      ).toBe(401);
    });
  });
});
