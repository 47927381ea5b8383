import { once } from "node:events";
import { createServer, type Server } from "node:net";
import { Aedes, type AuthenticateError, type Client } from "aedes";
import type { Logger } from "pino";
import { UserError } from "../errors.ts";
import { Refused } from "../runtime/admission.ts";
import { ConnectionsPerAddress } from "./connections-per-address.ts";
import type { DeviceIngest } from "./device-ingest.ts";
import { createMqttCommandDelivery, type MqttCommandDelivery } from "./mqtt-command-delivery.ts";
import { commandTopic, dataTopic } from "./mqtt-topics.ts";

interface MqttBroker {
  port: number;
  /** Commands to the devices connected here (devices/command-delivery.ts decides which and when). */
  commands: MqttCommandDelivery;
  close(): Promise<void>;
}

/** Room for the topic, properties and headers of a publish around the largest payload we accept. */
const packetOverheadBytes = 4_096;

type PacketParser = {
  _parseLength(): boolean;
  packet: { length: number };
  emit(event: string, error: Error): void;
};

/**
 * aedes enforces no packet size: its parser buffers whatever length a header announces. The parser has
 * no option for it, so its length state is wrapped: a larger packet ends the connection before its
 * bytes are read (test: "an oversized packet…" in test/devices-mqtt.test.ts).
 */
function limitPacketSize(client: Client, maxBytes: number): void {
  const parser = (client as unknown as { _parser?: PacketParser })._parser;
  if (!parser) return;
  const parseLength = parser._parseLength.bind(parser);
  parser._parseLength = () => {
    const done = parseLength();
    if (done && parser.packet.length > maxBytes) {
      parser.emit(
        "error",
        new Error(`packet of ${parser.packet.length} bytes refused; the limit is ${maxBytes}`),
      );
      return false;
    }
    return done;
  };
}

/**
 * Names a QoS 1 publish within a kept session (clean session 0), or nothing. MQTT 3.1.1 (4.3.2, 4.4): a
 * client may not reuse a packet id before it gets the PUBACK, and on reconnecting to its session it sends
 * unacknowledged publishes again with their ids. So while a publish is being stored (no PUBACK yet), one
 * with the same client id and packet id is that message again. After the PUBACK the same id is a new
 * message, even with DUP set; a clean session starts its ids afresh, so it gets no key.
 */
function sessionPacketKey(client: Client, packet: { qos: number; messageId?: number }): string | undefined {
  if (packet.qos !== 1 || client.clean || packet.messageId === undefined) return undefined;
  return `${client.id}\n${packet.messageId}`;
}

/**
 * How long a publish refused at the source door (the backlog's bound, bandwidth control) waits for its
 * PUBACK before the connection ends.
 */
const maxHoldMs = 10_000;

/** CONNACK return codes of MQTT 3.1.1: 2 identifier rejected, 4 bad user name or password. */
function authError(message: string, returnCode: 2 | 4): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/**
 * The embedded broker. A device logs in with its id as user name and its secret as password (and a client
 * id that starts with its id), publishes to
 * `devices/{id}/data` and may subscribe to `devices/{id}/commands` only. A QoS 1 publish is acknowledged
 * only when it is durable: aedes writes PUBACK after `authorizePublish` calls back, and that is where the
 * message is accepted. A refused message (not JSON, too large, another device's topic) ends the connection
 * (aedes speaks MQTT 3.1.1, which has no reason codes); the reason is logged.
 */
export async function startMqttBroker(options: {
  ingest: DeviceIngest;
  host: string;
  port: number;
  maxPayloadBytes: number;
  logger: Logger;
  /** A connection must send CONNECT within this time. */
  connectTimeoutMs: number;
  /** The longest keep-alive a device may ask for; none (0) is refused too. */
  maxKeepaliveSeconds: number;
  maxConnectionsPerAddress: number;
  /** A device connected here subscribed to its commands: its pending ones can go now. */
  onCommandSubscribe?(deviceId: string): void;
  /** How long a command waits for the device's PUBACK before it counts as not delivered. */
  commandAckTimeoutMs?: number;
}): Promise<MqttBroker> {
  const { ingest, logger } = options;
  const devices = new WeakMap<Client, string>();
  /** QoS 1 publishes being stored, by session and packet id (sessionPacketKey): settles true once durable. */
  const storing = new Map<string, Promise<boolean>>();

  const broker = await Aedes.createBroker({
    connectTimeout: options.connectTimeoutMs,
    keepaliveLimit: options.maxKeepaliveSeconds,
    authenticate(client, username, password, done) {
      ingest
        .authenticate(username ?? "", password?.toString("utf8") ?? "")
        .then((device) => {
          // A second connection with a client id takes over the first: tying ids to the device keeps one
          // device (of any operator) from pushing another off the broker.
          if (!client.id.startsWith(device.deviceId))
            return done(
              authError(`the client id must start with the device id ${device.deviceId}`, 2),
              false,
            );
          devices.set(client, device.deviceId);
          done(null, true);
        })
        .catch((error: unknown) => {
          if (!(error instanceof UserError)) logger.error({ err: error }, "MQTT authentication failed");
          done(authError("unknown device or wrong secret", 4), false);
        });
    },
    authorizePublish(client, packet, done) {
      // Commands are written to their connection (mqtt-command-delivery.ts) and never come here. Without a
      // client, aedes asks about the will of a connection another broker held: no device to check it against.
      if (!client) return done(new Error("a publish without a device connection"));
      const deviceId = devices.get(client);
      const refuse = (reason: string) => {
        logger.warn({ deviceId, topic: packet.topic, reason }, "MQTT publish refused; connection closed");
        done(new Error(reason));
      };
      if (!deviceId || packet.topic !== dataTopic(deviceId))
        return refuse(`a device publishes to ${deviceId ? dataTopic(deviceId) : "its own data topic"} only`);
      const key = sessionPacketKey(client, packet);
      // Refused at the door (past the backlog's bound, over the device's or operator's bandwidth), the PUBACK
      // is held and the message tried again when the refusal says (a device sends no more than its window
      // meanwhile); MQTT 3.1.1 has no reason code to refuse with. Still refused after the longest hold, the
      // connection ends; the device sends the message again, so nothing it was not told about is lost.
      const store = (heldMs = 0) => {
        const stored = ingest.current(deviceId).then((device) =>
          ingest.accept(device, packet.payload as Buffer, {
            protocol: "mqtt",
            topic: packet.topic,
            qos: packet.qos,
          }),
        );
        if (key) {
          const settled = stored.then(
            () => true,
            () => false,
          );
          storing.set(key, settled);
          void settled.then(() => {
            if (storing.get(key) === settled) storing.delete(key);
          });
        }
        stored.then(
          () => done(null),
          (error: unknown) => {
            if (error instanceof Refused && heldMs < maxHoldMs) {
              const waitMs = Math.min(error.retryAfterSeconds * 1_000, maxHoldMs - heldMs);
              setTimeout(() => store(heldMs + waitMs), waitMs);
              return;
            }
            if (error instanceof UserError) return refuse(error.message);
            logger.error({ err: error, deviceId }, "MQTT message not stored");
            done(new Error("the message could not be stored"));
          },
        );
      };
      const earlier = key ? storing.get(key) : undefined;
      if (!earlier) return store();
      // The same message sent again on a new connection before we answered the first: answer it with the
      // first's outcome instead of storing it twice.
      void earlier.then((stored) => (stored ? done(null) : store()));
    },
    authorizeSubscribe(client, subscription, done) {
      const deviceId = devices.get(client);
      // A null subscription is a refusal in the SUBACK (0x80); the connection stays.
      done(null, deviceId && subscription.topic === commandTopic(deviceId) ? subscription : null);
    },
  });

  const commands = createMqttCommandDelivery({
    broker,
    deviceOf: (client) => devices.get(client),
    onSubscribed: (deviceId) => options.onCommandSubscribe?.(deviceId),
    ackTimeoutMs: options.commandAckTimeoutMs ?? 10_000,
  });

  const perAddress = new ConnectionsPerAddress(options.maxConnectionsPerAddress);
  const server: Server = createServer((socket) => {
    if (!perAddress.admit(socket)) return;
    const client = broker.handle(socket) as unknown as Client;
    limitPacketSize(client, options.maxPayloadBytes + packetOverheadBytes);
  });
  server.listen(options.port, options.host);
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;

  return {
    port,
    commands,
    async close() {
      // Stop taking connections, then close the ones there are (aedes closes its clients).
      const closed = new Promise((resolve) => server.close(resolve));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await closed;
    },
  };
}
