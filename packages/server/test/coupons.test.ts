// Coupons through the API (billing.md "Coupons"): the provider issues, an operator's root registers
// once, and balances are its own.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiSession, signUp, startTestConflux } from "./harness.ts";
import { providerSession } from "./provider-session.ts";
import { userSession } from "./user-session.ts";

let conflux: Awaited<ReturnType<typeof startTestConflux>>;
let admin: ApiSession;
let alice: ApiSession;
let bob: ApiSession;

beforeAll(async () => {
  conflux = await startTestConflux();
  admin = await providerSession(conflux);
  alice = await signUp(conflux.url);
  bob = await signUp(conflux.url);
});
afterAll(async () => conflux?.cleanUp());

describe("coupons", () => {
  it("are issued by the provider, with a generated code when none is given", async () => {
    const generated = await admin.call("POST", "/v1/provider/coupons", {
      amount: 3_000,
      expiryMonth: "2099-12",
    });
    expect(generated.status).toBe(201);
    expect(generated.body).toEqual({
      couponCode: expect.stringMatching(/^CP-[A-HJ-NP-Z2-9]{12}$/),
      amount: 3_000,
      balance: 3_000,
      expiryMonth: "2099-12",
    });
    const named = await admin.call("POST", "/v1/provider/coupons", {
      amount: 500,
      expiryMonth: "2099-01",
      code: "spring-sale",
    });
    expect(named.body.couponCode).toBe("SPRING-SALE");
    const again = await admin.call("POST", "/v1/provider/coupons", {
      amount: 1,
      expiryMonth: "2099-01",
      code: "SPRING-SALE",
    });
    expect(again.status).toBe(409);
  });

  it("refuse amounts that are not whole positive minor units, and months that are not YYYY-MM", async () => {
    for (const body of [
      { amount: 10.5, expiryMonth: "2099-01" },
      { amount: 0, expiryMonth: "2099-01" },
      { amount: 100, expiryMonth: "2099-13" },
    ]) {
      const answer = await admin.call("POST", "/v1/provider/coupons", body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
    }
  });

  it("are registered once: 404 for an unknown code, 409 for a used one, 400 for an expired one", async () => {
    await admin.call("POST", "/v1/provider/coupons", {
      amount: 2_000,
      expiryMonth: "2099-06",
      code: "ALICE-1",
    });
    const registered = await alice.call("POST", "/v1/coupons", { couponCode: "alice-1" });
    expect(registered.status).toBe(201);
    expect(registered.body).toEqual({
      couponCode: "ALICE-1",
      amount: 2_000,
      balance: 2_000,
      expiryMonth: "2099-06",
    });
    expect((await bob.call("POST", "/v1/coupons", { couponCode: "ALICE-1" })).status).toBe(409);
    expect((await alice.call("POST", "/v1/coupons", { couponCode: "ALICE-1" })).status).toBe(409);
    expect((await bob.call("POST", "/v1/coupons", { couponCode: "NOPE-NOPE" })).status).toBe(404);
    await admin.call("POST", "/v1/provider/coupons", {
      amount: 2_000,
      expiryMonth: "2001-01",
      code: "LONG-GONE",
    });
    const expired = await bob.call("POST", "/v1/coupons", { couponCode: "LONG-GONE" });
    expect(expired.status).toBe(400);
    expect(expired.body.message).toMatch(/expired/);
  });

  it("are listed to their operator only, and to the provider with their holder", async () => {
    expect((await alice.call("GET", "/v1/coupons")).body).toEqual([
      { couponCode: "ALICE-1", amount: 2_000, balance: 2_000, expiryMonth: "2099-06" },
    ]);
    expect((await bob.call("GET", "/v1/coupons")).body).toEqual([]);
    const all = await admin.call("GET", "/v1/provider/coupons");
    expect(all.body.nextCursor).toBeNull();
    expect(
      all.body.items.find((coupon: { couponCode: string }) => coupon.couponCode === "ALICE-1"),
    ).toMatchObject({
      operatorId: alice.operatorId,
      registeredDateTime: expect.any(Number),
    });
  });

  it("are the root user's alone to register", async () => {
    await alice.call("POST", `/v1/operators/${alice.operatorId}/users/clerk`, {
      permission: JSON.stringify({ statements: [{ effect: "allow", api: ["*"] }] }),
    });
    const clerk = await userSession(conflux, alice.operatorId, "clerk");
    await admin.call("POST", "/v1/provider/coupons", {
      amount: 100,
      expiryMonth: "2099-06",
      code: "CLERK-TRY",
    });
    const answer = await clerk.call("POST", "/v1/coupons", { couponCode: "CLERK-TRY" });
    expect(answer.status).toBe(403);
    expect(answer.body.message).toMatch(/only the root user/);
  });
});
