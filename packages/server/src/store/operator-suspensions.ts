import type { Kysely, Transaction } from "kysely";
import { type Job, parkedAt, setAsideBy } from "../bus/bus.ts";
import type { AnnounceJobs } from "../bus/failed-deliveries.ts";
import type { DatabaseKind } from "./database.ts";
import type { Database } from "./schema.ts";
import type { Suspension } from "./store.ts";

/** Why the provider suspends an operator [ToS 5.1.3]. */
export const suspensionReasons = [
  "unpaid_debt",
  "false_information",
  "prohibited_use",
  "unusable_card",
  "other",
] as const;

export interface OperatorStanding {
  operatorId: string;
  email: string;
  createdAt: number;
  status: string;
  statusReason?: string;
  suspensionMessage?: string;
}

/**
 * Suspending and resuming operators. A suspended operator's jobs are set aside (their `availableAt`
 * moved up by `setAsideBy`) in the same transaction, so no worker claims them, the backlog that admission
 * reads does not count them, and resuming puts each back where it was, with its delay.
 */
export class OperatorSuspensions {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DatabaseKind,
    /** A bus that hands work out elsewhere (JetStream) hears of the jobs a resume brings back. */
    private readonly announce?: AnnounceJobs,
  ) {}

  /** False when there is no such operator or it is not active (pending or refused) nor suspended already. */
  async suspend(operatorId: string, suspension: Suspension, now: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const changed = await trx
        .updateTable("operators")
        .set({
          status: "suspended",
          statusReason: suspension.reason,
          suspensionMessage: suspension.message ?? null,
          statusChangedAt: now,
        })
        .where("operatorId", "=", operatorId)
        .where("status", "in", ["active", "suspended"])
        .executeTakeFirst();
      if (changed.numUpdatedRows === 0n) return false;
      await trx
        .updateTable("jobs")
        .set((eb) => ({ availableAt: eb("availableAt", "+", setAsideBy) }))
        .where("operatorId", "=", operatorId)
        .where("availableAt", "<", setAsideBy)
        .execute();
      return true;
    });
  }

  /** False when the operator is not suspended. */
  async resume(operatorId: string, now: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const changed = await trx
        .updateTable("operators")
        .set({ status: "active", statusReason: null, suspensionMessage: null, statusChangedAt: now })
        .where("operatorId", "=", operatorId)
        .where("status", "=", "suspended")
        .executeTakeFirst();
      if (changed.numUpdatedRows === 0n) return false;
      const back = trx
        .updateTable("jobs")
        .set((eb) => ({ availableAt: eb("availableAt", "-", setAsideBy) }))
        .where("operatorId", "=", operatorId)
        .where("availableAt", ">=", setAsideBy)
        .where("availableAt", "<", parkedAt);
      if (!this.announce) await back.execute();
      // Published before the commit, as every JetStream message of a job is.
      else await this.announce(await back.returning(["jobId", "operatorId"]).execute());
      return true;
    });
  }

  /** What `GET /v1/operators/{operatorId}` shows of the operator; undefined when there is none. */
  async standingOf(operatorId: string): Promise<OperatorStanding | undefined> {
    const row = await this.db
      .selectFrom("operators")
      .select(["operatorId", "email", "createdAt", "status", "statusReason", "suspensionMessage"])
      .where("operatorId", "=", operatorId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      operatorId: row.operatorId,
      email: row.email,
      createdAt: Number(row.createdAt),
      status: row.status,
      ...(row.statusReason === null ? {} : { statusReason: row.statusReason }),
      ...(row.suspensionMessage === null ? {} : { suspensionMessage: row.suspensionMessage }),
    };
  }

  /** Every suspended operator with its reason: few rows, read through an index. */
  async suspended(): Promise<Map<string, Suspension>> {
    const rows = await this.db
      .selectFrom("operators")
      .select(["operatorId", "statusReason", "suspensionMessage"])
      .where("status", "=", "suspended")
      .execute();
    return new Map(
      rows.map((row) => [
        row.operatorId,
        {
          reason: row.statusReason ?? "other",
          ...(row.suspensionMessage === null ? {} : { message: row.suspensionMessage }),
        },
      ]),
    );
  }

  /**
   * Sets aside a job claimed after its operator was suspended (one queued by an action that was running
   * then); false when the operator is active again, and the claimer runs the job. The operator's row is
   * read under a share lock so a resume that commits meanwhile waits and then brings this job back too.
   */
  async setAside(job: Job, now: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx: Transaction<Database>) => {
      let status = trx.selectFrom("operators").select("status").where("operatorId", "=", job.operatorId);
      if (this.kind === "postgres") status = status.forShare();
      if ((await status.executeTakeFirst())?.status !== "suspended") return false;
      await trx
        .updateTable("jobs")
        .set({ availableAt: now + setAsideBy, leaseUntil: null, attempts: job.attempts - 1 })
        .where("jobId", "=", job.jobId)
        .execute();
      return true;
    });
  }
}
