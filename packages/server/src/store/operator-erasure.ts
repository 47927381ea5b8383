import { type Kysely, PostgresAdapter, sql } from "kysely";
import type { DatabaseKind } from "./database.ts";
import type { Database } from "./schema.ts";

/** Rows deleted per statement: each batch is its own transaction, so erasing a big tenant never holds a long lock. */
const batchRows = 1_000;

/**
 * The tables and columns the database has now, read from its catalog (so a table added later is
 * included). On PostgreSQL only the current schema's: the catalog shows every schema of the database.
 */
export async function catalogColumns(
  db: Kysely<Database>,
): Promise<Array<{ table: string; columns: Array<{ name: string; nullable: boolean }> }>> {
  const tables = await db.introspection.getTables();
  const schema =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  return tables
    .filter((table) => !table.isView && table.schema === schema)
    .map((table) => ({
      table: table.name,
      columns: table.columns.map((column) => ({ name: column.name, nullable: column.isNullable })),
    }));
}

/**
 * Deletes every row of an operator [ToS 6 (ours)]: in every table with an `operator_id` column, in
 * batches, then the operator itself. A reference to it under another name (`partner_operator_id`) is
 * cleared where the column may be null (that row is someone else's), else its row is deleted too.
 * The operator is suspended first, so its sources, API and jobs stop while its rows go.
 */
export async function eraseOperator(
  db: Kysely<Database>,
  kind: DatabaseKind,
  operatorId: string,
  now: number,
): Promise<void> {
  await db
    .updateTable("operators")
    .set({ status: "suspended", statusReason: "closed", statusChangedAt: now })
    .where("operatorId", "=", operatorId)
    .execute();
  const rowKey = kind === "postgres" ? "ctid" : "rowid";
  const deleteWhere = async (table: string, column: string) => {
    for (;;) {
      const deleted = await sql`delete from ${sql.table(table)} where ${sql.raw(rowKey)} in (
          select ${sql.raw(rowKey)} from ${sql.table(table)} where ${sql.ref(column)} = ${operatorId} limit ${batchRows})`.execute(
        db,
      );
      if (Number(deleted.numAffectedRows ?? 0n) < batchRows) return;
    }
  };
  const tables = await catalogColumns(db);
  // The closing's row goes last but one: until the operator is gone, the next sweep finds it again.
  const last = ["operator_closings", "operators"];
  tables.sort((a, b) => last.indexOf(a.table) - last.indexOf(b.table));
  for (const { table, columns } of tables) {
    if (table === "operators") continue;
    for (const column of columns) {
      if (column.name === "operator_id") await deleteWhere(table, column.name);
      else if (!column.name.endsWith("_operator_id")) continue;
      else if (column.nullable)
        await sql`update ${sql.table(table)} set ${sql.ref(column.name)} = null where ${sql.ref(column.name)} = ${operatorId}`.execute(
          db,
        );
      else await deleteWhere(table, column.name);
    }
  }
  await db.deleteFrom("operators").where("operatorId", "=", operatorId).execute();
}
