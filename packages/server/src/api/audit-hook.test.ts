import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWithOperators, useContractDatabases } from "../../test/databases.ts";
import { hashSecret } from "../auth/tokens.ts";
import { UserError } from "../errors.ts";
import { type AuditEntry, AuditLogStore } from "../store/audit-logs.ts";
import type { OpenDatabase } from "../store/database.ts";
import { auditChanges, auditRowWithChange, recordSignIn } from "./audit-hook.ts";
import { requireOperator } from "./authenticate.ts";
import { registerErrorHandler } from "./error-handler.ts";

const { databases, sqliteDir } = await useContractDatabases("audit-hook");
const [sqlite] = databases;

/** Writes slowly, so an answer sent before the write finished would show up without its row. */
class SlowAuditLogStore extends AuditLogStore {
  override async record(entry: AuditEntry): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 150));
    await super.record(entry);
  }
}

const headers = { "x-conflux-api-key": "key-1", "x-conflux-token": "token-1" };

describe("the audit hook", () => {
  let opened: OpenDatabase;
  let auditLogs: AuditLogStore;
  let api: FastifyInstance;

  beforeAll(async () => {
    opened = await openWithOperators(sqlite?.[1] ?? { kind: "sqlite" }, sqliteDir);
    const store = (opened as OpenDatabase & { store: Parameters<typeof requireOperator>[1] }).store;
    await store.saveToken(hashSecret("token-1"), {
      apiKey: "key-1",
      operatorId: "OP0000000001",
      expiresAt: Date.now() + 60_000,
    });
    auditLogs = new SlowAuditLogStore(opened.db);
    api = Fastify();
    registerErrorHandler(api);
    await api.register(async (open) => {
      open.post("/v1/auth", { schema: { tags: ["Auth"], operationId: "auth" } }, async (request) => {
        await recordSignIn(auditLogs, request, {
          operatorId: "OP0000000001",
          userName: "alice",
          statusCode: 401,
        });
        throw new UserError("unauthorized", "wrong credentials");
      });
    });
    await api.register(async (authenticated) => {
      requireOperator(authenticated, store);
      auditChanges(authenticated, auditLogs);
      const schema = { tags: ["App"], operationId: "updateApp" };
      authenticated.put("/v1/apps/:appId", { schema }, async (_request, reply) =>
        reply.status(200).send({ ok: 1 }),
      );
      authenticated.post("/v1/apps/:appId/refused", { schema }, async () => {
        throw new UserError("forbidden", "not allowed to call App:updateApp");
      });
      authenticated.post("/v1/apps/:appId/invalid", { schema }, async () => {
        throw new UserError("validation_failed", "name: required");
      });
      authenticated.post("/v1/apps/:appId/broken", { schema }, async () => {
        throw new Error("database went away");
      });
      authenticated.get("/v1/apps/:appId", { schema }, async () => ({ ok: 1 }));
      // A change made in one transaction with its audit row; `stored: false` stands for a repeated Idempotency-Key.
      authenticated.post<{ Querystring: { stored?: string } }>(
        "/v1/apps/:appId/messages",
        { schema: { tags: ["Message"], operationId: "sendMessage" } },
        async (request, reply) => {
          const audit = auditRowWithChange(request, 202);
          if (request.query.stored !== "false") {
            await opened.db.transaction().execute(async (trx) => {
              for (const { insert, row } of audit.rows) await trx.executeQuery(insert.sqliteQuery(row));
            });
            audit.recorded();
          }
          return reply.status(202).send({ ok: 1 });
        },
      );
      const check = { tags: ["Auth"], operationId: "checkPermissions" };
      authenticated.post("/v1/auth/permissions/check", { schema: check }, async () => ({ allowed: [] }));
    });
  });
  afterAll(async () => {
    await api?.close();
    await opened?.db.destroy();
  });

  async function rows() {
    return (await auditLogs.list("OP0000000001", { limit: 100 })).entries;
  }

  it("commits the row of a change before the answer is sent", async () => {
    const before = Date.now();
    const answer = await api.inject({
      method: "PUT",
      url: "/v1/apps/01APP?token=secret",
      headers,
      remoteAddress: "198.51.100.4",
    });
    expect(answer.statusCode).toBe(200);
    const [row] = await rows();
    expect(row).toEqual({
      operatorId: "OP0000000001",
      apiKind: "/v1/apps/{appId}",
      apiName: "App:updateApp",
      requestPath: "/v1/apps/01APP",
      remoteIpAddress: "198.51.100.4",
      requestedTimeEpochMs: expect.any(Number),
      statusCode: 200,
    });
    expect(row?.requestedTimeEpochMs).toBeGreaterThanOrEqual(before);
  });

  it("records calls refused by a permission, and leaves out reads (POSTs that only read too), invalid input, failures and unauthenticated calls", async () => {
    const count = (await rows()).length;
    expect((await api.inject({ method: "POST", url: "/v1/apps/01APP/refused", headers })).statusCode).toBe(
      403,
    );
    expect((await api.inject({ method: "POST", url: "/v1/apps/01APP/invalid", headers })).statusCode).toBe(
      400,
    );
    expect((await api.inject({ method: "POST", url: "/v1/apps/01APP/broken", headers })).statusCode).toBe(
      500,
    );
    expect((await api.inject({ method: "GET", url: "/v1/apps/01APP", headers })).statusCode).toBe(200);
    const check = await api.inject({ method: "POST", url: "/v1/auth/permissions/check", headers });
    expect(check.statusCode).toBe(200);
    expect((await api.inject({ method: "PUT", url: "/v1/apps/01APP" })).statusCode).toBe(401);
    const after = await rows();
    expect(after).toHaveLength(count + 1);
    expect(after[0]).toMatchObject({ requestPath: "/v1/apps/01APP/refused", statusCode: 403 });
  });

  it("records a sign-in through recordSignIn, refused ones included", async () => {
    const answer = await api.inject({ method: "POST", url: "/v1/auth", payload: {} });
    expect(answer.statusCode).toBe(401);
    const [row] = await rows();
    expect(row).toMatchObject({
      apiKind: "/v1/auth",
      apiName: "Auth:auth",
      requestPath: "/v1/auth",
      userName: "alice",
      statusCode: 401,
    });
  });

  it("writes the row a change committed with it once, and a row the change did not store in onSend", async () => {
    const count = (await rows()).length;
    const sent = await api.inject({ method: "POST", url: "/v1/apps/01APP/messages", headers });
    expect(sent.statusCode).toBe(202);
    const repeated = await api.inject({
      method: "POST",
      url: "/v1/apps/01APP/messages?stored=false",
      headers,
    });
    expect(repeated.statusCode).toBe(202);
    const after = await rows();
    expect(after).toHaveLength(count + 2);
    expect(after.slice(0, 2)).toMatchObject([
      { requestPath: "/v1/apps/01APP/messages", apiName: "Message:sendMessage", statusCode: 202 },
      { requestPath: "/v1/apps/01APP/messages", apiName: "Message:sendMessage", statusCode: 202 },
    ]);
  });
});
