import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../conflux.ts";
import { CompiledStatement } from "./compiled-statement.ts";

const dir = mkdtempSync(path.join(tmpdir(), "conflux-compiled-statement-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("compiled statement", async () => {
  const { db } = await openDatabase({ kind: "sqlite", file: path.join(dir, "statements.db") }, dir);
  afterAll(() => db.destroy());

  it("runs each call with its own values, a missing one as null", async () => {
    // recipients is not null: a value missing from a call reaches the database as null, not as the last one.
    const insert = new CompiledStatement<{
      sendId: string;
      operatorId: string;
      recipients?: number;
      sentAt: number;
    }>(["sendId", "operatorId", "recipients", "sentAt"], (trx, values) =>
      trx.insertInto("emailSends").values({ ...values, recipients: values.recipients as number }),
    );
    await db
      .insertInto("operators")
      .values({ operatorId: "op", email: "a@b.c", passwordHash: "x", createdAt: 1 })
      .execute();
    await insert.execute(db, { sendId: "s1", operatorId: "op", recipients: 3, sentAt: 1 });
    await expect(insert.execute(db, { sendId: "s2", operatorId: "op", sentAt: 1 })).rejects.toThrow(
      /NOT NULL/,
    );
    const rows = await db.selectFrom("emailSends").select(["sendId", "recipients"]).execute();
    expect(rows).toEqual([{ sendId: "s1", recipients: 3 }]);
  });

  it("refuses a query with a constant in it, which would run with the first call's value", async () => {
    const statement = new CompiledStatement<{ operatorId: string }>(["operatorId"], (trx, values) =>
      trx.deleteFrom("operators").where("operatorId", "=", values.operatorId).where("createdAt", "=", 1),
    );
    await expect(statement.execute(db, { operatorId: "op" })).rejects.toThrow(/not a marker/);
  });
});
