import { defaultMaxMessageBytes } from "@conflux/core";
import { type Kysely, SqliteAdapter, type Transaction } from "kysely";
import { type GroupCommit, groupCommitOf } from "../bus/group-commit.ts";
import { UserError } from "../errors.ts";
import { newId } from "../ids.ts";
import type { Database } from "../store/schema.ts";

/**
 * The data store (like SORACOM Harvest Data): time-stamped entries per resource (a device), read by time
 * range a page at a time. One index, (operator, resource type, resource id, time, entry id), serves
 * every read in either order and keeps tenants apart at the store layer.
 */

type ResourceType = "Device";

export interface DataEntry {
  time: number;
  contentType: string;
  content: string;
}

interface NewDataEntry extends DataEntry {
  resourceType: ResourceType;
  resourceId: string;
}

interface DataQuery {
  from?: number;
  to?: number;
  limit: number;
  order: "asc" | "desc";
  /** The `next` of the previous page. */
  after?: string;
}

interface DataPage {
  entries: Array<DataEntry & { entryId: string }>;
  /** Pass as `after` for the next page; absent on the last page. */
  next?: string;
}

/** Harvest writes in batches of up to 100. */
const maxBatch = 100;
export const maxPage = 1_000;

function cursorOf(entry: { time: number; entryId: string }): string {
  return `${entry.time}.${entry.entryId}`;
}

function parseCursor(cursor: string): { time: number; entryId: string } | undefined {
  const [time, entryId] = cursor.split(".");
  return time && entryId && /^\d+$/.test(time) ? { time: Number(time), entryId } : undefined;
}

export class OperatorData {
  constructor(
    private readonly db: Kysely<Database>,
    readonly operatorId: string,
    private readonly maxEntryBytes: number,
    private readonly groupCommit?: GroupCommit,
  ) {}

  /** Writes up to 100 entries in one transaction; an entry over the size limit fails them all. */
  async put(entries: NewDataEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const insert = this.insertion(entries);
    await (this.groupCommit ? this.groupCommit.run(insert) : insert(this.db));
  }

  /**
   * Checks up to 100 entries now and returns their insert, for a caller's transaction (a data-store
   * action's entry commits with its step: once if the step is recorded, not at all if it is not).
   */
  insertion(entries: NewDataEntry[]): (db: Kysely<Database>) => Promise<void> {
    if (entries.length > maxBatch) throw new Error(`at most ${maxBatch} entries per write`);
    for (const { content } of entries) {
      const size = Buffer.byteLength(content);
      if (size > this.maxEntryBytes)
        throw new UserError(
          "payload_too_large",
          `a data entry is ${size} bytes; the limit is ${this.maxEntryBytes}`,
        );
    }
    const rows = entries.map((entry) => ({ ...entry, entryId: newId(), operatorId: this.operatorId }));
    return async (db) => {
      await db.insertInto("dataEntries").values(rows).execute();
    };
  }

  async query(resourceType: ResourceType, resourceId: string, query: DataQuery): Promise<DataPage> {
    const limit = Math.min(Math.max(query.limit, 1), maxPage);
    const descending = query.order === "desc";
    let select = this.db
      .selectFrom("dataEntries")
      .select(["entryId", "time", "contentType", "content"])
      .where("operatorId", "=", this.operatorId)
      .where("resourceType", "=", resourceType)
      .where("resourceId", "=", resourceId)
      .orderBy("time", query.order)
      .orderBy("entryId", query.order)
      .limit(limit + 1);
    if (query.from !== undefined) select = select.where("time", ">=", query.from);
    if (query.to !== undefined) select = select.where("time", "<=", query.to);
    const after = query.after ? parseCursor(query.after) : undefined;
    if (after)
      select = select.where((eb) =>
        eb.or([
          eb("time", descending ? "<" : ">", after.time),
          eb.and([eb("time", "=", after.time), eb("entryId", descending ? "<" : ">", after.entryId)]),
        ]),
      );
    const rows = await select.execute();
    const entries = rows.slice(0, limit);
    const last = entries.at(-1);
    return rows.length > limit && last ? { entries, next: cursorOf(last) } : { entries };
  }

  async deleteResource(resourceType: ResourceType, resourceId: string): Promise<void> {
    await this.db
      .deleteFrom("dataEntries")
      .where("operatorId", "=", this.operatorId)
      .where("resourceType", "=", resourceType)
      .where("resourceId", "=", resourceId)
      .execute();
  }
}

export class DataStore {
  /**
   * SQLite: a write outside a caller's transaction (a data-store action's, one a message) shares the bus's
   * commits instead of paying a commit of its own.
   */
  private readonly groupCommit: GroupCommit | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    /** The largest entry: entries come from device messages and actions, both bounded by the message limit. */
    private readonly maxEntryBytes = defaultMaxMessageBytes,
  ) {
    if (db.getExecutor().adapter instanceof SqliteAdapter) this.groupCommit = groupCommitOf(db);
  }

  /** Inside `trx` when given: a device message's entry commits with its execution, or neither does. */
  forOperator(operatorId: string, trx?: Transaction<Database>): OperatorData {
    if (trx) return new OperatorData(trx, operatorId, this.maxEntryBytes);
    return new OperatorData(this.db, operatorId, this.maxEntryBytes, this.groupCommit);
  }

  /** Deletes entries older than `cutoff` in bounded batches (a long delete would stall ingest); returns how many. */
  async deleteBefore(cutoff: number, batch = 5_000): Promise<number> {
    let total = 0;
    for (;;) {
      const doomed = this.db
        .selectFrom("dataEntries")
        .select("entryId")
        .where("time", "<", cutoff)
        .limit(batch);
      const result = await this.db
        .deleteFrom("dataEntries")
        .where("entryId", "in", doomed)
        .executeTakeFirst();
      const deleted = Number(result.numDeletedRows);
      total += deleted;
      if (deleted < batch) return total;
    }
  }
}
