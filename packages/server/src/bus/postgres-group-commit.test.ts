import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresSchema, openWithOperators } from "../../test/databases.ts";
import { openDatabase } from "../conflux.ts";
import { AuditLogStore } from "../store/audit-logs.ts";
import type { OpenDatabase } from "../store/database.ts";
import type { Delivery, NewExecution } from "./bus.ts";
import { PostgresGroupCommit } from "./postgres-group-commit.ts";
import { SqlBus } from "./sql-bus.ts";

const postgres = await createPostgresSchema();
const dataDir = mkdtempSync(path.join(tmpdir(), "conflux-pg-group-commit-"));
afterAll(async () => {
  await postgres?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const operatorId = "OP0000000001";
let counter = 0;
function newExecution(dedupeKey: string | null = null): { execution: NewExecution; delivery: Delivery } {
  const executionId = `EX${String(++counter).padStart(8, "0")}`;
  return {
    execution: {
      executionId,
      operatorId,
      appId: "AP1",
      channelId: "in",
      eventType: "api",
      dedupeKey,
      replayOf: null,
    },
    delivery: {
      message: {
        messageId: executionId,
        executionId,
        operatorId,
        appId: "AP1",
        channelId: "in",
        hop: 0,
        payload: { n: counter, text: 'quotes " and \\ backslashes, {braces}, NULL' },
        context: { eventType: "api" },
        parentStepId: null,
      },
      actionIds: ["a1", "a2"],
      availableAt: 0,
    },
  };
}

describe.skipIf(!postgres)("the PostgreSQL group commit", () => {
  let opened: OpenDatabase;
  let bus: SqlBus;
  beforeAll(async () => {
    opened = await openWithOperators(postgres?.database ?? { kind: "sqlite" }, dataDir);
    bus = new SqlBus(opened.db, opened.kind);
  });
  afterAll(() => opened?.db.destroy());

  it("commits the writes asked for at once in one transaction", async () => {
    const groupCommit = new PostgresGroupCommit(opened.db, "me");
    const transactionOf = () =>
      groupCommit.run(
        async (trx) =>
          (await sql<{ id: string }>`select txid_current()::text as id`.execute(trx)).rows[0]?.id,
      );
    const ids = await Promise.all([transactionOf(), transactionOf(), transactionOf()]);
    expect(new Set(ids).size).toBe(1);
    // The next turn's writes get a commit of their own.
    expect(await transactionOf()).not.toBe(ids[0]);
  });

  it("stores every row of the batch, JSON text intact, and counts a repeated dedupe key once", async () => {
    const first = newExecution("key-1");
    const again = newExecution("key-1");
    const other = newExecution();
    const started = await Promise.all(
      [first, again, other].map((e) => bus.startExecution(e.execution, e.delivery)),
    );
    expect(started).toEqual([
      { executionId: first.execution.executionId, duplicate: false },
      { executionId: first.execution.executionId, duplicate: true },
      { executionId: other.execution.executionId, duplicate: false },
    ]);
    const message = await opened.db
      .selectFrom("messages")
      .select("payload")
      .where("messageId", "=", other.execution.executionId)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(message.payload)).toEqual(other.delivery.message.payload);
    const jobs = await opened.db
      .selectFrom("jobs")
      .select("jobId")
      .where("executionId", "in", [first.execution.executionId, again.execution.executionId])
      .execute();
    expect(jobs.map((job) => job.jobId).sort()).toEqual([
      `${first.execution.executionId}:a1`,
      `${first.execution.executionId}:a2`,
    ]);
  });

  it("writes an audit row in the commit of the event requested with it, the commit's audit rows in one statement", async () => {
    const auditLogs = new AuditLogStore(opened.db);
    const event = newExecution();
    const audit = (requestPath: string) =>
      auditLogs.record({
        operatorId,
        apiKind: "/v1/apps/{appId}/channels/{channelId}/messages",
        requestPath,
        remoteIpAddress: "127.0.0.1",
        requestedTimeEpochMs: Date.now(),
        statusCode: 202,
      });
    await Promise.all([
      bus.startExecution(event.execution, event.delivery),
      audit("/v1/apps/AP1/channels/in/messages#1"),
      audit("/v1/apps/AP1/channels/in/messages#2"),
    ]);
    // xmin: the transaction that wrote the row.
    const { rows } = await sql<{ xmin: string }>`
      select xmin::text from audit_logs where request_path like '/v1/apps/AP1/channels/in/messages#%'
      union all select xmin::text from executions where execution_id = ${event.execution.executionId}`.execute(
      opened.db,
    );
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((row) => row.xmin)).size).toBe(1);
  });

  it("keeps a failing write's error its own: the others of its batch are stored", async () => {
    const good = newExecution();
    const bad = newExecution();
    const outcomes = await Promise.allSettled([
      bus.startExecution(good.execution, good.delivery),
      bus.startExecution(bad.execution, bad.delivery, async (trx) => {
        await sql`select 1 / 0`.execute(trx);
      }),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected"]);
    const stored = await opened.db
      .selectFrom("executions")
      .select("executionId")
      .where("executionId", "in", [good.execution.executionId, bad.execution.executionId])
      .execute();
    expect(stored.map((row) => row.executionId)).toEqual([good.execution.executionId]);
  });

  it("acknowledges a job once when two workers complete it in one batch", async () => {
    await opened.db.deleteFrom("jobs").execute();
    const { execution, delivery } = newExecution();
    await bus.startExecution(execution, { ...delivery, actionIds: ["a1"] });
    const [job] = await bus.claim(10, 60_000);
    if (!job) throw new Error("no job claimed");
    const step = {
      stepId: job.jobId,
      executionId: job.executionId,
      messageId: job.messageId,
      channelId: "in",
      actionId: job.actionId,
      actionType: "republish",
      status: "completed" as const,
      conditionValue: null,
      input: null,
      result: { worker: 1 },
      error: null,
      usage: null,
      attempts: 1,
      startedAt: 1,
      finishedAt: 2,
    };
    const output = newExecution().delivery;
    const outputOf = (id: string) => ({
      ...output,
      message: { ...output.message, messageId: id, executionId: execution.executionId },
    });
    await Promise.all([
      bus.complete(job, step, [outputOf("OUT1")]),
      bus.complete(job, { ...step, result: { worker: 2 } }, [outputOf("OUT2")]),
    ]);
    const steps = await opened.db
      .selectFrom("steps")
      .select("result")
      .where("stepId", "=", job.jobId)
      .execute();
    expect(steps.map((row) => JSON.parse(row.result ?? "null"))).toEqual([{ worker: 1 }]);
    const outputs = await opened.db
      .selectFrom("messages")
      .select("messageId")
      .where("messageId", "in", ["OUT1", "OUT2"])
      .execute();
    expect(outputs.map((row) => row.messageId)).toEqual(["OUT1"]);
  });

  it("wakes another instance's workers by NOTIFY, and not its own", async () => {
    if (postgres?.database.kind !== "postgres") throw new Error("PostgreSQL only");
    const listenUrl = postgres.database.url;
    // Another instance is another process: a pool (and so a group commit) of its own.
    const elsewhere = await openDatabase(postgres.database, dataDir);
    const here = new SqlBus(opened.db, opened.kind, { listenUrl });
    const there = new SqlBus(elsewhere.db, elsewhere.kind, { listenUrl });
    let wokenThere = 0;
    let wokenHere = 0;
    const stopThere = there.onWork(() => wokenThere++);
    const stopHere = here.onWork(() => wokenHere++);
    try {
      // Each listener wakes once when its LISTEN starts (jobs queued while nobody listened).
      const deadline = Date.now() + 5_000;
      while ((wokenThere < 1 || wokenHere < 1) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const [thereBefore, hereBefore] = [wokenThere, wokenHere];
      const { execution, delivery } = newExecution();
      await here.startExecution(execution, delivery);
      while (wokenThere === thereBefore && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(wokenThere).toBe(thereBefore + 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Here: the local announcement only, not its own NOTIFY as well.
      expect(wokenHere).toBe(hereBefore + 1);
    } finally {
      stopThere();
      stopHere();
      await elsewhere.db.destroy();
    }
  });
});
