/**
 * The system under test of `profile-load.ts`, in a process of its own so that its CPU time (and a
 * `node --cpu-prof` profile) holds Conflux alone, not the load generator or the sink. It starts a fresh
 * Conflux with one scenario's app, prints what the load generator needs as one JSON line, then answers
 * lines on stdin: `cpu` (its CPU µs so far and the data store's entry count), `stop` (exits, which writes
 * the profile).
 *
 *   pipeline: api source → republish (condition, transform) → webhook to BENCH_SINK_URL
 *   mqtt:     device source → data-store action, BENCH_DEVICES devices
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import SqliteDatabase from "better-sqlite3";
import { startBenchConflux } from "./bench-conflux.ts";
import { pipelineApp } from "./pipeline-round.ts";

const scenario = process.env.BENCH_SCENARIO ?? "pipeline";
const bench = await startBenchConflux({
  outbound: { allowPrivateAddresses: true },
  devices: { mqttPort: 0, socketEnabled: false },
});

async function pipelineScenario() {
  const app = await bench.post<{ appId: string }>(
    "/v1/apps",
    pipelineApp(`${process.env.BENCH_SINK_URL}/hook`),
  );
  return { url: `${bench.conflux.url}/v1/apps/${app.appId}/channels/in/messages`, headers: bench.headers };
}

async function mqttApp() {
  const app = await bench.post("/v1/apps", {
    name: "bench",
    channels: [{ channelId: "sensors", eventSource: { type: "device", config: {} } }],
    actions: [{ actionId: "keep", channelId: "sensors", type: "data-store", config: {} }],
  });
  const group = await bench.post("/v1/device_groups", {
    name: "bench",
    config: { binding: { appId: app.appId, channelId: "sensors" } },
  });
  const devices: Array<{ deviceId: string; secret: string }> = [];
  for (let i = 0; i < Number(process.env.BENCH_DEVICES ?? 10); i++) {
    const device = await bench.post("/v1/devices", { groupId: group.groupId });
    devices.push({ deviceId: device.deviceId as string, secret: device.secret as string });
  }
  return { url: `mqtt://127.0.0.1:${bench.conflux.services.devices.listening.mqttPort}`, devices };
}

const reader = new SqliteDatabase(path.join(bench.dataDir, "conflux.db"), { readonly: true });
const count = (table: string) =>
  (reader.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;

process.stdout.write(`${JSON.stringify(scenario === "mqtt" ? await mqttApp() : await pipelineScenario())}\n`);
/** CPU ticks (1/100 s) of each thread of this process, by thread name: where the time goes besides JavaScript. */
function threads(): Record<string, number> {
  const ticks: Record<string, number> = {};
  for (const task of readdirSync("/proc/self/task")) {
    const stat = readFileSync(`/proc/self/task/${task}/stat`, "utf8");
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks[name] = (ticks[name] ?? 0) + Number(fields[11]) + Number(fields[12]);
  }
  return ticks;
}

// The profile covers the load only (`start` … `stop`), not start-up and module loading.
const profiler = new Session();
profiler.connect();
for await (const line of createInterface({ input: process.stdin })) {
  if (line === "cpu") {
    const { user, system } = process.cpuUsage();
    const reading = {
      cpuMicros: user + system,
      entries: count("data_entries"),
      jobs: count("jobs"),
      threads: threads(),
    };
    process.stdout.write(`${JSON.stringify(reading)}\n`);
  } else if (line === "start" && process.env.BENCH_PROFILE) {
    await profiler.post("Profiler.enable");
    await profiler.post("Profiler.start");
  } else if (line === "stop") {
    if (process.env.BENCH_PROFILE) {
      const { profile } = await profiler.post("Profiler.stop");
      writeFileSync(process.env.BENCH_PROFILE, JSON.stringify(profile));
    }
    break;
  }
}
reader.close();
await bench.close();
process.exit(0);
