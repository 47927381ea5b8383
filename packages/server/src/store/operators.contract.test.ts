import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  openMigratedTo,
  openWithOperators,
  upgradeDatabases,
  useContractDatabases,
} from "../../test/databases.ts";
import { openDatabase } from "../conflux.ts";
import { type OperatorDirectory as Directory, OperatorDirectory, operatorIdColumns } from "./operators.ts";
import type { Database } from "./schema.ts";
import type { SqlStore } from "./sql-store.ts";

const { databases, sqliteDir } = await useContractDatabases("operators");

function applicant(operatorId: string, email: string, status: "active" | "pending" = "pending") {
  return { operatorId, email, passwordHash: "x", createdAt: 5_000, status, emailVerificationPending: false };
}

/** Rows per operator-id column whose value is `operatorId`, read from the catalog's column list. */
async function rowsOf(db: Kysely<Database>, operatorId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { table, column } of await operatorIdColumns(db)) {
    const { rows } = await sql<{ count: string | number }>`select count(*) as count from ${sql.table(table)}
      where ${sql.ref(column)} = ${operatorId}`.execute(db);
    counts[`${table}.${column}`] = Number(rows[0]?.count ?? 0);
  }
  return counts;
}

describe.each(databases)("operators on %s", (_name, database) => {
  let store: SqlStore;
  let db: Kysely<Database>;
  let directory: Directory;

  beforeAll(async () => {
    if (!database) return;
    const opened = await openWithOperators(database, sqliteDir);
    store = opened.store;
    db = opened.db;
    directory = new OperatorDirectory(db);
  });
  afterAll(async () => store?.close());

  it.skipIf(!database)("creates applications pending and finds them by address in any case", async () => {
    expect(await directory.create(applicant("OP1000000001", "ann@example.com"))).toBe("created");
    expect(await directory.create(applicant("OP1000000002", "ann@example.com"))).toBe("email_taken");
    expect(await directory.create(applicant("OP1000000001", "other@example.com"))).toBe("id_taken");
    expect(await directory.findByEmail("ANN@example.com")).toEqual({
      operatorId: "OP1000000001",
      email: "ann@example.com",
      status: "pending",
      createdAt: 5_000,
      emailVerificationPending: false,
    });
    expect((await directory.get("OP0000000001"))?.status).toBe("active");
    expect(await directory.get("OP9999999999")).toBeUndefined();
  });

  it.skipIf(!database)("accepts or refuses only from the statuses named, keeping the reason", async () => {
    await directory.create(applicant("OP1000000003", "bea@example.com"));
    expect(
      await directory.changeStatus("OP1000000003", ["pending"], "refused", "false_information", 9_000),
    ).toBe(true);
    expect(await directory.changeStatus("OP1000000003", ["pending"], "active", undefined, 9_001)).toBe(false);
    expect(await directory.get("OP1000000003")).toMatchObject({
      status: "refused",
      statusReason: "false_information",
    });
    expect(await directory.changeStatus("OP9999999999", ["pending"], "active", undefined, 9_002)).toBe(false);
  });

  it.skipIf(!database)(
    "deletes only applications, with their rows in tables without a foreign key",
    async () => {
      await directory.create(applicant("OP1000000004", "gil@example.com"));
      await sql`insert into api_rate_windows (operator_id, api_group, window_start, calls)
      values ('OP1000000004', 'App', 0, 1)`.execute(db);
      expect(await directory.deleteApplication("OP0000000001")).toBe(false);
      expect(await directory.deleteApplication("OP1000000004")).toBe(true);
      expect(await directory.get("OP1000000004")).toBeUndefined();
      expect(Object.values(await rowsOf(db, "OP1000000004")).every((count) => count === 0)).toBe(true);
      expect(await directory.create(applicant("OP1000000005", "gil@example.com"))).toBe("created");
      expect(await directory.deleteApplication("OP9999999999")).toBe(false);
    },
  );

  it.skipIf(!database)("lists by status and by part of the id or address, a page at a time", async () => {
    await directory.create(applicant("OP2000000001", "Percent%Sign@example.com"));
    await directory.create(applicant("OP2000000002", "carl@shop.example"));
    expect(
      (await directory.list({ search: "op20000", limit: 10 })).operators.map((o) => o.operatorId),
    ).toEqual(["OP2000000001", "OP2000000002"]);
    expect((await directory.list({ search: "SHOP.EX", limit: 10 })).operators.map((o) => o.email)).toEqual([
      "carl@shop.example",
    ]);
    // % and _ are matched as themselves, not as wildcards.
    expect((await directory.list({ search: "t%s", limit: 10 })).operators).toHaveLength(1);
    expect((await directory.list({ search: "a_n", limit: 10 })).operators).toHaveLength(0);
    const refused = await directory.list({ status: "refused", limit: 10 });
    expect(refused.operators.map((o) => o.operatorId)).toEqual(["OP1000000003"]);

    const first = await directory.list({ limit: 2 });
    expect(first.operators.map((o) => o.operatorId)).toEqual(["OP0000000001", "OP0000000002"]);
    expect(first.next).toBe("OP0000000002");
    const all = await directory.list({ limit: 1_000 });
    expect(all.next).toBeUndefined();
    const rest = await directory.list({ limit: 1_000, after: first.next ?? "" });
    expect(rest.operators.map((o) => o.operatorId)).toEqual(all.operators.slice(2).map((o) => o.operatorId));
  });

  it.skipIf(!database)("clears e-mail verification only for the account's own address", async () => {
    await directory.create({
      ...applicant("OP3000000001", "dan@example.com", "active"),
      emailVerificationPending: true,
    });
    await directory.markEmailVerified("OP3000000001", "someone@example.com");
    expect((await directory.get("OP3000000001"))?.emailVerificationPending).toBe(true);
    await directory.markEmailVerified("OP3000000001", "dan@example.com");
    expect((await directory.get("OP3000000001"))?.emailVerificationPending).toBe(false);
  });

  it.skipIf(!database)("finds every operator-id column, a table added later included", async () => {
    await sql`create table later_feature (item_id text primary key, operator_id text not null,
      partner_operator_id text)`.execute(db);
    const columns = (await operatorIdColumns(db)).map(({ table, column }) => `${table}.${column}`);
    for (const known of [
      "operators.operator_id",
      "api_tokens.operator_id",
      "apps.operator_id",
      "executions.operator_id",
      "devices.operator_id",
      "data_entries.operator_id",
      "files.operator_id",
      "users.operator_id",
      "later_feature.operator_id",
      "later_feature.partner_operator_id",
    ])
      expect(columns).toContain(known);
  });

  it.skipIf(!database)("moves every row of the operator to its new id in one go", async () => {
    const oldId = "OP4000000001";
    const newId = "OP4000000002";
    await directory.create(applicant(oldId, "eve@example.com", "active"));
    await directory.create(applicant("OP4000000009", "customer@example.com", "active"));
    await store.saveToken("token-hash-eve", {
      apiKey: "api-key-eve",
      operatorId: oldId,
      expiresAt: 10 ** 13,
    });
    await sql`insert into users (operator_id, user_name, description, created_at, updated_at)
      values (${oldId}, 'alice', '', 1, 1)`.execute(db);
    await sql`insert into later_feature (item_id, operator_id, partner_operator_id)
      values ('i1', ${oldId}, null), ('i2', 'OP4000000009', ${oldId})`.execute(db);
    const before = await rowsOf(db, oldId);

    expect(await directory.changeOperatorId(oldId, newId)).toBe("changed");

    expect(await rowsOf(db, oldId)).toEqual(Object.fromEntries(Object.keys(before).map((key) => [key, 0])));
    expect(await rowsOf(db, newId)).toEqual(before);
    expect(before["users.operator_id"]).toBe(1);
    expect(before["later_feature.partner_operator_id"]).toBe(1);
    expect(await directory.get(newId)).toMatchObject({
      email: "eve@example.com",
      status: "active",
      createdAt: 5_000,
    });
    expect(await directory.get(oldId)).toBeUndefined();
    expect((await store.findToken("token-hash-eve"))?.operatorId).toBe(newId);
  });

  it.skipIf(!database)("refuses a taken id and an unknown operator, changing nothing", async () => {
    const before = await rowsOf(db, "OP0000000001");
    expect(await directory.changeOperatorId("OP0000000001", "OP0000000002")).toBe("taken");
    expect(await directory.changeOperatorId("OP9999999998", "OP9999999997")).toBe("not_found");
    expect(await rowsOf(db, "OP0000000001")).toEqual(before);
  });

  it.skipIf(!database)("a failure in any table leaves every row where it was", async () => {
    const oldId = "OP5000000001";
    await directory.create(applicant(oldId, "fay@example.com", "active"));
    await store.saveToken("token-hash-fay", {
      apiKey: "api-key-fay",
      operatorId: oldId,
      expiresAt: 10 ** 13,
    });
    // A table that refuses the new id, as a constraint of some later feature might.
    await sql`create table strict_feature (operator_id text check (operator_id <> 'OP5000000002'))`.execute(
      db,
    );
    await sql`insert into strict_feature (operator_id) values (${oldId})`.execute(db);
    const before = await rowsOf(db, oldId);

    await expect(directory.changeOperatorId(oldId, "OP5000000002")).rejects.toThrow();

    expect(await rowsOf(db, oldId)).toEqual(before);
    expect(await directory.get(oldId)).toMatchObject({ email: "fay@example.com" });
    expect(await directory.get("OP5000000002")).toBeUndefined();
    await sql`drop table strict_feature`.execute(db);
  });
});

it.each(upgradeDatabases(sqliteDir, "upgraded"))(
  "operators from before sign-up verification stay open on %s",
  async (_name, create) => {
    const scratch = await create();
    if (!scratch) return;
    const before = await openMigratedTo(scratch.database, "0022_provider");
    await sql`insert into operators (operator_id, email, password_hash, created_at)
      values ('OP0000000001', 'a@example.com', 'x', 0)`.execute(before);
    await before.destroy();

    const upgraded = await openDatabase(scratch.database, sqliteDir);
    try {
      expect(await new OperatorDirectory(upgraded.db).get("OP0000000001")).toEqual({
        operatorId: "OP0000000001",
        email: "a@example.com",
        status: "active",
        createdAt: 0,
        emailVerificationPending: false,
      });
    } finally {
      await upgraded.db.destroy();
      await scratch.drop();
    }
  },
);
