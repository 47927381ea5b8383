import type { Kysely, SelectQueryBuilder } from "kysely";
import type { Database } from "../store/schema.ts";
import type { StepError } from "../store/store.ts";

/**
 * Outbound actions whose failed steps are deliveries that did not arrive: what an operator looks for
 * after a destination's outage outlasted the retries, and sends again in bulk.
 */
export const deliveryActionTypes = [
  "webhook",
  "slack",
  "slack-notification",
  "email",
  "email-notification",
  "line-notification",
] as const;

export interface FailedDeliveryFilter {
  appId?: string;
  actionId?: string;
  /** The step error's code, as the history shows it (`http_status`, `outbound_timeout`, …). */
  errorCode?: string;
  /** When the step failed: from inclusive, to exclusive (Unix ms). */
  from?: number;
  to?: number;
}

export interface FailedDelivery {
  stepId: string;
  runId: string;
  messageId: string;
  appId: string;
  actionId: string;
  actionType: string;
  error: StepError | null;
  attempts: number;
  failedAt: number | null;
}

/**
 * Jobs written straight to the queue table (or made due there), for a bus that hands work out elsewhere
 * (JetStream) to announce. Called inside the transaction that writes them, so they commit announced or not at all.
 */
export type AnnounceJobs = (jobs: Array<{ jobId: string; operatorId: string }>) => Promise<void>;

/** The failed deliveries of one operator at a time: every statement is scoped by the operator. */
export class FailedDeliveries {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly announce?: AnnounceJobs,
  ) {}

  /** Newest first; `before` is a stepId, the page after it. */
  async list(
    operatorId: string,
    filter: FailedDeliveryFilter & { before?: string; limit: number },
  ): Promise<FailedDelivery[]> {
    let query = this.matching(operatorId, filter).select([
      "stepId",
      "executionId",
      "messageId",
      "appId",
      "actionId",
      "actionType",
      "error",
      "attempts",
      "finishedAt",
    ]);
    if (filter.before) query = query.where("stepId", "<", filter.before);
    const rows = await query.orderBy("stepId", "desc").limit(filter.limit).execute();
    return rows.map(({ executionId, error, finishedAt, ...row }) => ({
      ...row,
      runId: executionId,
      error: error === null ? null : (JSON.parse(error) as StepError),
      failedAt: finishedAt,
    }));
  }

  /**
   * Queues every matching delivery again as the job it was, so each try sends the same Idempotency-Key
   * (the step's id) and a receiver that got it before can tell. Its step shows `retrying` until it ends.
   * Returns how many were queued.
   */
  async replay(operatorId: string, filter: FailedDeliveryFilter): Promise<number> {
    const now = Date.now();
    const queued = await this.db.transaction().execute(async (trx) => {
      const queued = await trx
        .insertInto("jobs")
        .columns([
          "jobId",
          "operatorId",
          "appId",
          "executionId",
          "messageId",
          "actionId",
          "availableAt",
          "leaseUntil",
          "attempts",
          "retries",
          "retryUntil",
          "destination",
          "createdAt",
        ])
        .expression(
          this.matching(operatorId, filter, trx).select((eb) => [
            "stepId",
            "operatorId",
            "appId",
            "executionId",
            "messageId",
            "actionId",
            eb.val(now).as("availableAt"),
            eb.val(null).as("leaseUntil"),
            eb.val(0).as("attempts"),
            eb.val(0).as("retries"),
            eb.val(null).as("retryUntil"),
            eb.val(null).as("destination"),
            eb.val(now).as("createdAt"),
          ]),
        )
        .onConflict((conflict) => conflict.column("jobId").doNothing())
        .returning(["jobId", "operatorId"])
        .execute();
      await trx
        .updateTable("steps")
        .set({ status: "retrying", finishedAt: null })
        .where("operatorId", "=", operatorId)
        .where("stepId", "in", this.matching(operatorId, filter, trx).select("stepId"))
        .execute();
      // Published before the commit: a crash between the two must not leave jobs queued that JetStream never hands out.
      await this.announce?.(queued);
      return queued;
    });
    return queued.length;
  }

  private matching(
    operatorId: string,
    filter: FailedDeliveryFilter,
    db: Kysely<Database> = this.db,
  ): SelectQueryBuilder<Database, "steps", object> {
    let query = db
      .selectFrom("steps")
      .where("operatorId", "=", operatorId)
      .where("status", "=", "failed")
      .where("actionType", "in", deliveryActionTypes);
    if (filter.appId) query = query.where("appId", "=", filter.appId);
    if (filter.actionId) query = query.where("actionId", "=", filter.actionId);
    if (filter.from !== undefined) query = query.where("finishedAt", ">=", filter.from);
    if (filter.to !== undefined) query = query.where("finishedAt", "<", filter.to);
    if (filter.errorCode) {
      // The error is stored as JSON text that starts with its code (run-job.ts writes {code, message}).
      const prefix = `{"code":${JSON.stringify(filter.errorCode)},`;
      query = query.where((eb) =>
        eb(eb.fn("substr", ["error", eb.val(1), eb.val(prefix.length)]), "=", prefix),
      );
    }
    return query;
  }
}
