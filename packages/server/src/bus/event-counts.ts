import { type Kysely, sql } from "kysely";
import type { Database } from "../store/schema.ts";
import { CompiledStatement } from "./compiled-statement.ts";

/**
 * Events are counted in the transaction that makes their executions durable (billing: an `events`
 * usage per run an event source starts), into the usage feature's monthly and daily counters.
 */

/** One event of an operator on a billing day (`YYYY-MM-DD`; its month is the first seven characters). */
export interface EventCount {
  operatorId: string;
  day: string;
}

/** A counter's addition: the events of one operator on one day, summed over a commit's writes. */
export interface EventTally {
  operatorId: string;
  day: string;
  amount: number;
}

/** The UTC day, for a bus given no billing calendar. */
export const utcDay = (at: number) => new Date(at).toISOString().slice(0, 10);

/**
 * Sums a commit's events per operator and day, in one order for every commit: concurrent commits lock
 * the counter rows in the same order, so two instances' commits wait for each other, never deadlock.
 */
export function tallyEvents(counts: Iterable<EventCount>): EventTally[] {
  const tallies = new Map<string, EventTally>();
  for (const { operatorId, day } of counts) {
    const key = `${operatorId}\u0000${day}`;
    const tally = tallies.get(key);
    if (tally) tally.amount++;
    else tallies.set(key, { operatorId, day, amount: 1 });
  }
  return [...tallies.values()].sort((a, b) =>
    a.operatorId === b.operatorId ? a.day.localeCompare(b.day) : a.operatorId.localeCompare(b.operatorId),
  );
}

const metric = "events";

interface CounterValues extends Record<string, unknown> {
  operatorId: string;
  metric: string;
  amount: number;
  updatedAt: number;
}

/** SQLite: a statement per counter (no round trips there), compiled once. */
const addToMonth = new CompiledStatement<CounterValues & { month: string }>(
  ["operatorId", "month", "metric", "amount", "updatedAt"],
  (db, row) =>
    db
      .insertInto("usageCounters")
      .values(row)
      .onConflict((conflict) =>
        conflict.columns(["operatorId", "month", "metric"]).doUpdateSet({
          amount: sql<number>`usage_counters.amount + excluded.amount`,
          updatedAt: sql<number>`excluded.updated_at`,
        }),
      ),
);
const addToDay = new CompiledStatement<CounterValues & { day: string }>(
  ["operatorId", "day", "metric", "amount", "updatedAt"],
  (db, row) =>
    db
      .insertInto("usageDailyCounters")
      .values(row)
      .onConflict((conflict) =>
        conflict.columns(["operatorId", "day", "metric"]).doUpdateSet({
          amount: sql<number>`usage_daily_counters.amount + excluded.amount`,
          updatedAt: sql<number>`excluded.updated_at`,
        }),
      ),
);

/**
 * PostgreSQL: every tally of a commit as common table expressions of constant text, the monthly
 * counters summed from the daily ones, with parameters from `$first` on: a statement of their own, or
 * joined to one the commit makes anyway (the jobs' insert), so that counting costs no round trip.
 */
export function eventTallyExpressions(first: number): string {
  const [operators, days, amounts, metricSlot, now] = [0, 1, 2, 3, 4].map((offset) => `$${first + offset}`);
  return `tallies as (
  select * from unnest(${operators}::text[], ${days}::text[], ${amounts}::int8[]) as t(operator_id, day, amount)
), monthly as (
  insert into usage_counters (operator_id, month, metric, amount, updated_at)
  select operator_id, left(day, 7), ${metricSlot}, sum(amount)::int8, ${now} from tallies
  group by operator_id, left(day, 7) order by 1, 2
  on conflict (operator_id, month, metric)
  do update set amount = usage_counters.amount + excluded.amount, updated_at = excluded.updated_at
), daily as (
  insert into usage_daily_counters (operator_id, day, metric, amount, updated_at)
  select operator_id, day, ${metricSlot}, amount, ${now} from tallies order by 1, 2
  on conflict (operator_id, day, metric)
  do update set amount = usage_daily_counters.amount + excluded.amount, updated_at = excluded.updated_at
)`;
}

/** The parameters of `eventTallyExpressions`, in their order. */
export function eventTallyParameters(tallies: EventTally[], now: number): unknown[] {
  return [
    tallies.map((tally) => tally.operatorId),
    tallies.map((tally) => tally.day),
    tallies.map((tally) => tally.amount),
    metric,
    now,
  ];
}

/**
 * SQLite: adds the tallies to the operators' monthly and daily `events` counters, in the caller's
 * transaction (PostgreSQL's group commit joins `eventTallyExpressions` to its inserts instead).
 */
export async function addEventTallies(
  trx: Kysely<Database>,
  tallies: EventTally[],
  now: number,
): Promise<void> {
  for (const { operatorId, day, amount } of tallies) {
    const values = { operatorId, metric, amount, updatedAt: now };
    await addToMonth.execute(trx, { ...values, month: day.slice(0, 7) });
    await addToDay.execute(trx, { ...values, day });
  }
}
