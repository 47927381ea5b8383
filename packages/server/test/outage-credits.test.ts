// Outage credits end to end, on SQLite and on PostgreSQL (billing.md "Outage credit and liability
// cap"): the provider records outages, operators on a test clock claim them, and the credit shows on
// the claim and on the right invoice as the clock moves on. A plan's fee edited later leaves the
// months before it alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../src/conflux.ts";
import { createPostgresSchema } from "./databases.ts";
import { type ApiSession, logIn, startTestConflux, testPassword } from "./harness.ts";
import { providerSession } from "./provider-session.ts";

const hour = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

const postgres = await createPostgresSchema();
afterAll(async () => postgres?.drop());
const databases: Array<[string, Config["database"] | undefined, boolean]> = [
  ["SQLite", undefined, true],
  ["PostgreSQL", postgres?.database, postgres !== undefined],
];

/** 1,000 a day in a 31-day month. */
const plan = { name: "Standard", monthlyFee: 31_000, included: { events: 1_000, aiCredits: 0 } };

describe.each(databases)("outage credits on %s", (_name, database, reachable) => {
  let conflux: Awaited<ReturnType<typeof startTestConflux>>;
  let admin: ApiSession;
  let early: ApiSession;
  let late: ApiSession;
  let clockId: string;

  async function operatorOnClock(): Promise<ApiSession> {
    const email = `credits-${Math.random().toString(36).slice(2)}@example.com`;
    const created = await admin.call("POST", "/v1/provider/operators", {
      email,
      password: testPassword,
      planId: "standard",
      testClockId: clockId,
    });
    if (created.status !== 201) throw new Error(`provider create: ${created.status} ${created.text}`);
    return logIn(conflux.url, email);
  }

  beforeAll(async () => {
    if (!reachable) return;
    conflux = await startTestConflux(database ? { database } : {});
    admin = await providerSession(conflux);
    await admin.call("PUT", "/v1/provider/plans/standard", plan);
    const clock = await admin.call("POST", "/v1/provider/test_clocks", {
      frozenTime: "2027-01-20T00:00:00Z",
    });
    clockId = clock.body.testClockId;
    early = await operatorOnClock();
    late = await operatorOnClock();
  });
  afterAll(async () => conflux?.cleanUp());

  async function recordOutage(startedAt: number, hours: number): Promise<string> {
    const answer = await admin.call("POST", "/v1/provider/outages", {
      startedAt: iso(startedAt),
      endedAt: iso(startedAt + hours * hour),
      description: "the broker was down",
    });
    expect(answer.status).toBe(201);
    return answer.body.outageId;
  }

  const creditLines = async (session: ApiSession, month: string) =>
    (await session.call("GET", `/v1/invoices/${month}`)).body.lines.filter(
      (line: { kind: string }) => line.kind === "outage_credit",
    );

  let twoDays: string;
  let underADay: string;
  let thirtyDays: string;

  describe.skipIf(!reachable)("claims", () => {
    it("credit 2 days for 71 hours on the open month's invoice, and nothing for under 24 hours", async () => {
      twoDays = await recordOutage(Date.UTC(2027, 0, 3), 71);
      underADay = await recordOutage(Date.UTC(2027, 0, 10), 23);
      const made = await early.call("POST", "/v1/outage_claims", { outageId: twoDays });
      expect(made.status).toBe(201);
      expect(made.body).toMatchObject({ outageId: twoDays, days: 2, credit: 2_000, invoiceMonth: "2027-01" });
      const none = await early.call("POST", "/v1/outage_claims", { outageId: underADay });
      expect(none.body).toMatchObject({ days: 0, credit: 0, invoiceMonth: "2027-01" });
      expect(await creditLines(early, "2027-01")).toEqual([
        {
          kind: "outage_credit",
          description: `outage credit: 2 days of 2027-01 (outage ${twoDays})`,
          amount: -2_000,
        },
      ]);
      expect((await early.call("GET", "/v1/invoices/2027-01")).body).toMatchObject({
        subtotal: 29_000,
        tax: 2_900,
        total: 31_900,
      });
    });

    it("cap the month's credits together at its plan line (15.2.3)", async () => {
      thirtyDays = await recordOutage(Date.UTC(2027, 0, 11), 30 * 24);
      const capped = await early.call("POST", "/v1/outage_claims", { outageId: thirtyDays });
      expect(capped.body).toMatchObject({ days: 30, credit: 29_000, invoiceMonth: "2027-01" });
      expect((await early.call("GET", "/v1/invoices/2027-01")).body).toMatchObject({ subtotal: 0, total: 0 });
      const listed = await early.call("GET", "/v1/outage_claims");
      expect(
        listed.body.items
          .map((claim: { outageId: string; credit: number }) => [claim.outageId, claim.credit])
          .sort(),
      ).toEqual(
        [
          [twoDays, 2_000],
          [underADay, 0],
          [thirtyDays, 29_000],
        ].sort(),
      );
    });

    it("keep the credits on the closed month, and put a later claim on the next open invoice at the fee of the outage month", async () => {
      expect(
        (
          await admin.call("POST", `/v1/provider/test_clocks/${clockId}/advance`, {
            frozenTime: "2027-02-15T00:00:00Z",
          })
        ).status,
      ).toBe(200);
      const january = (await early.call("GET", "/v1/invoices/2027-01")).body;
      expect(january).toMatchObject({ status: "closed", subtotal: 0, total: 0 });
      expect(january.lines.map((line: { amount: number }) => line.amount)).toEqual([31_000, -2_000, -29_000]);
      // The provider doubles the fee in the middle of February: January stays at 31,000.
      expect(
        (await admin.call("PUT", "/v1/provider/plans/standard", { ...plan, monthlyFee: 62_000 })).status,
      ).toBe(200);
      const made = await late.call("POST", "/v1/outage_claims", { outageId: twoDays });
      expect(made.body).toMatchObject({ credit: 2_000, invoiceMonth: "2027-02" });
      expect((await late.call("GET", "/v1/invoices/2027-01")).body.lines[0]).toMatchObject({
        amount: 31_000,
      });
      expect((await late.call("GET", "/v1/invoices/2027-02")).body).toMatchObject({
        status: "open",
        lines: [
          { kind: "plan", amount: 62_000 },
          {
            kind: "outage_credit",
            description: `outage credit: 2 days of 2027-01 (outage ${twoDays})`,
            amount: -2_000,
          },
        ],
        subtotal: 60_000,
      });
      expect(await creditLines(early, "2027-02")).toEqual([]);
    });

    it("never change a credit once its invoice has closed", async () => {
      expect(
        (
          await admin.call("POST", `/v1/provider/test_clocks/${clockId}/advance`, {
            frozenTime: "2027-03-02T00:00:00Z",
          })
        ).status,
      ).toBe(200);
      expect(await creditLines(late, "2027-02")).toEqual([expect.objectContaining({ amount: -2_000 })]);
      expect(await creditLines(late, "2027-03")).toEqual([]);
      expect((await late.call("GET", "/v1/outage_claims")).body).toEqual({
        items: [expect.objectContaining({ outageId: twoDays, credit: 2_000, invoiceMonth: "2027-02" })],
        nextCursor: null,
      });
    });
  });
});
