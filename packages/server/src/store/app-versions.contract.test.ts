import type { AppDefinition } from "@conflux/core";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  openMigratedTo,
  openWithOperators,
  upgradeDatabases,
  useContractDatabases,
} from "../../test/databases.ts";
import { SqlBus } from "../bus/sql-bus.ts";
import { openDatabase } from "../conflux.ts";
import { AppVersionStore } from "./app-versions.ts";
import { SqlStore } from "./sql-store.ts";

const definition = (name: string): AppDefinition => ({
  name,
  description: "",
  tags: {},
  channels: [{ channelId: "in", name: "", description: "", tags: {} }],
  actions: [],
});

const { databases, sqliteDir } = await useContractDatabases("versions");

describe.each(databases)("app versions on %s", (_name, database) => {
  let store: SqlStore;
  let versions: AppVersionStore;
  let bus: SqlBus;

  beforeAll(async () => {
    if (!database) return;
    const opened = await openWithOperators(database, sqliteDir);
    store = opened.store;
    versions = new AppVersionStore(opened.db);
    bus = new SqlBus(opened.db, opened.kind);
  });
  afterAll(async () => store?.close());

  it.skipIf(!database)("records every save as the next version, newest first, paged", async () => {
    const alice = store.forOperator("OP0000000001");
    expect((await alice.createApp("APP-V", definition("v1"))).version).toBe(1);
    expect((await alice.updateApp("APP-V", definition("v2")))?.version).toBe(2);
    expect((await alice.updateApp("APP-V", definition("v3")))?.version).toBe(3);
    expect((await alice.getApp("APP-V"))?.version).toBe(3);
    expect((await alice.listApps()).find((app) => app.appId === "APP-V")?.version).toBe(3);

    const mine = versions.forOperator("OP0000000001");
    expect((await mine.list("APP-V", { limit: 10 })).map((v) => v.version)).toEqual([3, 2, 1]);
    expect((await mine.list("APP-V", { limit: 2 })).map((v) => v.version)).toEqual([3, 2]);
    expect((await mine.list("APP-V", { before: 2, limit: 2 })).map((v) => v.version)).toEqual([1]);
    expect((await mine.get("APP-V", 2))?.definition).toEqual(definition("v2"));
    expect(await mine.get("APP-V", 4)).toBeUndefined();
  });

  it.skipIf(!database)("numbers concurrent saves without a gap or a duplicate", async () => {
    const alice = store.forOperator("OP0000000001");
    await alice.createApp("APP-C", definition("c"));
    const saved = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => alice.updateApp("APP-C", definition(`c${n}`))),
    );
    expect(saved.map((app) => app?.version).sort()).toEqual([2, 3, 4, 5, 6]);
    const listed = await versions.forOperator("OP0000000001").list("APP-C", { limit: 10 });
    expect(listed.map((v) => v.version)).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it.skipIf(!database)("keeps another operator out of an app's versions", async () => {
    const bob = versions.forOperator("OP0000000002");
    expect(await bob.list("APP-V", { limit: 10 })).toEqual([]);
    expect(await bob.get("APP-V", 1)).toBeUndefined();
    expect(await store.forOperator("OP0000000002").updateApp("APP-V", definition("taken"))).toBeUndefined();
    expect((await versions.forOperator("OP0000000001").list("APP-V", { limit: 10 }))[0]?.version).toBe(3);
  });

  it.skipIf(!database)("records the version an execution started on; null when none", async () => {
    const execution = (executionId: string) => ({
      executionId,
      operatorId: "OP0000000001",
      appId: "APP-V",
      channelId: "in",
      eventType: "api",
      dedupeKey: null,
      replayOf: null,
    });
    const delivery = (messageId: string) => ({
      message: {
        messageId,
        executionId: messageId,
        operatorId: "OP0000000001",
        appId: "APP-V",
        channelId: "in",
        hop: 0,
        payload: null,
        context: { eventType: "api" },
        parentStepId: null,
      },
      actionIds: [],
      availableAt: 0,
    });
    await bus.startExecution({ ...execution("EXEC-V2"), appVersion: 2 }, delivery("EXEC-V2"));
    await bus.startExecution(execution("EXEC-OLD"), delivery("EXEC-OLD"));
    await store.forOperator("OP0000000001").updateApp("APP-V", definition("v4"));
    const alice = store.forOperator("OP0000000001");
    expect((await alice.getExecution("APP-V", "EXEC-V2"))?.appVersion).toBe(2);
    expect((await alice.getExecution("APP-V", "EXEC-OLD"))?.appVersion).toBeNull();
    const listed = await alice.listExecutions("APP-V", { limit: 10 });
    expect(listed.find((run) => run.executionId === "EXEC-V2")?.appVersion).toBe(2);
  });

  it.skipIf(!database)(
    "records what made each version and who; a restore refused on a stale version records nothing",
    async () => {
      const alice = store.forOperator("OP0000000001");
      const mine = versions.forOperator("OP0000000001");
      await alice.createApp("APP-P", definition("p1"), { origin: "imported", createdBy: "a@example.com" });
      await alice.updateApp("APP-P", definition("p2"));
      const restored = await alice.updateApp("APP-P", definition("p1"), 2, {
        origin: "restored",
        restoredFrom: 1,
        createdBy: "a@example.com",
      });
      expect(restored?.version).toBe(3);
      const stale = await alice.updateApp("APP-P", definition("p2"), 2, {
        origin: "restored",
        restoredFrom: 2,
      });
      expect(stale).toBeUndefined();

      const listed = await mine.list("APP-P", { limit: 10 });
      expect(listed.map(({ createdAt: _at, ...version }) => version)).toEqual([
        { appId: "APP-P", version: 3, origin: "restored", restoredFrom: 1, createdBy: "a@example.com" },
        { appId: "APP-P", version: 2, origin: "saved", restoredFrom: null, createdBy: null },
        { appId: "APP-P", version: 1, origin: "imported", restoredFrom: null, createdBy: "a@example.com" },
      ]);
      expect(await mine.get("APP-P", 3)).toMatchObject({
        origin: "restored",
        restoredFrom: 1,
        createdBy: "a@example.com",
        definition: definition("p1"),
      });

      await alice.createApp("APP-P2", definition("q"));
      expect(await mine.get("APP-P2", 1)).toMatchObject({
        origin: "created",
        restoredFrom: null,
        createdBy: null,
      });
    },
  );

  it.skipIf(!database)("deletes an app's versions with the app", async () => {
    const alice = store.forOperator("OP0000000001");
    expect(await alice.deleteApp("APP-V")).toBe(true);
    const mine = versions.forOperator("OP0000000001");
    expect(await mine.list("APP-V", { limit: 10 })).toEqual([]);
    expect(await mine.get("APP-V", 1)).toBeUndefined();
    expect((await mine.list("APP-C", { limit: 10 })).length).toBe(6);
  });
});

describe("the app versions migration", () => {
  it.each(upgradeDatabases(sqliteDir, "upgraded"))(
    "gives apps saved before it their definition as version 1 on %s",
    async (_name, create) => {
      const scratch = await create();
      if (!scratch) return;
      // Just before app versions.
      const before = await openMigratedTo(scratch.database, "0003_ai_usage_quotas");
      await sql`insert into operators (operator_id, email, password_hash, created_at)
      values ('OP0000000001', 'a@example.com', 'x', 0)`.execute(before);
      await sql`insert into apps (app_id, operator_id, name, definition, created_at, updated_at)
      values ('APP-OLD', 'OP0000000001', 'old', ${JSON.stringify(definition("old"))}, 1, 2)`.execute(before);
      await sql`insert into executions (execution_id, operator_id, app_id, channel_id, event_type, created_at)
      values ('EXEC-OLD', 'OP0000000001', 'APP-OLD', 'in', 'api', 3)`.execute(before);
      await before.destroy();

      const upgraded = await openDatabase(scratch.database, sqliteDir);
      try {
        const store = new SqlStore(upgraded.db).forOperator("OP0000000001");
        expect((await store.getApp("APP-OLD"))?.version).toBe(1);
        const version = await new AppVersionStore(upgraded.db).forOperator("OP0000000001").get("APP-OLD", 1);
        expect(version).toEqual({
          appId: "APP-OLD",
          version: 1,
          createdAt: 2,
          origin: null,
          restoredFrom: null,
          createdBy: null,
          definition: definition("old"),
        });
        expect((await store.getExecution("APP-OLD", "EXEC-OLD"))?.appVersion).toBeNull();
        expect((await store.updateApp("APP-OLD", definition("new")))?.version).toBe(2);
      } finally {
        await upgraded.db.destroy();
        await scratch.drop();
      }
    },
  );
});

describe("the app version origins migration", () => {
  it.each(upgradeDatabases(sqliteDir, "origins"))(
    "leaves what made older versions unknown, and records it from then on, on %s",
    async (_name, create) => {
      const scratch = await create();
      if (!scratch) return;
      const before = await openMigratedTo(scratch.database, "0008_file_sources");
      await sql`insert into operators (operator_id, email, password_hash, created_at)
      values ('OP0000000001', 'a@example.com', 'x', 0)`.execute(before);
      await sql`insert into apps (app_id, operator_id, name, definition, version, created_at, updated_at)
      values ('APP-OLD', 'OP0000000001', 'old', ${JSON.stringify(definition("old"))}, 1, 1, 1)`.execute(
        before,
      );
      await sql`insert into app_versions (app_id, version, operator_id, definition, created_at)
      values ('APP-OLD', 1, 'OP0000000001', ${JSON.stringify(definition("old"))}, 1)`.execute(before);
      await before.destroy();

      const upgraded = await openDatabase(scratch.database, sqliteDir);
      try {
        const store = new SqlStore(upgraded.db).forOperator("OP0000000001");
        expect(
          await store.updateApp("APP-OLD", definition("new"), 1, {
            origin: "saved",
            createdBy: "a@example.com",
          }),
        ).toMatchObject({ version: 2 });
        const listed = await new AppVersionStore(upgraded.db).forOperator("OP0000000001").list("APP-OLD", {
          limit: 10,
        });
        expect(
          listed.map(({ version, origin, restoredFrom, createdBy }) => ({
            version,
            origin,
            restoredFrom,
            createdBy,
          })),
        ).toEqual([
          { version: 2, origin: "saved", restoredFrom: null, createdBy: "a@example.com" },
          { version: 1, origin: null, restoredFrom: null, createdBy: null },
        ]);
      } finally {
        await upgraded.db.destroy();
        await scratch.drop();
      }
    },
  );
});
