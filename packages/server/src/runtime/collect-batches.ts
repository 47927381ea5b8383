import type { JsonValue } from "@conflux/core";
import { type Kysely, type Selectable, sql, type Transaction } from "kysely";
import type { Logger } from "pino";
import type { Bus, Delivery, Job, WriteWithStep } from "../bus/bus.ts";
import { newId } from "../ids.ts";
import type { CollectBatchesTable, Database } from "../store/schema.ts";
import type { Store } from "../store/store.ts";
import { ActionError } from "./actions/action.ts";
import type { CollectPort } from "./ports/collect-port.ts";
import type { RunApps } from "./run-app.ts";
import { planOutputs, type StepInput } from "./run-job.ts";

type Batch = Selectable<CollectBatchesTable>;

/** How often due batches are looked for besides this process's own timer: restarts, other instances. */
const sweepEveryMs = 1_000;
const batchesPerRound = 100;

export interface CollectBatchesOptions {
  db: Kysely<Database>;
  bus: Bus;
  store: Store;
  runApps: RunApps;
  maxMessageBytes: number;
  logger: Logger;
}

/**
 * The batches of the collect action, kept in the database. A message joins its action's open batch in
 * the transaction that records its step and acknowledges its job, and a batch leaves the database in
 * the transaction that publishes it: a message counted into a batch is sent once, even across a crash.
 * A batch is due when it is full or its window has passed; due times are rows, so a restarted process
 * (or another instance on the same PostgreSQL database) sends what a stopped one left.
 */
export class CollectBatches implements CollectPort {
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private sweep: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(private readonly options: CollectBatchesOptions) {}

  /** The write that adds a message (its JSON text) to its action's batch, for the step that collects it. */
  add(limits: { count: number; windowSeconds: number }, payloadText: string): WriteWithStep {
    return async (trx: Transaction<Database>, job: Job) => {
      const now = Date.now();
      const last = {
        lastStepId: job.jobId,
        lastMessageId: job.messageId,
        lastExecutionId: job.executionId,
        appVersion: job.appVersion,
      };
      const batch = await trx
        .insertInto("collectBatches")
        .values({
          operatorId: job.operatorId,
          appId: job.appId,
          actionId: job.actionId,
          batchId: newId(),
          isOpen: 1,
          itemCount: 1,
          dueAt: now + limits.windowSeconds * 1_000,
          createdAt: now,
          ...last,
        })
        // The row lock this takes orders a message and a concurrent send of the same batch on PostgreSQL.
        .onConflict((conflict) =>
          conflict
            .columns(["operatorId", "appId", "actionId"])
            // A literal, not a parameter: SQLite matches the partial index by the text of its predicate.
            .where(sql<boolean>`is_open = 1`)
            .doUpdateSet((eb) => ({ itemCount: eb("collectBatches.itemCount", "+", 1), ...last })),
        )
        .returning(["batchId", "itemCount", "dueAt"])
        .executeTakeFirstOrThrow();
      let dueAt = Number(batch.dueAt);
      if (batch.itemCount >= limits.count) {
        // Full: due now, and closed, so the next message opens a batch of its own.
        dueAt = now;
        await trx
          .updateTable("collectBatches")
          .set({ dueAt, isOpen: 0 })
          .where("operatorId", "=", job.operatorId)
          .where("batchId", "=", batch.batchId)
          .execute();
      }
      await trx
        .insertInto("collectItems")
        .values({
          batchId: batch.batchId,
          seq: batch.itemCount,
          stepId: job.jobId,
          operatorId: job.operatorId,
          payload: payloadText,
          createdAt: now,
        })
        .execute();
      // Set before the commit: a timer that fires early finds nothing due yet and the sweep comes back.
      this.wakeAt(dueAt);
    };
  }

  start(): void {
    this.stopped = false;
    this.sweep = setInterval(() => this.sendDue(), sweepEveryMs);
    this.sweep.unref();
    this.sendDue();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweep);
    clearTimeout(this.timer);
    await this.running;
  }

  private wakeAt(dueAt: number): void {
    if (this.stopped || dueAt >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = dueAt;
    // A little after: a full batch is due now, but its transaction has still to commit.
    this.timer = setTimeout(
      () => {
        this.timerAt = Number.POSITIVE_INFINITY;
        this.sendDue();
      },
      Math.max(dueAt - Date.now(), 0) + 5,
    );
    this.timer.unref();
  }

  /** Sends every due batch; a call while a round runs makes one more round after it. */
  private sendDue(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          const due = await this.options.db
            .selectFrom("collectBatches")
            .selectAll()
            .where("dueAt", "<=", Date.now())
            .orderBy("dueAt")
            .limit(batchesPerRound)
            .execute();
          for (const batch of due) await this.send(batch);
          if (due.length === batchesPerRound) this.again = true;
        } while (this.again && !this.stopped);
      } catch (error) {
        this.options.logger.error({ err: error }, "sending collect batches failed");
      } finally {
        this.running = undefined;
      }
    })();
  }

  /** Publishes one batch as the output of the step that added its newest message known here. */
  private async send(batch: Batch): Promise<void> {
    const { store, runApps, bus, logger } = this.options;
    const operator = store.forOperator(batch.operatorId);
    // Read before the transaction: on SQLite it holds the one connection these reads would wait for.
    const [app, message, trigger] = await Promise.all([
      runApps.appFor(operator, batch.appId, batch.appVersion),
      operator.getMessage(batch.lastMessageId),
      operator.getMessage(batch.lastExecutionId),
    ]);
    const action = app?.actions.find((candidate) => candidate.actionId === batch.actionId);
    await bus.publishTaken(async (trx) => {
      const taken = await trx
        .deleteFrom("collectBatches")
        .where("operatorId", "=", batch.operatorId)
        .where("batchId", "=", batch.batchId)
        .executeTakeFirst();
      // Another instance sent it first.
      if (taken.numDeletedRows === 0n) return [];
      // Messages added since the read above are in the batch too: the row's lock ordered them before.
      const items = await trx
        .selectFrom("collectItems")
        .select("payload")
        .where("operatorId", "=", batch.operatorId)
        .where("batchId", "=", batch.batchId)
        .orderBy("seq")
        .execute();
      await trx
        .deleteFrom("collectItems")
        .where("operatorId", "=", batch.operatorId)
        .where("batchId", "=", batch.batchId)
        .execute();
      if (!app || !action || !message || !trigger) {
        logger.warn(
          { appId: batch.appId, actionId: batch.actionId, messages: items.length },
          "collect batch dropped: its app or action is gone",
        );
        return [];
      }
      const input: StepInput = {
        job: {
          jobId: batch.lastStepId,
          operatorId: batch.operatorId,
          appId: batch.appId,
          executionId: batch.lastExecutionId,
          messageId: batch.lastMessageId,
          actionId: batch.actionId,
          attempts: 0,
          appVersion: batch.appVersion,
          retries: 0,
          retryUntil: null,
          destination: null,
        },
        app,
        action,
        message,
        scope: {
          payload: message.payload,
          context: message.context,
          event: { payload: trigger.payload, context: trigger.context },
        },
      };
      const messages = items.map((item) => JSON.parse(item.payload) as JsonValue);
      return this.plan(input, messages);
    });
  }

  /** A batch too large for one message goes as several, halved until each fits; order is kept. */
  private plan(input: StepInput, messages: JsonValue[]): Delivery[] {
    try {
      return planOutputs(input, { result: { messages } }, this.options.maxMessageBytes);
    } catch (error) {
      if (error instanceof ActionError && error.code === "message_too_large" && messages.length > 1) {
        const half = Math.ceil(messages.length / 2);
        return [...this.plan(input, messages.slice(0, half)), ...this.plan(input, messages.slice(half))];
      }
      this.options.logger.warn(
        { appId: input.app.appId, actionId: input.action.actionId, err: error },
        "collect batch not sent",
      );
      return [];
    }
  }
}
