// The provider's administrators and settings (billing.md "The provider"): their sign-in, and the wall
// between their routes and operators' routes in both directions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProviderAdmin } from "../src/cli/provider.ts";
import { type ApiSession, sessionFor, signUp, startTestConflux, testPassword } from "./harness.ts";
import { providerSession } from "./provider-session.ts";

let conflux: Awaited<ReturnType<typeof startTestConflux>>;
let admin: ApiSession;
let operator: ApiSession;

beforeAll(async () => {
  conflux = await startTestConflux();
  admin = await providerSession(conflux);
  operator = await signUp(conflux.url);
});
afterAll(async () => conflux?.cleanUp());

async function providerSignIn(email: string, password: string) {
  const response = await fetch(`${conflux.url}/v1/provider/auth`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

describe("provider administrators", () => {
  it("sign in with the configured address and password; a wrong one answers 401 alike for unknown addresses", async () => {
    expect((await admin.call("GET", "/v1/provider/settings")).status).toBe(200);
    const wrong = await providerSignIn("admin@provider.test", "not the password at all");
    const unknown = await providerSignIn("nobody@provider.test", testPassword);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.message).toBe(unknown.body.message);
  });

  it("are never operators: an admin's token is unknown to operators' routes", async () => {
    const answer = await admin.call("GET", "/v1/apps");
    expect(answer.status).toBe(401);
  });

  it("own the provider's routes: an operator's token, or none, answers 401 there", async () => {
    const asOperator = await operator.call("GET", "/v1/provider/settings");
    expect(asOperator.status).toBe(401);
    expect(asOperator.body.message).toMatch(/provider administrator/);
    expect((await fetch(`${conflux.url}/v1/provider/admins`)).status).toBe(401);
  });

  it("can be added from the command line, on the database the server uses", async () => {
    await addProviderAdmin("Second@Provider.test", testPassword, conflux.dataDir);
    const signedIn = await providerSignIn("second@provider.test", testPassword);
    expect(signedIn.status).toBe(200);
    const admins = await admin.call("GET", "/v1/provider/admins");
    expect(admins.body.items.map((entry: { email: string }) => entry.email)).toEqual([
      "admin@provider.test",
      "second@provider.test",
    ]);
    await expect(addProviderAdmin("third@provider.test", "password", conflux.dataDir)).rejects.toThrow(
      /common/,
    );
  });

  it("sign out: the token stops working at once", async () => {
    const signedIn = await providerSignIn("admin@provider.test", testPassword);
    const session = sessionFor(conflux.url, {
      apiKey: signedIn.body.apiKey ?? "",
      token: signedIn.body.token ?? "",
      operatorId: "",
    });
    expect((await session.call("POST", "/v1/provider/auth/logout")).status).toBe(204);
    expect((await session.call("GET", "/v1/provider/settings")).status).toBe(401);
  });
});

describe("provider settings", () => {
  it("start from billing.md's defaults and keep what the provider sets", async () => {
    const defaults = await admin.call("GET", "/v1/provider/settings");
    expect(defaults.body).toMatchObject({ currency: "JPY", taxRatePercent: 10, billingTimeZone: "UTC" });
    const saved = await admin.call("PUT", "/v1/provider/settings", {
      billingTimeZone: "Asia/Tokyo",
      signUpPolicy: "review",
      rateLimits: { ingestBytesPerSecondPerDevice: 4096 },
    });
    expect(saved.status).toBe(200);
    expect((await admin.call("GET", "/v1/provider/settings")).body).toEqual({
      currency: "JPY",
      taxRatePercent: 10,
      billingTimeZone: "Asia/Tokyo",
      signUpPolicy: "review",
      emailVerificationRequired: false,
      closingNoticeDays: 0,
      rateLimits: { ingestBytesPerSecondPerDevice: 4096 },
    });
    await admin.call("PUT", "/v1/provider/settings", {});
  });

  it("refuse what is not valid with a 400 that names each problem", async () => {
    const answer = await admin.call("PUT", "/v1/provider/settings", {
      taxRatePercent: 10.5,
      billingTimeZone: "Nowhere/Else",
      colour: "blue",
    });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/taxRatePercent/);
    expect(answer.body.message).toMatch(/IANA time zone/);
    expect(answer.body.message).toMatch(/colour/);
  });
});
