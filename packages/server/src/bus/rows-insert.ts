import { CompiledQuery, type Insertable } from "kysely";

/** PostgreSQL's type of each column, for `unnest` of one array a column. */
export type ColumnTypes<Table> = Record<keyof Table & string, "text" | "int4" | "int8">;

export const snake = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** A column's value; an absent one is null, as Kysely would leave the column out. */
const columnValue = (row: object, name: string) => (row as Record<string, unknown>)[name] ?? null;

/**
 * Many rows in one PostgreSQL statement of constant text: one array parameter a column, `unnest` makes
 * the rows. The text never changes with the row count, so PostgreSQL parses and plans few shapes.
 */
export class RowsInsert<Table> {
  private readonly names: Array<keyof Table & string>;
  private readonly columns: string;
  /** The statement's text by its first parameter's number and filter: a few shapes, made once each. */
  private readonly texts = new Map<string, string>();
  /** SQLite's insert of one row (no round trip there to save). */
  private readonly sqliteSql: string;

  constructor(
    private readonly table: string,
    private readonly types: ColumnTypes<Table>,
    private readonly suffix = "",
  ) {
    this.names = Object.keys(types) as Array<keyof Table & string>;
    this.columns = this.names.map(snake).join(", ");
    this.sqliteSql = `insert into ${table} (${this.columns}) values (${this.names.map(() => "?").join(", ")})`;
  }

  /**
   * The insert with its arrays as parameters `$first` on, to stand alone or in a `with` of several.
   * `where` filters the rows, as `u` (a row whose step was acknowledged in the same statement).
   */
  text(first = 1, where = ""): string {
    const key = `${first} ${where}`;
    let text = this.texts.get(key);
    if (text === undefined) {
      const arrays = this.names.map((name, index) => `$${first + index}::${this.types[name]}[]`).join(", ");
      const filter = where ? ` where ${where}` : "";
      text =
        `insert into ${this.table} (${this.columns}) select * from unnest(${arrays}) as u(${this.columns})${filter} ${this.suffix}`.trim();
      this.texts.set(key, text);
    }
    return text;
  }

  /** The statement's parameters for `rows`: one array a column. */
  parameters(rows: ReadonlyArray<Insertable<Table>>): unknown[] {
    return this.names.map((name) => rows.map((row) => columnValue(row, name)));
  }

  query(rows: ReadonlyArray<Insertable<Table>>): CompiledQuery {
    return CompiledQuery.raw(this.text(), this.parameters(rows));
  }

  sqliteQuery(row: Insertable<Table>): CompiledQuery {
    return CompiledQuery.raw(
      this.sqliteSql,
      this.names.map((name) => columnValue(row, name)),
    );
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
