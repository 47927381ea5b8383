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
): Promise<Array<{ table: string; columns: string[] }>> {
  const tables = await db.introspection.getTables();
  const schema =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  return tables
    .filter((table) => !table.isView && table.schema === schema)
    .map((table) => ({ table: table.name, columns: table.columns.map((column) => column.name) }));
}

/**
 * Deletes every row of an operator [ToS 6 (ours)]: in every table with an `operator_id` column, in
 * batches, then the operator itself; a reference to it under another name (`partner_operator_id`) is
 * cleared, since that row belongs to someone else.
 */
export async function eraseOperator(
  db: Kysely<Database>,
  kind: DatabaseKind,
  operatorId: string,
): Promise<void> {
  const rowKey = kind === "postgres" ? "ctid" : "rowid";
  const tables = await catalogColumns(db);
  // The closing's row goes last but one: until the operator is gone, the next sweep finds it again.
  const last = ["operator_closings", "operators"];
  tables.sort((a, b) => last.indexOf(a.table) - last.indexOf(b.table));
  for (const { table, columns } of tables) {
    if (table === "operators") continue;
    if (columns.includes("operator_id"))
      for (;;) {
        const deleted = await sql`delete from ${sql.table(table)} where ${sql.raw(rowKey)} in (
            select ${sql.raw(rowKey)} from ${sql.table(table)} where operator_id = ${operatorId} limit ${batchRows})`.execute(
          db,
        );
        if (Number(deleted.numAffectedRows ?? 0n) < batchRows) break;
      }
    for (const column of columns.filter((name) => name !== "operator_id" && name.endsWith("_operator_id")))
      await sql`update ${sql.table(table)} set ${sql.ref(column)} = null where ${sql.ref(column)} = ${operatorId}`.execute(
        db,
      );
  }
  await db.deleteFrom("operators").where("operatorId", "=", operatorId).execute();
}
