import pg from "pg";
import type { Config } from "../src/config/config.ts";

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
