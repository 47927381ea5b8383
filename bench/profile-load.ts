/**
 * CPU per event of a Conflux in its own process (`profile-server.ts`), under load from this process:
 *   - pipeline: api source → republish (condition, transform) → webhook to a sink in this process;
 *   - mqtt: QoS 1 publishes from BENCH_DEVICES devices (BENCH_WINDOW in flight each) into a `data-store` action.
 * Prints, per round, delivered (or stored) events/s, and the server's CPU ms per event (its process CPU
 * time from the start of the load until the last delivery, over the events delivered), also net of what
 * it burns idle (measured for BENCH_IDLE_SECONDS before the load: on a busy machine rounds run slowly).
 * BENCH_TREES (`name=checkout,…`, default this checkout) alternates checkouts A B B A … for before/after
 * (another checkout needs this file's `profile-server.ts` copied in); BENCH_PROFILE_DIR writes V8's CPU
 * profile of the load (what `node --cpu-prof` records, without start-up), read with `profile-summary.ts`.
 *
 *   npx tsx profile-load.ts   # BENCH_SCENARIO=pipeline|mqtt BENCH_SECONDS=10 BENCH_RATE=400 BENCH_ROUNDS=2
 */
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import mqtt from "mqtt";
import { median } from "./statistics.ts";

const scenario = process.env.BENCH_SCENARIO ?? "pipeline";
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rate = Number(process.env.BENCH_RATE ?? 0);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
const window = Number(process.env.BENCH_WINDOW ?? 16);
const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 3);
const trees = (process.env.BENCH_TREES ?? `this=${path.resolve(import.meta.dirname, "..")}`)
  .split(",")
  .map((entry) => entry.split("=") as [string, string]);

const arrivals = new Set<string>();
const sink = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const key = req.headers["idempotency-key"];
    if (typeof key === "string") arrivals.add(key);
    res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  });
});
await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;

interface Reading {
  cpuMicros: number;
  threads: Record<string, number>;
  entries: number;
  jobs: number;
}

async function startServer(checkout: string, label: string) {
  const profile = process.env.BENCH_PROFILE_DIR
    ? { BENCH_PROFILE: path.join(process.env.BENCH_PROFILE_DIR, `${scenario}-${label}.cpuprofile`) }
    : {};
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
      "--import",
      "tsx",
      path.join(checkout, "bench/profile-server.ts"),
    ],
    {
      cwd: path.join(checkout, "bench"),
      env: { ...process.env, BENCH_SCENARIO: scenario, BENCH_SINK_URL: sinkUrl, ...profile },
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse((await lines.next()).value as string);
  const setup = await next();
  return {
    setup,
    start: () => child.stdin.write("start\n"),
    async read(): Promise<Reading> {
      child.stdin.write("cpu\n");
      return next();
    },
    async stop() {
      child.stdin.write("stop\n");
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}

async function pipelineLoad(setup: { url: string; headers: Record<string, string> }) {
  arrivals.clear();
  const result = await autocannon({
    url: setup.url,
    method: "POST",
    headers: setup.headers,
    body: JSON.stringify({ sensor: "fridge-1", temp: 9.5, humidity: 61 }),
    connections,
    duration: seconds,
    ...(rate ? { overallRate: rate } : {}),
  });
  const deadline = Date.now() + 300_000;
  while (arrivals.size < result["2xx"] && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return { accepted: result["2xx"], delivered: arrivals.size };
}

async function mqttLoad(
  setup: { url: string; devices: Array<{ deviceId: string; secret: string }> },
  server: { read(): Promise<Reading> },
) {
  const clients = await Promise.all(
    setup.devices.map((device) =>
      mqtt.connectAsync(setup.url, {
        clientId: device.deviceId,
        username: device.deviceId,
        password: device.secret,
        reconnectPeriod: 0,
      }),
    ),
  );
  const body = JSON.stringify({ temp: 21.5, humidity: 48, battery: 0.91 });
  let acknowledged = 0;
  const endAt = Date.now() + seconds * 1000;
  const began = performance.now();
  await Promise.all(
    clients.flatMap((client, index) =>
      Array.from({ length: window }, async () => {
        const topic = `devices/${setup.devices[index]?.deviceId}/data`;
        while (Date.now() < endAt) {
          await client.publishAsync(topic, body, { qos: 1 });
          acknowledged += 1;
        }
      }),
    ),
  );
  const ackedPerSecond = acknowledged / ((performance.now() - began) / 1000);
  await Promise.all(clients.map((client) => client.endAsync()));
  let reading = await server.read();
  while (reading.jobs > 0) {
    await new Promise((r) => setTimeout(r, 20));
    reading = await server.read();
  }
  return { accepted: acknowledged, delivered: reading.entries, ackedPerSecond };
}

const results = new Map<
  string,
  { perSecond: number[]; cpuMs: number[]; netCpuMs: number[]; acked: number[] }
>();
for (let round = 0; round < rounds; round++) {
  // A B B A …: each pair of rounds reverses the order, so drift in the machine's load hits both sides alike.
  const order = round % 2 === 0 ? trees : [...trees].reverse();
  for (const [label, checkout] of order) {
    const server = await startServer(checkout, `${label}-${round + 1}`);
    // What the server burns with nothing to do (its timers), so that a slow round's figure can be read net of it.
    const idleFrom = await server.read();
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    const idleMsPerSecond = ((await server.read()).cpuMicros - idleFrom.cpuMicros) / 1000 / idleSeconds;
    server.start();
    const before = await server.read();
    const began = performance.now();
    const outcome: { accepted: number; delivered: number; ackedPerSecond?: number } =
      scenario === "mqtt" ? await mqttLoad(server.setup, server) : await pipelineLoad(server.setup);
    const elapsed = (performance.now() - began) / 1000;
    const after = await server.read();
    await server.stop();
    const cpuMs = (after.cpuMicros - before.cpuMicros) / 1000 / outcome.delivered;
    const netCpuMs =
      ((after.cpuMicros - before.cpuMicros) / 1000 - idleMsPerSecond * elapsed) / outcome.delivered;
    const threadMs = Object.entries(after.threads)
      .map(([name, ticks]) => `${name} ${((ticks - (before.threads[name] ?? 0)) * 10) / outcome.delivered}`)
      .join(", ");
    const entry = results.get(label) ?? { perSecond: [], cpuMs: [], netCpuMs: [], acked: [] };
    entry.netCpuMs.push(netCpuMs);
    entry.perSecond.push(outcome.delivered / elapsed);
    entry.cpuMs.push(cpuMs);
    if (outcome.ackedPerSecond !== undefined) entry.acked.push(outcome.ackedPerSecond);
    results.set(label, entry);
    console.log(
      `${label} round ${round + 1}: accepted ${outcome.accepted}, delivered ${outcome.delivered} (${(outcome.delivered / elapsed).toFixed(0)}/s${outcome.ackedPerSecond === undefined ? "" : `, acked ${outcome.ackedPerSecond.toFixed(0)}/s`}), ${cpuMs.toFixed(3)} CPU ms/event, ${netCpuMs.toFixed(3)} net of idle (${idleMsPerSecond.toFixed(1)} ms/s) (by thread: ${threadMs})`,
    );
  }
}
for (const [label, entry] of results)
  console.log(
    `${label}: median ${median(entry.perSecond).toFixed(0)} delivered/s${entry.acked.length ? `, ${median(entry.acked).toFixed(0)} acked/s` : ""}, ${median(entry.cpuMs).toFixed(3)} CPU ms/event, ${median(entry.netCpuMs).toFixed(3)} net of idle`,
  );
sink.close();
