import { randomBytes } from "node:crypto";
import type { Kysely, Selectable, Transaction } from "kysely";
import { ulid } from "ulid";
import { z } from "zod";
import type { Database, DeviceGroupsTable, DevicesTable } from "../store/schema.ts";
import { BinaryParserError, compileBinaryParser } from "./binary-parser.ts";

/** Devices and device groups per operator; the one lookup across operators is `findForIngest`. */

const binaryParserFormat = z
  .string()
  .max(2_048)
  .superRefine((format, ctx) => {
    try {
      compileBinaryParser(format);
    } catch (error) {
      if (!(error instanceof BinaryParserError)) throw error;
      ctx.addIssue({ code: "custom", message: `binary parser: ${error.message}` });
    }
  });

/**
 * A group's configuration as stored: it was checked when written, so reading it (ingest does, for every
 * device every second) does not compile its binary parser again just to validate it.
 */
const storedGroupConfigSchema = z.object({
  /** The one app channel whose `device` event source receives this group's messages. */
  binding: z
    .object({ appId: z.string().min(1).max(64), channelId: z.string().min(1).max(64) })
    .nullable()
    .default(null),
  /** Keep every message of the group's devices in the data store. */
  keepData: z.boolean().default(false),
  /** Decodes binary payloads to JSON (docs/devices.md); without it, payloads must be JSON. */
  binaryParser: z.string().nullable().default(null),
});

/** A group's configuration as the API takes it: the binary parser must compile. */
export const groupConfigSchema = storedGroupConfigSchema.extend({
  binaryParser: binaryParserFormat.nullable().default(null),
});
export type GroupConfig = z.infer<typeof groupConfigSchema>;

export const tagsSchema = z.record(z.string().max(128), z.string().max(1_024)).default({});

export interface DeviceGroup {
  groupId: string;
  name: string;
  tags: Record<string, string>;
  config: GroupConfig;
  createdAt: number;
  updatedAt: number;
}

export interface Device {
  deviceId: string;
  name: string;
  groupId: string | null;
  tags: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  /** The last accepted message's time (up to a second behind); null before the first. */
  lastSeenAt: number | null;
  /** Messages accepted from the device (retries of a stored message not counted). */
  messageCount: number;
}

/** What ingest needs to know about a device, whoever owns it. */
export interface IngestDevice {
  deviceId: string;
  operatorId: string;
  secretHash: string;
  group: { groupId: string; config: GroupConfig } | null;
}

export function newDeviceSecret(): string {
  return randomBytes(24).toString("base64url");
}

function toGroup(row: Selectable<DeviceGroupsTable>): DeviceGroup {
  return {
    groupId: row.groupId,
    name: row.name,
    tags: JSON.parse(row.tags) as Record<string, string>,
    config: storedGroupConfigSchema.parse(JSON.parse(row.config)),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const deviceColumns = [
  "deviceId",
  "name",
  "groupId",
  "tags",
  "createdAt",
  "updatedAt",
  "lastSeenAt",
  "messageCount",
] as const;

function toDevice(row: Pick<Selectable<DevicesTable>, (typeof deviceColumns)[number]>): Device {
  return { ...row, tags: JSON.parse(row.tags) as Record<string, string> };
}

export class OperatorDevices {
  constructor(
    private readonly db: Kysely<Database>,
    readonly operatorId: string,
    private readonly changed: (deviceIds?: string[]) => void,
    private readonly lookUp: (deviceId: string) => Promise<IngestDevice | null>,
  ) {}

  /** Whether the device is this operator's; cached like ingest's lookups (actions check it per run). */
  async owns(deviceId: string): Promise<boolean> {
    return (await this.lookUp(deviceId))?.operatorId === this.operatorId;
  }

  async listGroups(): Promise<DeviceGroup[]> {
    const rows = await this.db
      .selectFrom("deviceGroups")
      .selectAll()
      .where("operatorId", "=", this.operatorId)
      .orderBy("groupId")
      .execute();
    return rows.map(toGroup);
  }

  async getGroup(groupId: string): Promise<DeviceGroup | undefined> {
    const row = await this.db
      .selectFrom("deviceGroups")
      .selectAll()
      .where("operatorId", "=", this.operatorId)
      .where("groupId", "=", groupId)
      .executeTakeFirst();
    return row && toGroup(row);
  }

  async createGroup(input: {
    name: string;
    tags: Record<string, string>;
    config: GroupConfig;
  }): Promise<DeviceGroup> {
    const now = Date.now();
    const group: DeviceGroup = {
      groupId: `g-${ulid().toLowerCase()}`,
      ...input,
      createdAt: now,
      updatedAt: now,
    };
    await this.db
      .insertInto("deviceGroups")
      .values({
        ...group,
        operatorId: this.operatorId,
        tags: JSON.stringify(group.tags),
        config: JSON.stringify(group.config),
      })
      .execute();
    return group;
  }

  async updateGroup(
    groupId: string,
    input: { name: string; tags: Record<string, string>; config: GroupConfig },
  ): Promise<DeviceGroup | undefined> {
    const row = await this.db
      .updateTable("deviceGroups")
      .set({
        name: input.name,
        tags: JSON.stringify(input.tags),
        config: JSON.stringify(input.config),
        updatedAt: Date.now(),
      })
      .where("operatorId", "=", this.operatorId)
      .where("groupId", "=", groupId)
      .returningAll()
      .executeTakeFirst();
    this.changed();
    return row && toGroup(row);
  }

  /** Its devices stay, without a group. */
  async deleteGroup(groupId: string): Promise<boolean> {
    const deleted = await this.db.transaction().execute(async (trx) => {
      const result = await trx
        .deleteFrom("deviceGroups")
        .where("operatorId", "=", this.operatorId)
        .where("groupId", "=", groupId)
        .executeTakeFirst();
      await trx
        .updateTable("devices")
        .set({ groupId: null })
        .where("operatorId", "=", this.operatorId)
        .where("groupId", "=", groupId)
        .execute();
      return result.numDeletedRows > 0n;
    });
    this.changed();
    return deleted;
  }

  async listDevices(filter: { groupId?: string } = {}): Promise<Device[]> {
    let query = this.db
      .selectFrom("devices")
      .select(deviceColumns)
      .where("operatorId", "=", this.operatorId)
      .orderBy("deviceId");
    if (filter.groupId) query = query.where("groupId", "=", filter.groupId);
    return (await query.execute()).map(toDevice);
  }

  async getDevice(deviceId: string): Promise<Device | undefined> {
    const row = await this.db
      .selectFrom("devices")
      .select(deviceColumns)
      .where("operatorId", "=", this.operatorId)
      .where("deviceId", "=", deviceId)
      .executeTakeFirst();
    return row && toDevice(row);
  }

  async createDevice(
    input: { name: string; groupId: string | null; tags: Record<string, string> },
    secretHash: string,
  ): Promise<Device> {
    const now = Date.now();
    const device: Device = {
      deviceId: `d-${ulid().toLowerCase()}`,
      ...input,
      createdAt: now,
      updatedAt: now,
      lastSeenAt: null,
      messageCount: 0,
    };
    await this.db
      .insertInto("devices")
      .values({ ...device, operatorId: this.operatorId, tags: JSON.stringify(device.tags), secretHash })
      .execute();
    return device;
  }

  async updateDevice(
    deviceId: string,
    input: { name: string; groupId: string | null; tags: Record<string, string> },
  ): Promise<Device | undefined> {
    const row = await this.db
      .updateTable("devices")
      .set({
        name: input.name,
        groupId: input.groupId,
        tags: JSON.stringify(input.tags),
        updatedAt: Date.now(),
      })
      .where("operatorId", "=", this.operatorId)
      .where("deviceId", "=", deviceId)
      .returning(deviceColumns)
      .executeTakeFirst();
    this.changed([deviceId]);
    return row && toDevice(row);
  }

  async setDeviceSecret(deviceId: string, secretHash: string): Promise<boolean> {
    const result = await this.db
      .updateTable("devices")
      .set({ secretHash, updatedAt: Date.now() })
      .where("operatorId", "=", this.operatorId)
      .where("deviceId", "=", deviceId)
      .executeTakeFirst();
    this.changed([deviceId]);
    return result.numUpdatedRows > 0n;
  }

  /**
   * `alsoDelete` (the device's data entries) commits with the device's row or not at all: a crash in
   * between would leave data no device id reaches any more.
   */
  async deleteDevice(
    deviceId: string,
    alsoDelete: (trx: Transaction<Database>) => Promise<void>,
  ): Promise<boolean> {
    const deleted = await this.db.transaction().execute(async (trx) => {
      const result = await trx
        .deleteFrom("devices")
        .where("operatorId", "=", this.operatorId)
        .where("deviceId", "=", deviceId)
        .executeTakeFirst();
      if (result.numDeletedRows === 0n) return false;
      await alsoDelete(trx);
      return true;
    });
    this.changed([deviceId]);
    return deleted;
  }
}

/**
 * Ingest reads a device and its group for every message; they change rarely. Changes made through this
 * process drop the cached entry at once; another process's change is seen within `ttlMs`.
 */
export class DeviceRegistry {
  private readonly cache = new Map<string, { device: IngestDevice | null; fetchedAt: number }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly ttlMs = 1_000,
  ) {}

  forOperator(operatorId: string): OperatorDevices {
    return new OperatorDevices(
      this.db,
      operatorId,
      (deviceIds) => {
        if (!deviceIds) this.cache.clear();
        else for (const deviceId of deviceIds) this.cache.delete(deviceId);
      },
      (deviceId) => this.findForIngest(deviceId),
    );
  }

  /** Forgets every cached device: their operator's id changed under them. */
  forgetCached(): void {
    this.cache.clear();
  }

  /** A device by id across operators, for authenticating a connection; null when there is none. */
  async findForIngest(deviceId: string): Promise<IngestDevice | null> {
    const cached = this.cache.get(deviceId);
    if (cached && Date.now() - cached.fetchedAt <= this.ttlMs) return cached.device;
    const row = await this.db
      .selectFrom("devices")
      .leftJoin("deviceGroups", (join) =>
        join
          .onRef("deviceGroups.groupId", "=", "devices.groupId")
          .onRef("deviceGroups.operatorId", "=", "devices.operatorId"),
      )
      .select([
        "devices.deviceId",
        "devices.operatorId",
        "devices.secretHash",
        "deviceGroups.groupId",
        "deviceGroups.config",
      ])
      .where("devices.deviceId", "=", deviceId)
      .executeTakeFirst();
    const device: IngestDevice | null = row
      ? {
          deviceId: row.deviceId,
          operatorId: row.operatorId,
          secretHash: row.secretHash,
          group:
            row.groupId && row.config
              ? { groupId: row.groupId, config: storedGroupConfigSchema.parse(JSON.parse(row.config)) }
              : null,
        }
      : null;
    if (this.cache.size >= 100_000) this.cache.clear();
    this.cache.set(deviceId, { device, fetchedAt: Date.now() });
    return device;
  }
}
