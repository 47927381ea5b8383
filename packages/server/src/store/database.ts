import { mkdirSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import SqliteDatabase from "better-sqlite3";
import { CamelCasePlugin, Kysely, type Migration, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import type { ServerConfig } from "../config/config.ts";
import { migrateToLatest } from "./migrations.ts";
import type { Database } from "./schema.ts";
import type { CheckpointerOptions } from "./wal-checkpointer.ts";

export type DatabaseKind = "sqlite" | "postgres";

export interface OpenDatabase {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** PostgreSQL's connection pool, to watch requests waiting for a connection. */
  pool?: pg.Pool;
}

const int8Oid = 20;

/**
 * Connections per process. The bus's writes share one transaction at a time (bus/postgres-group-commit.ts);
 * the others serve the request path's reads (API key, app) concurrently. bench/pipeline-databases.ts with
 * 3, 10 and 20 connections (2 rounds each, closed loop): 20 delivered the most and with the lowest latency.
 */
const defaultPoolSize = 20;

/** The checkpointer thread (wal-checkpointer.ts), built beside the server's chunks as it is beside this file. */
const checkpointerUrl = new URL("./wal-checkpointer-entry.mjs", import.meta.url);
/**
 * How often the checkpointer copies the log into the database. The log grows meanwhile: a few MB at the
 * most events/s this machine class takes; `journal_size_limit` shrinks the file back after a burst.
 */
const checkpointIntervalMs = 250;

/**
 * Kysely prepares every query anew; preparing costs more than running our small queries, so
 * statements are kept by their SQL text (queries are built from a bounded set of shapes).
 */
function withStatementCache(sqlite: SqliteDatabase.Database, onClose: () => void) {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => {
      onClose();
      sqlite.close();
    },
    prepare(sqlText: string) {
      let statement = statements.get(sqlText);
      if (!statement) {
        if (statements.size >= 1_000) statements.clear();
        statement = sqlite.prepare(sqlText);
        statements.set(sqlText, statement);
      }
      return statement;
    },
  };
}

function openSqlite(file: string): Kysely<Database> {
  // The folder holds sealed credentials and token hashes: its owner only.
  if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const sqlite = new SqliteDatabase(file);
  // WAL keeps readers off the writer's back; NORMAL sync survives a killed process (not a power cut).
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  const checkpointer = file === ":memory:" ? undefined : startCheckpointer(sqlite, file);
  return new Kysely<Database>({
    dialect: new SqliteDialect({
      database: withStatementCache(sqlite, () => checkpointer?.postMessage("stop")),
    }),
    plugins: [new CamelCasePlugin()],
  });
}

/**
 * Moves the log's checkpoints off the event loop: measured on the pipeline (bench/versus-node-red.ts),
 * the checkpoints SQLite ran in the committing connection took a third of every commit's time.
 */
function startCheckpointer(sqlite: SqliteDatabase.Database, file: string): Worker {
  sqlite.pragma("wal_autocheckpoint = 0");
  sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  const options: CheckpointerOptions = { file, intervalMs: checkpointIntervalMs };
  const worker = new Worker(checkpointerUrl, { workerData: options });
  // Without it the log would grow without end: SQLite checkpoints in this connection again.
  worker.on("error", () => {
    if (sqlite.open) sqlite.pragma("wal_autocheckpoint = 1000");
  });
  // It must not keep a process alive that has nothing else to do.
  worker.unref();
  return worker;
}

function openPostgres(url: string, poolSize: number): { db: Kysely<Database>; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // Times are Unix ms in bigint columns; they fit a JS number exactly.
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === int8Oid
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin()],
  });
  return { db, pool };
}

/** Opens the database and brings it to the latest of `migrations` (the store's and every feature's). */
export async function openDatabase(
  database: ServerConfig["database"],
  dataDir: string,
  migrations: Readonly<Record<string, Migration>>,
): Promise<OpenDatabase> {
  const opened: OpenDatabase =
    database.kind === "postgres"
      ? { ...openPostgres(database.url, database.poolSize ?? defaultPoolSize), kind: "postgres" }
      : { db: openSqlite(database.file ?? path.join(dataDir, "conflux.db")), kind: "sqlite" };
  await migrateToLatest(opened.db as Kysely<unknown>, migrations);
  return opened;
}
