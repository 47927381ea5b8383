import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../conflux.ts";
import { GroupCommit, groupCommitOf } from "./group-commit.ts";

const dir = mkdtempSync(path.join(tmpdir(), "conflux-group-commit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("group commit on SQLite", async () => {
  const { db } = await openDatabase({ kind: "sqlite", file: path.join(dir, "group.db") }, dir);
  afterAll(() => db.destroy());
  const groupCommit = new GroupCommit(db);
  const operator = (operatorId: string) => (trx: Parameters<Parameters<GroupCommit["run"]>[0]>[0]) =>
    trx
      .insertInto("operators")
      .values({ operatorId, email: `${operatorId}@example.com`, passwordHash: "x", createdAt: 1 })
      .execute();

  it("of writes requested at once, one that fails rolls back alone and the others are stored", async () => {
    const outcomes = await Promise.allSettled([
      groupCommit.run(operator("a")),
      groupCommit.run(async (trx) => {
        await operator("b")(trx);
        await operator("a")(trx); // a duplicate: b must not be stored either
      }),
      groupCommit.run(operator("c")),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const stored = await db.selectFrom("operators").select("operatorId").orderBy("operatorId").execute();
    expect(stored.map((row) => row.operatorId)).toEqual(["a", "c"]);
  });
});

describe("the group commit of a database", () => {
  it("is one for every writer of that database, and another for another database", async () => {
    const first = await openDatabase({ kind: "sqlite", file: path.join(dir, "first.db") }, dir);
    const second = await openDatabase({ kind: "sqlite", file: path.join(dir, "second.db") }, dir);
    try {
      expect(groupCommitOf(first.db)).toBe(groupCommitOf(first.db));
      expect(groupCommitOf(second.db)).not.toBe(groupCommitOf(first.db));
    } finally {
      await first.db.destroy();
      await second.db.destroy();
    }
  });
});
