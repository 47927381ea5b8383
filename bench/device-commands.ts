/**
 * How long a command takes through the command outbox: from POST /v1/devices/{id}/commands to its 202,
 * and to the device's MQTT client receiving it. Three cases, one device connected over MQTT, commands
 * sent one at a time: SQLite with one instance; PostgreSQL with two instances, the command sent to the
 * instance the device is connected to (woken in process) and to the other one (woken by NOTIFY). The
 * poll is set to a minute, so no case is helped by it. Rounds alternate between the cases; medians and
 * 95th percentiles over all commands are printed, in ms.
 *
 *   npm run device-commands -w @conflux/bench   # BENCH_COMMANDS=200 BENCH_ROUNDS=3
 *   CONFLUX_TEST_POSTGRES_URL=postgres://… to choose the PostgreSQL server (default: the test one)
 */
import { randomBytes } from "node:crypto";
import mqtt from "mqtt";
import pg from "pg";
import { startBenchConflux } from "./bench-conflux.ts";
import { median, percentile } from "./statistics.ts";

const commands = Number(process.env.BENCH_COMMANDS ?? 200);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const postgresUrl = process.env.CONFLUX_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const devices = { mqtt: "embedded" as const, socketEnabled: false, commandPollMs: 60_000 };

type Instance = Awaited<ReturnType<typeof startBenchConflux>>;

/** Sends `commands` commands through `sender` to a device connected to `connectedTo`, one at a time. */
async function measure(sender: Instance, connectedTo: Instance) {
  const created = await sender.post<{ deviceId: string; secret: string }>("/v1/devices", { name: "bench" });
  const client = await mqtt.connectAsync(
    `mqtt://127.0.0.1:${connectedTo.conflux.services.devices.listening.mqttPort}`,
    { clientId: created.deviceId, username: created.deviceId, password: created.secret, reconnectPeriod: 0 },
  );
  const waiting = new Map<string, () => void>();
  client.on("message", (_topic, payload) => waiting.get(payload.toString())?.());
  await client.subscribeAsync(`devices/${created.deviceId}/commands`, { qos: 1 });
  const accepted: number[] = [];
  const received: number[] = [];
  for (let index = 0; index < commands; index++) {
    const payload = `cmd-${index}`;
    const arrived = new Promise<void>((resolve) => waiting.set(payload, resolve));
    const started = performance.now();
    const answer = await fetch(`${sender.conflux.url}/v1/devices/${created.deviceId}/commands`, {
      method: "POST",
      headers: { ...sender.headers, "content-type": "text/plain" },
      body: payload,
    });
    if (answer.status !== 202) throw new Error(`command refused: ${answer.status} ${await answer.text()}`);
    await answer.arrayBuffer();
    accepted.push(performance.now() - started);
    await arrived;
    received.push(performance.now() - started);
    waiting.delete(payload);
  }
  await client.endAsync();
  return { accepted, received };
}

async function main() {
  const schema = `conflux_bench_${process.pid}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const url = `${postgresUrl}${postgresUrl.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const secretKey = randomBytes(32).toString("base64");
  const sqlite = await startBenchConflux({ devices });
  const first = await startBenchConflux({ database: { kind: "postgres", url }, secretKey, devices });
  // The second instance logs in as the operator the first signed up (same e-mail and password).
  const second = await startBenchConflux({ database: { kind: "postgres", url }, secretKey, devices });
  const cases = {
    "SQLite, one instance": () => measure(sqlite, sqlite),
    "PostgreSQL, sent to the device's instance": () => measure(second, second),
    "PostgreSQL, sent to the other instance": () => measure(first, second),
  };
  const results = new Map<string, { accepted: number[]; received: number[] }>();
  try {
    for (let round = 0; round < rounds; round++)
      for (const [name, run] of Object.entries(cases)) {
        const { accepted, received } = await run();
        const result = results.get(name) ?? { accepted: [], received: [] };
        result.accepted.push(...accepted);
        result.received.push(...received);
        results.set(name, result);
      }
  } finally {
    await sqlite.close();
    await first.close();
    await second.close();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
  console.log(`${commands} commands × ${rounds} rounds, one at a time; ms`);
  for (const [name, { accepted, received }] of results)
    console.log(
      `${name.padEnd(44)} 202: median ${median(accepted).toFixed(2)}, p95 ${percentile(accepted, 95).toFixed(2)}` +
        `   at the device: median ${median(received).toFixed(2)}, p95 ${percentile(received, 95).toFixed(2)}`,
    );
}

await main();
