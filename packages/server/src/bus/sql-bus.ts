import { EventEmitter } from "node:events";
import type { Insertable, Kysely, Selectable, Transaction } from "kysely";
import type { Logger } from "pino";
import type { DatabaseKind } from "../store/database.ts";
import type { MessageCache } from "../store/message-cache.ts";
import type { Database, JobsTable, MessagesTable, StepsTable } from "../store/schema.ts";
import { isUniqueViolation } from "../store/sql-store.ts";
import type { StepRecord } from "../store/store.ts";
import type {
  Bus,
  Delivery,
  Job,
  NewExecution,
  RetryPlan,
  TakeToPublish,
  WriteWithExecution,
  WriteWithStep,
} from "./bus.ts";
import { createBusStatements } from "./bus-statements.ts";
import { type EventCount, utcDay } from "./event-counts.ts";
import { type GroupCommit, groupCommitOf } from "./group-commit.ts";
import { type PostgresGroupCommit, postgresGroupCommitOf } from "./postgres-group-commit.ts";
import { PostgresWakeUps } from "./postgres-wake-ups.ts";
import type { PendingRow } from "./rows-insert.ts";

function stepRow(job: Job, step: StepRecord): Insertable<StepsTable> {
  const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
  return {
    stepId: step.stepId,
    executionId: step.executionId,
    messageId: step.messageId,
    operatorId: job.operatorId,
    appId: job.appId,
    channelId: step.channelId,
    actionId: step.actionId,
    actionType: step.actionType,
    status: step.status,
    conditionValue: step.conditionValue === null ? null : step.conditionValue ? 1 : 0,
    input: json(step.input),
    result: json(step.result),
    error: json(step.error),
    usage: json(step.usage),
    attempts: step.attempts,
    startedAt: step.startedAt,
    finishedAt: step.finishedAt,
  };
}

/** The message rows and job rows of deliveries. */
function deliveryRows(deliveries: Delivery[]): {
  messages: Selectable<MessagesTable>[];
  jobs: Insertable<JobsTable>[];
} {
  const now = Date.now();
  const messages: Selectable<MessagesTable>[] = [];
  const jobs: Insertable<JobsTable>[] = [];
  for (const { message, actionIds, availableAt, payloadText } of deliveries) {
    messages.push({
      ...message,
      payload: payloadText ?? JSON.stringify(message.payload),
      context: JSON.stringify(message.context),
      createdAt: now,
    });
    for (const actionId of actionIds)
      jobs.push({
        jobId: `${message.messageId}:${actionId}`,
        operatorId: message.operatorId,
        appId: message.appId,
        executionId: message.executionId,
        messageId: message.messageId,
        actionId,
        availableAt,
        leaseUntil: null,
        attempts: 0,
        retries: 0,
        retryUntil: null,
        destination: null,
        createdAt: now,
      });
  }
  return { messages, jobs };
}

export interface SqlBusOptions {
  /** The store's cache: the steps that read these messages next are usually this process's. */
  messages?: MessageCache | undefined;
  /** PostgreSQL: the database to LISTEN on for jobs other instances queue. */
  listenUrl?: string | undefined;
  logger?: Logger | undefined;
  /** The billing day (`YYYY-MM-DD`) an event at a time is counted on; UTC days when absent. */
  billingDay?: ((at: number) => string) | undefined;
  /** The time an operator's event is dated at when the real time is `at` (its test clock's); `at` when absent. */
  operatorTime?: ((operatorId: string, at: number) => number) | undefined;
}

/** A dedupe key seen before: the execution is the first one's. */
class DuplicateExecution extends Error {}

/** The queue lives in the store's own database, so history, outputs and acknowledgement commit together. */
export class SqlBus implements Bus {
  private readonly events = new EventEmitter();
  /**
   * The database's group commit. SQLite's: one writer, whose writes of one turn share a commit.
   * PostgreSQL's (the process's, shared with the audit log): the writes of one commit's wait share the
   * next, as multi-row statements.
   */
  private readonly commit:
    | { kind: "sqlite"; group: GroupCommit }
    | { kind: "postgres"; group: PostgresGroupCommit };
  private wakeUps: PostgresWakeUps | undefined;
  /** What every event runs, compiled once for this bus's database. */
  private readonly statements: ReturnType<typeof createBusStatements>;
  private readonly messages: MessageCache | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    kind: DatabaseKind,
    private readonly options: SqlBusOptions = {},
  ) {
    this.events.setMaxListeners(0);
    this.messages = options.messages;
    this.statements = createBusStatements(kind);
    this.commit =
      kind === "sqlite" ? { kind, group: groupCommitOf(db) } : { kind, group: postgresGroupCommitOf(db) };
  }

  private transaction<T>(write: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.commit.kind === "sqlite" ? this.commit.group.run(write) : this.commit.group.run(write);
  }

  /** SQLite: one compiled statement a row (no round trips there); returns the message rows, for the cache once they are committed. */
  private async insertDeliveries(
    trx: Transaction<Database>,
    deliveries: Delivery[],
  ): Promise<Selectable<MessagesTable>[]> {
    const { messages, jobs } = deliveryRows(deliveries);
    for (const row of messages) await this.statements.insertMessage.execute(trx, row);
    for (const row of jobs) await this.statements.insertJob.execute(trx, row);
    return messages;
  }

  private remember(rows: Selectable<MessagesTable>[]): void {
    for (const row of rows) this.messages?.remember(row);
  }

  private async upsertStep(trx: Kysely<Database>, row: Insertable<StepsTable>): Promise<void> {
    await this.statements.upsertStep.execute(trx, row);
  }

  private notify(): void {
    this.events.emit("work");
  }

  async startExecution(
    execution: NewExecution,
    delivery: Delivery,
    alsoWrite?: WriteWithExecution,
    alongRows: readonly PendingRow[] = [],
  ): Promise<{ executionId: string; duplicate: boolean }> {
    const createdAt = Date.now();
    // A run an event source starts is a billed event; a replay sends an event that was counted already.
    const { billingDay = utcDay, operatorTime } = this.options;
    const count: EventCount | undefined =
      execution.replayOf === null
        ? {
            operatorId: execution.operatorId,
            day: billingDay(operatorTime ? operatorTime(execution.operatorId, createdAt) : createdAt),
          }
        : undefined;
    try {
      if (this.commit.kind === "postgres") {
        const { messages, jobs } = deliveryRows([delivery]);
        const stored = await this.commit.group.start({
          execution: { ...execution, createdAt },
          messages,
          jobs,
          alsoWrite: alsoWrite && ((trx) => alsoWrite(trx, execution.executionId)),
          rows: alongRows,
          count,
        });
        if (!stored) throw new DuplicateExecution();
        this.remember(messages);
      } else {
        const write = async (trx: Transaction<Database>) => {
          await this.statements.insertExecution.execute(trx, { ...execution, createdAt });
          const inserted = await this.insertDeliveries(trx, [delivery]);
          await alsoWrite?.(trx, execution.executionId);
          for (const { insert, row } of alongRows) await trx.executeQuery(insert.sqliteQuery(row));
          return inserted;
        };
        this.remember(await this.commit.group.run(write, count));
      }
    } catch (error) {
      if (!execution.dedupeKey || !(error instanceof DuplicateExecution || isUniqueViolation(error)))
        throw error;
      const first = await this.db
        .selectFrom("executions")
        .select("executionId")
        .where("operatorId", "=", execution.operatorId)
        .where("appId", "=", execution.appId)
        .where("dedupeKey", "=", execution.dedupeKey)
        .executeTakeFirstOrThrow();
      return { executionId: first.executionId, duplicate: true };
    }
    this.notify();
    return { executionId: execution.executionId, duplicate: false };
  }

  async claim(max: number, leaseMs: number): Promise<Job[]> {
    // SQLite: a read that finds nothing due (an idle worker's poll) spares a write transaction; there
    // the read costs no round trip, and a job committed after it announces itself.
    if (this.commit.kind === "sqlite") {
      const { rows } = await this.statements.anyDue.execute(this.db, { now: Date.now() });
      if (rows.length === 0) return [];
    }
    // The claim writes too: its commit joins the group commit's instead of being one more.
    return this.transaction((trx) => this.claimIn(trx, max, leaseMs));
  }

  private async claimIn(db: Kysely<Database>, max: number, leaseMs: number): Promise<Job[]> {
    const now = Date.now();
    const { rows } = await this.statements.claim.execute(db, { now, until: now + leaseMs, max });
    return rows as Job[];
  }

  async retryLater(job: Job, availableAt: number, step: StepRecord, plan: RetryPlan): Promise<void> {
    await this.transaction(async (trx) => {
      await this.upsertStep(trx, stepRow(job, step));
      await trx
        .updateTable("jobs")
        .set({
          availableAt,
          leaseUntil: null,
          retryUntil: plan.retryUntil,
          destination: plan.destination,
          ...(plan.tried ? { retries: job.retries + 1 } : { attempts: job.attempts - 1 }),
        })
        .where("jobId", "=", job.jobId)
        .execute();
    });
  }

  async complete(job: Job, step: StepRecord, outputs: Delivery[], alsoWrite?: WriteWithStep): Promise<void> {
    if (this.commit.kind === "postgres") {
      const { messages, jobs } = deliveryRows(outputs);
      const acknowledged = await this.commit.group.complete({
        jobId: job.jobId,
        step: stepRow(job, step),
        messages,
        jobs,
        alsoWrite: alsoWrite && ((trx) => alsoWrite(trx, job)),
      });
      if (acknowledged) this.remember(messages);
      if (acknowledged && outputs.length) this.notify();
      return;
    }
    const rows = await this.transaction(async (trx) => {
      const acknowledged = await this.statements.deleteJob.execute(trx, { jobId: job.jobId });
      // The lease ran out and another worker finished the job first: its result stands.
      if (acknowledged.numAffectedRows === 0n) return [];
      await this.upsertStep(trx, stepRow(job, step));
      await alsoWrite?.(trx, job);
      return this.insertDeliveries(trx, outputs);
    });
    this.remember(rows);
    if (outputs.length) this.notify();
  }

  async publishTaken(take: TakeToPublish): Promise<number> {
    const rows = await this.transaction(async (trx) => this.insertDeliveries(trx, await take(trx)));
    this.remember(rows);
    if (rows.length) this.notify();
    return rows.length;
  }

  /** The job's row holds its lease: the update that set it back ended that already. */
  letGo(): void {}

  async releaseAllLeases(): Promise<void> {
    await this.db
      .updateTable("jobs")
      .set({ availableAt: Date.now(), leaseUntil: null })
      .where("leaseUntil", "is not", null)
      .execute();
  }

  async ping(): Promise<void> {
    await this.db.selectFrom("jobs").select("jobId").limit(1).execute();
  }

  /** On PostgreSQL, other instances' jobs are heard while anyone here listens for work. */
  onWork(listener: () => void): () => void {
    this.events.on("work", listener);
    if (this.options.listenUrl && this.commit.kind === "postgres" && !this.wakeUps)
      this.wakeUps = new PostgresWakeUps(
        this.options.listenUrl,
        this.commit.group.instanceId,
        () => this.notify(),
        this.options.logger,
      );
    return () => {
      this.events.off("work", listener);
      if (this.events.listenerCount("work") === 0) {
        void this.wakeUps?.stop();
        this.wakeUps = undefined;
      }
    };
  }
}
