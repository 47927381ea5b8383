import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { afterAll } from "vitest";
import { type Config, migratorFor, openDatabase } from "../src/conflux.ts";
import type { OpenDatabase } from "../src/store/database.ts";
import { SqlStore } from "../src/store/sql-store.ts";

export const postgresUrl = process.env.CONFLUX_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A PostgreSQL schema of its own for one suite, so suites can run side by side; undefined when unreachable. */
export async function createPostgresSchema(): Promise<
  { database: Config["database"]; drop(): Promise<void> } | undefined
> {
  const schema = `conflux_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
  } catch (error) {
    if (process.env.CI === "true")
      throw new Error(`PostgreSQL at ${postgresUrl} is required under CI: ${String(error)}`);
    console.warn(`PostgreSQL at ${postgresUrl} is unreachable; its suite is skipped (${String(error)})`);
    return undefined;
  }
  await client.query(`create schema ${schema}`);
  await client.end();
  const url = `${postgresUrl}${postgresUrl.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    database: { kind: "postgres", url },
    async drop() {
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    },
  };
}

/** The two databases a contract suite runs on, by name; PostgreSQL's is undefined when unreachable. */
type ContractDatabases = Array<[string, Config["database"] | undefined]>;

/**
 * SQLite in a temporary folder and PostgreSQL in a schema of its own, both removed after the file's
 * tests. Call at the top of a test file, so describe.each can run one suite per database.
 */
export async function useContractDatabases(
  name: string,
): Promise<{ databases: ContractDatabases; sqliteDir: string }> {
  const postgres = await createPostgresSchema();
  const sqliteDir = mkdtempSync(path.join(tmpdir(), `conflux-${name}-`));
  afterAll(async () => {
    await postgres?.drop();
    rmSync(sqliteDir, { recursive: true, force: true });
  });
  return {
    databases: [
      ["SQLite", { kind: "sqlite", file: path.join(sqliteDir, `${name}.db`) }],
      ["PostgreSQL", postgres?.database],
    ],
    sqliteDir,
  };
}

/** Opens and migrates `database`, with two operators in it: OP0000000001 and OP0000000002. */
export async function openWithOperators(
  database: Config["database"],
  dataDir: string,
): Promise<OpenDatabase & { store: SqlStore }> {
  const opened = await openDatabase(database, dataDir);
  const store = new SqlStore(opened.db);
  for (const operatorId of ["OP0000000001", "OP0000000002"])
    await store.createOperator({
      operatorId,
      email: `${operatorId}@example.com`,
      passwordHash: "x",
      createdAt: 0,
    });
  return { ...opened, store };
}

/**
 * The databases a migration test upgrades, by name: a new SQLite file `<name>.db` in `sqliteDir` and a
 * PostgreSQL schema of its own (undefined when unreachable), for `it.each`.
 */
export function upgradeDatabases(sqliteDir: string, name: string) {
  const sqlite = async (): Promise<{ database: Config["database"]; drop(): Promise<void> }> => ({
    database: { kind: "sqlite", file: path.join(sqliteDir, `${name}.db`) },
    drop: async () => {},
  });
  return [
    ["SQLite", sqlite],
    ["PostgreSQL", createPostgresSchema],
  ] as const;
}

/** A database migrated up to `migration` (its key), as an install upgraded from then would have it. */
export async function openMigratedTo(
  database: Config["database"],
  migration: string,
): Promise<Kysely<unknown>> {
  const db =
    database.kind === "postgres"
      ? new Kysely<unknown>({
          dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url }) }),
        })
      : new Kysely<unknown>({
          dialect: new SqliteDialect({ database: new SqliteDatabase(database.file ?? "") }),
        });
  const { error } = await (await migratorFor(db)).migrateTo(migration);
  if (error) throw error;
  return db;
}
