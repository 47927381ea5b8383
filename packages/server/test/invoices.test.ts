// Invoices, payments and test clocks through the API (billing.md "Reading", "Payments", "Test clocks").
// Plans arrive with their own feature; until then every operator is on the free developer plan, so
// these cases check the flow and the shapes, and src/billing/ the amounts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiSession, signUp, startTestConflux } from "./harness.ts";
import { providerSession } from "./provider-session.ts";

let conflux: Awaited<ReturnType<typeof startTestConflux>>;
let admin: ApiSession;
let operator: ApiSession;
let clockId: string;

beforeAll(async () => {
  conflux = await startTestConflux();
  admin = await providerSession(conflux);
  operator = await signUp(conflux.url);
  const clock = await admin.call("POST", "/v1/provider/test_clocks", {
    frozenTime: "2027-01-20T09:00:00+09:00",
  });
  clockId = clock.body.testClockId;
  // As the provider's POST /v1/provider/operators {testClockId} makes it: signed up at the clock's time.
  await conflux.services.testClocks.bind(operator.operatorId, clockId);
});
afterAll(async () => conflux?.cleanUp());

describe("test clocks", () => {
  it("are created at a time, listed, and only move forward", async () => {
    const listed = await admin.call("GET", "/v1/provider/test_clocks");
    expect(listed.body).toContainEqual({ testClockId: clockId, frozenTime: "2027-01-20T00:00:00.000Z" });
    const back = await admin.call("POST", `/v1/provider/test_clocks/${clockId}/advance`, {
      frozenTime: "2026-12-31T00:00:00Z",
    });
    expect(back.status).toBe(400);
    expect(back.body.message).toMatch(/only moves forward/);
    const bad = await admin.call("POST", "/v1/provider/test_clocks", { frozenTime: "next tuesday" });
    expect(bad.status).toBe(400);
    expect(
      (
        await admin.call("POST", "/v1/provider/test_clocks/tc-none/advance", {
          frozenTime: "2030-01-01T00:00:00Z",
        })
      ).status,
    ).toBe(404);
  });
});

describe("invoices", () => {
  it("show the month so far as an open invoice due at the end of the next month", async () => {
    const listed = await operator.call("GET", "/v1/invoices");
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([
      {
        month: "2027-01",
        status: "open",
        lines: [{ kind: "plan", description: "Developer plan, 2027-01", amount: 0 }],
        subtotal: 0,
        tax: 0,
        lateInterest: 0,
        total: 0,
        couponApplied: 0,
        amountDue: 0,
        paidAmount: 0,
        dueDate: "2027-02-28",
      },
    ]);
    expect((await operator.call("GET", "/v1/invoices/2026-12")).status).toBe(404);
    expect((await operator.call("GET", "/v1/invoices/2027-13")).status).toBe(400);
  });

  it("close when the clock passes the month end, before advance answers, and never change after", async () => {
    const advanced = await admin.call("POST", `/v1/provider/test_clocks/${clockId}/advance`, {
      frozenTime: "2027-03-05T00:00:00Z",
    });
    expect(advanced.status).toBe(200);
    const listed = await operator.call("GET", "/v1/invoices");
    expect(
      listed.body.map((invoice: { month: string; status: string }) => `${invoice.month} ${invoice.status}`),
    ).toEqual(["2027-03 open", "2027-02 closed", "2027-01 closed"]);
    const provider = await admin.call("GET", `/v1/provider/operators/${operator.operatorId}/invoices`);
    expect(provider.body).toEqual(listed.body);
    expect((await admin.call("GET", "/v1/provider/operators/OP0000000000/invoices")).status).toBe(404);
  });

  it("export as CSV with the lines and the figures", async () => {
    const response = await fetch(`${conflux.url}/v1/invoices/2027-01/export?format=csv`, {
      headers: operator.headers,
    });
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(response.headers.get("content-disposition")).toContain("invoice-2027-01.csv");
    const rows = (await response.text()).trim().split("\r\n");
    expect(rows[0]).toBe("month,status,kind,description,amount (JPY)");
    expect(rows[1]).toBe('2027-01,closed,plan,"Developer plan, 2027-01",0');
    expect(rows.at(-2)).toBe("2027-01,closed,amount_due,due on 2027-02-28,0");
  });

  it("refuse payments beyond what is due, of open months, and dated after the clock's today", async () => {
    const base = `/v1/provider/operators/${operator.operatorId}/payments`;
    const over = await admin.call("POST", base, { month: "2027-01", amount: 1, paidOn: "2027-03-01" });
    expect(over.status).toBe(400);
    expect(over.body.message).toMatch(/more than the 0 still due/);
    expect(
      (await admin.call("POST", base, { month: "2027-03", amount: 1, paidOn: "2027-03-01" })).status,
    ).toBe(404);
    const future = await admin.call("POST", base, { month: "2027-01", amount: 1, paidOn: "2027-03-06" });
    expect(future.body.message).toMatch(/after today \(2027-03-05\)/);
    expect(
      (await admin.call("POST", base, { month: "2027-01", amount: 1, paidOn: "2027-02-30" })).status,
    ).toBe(400);
  });

  it("are the operator's own: a provider admin's token is not an operator's, and an operator's not the provider's", async () => {
    expect((await admin.call("GET", "/v1/invoices")).status).toBe(401);
    expect(
      (await operator.call("GET", `/v1/provider/operators/${operator.operatorId}/invoices`)).status,
    ).toBe(401);
  });

  it("move every unpaid due date to today on acceleration (nothing is unpaid on the free plan)", async () => {
    const answer = await admin.call("POST", `/v1/provider/operators/${operator.operatorId}/accelerate`);
    expect(answer.body).toEqual({ acceleratedOn: "2027-03-05", months: [] });
  });
});
