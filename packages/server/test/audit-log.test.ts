import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../src/auth/tokens.ts";
import { useContractDatabases } from "./databases.ts";
import { type ApiSession, signUp, startTestConflux } from "./harness.ts";

// GET /v1/audit_logs/api through a whole Conflux, on each database.
const { databases } = await useContractDatabases("audit-log");

const app = { name: "audited", channels: [{ channelId: "in" }], actions: [] };

describe.each(databases)("the audit log API on %s", (_name, database) => {
  let conflux: Awaited<ReturnType<typeof startTestConflux>>;
  let session: ApiSession;

  beforeAll(async () => {
    if (!database) return;
    conflux = await startTestConflux({ database });
    session = await signUp(conflux.url);
  });
  afterAll(async () => {
    await conflux?.cleanUp();
  });

  async function auditPage(query = "") {
    const answer = await fetch(`${conflux.url}/v1/audit_logs/api${query}`, { headers: session.headers });
    return {
      status: answer.status,
      nextKey: answer.headers.get("x-soracom-next-key"),
      body: (await answer.json()) as any,
    };
  }

  it.skipIf(!database)(
    "lists a change as soon as it is answered, in SORACOM's fields, and no reads",
    async () => {
      const created = await session.call("POST", "/v1/apps", app);
      expect(created.status, created.text).toBe(201);
      expect((await session.call("GET", "/v1/apps")).status).toBe(200);
      expect((await session.call("POST", "/v1/apps", { name: 7 })).status).toBe(400);
      const { status, body } = await auditPage();
      expect(status).toBe(200);
      expect(body).toEqual([
        {
          apiKind: "/v1/apps",
          apiName: "App:createApp",
          requestPath: "/v1/apps",
          operatorId: session.operatorId,
          remoteIpAddress: "127.0.0.1",
          requestedTimeEpochMs: expect.any(Number),
          statusCode: 201,
        },
        // The sign-in of the suite's session (accounts/auth-routes.ts records every sign-in).
        expect.objectContaining({ apiKind: "/v1/auth", apiName: "Auth:auth", statusCode: 200 }),
      ]);
    },
  );

  it.skipIf(!database)("pages newest first with the next-key header or the last row's time", async () => {
    for (let index = 0; index < 3; index++)
      expect((await session.call("POST", "/v1/apps", app)).status).toBe(201);
    const first = await auditPage("?limit=2");
    expect(first.body).toHaveLength(2);
    expect(first.body[0].requestedTimeEpochMs).toBeGreaterThanOrEqual(first.body[1].requestedTimeEpochMs);
    expect(first.nextKey).toMatch(/^\d+_[0-9A-Z]{26}$/);
    // 4 apps created and the session's sign-in: 5 rows.
    const second = await auditPage(`?limit=3&last_evaluated_key=${first.nextKey}`);
    expect(second.body).toHaveLength(3);
    expect(second.nextKey).toBeNull();
    const all = await auditPage();
    expect([...first.body, ...second.body]).toEqual(all.body);
    const older = await auditPage(`?last_evaluated_key=${all.body[1].requestedTimeEpochMs}`);
    expect(older.body.every((row: any) => row.requestedTimeEpochMs < all.body[1].requestedTimeEpochMs)).toBe(
      true,
    );
  });

  it.skipIf(!database)("filters by api_kind and time", async () => {
    const signIns = (await auditPage("?api_kind=/v1/auth")).body;
    expect(signIns.map((row: any) => [row.apiKind, row.statusCode])).toEqual([["/v1/auth", 200]]);
    const all = (await auditPage()).body;
    const newest = all[0].requestedTimeEpochMs;
    const since = await auditPage(`?from_epoch_ms=${newest}&to_epoch_ms=${newest}`);
    expect(since.body.length).toBeGreaterThanOrEqual(1);
    expect(since.body.every((row: any) => row.requestedTimeEpochMs === newest)).toBe(true);
  });

  it.skipIf(!database)(
    "records a user's call refused by its permission, with its name and the rate headers",
    async () => {
      const accounts = conflux.services.accountStore.forOperator(session.operatorId);
      expect(await accounts.createUser("reader", "reads apps")).toBe("created");
      const permission = JSON.stringify({ statements: [{ effect: "allow", api: "App:list*" }] });
      expect(await accounts.updateUser("reader", { permission })).toBe(true);
      await conflux.services.store.saveToken(hashSecret("reader-token"), {
        apiKey: "reader-key",
        operatorId: session.operatorId,
        userName: "reader",
        expiresAt: Date.now() + 60_000,
      });
      const headers = { "x-conflux-api-key": "reader-key", "x-conflux-token": "reader-token" };
      const listed = await fetch(`${conflux.url}/v1/apps`, { headers });
      expect(listed.status).toBe(200);
      const refused = await fetch(`${conflux.url}/v1/apps`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify(app),
      });
      expect(refused.status).toBe(403);
      expect(refused.headers.get("x-conflux-ratelimit-remaining")).toMatch(/^\d+$/);
      const [newest, before] = (await auditPage()).body;
      expect(newest).toMatchObject({
        apiKind: "/v1/apps",
        apiName: "App:createApp",
        userName: "reader",
        statusCode: 403,
      });
      expect(before.userName).toBeUndefined();
    },
  );

  it.skipIf(!database)("shows an operator none of another's rows", async () => {
    const other = await signUp(conflux.url);
    const answer = await other.call("GET", "/v1/audit_logs/api");
    expect(answer.status).toBe(200);
    // Only its own sign-in.
    expect(answer.body.map((row: any) => [row.operatorId, row.apiName])).toEqual([
      [other.operatorId, "Auth:auth"],
    ]);
  });

  it.skipIf(!database)(
    "refuses a limit outside 1–1000, a reversed range and a malformed key with 400",
    async () => {
      for (const query of [
        "?limit=0",
        "?limit=1001",
        "?from_epoch_ms=10&to_epoch_ms=5",
        "?last_evaluated_key=x",
      ]) {
        const { status, body } = await auditPage(query);
        expect(status, query).toBe(400);
        expect(body.code).toBe("validation_failed");
      }
      expect((await auditPage("?limit=1000")).status).toBe(200);
    },
  );
});
