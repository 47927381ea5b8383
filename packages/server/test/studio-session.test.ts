// The studio's cookie session, driven as a browser would: one HttpOnly, SameSite=Strict cookie that
// every tab shares, refused to cross-site writes (no studio header), cleared and revoked by logout,
// and carried through a partner's switch into a customer and back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../src/conflux.ts";
import { createPostgresSchema } from "./databases.ts";
import { type ApiSession, signUp, startTestConflux, testPassword } from "./harness.ts";
import { providerSession } from "./provider-session.ts";

const postgres = await createPostgresSchema();
afterAll(async () => postgres?.drop());
const databases: Array<[string, Config["database"] | undefined]> = [
  ["SQLite", { kind: "sqlite" }],
  ["PostgreSQL", postgres?.database],
];

const studio = { "x-conflux-studio": "1" };

interface Answer {
  status: number;
  body: any;
  text: string;
  setCookies: string[];
}

/** A browser's cookie jar for one site: what Set-Cookie stores, sent back on every request. */
class Browser {
  readonly cookies = new Map<string, string>();
  constructor(private readonly baseUrl: string) {}

  async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair = ""] = line.split(";");
      const [name = "", value = ""] = pair.split("=");
      if (value === "" || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, text, setCookies };
  }

  async signIn(email: string, headers: Record<string, string> = studio): Promise<Answer> {
    return this.call("POST", "/v1/auth/session", { email, password: testPassword }, headers);
  }
}

const newApp = { name: "Made in the studio", channels: [], actions: [] };

describe.each(databases)("the studio's cookie session on %s", (_name, database) => {
  let conflux: Awaited<ReturnType<typeof startTestConflux>>;
  let email: string;
  let operatorId: string;

  beforeAll(async () => {
    // Behind a trusted proxy that says whether the browser used https (X-Forwarded-Proto).
    conflux = await startTestConflux({
      ...(database ? { database } : {}),
      http: { trustedProxies: ["127.0.0.1", "::1"] },
    });
    email = `studio-${Math.random().toString(36).slice(2)}@example.com`;
    operatorId = (await signUp(conflux.url, email)).operatorId;
  });
  afterAll(async () => conflux?.cleanUp());

  it("signs in with an HttpOnly, SameSite=Strict cookie and answers no token", async () => {
    const browser = new Browser(conflux.url);
    const answer = await browser.signIn(email);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toEqual({ operatorId });
    const [cookie] = answer.setCookies.filter((line) => line.startsWith("conflux_session="));
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Strict/i);
    expect(cookie).toMatch(/; Path=\//i);
    expect(cookie).not.toMatch(/; Secure/i);
    const token = browser.cookies.get("conflux_session") ?? "";
    expect(token.length).toBeGreaterThan(20);

    // Nothing the studio reads after signing in carries the token.
    for (const path of ["/v1/apps", `/v1/operators/${operatorId}`, "/v1/auth/permissions/check"]) {
      const read =
        path === "/v1/auth/permissions/check"
          ? await browser.call("POST", path, { apiNames: ["App:listApps"] }, studio)
          : await browser.call("GET", path);
      expect(read.status, `${path}: ${read.text}`).toBe(200);
      expect(read.text).not.toContain(token);
    }
    // Nor does a fresh token: a cookie session cannot ask for one.
    const fresh = await browser.call("POST", `/v1/operators/${operatorId}/token`, {}, studio);
    expect(fresh.status).toBe(403);
    expect(fresh.text).not.toContain(token);
  });

  it("marks the cookie Secure when the browser came over https", async () => {
    const answer = await new Browser(conflux.url).signIn(email, { ...studio, "x-forwarded-proto": "https" });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.setCookies.find((line) => line.startsWith("conflux_session="))).toMatch(/; Secure/i);
  });

  it("refuses a sign-in without the studio header and with an auth key", async () => {
    const browser = new Browser(conflux.url);
    expect((await browser.signIn(email, {})).status).toBe(403);
    expect(browser.cookies.size).toBe(0);
    const withKey = await browser.call(
      "POST",
      "/v1/auth/session",
      { authKeyId: "keyId-x", authKey: "secret-x" },
      studio,
    );
    expect(withKey.status).toBe(400);
  });

  it("reads with the cookie alone, but refuses a write without the studio header (403): a cross-site form", async () => {
    const browser = new Browser(conflux.url);
    await browser.signIn(email);
    expect((await browser.call("GET", "/v1/apps")).status).toBe(200);

    const forged = await browser.call("POST", "/v1/apps", newApp);
    expect(forged.status).toBe(403);
    expect(forged.body).toEqual({ code: "forbidden", message: expect.stringContaining("x-conflux-studio") });
    const wrongValue = await browser.call("POST", "/v1/apps", newApp, { "x-conflux-studio": "yes" });
    expect(wrongValue.status).toBe(403);
    const apps = await browser.call("GET", "/v1/apps");
    expect(JSON.stringify(apps.body.items)).not.toContain(newApp.name);

    const made = await browser.call("POST", "/v1/apps", newApp, studio);
    expect(made.status, made.text).toBe(201);
  });

  it("lets the API key and token headers win over the cookie", async () => {
    const browser = new Browser(conflux.url);
    await browser.signIn(email);
    const wrongHeaders = { "x-conflux-api-key": "not-a-key", "x-conflux-token": "not-a-token" };
    expect((await browser.call("GET", "/v1/apps", undefined, wrongHeaders)).status).toBe(401);
  });

  it("shares one session between tabs, and logout ends it for all of them", async () => {
    const firstTab = new Browser(conflux.url);
    await firstTab.signIn(email);
    // A second tab of the same browser sends the same cookie.
    const secondTab = new Browser(conflux.url);
    for (const [name, value] of firstTab.cookies) secondTab.cookies.set(name, value);
    expect((await secondTab.call("GET", "/v1/apps")).status).toBe(200);

    expect((await firstTab.call("POST", "/v1/auth/logout")).status).toBe(403);
    const out = await firstTab.call("POST", "/v1/auth/logout", undefined, studio);
    expect(out.status).toBe(204);
    expect(out.setCookies.find((line) => line.startsWith("conflux_session="))).toMatch(
      /Max-Age=0|Expires=Thu, 01 Jan 1970/i,
    );
    expect(firstTab.cookies.has("conflux_session")).toBe(false);
    // The token is revoked, not only forgotten: the other tab's copy of the cookie no longer works.
    const after = await secondTab.call("GET", "/v1/apps");
    expect(after.status).toBe(401);
  });
});

describe("a partner's studio session switched into a customer", () => {
  let conflux: Awaited<ReturnType<typeof startTestConflux>>;
  let partnerEmail: string;
  let partner: ApiSession;
  let customerId: string;

  beforeAll(async () => {
    conflux = await startTestConflux();
    partnerEmail = `partner-${Math.random().toString(36).slice(2)}@example.com`;
    partner = await signUp(conflux.url, partnerEmail);
    const provider = await providerSession(conflux);
    const marked = await provider.call("PUT", `/v1/provider/operators/${partner.operatorId}/partner`, {
      partner: true,
    });
    expect(marked.status, marked.text).toBe(200);
    const customer = await partner.call("POST", "/v1/partner/customers", {
      email: `customer-${Math.random().toString(36).slice(2)}@example.com`,
      password: testPassword,
    });
    expect(customer.status, customer.text).toBe(201);
    customerId = customer.body.operatorId;
  });
  afterAll(async () => conflux?.cleanUp());

  async function switchedBrowser() {
    const browser = new Browser(conflux.url);
    await browser.signIn(partnerEmail);
    const partnerToken = browser.cookies.get("conflux_session");
    const switched = await browser.call("POST", "/v1/auth/switch_user", { operatorId: customerId }, studio);
    expect(switched.status, switched.text).toBe(200);
    return { browser, partnerToken, switched };
  }

  it("switches the cookie to the customer's session, answering no token, and back to the partner's", async () => {
    const { browser, partnerToken, switched } = await switchedBrowser();
    expect(switched.body).toEqual({ operatorId: customerId });
    expect(browser.cookies.get("conflux_partner_session")).toBe(partnerToken);
    const customerToken = browser.cookies.get("conflux_session");
    expect(customerToken).not.toBe(partnerToken);
    const asCustomer = await browser.call("POST", "/v1/apps", newApp, studio);
    expect(asCustomer.status, asCustomer.text).toBe(201);
    expect((await partner.call("GET", `/v1/apps/${asCustomer.body.appId}`)).status).toBe(404);

    const back = await browser.call("POST", "/v1/auth/switch_back", undefined, studio);
    expect(back.status, back.text).toBe(204);
    expect(browser.cookies.get("conflux_session")).toBe(partnerToken);
    expect(browser.cookies.has("conflux_partner_session")).toBe(false);
    expect((await browser.call("GET", "/v1/partner/customers")).status).toBe(200);

    // The customer's switched token ended with the return.
    const stale = new Browser(conflux.url);
    stale.cookies.set("conflux_session", customerToken ?? "");
    expect((await stale.call("GET", "/v1/apps")).status).toBe(401);
  });

  it("refuses switching back without the studio header, and logout ends both sessions", async () => {
    const { browser, partnerToken } = await switchedBrowser();
    expect((await browser.call("POST", "/v1/auth/switch_back")).status).toBe(403);
    expect((await browser.call("POST", "/v1/auth/logout", undefined, studio)).status).toBe(204);
    expect(browser.cookies.size).toBe(0);
    const stale = new Browser(conflux.url);
    stale.cookies.set("conflux_session", partnerToken ?? "");
    expect((await stale.call("GET", "/v1/apps")).status).toBe(401);
  });
});
