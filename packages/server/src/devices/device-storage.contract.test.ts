import { maxHops } from "@conflux/core";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWithOperators, useContractDatabases } from "../../test/databases.ts";
import { SqlBus } from "../bus/sql-bus.ts";
import { loadConfig } from "../conflux.ts";
import { createFileEvents } from "../files/file-events.ts";
import { createFileLinks } from "../files/file-links.ts";
import { type FileChange, SqlFileStore } from "../files/file-store.ts";
import { createLogger } from "../logging/logger.ts";
import type { Database } from "../store/schema.ts";
import type { SqlStore } from "../store/sql-store.ts";
import { DataStore } from "./data-store.ts";
import { DeviceActivity } from "./device-activity.ts";
import { DeviceRegistry } from "./device-registry.ts";

// Devices, data entries and files run the same queries on both databases: one suite, both engines.
const { databases, sqliteDir } = await useContractDatabases("devices");

describe.each(databases)("device storage on %s", (_name, database) => {
  let store: SqlStore;
  let registry: DeviceRegistry;
  let data: DataStore;
  let files: SqlFileStore;
  let db: Kysely<Database>;
  let bus: SqlBus;
  const changes: FileChange[] = [];

  beforeAll(async () => {
    if (!database) return;
    const opened = await openWithOperators(database, sqliteDir);
    db = opened.db;
    bus = new SqlBus(opened.db, opened.kind);
    store = opened.store;
    registry = new DeviceRegistry(opened.db, 0);
    data = new DataStore(opened.db);
    files = new SqlFileStore(opened.db, {
      maxFileBytes: 1_000_000,
      links: createFileLinks(Buffer.alloc(32, 7)),
      baseUrl: () => "http://conflux.test",
      onChange: async (change) => void changes.push(change),
    });
  });
  afterAll(async () => store?.close());

  it.skipIf(!database)(
    "finds a device with its group for ingest, and only its own operator lists it",
    async () => {
      const mine = registry.forOperator("OP0000000001");
      const group = await mine.createGroup({
        name: "fridges",
        tags: {},
        config: { binding: null, keepData: true, binaryParser: "t:0:int16:/10" },
      });
      const device = await mine.createDevice(
        { name: "fridge 1", groupId: group.groupId, tags: { room: "a" } },
        "hash",
      );
      expect(device.deviceId).toMatch(/^d-[0-9a-z]{26}$/);
      expect(await registry.findForIngest(device.deviceId)).toEqual({
        deviceId: device.deviceId,
        operatorId: "OP0000000001",
        secretHash: "hash",
        group: { groupId: group.groupId, config: group.config },
      });
      const theirs = registry.forOperator("OP0000000002");
      expect(await theirs.getDevice(device.deviceId)).toBeUndefined();
      expect(await theirs.listDevices()).toEqual([]);
      expect(
        await theirs.deleteDevice(device.deviceId, (trx) =>
          data.forOperator("OP0000000002", trx).deleteResource("Device", device.deviceId),
        ),
      ).toBe(false);
      expect(
        await theirs.updateGroup(group.groupId, { name: "x", tags: {}, config: group.config }),
      ).toBeUndefined();
      expect(await mine.deleteGroup(group.groupId)).toBe(true);
      expect((await mine.getDevice(device.deviceId))?.groupId).toBeNull();
      expect((await registry.findForIngest(device.deviceId))?.group).toBeNull();
    },
  );

  it.skipIf(!database)(
    "adds each instance's last seen and message counts to the device's row, keeping the latest time",
    async () => {
      const mine = registry.forOperator("OP0000000001");
      const device = await mine.createDevice({ name: "counted", groupId: null, tags: {} }, "hash");
      const quiet = await mine.createDevice({ name: "quiet", groupId: null, tags: {} }, "hash");
      expect(device).toMatchObject({ lastSeenAt: null, messageCount: 0 });
      // Two instances count the same device's messages on their own.
      const first = new DeviceActivity(db);
      const second = new DeviceActivity(db);
      first.note(device.deviceId, 2_000, 1);
      first.note(device.deviceId, 1_000, 1);
      second.note(device.deviceId, 3_000, 1);
      // A retry of a stored message: seen, not counted.
      second.note(device.deviceId, 4_000, 0);
      await second.flush();
      await first.flush();
      await first.flush();
      expect(await mine.getDevice(device.deviceId)).toMatchObject({ lastSeenAt: 4_000, messageCount: 3 });
      const listed = await mine.listDevices();
      expect(listed.find((row) => row.deviceId === device.deviceId)).toMatchObject({
        lastSeenAt: 4_000,
        messageCount: 3,
      });
      expect(listed.find((row) => row.deviceId === quiet.deviceId)).toMatchObject({
        lastSeenAt: null,
        messageCount: 0,
      });
      // Counts past 2^31 stay numbers on both engines.
      first.note(device.deviceId, 5_000, 1);
      await db
        .updateTable("devices")
        .set({ messageCount: 2 ** 40 })
        .where("deviceId", "=", device.deviceId)
        .execute();
      await first.flush();
      expect((await mine.getDevice(device.deviceId))?.messageCount).toBe(2 ** 40 + 1);
    },
  );

  it.skipIf(!database)(
    "deletes a device and its data entries in one transaction: if the data cannot go, the device stays",
    async () => {
      const mine = registry.forOperator("OP0000000001");
      const device = await mine.createDevice({ name: "doomed", groupId: null, tags: {} }, "hash");
      const entry = { resourceType: "Device" as const, time: 1, contentType: "text/plain", content: "x" };
      await data.forOperator("OP0000000001").put([{ ...entry, resourceId: device.deviceId }]);
      await data.forOperator("OP0000000001").put([{ ...entry, resourceId: "d-kept" }]);
      const deleteWithData = () =>
        mine.deleteDevice(device.deviceId, (trx) =>
          data.forOperator("OP0000000001", trx).deleteResource("Device", device.deviceId),
        );
      const entriesOf = async (deviceId: string) =>
        (await data.forOperator("OP0000000001").query("Device", deviceId, { limit: 10, order: "asc" }))
          .entries;

      // The database refuses the second write, as a crash between the two would cut it off.
      await refuseDataDeletes(db, database?.kind ?? "sqlite", true);
      try {
        await expect(deleteWithData()).rejects.toThrow(/data entries are kept/);
      } finally {
        await refuseDataDeletes(db, database?.kind ?? "sqlite", false);
      }
      expect(await mine.getDevice(device.deviceId)).toBeDefined();
      expect(await entriesOf(device.deviceId)).toHaveLength(1);

      expect(await deleteWithData()).toBe(true);
      expect(await mine.getDevice(device.deviceId)).toBeUndefined();
      expect(await entriesOf(device.deviceId)).toEqual([]);
      expect(await entriesOf("d-kept")).toHaveLength(1);
      expect(await deleteWithData()).toBe(false);
    },
  );

  it.skipIf(!database)("reads data entries by time range, in either order, a page at a time", async () => {
    const mine = data.forOperator("OP0000000001");
    const base = 1_700_000_000_000;
    const entries = Array.from({ length: 10 }, (_, i) => ({
      resourceType: "Device" as const,
      resourceId: "d-range",
      // Two entries share each millisecond: pages must not lose or repeat either.
      time: base + Math.floor(i / 2),
      contentType: "application/json",
      content: JSON.stringify({ i }),
    }));
    await mine.put(entries);
    const all = await mine.query("Device", "d-range", { limit: 100, order: "asc" });
    expect(all.entries.map((entry) => JSON.parse(entry.content).i).sort()).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(all.next).toBeUndefined();

    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await mine.query("Device", "d-range", {
        limit: 3,
        order: "desc",
        from: base + 1,
        to: base + 3,
        after,
      });
      seen.push(...page.entries.map((entry) => entry.content));
      after = page.next;
    } while (after);
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
    const times = seen.map((content) => base + Math.floor(JSON.parse(content).i / 2));
    expect(times).toEqual([...times].sort().reverse());

    expect(
      (await data.forOperator("OP0000000002").query("Device", "d-range", { limit: 100, order: "asc" }))
        .entries,
    ).toEqual([]);
  });

  it.skipIf(!database)(
    "retention deletes entries older than the cut-off, in batches, and keeps the rest",
    async () => {
      const mine = data.forOperator("OP0000000001");
      const old = Array.from({ length: 7 }, (_, i) => ({
        resourceType: "Device" as const,
        resourceId: "d-old",
        time: 1_000 + i,
        contentType: "application/json",
        content: "{}",
      }));
      await mine.put(old);
      await mine.put([{ ...old[0], time: Date.now() } as (typeof old)[number]]);
      expect(await data.deleteBefore(Date.now() - 60_000, 3)).toBeGreaterThanOrEqual(7);
      const left = await mine.query("Device", "d-old", { limit: 100, order: "asc" });
      expect(left.entries).toHaveLength(1);
    },
  );

  it.skipIf(!database)(
    "keeps file bytes exactly, tells created from updated, lists by prefix with '%' and '_' taken literally",
    async () => {
      const mine = files.forOperator("OP0000000001");
      const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      expect((await mine.put("/bin/all.bytes", bytes, "application/octet-stream")).eventType).toBe("created");
      expect((await mine.put("/bin/all.bytes", bytes, "application/octet-stream")).eventType).toBe("updated");
      const read = await mine.get("/bin/all.bytes");
      expect(read?.content.equals(bytes)).toBe(true);
      expect(read?.size).toBe(256);
      await mine.put("/100%_done/a", Buffer.from("a"), "text/plain");
      await mine.put("/100x_done/b", Buffer.from("b"), "text/plain");
      expect((await mine.list("/100%_done/")).map((file) => file.path)).toEqual(["/100%_done/a"]);
      expect(await files.forOperator("OP0000000002").get("/bin/all.bytes")).toBeUndefined();
      expect(await files.forOperator("OP0000000002").delete("/bin/all.bytes")).toBe(false);
      expect(await mine.delete("/bin/all.bytes")).toBe(true);
      expect(
        changes.filter((change) => change.path === "/bin/all.bytes").map((change) => change.eventType),
      ).toEqual(["created", "updated", "deleted"]);
    },
  );

  it.skipIf(!database)(
    "delivers a file event left in the outbox by a crash, starting its run once however often it runs",
    async () => {
      const operator = store.forOperator("OP0000000001");
      const app = await operator.createApp("01JFILEEVENTS0000000000000", {
        name: "uploads",
        description: "",
        tags: {},
        channels: [
          {
            channelId: "in",
            name: "",
            description: "",
            tags: {},
            eventSource: {
              type: "file",
              enabled: true,
              config: { pathPrefix: "/crash/", eventTypes: ["created", "updated", "deleted"] },
            },
          },
        ],
        actions: [],
      });
      const logger = createLogger(loadConfig({}, { logLevel: "silent" }));
      const delivering = new SqlFileStore(db, {
        maxFileBytes: 1_000,
        links: createFileLinks(Buffer.alloc(32, 7)),
        baseUrl: () => "http://conflux.test",
        onChange: createFileEvents(store, bus, 32_768, logger),
      });
      // What a process killed after the file's transaction leaves behind: the file and its outbox row.
      await db
        .insertInto("files")
        .values({
          operatorId: "OP0000000001",
          path: "/crash/a.txt",
          contentType: "text/plain",
          size: 1,
          content: Buffer.from("a"),
          createdAt: 1,
          updatedAt: 1,
        })
        .execute();
      const left: FileChange = {
        eventId: "01JFILEEVENT00000000000001",
        operatorId: "OP0000000001",
        eventType: "created",
        path: "/crash/a.txt",
        contentType: "text/plain",
        hop: 3,
      };
      await db
        .insertInto("fileEvents")
        .values({ ...left, createdAt: 1 })
        .execute();
      expect(await delivering.redeliverPending(0)).toBe(1);
      expect(await delivering.redeliverPending(0)).toBe(0);
      // Another process that delivered it too (its outbox read raced ours) starts no second run.
      const raise = createFileEvents(store, bus, 32_768, logger);
      await raise(left);
      const runs = await operator.listExecutions(app.appId, { limit: 10 });
      expect(runs).toHaveLength(1);
      const run = await operator.getExecution(app.appId, runs[0]?.executionId as string);
      // The hop an action's write was at survives the crash, so a loop through files still ends.
      expect(run?.messages[0]?.hop).toBe(3);
      expect(run?.messages[0]?.payload).toMatchObject({
        eventType: "created",
        path: "/crash/a.txt",
        presignedUrls: {
          get: expect.stringContaining(
            "http://conflux.test/v1/signed/files/OP0000000001/crash/a.txt?expires=",
          ),
        },
      });
      // An event further from its upload than the hop limit (an app writing the files that start it) starts nothing.
      await raise({ ...left, eventId: "01JFILEEVENT00000000000002", path: "/crash/b.txt", hop: maxHops + 1 });
      expect(await operator.listExecutions(app.appId, { limit: 10 })).toHaveLength(1);
      // A change made normally clears its own outbox row.
      await delivering.forOperator("OP0000000001").delete("/crash/a.txt");
      expect(await db.selectFrom("fileEvents").selectAll().execute()).toEqual([]);
    },
  );
});

/** A trigger that makes every delete of data entries fail (on), or its removal (off). */
async function refuseDataDeletes(db: Kysely<Database>, kind: "sqlite" | "postgres", on: boolean) {
  if (kind === "sqlite") {
    await sql`drop trigger if exists refuse_data_deletes`.execute(db);
    if (on)
      await sql`create trigger refuse_data_deletes before delete on data_entries
        begin select raise(abort, 'data entries are kept'); end`.execute(db);
    return;
  }
  await sql`drop trigger if exists refuse_data_deletes on data_entries`.execute(db);
  if (!on) return;
  await sql`create or replace function refuse_data_deletes() returns trigger language plpgsql as
    $$ begin raise exception 'data entries are kept'; end $$`.execute(db);
  await sql`create trigger refuse_data_deletes before delete on data_entries
    for each row execute function refuse_data_deletes()`.execute(db);
}
