import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Bus } from "../bus/bus.ts";
import type { ServerConfig } from "../config/config.ts";
import type { DevicePort, OperatorDeviceAccess } from "../runtime/ports/device-port.ts";
import type { SourceDoor } from "../runtime/source-door.ts";
import type { DatabaseKind } from "../store/database.ts";
import type { Database } from "../store/schema.ts";
import type { Store } from "../store/store.ts";
import { CommandDelivery } from "./command-delivery.ts";
import { startDataRetention } from "./data-retention.ts";
import { DataStore } from "./data-store.ts";
import { DeviceActivity, startActivityFlush } from "./device-activity.ts";
import { CommandOutbox } from "./device-commands.ts";
import type { DevicesConfig } from "./device-config.ts";
import { DeviceIngest } from "./device-ingest.ts";
import { DeviceMessageKeys, startMessageKeyExpiry } from "./device-message-keys.ts";
import { DeviceRegistry } from "./device-registry.ts";
import { startMqttBroker } from "./mqtt-broker.ts";
import { connectExternalMqtt } from "./mqtt-external.ts";
import { startSocketListeners } from "./socket-ingest.ts";

/** Devices, their ingest and downlink, and the data store: one per process. */
export interface DeviceServices extends DevicePort {
  readonly registry: DeviceRegistry;
  readonly data: DataStore;
  readonly ingest: DeviceIngest;
  /** Last seen and message counts, flushed to the devices' rows every second. */
  readonly activity: DeviceActivity;
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
  config: ServerConfig & { devices: DevicesConfig };
  logger: Logger;
  /** Refuses device messages (HTTP 429/503; MQTT: PUBACK held, then the connection closed) past the backlog's bound. */
  door?: Pick<SourceDoor, "enter">;
}): DeviceServices {
  const { config, logger } = deps;
  const settings = config.devices;
  const registry = new DeviceRegistry(deps.db);
  const data = new DataStore(deps.db, config.limits.maxMessageBytes);
  const keys = new DeviceMessageKeys(deps.db);
  const activity = new DeviceActivity(deps.db);
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
    door: deps.door,
    activity,
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

  const services: DeviceServices = {
    registry,
    data,
    ingest,
    activity,
    commands,
    listening,
    async start() {
      // Stopped last, after the listeners: its final flush counts their last messages.
      stops.push(startActivityFlush(activity, logger));
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
      logger.info({ mqtt: settings.mqtt, ...listening }, "device listeners are running");
    },
    async stop() {
      for (const stop of stops.reverse()) await stop();
      stops.length = 0;
    },
    forOperator: (operatorId) => deviceAccessFor(services, operatorId),
  };
  return services;
}

/** What actions may use of devices (the runtime's DevicePort): one operator's registry and data, and downlink. */
function deviceAccessFor(services: DeviceServices, operatorId: string): OperatorDeviceAccess {
  return {
    registry: services.registry.forOperator(operatorId),
    data: services.data.forOperator(operatorId),
    commands: services.commands.forOperator(operatorId),
  };
}
