import { type Kysely, type Selectable, sql } from "kysely";
import { monotonicFactory } from "ulid";
import { UserError } from "../errors.ts";
import type { DatabaseKind } from "../store/database.ts";
import type { Database, DeviceCommandsTable } from "../store/schema.ts";
import { commandTopic } from "./mqtt-topics.ts";

/**
 * The command outbox: every command for a device is a row here until the device acknowledges it
 * (`delivered`) or its time runs out (`expired`). Any instance accepts commands; the instance a device is
 * connected to delivers them (command-delivery.ts), so nothing about a command lives in one process.
 * With an external broker, a command is published at once and recorded as `published`.
 */

export type CommandStatus = "pending" | "delivered" | "expired" | "published";

export interface DeviceCommand {
  commandId: string;
  deviceId: string;
  /** The MQTT topic the device receives it on. */
  topic: string;
  payload: string;
  status: CommandStatus;
  createdAt: number;
  expiresAt: number;
  /** When the device acknowledged it (PUBACK), or when the external broker took it. */
  deliveredAt: number | null;
}

export interface OutboxLimits {
  /** How long a command waits for its device when the sender gives no time. */
  defaultTtlSeconds: number;
  /** Pending commands a device may have; one more is refused. */
  maxPendingPerDevice: number;
}

/** A pending command as delivery reads it. */
export interface PendingCommand {
  commandId: string;
  payload: string;
}

/** Finished commands (delivered, expired, published) are kept this long for reading, then deleted. */
export const finishedCommandRetentionMs = 7 * 86_400_000;
/** Pending commands one delivery pass reads for a device. */
const deliveryBatch = 100;
/** Device ids one poll statement asks about (well under SQLite's 32,766 parameters). */
const pollChunk = 500;
/** Commands one list call returns. */
export const maxCommandPage = 100;

/** The channel instances LISTEN on (PostgreSQL) to learn that a device has a new command. */
export const commandChannel = "conflux_device_commands";

const nextCommandId = monotonicFactory();

type CommandRow = Selectable<DeviceCommandsTable>;

function toCommand(row: CommandRow, now: number): DeviceCommand {
  // A pending command past its expiry is expired, whether or not the sweep has written it yet.
  const status = row.status === "pending" && row.expiresAt <= now ? "expired" : (row.status as CommandStatus);
  return {
    commandId: row.commandId,
    deviceId: row.deviceId,
    topic: commandTopic(row.deviceId),
    payload: row.payload,
    status,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    deliveredAt: row.deliveredAt,
  };
}

/** One operator's commands: every statement is scoped by the operator id. */
export class OperatorCommands {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DatabaseKind,
    private readonly limits: OutboxLimits,
    readonly operatorId: string,
  ) {}

  /**
   * Puts a command in the device's outbox as `pending` (or records one an external broker took, as
   * `published`). A command sent again with the same idempotency key returns the first one. Refused
   * when the device is not the operator's, or when it already has the most pending commands allowed.
   */
  async enqueue(
    deviceId: string,
    payload: string,
    options: { ttlSeconds?: number; idempotencyKey?: string; published?: boolean; now?: number } = {},
  ): Promise<{ command: DeviceCommand; created: boolean }> {
    const now = options.now ?? Date.now();
    return this.db.transaction().execute(async (trx) => {
      // Locking the device's row serialises its senders on PostgreSQL, so the pending count below holds
      // (SQLite has one writer at a time anyway).
      await this.requireDevice(trx, deviceId, { lock: true });
      if (options.idempotencyKey) {
        const earlier = await this.sentWithKey(trx, deviceId, options.idempotencyKey);
        if (earlier) return { command: toCommand(earlier, now), created: false };
      }
      if (!options.published) {
        const { pending } = await trx
          .selectFrom("deviceCommands")
          .select((eb) => eb.fn.countAll<number>().as("pending"))
          .where("operatorId", "=", this.operatorId)
          .where("deviceId", "=", deviceId)
          .where("status", "=", "pending")
          .where("expiresAt", ">", now)
          .executeTakeFirstOrThrow();
        if (Number(pending) >= this.limits.maxPendingPerDevice)
          throw new UserError(
            "rate_limited",
            `device ${deviceId} has ${this.limits.maxPendingPerDevice} commands waiting to be delivered; send more once it has taken some or they have expired`,
          );
      }
      const row: CommandRow = {
        commandId: `c-${nextCommandId(now).toLowerCase()}`,
        operatorId: this.operatorId,
        deviceId,
        payload,
        status: options.published ? "published" : "pending",
        idempotencyKey: options.idempotencyKey ?? null,
        createdAt: now,
        expiresAt: now + (options.ttlSeconds ?? this.limits.defaultTtlSeconds) * 1_000,
        deliveredAt: options.published ? now : null,
      };
      await trx.insertInto("deviceCommands").values(row).execute();
      // Delivered to listeners on commit, so they never look before the row is there.
      if (this.kind === "postgres" && !options.published)
        await sql`select pg_notify(${commandChannel}, ${deviceId})`.execute(trx);
      return { command: toCommand(row, now), created: true };
    });
  }

  /**
   * Before a command is published to an external broker: the one sent earlier with this idempotency key,
   * if any; refused when the device is not the operator's.
   */
  async find(deviceId: string, idempotencyKey: string | undefined): Promise<DeviceCommand | undefined> {
    await this.requireDevice(this.db, deviceId);
    if (!idempotencyKey) return undefined;
    const row = await this.sentWithKey(this.db, deviceId, idempotencyKey);
    return row && toCommand(row, Date.now());
  }

  /** Refuses a device that is not the operator's; `lock` holds its row until the transaction ends (PostgreSQL). */
  private async requireDevice(db: Kysely<Database>, deviceId: string, options: { lock?: boolean } = {}) {
    let device = db
      .selectFrom("devices")
      .select("deviceId")
      .where("operatorId", "=", this.operatorId)
      .where("deviceId", "=", deviceId);
    if (options.lock && this.kind === "postgres") device = device.forUpdate();
    if (!(await device.executeTakeFirst())) throw new UserError("not_found", `no device ${deviceId}`);
  }

  private sentWithKey(db: Kysely<Database>, deviceId: string, idempotencyKey: string) {
    return db
      .selectFrom("deviceCommands")
      .selectAll()
      .where("operatorId", "=", this.operatorId)
      .where("deviceId", "=", deviceId)
      .where("idempotencyKey", "=", idempotencyKey)
      .executeTakeFirst();
  }

  async get(deviceId: string, commandId: string, now = Date.now()): Promise<DeviceCommand | undefined> {
    const row = await this.db
      .selectFrom("deviceCommands")
      .selectAll()
      .where("operatorId", "=", this.operatorId)
      .where("deviceId", "=", deviceId)
      .where("commandId", "=", commandId)
      .executeTakeFirst();
    return row && toCommand(row, now);
  }

  /** A device's commands, newest first; `before` is the last command id of the previous page. */
  async list(
    deviceId: string,
    options: { limit?: number; before?: string } = {},
    now = Date.now(),
  ): Promise<DeviceCommand[]> {
    let query = this.db
      .selectFrom("deviceCommands")
      .selectAll()
      .where("operatorId", "=", this.operatorId)
      .where("deviceId", "=", deviceId)
      .orderBy("commandId", "desc")
      // One more than the largest page: the route reads one extra row to know a next page exists.
      .limit(Math.min(options.limit ?? maxCommandPage, maxCommandPage + 1));
    if (options.before) query = query.where("commandId", "<", options.before);
    return (await query.execute()).map((row) => toCommand(row, now));
  }
}

/**
 * The outbox across operators, for delivery: a device's connection is authenticated by the broker, so
 * delivery reads by device id alone. Senders and readers go through `forOperator`.
 */
export class CommandOutbox {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DatabaseKind,
    readonly limits: OutboxLimits,
  ) {}

  forOperator(operatorId: string): OperatorCommands {
    return new OperatorCommands(this.db, this.kind, this.limits, operatorId);
  }

  /** The device's pending commands that have not expired, oldest first. */
  async pendingFor(deviceId: string, now = Date.now()): Promise<PendingCommand[]> {
    return this.db
      .selectFrom("deviceCommands")
      .select(["commandId", "payload"])
      .where("deviceId", "=", deviceId)
      .where("status", "=", "pending")
      .where("expiresAt", ">", now)
      .orderBy("commandId")
      .limit(deliveryBatch)
      .execute();
  }

  /**
   * Which of `deviceIds` (the devices connected to one instance) have a pending command that has not
   * expired: asked by device, so the cost follows the instance's devices, not every waiting command.
   */
  async withPending(deviceIds: string[], now = Date.now()): Promise<string[]> {
    const found: string[] = [];
    for (let start = 0; start < deviceIds.length; start += pollChunk) {
      const rows = await this.db
        .selectFrom("deviceCommands")
        .select("deviceId")
        .distinct()
        .where("deviceId", "in", deviceIds.slice(start, start + pollChunk))
        .where("status", "=", "pending")
        .where("expiresAt", ">", now)
        .execute();
      found.push(...rows.map((row) => row.deviceId));
    }
    return found;
  }

  /**
   * Records the device's acknowledgement. A command that expired meanwhile becomes delivered too: the
   * device did get it. Two instances delivering one command (a device connected to both) both land here.
   */
  async markDelivered(commandId: string, now = Date.now()): Promise<void> {
    await this.db
      .updateTable("deviceCommands")
      .set({ status: "delivered", deliveredAt: now })
      .where("commandId", "=", commandId)
      .where("status", "in", ["pending", "expired"])
      .execute();
  }

  /** Writes `expired` on pending commands past their time and deletes finished ones past retention. */
  async sweep(now = Date.now()): Promise<{ expired: number; deleted: number }> {
    const expired = await this.db
      .updateTable("deviceCommands")
      .set({ status: "expired" })
      .where("status", "=", "pending")
      .where("expiresAt", "<=", now)
      .executeTakeFirst();
    const deleted = await this.db
      .deleteFrom("deviceCommands")
      .where("status", "in", ["delivered", "expired", "published"])
      .where("expiresAt", "<=", now - finishedCommandRetentionMs)
      .executeTakeFirst();
    return { expired: Number(expired.numUpdatedRows), deleted: Number(deleted.numDeletedRows) };
  }
}
