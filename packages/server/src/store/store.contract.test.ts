import type { AppDefinition } from "@conflux/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWithOperators, useContractDatabases } from "../../test/databases.ts";
import { SqlBus } from "../bus/sql-bus.ts";
import type { SqlStore } from "./sql-store.ts";
import type { StepRecord } from "./store.ts";

const definition: AppDefinition = {
  name: "contract",
  description: "",
  tags: {},
  channels: [{ channelId: "in", name: "", description: "", tags: {} }],
  actions: [],
};

const { databases, sqliteDir } = await useContractDatabases("store");

describe.each(databases)("the store on %s", (_name, database) => {
  let store: SqlStore;
  let bus: SqlBus;

  beforeAll(async () => {
    if (!database) return;
    const opened = await openWithOperators(database, sqliteDir);
    store = opened.store;
    bus = new SqlBus(opened.db, opened.kind);
  });
  afterAll(async () => store?.close());

  it.skipIf(!database)(
    "keeps one account per e-mail address and tells which constraint refused",
    async () => {
      const taken = await store.createOperator({
        operatorId: "OP0000000009",
        email: "OP0000000001@example.com",
        passwordHash: "x",
        createdAt: 0,
      });
      expect(taken).toBe("email_taken");
      const idTaken = await store.createOperator({
        operatorId: "OP0000000001",
        email: "new@example.com",
        passwordHash: "x",
        createdAt: 0,
      });
      expect(idTaken).toBe("id_taken");
    },
  );

  it.skipIf(!database)("scopes apps by operator", async () => {
    const alice = store.forOperator("OP0000000001");
    const bob = store.forOperator("OP0000000002");
    await alice.createApp("APP-A", definition);
    expect((await alice.listApps()).map((app) => app.appId)).toEqual(["APP-A"]);
    expect(await bob.listApps()).toEqual([]);
    expect(await bob.getApp("APP-A")).toBeUndefined();
    expect(await bob.updateApp("APP-A", { ...definition, name: "taken" })).toBeUndefined();
    expect(await bob.deleteApp("APP-A")).toBe(false);
    const updated = await alice.updateApp("APP-A", { ...definition, name: "renamed" });
    expect(updated?.name).toBe("renamed");
    expect(updated?.channels).toEqual(definition.channels);
  });

  it.skipIf(!database)("upserts credentials and scopes them", async () => {
    const alice = store.forOperator("OP0000000001");
    await alice.putCredential({ credentialsId: "c1", type: "api-token", description: "", sealed: "s1" });
    await alice.putCredential({ credentialsId: "c1", type: "api-token", description: "new", sealed: "s2" });
    expect(await alice.getCredential("c1")).toMatchObject({ description: "new", sealed: "s2" });
    expect(await store.forOperator("OP0000000002").getCredential("c1")).toBeUndefined();
    expect(await store.forOperator("OP0000000002").deleteCredential("c1")).toBe(false);
  });

  it.skipIf(!database)(
    "queues, leases, retries and completes jobs with their history, atomically",
    async () => {
      const message = {
        messageId: "EXEC1",
        executionId: "EXEC1",
        operatorId: "OP0000000001",
        appId: "APP-A",
        channelId: "in",
        hop: 0,
        payload: { temp: 9 },
        context: { eventType: "api" },
        parentStepId: null,
      };
      const execution = {
        executionId: "EXEC1",
        operatorId: "OP0000000001",
        appId: "APP-A",
        channelId: "in",
        eventType: "api",
        dedupeKey: "k1",
        replayOf: null,
        appVersion: 3,
      };
      expect(await bus.startExecution(execution, { message, actionIds: ["a1"], availableAt: 0 })).toEqual({
        executionId: "EXEC1",
        duplicate: false,
      });
      const again = await bus.startExecution(
        { ...execution, executionId: "EXEC2" },
        {
          message: { ...message, messageId: "EXEC2", executionId: "EXEC2" },
          actionIds: ["a1"],
          availableAt: 0,
        },
      );
      expect(again).toEqual({ executionId: "EXEC1", duplicate: true });

      const [job] = await bus.claim(10, 60_000);
      // A job comes with the app version its execution started on, for the runtime to run that version.
      expect(job).toMatchObject({ jobId: "EXEC1:a1", attempts: 1, appVersion: 3 });
      expect(await bus.claim(10, 60_000)).toEqual([]); // leased
      if (!job) throw new Error("no job");

      const step: StepRecord = {
        stepId: job.jobId,
        executionId: "EXEC1",
        messageId: "EXEC1",
        channelId: "in",
        actionId: "a1",
        actionType: "webhook",
        status: "retrying",
        conditionValue: true,
        input: { temp: 9 },
        result: null,
        error: { code: "http_status", message: "503" },
        usage: null,
        attempts: 1,
        startedAt: 1,
        finishedAt: null,
      };
      await bus.retryLater(job, 0, step, {
        retryUntil: 5_000,
        destination: "https://hooks.example:443",
        tried: true,
      });
      const [retried] = await bus.claim(10, 60_000);
      expect(retried).toMatchObject({
        attempts: 2,
        appVersion: 3,
        retries: 1,
        retryUntil: 5_000,
        destination: "https://hooks.example:443",
      });
      if (!retried) throw new Error("no retry");

      const alice = store.forOperator("OP0000000001");
      expect((await alice.listExecutions("APP-A", { limit: 10 }))[0]?.status).toBe("running");
      await bus.complete(
        retried,
        { ...step, status: "completed", attempts: 2, error: null, result: { ok: true }, finishedAt: 2 },
        [],
      );
      // A second completion (an expired lease finished elsewhere) changes nothing.
      await bus.complete(retried, { ...step, status: "failed", finishedAt: 3 }, []);

      const detail = await alice.getExecution("APP-A", "EXEC1");
      expect(detail?.status).toBe("completed");
      expect(detail?.steps).toEqual([
        expect.objectContaining({
          status: "completed",
          attempts: 2,
          result: { ok: true },
          conditionValue: true,
        }),
      ]);
      expect(detail?.messages[0]?.payload).toEqual({ temp: 9 });
      expect(await store.forOperator("OP0000000002").getExecution("APP-A", "EXEC1")).toBeUndefined();
    },
  );

  it.skipIf(!database)("holds a delayed job until it is due, and gives leases back on start-up", async () => {
    const message = {
      messageId: "EXEC3",
      executionId: "EXEC3",
      operatorId: "OP0000000001",
      appId: "APP-A",
      channelId: "in",
      hop: 0,
      payload: null,
      context: { eventType: "api" },
      parentStepId: null,
    };
    await bus.startExecution(
      {
        executionId: "EXEC3",
        operatorId: "OP0000000001",
        appId: "APP-A",
        channelId: "in",
        eventType: "api",
        dedupeKey: null,
        replayOf: null,
      },
      { message, actionIds: ["a1"], availableAt: Date.now() + 60_000 },
    );
    expect(await bus.claim(10, 60_000)).toEqual([]);
    await store.db.updateTable("jobs").set({ availableAt: 0 }).where("jobId", "=", "EXEC3:a1").execute();
    expect(await bus.claim(10, 60_000)).toHaveLength(1);
    expect(await bus.claim(10, 60_000)).toHaveLength(0);
    await bus.releaseAllLeases();
    expect(await bus.claim(10, 60_000)).toHaveLength(1);
  });

  it.skipIf(!database)(
    "deletes old runs with their messages and steps, but not runs with work left",
    async () => {
      const alice = store.forOperator("OP0000000001");
      // EXEC4 has no job left, but the newest message of an open collect batch: the batch is its output.
      await bus.startExecution(
        {
          executionId: "EXEC4",
          operatorId: "OP0000000001",
          appId: "APP-A",
          channelId: "in",
          eventType: "api",
          dedupeKey: null,
          replayOf: null,
        },
        {
          message: {
            messageId: "EXEC4",
            executionId: "EXEC4",
            operatorId: "OP0000000001",
            appId: "APP-A",
            channelId: "in",
            hop: 0,
            payload: null,
            context: { eventType: "api" },
            parentStepId: null,
          },
          actionIds: [],
          availableAt: 0,
        },
      );
      await store.db
        .insertInto("collectBatches")
        .values({
          batchId: "BATCH1",
          operatorId: "OP0000000001",
          appId: "APP-A",
          actionId: "gather",
          isOpen: 1,
          itemCount: 1,
          dueAt: Date.now() + 60_000,
          lastStepId: "EXEC4:gather",
          lastMessageId: "EXEC4",
          lastExecutionId: "EXEC4",
          appVersion: null,
          createdAt: Date.now(),
        })
        .execute();
      const before = (await alice.listExecutions("APP-A", { limit: 100 })).map((run) => run.executionId);
      expect(before).toEqual(expect.arrayContaining(["EXEC1", "EXEC3", "EXEC4"]));
      // EXEC3 still has its job; EXEC1 is finished.
      expect(await store.deleteHistoryBefore(Date.now() + 1_000)).toBeGreaterThanOrEqual(1);
      const after = (await alice.listExecutions("APP-A", { limit: 100 })).map((run) => run.executionId);
      expect(after).toContain("EXEC3");
      expect(after).toContain("EXEC4");
      expect(after).not.toContain("EXEC1");
      expect(await alice.getMessage("EXEC1")).toBeUndefined();
      expect(await store.deleteHistoryBefore(0)).toBe(0);
    },
  );

  it.skipIf(!database)("counts e-mail recipients per operator in a time window", async () => {
    const alice = store.forOperator("OP0000000001");
    await alice.recordEmailSend(2, 1_000);
    await alice.recordEmailSend(3, 5_000);
    expect(await alice.countEmailRecipientsSince(0)).toBe(5);
    expect(await alice.countEmailRecipientsSince(2_000)).toBe(3);
    expect(await store.forOperator("OP0000000002").countEmailRecipientsSince(0)).toBe(0);
  });
});
