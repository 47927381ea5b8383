import { type Kysely, PostgresAdapter, sql } from "kysely";
import type { Database, OperatorStatus } from "./schema.ts";
import { isUniqueViolation } from "./sql-store.ts";

/** An operator as the provider sees it. Times are Unix ms. */
export interface OperatorRecord {
  operatorId: string;
  email: string;
  status: OperatorStatus;
  statusReason?: string;
  createdAt: number;
  /** Signed up while e-mail verification was required and has not opened the mailed link yet. */
  emailVerificationPending: boolean;
}

export interface NewOperator {
  operatorId: string;
  email: string;
  passwordHash: string;
  createdAt: number;
  status: "active" | "pending";
  emailVerificationPending: boolean;
}

export interface OperatorQuery {
  /** Part of the id or the e-mail address, any case. */
  search?: string;
  status?: OperatorStatus;
  limit: number;
  /** The last operator id of the previous page. */
  after?: string;
}

/** A column holding an operator id: `operator_id`, or one naming a related operator (`partner_operator_id`). */
export interface OperatorIdColumn {
  table: string;
  column: string;
}

/** Who signs up and who may stay: the provider's view of every operator, and changes to their status and id. */
export class OperatorDirectory {
  constructor(private readonly db: Kysely<Database>) {}

  async create(operator: NewOperator): Promise<"created" | "email_taken" | "id_taken"> {
    try {
      await this.db
        .insertInto("operators")
        .values({ ...operator, emailVerificationPending: operator.emailVerificationPending ? 1 : 0 })
        .execute();
      return "created";
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return (await this.findByEmail(operator.email)) ? "email_taken" : "id_taken";
    }
  }

  async get(operatorId: string): Promise<OperatorRecord | undefined> {
    const row = await this.selectOperators().where("operatorId", "=", operatorId).executeTakeFirst();
    return row && recordOf(row);
  }

  async findByEmail(email: string): Promise<OperatorRecord | undefined> {
    const row = await this.selectOperators().where("email", "=", email.toLowerCase()).executeTakeFirst();
    return row && recordOf(row);
  }

  /** One page in operator id order; `next` is the key of the following page when there is one. */
  async list(query: OperatorQuery): Promise<{ operators: OperatorRecord[]; next?: string }> {
    let select = this.selectOperators();
    if (query.search) {
      const pattern = `%${query.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      select = select.where((eb) =>
        eb.or([
          eb(eb.fn("lower", ["operatorId"]), "like", sql<string>`${pattern} escape '\\'`),
          eb(eb.fn("lower", ["email"]), "like", sql<string>`${pattern} escape '\\'`),
        ]),
      );
    }
    if (query.status) select = select.where("status", "=", query.status);
    if (query.after !== undefined) select = select.where("operatorId", ">", query.after);
    const rows = await select
      .orderBy("operatorId")
      .limit(query.limit + 1)
      .execute();
    const operators = rows.slice(0, query.limit).map(recordOf);
    const last = operators.at(-1);
    return rows.length > query.limit && last ? { operators, next: last.operatorId } : { operators };
  }

  /**
   * Moves the operator from one of `from` to `to`; false when it is in another status (or missing),
   * so two admins deciding at once cannot both win.
   */
  async changeStatus(
    operatorId: string,
    from: readonly OperatorStatus[],
    to: OperatorStatus,
    reason: string | undefined,
    now: number,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable("operators")
      .set({ status: to, statusReason: reason ?? null, statusChangedAt: now })
      .where("operatorId", "=", operatorId)
      .where("status", "in", from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async markEmailVerified(operatorId: string, email: string): Promise<void> {
    await this.db
      .updateTable("operators")
      .set({ emailVerificationPending: 0 })
      .where("operatorId", "=", operatorId)
      .where("email", "=", email)
      .execute();
  }

  /**
   * Gives the operator a new id [3.4] in every table that holds it, in one transaction. The tables are
   * read from the database's catalog, so a table added later moves too without a change here.
   */
  async changeOperatorId(oldId: string, newId: string): Promise<"changed" | "not_found" | "taken"> {
    return this.db.transaction().execute(async (trx) => {
      const operator = await trx
        .selectFrom("operators")
        .select("email")
        .where("operatorId", "=", oldId)
        .executeTakeFirst();
      if (!operator) return "not_found";
      const taken = await trx
        .selectFrom("operators")
        .select("operatorId")
        .where("operatorId", "=", newId)
        .executeTakeFirst();
      if (taken) return "taken";
      const columns = await operatorIdColumns(trx);
      // Other tables reference operators.operator_id without ON UPDATE CASCADE: the row is copied under
      // the new id, the references move to it, and the old row goes. The address is unique, so the old
      // row gives it up first (nobody outside the transaction sees that).
      const operatorColumns = (await columnsOf(trx, "operators")).filter(
        (column) => column !== "operator_id" && column !== "email",
      );
      await sql`update operators set email = ${`${newId}:${operator.email}`} where operator_id = ${oldId}`.execute(
        trx,
      );
      const copied = sql.join(operatorColumns.map((column) => sql.ref(column)));
      await sql`insert into operators (operator_id, email, ${copied})
        select ${newId}, ${operator.email}, ${copied} from operators where operator_id = ${oldId}`.execute(
        trx,
      );
      for (const { table, column } of columns) {
        if (table === "operators" && column === "operator_id") continue;
        await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${newId} where ${sql.ref(column)} = ${oldId}`.execute(
          trx,
        );
      }
      await sql`delete from operators where operator_id = ${oldId}`.execute(trx);
      return "changed";
    });
  }

  /**
   * Deletes an application that never became a contract (pending or refused), with every row under
   * its id, so its address may apply again [3.5]; false when there is none in those statuses.
   */
  async deleteApplication(operatorId: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // Deleted first and only in those statuses, so an accept at the same moment cannot be undone.
      const deleted = await trx
        .deleteFrom("operators")
        .where("operatorId", "=", operatorId)
        .where("status", "in", ["pending", "refused"])
        .executeTakeFirst();
      if (Number(deleted.numDeletedRows) !== 1) return false;
      // Tables without a foreign key to operators keep rows (sign-in audit, counters) until now.
      for (const { table, column } of await operatorIdColumns(trx))
        if (column === "operator_id")
          await sql`delete from ${sql.table(table)} where operator_id = ${operatorId}`.execute(trx);
      return true;
    });
  }

  private selectOperators() {
    return this.db
      .selectFrom("operators")
      .select(["operatorId", "email", "status", "statusReason", "createdAt", "emailVerificationPending"]);
  }
}

function recordOf(row: {
  operatorId: string;
  email: string;
  status: OperatorStatus;
  statusReason: string | null;
  createdAt: number;
  emailVerificationPending: number;
}): OperatorRecord {
  return {
    operatorId: row.operatorId,
    email: row.email,
    status: row.status,
    ...(row.statusReason === null ? {} : { statusReason: row.statusReason }),
    createdAt: Number(row.createdAt),
    emailVerificationPending: Number(row.emailVerificationPending) === 1,
  };
}

function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Every column in the database (not only the tables Kysely's types know) that holds an operator id. */
export async function operatorIdColumns(db: Kysely<Database>): Promise<OperatorIdColumn[]> {
  const query = isPostgres(db as Kysely<unknown>)
    ? sql<OperatorIdColumn>`select c.table_name as "table", c.column_name as "column"
        from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
          and (c.column_name = 'operator_id' or c.column_name like '%\\_operator\\_id' escape '\\')
        order by 1, 2`
    : sql<OperatorIdColumn>`select m.name as "table", p.name as "column"
        from sqlite_master m join pragma_table_info(m.name) p
        where m.type = 'table'
          and (p.name = 'operator_id' or p.name like '%\\_operator\\_id' escape '\\')
        order by 1, 2`;
  return (await query.execute(db)).rows;
}

async function columnsOf(db: Kysely<Database>, table: string): Promise<string[]> {
  const query = isPostgres(db as Kysely<unknown>)
    ? sql<{ name: string }>`select column_name as name from information_schema.columns
        where table_schema = current_schema() and table_name = ${table} order by ordinal_position`
    : sql<{ name: string }>`select name from pragma_table_info(${table}) order by cid`;
  return (await query.execute(db)).rows.map((row) => row.name);
}
