import { timingSafeEqual } from "node:crypto";
import { describeJsonDepthLimit, type JsonValue, jsonTextNestsDeeperThan } from "@conflux/core";
import type { Kysely, Transaction } from "kysely";
import { hashSecret } from "../auth/tokens.ts";
import type { Bus } from "../bus/bus.ts";
import { UserError } from "../errors.ts";
import type { SourceDoor } from "../runtime/source-door.ts";
import { startExecution } from "../runtime/start-execution.ts";
import type { Database } from "../store/schema.ts";
import { isUniqueViolation } from "../store/sql-store.ts";
import type { Store } from "../store/store.ts";
import { type BinaryParser, BinaryParserError, compileBinaryParser } from "./binary-parser.ts";
import type { DataStore } from "./data-store.ts";
import type { DeviceActivity } from "./device-activity.ts";
import type { DeviceMessageKeys, FirstAnswer } from "./device-message-keys.ts";
import type { DeviceRegistry, IngestDevice } from "./device-registry.ts";

/** How a message arrived: the `request` of the `device` event source's context (shared/spec/apps.md). */
type DeviceRequest =
  | {
      protocol: "http";
      httpPath: string;
      httpHeaders: Record<string, string>;
      httpMethod: string;
      port: number;
    }
  | { protocol: "mqtt"; topic: string; qos: number }
  | { protocol: "udp" | "tcp"; port: number };

interface AcceptedMessage extends FirstAnswer {
  /** A retry of a message already accepted with the same idempotency key: nothing new was stored or run. */
  duplicate: boolean;
}

/**
 * The one path of a device message, whatever the protocol: authenticate, size-limit, decode, then
 * make it durable (data store entry, execution of the bound app) before the caller acknowledges.
 */
export class DeviceIngest {
  private readonly parsers = new Map<string, BinaryParser>();

  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      registry: DeviceRegistry;
      data: DataStore;
      keys: DeviceMessageKeys;
      store: Store;
      bus: Bus;
      maxPayloadBytes: number;
      maxMessageBytes: number;
      /** Levels of arrays and objects a JSON payload may nest. */
      maxJsonDepth: number;
      /** Refuses messages that start runs (`Refused`: 429/503) before the backlog's latency passes its bound. */
      door?: Pick<SourceDoor, "enter"> | undefined;
      /** Counts accepted messages for the device list (last seen, message count). */
      activity?: Pick<DeviceActivity, "note"> | undefined;
    },
  ) {}

  /** The device, if the secret is its own; the same refusal whether the id or the secret is wrong. */
  async authenticate(deviceId: string, secret: string): Promise<IngestDevice> {
    const device = deviceId ? await this.deps.registry.findForIngest(deviceId) : null;
    const given = Buffer.from(hashSecret(secret));
    const expected = Buffer.from(device?.secretHash ?? hashSecret(""));
    if (!device || !secret || given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new UserError("unauthorized", "unknown device or wrong secret");
    return device;
  }

  /** The device as it is now (group changes apply to a connection that is already open). */
  async current(deviceId: string): Promise<IngestDevice> {
    const device = await this.deps.registry.findForIngest(deviceId);
    if (!device) throw new UserError("unauthorized", `device ${deviceId} no longer exists`);
    return device;
  }

  /**
   * Nothing is stored when this throws; once it resolves, the message is durable: its data entry, its
   * execution and its idempotency key commit in one transaction. A key the device used before returns the
   * first answer, marked duplicate.
   */
  async accept(
    device: IngestDevice,
    raw: Buffer,
    request: DeviceRequest,
    idempotencyKey?: string,
  ): Promise<AcceptedMessage> {
    const { maxPayloadBytes } = this.deps;
    if (raw.length > maxPayloadBytes)
      throw new UserError(
        "payload_too_large",
        `the payload is ${raw.length} bytes; the limit is ${maxPayloadBytes}`,
      );
    const payload = this.decode(device, raw);
    const content = JSON.stringify(payload);
    const size = Buffer.byteLength(content);
    if (size > this.deps.maxMessageBytes)
      throw new UserError(
        "payload_too_large",
        `the decoded message is ${size} bytes; the limit is ${this.deps.maxMessageBytes}`,
      );
    const group = device.group;
    const binding = group?.config.binding;
    const app = binding && (await this.deps.store.forOperator(device.operatorId).getApp(binding.appId));
    const source = app?.channels.find((channel) => channel.channelId === binding?.channelId)?.eventSource;
    const time = Date.now();
    const entry = group?.config.keepData
      ? {
          resourceType: "Device" as const,
          resourceId: device.deviceId,
          time,
          contentType: "application/json",
          content,
        }
      : undefined;
    const stored = entry !== undefined;
    const write = async (trx: Transaction<Database>, executionId?: string) => {
      if (entry) await this.deps.data.forOperator(device.operatorId, trx).put([entry]);
      if (idempotencyKey)
        await this.deps.keys.record(
          trx,
          { deviceId: device.deviceId, operatorId: device.operatorId, idempotencyKey },
          { stored, executionId },
        );
    };
    // A disabled (or since removed) device source publishes nothing.
    const startsRun = Boolean(group && binding && app && source?.type === "device" && source.enabled);
    await this.deps.door?.enter({
      operatorId: device.operatorId,
      source: "device",
      bytes: raw.length,
      deviceId: device.deviceId,
      startsRun,
    });
    try {
      if (startsRun && group && binding && app) {
        const { executionId } = await startExecution(
          this.deps.bus,
          {
            operatorId: device.operatorId,
            app,
            channelId: binding.channelId,
            payload,
            payloadText: content,
            context: {
              eventType: "device",
              request,
              resource: { resourceId: device.deviceId, resourceType: "Device", deviceId: device.deviceId },
              group: { groupId: group.groupId },
              timestamp: time,
            },
            alsoWrite: write,
          },
          this.deps.maxMessageBytes,
        );
        this.deps.activity?.note(device.deviceId, time, 1);
        return { stored, executionId, duplicate: false };
      }
      if (entry || idempotencyKey) await this.deps.db.transaction().execute((trx) => write(trx));
      this.deps.activity?.note(device.deviceId, time, 1);
      return { stored, duplicate: false };
    } catch (error) {
      // The key's row refused the transaction: the first message with it is durable, so this one is not stored.
      const first =
        idempotencyKey && isUniqueViolation(error)
          ? await this.deps.keys.find(device.deviceId, idempotencyKey)
          : undefined;
      if (first) {
        this.deps.activity?.note(device.deviceId, time, 0);
        return { ...first, duplicate: true };
      }
      throw error;
    }
  }

  private decode(device: IngestDevice, raw: Buffer): JsonValue {
    const format = device.group?.config.binaryParser;
    if (format) {
      let parse = this.parsers.get(format);
      if (!parse) {
        parse = compileBinaryParser(format);
        if (this.parsers.size >= 1_000) this.parsers.clear();
        this.parsers.set(format, parse);
      }
      try {
        return parse(raw);
      } catch (error) {
        if (error instanceof BinaryParserError)
          throw new UserError("bad_request", `binary payload: ${error.message}`);
        throw error;
      }
    }
    if (raw.length === 0) throw new UserError("bad_request", "the payload is empty; send JSON");
    const text = raw.toString("utf8");
    if (jsonTextNestsDeeperThan(text, this.deps.maxJsonDepth))
      throw new UserError("bad_request", describeJsonDepthLimit(this.deps.maxJsonDepth));
    try {
      return JSON.parse(text) as JsonValue;
    } catch (error) {
      throw new UserError(
        "bad_request",
        `the payload is not JSON (${(error as Error).message}); send JSON or give the group a binary parser`,
      );
    }
  }
}
