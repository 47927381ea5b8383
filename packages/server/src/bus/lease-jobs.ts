import type { Kysely, OperandValueExpressionOrList } from "kysely";
import type { Database } from "../store/schema.ts";
import type { Job } from "./bus.ts";

/**
 * Leases those of the given jobs that are due, in one update that also returns the app version each
 * job's execution started on (a step runs on that version, without a read per job). Both buses claim
 * through it: the SQL bus with a subquery of due rows, the JetStream bus with the ids it was handed.
 */
export function leaseDueJobs(
  db: Kysely<Database>,
  jobIds: OperandValueExpressionOrList<Database, "jobs", "jobId">,
  now: number,
  leaseMs: number,
): Promise<Job[]> {
  return db
    .updateTable("jobs")
    .set((eb) => ({
      availableAt: now + leaseMs,
      leaseUntil: now + leaseMs,
      attempts: eb("attempts", "+", 1),
    }))
    .where("jobId", "in", jobIds)
    .where("availableAt", "<=", now)
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
