import { EventEmitter } from "node:events";
import type { Insertable, Kysely, Selectable, Transaction } from "kysely";
import type { DatabaseKind } from "../store/database.ts";
import type { MessageCache } from "../store/message-cache.ts";
import type { Database, MessagesTable, StepsTable } from "../store/schema.ts";
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
import { type GroupCommit, groupCommitOf } from "./group-commit.ts";

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

/** The queue lives in the store's own database, so history, outputs and acknowledgement commit together. */
export class SqlBus implements Bus {
  private readonly events = new EventEmitter();
  /** SQLite only: PostgreSQL commits concurrent transactions on connections of their own. */
  private readonly groupCommit: GroupCommit | undefined;
  /** What every event runs, compiled once for this bus's database. */
  private readonly statements = createBusStatements();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DatabaseKind,
    /** The store's cache: the steps that read these messages next are usually this process's. */
    private readonly messages?: MessageCache,
  ) {
    this.events.setMaxListeners(0);
    if (kind === "sqlite") this.groupCommit = groupCommitOf(db);
  }

  private transaction<T>(write: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.groupCommit ? this.groupCommit.run(write) : this.db.transaction().execute(write);
  }

  /** Returns the message rows, for the cache once they are committed. */
  private async insertDeliveries(
    trx: Transaction<Database>,
    deliveries: Delivery[],
  ): Promise<Selectable<MessagesTable>[]> {
    const now = Date.now();
    const rows: Selectable<MessagesTable>[] = [];
    for (const { message, actionIds, availableAt, payloadText } of deliveries) {
      const row = {
        ...message,
        payload: payloadText ?? JSON.stringify(message.payload),
        context: JSON.stringify(message.context),
        createdAt: now,
      };
      await this.statements.insertMessage.execute(trx, row);
      rows.push(row);
      // One statement a job: a channel has a few actions, and one compiled shape serves any number.
      for (const actionId of actionIds)
        await this.statements.insertJob.execute(trx, {
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
    return rows;
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
  ): Promise<{ executionId: string; duplicate: boolean }> {
    try {
      const rows = await this.transaction(async (trx) => {
        await this.statements.insertExecution.execute(trx, { ...execution, createdAt: Date.now() });
        const inserted = await this.insertDeliveries(trx, [delivery]);
        await alsoWrite?.(trx, execution.executionId);
        return inserted;
      });
      this.remember(rows);
    } catch (error) {
      if (!execution.dedupeKey || !isUniqueViolation(error)) throw error;
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

  claim(max: number, leaseMs: number): Promise<Job[]> {
    // The claim writes too: on SQLite its commit joins the group commit's instead of being one more.
    return this.groupCommit
      ? this.groupCommit.run((trx) => this.claimIn(trx, max, leaseMs))
      : this.claimIn(this.db, max, leaseMs);
  }

  private claimIn(db: Kysely<Database>, max: number, leaseMs: number): Promise<Job[]> {
    const now = Date.now();
    // A leased job is due again when its lease ends, so "due" is one index range: available_at <= now.
    let due = db
      .selectFrom("jobs")
      .select("jobId")
      .where("availableAt", "<=", now)
      .orderBy("availableAt")
      .limit(max);
    // Several workers on PostgreSQL: each takes rows the others have not locked.
    if (this.kind === "postgres") due = due.forUpdate().skipLocked();
    // The app version comes with the claim, not from a read per job: a step runs on the version its
    // execution started on.
    return db
      .updateTable("jobs")
      .set((eb) => ({
        availableAt: now + leaseMs,
        leaseUntil: now + leaseMs,
        attempts: eb("attempts", "+", 1),
      }))
      .where("jobId", "in", due)
      .returning([
        "jobId",
        "operatorId",
        "appId",
        "executionId",
        "messageId",
        "actionId",
        "attempts",
        "retries",
        "retryUntil",
        "destination",
      ])
      .returning((eb) =>
        eb
          .selectFrom("executions")
          .select("executions.appVersion")
          .whereRef("executions.executionId", "=", "jobs.executionId")
          .whereRef("executions.operatorId", "=", "jobs.operatorId")
          .as("appVersion"),
      )
      .execute();
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

  async releaseAllLeases(): Promise<void> {
    await this.db
      .updateTable("jobs")
      .set({ availableAt: Date.now(), leaseUntil: null })
      .where("leaseUntil", "is not", null)
      .execute();
  }

  onWork(listener: () => void): () => void {
    this.events.on("work", listener);
    return () => this.events.off("work", listener);
  }
}
