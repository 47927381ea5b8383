import type { FastifyInstance } from "fastify";
import type { FeatureModule } from "../api/feature-module.ts";
import { deviceActivityMigration } from "./activity-migration.ts";
import type { DevicesConfig } from "./device-config.ts";
import { devicesConfigFromEnvironment, devicesConfigSchema } from "./device-config.ts";
import { deviceRoutes } from "./device-routes.ts";
import type { DeviceServices } from "./device-services.ts";
import { httpIngestRoutes } from "./http-ingest.ts";
import { deviceMessageKeysMigration } from "./message-keys-migration.ts";
import { deviceCommandsMigration, devicesMigration } from "./migration.ts";

interface DevicesDeps {
  devices: DeviceServices;
  config: { port: number; devices: DevicesConfig };
}

/**
 * Devices and groups, their messages over HTTP, MQTT, UDP and TCP, commands to them, and the data
 * store of their entries.
 */
export const devicesModule = {
  name: "devices",
  migrations: {
    "0002_devices": devicesMigration,
    "0007_device_message_keys": deviceMessageKeysMigration,
    "0012_device_commands": deviceCommandsMigration,
    "0057_device_activity": deviceActivityMigration,
  },
  config: { schema: devicesConfigSchema, fromEnvironment: devicesConfigFromEnvironment },
  async openRoutes(app: FastifyInstance, deps: DevicesDeps) {
    // Its own scope: device bodies are raw bytes, not parsed JSON.
    await app.register(async (ingest) => httpIngestRoutes(ingest, deps));
  },
  routes: deviceRoutes,
  /** The MQTT, UDP and TCP listeners and the sweeps (data retention, message keys). */
  async start({ devices }: DevicesDeps) {
    await devices.start();
    return () => devices.stop();
  },
} satisfies FeatureModule<DevicesDeps>;
