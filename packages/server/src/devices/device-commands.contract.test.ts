import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWithOperators, useContractDatabases } from "../../test/databases.ts";
import { UserError } from "../errors.ts";
import type { Database } from "../store/schema.ts";
import type { SqlStore } from "../store/sql-store.ts";
import { CommandOutbox, finishedCommandRetentionMs } from "./device-commands.ts";
import { DeviceRegistry } from "./device-registry.ts";

// The command outbox runs the same statements on both databases: one suite, both engines.
const { databases, sqliteDir } = await useContractDatabases("device-commands");

describe.each(databases)("the command outbox on %s", (_name, database) => {
  let store: SqlStore;
  let db: Kysely<Database>;
  let outbox: CommandOutbox;
  let registry: DeviceRegistry;
  const limits = { defaultTtlSeconds: 60, maxPendingPerDevice: 3 };

  beforeAll(async () => {
    if (!database) return;
    const opened = await openWithOperators(database, sqliteDir);
    db = opened.db;
    store = opened.store;
    outbox = new CommandOutbox(opened.db, opened.kind, limits);
    registry = new DeviceRegistry(opened.db, 0);
  });
  afterAll(async () => store?.close());

  const newDevice = async (operatorId = "OP0000000001") =>
    (await registry.forOperator(operatorId).createDevice({ name: "", groupId: null, tags: {} }, "x"))
      .deviceId;

  it.skipIf(!database)("keeps a device's commands pending in order until each is acknowledged", async () => {
    const deviceId = await newDevice();
    const mine = outbox.forOperator("OP0000000001");
    const now = 1_000_000;
    const first = await mine.enqueue(deviceId, "one", { now });
    const second = await mine.enqueue(deviceId, "two", { now });
    expect(first).toMatchObject({
      created: true,
      command: {
        deviceId,
        topic: `devices/${deviceId}/commands`,
        payload: "one",
        status: "pending",
        createdAt: now,
        expiresAt: now + 60_000,
        deliveredAt: null,
      },
    });
    expect(await outbox.pendingFor(deviceId, now)).toEqual([
      { commandId: first.command.commandId, payload: "one" },
      { commandId: second.command.commandId, payload: "two" },
    ]);
    const idle = await newDevice();
    expect(await outbox.withPending([idle, deviceId, "d-unknown"], now)).toEqual([deviceId]);
    await outbox.markDelivered(first.command.commandId, now + 5);
    expect(await mine.get(deviceId, first.command.commandId, now + 5)).toMatchObject({
      status: "delivered",
      deliveredAt: now + 5,
    });
    expect((await outbox.pendingFor(deviceId, now)).map((command) => command.payload)).toEqual(["two"]);
    // Newest first.
    expect((await mine.list(deviceId, {}, now)).map((command) => command.payload)).toEqual(["two", "one"]);
    expect(
      (await mine.list(deviceId, { before: second.command.commandId }, now)).map(
        (command) => command.payload,
      ),
    ).toEqual(["one"]);
  });

  it.skipIf(!database)("lets no other operator send to, read or list a device's commands", async () => {
    const deviceId = await newDevice("OP0000000001");
    const { command } = await outbox.forOperator("OP0000000001").enqueue(deviceId, "open");
    const other = outbox.forOperator("OP0000000002");
    await expect(other.enqueue(deviceId, "open")).rejects.toMatchObject({ code: "not_found" });
    expect(await other.get(deviceId, command.commandId)).toBeUndefined();
    expect(await other.list(deviceId)).toEqual([]);
    await expect(other.find(deviceId, undefined)).rejects.toMatchObject({ code: "not_found" });
    expect((await outbox.pendingFor(deviceId)).map((pending) => pending.payload)).toEqual(["open"]);
  });

  it.skipIf(!database)(
    "refuses a command beyond the pending limit; expired and delivered ones do not count",
    async () => {
      const deviceId = await newDevice();
      const mine = outbox.forOperator("OP0000000001");
      const now = 2_000_000;
      const short = await mine.enqueue(deviceId, "a", { now, ttlSeconds: 1 });
      await mine.enqueue(deviceId, "b", { now });
      await mine.enqueue(deviceId, "c", { now });
      const refused = mine.enqueue(deviceId, "d", { now });
      await expect(refused).rejects.toBeInstanceOf(UserError);
      await expect(refused).rejects.toMatchObject({ code: "rate_limited" });
      // Once the first expired there is room for one more.
      expect((await mine.enqueue(deviceId, "d", { now: now + 1_000 })).created).toBe(true);
      await expect(mine.enqueue(deviceId, "e", { now: now + 1_000 })).rejects.toMatchObject({
        code: "rate_limited",
      });
      expect(await mine.get(deviceId, short.command.commandId, now + 1_000)).toMatchObject({
        status: "expired",
      });
      // A command recorded as published to an external broker is not waiting here.
      expect(
        (await mine.enqueue(deviceId, "f", { now: now + 1_000, published: true })).command,
      ).toMatchObject({
        status: "published",
        deliveredAt: now + 1_000,
      });
    },
  );

  it.skipIf(!database)("holds the pending limit under concurrent senders", async () => {
    const deviceId = await newDevice();
    const mine = outbox.forOperator("OP0000000001");
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, index) => mine.enqueue(deviceId, `n${index}`)),
    );
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(3);
    expect(await outbox.pendingFor(deviceId)).toHaveLength(3);
  });

  it.skipIf(!database)(
    "returns the first command for a repeated idempotency key, once per device",
    async () => {
      const deviceId = await newDevice();
      const otherDevice = await newDevice();
      const mine = outbox.forOperator("OP0000000001");
      const first = await mine.enqueue(deviceId, "on", { idempotencyKey: "job-1:cool" });
      const again = await mine.enqueue(deviceId, "on", { idempotencyKey: "job-1:cool" });
      expect(again).toEqual({ created: false, command: first.command });
      expect(await mine.find(deviceId, "job-1:cool")).toEqual(first.command);
      expect(await mine.find(deviceId, "job-2:cool")).toBeUndefined();
      expect((await mine.enqueue(otherDevice, "on", { idempotencyKey: "job-1:cool" })).created).toBe(true);
      expect(await outbox.pendingFor(deviceId)).toHaveLength(1);
    },
  );

  it.skipIf(!database)(
    "writes expired on pending commands past their time and deletes finished ones after retention",
    async () => {
      const deviceId = await newDevice();
      const mine = outbox.forOperator("OP0000000001");
      const now = 3_000_000;
      const late = await mine.enqueue(deviceId, "late", { now, ttlSeconds: 10 });
      const taken = await mine.enqueue(deviceId, "taken", { now, ttlSeconds: 10 });
      await outbox.markDelivered(taken.command.commandId, now + 1);
      expect(await outbox.pendingFor(deviceId, now + 10_000)).toEqual([]);
      expect((await outbox.sweep(now + 10_000)).expired).toBeGreaterThanOrEqual(1);
      const row = await db
        .selectFrom("deviceCommands")
        .select("status")
        .where("commandId", "=", late.command.commandId)
        .executeTakeFirstOrThrow();
      expect(row.status).toBe("expired");
      // A device that acknowledges a command the sweep just expired did get it.
      await outbox.markDelivered(late.command.commandId, now + 10_001);
      expect(await mine.get(deviceId, late.command.commandId)).toMatchObject({ status: "delivered" });
      await outbox.sweep(now + 10_000 + finishedCommandRetentionMs);
      expect(await mine.list(deviceId)).toEqual([]);
    },
  );

  it.skipIf(!database)("deletes a device's commands with the device", async () => {
    const deviceId = await newDevice();
    const mine = outbox.forOperator("OP0000000001");
    await mine.enqueue(deviceId, "bye");
    expect(await registry.forOperator("OP0000000001").deleteDevice(deviceId, async () => {})).toBe(true);
    expect(await outbox.pendingFor(deviceId)).toEqual([]);
    const left = await db
      .selectFrom("deviceCommands")
      .select("commandId")
      .where("deviceId", "=", deviceId)
      .execute();
    expect(left).toEqual([]);
  });
});
