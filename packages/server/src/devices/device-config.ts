import { defaultMaxMessageBytes } from "@conflux/core";
import { z } from "zod";
import { definedEntries, type Env } from "../config/environment.ts";

/**
 * The `devices` part of the configuration: ingest listeners, payload and file limits, data retention.
 * Port 0 takes a free port (tests). 1883 is left to a broker the host may already run (Mosquitto).
 */
export const devicesConfigSchema = z.object({
  /** `embedded`: our own broker (aedes) on mqttPort; `external`: read a broker at mqttUrl; `off`. */
  mqtt: z.enum(["embedded", "external", "off"]).default("embedded"),
  mqttPort: z.coerce.number().int().min(0).max(65_535).default(1884),
  /** The external broker (MQTT 5, shared subscriptions), e.g. `mqtt://127.0.0.1:1883`. */
  mqttUrl: z.string().url().optional(),
  mqttUsername: z.string().optional(),
  mqttPassword: z.string().optional(),
  /** Stable across restarts (the broker keeps the session's unacknowledged messages); the host name by default. */
  mqttClientId: z.string().min(1).max(128).optional(),
  /** How long the external broker keeps our session (and its unacknowledged messages) while we are away. */
  mqttSessionExpirySeconds: z.coerce.number().int().min(0).max(4_294_967_295).default(86_400),
  /** UDP and TCP listen on one port number for the framed format of docs/devices.md; false turns both off. */
  socketEnabled: z.union([z.boolean(), z.enum(["0", "1"]).transform((v) => v === "1")]).default(true),
  socketPort: z.coerce.number().int().min(0).max(65_535).default(23080),
  /** A TCP connection that sends nothing for this long (a frame left half-sent, a dead device) is closed. */
  socketIdleTimeoutMs: z.coerce.number().int().min(100).default(120_000),
  /**
   * Open TCP connections from one address; more are closed at once. Devices behind one NAT (a
   * carrier's gateway) share an address: raise it for a large fleet.
   */
  socketMaxConnectionsPerAddress: z.coerce.number().int().min(1).default(256),
  /** An MQTT connection must send CONNECT within this time. */
  mqttConnectTimeoutMs: z.coerce.number().int().min(100).default(10_000),
  /**
   * The longest keep-alive a device may ask for, in seconds; 0 (none) is refused too, so a silent
   * connection is always noticed (the broker closes it after 1.5 keep-alives).
   */
  mqttMaxKeepaliveSeconds: z.coerce.number().int().min(1).max(65_535).default(3_600),
  /** Open MQTT connections from one address; more are closed at once (the NAT note of socketMaxConnectionsPerAddress applies). */
  mqttMaxConnectionsPerAddress: z.coerce.number().int().min(1).default(256),
  /** One device message, before any binary parser (the decoded JSON must also fit a channel message). */
  maxPayloadBytes: z.coerce.number().int().min(16).max(1_048_576).default(defaultMaxMessageBytes),
  /** One file in the file store. */
  maxFileBytes: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_073_741_824)
    .default(10 * 1_048_576),
  /** How long a command waits for an offline device when its sender gives no time (docs/devices.md). */
  commandTtlSeconds: z.coerce.number().int().min(1).max(604_800).default(3_600),
  /** Pending commands one device may have; a sender gets 429 beyond it. */
  maxPendingCommands: z.coerce.number().int().min(1).max(10_000).default(100),
  /** How often an instance looks for pending commands of its devices that no wake-up reached. */
  commandPollMs: z.coerce.number().int().min(10).max(60_000).default(1_000),
  /** Data store entries older than this are deleted (hourly). Plans do not exist yet: one value for all. */
  dataRetentionDays: z.coerce.number().int().min(1).max(3_650).default(40),
});
export type DevicesConfig = z.infer<typeof devicesConfigSchema>;
type DevicesConfigInput = z.input<typeof devicesConfigSchema>;

/** `CONFLUX_MQTT_*`, `CONFLUX_SOCKET_*`, …; undefined when none is set, so the file's section stays whole. */
export function devicesConfigFromEnvironment(env: Env): DevicesConfigInput | undefined {
  return definedEntries({
    mqtt: env.CONFLUX_MQTT,
    mqttPort: env.CONFLUX_MQTT_PORT,
    mqttUrl: env.CONFLUX_MQTT_URL,
    mqttUsername: env.CONFLUX_MQTT_USERNAME,
    mqttPassword: env.CONFLUX_MQTT_PASSWORD,
    mqttClientId: env.CONFLUX_MQTT_CLIENT_ID,
    socketEnabled: env.CONFLUX_SOCKET_ENABLED,
    socketPort: env.CONFLUX_SOCKET_PORT,
    socketIdleTimeoutMs: env.CONFLUX_SOCKET_IDLE_TIMEOUT_MS,
    socketMaxConnectionsPerAddress: env.CONFLUX_SOCKET_MAX_CONNECTIONS_PER_ADDRESS,
    mqttConnectTimeoutMs: env.CONFLUX_MQTT_CONNECT_TIMEOUT_MS,
    mqttMaxKeepaliveSeconds: env.CONFLUX_MQTT_MAX_KEEPALIVE_SECONDS,
    mqttMaxConnectionsPerAddress: env.CONFLUX_MQTT_MAX_CONNECTIONS_PER_ADDRESS,
    maxPayloadBytes: env.CONFLUX_DEVICE_MAX_PAYLOAD_BYTES,
    maxFileBytes: env.CONFLUX_MAX_FILE_BYTES,
    dataRetentionDays: env.CONFLUX_DATA_RETENTION_DAYS,
    commandTtlSeconds: env.CONFLUX_COMMAND_TTL_SECONDS,
    maxPendingCommands: env.CONFLUX_MAX_PENDING_COMMANDS,
    commandPollMs: env.CONFLUX_COMMAND_POLL_MS,
  }) as DevicesConfigInput | undefined;
}
