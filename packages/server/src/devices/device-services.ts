import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Bus } from "../bus/bus.ts";
import type { Config } from "../config/config.ts";
import { startDataRetention } from "../data-store/data-retention.ts";
import { DataStore, type OperatorData } from "../data-store/data-store.ts";
import { startFileEventRedelivery } from "../files/file-event-redelivery.ts";
import { createFileEvents } from "../files/file-events.ts";
import { createFileLinks } from "../files/file-links.ts";
import { type FileStore, SqlFileStore } from "../files/file-store.ts";
import { DeviceIngest } from "../ingest/device-ingest.ts";
import { DeviceMessageKeys, startMessageKeyExpiry } from "../ingest/device-message-keys.ts";
import { startMqttBroker } from "../ingest/mqtt-broker.ts";
import { connectExternalMqtt } from "../ingest/mqtt-external.ts";
import { startSocketListeners } from "../ingest/socket-ingest.ts";
import type { DatabaseKind } from "../store/database.ts";
import type { Database } from "../store/schema.ts";
import type { Store } from "../store/store.ts";
import { CommandDelivery, type OperatorDeviceCommands } from "./command-delivery.ts";
import { CommandOutbox } from "./device-commands.ts";
import { DeviceRegistry, type OperatorDevices } from "./device-registry.ts";

/** Devices, their ingest and downlink, the data store and the file store: one per process. */
export interface DeviceServices {
  readonly registry: DeviceRegistry;
  readonly data: DataStore;
  readonly files: FileStore;
  readonly ingest: DeviceIngest;
  /** Downlink: the command outbox and its delivery (command-delivery.ts). */
  readonly commands: CommandDelivery;
  /** Where the listeners are, once started (port 0 in the config takes a free one). */
  readonly listening: { mqttPort?: number; socketPort?: number };
  /** Starts the MQTT, UDP and TCP listeners and the data retention sweep. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createDeviceServices(deps: {
  db: Kysely<Database>;
  kind: DatabaseKind;
  store: Store;
  bus: Bus;
  config: Config;
  secretKey: Buffer;
  /** The public base URL of the API, known once it listens. */
  baseUrl(): string;
  logger: Logger;
}): DeviceServices {
  const { config, logger } = deps;
  const settings = config.devices;
  const registry = new DeviceRegistry(deps.db);
  const data = new DataStore(deps.db, config.limits.maxMessageBytes);
  const files = new SqlFileStore(deps.db, {
    maxFileBytes: settings.maxFileBytes,
    links: createFileLinks(deps.secretKey),
    baseUrl: deps.baseUrl,
    onChange: createFileEvents(deps.store, deps.bus, config.limits.maxMessageBytes, logger),
  });
  const keys = new DeviceMessageKeys(deps.db);
  const ingest = new DeviceIngest({
    db: deps.db,
    registry,
    data,
    keys,
    store: deps.store,
    bus: deps.bus,
    maxPayloadBytes: settings.maxPayloadBytes,
    maxMessageBytes: config.limits.maxMessageBytes,
    maxJsonDepth: config.limits.maxJsonDepth,
  });
  const stops: Array<() => Promise<void> | void> = [];
  const commands = new CommandDelivery(
    new CommandOutbox(deps.db, deps.kind, {
      defaultTtlSeconds: settings.commandTtlSeconds,
      maxPendingPerDevice: settings.maxPendingCommands,
    }),
    {
      database: config.database,
      mqtt: settings.mqtt,
      maxPayloadBytes: settings.maxPayloadBytes,
      pollMs: settings.commandPollMs,
      logger,
    },
  );
  const listening: DeviceServices["listening"] = {};

  return {
    registry,
    data,
    files,
    ingest,
    commands,
    listening,
    async start() {
      const listenerOptions = {
        ingest,
        host: config.host,
        maxPayloadBytes: settings.maxPayloadBytes,
        logger,
      };
      if (settings.mqtt === "embedded") {
        const broker = await startMqttBroker({
          ...listenerOptions,
          port: settings.mqttPort,
          connectTimeoutMs: settings.mqttConnectTimeoutMs,
          maxKeepaliveSeconds: settings.mqttMaxKeepaliveSeconds,
          maxConnectionsPerAddress: settings.mqttMaxConnectionsPerAddress,
          onCommandSubscribe: (deviceId) => commands.wake(deviceId),
        });
        await commands.startEmbedded(broker.commands);
        listening.mqttPort = broker.port;
        // Stopped in reverse: the broker closes first, which settles deliveries waiting for a PUBACK.
        stops.push(() => commands.stop());
        stops.push(() => broker.close());
      } else if (settings.mqtt === "external") {
        if (!settings.mqttUrl) throw new Error("devices.mqtt is 'external' but devices.mqttUrl is not set");
        const external = await connectExternalMqtt({
          ingest,
          url: settings.mqttUrl,
          username: settings.mqttUsername,
          password: settings.mqttPassword,
          clientId: settings.mqttClientId,
          sessionExpirySeconds: settings.mqttSessionExpirySeconds,
          logger,
        });
        commands.startExternal(external.commands);
        stops.push(() => commands.stop());
        stops.push(() => external.close());
      }
      if (settings.socketEnabled) {
        const sockets = await startSocketListeners({
          ...listenerOptions,
          port: settings.socketPort,
          idleTimeoutMs: settings.socketIdleTimeoutMs,
          maxConnectionsPerAddress: settings.socketMaxConnectionsPerAddress,
        });
        listening.socketPort = sockets.port;
        stops.push(() => sockets.close());
      }
      stops.push(startDataRetention(data, settings.dataRetentionDays, logger));
      stops.push(startMessageKeyExpiry(keys, logger));
      stops.push(startFileEventRedelivery(files, logger));
      logger.info({ mqtt: settings.mqtt, ...listening }, "device listeners are running");
    },
    async stop() {
      for (const stop of stops.reverse()) await stop();
      stops.length = 0;
    },
  };
}

/** What actions may use of devices: one operator's registry and data, and downlink. */
export interface OperatorDeviceAccess {
  readonly registry: OperatorDevices;
  readonly data: OperatorData;
  readonly commands: OperatorDeviceCommands;
}

export function deviceAccessFor(services: DeviceServices, operatorId: string): OperatorDeviceAccess {
  return {
    registry: services.registry.forOperator(operatorId),
    data: services.data.forOperator(operatorId),
    commands: services.commands.forOperator(operatorId),
  };
}
