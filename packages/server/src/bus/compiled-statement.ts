import type { Compilable, CompiledQuery, Kysely, QueryResult } from "kysely";
import type { Database } from "../store/schema.ts";

const marker = (name: string) => `\u0000${name}`;

/**
 * Kysely builds, camel-cases and compiles a query on every call, which for the bus's small statements
 * cost more CPU than the database running them. A statement here is built once, with a marker in place
 * of each value, compiled for the database it first runs on, and then run with each call's values in
 * the markers' places. Only values may vary; a constant in the query (not a marker) is refused.
 */
export class CompiledStatement<Values extends Record<string, unknown>> {
  private compiled: CompiledQuery | undefined;
  private slots: Array<keyof Values & string> = [];

  constructor(
    private readonly names: ReadonlyArray<keyof Values & string>,
    private readonly build: (db: Kysely<Database>, values: Values) => Compilable,
  ) {}

  async execute(db: Kysely<Database>, values: Values): Promise<QueryResult<unknown>> {
    const compiled = this.compiled ?? this.compile(db);
    // Kysely leaves out a column whose value is undefined; a compiled statement has every column.
    return db.executeQuery({ ...compiled, parameters: this.slots.map((name) => values[name] ?? null) });
  }

  private compile(db: Kysely<Database>): CompiledQuery {
    const markers = Object.fromEntries(this.names.map((name) => [name, marker(name)])) as Values;
    const compiled = this.build(db, markers).compile();
    this.slots = compiled.parameters.map((parameter) => {
      const name = this.names.find((candidate) => marker(candidate) === parameter);
      if (!name) throw new Error(`a compiled statement has a value that is not a marker: ${compiled.sql}`);
      return name;
    });
    this.compiled = compiled;
    return compiled;
  }
}
