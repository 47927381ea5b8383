import { CompiledQuery, type Insertable, type Kysely, type Transaction } from "kysely";
import { newId } from "../ids.ts";
import type { Database, ExecutionsTable, JobsTable, MessagesTable, StepsTable } from "../store/schema.ts";
import {
  addEventTallies,
  type EventCount,
  type EventTally,
  eventTallyExpressions,
  eventTallyParameters,
  tallyEvents,
} from "./event-counts.ts";
import { type ColumnTypes, type PendingRow, RowsInsert, snake } from "./rows-insert.ts";

type Trx = Transaction<Database>;

/** A new execution with its first message and jobs. Settles with whether it was stored (false: its dedupe key was). */
export interface StartWrite {
  execution: Insertable<ExecutionsTable>;
  messages: Insertable<MessagesTable>[];
  jobs: Insertable<JobsTable>[];
  alsoWrite?: ((trx: Trx) => Promise<void>) | undefined;
  /** Rows written with it when it is stored, with the commit's other rows of their table. */
  rows?: readonly PendingRow[] | undefined;
  /** The event it makes durable, counted when it is stored (not for a repeated dedupe key). */
  count?: EventCount | undefined;
}

/** A job's acknowledgement with its step and outputs. Settles with whether it was acknowledged here (false: another worker did). */
export interface CompleteWrite {
  jobId: string;
  step: Insertable<StepsTable>;
  messages: Insertable<MessagesTable>[];
  jobs: Insertable<JobsTable>[];
  alsoWrite?: ((trx: Trx) => Promise<void>) | undefined;
}

type Entry =
  | { kind: "start"; write: StartWrite; settle: Settle<boolean> }
  | { kind: "complete"; write: CompleteWrite; settle: Settle<boolean> }
  | { kind: "row"; pending: PendingRow; settle: Settle<void> }
  | { kind: "other"; write: (trx: Trx) => Promise<unknown>; settle: Settle<unknown> };

interface Settle<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** Writes shared by one commit at most; each table's rows go in one statement whatever their number. */
const maxBatch = 512;

const executionColumns: ColumnTypes<ExecutionsTable> = {
  executionId: "text",
  operatorId: "text",
  appId: "text",
  channelId: "text",
  eventType: "text",
  dedupeKey: "text",
  replayOf: "text",
  appVersion: "int4",
  createdAt: "int8",
};
const messageColumns: ColumnTypes<MessagesTable> = {
  messageId: "text",
  executionId: "text",
  operatorId: "text",
  appId: "text",
  channelId: "text",
  hop: "int4",
  payload: "text",
  context: "text",
  parentStepId: "text",
  createdAt: "int8",
};
const jobColumns: ColumnTypes<JobsTable> = {
  jobId: "text",
  operatorId: "text",
  appId: "text",
  executionId: "text",
  messageId: "text",
  actionId: "text",
  availableAt: "int8",
  leaseUntil: "int8",
  attempts: "int4",
  retries: "int4",
  retryUntil: "int8",
  destination: "text",
  createdAt: "int8",
};
const stepColumns: ColumnTypes<StepsTable> = {
  stepId: "text",
  executionId: "text",
  messageId: "text",
  operatorId: "text",
  appId: "text",
  channelId: "text",
  actionId: "text",
  actionType: "text",
  status: "text",
  conditionValue: "int4",
  input: "text",
  result: "text",
  error: "text",
  usage: "text",
  attempts: "int4",
  startedAt: "int8",
  finishedAt: "int8",
};

/** The channel instances LISTEN on to learn that another instance queued jobs; the payload is the sender. */
export const busChannel = "conflux_bus";

const insertExecutions = new RowsInsert(
  "executions",
  executionColumns,
  "on conflict do nothing returning execution_id",
);
const insertMessages = new RowsInsert("messages", messageColumns);
const stepUpdates = Object.keys(stepColumns)
  .filter((name) => name !== "stepId")
  .map((name) => `${snake(name)} = excluded.${snake(name)}`)
  .join(", ");
const upsertSteps = new RowsInsert(
  "steps",
  stepColumns,
  `on conflict (step_id) do update set ${stepUpdates}`,
);
/**
 * The jobs and the NOTIFY that wakes other instances in one round trip (a CTE's insert runs in full),
 * with the commit's event tallies when it has some: they add no round trip, and the counter rows they
 * lock stay locked only for the little the commit does after its jobs.
 */
const insertJobsAndNotify = (() => {
  const insert = new RowsInsert("jobs", jobColumns);
  const notifySlot = Object.keys(jobColumns).length + 1;
  const notify = `select pg_notify($${notifySlot}, $${notifySlot + 1}) where exists (select 1 from inserted)`;
  const plain = `with inserted as (${insert.sql} returning 1) ${notify}`;
  const counting = `with inserted as (${insert.sql} returning 1), ${eventTallyExpressions(notifySlot + 2)} ${notify}`;
  return {
    query: (rows: Insertable<JobsTable>[], sender: string, tallies: EventTally[], now: number) =>
      tallies.length
        ? CompiledQuery.raw(counting, [
            ...insert.query(rows).parameters,
            busChannel,
            sender,
            ...eventTallyParameters(tallies, now),
          ])
        : CompiledQuery.raw(plain, [...insert.query(rows).parameters, busChannel, sender]),
  };
})();
const deleteJobs = (jobIds: string[]) =>
  CompiledQuery.raw("delete from jobs where job_id = any($1::text[]) returning job_id", [jobIds]);

function column<T>(rows: ReadonlyArray<Record<string, unknown>>, camel: string, snakeName: string): T[] {
  return rows.map((row) => (row[camel] ?? row[snakeName]) as T);
}

/**
 * Group commit for PostgreSQL. A commit waits for its WAL flush (`synchronous_commit=on`), and every
 * statement is a round trip: one transaction per bus write cost more in both than the writes themselves.
 * The writes requested while the previous commit is under way (and in the same event-loop turn) share one
 * transaction: each table's new rows in one multi-row statement, the acknowledgements in one delete, then
 * the writes that are not rows (a claim, a retry, an action's own write) one after the other. Every
 * promise settles only after the shared commit, so "durable when it resolves" holds. When the shared
 * transaction fails, each of its writes is tried again alone, so one write's error stays its own.
 */
export class PostgresGroupCommit {
  private queue: Entry[] = [];
  private scheduled = false;
  private flushing = false;

  constructor(
    private readonly db: Kysely<Database>,
    /** Sent with NOTIFY so this instance does not wake itself: its own writes announce work locally. */
    readonly instanceId: string = newId(),
  ) {}

  start(write: StartWrite): Promise<boolean> {
    return this.enqueue((settle) => ({ kind: "start", write, settle }));
  }

  complete(write: CompleteWrite): Promise<boolean> {
    return this.enqueue((settle) => ({ kind: "complete", write, settle }));
  }

  /** A row of a table nothing else in the commit reads (an audit row): the commit's rows of `insert` go in one statement. */
  insertRow(pending: PendingRow): Promise<void> {
    return this.enqueue<void>((settle) => ({ kind: "row", pending, settle }));
  }

  run<T>(write: (trx: Trx) => Promise<T>): Promise<T> {
    return this.enqueue<T>((settle) => ({ kind: "other", write, settle: settle as Settle<unknown> }));
  }

  private enqueue<T>(entry: (settle: Settle<T>) => Entry): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push(entry({ resolve, reject }));
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    // After the I/O callbacks of this turn, so the writes they request join the batch.
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.flushing = true;
    try {
      while (this.queue.length) await this.commit(this.queue.splice(0, maxBatch));
    } finally {
      this.flushing = false;
    }
  }

  private async commit(batch: Entry[]): Promise<void> {
    let outcomes: unknown[];
    try {
      outcomes = await this.db.transaction().execute((trx) => this.writeAll(trx, batch));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.settle.reject(error);
        return;
      }
      // Alone, each write meets only its own error; they run side by side on connections of their own.
      await Promise.all(batch.map((entry) => this.commit([entry])));
      return;
    }
    batch.forEach((entry, index) => {
      entry.settle.resolve(outcomes[index] as never);
    });
  }

  private async writeAll(trx: Trx, batch: Entry[]): Promise<unknown[]> {
    const outcomes: unknown[] = new Array(batch.length);
    const starts = batch.flatMap((entry, index) =>
      entry.kind === "start" ? [{ ...entry.write, index }] : [],
    );
    const completes = batch.flatMap((entry, index) =>
      entry.kind === "complete" ? [{ ...entry.write, index }] : [],
    );
    const messages: Insertable<MessagesTable>[] = [];
    const jobs: Insertable<JobsTable>[] = [];
    const alsoWrites: Array<(trx: Trx) => Promise<void>> = [];
    const rows: PendingRow[] = batch.flatMap((entry) => (entry.kind === "row" ? [entry.pending] : []));
    const counts: EventCount[] = [];

    if (starts.length) {
      const result = await trx.executeQuery(insertExecutions.query(starts.map((start) => start.execution)));
      const stored = new Set(column<string>(result.rows as never, "executionId", "execution_id"));
      for (const start of starts) {
        const isStored = stored.delete(start.execution.executionId);
        outcomes[start.index] = isStored;
        if (!isStored) continue;
        messages.push(...start.messages);
        jobs.push(...start.jobs);
        rows.push(...(start.rows ?? []));
        if (start.count) counts.push(start.count);
        if (start.alsoWrite) alsoWrites.push((t) => (start.alsoWrite as (t: Trx) => Promise<void>)(t));
      }
    }

    if (completes.length) {
      const result = await trx.executeQuery(deleteJobs(completes.map((complete) => complete.jobId)));
      const acknowledged = new Set(column<string>(result.rows as never, "jobId", "job_id"));
      const steps = new Map<string, Insertable<StepsTable>>();
      for (const complete of completes) {
        // A job twice in one batch (its lease ran out, two workers finished it): the first stands.
        const isMine = acknowledged.delete(complete.jobId);
        outcomes[complete.index] = isMine;
        if (!isMine) continue;
        steps.set(complete.step.stepId, complete.step);
        messages.push(...complete.messages);
        jobs.push(...complete.jobs);
        if (complete.alsoWrite) {
          const write = complete.alsoWrite;
          alsoWrites.push((t) => write(t));
        }
      }
      if (steps.size) await trx.executeQuery(upsertSteps.query([...steps.values()]));
    }

    // Counted late, so the counter rows every commit of an operator shares stay locked briefly.
    const tallies = tallyEvents(counts);
    const now = Date.now();
    if (messages.length) await trx.executeQuery(insertMessages.query(messages));
    if (jobs.length) await trx.executeQuery(insertJobsAndNotify.query(jobs, this.instanceId, tallies, now));
    for (const write of alsoWrites) await write(trx);
    const rowsByInsert = new Map<RowsInsert<unknown>, Insertable<unknown>[]>();
    for (const { insert, row } of rows) rowsByInsert.set(insert, [...(rowsByInsert.get(insert) ?? []), row]);
    for (const [insert, tableRows] of rowsByInsert) await trx.executeQuery(insert.query(tableRows));
    for (const [index, entry] of batch.entries())
      if (entry.kind === "other") outcomes[index] = await entry.write(trx);
    // Runs without jobs (channels with no action): their events in a statement of their own.
    if (!jobs.length) await addEventTallies(trx, "postgres", tallies, now);
    return outcomes;
  }
}

const perDatabase = new WeakMap<Kysely<Database>, PostgresGroupCommit>();

/**
 * The group commit of a PostgreSQL database (one a process, as its pool is): every writer of the event path
 * (the bus, the audit log) joins it, so an event's rows and its request's audit row share a commit.
 */
export function postgresGroupCommitOf(db: Kysely<Database>): PostgresGroupCommit {
  let groupCommit = perDatabase.get(db);
  if (!groupCommit) {
    groupCommit = new PostgresGroupCommit(db);
    perDatabase.set(db, groupCommit);
  }
  return groupCommit;
}
