/**
 * Conflux next to Node-RED on the pipeline (HTTP in → condition `temp > 8` and a JSON transform → HTTP POST to a
 * sink), each system in a process of its own, the load generator and the sink in two more. Loads: open loop at
 * fixed rates (latency from the scheduled send, so a stalled system cannot hide it) and closed loop (saturation).
 * Rounds alternate (A B C D, D C B A, …); medians of the rounds, ratios to Node-RED and to Conflux on SQLite, and
 * the machine's details go to bench/results/<BENCH_NAME>-<date>.md as Markdown.
 *
 *   npm run versus-node-red -w @conflux/bench
 *   BENCH_SECONDS=8 BENCH_ROUNDS=1 BENCH_SYSTEMS=sqlite,node-red BENCH_LOADS=500 npm run versus-node-red -w @conflux/bench
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, totalmem } from "node:os";
import pg from "pg";
import { ask, forkChild } from "./fork-child.ts";
import type { SinkRequest, SinkRound } from "./latency-sink.ts";
import type { SenderRequest, SenderResult } from "./paced-sender.ts";
import {
  natsVersion,
  type RunningSystem,
  type SystemUnderTest,
  systemsUnderTest,
} from "./pipeline-systems.ts";
import { processCpuMs } from "./process-cpu.ts";
import { median } from "./statistics.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const closedConnections = Number(process.env.BENCH_CONNECTIONS ?? 32);
/** The open-loop sender's connection pool: requests beyond it wait in the sender, their latency counted. */
const openConnections = Number(process.env.BENCH_OPEN_CONNECTIONS ?? 128);
/** Seconds of light load (100/s) before each measured round, so neither side is timed while compiling. */
const warmUpSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
/** Longest wait for deliveries after the load stops; what has not arrived by then counts as undelivered. */
const drainSeconds = Number(process.env.BENCH_DRAIN_SECONDS ?? 60);
const services = {
  postgresUrl: process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  natsUrl: process.env.BENCH_NATS_URL ?? "nats://127.0.0.1:4222",
  poolSize: process.env.BENCH_POOL_SIZE ? Number(process.env.BENCH_POOL_SIZE) : undefined,
};
const all = systemsUnderTest(services);
const systems = (process.env.BENCH_SYSTEMS ?? "sqlite,postgres,jetstream,node-red").split(",").map((key) => {
  const system = all[key];
  if (!system) throw new Error(`BENCH_SYSTEMS: ${key} is none of ${Object.keys(all).join(", ")}`);
  return system;
});

interface Load {
  name: string;
  mode: "open" | "closed";
  rate: number;
}
const loads: Load[] = (process.env.BENCH_LOADS ?? "500,1000,closed").split(",").map((load) =>
  load === "closed"
    ? { name: `closed loop, ${closedConnections} connections`, mode: "closed", rate: 0 }
    : {
        name: `${Number(load).toLocaleString("en")}/s offered, open loop`,
        mode: "open",
        rate: Number(load),
      },
);

interface Round {
  system: string;
  round: number;
  loadBefore: number;
  loadAfter: number;
  sender: SenderResult;
  sink: SinkRound;
  deliveredPerSecond: number;
  /** Accepted (2xx) minus delivered when the bench stopped waiting. */
  undelivered: number;
  cpuMsPerEvent: number;
  databaseCpuMsPerEvent: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sink = forkChild("./latency-sink.ts");
const sinkAsk = <T>(request: SinkRequest) => ask<T>(sink, request);
const { url: sinkUrl } = await sinkAsk<{ url: string }>({ type: "url" });

/** Waits until the sink has `accepted` events, or nothing arrived for 30 s, or BENCH_DRAIN_SECONDS passed. */
async function drain(accepted: number, running: RunningSystem) {
  let delivered = 0;
  let progressAt = Date.now();
  const giveUpAt = Date.now() + drainSeconds * 1000;
  while (delivered < accepted && Date.now() < giveUpAt && Date.now() - progressAt < 30_000) {
    await sleep(250);
    const count = (await sinkAsk<{ delivered: number }>({ type: "count" })).delivered;
    if (count > delivered) progressAt = Date.now();
    delivered = count;
    // Samples PostgreSQL's backends while they live.
    await running.databaseCpuMs();
  }
}

async function runRound(system: SystemUnderTest, load: Load, round: number): Promise<Round> {
  await sinkAsk({ type: "reset" });
  const running = await system.start(sinkUrl);
  try {
    const send = async (request: Omit<SenderRequest, "url" | "headers">) => {
      const sender = forkChild("./paced-sender.ts");
      try {
        return await ask<SenderResult>(sender, { ...request, url: running.url, headers: running.headers });
      } finally {
        sender.disconnect();
      }
    };
    if (warmUpSeconds > 0) {
      const warmUp = await send({ mode: "open", rate: 100, seconds: warmUpSeconds, connections: 8 });
      await drain(warmUp.accepted, running);
    }
    await sinkAsk({ type: "reset" });
    const loadBefore = loadavg()[0] ?? 0;
    const cpuBefore = processCpuMs(running.pid);
    const databaseCpuBefore = await running.databaseCpuMs();
    const sent = await send({
      mode: load.mode,
      rate: load.rate,
      seconds,
      connections: load.mode === "open" ? openConnections : closedConnections,
    });
    await drain(sent.accepted, running);
    const cpuMs = processCpuMs(running.pid) - cpuBefore;
    const databaseCpuMs = (await running.databaseCpuMs()) - databaseCpuBefore;
    const collected = await sinkAsk<SinkRound>({ type: "collect" });
    const result: Round = {
      system: system.name,
      round,
      loadBefore,
      loadAfter: loadavg()[0] ?? 0,
      sender: sent,
      sink: collected,
      deliveredPerSecond: collected.delivered / ((collected.lastArrival - sent.firstSend) / 1000),
      undelivered: sent.accepted - collected.delivered,
      cpuMsPerEvent: cpuMs / collected.delivered,
      databaseCpuMsPerEvent: databaseCpuMs / collected.delivered,
    };
    console.error(
      `${load.name} · ${system.name} · round ${round}: ${result.deliveredPerSecond.toFixed(0)} delivered/s, p50 ${collected.p50.toFixed(0)} ms, p99 ${collected.p99.toFixed(0)} ms, accepted ${sent.accepted}, undelivered ${result.undelivered}, refused ${sent.refused}, CPU ${result.cpuMsPerEvent.toFixed(2)} ms/event, load ${result.loadBefore.toFixed(1)} → ${result.loadAfter.toFixed(1)}`,
    );
    return result;
  } finally {
    await running.close();
  }
}

// The machine, for the record.
const postgresVersion = await (async () => {
  const client = new pg.Client({ connectionString: services.postgresUrl });
  await client.connect();
  try {
    const version = (await client.query<{ server_version: string }>("show server_version")).rows[0]
      ?.server_version;
    const sync = (await client.query<{ synchronous_commit: string }>("show synchronous_commit")).rows[0]
      ?.synchronous_commit;
    return `${version} (synchronous_commit=${sync})`;
  } finally {
    await client.end();
  }
})().catch(() => "not reachable");
const nats = await natsVersion(services.natsUrl).catch(() => "not reachable");
const nodeRedVersion = (createRequire(import.meta.url)("node-red/package.json") as { version: string })
  .version;
const kernel = (() => {
  try {
    return execFileSync("uname", ["-sr"], { encoding: "utf8" }).trim();
  } catch {
    return "?";
  }
})();

/**
 * The bench's own three processes keep the load average near the core count; well above it, something
 * else ran too, and the absolute figures say more about that than about the systems.
 */
function sharedMachineWarning(): string {
  const rounds = [...results.values()].flat();
  const busiest = Math.max(0, ...rounds.flatMap((round) => [round.loadBefore, round.loadAfter]));
  return busiest > cpus().length + 1
    ? `**The machine was shared with other work during the run** (load average up to ${busiest.toFixed(1)} on ${cpus().length} cores, by round below): absolute numbers are low and noisy; only comparisons within this run mean anything.`
    : `Nothing else ran on the machine (load average at most ${busiest.toFixed(1)} on ${cpus().length} cores, by round below); rounds of one system still differ by up to ±10 %.`;
}

const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "–");

/** Writes the results so far (after each load, so a cut-short run keeps what it measured). */
function writeResults() {
  const lines: string[] = [];
  const date = new Date().toISOString().slice(0, 10);
  lines.push(`# Conflux and Node-RED on the pipeline (${date})`, "");
  lines.push(
    "`npm run versus-node-red -w @conflux/bench`: HTTP in → condition `temp > 8` and a JSON transform → HTTP POST",
    "to a sink. Conflux: api source → republish (condition, transform) → webhook, answering 202 once the event is",
    "stored. Node-RED: `http in` → `switch` → `function` → `http request` (keep-alive) → `http response` 202, the",
    "answer sent after the sink's, everything in memory (nothing durable). The load generator, the sink and the",
    "system under test are three processes; each round starts the system fresh and warms it up",
    `(${warmUpSeconds} s at 100/s, delivered and not counted) before the measured load.`,
    "",
    `- Open loop: requests leave on a fixed schedule (${openConnections} keep-alive connections at most), whatever`,
    "  the answers do; latency runs from each request's scheduled send time to the sink's receipt (no coordinated",
    `  omission). Closed loop: ${closedConnections} connections, each sending when its previous request is answered.`,
    `- ${seconds} s of load a round, ${rounds} rounds a system and load, alternating (A B C D, D C B A, …); medians.`,
    "- delivered/s: events received by the sink ÷ time from the first scheduled send to the last receipt (so a",
    "  backlog drained after the load counts against it). undelivered: accepted (2xx) − delivered when the bench",
    `  stopped waiting (${drainSeconds} s after the load, or 30 s without an arrival): lost, or still in a backlog`,
    "  (Conflux's is durable and would go on draining). refused or failed: 429/503, other statuses, no answer.",
    "- CPU ms/event: CPU time (user + system) of the system's process from the start of the load until the last",
    "  delivery, ÷ delivered. PostgreSQL CPU: the same for the database backends serving that process",
    "  (sampled from pg_stat_activity by application_name). NATS's CPU is not counted.",
    "",
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${kernel};`,
    `Node ${process.version}; Node-RED ${nodeRedVersion}; PostgreSQL ${postgresVersion}; NATS ${nats}; all on the`,
    `same machine. Run from ${startedAt.toISOString().slice(11, 16)} to ${new Date().toISOString().slice(11, 16)} UTC; load average (1, 5, 15 min) ${loadAtStart.map((l) => l.toFixed(1)).join(", ")} at the start, ${loadavg()
      .map((l) => l.toFixed(1))
      .join(", ")} at the end.`,
    sharedMachineWarning(),
    "",
  );

  for (const load of loads) {
    const rs = results.get(load) ?? [];
    if (!rs.length) continue;
    const summary = systems.map((system) => {
      const mine = rs.filter((r) => r.system === system.name);
      return {
        name: system.name,
        byRound: mine.map((r) => fixed(r.deliveredPerSecond)).join(", "),
        delivered: median(mine.map((r) => r.deliveredPerSecond)),
        p50: median(mine.map((r) => r.sink.p50)),
        p99: median(mine.map((r) => r.sink.p99)),
        accepted: mine.reduce((sum, r) => sum + r.sender.accepted, 0),
        undelivered: mine.reduce((sum, r) => sum + r.undelivered, 0),
        refused: mine.reduce((sum, r) => sum + r.sender.refused + r.sender.failed, 0),
        cpu: median(mine.map((r) => r.cpuMsPerEvent)),
        databaseCpu: median(mine.map((r) => r.databaseCpuMsPerEvent)),
      };
    });
    const reference = (name: string) => summary.find((row) => row.name === name)?.delivered ?? Number.NaN;
    const nodeRedRate = reference("Node-RED");
    const sqliteRate = reference("Conflux SQLite");
    lines.push(`## ${load.name}`, "");
    lines.push(
      "| system | delivered/s by round | median delivered/s | p50 ms | p99 ms | accepted | undelivered | refused or failed | CPU ms/event | PostgreSQL CPU ms/event | ÷ Node-RED | ÷ Conflux SQLite |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const row of summary)
      lines.push(
        `| ${row.name} | ${row.byRound} | ${fixed(row.delivered)} | ${fixed(row.p50)} | ${fixed(row.p99)} | ${row.accepted} | ${row.undelivered} | ${row.refused} | ${fixed(row.cpu, 2)} | ${row.databaseCpu ? fixed(row.databaseCpu, 2) : "–"} | ${fixed(row.delivered / nodeRedRate, 2)} | ${fixed(row.delivered / sqliteRate, 2)} |`,
      );
    lines.push("");
  }

  // Issue 15's targets, from the medians above (when the run had the loads and systems they need).
  const medianOf = (load: Load | undefined, system: string, pick: (r: Round) => number) =>
    median((load ? (results.get(load) ?? []) : []).filter((r) => r.system === system).map(pick));
  const saturation = loads.find((load) => load.mode === "closed");
  const at500 = loads.find((load) => load.mode === "open" && load.rate === 500);
  const rate = (r: Round) => r.deliveredPerSecond;
  const undelivered = [...results.values()].flat().reduce((sum, r) => sum + r.undelivered, 0);
  lines.push("## Targets of issue 15", "");
  lines.push(
    `- Conflux SQLite ÷ Node-RED delivered/s at saturation (target ≥ 2): ${fixed(medianOf(saturation, "Conflux SQLite", rate) / medianOf(saturation, "Node-RED", rate), 2)}`,
    `- Conflux SQLite p99 at 500/s offered (target < 100 ms): ${fixed(medianOf(at500, "Conflux SQLite", (r) => r.sink.p99))} ms`,
    `- Conflux PostgreSQL ÷ SQLite delivered/s at saturation (target ≥ 0.7): ${fixed(medianOf(saturation, "Conflux PostgreSQL", rate) / medianOf(saturation, "Conflux SQLite", rate), 2)}`,
    `- Accepted but not delivered, every round together (target 0): ${undelivered}`,
    "",
  );

  lines.push("## Rounds, in the order they ran", "");
  lines.push(
    "| load | system | round | load average before → after | sent | accepted | delivered | duplicates | delivered/s | p50 ms | p99 ms | sender lag p99 ms | CPU ms/event |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  );
  for (const load of loads)
    for (const r of results.get(load) ?? [])
      lines.push(
        `| ${load.name} | ${r.system} | ${r.round} | ${fixed(r.loadBefore, 1)} → ${fixed(r.loadAfter, 1)} | ${r.sender.sent} | ${r.sender.accepted} | ${r.sink.delivered} | ${r.sink.duplicates} | ${fixed(r.deliveredPerSecond)} | ${fixed(r.sink.p50)} | ${fixed(r.sink.p99)} | ${fixed(r.sender.sendLagP99)} | ${fixed(r.cpuMsPerEvent, 2)} |`,
      );
  lines.push("");

  const markdown = lines.join("\n");
  console.log(markdown);
  const name = process.env.BENCH_NAME ?? "versus-node-red";
  const folder = new URL("./results/", import.meta.url);
  mkdirSync(folder, { recursive: true });
  const file = new URL(`${name}-${date}.md`, folder);
  writeFileSync(file, markdown);
  console.error(`written to bench/results/${name}-${date}.md`);
}

const startedAt = new Date();
const loadAtStart = loadavg();
const results = new Map<Load, Round[]>(loads.map((load) => [load, []]));
for (const load of loads) {
  for (let round = 1; round <= rounds; round++)
    for (const system of round % 2 === 1 ? systems : [...systems].reverse())
      results.get(load)?.push(await runRound(system, load, round));
  writeResults();
}
sink.disconnect();
