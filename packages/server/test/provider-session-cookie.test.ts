// The provider console's cookie session: an HttpOnly, SameSite=Strict cookie of its own, sent only to
// /v1/provider, refused to cross-site writes (no studio header), and cleared and revoked by sign-out;
// an operator's session cookie reaches none of the provider's routes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../src/conflux.ts";
import { createPostgresSchema } from "./databases.ts";
import { signUp, startTestConflux, testPassword, testProviderAdminEmail } from "./harness.ts";

const postgres = await createPostgresSchema();
afterAll(async () => postgres?.drop());
const databases: Array<[string, Config["database"] | undefined]> = [
  ["SQLite", { kind: "sqlite" }],
  ["PostgreSQL", postgres?.database],
];

// The suites run one after the other: each starts its own Conflux here.
let conflux: Awaited<ReturnType<typeof startTestConflux>>;

const studio = { "x-conflux-studio": "1" };

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const response = await fetch(`${conflux.url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : undefined,
    cookies: response.headers.getSetCookie(),
  };
}

async function signIn(headers: Record<string, string> = studio) {
  return call("POST", "/v1/provider/auth/session", headers, {
    email: testProviderAdminEmail,
    password: testPassword,
  });
}

/** The `name=value` a Set-Cookie line stores, as a browser sends it back. */
const cookieOf = (line: string | undefined) => (line ?? "").split(";")[0] ?? "";

describe.each(databases)("the provider console's session cookie on %s", (_name, database) => {
  beforeAll(async () => {
    if (database) conflux = await startTestConflux({ database });
  });
  afterAll(async () => {
    if (database) await conflux?.cleanUp();
  });

  it.skipIf(!database)(
    "is HttpOnly, SameSite=Strict and scoped to /v1/provider, holds no API key, and authenticates reads",
    async () => {
      const signedIn = await signIn();
      expect(signedIn.status).toBe(200);
      expect(signedIn.body).toEqual({ email: testProviderAdminEmail });
      const [line] = signedIn.cookies;
      expect(line).toMatch(/^conflux_provider_session=/);
      expect(line).toMatch(/HttpOnly/i);
      expect(line).toMatch(/SameSite=Strict/i);
      expect(line).toMatch(/Path=\/v1\/provider(;|$)/);
      const cookie = cookieOf(line);
      expect((await call("GET", "/v1/provider/settings", { cookie })).status).toBe(200);
      // The value is a token alone: as X-Conflux-Token with any API key it is refused.
      const token = cookie.split("=")[1] ?? "";
      expect(
        (await call("GET", "/v1/provider/settings", { "x-conflux-api-key": "x", "x-conflux-token": token }))
          .status,
      ).toBe(401);
    },
  );

  it.skipIf(!database)(
    "refuses a sign-in and writes without the studio header (403), and ends with sign-out",
    async () => {
      expect((await signIn({})).status).toBe(403);
      const cookie = cookieOf((await signIn()).cookies[0]);
      const notice = { title: "Hello", body: "", severity: "info" };
      expect((await call("POST", "/v1/provider/notices", { cookie }, notice)).status).toBe(403);
      expect((await call("POST", "/v1/provider/notices", { cookie, ...studio }, notice)).status).toBe(201);
      expect((await call("POST", "/v1/provider/auth/logout", { cookie })).status).toBe(403);
      const out = await call("POST", "/v1/provider/auth/logout", { cookie, ...studio });
      expect(out.status).toBe(204);
      expect(out.cookies[0]).toMatch(/^conflux_provider_session=;.*Path=\/v1\/provider/);
      // The token is revoked, not only forgotten by the browser.
      expect((await call("GET", "/v1/provider/settings", { cookie })).status).toBe(401);
    },
  );

  it.skipIf(!database)(
    "is apart from the operator's session: neither cookie opens the other's routes",
    async () => {
      const email = `operator-${Date.now()}@example.com`;
      await signUp(conflux.url, email);
      const operatorSession = await call("POST", "/v1/auth/session", studio, {
        email,
        password: testPassword,
      });
      expect(operatorSession.status).toBe(200);
      const operatorCookie = cookieOf(operatorSession.cookies[0]);
      expect((await call("GET", "/v1/provider/settings", { cookie: operatorCookie })).status).toBe(401);
      const providerCookie = cookieOf((await signIn()).cookies[0]);
      expect((await call("GET", "/v1/apps", { cookie: providerCookie })).status).toBe(401);
    },
  );
});
