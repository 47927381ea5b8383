/**
 * How long the provider's change of an operator id [3.4] holds its transaction: one operator with
 * BENCH_ROWS data entries and as many executions, beside as many rows of other operators (the
 * tables without an operator_id index are scanned whole), on SQLite and PostgreSQL.
 *
 *   npm run operator-id-change -w @conflux/bench   # BENCH_ROWS=100000
 *   CONFLUX_TEST_POSTGRES_URL=postgres://… to choose the PostgreSQL server (default: the test one)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Kysely, sql } from "kysely";
import pg from "pg";
import { openDatabase } from "../packages/server/src/conflux.ts";
import { OperatorDirectory } from "../packages/server/src/store/operators.ts";
import type { Database } from "../packages/server/src/store/schema.ts";

const rows = Number(process.env.BENCH_ROWS ?? 100_000);
const postgresUrl = process.env.CONFLUX_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const batch = 1_000;

async function fill(db: Kysely<Database>, operatorId: string, tag: string): Promise<void> {
  await db
    .insertInto("operators")
    .values({ operatorId, email: `${tag}@example.com`, passwordHash: "x", createdAt: 0 })
    .execute();
  for (let start = 0; start < rows; start += batch) {
    const numbers = Array.from({ length: Math.min(batch, rows - start) }, (_, index) => start + index);
    await db
      .insertInto("dataEntries")
      .values(
        numbers.map((n) => ({
          entryId: `${tag}-${n}`,
          operatorId,
          resourceType: "device",
          resourceId: "d-1",
          time: n,
          contentType: "application/json",
          content: "{}",
        })),
      )
      .execute();
    await sql`insert into executions (execution_id, operator_id, app_id, channel_id, event_type, created_at)
      values ${sql.join(numbers.map((n) => sql`(${`${tag}-${n}`}, ${operatorId}, 'app', 'in', 'api', ${n})`))}`.execute(
      db,
    );
  }
}

async function measure(name: string, db: Kysely<Database>): Promise<void> {
  await fill(db, "OP0000000001", "moved");
  await fill(db, "OP0000000002", "stays");
  const directory = new OperatorDirectory(db);
  const started = performance.now();
  const outcome = await directory.changeOperatorId("OP0000000001", "OP0000000003");
  const ms = performance.now() - started;
  console.log(`${name}: ${outcome} ${rows} data entries + ${rows} executions in ${ms.toFixed(0)} ms`);
}

const dir = mkdtempSync(path.join(tmpdir(), "bench-operator-id-"));
try {
  const sqlite = await openDatabase({ kind: "sqlite", file: path.join(dir, "bench.db") }, dir);
  await measure("SQLite", sqlite.db);
  await sqlite.db.destroy();

  const schema = `bench_operator_id_${process.pid}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  try {
    const url = `${postgresUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const postgres = await openDatabase({ kind: "postgres", url }, dir);
    await measure("PostgreSQL", postgres.db);
    await postgres.db.destroy();
  } finally {
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
