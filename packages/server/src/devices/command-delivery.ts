import pg from "pg";
import type { Logger } from "pino";
import type { ServerConfig } from "../config/config.ts";
import { UserError } from "../errors.ts";
import { type CommandOutbox, commandChannel, type DeviceCommand } from "./device-commands.ts";
import type { DevicesConfig } from "./device-config.ts";
import type { MqttCommandDelivery } from "./mqtt-command-delivery.ts";
import type { DeviceCommands } from "./mqtt-topics.ts";

/** What senders (the API, the device-command action) may do with one operator's commands. */
export interface OperatorDeviceCommands {
  send(
    deviceId: string,
    payload: string,
    options?: { ttlSeconds?: number; idempotencyKey?: string },
  ): Promise<DeviceCommand>;
  get(deviceId: string, commandId: string): Promise<DeviceCommand | undefined>;
  list(deviceId: string, options?: { limit?: number; before?: string }): Promise<DeviceCommand[]>;
}

type Transport =
  | { kind: "off" }
  /** Turned on but not started yet: the server starts its device listeners after its workers and API. */
  | { kind: "starting"; mqtt: "embedded" | "external" }
  /** Our own broker: commands wait in the outbox for the instance their device is connected to. */
  | { kind: "embedded"; broker: MqttCommandDelivery }
  /** A shared broker reaches every device: publish at once, record it. */
  | { kind: "external"; commands: DeviceCommands };

/** Written `expired` and pruned this often; reads show an expired command as such in between. */
const sweepMs = 60_000;

/**
 * Takes commands from senders into the outbox and, with the embedded broker, delivers the pending ones of
 * the devices connected to this instance: at once when this instance accepted the command or its device
 * subscribes, on a PostgreSQL NOTIFY when another instance accepted it, and on a short poll as the
 * safety net (a lost notification, a device that did not acknowledge in time). Delivery is at least
 * once: a command is marked delivered on the device's PUBACK, so one whose PUBACK was lost goes again.
 */
export class CommandDelivery {
  private transport: Transport;
  /** Devices being delivered to in this process; `again` asks for one more pass after the current one. */
  private readonly delivering = new Map<string, { again: boolean; done: Promise<void> }>();
  private listener: pg.Client | undefined;
  private listening: Promise<void> | undefined;
  private timers: NodeJS.Timeout[] = [];
  /** Polls and sweeps under way: stop waits for them, so none queries a database being closed. */
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly outbox: CommandOutbox,
    private readonly options: {
      database: ServerConfig["database"];
      mqtt: DevicesConfig["mqtt"];
      maxPayloadBytes: number;
      pollMs: number;
      logger: Logger;
    },
  ) {
    this.transport = options.mqtt === "off" ? { kind: "off" } : { kind: "starting", mqtt: options.mqtt };
  }

  forOperator(operatorId: string): OperatorDeviceCommands {
    const commands = this.outbox.forOperator(operatorId);
    return {
      send: async (deviceId, payload, options = {}) => {
        const bytes = Buffer.byteLength(payload);
        // One limit for every way a command is sent (API, action), whichever MQTT side carries it.
        if (bytes > this.options.maxPayloadBytes)
          throw new UserError(
            "payload_too_large",
            `the command is ${bytes} bytes; the limit is ${this.options.maxPayloadBytes}`,
          );
        const transport = this.transport;
        if (transport.kind === "off")
          throw new UserError("conflict", "MQTT is turned off on this server: commands cannot reach devices");
        if (transport.kind === "starting" && transport.mqtt === "external")
          throw new UserError(
            "conflict",
            "the server is still connecting to its MQTT broker: send the command again in a moment",
          );
        if (transport.kind === "external") {
          // The broker keeps it for the device's session; we cannot see the device's PUBACK. Recorded once
          // the broker has it, so no record claims a publish that did not happen.
          const earlier = await commands.find(deviceId, options.idempotencyKey);
          if (earlier) return earlier;
          await transport.commands.send(deviceId, Buffer.from(payload));
          return (await commands.enqueue(deviceId, payload, { ...options, published: true })).command;
        }
        // Before the embedded broker is up the command waits like any other: no device is connected yet, and
        // one that connects subscribes, which delivers it.
        const { command, created } = await commands.enqueue(deviceId, payload, options);
        if (created) this.wake(deviceId);
        return command;
      },
      get: (deviceId, commandId) => commands.get(deviceId, commandId),
      list: (deviceId, options) => commands.list(deviceId, options),
    };
  }

  /** Commands go to the devices connected to this instance's broker. */
  async startEmbedded(broker: MqttCommandDelivery): Promise<void> {
    this.transport = { kind: "embedded", broker };
    if (this.options.database.kind === "postgres") await this.listen();
    this.timers.push(setInterval(() => this.track(this.poll()), this.options.pollMs));
    this.startSweep();
  }

  /** Commands are published to the external broker, which reaches devices connected anywhere. */
  startExternal(commands: DeviceCommands): void {
    this.transport = { kind: "external", commands };
    this.startSweep();
  }

  /** A device may have new commands: deliver them if it is connected here. */
  wake(deviceId: string): void {
    const transport = this.transport;
    if (this.stopped || transport.kind !== "embedded" || !transport.broker.has(deviceId)) return;
    const running = this.delivering.get(deviceId);
    if (running) {
      running.again = true;
      return;
    }
    const entry = { again: true, done: Promise.resolve() };
    this.delivering.set(deviceId, entry);
    entry.done = (async () => {
      try {
        while (entry.again && !this.stopped) {
          entry.again = false;
          await this.deliverPending(transport.broker, deviceId, entry);
        }
      } catch (error) {
        this.options.logger.warn(
          { err: error, deviceId },
          "commands not delivered; the next poll tries again",
        );
      } finally {
        this.delivering.delete(deviceId);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await Promise.all([...this.running, ...[...this.delivering.values()].map((entry) => entry.done)]);
    await this.listening?.catch(() => {});
    await this.listener?.end().catch(() => {});
    this.listener = undefined;
  }

  /** In order; stops at the first the device does not acknowledge, so it is tried again first. */
  private async deliverPending(broker: MqttCommandDelivery, deviceId: string, entry: { again: boolean }) {
    const pending = await this.outbox.pendingFor(deviceId);
    for (const command of pending) {
      if (this.stopped || !(await broker.deliver(deviceId, Buffer.from(command.payload)))) return;
      await this.outbox.markDelivered(command.commandId);
    }
    if (pending.length > 0) entry.again = true;
  }

  private async poll(): Promise<void> {
    const transport = this.transport;
    if (this.stopped || transport.kind !== "embedded") return;
    try {
      if (this.options.database.kind === "postgres" && !this.listener) await this.listen();
      const here = transport.broker.subscribedDevices();
      if (here.length === 0) return;
      for (const deviceId of await this.outbox.withPending(here)) this.wake(deviceId);
    } catch (error) {
      this.options.logger.warn({ err: error }, "command poll failed");
    }
  }

  /** A dedicated connection (a pooled one would lose the LISTEN when returned) hears new commands. */
  private listen(): Promise<void> {
    if (this.options.database.kind !== "postgres" || this.listening)
      return this.listening ?? Promise.resolve();
    const client = new pg.Client({ connectionString: this.options.database.url });
    client.on("notification", (message) => {
      if (message.payload) this.wake(message.payload);
    });
    // The poll reconnects; until then it is the only wake-up from other instances.
    const lost = () => {
      if (this.listener === client) this.listener = undefined;
    };
    client.on("error", (error) => {
      this.options.logger.warn({ err: error }, "command notifications lost; reconnecting");
      lost();
      void client.end().catch(() => {});
    });
    client.on("end", lost);
    this.listening = (async () => {
      try {
        await client.connect();
        await client.query(`listen ${commandChannel}`);
        if (this.stopped) await client.end();
        else this.listener = client;
      } catch (error) {
        this.options.logger.warn({ err: error }, "cannot listen for commands; polling only until it can");
        await client.end().catch(() => {});
      } finally {
        this.listening = undefined;
      }
    })();
    return this.listening;
  }

  private startSweep(): void {
    const sweep = () =>
      this.track(
        this.outbox
          .sweep()
          .then(() => {})
          .catch((error: unknown) => this.options.logger.warn({ err: error }, "command sweep failed")),
      );
    sweep();
    this.timers.push(setInterval(sweep, sweepMs));
  }

  private track(work: Promise<void>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }
}
