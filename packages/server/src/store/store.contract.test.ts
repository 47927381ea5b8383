import type { AppDefinition } from "@conflux/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWithOperators, useContractDatabases } from "../../test/databases.ts";
import type { Job } from "../bus/bus.ts";
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

function finishedStep(job: Job): StepRecord {
  return {
    stepId: job.jobId,
    executionId: job.executionId,
    messageId: job.messageId,
    channelId: "in",
    actionId: job.actionId,
    actionType: "webhook",
    status: "completed",
    conditionValue: true,
    input: null,
    result: null,
    error: null,
    usage: null,
    attempts: job.attempts,
    startedAt: 1,
    finishedAt: 2,
  };
}

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
    "deletes old runs with their messages and steps, but not runs with work left",
    async () => {
      const alice = store.forOperator("OP0000000001");
      // EXEC1 is finished; EXEC3 still has its (delayed) job.
      for (const [executionId, availableAt] of [
        ["EXEC1", 0],
        ["EXEC3", Date.now() + 60_000],
      ] as const)
        await bus.startExecution(
          {
            executionId,
            operatorId: "OP0000000001",
            appId: "APP-A",
            channelId: "in",
            eventType: "api",
            dedupeKey: null,
            replayOf: null,
          },
          {
            message: {
              messageId: executionId,
              executionId,
              operatorId: "OP0000000001",
              appId: "APP-A",
              channelId: "in",
              hop: 0,
              payload: null,
              context: { eventType: "api" },
              parentStepId: null,
            },
            actionIds: ["a1"],
            availableAt,
          },
        );
      const [job] = await bus.claim(10, 60_000);
      if (!job) throw new Error("no job");
      await bus.complete(job, finishedStep(job), []);
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

  it.skipIf(!database)(
    "deletes old runs of the operators a sweep names, or of all but those it leaves out",
    async () => {
      for (const [executionId, operatorId] of [
        ["KEPT-1", "OP0000000001"],
        ["KEPT-2", "OP0000000002"],
      ] as const)
        await bus.startExecution(
          {
            executionId,
            operatorId,
            appId: "APP-R",
            channelId: "in",
            eventType: "api",
            dedupeKey: null,
            replayOf: null,
          },
          {
            message: {
              messageId: executionId,
              executionId,
              operatorId,
              appId: "APP-R",
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
      const runsOf = async (operatorId: string) =>
        (await store.forOperator(operatorId).listExecutions("APP-R", { limit: 10 })).map(
          (run) => run.executionId,
        );
      const later = Date.now() + 1_000;
      expect(await store.deleteHistoryBefore(later, { only: [] })).toBe(0);
      expect(await store.deleteHistoryBefore(later, { only: ["OP0000000002"] })).toBe(1);
      expect(await runsOf("OP0000000001")).toEqual(["KEPT-1"]);
      expect(await store.deleteHistoryBefore(later, { except: ["OP0000000001"] })).toBe(0);
      expect(await runsOf("OP0000000001")).toEqual(["KEPT-1"]);
      expect(await store.deleteHistoryBefore(later, { except: ["OP0000000002"] })).toBeGreaterThanOrEqual(1);
      expect(await runsOf("OP0000000001")).toEqual([]);
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
