import { type Insertable, type Kysely, SqliteAdapter } from "kysely";
import { type GroupCommit, groupCommitOf } from "../bus/group-commit.ts";
import { type PostgresGroupCommit, postgresGroupCommitOf } from "../bus/postgres-group-commit.ts";
import { type PendingRow, pendingRow, RowsInsert } from "../bus/rows-insert.ts";
import { newId } from "../ids.ts";
import type { AuditLogsTable, Database } from "./schema.ts";
import type { TokenActor } from "./store.ts";

/** One row of the audit log, in SORACOM's field names (plus our API name). */
export interface AuditEntry {
  operatorId: string;
  /** The route as OpenAPI writes it (`/v1/apps/{appId}`), or `/v1/auth` for sign-ins. */
  apiKind: string;
  apiName?: string;
  requestPath: string;
  /** Absent for the root user. */
  userName?: string;
  remoteIpAddress: string;
  requestedTimeEpochMs: number;
  statusCode: number;
  /** Who really called, when a partner acted through a switched token (POST /v1/auth/switch_user). */
  actor?: TokenActor;
}

/** Where the previous page ended: its last row's time, and its id when the page key carried one. */
export interface AuditPageKey {
  requestedTimeEpochMs: number;
  auditId?: string;
}

export interface AuditQuery {
  apiKind?: string;
  /** Inclusive bounds, Unix ms. */
  fromEpochMs?: number;
  toEpochMs?: number;
  after?: AuditPageKey;
  limit: number;
}

function auditRow(entry: AuditEntry): Insertable<AuditLogsTable> {
  return {
    auditId: newId(),
    operatorId: entry.operatorId,
    apiKind: entry.apiKind,
    apiName: entry.apiName ?? null,
    requestPath: entry.requestPath,
    userName: entry.userName ?? null,
    remoteIpAddress: entry.remoteIpAddress,
    requestedTimeEpochMs: entry.requestedTimeEpochMs,
    statusCode: entry.statusCode,
    actorOperatorId: entry.actor?.operatorId ?? null,
    actorUserName: entry.actor?.userName ?? null,
  };
}

/** Its insert: one row on SQLite; on PostgreSQL a group commit's rows in one statement. */
const insertRows = new RowsInsert<AuditLogsTable>("audit_logs", {
  auditId: "text",
  operatorId: "text",
  apiKind: "text",
  apiName: "text",
  requestPath: "text",
  userName: "text",
  remoteIpAddress: "text",
  requestedTimeEpochMs: "int8",
  statusCode: "int4",
  actorOperatorId: "text",
  actorUserName: "text",
});

/** The row of `entry`, to commit with the change it records (a bus write) instead of after it. */
export function pendingAuditRow(entry: AuditEntry): PendingRow {
  return pendingRow(insertRows, auditRow(entry));
}

/**
 * The audit log: rows are written as calls are answered and read newest first, one operator at a
 * time. Rows of one millisecond are ordered by their ULID, so a page key of time and id is exact;
 * a key of time alone (as SORACOM's clients send the last row's requestedTimeEpochMs) continues
 * with strictly older rows.
 */
export class AuditLogStore {
  /**
   * A row shares the bus's commits (an event sent through the API writes one beside its execution)
   * instead of paying a commit of its own; it is still committed before the answer leaves.
   */
  private readonly groupCommit: GroupCommit | undefined;
  private readonly postgresCommit: PostgresGroupCommit | undefined;

  constructor(private readonly db: Kysely<Database>) {
    if (db.getExecutor().adapter instanceof SqliteAdapter) this.groupCommit = groupCommitOf(db);
    else this.postgresCommit = postgresGroupCommitOf(db);
  }

  async record(entry: AuditEntry): Promise<void> {
    const row = auditRow(entry);
    if (this.groupCommit) await this.groupCommit.run((trx) => trx.executeQuery(insertRows.sqliteQuery(row)));
    else await this.postgresCommit?.insertRow(pendingRow(insertRows, row));
  }

  /** A page of `operatorId`'s rows, newest first, and the key of the next page when there is one. */
  async list(operatorId: string, query: AuditQuery): Promise<{ entries: AuditEntry[]; next?: AuditPageKey }> {
    const { apiKind, fromEpochMs, toEpochMs, after, limit } = query;
    let select = this.db.selectFrom("auditLogs").selectAll().where("operatorId", "=", operatorId);
    if (apiKind !== undefined) select = select.where("apiKind", "=", apiKind);
    if (fromEpochMs !== undefined) select = select.where("requestedTimeEpochMs", ">=", fromEpochMs);
    if (toEpochMs !== undefined) select = select.where("requestedTimeEpochMs", "<=", toEpochMs);
    if (after !== undefined) {
      const { requestedTimeEpochMs: time, auditId } = after;
      select =
        auditId === undefined
          ? select.where("requestedTimeEpochMs", "<", time)
          : select.where((row) =>
              row.or([
                row("requestedTimeEpochMs", "<", time),
                row.and([row("requestedTimeEpochMs", "=", time), row("auditId", "<", auditId)]),
              ]),
            );
    }
    const rows = await select
      .orderBy("requestedTimeEpochMs", "desc")
      .orderBy("auditId", "desc")
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const entries = page.map((row) => ({
      operatorId: row.operatorId,
      apiKind: row.apiKind,
      ...(row.apiName === null ? {} : { apiName: row.apiName }),
      requestPath: row.requestPath,
      ...(row.userName === null ? {} : { userName: row.userName }),
      remoteIpAddress: row.remoteIpAddress,
      requestedTimeEpochMs: row.requestedTimeEpochMs,
      statusCode: row.statusCode,
      ...(row.actorOperatorId === null
        ? {}
        : {
            actor: {
              operatorId: row.actorOperatorId,
              ...(row.actorUserName === null ? {} : { userName: row.actorUserName }),
            },
          }),
    }));
    if (rows.length <= limit || last === undefined) return { entries };
    return { entries, next: { requestedTimeEpochMs: last.requestedTimeEpochMs, auditId: last.auditId } };
  }

  /** Deletes every operator's rows older than `epochMs`; returns how many. */
  async deleteBefore(epochMs: number): Promise<number> {
    const result = await this.db
      .deleteFrom("auditLogs")
      .where("requestedTimeEpochMs", "<", epochMs)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
