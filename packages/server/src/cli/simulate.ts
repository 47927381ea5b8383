import { createSocket } from "node:dgram";
import mqtt, { type MqttClient } from "mqtt";
import { decodeReply, encodeFrame, frameStatus } from "../devices/frame.ts";
import type { ApiClient } from "./client.ts";

/** `conflux simulate`: registers devices and sends plausible sensor readings, for demos and load tests. */

export type SimulatedProtocol = "mqtt" | "http" | "udp";

export interface SimulateOptions {
  devices: number;
  /** Messages a second across all devices. */
  rate: number;
  protocol: SimulatedProtocol;
  /** Stop after this many seconds; until interrupted when absent. */
  durationSeconds?: number;
  /** Put the devices in this group; otherwise a new group that keeps data. */
  groupId?: string;
  mqttUrl: string;
  udpPort: number;
  log(line: string): void;
}

interface SimulatedDevice {
  deviceId: string;
  secret: string;
  /** Each device has its own climate: a base temperature and humidity it wanders around. */
  baseTemp: number;
  baseHumidity: number;
  temp: number;
  battery: number;
  seq: number;
}

/** "10/s", "10", "600/min" → messages a second. */
export function parseRate(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(?:\/(s|sec|min|m))?$/.exec(text.trim());
  if (!match) throw new Error(`--rate '${text}' is not like 10/s or 600/min`);
  const value = Number(match[1]);
  const perSecond = match[2] === "min" || match[2] === "m" ? value / 60 : value;
  if (!(perSecond > 0)) throw new Error("--rate must be above 0");
  return perSecond;
}

/** The next reading: a random walk pulled back to the base, a daily swing, a slowly draining battery. */
export function nextReading(device: SimulatedDevice, now = Date.now()) {
  const hour = (now / 3_600_000) % 24;
  const daily = 2 * Math.sin(((hour - 9) / 24) * 2 * Math.PI);
  device.temp += (device.baseTemp + daily - device.temp) * 0.1 + (Math.random() - 0.5) * 0.4;
  device.battery = Math.max(0, device.battery - Math.random() * 0.002);
  device.seq += 1;
  const humidity = device.baseHumidity - (device.temp - device.baseTemp) * 2 + (Math.random() - 0.5) * 2;
  return {
    temp: Math.round(device.temp * 100) / 100,
    humidity: Math.round(Math.min(100, Math.max(0, humidity)) * 10) / 10,
    battery: Math.round(device.battery * 1000) / 1000,
    seq: device.seq,
  };
}

async function call(client: ApiClient, method: string, path: string, body?: unknown) {
  const response = await client.request(method, path, body === undefined ? undefined : JSON.stringify(body));
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, string>;
}

async function registerDevices(client: ApiClient, options: SimulateOptions): Promise<SimulatedDevice[]> {
  const groupId =
    options.groupId ??
    (await call(client, "POST", "/v1/device_groups", { name: "simulator", config: { keepData: true } }))
      .groupId;
  const devices: SimulatedDevice[] = [];
  for (let i = 0; i < options.devices; i++) {
    const created = await call(client, "POST", "/v1/devices", {
      name: `simulated ${i + 1}`,
      groupId,
      tags: { simulated: "1" },
    });
    const baseTemp = 18 + Math.random() * 8;
    devices.push({
      deviceId: created.deviceId as string,
      secret: created.secret as string,
      baseTemp,
      baseHumidity: 40 + Math.random() * 20,
      temp: baseTemp,
      battery: 0.8 + Math.random() * 0.2,
      seq: 0,
    });
  }
  options.log(`registered ${devices.length} devices in group ${groupId}`);
  return devices;
}

type Sender = { send(device: SimulatedDevice, body: string): Promise<void>; close(): Promise<void> };

async function mqttSender(devices: SimulatedDevice[], url: string): Promise<Sender> {
  const clients = new Map<string, MqttClient>();
  for (const device of devices)
    clients.set(
      device.deviceId,
      await mqtt.connectAsync(url, {
        clientId: device.deviceId,
        username: device.deviceId,
        password: device.secret,
      }),
    );
  return {
    async send(device, body) {
      await clients.get(device.deviceId)?.publishAsync(`devices/${device.deviceId}/data`, body, { qos: 1 });
    },
    async close() {
      await Promise.all([...clients.values()].map((client) => client.endAsync()));
    },
  };
}

function httpSender(apiUrl: string): Sender {
  return {
    async send(device, body) {
      const response = await fetch(`${apiUrl}/v1/devices/${device.deviceId}/data`, {
        method: "POST",
        headers: { authorization: `Bearer ${device.secret}`, "content-type": "application/json" },
        body,
      });
      if (response.status !== 202) throw new Error(`HTTP ${response.status} ${await response.text()}`);
    },
    async close() {},
  };
}

function udpSender(host: string, port: number): Sender {
  const socket = createSocket("udp4");
  const waiting = new Map<number, { resolve(): void; reject(error: Error): void }>();
  let sequence = 0;
  socket.on("message", (datagram) => {
    const reply = decodeReply(datagram);
    const pending = reply && waiting.get(reply.sequence);
    if (!reply || !pending) return;
    waiting.delete(reply.sequence);
    if (reply.status === frameStatus.ok) pending.resolve();
    else pending.reject(new Error(`status ${reply.status}: ${reply.message}`));
  });
  return {
    send(device, body) {
      sequence = (sequence + 1) % 65_536;
      const current = sequence;
      return new Promise<void>((resolve, reject) => {
        // UDP may lose the datagram or the reply: give up after 5 s (a device would send again).
        const timer = setTimeout(() => {
          waiting.delete(current);
          reject(new Error("no UDP reply within 5 s"));
        }, 5_000);
        waiting.set(current, {
          resolve() {
            clearTimeout(timer);
            resolve();
          },
          reject(error) {
            clearTimeout(timer);
            reject(error);
          },
        });
        socket.send(
          encodeFrame({
            sequence: current,
            deviceId: device.deviceId,
            secret: device.secret,
            payload: Buffer.from(body),
          }),
          port,
          host,
        );
      });
    },
    async close() {
      socket.close();
    },
  };
}

/** Registers the devices, then sends at the given rate until the duration ends or `signal` aborts. */
export async function simulate(client: ApiClient, options: SimulateOptions, signal?: AbortSignal) {
  const devices = await registerDevices(client, options);
  const host = new URL(client.baseUrl).hostname;
  const sender =
    options.protocol === "mqtt"
      ? await mqttSender(devices, options.mqttUrl)
      : options.protocol === "http"
        ? httpSender(client.baseUrl)
        : udpSender(host, options.udpPort);
  const counts = { sent: 0, acknowledged: 0, failed: 0 };
  let lastError = "";
  const started = Date.now();
  const endAt = options.durationSeconds ? started + options.durationSeconds * 1000 : Number.POSITIVE_INFINITY;
  const report = setInterval(() => {
    const seconds = (Date.now() - started) / 1000;
    options.log(
      `${seconds.toFixed(0)} s: ${counts.sent} sent, ${counts.acknowledged} acknowledged, ${counts.failed} failed` +
        ` (${(counts.acknowledged / seconds).toFixed(1)}/s)${lastError ? `; last error: ${lastError}` : ""}`,
    );
  }, 5_000);
  const inFlight = new Set<Promise<void>>();
  let next = 0;
  try {
    // Paced by the clock, not by answers: a slow server builds up messages in flight, as real devices would.
    while (Date.now() < endAt && !signal?.aborted) {
      const due = started + (counts.sent / options.rate) * 1000;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 1_000)));
      if (Date.now() < due) continue;
      const device = devices[next++ % devices.length] as SimulatedDevice;
      counts.sent += 1;
      const sending = sender
        .send(device, JSON.stringify(nextReading(device)))
        .then(
          () => {
            counts.acknowledged += 1;
          },
          (error: unknown) => {
            counts.failed += 1;
            lastError = error instanceof Error ? error.message : String(error);
          },
        )
        .finally(() => inFlight.delete(sending));
      inFlight.add(sending);
    }
    await Promise.all(inFlight);
  } finally {
    clearInterval(report);
    await sender.close();
  }
  options.log(`done: ${counts.sent} sent, ${counts.acknowledged} acknowledged, ${counts.failed} failed`);
  return counts;
}
