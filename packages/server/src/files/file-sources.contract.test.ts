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
import { loadConfig, openDatabase } from "../conflux.ts";
import { createLogger } from "../logging/logger.ts";
import type { OpenDatabase } from "../store/database.ts";
import { SqlStore } from "../store/sql-store.ts";
import { createFileEvents } from "./file-events.ts";
import type { FileChange } from "./file-store.ts";

type Channel = AppDefinition["channels"][number];

const logger = createLogger(loadConfig({}, { logLevel: "silent" }));

function fileChannel(
  channelId: string,
  config: { pathPrefix: string; eventTypes: Array<"created" | "updated" | "deleted"> },
  enabled = true,
): Channel {
  return {
    channelId,
    name: "",
    description: "",
    tags: {},
    eventSource: { type: "file", enabled, config },
  };
}

const appWith = (...channels: Channel[]): AppDefinition => ({
  name: "files",
  description: "",
  tags: {},
  channels: [{ channelId: "plain", name: "", description: "", tags: {} }, ...channels],
  actions: [],
});

let eventCount = 0;
function change(operatorId: string, eventType: FileChange["eventType"], filePath: string): FileChange {
  eventCount += 1;
  return {
    eventId: `01JFILESOURCE${String(eventCount).padStart(13, "0")}`,
    operatorId,
    eventType,
    path: filePath,
    contentType: "text/plain",
    hop: 0,
  };
}

const { databases, sqliteDir } = await useContractDatabases("file-sources");

describe.each(databases)("the file source index on %s", (_name, database) => {
  let opened: OpenDatabase & { store: SqlStore };
  /** A second server on the same database: its own connections and its own caches. */
  let other: OpenDatabase;

  beforeAll(async () => {
    if (!database) return;
    opened = await openWithOperators(database, sqliteDir);
    other = await openDatabase(database, sqliteDir);
  });
  afterAll(async () => {
    await other?.db.destroy();
    await opened?.store.close();
  });

  const listening = (operatorId: string, eventType: FileChange["eventType"], filePath: string) =>
    opened.store
      .forOperator(operatorId)
      .listAppsWithFileSource({ eventType, path: filePath })
      .then((apps) => apps.map((app) => app.appId));

  it.skipIf(!database)(
    "finds the apps with an enabled file source for the change's event type and a prefix of its path",
    async () => {
      const alice = opened.store.forOperator("OP0000000001");
      await alice.createApp(
        "APP-FS-1",
        appWith(
          fileChannel("uploads", { pathPrefix: "/cam/", eventTypes: ["created", "updated"] }),
          fileChannel("off", { pathPrefix: "/", eventTypes: ["deleted"] }, false),
        ),
      );
      await alice.createApp(
        "APP-FS-2",
        appWith(fileChannel("odd", { pathPrefix: "/100%_done/", eventTypes: ["deleted"] })),
      );
      await alice.createApp("APP-FS-3", appWith());

      expect(await listening("OP0000000001", "created", "/cam/1.jpg")).toEqual(["APP-FS-1"]);
      expect(await listening("OP0000000001", "deleted", "/cam/1.jpg")).toEqual([]);
      expect(await listening("OP0000000001", "created", "/cam")).toEqual([]);
      expect(await listening("OP0000000001", "created", "/camera/1.jpg")).toEqual([]);
      // '%' and '_' in a prefix are characters, not patterns.
      expect(await listening("OP0000000001", "deleted", "/100%_done/a")).toEqual(["APP-FS-2"]);
      expect(await listening("OP0000000001", "deleted", "/100x_done/a")).toEqual([]);
      expect(await listening("OP0000000002", "created", "/cam/1.jpg")).toEqual([]);
    },
  );

  it.skipIf(!database)(
    "follows saves, restores and deletes made through another server, with nothing to expire",
    async () => {
      const theirs = new SqlStore(other.db).forOperator("OP0000000001");
      const raise = createFileEvents(opened.store, new SqlBus(opened.db, opened.kind), 32_768, logger);
      const runs = async () =>
        (await opened.store.forOperator("OP0000000001").listExecutions("APP-FS-X", { limit: 10 })).length;

      await theirs.createApp(
        "APP-FS-X",
        appWith(fileChannel("in", { pathPrefix: "/x/", eventTypes: ["created"] })),
      );
      await raise(change("OP0000000001", "created", "/x/1.txt"));
      expect(await runs()).toBe(1);

      await theirs.updateApp(
        "APP-FS-X",
        appWith(fileChannel("in", { pathPrefix: "/y/", eventTypes: ["created"] })),
      );
      await raise(change("OP0000000001", "created", "/x/2.txt"));
      expect(await runs()).toBe(1);
      await raise(change("OP0000000001", "created", "/y/2.txt"));
      expect(await runs()).toBe(2);

      // A save refused for being made on an old version changes nothing, the index included.
      const stale = await theirs.updateApp(
        "APP-FS-X",
        appWith(fileChannel("in", { pathPrefix: "/x/", eventTypes: ["created"] })),
        1,
      );
      expect(stale).toBeUndefined();
      expect(await listening("OP0000000001", "created", "/x/3.txt")).toEqual([]);

      expect(await theirs.deleteApp("APP-FS-X")).toBe(true);
      await raise(change("OP0000000001", "created", "/y/3.txt"));
      expect(await runs()).toBe(2);
      expect(
        await opened.db.selectFrom("fileSources").select("appId").where("appId", "=", "APP-FS-X").execute(),
      ).toEqual([]);
    },
  );

  it.skipIf(!database)("a file change reads only the apps listening to it, not every app", async () => {
    const bob = opened.store.forOperator("OP0000000002");
    await bob.createApp(
      "APP-FS-BOB",
      appWith(fileChannel("in", { pathPrefix: "/", eventTypes: ["created"] })),
    );
    // An app that cannot even be parsed: reading every app, as a file change once did, fails on it.
    await opened.db
      .insertInto("apps")
      .values({
        appId: "APP-FS-UNREADABLE",
        operatorId: "OP0000000002",
        name: "unreadable",
        definition: "{not json",
        version: 1,
        createdAt: 0,
        updatedAt: 0,
      })
      .execute();
    try {
      const raise = createFileEvents(opened.store, new SqlBus(opened.db, opened.kind), 32_768, logger);
      await raise(change("OP0000000002", "created", "/a.txt"));
      expect(await bob.listExecutions("APP-FS-BOB", { limit: 10 })).toHaveLength(1);
    } finally {
      await opened.db.deleteFrom("apps").where("appId", "=", "APP-FS-UNREADABLE").execute();
    }
  });
});

describe("the file source index migration", () => {
  it.each(upgradeDatabases(sqliteDir, "upgraded"))(
    "indexes the file sources of apps saved before it on %s",
    async (_name, create) => {
      const scratch = await create();
      if (!scratch) return;
      const before = await openMigratedTo(scratch.database, "0007_device_message_keys");
      await sql`insert into operators (operator_id, email, password_hash, created_at)
      values ('OP0000000001', 'a@example.com', 'x', 0)`.execute(before);
      const saved = {
        "APP-OLD-FILES": appWith(
          fileChannel("in", { pathPrefix: "/old/", eventTypes: ["created", "deleted"] }),
          fileChannel("off", { pathPrefix: "/", eventTypes: ["created"] }, false),
        ),
        "APP-OLD-PLAIN": appWith(),
      };
      for (const [appId, definition] of Object.entries(saved))
        await sql`insert into apps (app_id, operator_id, name, definition, created_at, updated_at)
        values (${appId}, 'OP0000000001', 'old', ${JSON.stringify(definition)}, 1, 2)`.execute(before);
      await before.destroy();

      const upgraded = await openDatabase(scratch.database, sqliteDir);
      try {
        const store = new SqlStore(upgraded.db).forOperator("OP0000000001");
        const found = async (eventType: FileChange["eventType"], filePath: string) =>
          (await store.listAppsWithFileSource({ eventType, path: filePath })).map((app) => app.appId);
        expect(await found("created", "/old/a.txt")).toEqual(["APP-OLD-FILES"]);
        expect(await found("deleted", "/old/a.txt")).toEqual(["APP-OLD-FILES"]);
        expect(await found("updated", "/old/a.txt")).toEqual([]);
        expect(await found("created", "/new/a.txt")).toEqual([]);
      } finally {
        await upgraded.db.destroy();
        await scratch.drop();
      }
    },
  );

  it.each(upgradeDatabases(sqliteDir, "unreadable"))(
    "upgrades past an app whose saved definition it cannot read, indexing the others, on %s",
    async (_name, create) => {
      const scratch = await create();
      if (!scratch) return;
      const before = await openMigratedTo(scratch.database, "0007_device_message_keys");
      await sql`insert into operators (operator_id, email, password_hash, created_at)
      values ('OP0000000001', 'a@example.com', 'x', 0)`.execute(before);
      const saved = {
        "APP-OLD-FILES": JSON.stringify(
          appWith(fileChannel("in", { pathPrefix: "/", eventTypes: ["created"] })),
        ),
        "APP-OLD-BROKEN": "{not json",
        "APP-OLD-NO-CONFIG": JSON.stringify({
          channels: [{ channelId: "in", eventSource: { type: "file", enabled: true } }],
        }),
      };
      for (const [appId, definition] of Object.entries(saved))
        await sql`insert into apps (app_id, operator_id, name, definition, created_at, updated_at)
        values (${appId}, 'OP0000000001', 'old', ${definition}, 1, 2)`.execute(before);
      await before.destroy();

      const upgraded = await openDatabase(scratch.database, sqliteDir);
      try {
        const indexed = await upgraded.db.selectFrom("fileSources").select("appId").execute();
        expect(indexed).toEqual([{ appId: "APP-OLD-FILES" }]);
      } finally {
        await upgraded.db.destroy();
        await scratch.drop();
      }
    },
  );
});
