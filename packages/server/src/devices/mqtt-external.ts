import { hostname } from "node:os";
import mqtt from "mqtt";
import type { Logger } from "pino";
import { UserError } from "../errors.ts";
import { Refused } from "../runtime/admission.ts";
import type { DeviceIngest } from "./device-ingest.ts";
import { commandTopic, type DeviceCommands } from "./mqtt-topics.ts";

interface ExternalMqtt {
  commands: DeviceCommands;
  close(): Promise<void>;
}

/** Every Conflux process joins one shared subscription: the broker hands each message to one of them. */
const sharedDataSubscription = "$share/conflux/devices/+/data";

/** MQTT 5 PUBACK reason codes. */
const reason = { notAuthorized: 0x87, payloadFormatInvalid: 0x99, quotaExceeded: 0x97 } as const;

/**
 * An MQTT 5 device names a message with the user property `idempotency-key` (HTTP's header), so one it
 * publishes again after a lost PUBACK is stored once. Brokers forward user properties unchanged.
 */
function idempotencyKeyOf(packet: { properties?: { userProperties?: Record<string, string | string[]> } }) {
  const value = packet.properties?.userProperties?.["idempotency-key"];
  const key = Array.isArray(value) ? value[0] : value;
  if (key && key.length > 256)
    throw new UserError("bad_request", "idempotency-key is at most 256 characters");
  return key || undefined;
}

/**
 * Reads device messages from an external broker (Mosquitto, EMQX…) instead of the embedded one. The broker
 * authenticates devices and must let each publish to its own `devices/{id}/data` only (its ACL); the id in
 * the topic must be a registered device. Each message is acknowledged after it is durable; a message we
 * refuse is acknowledged with a reason code (the broker drops it; a refusal at the source door, such as
 * bandwidth control, is 0x97 quota exceeded); one we failed to store is not
 * acknowledged: the connection drops and the broker sends it again to the persistent session.
 */
export async function connectExternalMqtt(options: {
  ingest: DeviceIngest;
  url: string;
  username?: string;
  password?: string;
  /** Stable across restarts, so the broker keeps the session's unacknowledged messages. */
  clientId?: string;
  sessionExpirySeconds: number;
  logger: Logger;
}): Promise<ExternalMqtt> {
  const { ingest, logger } = options;
  const client = mqtt.connect(options.url, {
    protocolVersion: 5,
    clientId: options.clientId ?? `conflux-${hostname()}`,
    clean: false,
    properties: { sessionExpiryInterval: options.sessionExpirySeconds },
    reconnectPeriod: 1_000,
    ...(options.username ? { username: options.username, password: options.password } : {}),
    customHandleAcks(topic, message, packet, done) {
      const deviceId = /^devices\/([^/]+)\/data$/.exec(topic)?.[1];
      if (!deviceId) return done(0, reason.notAuthorized);
      ingest
        .current(deviceId)
        .then((device) =>
          ingest.accept(
            device,
            message,
            { protocol: "mqtt", topic, qos: packet.qos ?? 0 },
            idempotencyKeyOf(packet),
          ),
        )
        .then(
          () => done(0, 0),
          (error: unknown) => {
            if (!(error instanceof UserError)) {
              logger.error(
                { err: error, deviceId },
                "MQTT message not stored; the broker will send it again",
              );
              return done(error as Error);
            }
            logger.warn({ deviceId, topic, reason: error.message }, "MQTT message refused");
            done(
              0,
              error.code === "unauthorized"
                ? reason.notAuthorized
                : error.code === "payload_too_large" || error instanceof Refused
                  ? reason.quotaExceeded
                  : reason.payloadFormatInvalid,
            );
          },
        );
    },
  });
  client.on("error", (error) => logger.warn({ err: error }, "external MQTT broker error"));
  // QoS 0 messages skip customHandleAcks in mqtt.js; they arrive here. A QoS 1 message is taken above.
  client.on("message", (topic, message, packet) => {
    if (packet.qos !== 0) return;
    const deviceId = /^devices\/([^/]+)\/data$/.exec(topic)?.[1];
    if (!deviceId) return;
    ingest
      .current(deviceId)
      .then((device) =>
        ingest.accept(device, message, { protocol: "mqtt", topic, qos: 0 }, idempotencyKeyOf(packet)),
      )
      .catch((error: unknown) => logger.warn({ err: error, deviceId }, "MQTT QoS 0 message dropped"));
  });
  await new Promise<void>((resolve, reject) => {
    client.once("connect", () => resolve());
    client.once("error", reject);
  });
  await client.subscribeAsync(sharedDataSubscription, { qos: 1 });

  return {
    commands: {
      async send(deviceId, payload) {
        await client.publishAsync(commandTopic(deviceId), payload, { qos: 1 });
      },
    },
    async close() {
      await client.endAsync();
    },
  };
}
