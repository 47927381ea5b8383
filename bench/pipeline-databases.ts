/**
 * The pipeline (`api source → republish with condition and transform → webhook to a local sink`) on the
 * embedded SQLite next to PostgreSQL, in alternating rounds (SQLite, PostgreSQL, PostgreSQL, SQLite, …) so
 * both see the same machine; medians of the rounds and their ratio.
 *
 *   npm run pipeline-databases -w @conflux/bench   # BENCH_SECONDS=10 BENCH_PAIRS=2 BENCH_CONNECTIONS=32
 *   BENCH_RATE=500 npm run pipeline-databases -w @conflux/bench   # paced at 500 requests/s
 *
 * BENCH_ONLY=SQLite or PostgreSQL runs one side (to profile it with `node --cpu-prof`).
 * PostgreSQL: BENCH_POSTGRES_URL (a local `test` database by default), each round in a schema of its own;
 * BENCH_POOL_SIZE sets its connections per process.
 */
import { cpus } from "node:os";
import pg from "pg";
import { pipelineRound, type RoundResult, startSink } from "./pipeline-round.ts";
import { median } from "./statistics.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const pairs = Number(process.env.BENCH_PAIRS ?? 2);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const rate = process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : undefined;
const postgresUrl = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
/** PostgreSQL connections per process; Conflux's default when unset. */
const poolSize = process.env.BENCH_POOL_SIZE ? Number(process.env.BENCH_POOL_SIZE) : undefined;

async function withSchema<T>(run: (url: string) => Promise<T>): Promise<T> {
  const schema = `conflux_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  try {
    const url = `${postgresUrl}${postgresUrl.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    return await run(url);
  } finally {
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}

/** One database only (for profiling: `node --cpu-prof`), else both in alternating rounds. */
const only = process.env.BENCH_ONLY as "SQLite" | "PostgreSQL" | undefined;

const sink = await startSink();
const load = { connections, seconds, rate };
const results: Record<"SQLite" | "PostgreSQL", RoundResult[]> = { SQLite: [], PostgreSQL: [] };
const rounds = async (name: "SQLite" | "PostgreSQL") => {
  const result =
    name === "SQLite"
      ? await pipelineRound(sink, load)
      : await withSchema((url) =>
          pipelineRound(sink, load, { database: { kind: "postgres", url, poolSize } }),
        );
  results[name].push(result);
  console.error(
    `${name}: ${result.eventsPerSecond.toFixed(0)} delivered/s, p50 ${result.p50} ms, p99 ${result.p99} ms, lost ${result.lost}`,
  );
};
for (let pair = 0; pair < pairs; pair++)
  for (const name of pair % 2 === 0
    ? (["SQLite", "PostgreSQL"] as const)
    : (["PostgreSQL", "SQLite"] as const))
    if (!only || only === name) await rounds(name);
sink.close();

const rows = (["SQLite", "PostgreSQL"] as const).map((name) => {
  const rs = results[name];
  return {
    name,
    rounds: rs.map((r) => r.eventsPerSecond.toFixed(0)).join(", "),
    median: median(rs.map((r) => r.eventsPerSecond)),
    p50: median(rs.map((r) => r.p50)),
    p99: median(rs.map((r) => r.p99)),
    lost: rs.reduce((sum, r) => sum + r.lost, 0),
  };
});
console.log(
  `\n${rate ? `paced at ${rate}/s` : "closed loop"}, ${connections} connections, ${seconds} s a round, ${cpus().length} cores (${cpus()[0]?.model ?? "?"})\n`,
);
console.log("| database | delivered/s by round | median delivered/s | p50 ms | p99 ms | lost |");
console.log("| --- | --- | --- | --- | --- | --- |");
for (const row of rows)
  console.log(
    `| ${row.name} | ${row.rounds} | ${row.median.toFixed(0)} | ${row.p50} | ${row.p99} | ${row.lost} |`,
  );
const [sqlite, postgres] = rows;
console.log(
  `\nPostgreSQL / SQLite delivered/s (medians): ${((postgres?.median ?? 0) / (sqlite?.median ?? 1)).toFixed(2)}`,
);
