/**
 * What counting events costs the bus: executions started through the SQL bus with their `events`
 * count (an event source's run) next to the same executions not counted (replays), on SQLite and on
 * PostgreSQL, with many starts in flight so they share group commits. Rounds alternate between the
 * two; medians of executions/s are printed.
 *
 *   npm run event-counts -w @conflux/bench   # BENCH_STARTS=4000 BENCH_ROUNDS=5 BENCH_IN_FLIGHT=64
 *   CONFLUX_TEST_POSTGRES_URL=postgres://… to choose the PostgreSQL server (default: the test one)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { SqlBus } from "../packages/server/src/bus/sql-bus.ts";
import { openDatabase } from "../packages/server/src/conflux.ts";
import { billingDay } from "../packages/server/src/runtime/billing-month.ts";
import { BoundClocks } from "../packages/server/src/runtime/bound-clocks.ts";
import { median } from "./statistics.ts";

const starts = Number(process.env.BENCH_STARTS ?? 4_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? 64);
const postgresUrl = process.env.CONFLUX_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const operators = Array.from({ length: 10 }, (_, index) => `OP${String(index).padStart(10, "0")}`);

let sequence = 0;

/** Executions per second and this process's CPU µs per execution through `bus`, `inFlight` at a time; `counted` false makes them replays. */
async function run(bus: SqlBus, counted: boolean): Promise<{ perSecond: number; cpuMicros: number }> {
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const worker = async () => {
    while (next < starts) {
      const n = next++;
      const id = `E${++sequence}`;
      const operatorId = operators[n % operators.length] as string;
      await bus.startExecution(
        {
          executionId: id,
          operatorId,
          appId: "APP",
          channelId: "in",
          eventType: "api",
          dedupeKey: null,
          replayOf: counted ? null : "E0",
          appVersion: null,
        },
        {
          message: {
            messageId: id,
            executionId: id,
            operatorId,
            appId: "APP",
            channelId: "in",
            hop: 0,
            payload: { n },
            context: { eventType: "api" },
            parentStepId: null,
          },
          actionIds: ["a"],
          availableAt: 0,
        },
      );
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const used = process.cpuUsage(cpu);
  return {
    perSecond: starts / ((performance.now() - started) / 1000),
    cpuMicros: (used.user + used.system) / starts,
  };
}

async function measure(name: string, database: Parameters<typeof openDatabase>[0], dir: string) {
  const { db, kind } = await openDatabase(database, dir);
  // As the service dates events: the billing zone's day, at the operator's time (one other operator is on a test clock).
  const clocks = new BoundClocks(async () => new Map([["OP9999999999", Date.UTC(2031, 0, 20)]]), console);
  await clocks.refresh();
  const bus = new SqlBus(db, kind, {
    billingDay: (at) => billingDay(at, "UTC"),
    operatorTime: (operatorId, at) => clocks.at(operatorId, at),
  });
  await run(bus, true); // warm-up
  const results = {
    counted: [] as Array<{ perSecond: number; cpuMicros: number }>,
    uncounted: [] as Array<{ perSecond: number; cpuMicros: number }>,
  };
  for (let round = 0; round < rounds; round++)
    for (const counted of round % 2 ? [true, false] : [false, true])
      results[counted ? "counted" : "uncounted"].push(await run(bus, counted));
  await db.destroy();
  const of = (kind: "counted" | "uncounted", field: "perSecond" | "cpuMicros") =>
    median(results[kind].map((result) => result[field]));
  console.log(
    `| ${name} | ${of("uncounted", "perSecond").toFixed(0)} | ${of("counted", "perSecond").toFixed(0)} | ${of("uncounted", "cpuMicros").toFixed(0)} | ${of("counted", "cpuMicros").toFixed(0)} |`,
  );
}

const dir = mkdtempSync(path.join(tmpdir(), "bench-event-counts-"));
const schema = `bench_event_counts_${process.pid}`;
const admin = new pg.Client({ connectionString: postgresUrl });
await admin.connect();
await admin.query(`create schema ${schema}`);
try {
  console.log(`${starts} executions a round, ${inFlight} in flight, ${rounds} rounds, medians`);
  console.log("| database | not counted (replays) /s | counted /s | CPU µs, not counted | CPU µs, counted |");
  console.log("| --- | --- | --- | --- | --- |");
  await measure("SQLite", { kind: "sqlite", file: path.join(dir, "bench.db") }, dir);
  const url = `${postgresUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  await measure("PostgreSQL", { kind: "postgres", url }, dir);
} finally {
  await admin.query(`drop schema ${schema} cascade`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
}
