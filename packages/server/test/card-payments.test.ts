// Card payments through the payment-provider seam (issue 14 item 4), against a local stand-in card
// processor over real HTTP, for an operator on a test clock with a paid plan, on both databases.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpPaymentProcessor, PaymentProcessorUnavailable } from "../src/billing/payment-processor.ts";
import { createGuardedClient } from "../src/outbound/guarded-client.ts";
import { declinedPaymentMethodId, startCardProcessorStandIn } from "./card-processor-stand-in.ts";
import { createPostgresSchema } from "./databases.ts";
import { type ApiSession, logIn, signUp, startTestConflux, testPassword } from "./harness.ts";
import { providerSession } from "./provider-session.ts";
import { userSession } from "./user-session.ts";

const secretKey = "sk_test_stand_in";
const postgres = await createPostgresSchema();
afterAll(async () => postgres?.drop());

const everything = JSON.stringify({ statements: [{ effect: "allow", api: "*" }] });

describe.each([
  ["SQLite", undefined],
  ["PostgreSQL", postgres?.database],
] as const)("card payments on %s", (name, database) => {
  const skip = name === "PostgreSQL" && !database;
  let processor: Awaited<ReturnType<typeof startCardProcessorStandIn>>;
  let conflux: Awaited<ReturnType<typeof startTestConflux>>;
  let admin: ApiSession;
  let operator: ApiSession;
  let user: ApiSession;
  let clockId: string;

  beforeAll(async () => {
    if (skip) return;
    processor = await startCardProcessorStandIn(secretKey);
    conflux = await startTestConflux({
      ...(database ? { database } : {}),
      billing: { payments: { url: processor.url, secretKey } },
    });
    admin = await providerSession(conflux);
    await admin.call("PUT", "/v1/provider/plans/standard", {
      name: "Standard",
      monthlyFee: 10_000,
      included: { events: 1_000, aiCredits: 0 },
    });
    clockId = (
      await admin.call("POST", "/v1/provider/test_clocks", { frozenTime: "2027-01-20T09:00:00+09:00" })
    ).body.testClockId;
    const email = `card-${Date.now()}@example.com`;
    const created = await admin.call("POST", "/v1/provider/operators", {
      email,
      password: testPassword,
      planId: "standard",
      testClockId: clockId,
    });
    if (created.status !== 201) throw new Error(`provider create: ${created.status} ${created.text}`);
    operator = await logIn(conflux.url, email);
    const users = `/v1/operators/${operator.operatorId}/users`;
    await operator.call("POST", `${users}/alice`, {});
    await operator.call("PUT", `${users}/alice/permission`, { permission: everything });
    user = await userSession(conflux, operator.operatorId, "alice");
  });
  afterAll(async () => {
    await conflux?.cleanUp();
    await processor?.close();
  });

  const paidAmountOf = async (month: string) =>
    (await operator.call("GET", `/v1/invoices/${month}`)).body.paidAmount;

  it.skipIf(skip)("keep a card as the processor's reference only, for the root user only", async () => {
    expect((await operator.call("GET", "/v1/payment_methods")).status).toBe(404);
    const cardNumber = await operator.call("PUT", "/v1/payment_methods", {
      paymentMethodId: "4242424242424242",
    });
    expect(cardNumber.status).toBe(400);
    expect(cardNumber.body.message).toMatch(/never a card number/);
    expect(
      (await operator.call("PUT", "/v1/payment_methods", { paymentMethodId: "pm_card_visa" })).status,
    ).toBe(200);
    expect((await operator.call("GET", "/v1/payment_methods")).body).toEqual({
      paymentMethodId: "pm_card_visa",
    });
    // A user with every permission still may not: Payment:* is root only (accounts.md).
    expect((await user.call("GET", "/v1/payment_methods")).status).toBe(403);
    expect((await user.call("PUT", "/v1/payment_methods", { paymentMethodId: "pm_other" })).status).toBe(403);
    expect((await user.call("DELETE", "/v1/payment_methods")).status).toBe(403);
    expect((await user.call("POST", "/v1/invoices/2027-01/pay")).status).toBe(403);
    expect((await operator.call("DELETE", "/v1/payment_methods")).status).toBe(204);
    expect((await operator.call("DELETE", "/v1/payment_methods")).status).toBe(404);
  });

  it.skipIf(skip)(
    "pay a closed invoice late: paid on the clock's today, interest on the open invoice",
    async () => {
      expect(
        (
          await admin.call("POST", `/v1/provider/test_clocks/${clockId}/advance`, {
            frozenTime: "2027-03-05T00:00:00Z",
          })
        ).status,
      ).toBe(200);
      const noCard = await operator.call("POST", "/v1/invoices/2027-01/pay");
      expect(noCard.status).toBe(412);
      await operator.call("PUT", "/v1/payment_methods", { paymentMethodId: "pm_card_visa" });
      expect((await operator.call("POST", "/v1/invoices/2027-03/pay")).status).toBe(404);
      // January was due 2027-02-28: paid on 03-05, late on the 1st to the 4th of March.
      const paid = await operator.call("POST", "/v1/invoices/2027-01/pay");
      expect(paid.status).toBe(201);
      expect(paid.body).toMatchObject({
        month: "2027-01",
        amount: 11_000,
        paidOn: "2027-03-05",
        lateDays: 4,
        interestMonth: "2027-03",
        chargeId: "ch_1",
      });
      expect(processor.charges).toEqual([
        { chargeId: "ch_1", amount: 11_000, currency: "jpy", paymentMethodId: "pm_card_visa" },
      ]);
      expect(await paidAmountOf("2027-01")).toBe(11_000);
      // ⌊11,000 × 4 × 145 / 365,000⌋ = ⌊17.47…⌋ = 17.
      expect((await operator.call("GET", "/v1/invoices/2027-03")).body).toMatchObject({ lateInterest: 17 });
      const again = await operator.call("POST", "/v1/invoices/2027-01/pay");
      expect(again.status).toBe(409);
      expect(again.body.message).toMatch(/nothing is due/);
      expect(processor.charges).toHaveLength(1);
    },
  );

  it.skipIf(skip)("answer a declined card with 402 and its reason, recording nothing", async () => {
    await operator.call("PUT", "/v1/payment_methods", { paymentMethodId: declinedPaymentMethodId });
    const declined = await operator.call("POST", "/v1/invoices/2027-02/pay");
    expect(declined.status).toBe(402);
    expect(declined.body.message).toBe("the card processor declined the payment: Your card was declined.");
    expect(await paidAmountOf("2027-02")).toBe(0);
    expect(processor.charges).toHaveLength(1);
  });

  it.skipIf(skip)("charge once when retried after the processor's answer was lost", async () => {
    await operator.call("PUT", "/v1/payment_methods", { paymentMethodId: "pm_card_visa" });
    processor.dropNextAnswer();
    const lost = await operator.call("POST", "/v1/invoices/2027-02/pay");
    expect(lost.status).toBe(502);
    expect(lost.body.message).toMatch(/nothing was recorded, try again/);
    expect(lost.body.message).not.toContain(secretKey);
    expect(await paidAmountOf("2027-02")).toBe(0);
    expect(processor.charges).toHaveLength(2);
    const retried = await operator.call("POST", "/v1/invoices/2027-02/pay");
    expect(retried.status).toBe(201);
    // February is due 2027-03-31: on time, no late days.
    expect(retried.body).toMatchObject({ month: "2027-02", amount: 11_000, lateDays: 0, chargeId: "ch_2" });
    expect(processor.charges).toHaveLength(2);
    expect(await paidAmountOf("2027-02")).toBe(11_000);
  });
});

describe("the card processor client", () => {
  it("says when the processor refuses its key, without the key, and charges nothing", async () => {
    const processor = await startCardProcessorStandIn(secretKey);
    const outbound = createGuardedClient({ allowPrivateAddresses: true });
    try {
      const client = httpPaymentProcessor({ url: processor.url, secretKey: "sk_test_wrong" }, outbound);
      const charge = client?.charge({
        operatorId: "OP1",
        month: "2027-01",
        amount: 100,
        currency: "JPY",
        paymentMethodId: "pm_card_visa",
        idempotencyKey: "k1",
      });
      await expect(charge).rejects.toThrow(PaymentProcessorUnavailable);
      await expect(charge).rejects.toThrow("the card processor answered 401 (authentication_required)");
      expect(processor.charges).toEqual([]);
      expect(httpPaymentProcessor({ url: processor.url }, outbound)).toBeUndefined();
    } finally {
      await outbound.close();
      await processor.close();
    }
  });
});

describe("card payments without a card processor", () => {
  let conflux: Awaited<ReturnType<typeof startTestConflux>>;
  beforeAll(async () => {
    conflux = await startTestConflux();
  });
  afterAll(async () => conflux?.cleanUp());

  it("are off: paying answers 502 and says why", async () => {
    const root = await signUp(conflux.url);
    const answer = await root.call("POST", "/v1/invoices/2027-01/pay");
    expect(answer.status).toBe(502);
    expect(answer.body.message).toBe("card payments are not configured on this service");
  });
});
