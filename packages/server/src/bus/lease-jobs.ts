import { type Kysely, type OperandValueExpressionOrList, sql } from "kysely";
import type { Database } from "../store/schema.ts";
import type { Job } from "./bus.ts";

/**
 * The update that leases those of the given jobs that are due at `now` until `until`, and returns the
 * app version each job's execution started on (a step runs on that version, without a read per job).
 * Its only values are `now`, `until` and the ids, so the SQL bus compiles it once with a subquery of
 * due rows; the JetStream bus runs it with the ids it was handed.
 */
export function leaseDueJobsQuery(
  db: Kysely<Database>,
  jobIds: OperandValueExpressionOrList<Database, "jobs", "jobId">,
  now: number,
  until: number,
) {
  return db
    .updateTable("jobs")
    .set({ availableAt: until, leaseUntil: until, attempts: sql<number>`${sql.ref("attempts")} + 1` })
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
    );
}

/** Leases those of the given jobs that are due, for `leaseMs`. */
export function leaseDueJobs(
  db: Kysely<Database>,
  jobIds: OperandValueExpressionOrList<Database, "jobs", "jobId">,
  now: number,
  leaseMs: number,
): Promise<Job[]> {
  return leaseDueJobsQuery(db, jobIds, now, now + leaseMs).execute();
}
