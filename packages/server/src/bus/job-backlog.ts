import { type Kysely, sql } from "kysely";
import type { Database } from "../store/schema.ts";
import { parkedAt } from "./bus.ts";

/** The jobs of the SQL bus by where they wait: due (ready, unclaimed), running (leased), delayed (an output delay or a retry's backoff), parked (behind an open circuit breaker). */
export type BacklogQueue = "due" | "running" | "delayed" | "parked";

export interface Backlog {
  queue: BacklogQueue;
  jobs: number;
  /** Seconds since the oldest of them was queued; 0 when there are none. */
  oldestAgeSeconds: number;
}

const queues: BacklogQueue[] = ["due", "running", "delayed", "parked"];

/** Counted at each scrape: one pass over the jobs table, which holds only what is not done yet. */
export async function jobBacklog(db: Kysely<Database>, now = Date.now()): Promise<Backlog[]> {
  const queue = sql<BacklogQueue>`case
    when available_at <= ${now} then 'due'
    when available_at = ${parkedAt} then 'parked'
    when lease_until is not null then 'running'
    else 'delayed' end`;
  const rows = await db
    .selectFrom("jobs")
    .select([queue.as("queue"), sql<number>`count(*)`.as("jobs"), sql<number>`min(created_at)`.as("oldest")])
    .groupBy(sql`1`)
    .execute();
  return queues.map((name) => {
    const row = rows.find((candidate) => candidate.queue === name);
    const jobs = Number(row?.jobs ?? 0);
    return {
      queue: name,
      jobs,
      oldestAgeSeconds: jobs > 0 && row ? Math.max(0, now - Number(row.oldest)) / 1000 : 0,
    };
  });
}

/** For each operator with due jobs, since when its oldest due job has waited (Unix ms). */
export async function dueSinceByOperator(
  db: Kysely<Database>,
  now = Date.now(),
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("jobs")
    .select(["operatorId", sql<number>`min(available_at)`.as("since")])
    .where("availableAt", "<=", now)
    .groupBy("operatorId")
    .execute();
  return new Map(rows.map((row) => [row.operatorId, Number(row.since)]));
}
