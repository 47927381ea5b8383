/**
 * Device ingest next to the bare transport, in alternating short rounds on one machine:
 *   - MQTT QoS 1: publishes acknowledged per second by Conflux's broker, each message going through the
 *     `device` source to a `data-store` action, next to a bare aedes broker with no Conflux behind it;
 *     the Conflux figure also says how fast the data-store actions finished (pipeline throughput).
 *   - HTTP: `POST /v1/devices/{id}/data` (202 when durable) next to a bare Fastify handler that parses
 *     the JSON and answers 202.
 * Medians of the rounds and their ratios are printed.
 *
 *   npm run devices -w @conflux/bench     # BENCH_SECONDS=5 BENCH_ROUNDS=3 BENCH_DEVICES=10 BENCH_WINDOW=16
 */
import { once } from "node:events";
import { createServer } from "node:net";
import path from "node:path";
import { Aedes } from "aedes";
import SqliteDatabase from "better-sqlite3";
import Fastify from "fastify";
import mqtt from "mqtt";
import { startBenchConflux } from "./bench-conflux.ts";
import { postLoad } from "./post-load.ts";
import { median } from "./statistics.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const deviceCount = Number(process.env.BENCH_DEVICES ?? 10);
/** QoS 1 messages in flight per device. */
const window = Number(process.env.BENCH_WINDOW ?? 16);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const body = JSON.stringify({ temp: 21.5, humidity: 48, battery: 0.91 });

/** Each device keeps `window` QoS 1 publishes in flight for `seconds`; returns acknowledgements a second. */
async function publishFor(
  url: string,
  devices: Array<{ deviceId: string; secret: string }>,
): Promise<number> {
  const clients = await Promise.all(
    devices.map((device) =>
      mqtt.connectAsync(url, {
        clientId: device.deviceId,
        username: device.deviceId,
        password: device.secret,
        reconnectPeriod: 0,
      }),
    ),
  );
  let acknowledged = 0;
  const endAt = Date.now() + seconds * 1000;
  const began = performance.now();
  await Promise.all(
    clients.flatMap((client, index) =>
      Array.from({ length: window }, async () => {
        const topic = `devices/${devices[index]?.deviceId}/data`;
        while (Date.now() < endAt) {
          await client.publishAsync(topic, body, { qos: 1 });
          acknowledged += 1;
        }
      }),
    ),
  );
  const elapsed = (performance.now() - began) / 1000;
  await Promise.all(clients.map((client) => client.endAsync()));
  return acknowledged / elapsed;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

async function bareBroker() {
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  server.listen(await freePort(), "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  return {
    url: `mqtt://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      server.close();
    },
  };
}

async function bareHttp() {
  const api = Fastify();
  api.post("/v1/devices/:deviceId/data", async (request, reply) =>
    reply.status(202).send({ stored: true, body: request.body !== undefined }),
  );
  await api.listen({ host: "127.0.0.1", port: 0 });
  const { port } = api.server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => api.close() };
}

async function http(url: string, headers: Record<string, string>): Promise<number> {
  const result = await postLoad(url, { body, headers, connections, seconds });
  return result["2xx"] / seconds;
}

/** Conflux with a device group bound to a one-action app (`data-store`) and `deviceCount` devices in it. */
async function startDeviceBench() {
  const bench = await startBenchConflux({ devices: { mqttPort: 0, socketEnabled: false } });
  const { conflux, dataDir, post } = bench;
  const app = await post("/v1/apps", {
    name: "bench",
    channels: [{ channelId: "sensors", eventSource: { type: "device", config: {} } }],
    actions: [{ actionId: "keep", channelId: "sensors", type: "data-store", config: {} }],
  });
  // The data store entry comes from the action, not from the group (keepData off): one write per message.
  const group = await post("/v1/device_groups", {
    name: "bench",
    config: { binding: { appId: app.appId, channelId: "sensors" } },
  });
  const devices: Array<{ deviceId: string; secret: string }> = [];
  for (let i = 0; i < deviceCount; i++) {
    const device = await post("/v1/devices", { groupId: group.groupId });
    devices.push({ deviceId: device.deviceId as string, secret: device.secret as string });
  }
  const reader = new SqliteDatabase(path.join(dataDir, "conflux.db"), { readonly: true });
  const entries = () => (reader.prepare("select count(*) as n from data_entries").get() as { n: number }).n;
  const pendingJobs = () => (reader.prepare("select count(*) as n from jobs").get() as { n: number }).n;
  return {
    conflux,
    devices,
    mqttUrl: `mqtt://127.0.0.1:${conflux.services.devices.listening.mqttPort}`,
    entries,
    /** Waits until every action has run; returns when the last one finished. */
    async drained(): Promise<number> {
      while (pendingJobs() > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      return performance.now();
    },
    async close() {
      reader.close();
      await bench.close();
    },
  };
}

const results = {
  mqttConflux: [] as number[],
  mqttPipeline: [] as number[],
  mqttBare: [] as number[],
  httpConflux: [] as number[],
  httpBare: [] as number[],
};

for (let round = 1; round <= rounds; round++) {
  const bench = await startDeviceBench();
  try {
    const before = bench.entries();
    const began = performance.now();
    const ackRate = await publishFor(bench.mqttUrl, bench.devices);
    const finished = await bench.drained();
    const stored = bench.entries() - before;
    results.mqttConflux.push(ackRate);
    results.mqttPipeline.push(stored / ((finished - began) / 1000));
    const device = bench.devices[0] as { deviceId: string; secret: string };
    results.httpConflux.push(
      await http(`${bench.conflux.url}/v1/devices/${device.deviceId}/data`, {
        authorization: `Bearer ${device.secret}`,
      }),
    );
    await bench.drained();
  } finally {
    await bench.close();
  }
  const broker = await bareBroker();
  try {
    results.mqttBare.push(
      await publishFor(
        broker.url,
        Array.from({ length: deviceCount }, (_, i) => ({ deviceId: `d-${i}`, secret: "" })),
      ),
    );
  } finally {
    await broker.close();
  }
  const bare = await bareHttp();
  try {
    results.httpBare.push(await http(`${bare.url}/v1/devices/d-0/data`, {}));
  } finally {
    await bare.close();
  }
  console.log(
    `round ${round}: MQTT Conflux ${results.mqttConflux.at(-1)?.toFixed(0)}/s acked, ${results.mqttPipeline.at(-1)?.toFixed(0)}/s through the data-store action; bare aedes ${results.mqttBare.at(-1)?.toFixed(0)}/s; HTTP Conflux ${results.httpConflux.at(-1)?.toFixed(0)}/s, bare ${results.httpBare.at(-1)?.toFixed(0)}/s`,
  );
}

const m = Object.fromEntries(Object.entries(results).map(([key, values]) => [key, median(values)])) as Record<
  keyof typeof results,
  number
>;
console.log(
  `\nmedians of ${rounds} rounds of ${seconds} s, ${deviceCount} devices × ${window} in flight (MQTT), ${connections} connections (HTTP), SQLite:`,
);
console.log(
  `  MQTT QoS 1 acknowledged: Conflux ${m.mqttConflux.toFixed(0)}/s, bare aedes ${m.mqttBare.toFixed(0)}/s, ratio ${(m.mqttConflux / m.mqttBare).toFixed(3)}`,
);
console.log(
  `  MQTT → device source → data-store action done: ${m.mqttPipeline.toFixed(0)}/s, ratio to bare aedes ${(m.mqttPipeline / m.mqttBare).toFixed(3)}`,
);
console.log(
  `  HTTP ingest 202: Conflux ${m.httpConflux.toFixed(0)}/s, bare Fastify ${m.httpBare.toFixed(0)}/s, ratio ${(m.httpConflux / m.httpBare).toFixed(3)}`,
);
