/**
 * Range reads of the data store with 1 M entries, on SQLite and on PostgreSQL: the latest page of one
 * device, a one-hour window, and a window with nothing in it, each repeated on random devices and times.
 * Also prints each database's plan for the window query, to show it walks the index.
 *
 *   npm run data-store -w @conflux/bench     # BENCH_ENTRIES=1000000 BENCH_DEVICES=100 BENCH_QUERIES=200
 *   CONFLUX_TEST_POSTGRES_URL=postgres://… to choose the PostgreSQL server (default: the test one)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Kysely, sql } from "kysely";
import pg from "pg";
import { ulid } from "ulid";
import { openDatabase } from "../packages/server/src/conflux.ts";
import { DataStore } from "../packages/server/src/devices/data-store.ts";
import type { Database } from "../packages/server/src/store/schema.ts";
import { percentile } from "./statistics.ts";

const entries = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const deviceCount = Number(process.env.BENCH_DEVICES ?? 100);
const queries = Number(process.env.BENCH_QUERIES ?? 200);
const postgresUrl = process.env.CONFLUX_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const operatorId = "OP0000000001";
const start = Date.UTC(2026, 0, 1);

/** Every device reports once every `deviceCount` seconds, in turn: entry i is at start + i seconds. */
async function load(db: Kysely<Database>): Promise<number> {
  const began = performance.now();
  const batch = 1_000;
  for (let first = 0; first < entries; first += batch) {
    const rows = Array.from({ length: Math.min(batch, entries - first) }, (_, k) => {
      const i = first + k;
      return {
        entryId: ulid(start + i * 1000),
        operatorId,
        resourceType: "Device",
        resourceId: `d-${i % deviceCount}`,
        time: start + i * 1000,
        contentType: "application/json",
        content: JSON.stringify({ temp: 20 + Math.sin(i / 500), humidity: 50, seq: i }),
      };
    });
    await db.insertInto("dataEntries").values(rows).execute();
  }
  return (performance.now() - began) / 1000;
}

async function time(label: string, run: () => Promise<number>) {
  const durations: number[] = [];
  let rows = 0;
  for (let i = 0; i < queries; i++) {
    const began = performance.now();
    rows += await run();
    durations.push(performance.now() - began);
  }
  console.log(
    `  ${label.padEnd(48)} median ${percentile(durations, 50).toFixed(2)} ms, p99 ${percentile(durations, 99).toFixed(2)} ms, ${(rows / queries).toFixed(0)} rows/query`,
  );
}

async function bench(name: string, database: Parameters<typeof openDatabase>[0], dataDir: string) {
  const { db, kind } = await openDatabase(database, dataDir);
  const loadSeconds = await load(db);
  console.log(
    `${name}: ${entries.toLocaleString("en")} entries loaded in ${loadSeconds.toFixed(1)} s (${Math.round(entries / loadSeconds)}/s, batches of 1,000)`,
  );
  const data = new DataStore(db).forOperator(operatorId);
  const span = entries * 1000;
  const device = () => `d-${Math.floor(Math.random() * deviceCount)}`;
  const hour = 3_600_000;
  await time(
    "latest 100 of one device (desc)",
    async () => (await data.query("Device", device(), { limit: 100, order: "desc" })).entries.length,
  );
  await time("one-hour window of one device (asc)", async () => {
    const from = start + Math.floor(Math.random() * (span - hour));
    return (await data.query("Device", device(), { from, to: from + hour, limit: 1_000, order: "asc" }))
      .entries.length;
  });
  await time("1,000-entry page deep in one device's history", async () => {
    const from = start + Math.floor(Math.random() * (span / 2));
    return (await data.query("Device", device(), { from, limit: 1_000, order: "asc" })).entries.length;
  });
  await time(
    "empty window (before the first entry)",
    async () =>
      (await data.query("Device", device(), { from: 0, to: start - 1, limit: 100, order: "asc" })).entries
        .length,
  );
  const window = sql`select entry_id, time, content_type, content from data_entries
    where operator_id = ${operatorId} and resource_type = 'Device' and resource_id = 'd-1'
      and time >= ${start} and time <= ${start + hour} order by time, entry_id limit 1000`;
  const explained = await (kind === "sqlite"
    ? sql`explain query plan ${window}`.execute(db)
    : sql`explain ${window}`.execute(db));
  console.log(`  plan: ${explained.rows.map((row) => Object.values(row as object).at(-1)).join(" / ")}`);
  await db.destroy();
}

const dir = mkdtempSync(path.join(tmpdir(), "conflux-bench-data-"));
try {
  await bench("SQLite", { kind: "sqlite", file: path.join(dir, "bench.db") }, dir);
  const schema = `conflux_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  try {
    const url = `${postgresUrl}${postgresUrl.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    await bench("PostgreSQL", { kind: "postgres", url }, dir);
  } finally {
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
