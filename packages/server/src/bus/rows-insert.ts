import { CompiledQuery, type Insertable } from "kysely";

/** PostgreSQL's type of each column, for `unnest` of one array a column. */
export type ColumnTypes<Table> = Record<keyof Table & string, "text" | "int4" | "int8">;

export const snake = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/**
 * Many rows in one PostgreSQL statement of constant text: one array parameter a column, `unnest` makes
 * the rows. The text never changes with the row count, so PostgreSQL parses and plans few shapes.
 */
export class RowsInsert<Table> {
  private readonly names: Array<keyof Table & string>;
  readonly sql: string;
  /** SQLite's insert of one row (no round trip there to save). */
  private readonly sqliteSql: string;

  constructor(table: string, types: ColumnTypes<Table>, suffix = "") {
    this.names = Object.keys(types) as Array<keyof Table & string>;
    const columns = this.names.map(snake).join(", ");
    const arrays = this.names.map((name, index) => `$${index + 1}::${types[name]}[]`).join(", ");
    this.sql = `insert into ${table} (${columns}) select * from unnest(${arrays}) ${suffix}`.trim();
    this.sqliteSql = `insert into ${table} (${columns}) values (${this.names.map(() => "?").join(", ")})`;
  }

  sqliteQuery(row: Insertable<Table>): CompiledQuery {
    return CompiledQuery.raw(
      this.sqliteSql,
      this.names.map((name) => (row as Record<string, unknown>)[name] ?? null),
    );
  }

  query(rows: ReadonlyArray<Insertable<Table>>, extra: unknown[] = []): CompiledQuery {
    const parameters = this.names.map((name) =>
      rows.map((row) => (row as Record<string, unknown>)[name] ?? null),
    );
    return CompiledQuery.raw(this.sql, [...parameters, ...extra]);
  }
}

/**
 * A row of a table no bus statement reads (a request's audit row) that commits with a bus write, or not
 * at all. PostgreSQL inserts a commit's rows of one `insert` in one statement.
 */
export interface PendingRow {
  insert: RowsInsert<unknown>;
  row: Insertable<unknown>;
}

export function pendingRow<Table>(insert: RowsInsert<Table>, row: Insertable<Table>): PendingRow {
  return { insert: insert as RowsInsert<unknown>, row: row as Insertable<unknown> };
}
