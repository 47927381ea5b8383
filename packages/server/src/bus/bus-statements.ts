import type { Insertable } from "kysely";
import type { ExecutionsTable, JobsTable, MessagesTable, StepsTable } from "../store/schema.ts";
import { CompiledStatement } from "./compiled-statement.ts";

/** Every column of a table, so that the compiler says when one is added and a statement misses it. */
function columns<Table>(all: Record<keyof Table & string, true>): Array<keyof Table & string> {
  return Object.keys(all) as Array<keyof Table & string>;
}

/** The statements every event runs through the bus, for one bus (they compile for its database). */
export function createBusStatements() {
  return {
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
