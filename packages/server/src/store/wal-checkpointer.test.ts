import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "./database.ts";

const dataDir = mkdtempSync(path.join(tmpdir(), "conflux-wal-checkpointer-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("the SQLite log's checkpointer thread", () => {
  it("copies committed pages into the database file, while the event loop's connection never checkpoints", async () => {
    const file = path.join(dataDir, "conflux.db");
    const { db } = await openDatabase({ kind: "sqlite", file }, dataDir, {});
    try {
      const setting = await sql<{ walAutocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db);
      expect(setting.rows).toEqual([{ walAutocheckpoint: 0 }]);
      await sql`create table readings (id integer primary key, value text)`.execute(db);
      for (let batch = 0; batch < 20; batch++)
        await db.transaction().execute(async (trx) => {
          for (let row = 0; row < 50; row++)
            await sql`insert into readings (value) values (${"x".repeat(200)})`.execute(trx);
        });
      // The database file alone (without its log) holds what the checkpointer copied.
      const copy = path.join(dataDir, "copy.db");
      const rowsInFile = () => {
        copyFileSync(file, copy);
        const alone = new SqliteDatabase(copy, { readonly: true });
        try {
          const exists = alone
            .prepare("select count(*) as n from sqlite_master where name = 'readings'")
            .get() as {
            n: number;
          };
          return exists.n === 0
            ? 0
            : (alone.prepare("select count(*) as n from readings").get() as { n: number }).n;
        } finally {
          alone.close();
        }
      };
      await expect.poll(rowsInFile, { timeout: 5_000, interval: 100 }).toBe(1_000);
    } finally {
      await db.destroy();
    }
  });
});
