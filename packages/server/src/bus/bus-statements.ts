import { type Insertable, sql } from "kysely";
import type { DatabaseKind } from "../store/database.ts";
import type { ExecutionsTable, JobsTable, MessagesTable, StepsTable } from "../store/schema.ts";
import { CompiledStatement } from "./compiled-statement.ts";
import { leaseDueJobsQuery } from "./lease-jobs.ts";

/** Every column of a table, so that the compiler says when one is added and a statement misses it. */
function columns<Table>(all: Record<keyof Table & string, true>): Array<keyof Table & string> {
  return Object.keys(all) as Array<keyof Table & string>;
}

/** What a claim leases: jobs due at `now`, at most `max`, each until `until`. */
export interface ClaimValues extends Record<string, unknown> {
  now: number;
  until: number;
  max: number;
}

/**
 * The lease of due jobs with a subquery of the due rows, compiled once: it runs whenever a worker
 * has free slots, so building it per call cost as much as running it.
 */
function claimStatement(kind: DatabaseKind) {
  return new CompiledStatement<ClaimValues>(["now", "until", "max"], (db, { now, until, max }) => {
    // A leased job is due again when its lease ends, so "due" is one index range: available_at <= now.
    let due = db
      .selectFrom("jobs")
      .select("jobId")
      .where("availableAt", "<=", now)
      .orderBy("availableAt")
      .limit(max);
    // Several workers on PostgreSQL: each takes rows the others have not locked.
    if (kind === "postgres") due = due.forUpdate().skipLocked();
    return leaseDueJobsQuery(db, due, now, until);
  });
}

/** The statements every event runs through the bus, for one bus (they compile for its database). */
export function createBusStatements(kind: DatabaseKind) {
  return {
    claim: claimStatement(kind),
    anyDue: new CompiledStatement<{ now: number }>(["now"], (db, { now }) =>
      db.selectFrom("jobs").select("jobId").where("availableAt", "<=", now).limit(sql.lit(1)),
    ),
    insertExecution: new CompiledStatement<Insertable<ExecutionsTable>>(
      columns<ExecutionsTable>({
        executionId: true,
        operatorId: true,
        appId: true,
        channelId: true,
        eventType: true,
        dedupeKey: true,
        replayOf: true,
        appVersion: true,
        createdAt: true,
      }),
      (db, row) => db.insertInto("executions").values(row),
    ),
    insertMessage: new CompiledStatement<Insertable<MessagesTable>>(
      columns<MessagesTable>({
        messageId: true,
        executionId: true,
        operatorId: true,
        appId: true,
        channelId: true,
        hop: true,
        payload: true,
        context: true,
        parentStepId: true,
        createdAt: true,
      }),
      (db, row) => db.insertInto("messages").values(row),
    ),
    insertJob: new CompiledStatement<Insertable<JobsTable>>(
      columns<JobsTable>({
        jobId: true,
        operatorId: true,
        appId: true,
        executionId: true,
        messageId: true,
        actionId: true,
        availableAt: true,
        leaseUntil: true,
        attempts: true,
        retries: true,
        retryUntil: true,
        destination: true,
        createdAt: true,
      }),
      (db, row) => db.insertInto("jobs").values(row),
    ),
    deleteJob: new CompiledStatement<{ jobId: string }>(["jobId"], (db, { jobId }) =>
      db.deleteFrom("jobs").where("jobId", "=", jobId),
    ),
    upsertStep: new CompiledStatement<Insertable<StepsTable>>(
      columns<StepsTable>({
        stepId: true,
        executionId: true,
        messageId: true,
        operatorId: true,
        appId: true,
        channelId: true,
        actionId: true,
        actionType: true,
        status: true,
        conditionValue: true,
        input: true,
        result: true,
        error: true,
        usage: true,
        attempts: true,
        startedAt: true,
        finishedAt: true,
      }),
      (db, row) => {
        const { stepId: _, ...changes } = row;
        return db
          .insertInto("steps")
          .values(row)
          .onConflict((conflict) => conflict.column("stepId").doUpdateSet(changes));
      },
    ),
  };
}
