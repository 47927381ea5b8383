// GET /v1/provider/overdue (billing.md "Payments and late interest", the provider's console): closed
// invoices not paid in full whose due date is before each operator's own today, on a test clock.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overdueOn } from "../src/billing/overdue-routes.ts";
import { useContractDatabases } from "./databases.ts";
import { type ApiSession, logIn, startTestConflux, testPassword } from "./harness.ts";
import { providerSession } from "./provider-session.ts";

const { databases } = await useContractDatabases("overdue");

describe("an invoice is overdue", () => {
  const invoice = {
    operatorId: "OP1",
    month: "2027-01",
    amountDue: 11_000,
    paidAmount: 0,
    dueDate: "2027-02-28",
  };
  it("from the day after its due date, while something is still to pay", () => {
    expect(overdueOn(invoice, "2027-02-28")).toBeUndefined();
    expect(overdueOn(invoice, "2027-03-01")).toMatchObject({ outstanding: 11_000, daysOverdue: 1 });
    expect(overdueOn({ ...invoice, paidAmount: 11_000 }, "2027-03-01")).toBeUndefined();
    // Across a leap day: 2028-02-29 is a day of its own.
    expect(overdueOn({ ...invoice, dueDate: "2028-02-28" }, "2028-03-01")?.daysOverdue).toBe(2);
  });
});

describe.each(databases)("the provider's overdue list on %s", (_name, database) => {
  let conflux: Awaited<ReturnType<typeof startTestConflux>>;
  let admin: ApiSession;
  let operator: ApiSession;
  let clockId: string;

  beforeAll(async () => {
    if (!database) return;
    conflux = await startTestConflux({ database });
    admin = await providerSession(conflux);
    await admin.call("PUT", "/v1/provider/plans/standard", {
      name: "Standard",
      monthlyFee: 10_000,
      included: { events: 1_000, aiCredits: 0 },
    });
    clockId = (await admin.call("POST", "/v1/provider/test_clocks", { frozenTime: "2027-01-20T09:00:00Z" }))
      .body.testClockId;
    const email = `overdue-${Date.now()}@example.com`;
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
  const overdue = async () => {
    const answer = await admin.call("GET", "/v1/provider/overdue");
    expect(answer.status).toBe(200);
    return answer.body.items.filter((row: { operatorId: string }) => row.operatorId === operator.operatorId);
  };

  it.skipIf(!database)("lists nothing while the only invoice is open", async () => {
    expect(await overdue()).toEqual([]);
  });

  it.skipIf(!database)(
    "lists a closed invoice past its due date on the operator's clock, and what is left after a part payment",
    async () => {
      expect((await advance("2027-03-05T00:00:00Z")).status).toBe(200);
      // January (11,000 due 2027-02-28) is 5 days late on 2027-03-05; February is due 2027-03-31.
      expect(await overdue()).toEqual([
        {
          operatorId: operator.operatorId,
          month: "2027-01",
          amountDue: 11_000,
          paidAmount: 0,
          outstanding: 11_000,
          dueDate: "2027-02-28",
          daysOverdue: 5,
        },
      ]);
      const paid = await admin.call("POST", `/v1/provider/operators/${operator.operatorId}/payments`, {
        month: "2027-01",
        amount: 4_000,
        paidOn: "2027-03-05",
      });
      expect(paid.status).toBe(201);
      expect(await overdue()).toMatchObject([{ month: "2027-01", paidAmount: 4_000, outstanding: 7_000 }]);
    },
  );

  it.skipIf(!database)(
    "takes an accelerated invoice from the day after today, and drops one paid in full",
    async () => {
      const accelerated = await admin.call(
        "POST",
        `/v1/provider/operators/${operator.operatorId}/accelerate`,
      );
      expect(accelerated.body).toEqual({ acceleratedOn: "2027-03-05", months: ["2027-02"] });
      expect((await overdue()).map((row: { month: string }) => row.month)).toEqual(["2027-01"]);
      await advance("2027-03-07T00:00:00Z");
      expect(
        (await overdue()).map((row: { month: string; daysOverdue: number }) => [row.month, row.daysOverdue]),
      ).toEqual([
        ["2027-01", 7],
        ["2027-02", 2],
      ]);
      await admin.call("POST", `/v1/provider/operators/${operator.operatorId}/payments`, {
        month: "2027-01",
        amount: 7_000,
        paidOn: "2027-03-07",
      });
      expect((await overdue()).map((row: { month: string }) => row.month)).toEqual(["2027-02"]);
    },
  );

  it.skipIf(!database)("is the provider's only: an operator's token is refused", async () => {
    expect((await operator.call("GET", "/v1/provider/overdue")).status).toBe(401);
  });
});
