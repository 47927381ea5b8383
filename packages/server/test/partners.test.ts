// Partners [ToS 8] driven as clients would: the provider marks a partner, the partner creates
// customers, reads their usage and switches into them; the customer's audit log names the partner.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../src/auth/tokens.ts";
import { type ApiSession, logIn, sessionFor, signUp, startTestConflux, testPassword } from "./harness.ts";
import { providerSession } from "./provider-session.ts";
import { userSession } from "./user-session.ts";

let conflux: Awaited<ReturnType<typeof startTestConflux>>;
let provider: ApiSession;
let partner: ApiSession;
let stranger: ApiSession;
let customerId: string;
const customerEmail = `customer-${Math.random().toString(36).slice(2)}@example.com`;

async function markPartner(operatorId: string, isPartner: boolean): Promise<void> {
  const answer = await provider.call("PUT", `/v1/provider/operators/${operatorId}/partner`, {
    partner: isPartner,
  });
  expect(answer.status, answer.text).toBe(200);
  expect(answer.body).toEqual({ operatorId, partner: isPartner });
}

async function switchInto(session: ApiSession, operatorId: string, tokenTimeoutSeconds?: number) {
  const answer = await session.call("POST", "/v1/auth/switch_user", {
    operatorId,
    ...(tokenTimeoutSeconds === undefined ? {} : { tokenTimeoutSeconds }),
  });
  return { ...answer, session: answer.status === 200 ? sessionFor(conflux.url, answer.body) : undefined };
}

async function auditRows(session: ApiSession): Promise<any[]> {
  const answer = await session.call("GET", "/v1/audit_logs/api");
  expect(answer.status, answer.text).toBe(200);
  return answer.body;
}

beforeAll(async () => {
  conflux = await startTestConflux();
  provider = await providerSession(conflux);
  partner = await signUp(conflux.url);
  stranger = await signUp(conflux.url);
});
afterAll(async () => conflux?.cleanUp());

describe("an operator that is not a partner", () => {
  it("is refused every partner route (403) and cannot switch", async () => {
    for (const [method, url, body] of [
      ["GET", "/v1/partner/customers", undefined],
      ["POST", "/v1/partner/customers", { email: "someone@example.com", password: testPassword }],
      ["GET", `/v1/partner/customers/${partner.operatorId}/usage`, undefined],
      ["POST", "/v1/auth/switch_user", { operatorId: partner.operatorId }],
    ] as const) {
      const answer = await stranger.call(method, url, body);
      expect(answer.status, `${method} ${url}`).toBe(403);
      expect(answer.body).toEqual({
        code: "forbidden",
        message: expect.stringContaining("is not a partner"),
      });
    }
  });
});

describe("the provider's partner route", () => {
  it("refuses an unknown operator (404), a body other than {partner: boolean} (400) and operators (401)", async () => {
    const unknown = await provider.call("PUT", "/v1/provider/operators/OP0000000000/partner", {
      partner: true,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ code: "not_found", message: "no operator OP0000000000" });
    const url = `/v1/provider/operators/${stranger.operatorId}/partner`;
    for (const body of [{}, { partner: "yes" }, { partner: true, extra: 1 }])
      expect((await provider.call("PUT", url, body)).status, JSON.stringify(body)).toBe(400);
    expect((await provider.call("PUT", url, { partner: "yes" })).text).toContain("partner");
    expect((await stranger.call("PUT", url, { partner: true })).status).toBe(401);
    expect((await stranger.call("GET", "/v1/partner/customers")).status).toBe(403);
  });
});

describe("a partner's customers", () => {
  beforeAll(async () => markPartner(partner.operatorId, true));

  it("creates a customer who can sign in with its own e-mail address and password", async () => {
    const created = await partner.call("POST", "/v1/partner/customers", {
      email: customerEmail.toUpperCase(),
      password: testPassword,
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toEqual({
      operatorId: expect.stringMatching(/^OP\d{10}$/),
      email: customerEmail,
      createDateTime: expect.any(Number),
    });
    expect(Number.isInteger(created.body.createDateTime)).toBe(true);
    customerId = created.body.operatorId;
    const customer = await logIn(conflux.url, customerEmail);
    expect(customer.operatorId).toBe(customerId);
  });

  it("says what is wrong with a bad body, and refuses a taken e-mail address (409)", async () => {
    const weak = await partner.call("POST", "/v1/partner/customers", {
      email: "new@example.com",
      password: "short",
    });
    expect(weak.status).toBe(400);
    expect(weak.text).toContain("at least 8 characters");
    const noEmail = await partner.call("POST", "/v1/partner/customers", {
      email: "nope",
      password: testPassword,
    });
    expect(noEmail.status).toBe(400);
    expect(noEmail.text).toContain("not an e-mail address");
    const taken = await partner.call("POST", "/v1/partner/customers", {
      email: customerEmail,
      password: testPassword,
    });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe("conflict");
  });

  it("lists the customers with this month's usage, and reads one customer's usage", async () => {
    const month = new Date().toISOString().slice(0, 7);
    await conflux.services.usage.forOperator(customerId).add({ ai_credits: 7 });
    const list = await partner.call("GET", "/v1/partner/customers");
    expect(list.status).toBe(200);
    expect(list.body.nextCursor).toBeNull();
    expect(list.body.items).toEqual([
      {
        operatorId: customerId,
        email: customerEmail,
        status: "active",
        createDateTime: expect.any(Number),
        usage: { month, events: 0, aiCredits: 7 },
      },
    ]);
    const usage = await partner.call("GET", `/v1/partner/customers/${customerId}/usage`);
    expect(usage.body).toEqual({ month, events: 0, aiCredits: 7 });
  });

  it("reads the usage of its own customers only: any other operator is unknown (404)", async () => {
    for (const other of [stranger.operatorId, partner.operatorId, "OP0000000000"]) {
      const answer = await partner.call("GET", `/v1/partner/customers/${other}/usage`);
      expect(answer.status, other).toBe(404);
      expect(answer.body.code).toBe("not_found");
    }
  });
});

describe("switching into a customer", () => {
  let switched: ApiSession;
  let switchedToken: string;

  it("gives a short token of the customer's root user that sees the customer's things only", async () => {
    const customer = await logIn(conflux.url, customerEmail);
    const app = await customer.call("POST", "/v1/apps", { name: "customer app", channels: [], actions: [] });
    expect(app.status).toBe(201);
    await partner.call("POST", "/v1/apps", { name: "partner app", channels: [], actions: [] });
    const before = Date.now();
    const answer = await switchInto(partner, customerId);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toEqual({
      apiKey: expect.any(String),
      token: expect.any(String),
      operatorId: customerId,
    });
    switched = answer.session as ApiSession;
    switchedToken = answer.body.token;
    const stored = await conflux.services.store.findToken(hashSecret(switchedToken));
    expect(stored).toMatchObject({ operatorId: customerId, actor: { operatorId: partner.operatorId } });
    expect(stored?.userName).toBeUndefined();
    // 900 s by default.
    expect(stored?.expiresAt).toBeGreaterThanOrEqual(before + 900_000);
    expect(stored?.expiresAt).toBeLessThanOrEqual(Date.now() + 900_000);
    const apps = await switched.call("GET", "/v1/apps");
    expect(apps.body.items.map((row: { name: string }) => row.name)).toEqual(["customer app"]);
    expect((await switched.call("GET", "/v1/partner/customers")).status).toBe(403);
  });

  it("builds the customer's apps, and the customer's audit log names the partner as the actor", async () => {
    const created = await switched.call("POST", "/v1/apps", {
      name: "built by partner",
      channels: [],
      actions: [],
    });
    expect(created.status).toBe(201);
    const customer = await logIn(conflux.url, customerEmail);
    const rows = await auditRows(customer);
    const createdRows = rows.filter((row) => row.apiName === "App:createApp");
    // Newest first: the partner's app, then the customer's own.
    expect(createdRows.map((row) => row.actor)).toEqual([{ operatorId: partner.operatorId }, undefined]);
    const switchRow = rows.find((row) => row.apiName === "Auth:switchUser");
    expect(switchRow).toMatchObject({
      operatorId: customerId,
      statusCode: 200,
      actor: { operatorId: partner.operatorId },
    });
    // The customer's own sign-ins and calls carry no actor.
    expect(rows.filter((row) => row.apiName === "Auth:auth").every((row) => row.actor === undefined)).toBe(
      true,
    );
    const partnerRows = await auditRows(partner);
    expect(partnerRows.find((row) => row.apiName === "Auth:switchUser")).toMatchObject({
      operatorId: partner.operatorId,
      requestPath: "/v1/auth/switch_user",
    });
  });

  it("cannot switch again nor create auth keys or passwords; a fresh token ends with it and keeps the actor", async () => {
    const again = await switched.call("POST", "/v1/auth/switch_user", { operatorId: customerId });
    expect(again.status).toBe(403);
    expect(again.body.message).toContain("may not call Auth:switchUser");
    const op = `/v1/operators/${customerId}`;
    expect((await switched.call("POST", `${op}/auth_keys`)).status).toBe(403);
    expect((await switched.call("POST", `${op}/users/helper`, {})).status).toBe(201);
    const userKey = await switched.call("POST", `${op}/users/helper/auth_keys`);
    expect(userKey.status).toBe(403);
    expect(userKey.body.message).toContain("AuthKey:createUserAuthKey");
    const password = await switched.call("POST", `${op}/users/helper/password`, { password: testPassword });
    expect(password.status).toBe(403);
    expect(password.body.message).toContain("User:createUserPassword");
    const fresh = await switched.call("POST", `${op}/token`, { tokenTimeoutSeconds: 48 * 3600 });
    expect(fresh.status).toBe(200);
    const original = await conflux.services.store.findToken(hashSecret(switchedToken));
    const renewed = await conflux.services.store.findToken(hashSecret(fresh.body.token));
    expect(renewed?.expiresAt).toBe(original?.expiresAt);
    expect(renewed?.actor).toEqual({ operatorId: partner.operatorId });
  });

  it("cannot switch into an operator that is not its customer (404), nor for longer than an hour", async () => {
    await markPartner(stranger.operatorId, true);
    const strangersCustomer = await stranger.call("POST", "/v1/partner/customers", {
      email: `other-${Math.random().toString(36).slice(2)}@example.com`,
      password: testPassword,
    });
    for (const other of [
      stranger.operatorId,
      partner.operatorId,
      strangersCustomer.body.operatorId,
      "OP0000000000",
    ]) {
      const answer = await switchInto(partner, other);
      expect(answer.status, other).toBe(404);
      expect(answer.body).toEqual({ code: "not_found", message: `no customer ${other}` });
    }
    expect((await switchInto(stranger, customerId)).status).toBe(404);
    const tooLong = await switchInto(partner, customerId, 3601);
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain("tokenTimeoutSeconds");
    const hour = await switchInto(partner, customerId, 3600);
    expect(hour.status).toBe(200);
  });

  it("lets a partner's user allowed to do so switch, recorded as that user", async () => {
    const op = `/v1/operators/${partner.operatorId}`;
    await partner.call("POST", `${op}/users/support`, {});
    const support = await userSession(conflux, partner.operatorId, "support");
    expect((await switchInto(support, customerId)).status).toBe(403);
    const allow = JSON.stringify({
      statements: [{ effect: "allow", api: ["Partner:*", "Auth:switchUser"] }],
    });
    expect((await partner.call("PUT", `${op}/users/support/permission`, { permission: allow })).status).toBe(
      200,
    );
    expect((await support.call("GET", "/v1/partner/customers")).body.items).toHaveLength(1);
    const answer = await switchInto(support, customerId);
    expect(answer.status, answer.text).toBe(200);
    const stored = await conflux.services.store.findToken(hashSecret(answer.body.token));
    expect(stored?.actor).toEqual({ operatorId: partner.operatorId, userName: "support" });
    // It ends no later than the user's own session (an hour in user-session.ts).
    expect(stored?.expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });

  it("ends the partner's switched sessions when the provider unmarks it", async () => {
    expect((await switched.call("GET", "/v1/apps")).status).toBe(200);
    await markPartner(partner.operatorId, false);
    expect((await switched.call("GET", "/v1/apps")).status).toBe(401);
    expect((await partner.call("GET", "/v1/partner/customers")).status).toBe(403);
    await markPartner(partner.operatorId, true);
    expect((await partner.call("GET", "/v1/partner/customers")).body.items).toHaveLength(1);
  });
});
