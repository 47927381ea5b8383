import { CompiledQuery, type Insertable, type Kysely, type Transaction } from "kysely";
import { newId } from "../ids.ts";
import type { Database, ExecutionsTable, JobsTable, MessagesTable, StepsTable } from "../store/schema.ts";
import {
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

/** Executions with dedupe keys: the statement answers which were stored (a repeated key is not). */
const insertDedupedExecutions = new RowsInsert(
  "executions",
  executionColumns,
  "on conflict do nothing returning execution_id",
);
/** Executions without one: nothing can conflict, so they go with the commit's other rows. */
const insertExecutions = new RowsInsert("executions", executionColumns);
const insertMessages = new RowsInsert("messages", messageColumns);
const insertJobs = new RowsInsert("jobs", jobColumns);
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
 * The acknowledgements and their steps in one round trip: a step is stored only when its job (of the
 * same id) was still there to delete, so a job another worker finished first keeps that worker's step.
 */
function acknowledge(steps: Insertable<StepsTable>[]): CompiledQuery {
  const acknowledged = "acknowledged as (delete from jobs where job_id = any($1::text[]) returning job_id)";
  const stepped = `stepped as (${upsertSteps.text(2, "u.step_id in (select job_id from acknowledged)")})`;
  return CompiledQuery.raw(`with ${acknowledged}, ${stepped} select job_id from acknowledged`, [
    steps.map((step) => step.stepId),
    ...upsertSteps.parameters(steps),
  ]);
}

/**
 * Every new row of the commit in one statement of data-modifying CTEs (each runs in full, in one round
 * trip): executions, messages, other rows (audit), jobs with the NOTIFY that wakes other instances, and
 * the event tallies last, so the counter rows every commit of an operator shares stay locked briefly.
 */
function insertAll(
  parts: ReadonlyArray<{ insert: RowsInsert<unknown>; rows: Insertable<unknown>[] }>,
  jobs: Insertable<JobsTable>[],
  tallies: EventTally[],
  notify: { sender: string; now: number },
): CompiledQuery | undefined {
  const ctes: string[] = [];
  const parameters: unknown[] = [];
  for (const { insert, rows } of parts) {
    if (rows.length === 0) continue;
    ctes.push(`r${ctes.length} as (${insert.text(parameters.length + 1)})`);
    parameters.push(...insert.parameters(rows));
  }
  let select = "select 1";
  if (jobs.length) {
    ctes.push(`inserted as (${insertJobs.text(parameters.length + 1)} returning 1)`);
    parameters.push(...insertJobs.parameters(jobs), busChannel, notify.sender);
    const [channel, sender] = [parameters.length - 1, parameters.length];
    select = `select pg_notify($${channel}, $${sender}) where exists (select 1 from inserted)`;
  }
  if (tallies.length) {
    ctes.push(eventTallyExpressions(parameters.length + 1));
    parameters.push(...eventTallyParameters(tallies, notify.now));
  }
  return ctes.length ? CompiledQuery.raw(`with ${ctes.join(", ")} ${select}`, parameters) : undefined;
}

function column<T>(rows: ReadonlyArray<Record<string, unknown>>, camel: string, snakeName: string): T[] {
  return rows.map((row) => (row[camel] ?? row[snakeName]) as T);
}

/**
 * Group commit for PostgreSQL. A commit waits for its WAL flush (`synchronous_commit=on`), and every
 * statement is a round trip: one transaction per bus write cost more in both than the writes themselves.
 * The writes requested while the previous commit is under way (and in the same event-loop turn) share one
 * transaction of few statements whatever their number: the executions with dedupe keys (to learn which
 * were stored), the acknowledgements with their steps, every new row of every table together, then the
 * writes that are not rows (a claim, a retry, an action's own write) one after the other. Every
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
    const executions: Insertable<ExecutionsTable>[] = [];
    const messages: Insertable<MessagesTable>[] = [];
    const jobs: Insertable<JobsTable>[] = [];
    const alsoWrites: Array<(trx: Trx) => Promise<void>> = [];
    const rows: PendingRow[] = batch.flatMap((entry) => (entry.kind === "row" ? [entry.pending] : []));
    const counts: EventCount[] = [];

    // Only a dedupe key can conflict: those executions are written first, to learn which were stored.
    const deduped = starts.filter((start) => start.execution.dedupeKey != null);
    const stored = new Set<string>();
    if (deduped.length) {
      const result = await trx.executeQuery(
        insertDedupedExecutions.query(deduped.map((start) => start.execution)),
      );
      for (const id of column<string>(result.rows as never, "executionId", "execution_id")) stored.add(id);
    }
    for (const start of starts) {
      const isDeduped = start.execution.dedupeKey != null;
      const isStored = !isDeduped || stored.delete(start.execution.executionId);
      outcomes[start.index] = isStored;
      if (!isStored) continue;
      if (!isDeduped) executions.push(start.execution);
      messages.push(...start.messages);
      jobs.push(...start.jobs);
      rows.push(...(start.rows ?? []));
      if (start.count) counts.push(start.count);
      if (start.alsoWrite) alsoWrites.push(start.alsoWrite);
    }

    if (completes.length) {
      // A job twice in one batch (its lease ran out, two workers finished it): the first stands.
      const firsts = new Map<string, (typeof completes)[number]>();
      for (const complete of completes) {
        if (firsts.has(complete.jobId)) outcomes[complete.index] = false;
        else firsts.set(complete.jobId, complete);
      }
      const result = await trx.executeQuery(acknowledge([...firsts.values()].map((first) => first.step)));
      const acknowledged = new Set(column<string>(result.rows as never, "jobId", "job_id"));
      for (const complete of firsts.values()) {
        const isMine = acknowledged.has(complete.jobId);
        outcomes[complete.index] = isMine;
        if (!isMine) continue;
        messages.push(...complete.messages);
        jobs.push(...complete.jobs);
        if (complete.alsoWrite) alsoWrites.push(complete.alsoWrite);
      }
    }

    const rowsByInsert = new Map<RowsInsert<unknown>, Insertable<unknown>[]>();
    for (const { insert, row } of rows) {
      const tableRows = rowsByInsert.get(insert);
      if (tableRows) tableRows.push(row);
      else rowsByInsert.set(insert, [row]);
    }
    const parts = [
      { insert: insertExecutions as RowsInsert<unknown>, rows: executions as Insertable<unknown>[] },
      { insert: insertMessages as RowsInsert<unknown>, rows: messages as Insertable<unknown>[] },
      ...[...rowsByInsert].map(([insert, tableRows]) => ({ insert, rows: tableRows })),
    ];
    const inserts = insertAll(parts, jobs, tallyEvents(counts), {
      sender: this.instanceId,
      now: Date.now(),
    });
    if (inserts) await trx.executeQuery(inserts);
    for (const write of alsoWrites) await write(trx);
    for (const [index, entry] of batch.entries())
      if (entry.kind === "other") outcomes[index] = await entry.write(trx);
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
