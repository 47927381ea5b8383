/**
 * What the AI request rate limit costs an AI request: the per-process counter it used to be (kept
 * below for the comparison) next to the shared counter in the database, on SQLite and PostgreSQL,
 * with the usage counter upsert that every AI request already makes as a yardstick. Each case takes
 * for 1,000 operators in turn, one take at a time (the latency a request waits) and, on PostgreSQL,
 * with many takes in flight (for one operator, whose row every take then waits on, and for 1,000).
 * Rounds alternate between the cases; medians are printed.
 *
 *   npm run ai-rate-limit -w @conflux/bench   # BENCH_TAKES=5000 BENCH_ROUNDS=7 BENCH_IN_FLIGHT=32
 *   CONFLUX_TEST_POSTGRES_URL=postgres://… to choose the PostgreSQL server (default: the test one)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Kysely } from "kysely";
import pg from "pg";
import { AiRateLimiter } from "../packages/server/src/ai/rate-limit.ts";
import { openDatabase } from "../packages/server/src/conflux.ts";
import type { Database } from "../packages/server/src/store/schema.ts";
import { UsageStore } from "../packages/server/src/usage/usage-store.ts";
import { median } from "./statistics.ts";

const takes = Number(process.env.BENCH_TAKES ?? 5_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? 32);
const postgresUrl = process.env.CONFLUX_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const operators = Array.from({ length: 1_000 }, (_, index) => `OP${String(index).padStart(10, "0")}`);
// Every take is allowed: the allowed path is the one every request pays.
const perMinute = 1_000_000_000;

/** The limiter before the count moved to the database: one window per operator in this process's memory. */
class InMemoryRateLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  take(operatorId: string, now = Date.now()) {
    let window = this.windows.get(operatorId);
    if (!window || now - window.startedAt >= 60_000) {
      window = { startedAt: now, count: 0 };
      this.windows.set(operatorId, window);
    }
    if (window.count >= perMinute) return { allowed: false, retryAfterMs: window.startedAt + 60_000 - now };
    window.count++;
    return { allowed: true };
  }
}

type Take = (operatorId: string) => unknown;

interface Sample {
  /** Wall time per take, µs. */
  wall: number;
  /** This process's CPU time per take, µs. */
  cpu: number;
}

/** `takes` takes by `concurrency` takers, each awaiting its own before the next. */
async function time(take: Take, concurrency: number, operatorsTaking: readonly string[]): Promise<Sample> {
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < takes) {
        const index = next++;
        await take(operatorsTaking[index % operatorsTaking.length] as string);
      }
    }),
  );
  const wall = Number(process.hrtime.bigint() - started) / 1_000 / takes;
  const cpu = process.cpuUsage(cpuBefore);
  return { wall, cpu: (cpu.user + cpu.system) / takes };
}

interface Case {
  name: string;
  take: Take;
  concurrency: number;
  operators: readonly string[];
}

function casesOn(name: string, db: Kysely<Database>, withConcurrency: boolean): Case[] {
  const limiter = new AiRateLimiter(db, perMinute);
  const usage = new UsageStore(db);
  const shared: Take = (operatorId) => limiter.take(operatorId);
  const meter: Take = (operatorId) =>
    usage.forOperator(operatorId).add({ ai_input_tokens: 11, ai_output_tokens: 7, ai_requests: 1 });
  return [
    { name: `shared, ${name}`, take: shared, concurrency: 1, operators },
    ...(withConcurrency
      ? [
          { name: `shared, ${name}, ${inFlight} in flight`, take: shared, concurrency: inFlight, operators },
          {
            name: `shared, ${name}, ${inFlight} in flight, 1 operator`,
            take: shared,
            concurrency: inFlight,
            operators: operators.slice(0, 1),
          },
        ]
      : []),
    { name: `usage counter add (yardstick), ${name}`, take: meter, concurrency: 1, operators },
  ];
}

const dir = mkdtempSync(path.join(tmpdir(), "conflux-bench-rate-"));
const schema = `conflux_bench_${process.pid}`;
const admin = new pg.Client({ connectionString: postgresUrl });
await admin.connect();
await admin.query(`create schema ${schema}`);
const url = `${postgresUrl}${postgresUrl.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
const sqlite = await openDatabase({ kind: "sqlite", file: path.join(dir, "bench.db") }, dir);
const postgres = await openDatabase({ kind: "postgres", url }, dir);
try {
  const inMemory = new InMemoryRateLimiter();
  const cases: Case[] = [
    {
      name: "in memory (before)",
      take: (operatorId) => inMemory.take(operatorId),
      concurrency: 1,
      operators,
    },
    ...casesOn("SQLite", sqlite.db, false),
    ...casesOn("PostgreSQL", postgres.db, true),
  ];
  // One round untimed, so statements are prepared, pools are full and the JIT has settled.
  for (const each of cases) await time(each.take, each.concurrency, each.operators);
  const samples = new Map<string, Sample[]>(cases.map((each) => [each.name, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const each of cases)
      samples.get(each.name)?.push(await time(each.take, each.concurrency, each.operators));
    console.error(`round ${round} of ${rounds}`);
  }
  console.table(
    Object.fromEntries(
      cases.map((each) => {
        const taken = samples.get(each.name) ?? [];
        return [
          each.name,
          {
            "wall µs/take": Number(median(taken.map((sample) => sample.wall)).toFixed(2)),
            "CPU µs/take": Number(median(taken.map((sample) => sample.cpu)).toFixed(2)),
          },
        ];
      }),
    ),
  );
  console.log(
    `medians of ${rounds} rounds of ${takes} takes, for ${operators.length} operators in turn unless said; ` +
      `wall time per take is the latency a request waits one at a time, and 1 / throughput with takes in flight.`,
  );
} finally {
  await sqlite.db.destroy();
  await postgres.db.destroy();
  await admin.query(`drop schema ${schema} cascade`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
}
