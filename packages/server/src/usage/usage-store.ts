import { type Kysely, sql } from "kysely";
import {
  type OperatorUsageMeter,
  type UsageMeter,
  type UsageMetric,
  usageMonth,
} from "../runtime/ports/usage-meter.ts";
import type { Database } from "../store/schema.ts";

/**
 * One operator's usage meter: a counter row per month and metric, added to atomically so concurrent
 * actions (and several processes on one PostgreSQL database) never lose a count. Every query is
 * scoped by that operator's id.
 */
export class OperatorUsage implements OperatorUsageMeter {
  constructor(
    private readonly db: Kysely<Database>,
    readonly operatorId: string,
  ) {}

  /** Adds to counters (one statement for all of them) and returns their new values. */
  async add(amounts: Partial<Record<UsageMetric, number>>, now = Date.now()) {
    const month = usageMonth(now);
    const rows = (Object.entries(amounts) as [UsageMetric, number][])
      .filter(([, amount]) => amount !== 0)
      .map(([metric, amount]) => ({ operatorId: this.operatorId, month, metric, amount, updatedAt: now }));
    if (rows.length === 0) return {};
    const updated = await this.db
      .insertInto("usageCounters")
      .values(rows)
      .onConflict((conflict) =>
        conflict.columns(["operatorId", "month", "metric"]).doUpdateSet({
          amount: sql<number>`usage_counters.amount + excluded.amount`,
          updatedAt: now,
        }),
      )
      .returning(["metric", "amount"])
      .execute();
    return Object.fromEntries(updated.map((row) => [row.metric, Number(row.amount)])) as Partial<
      Record<UsageMetric, number>
    >;
  }

  /**
   * Takes `amount` from a monthly allowance of `limit`, or nothing when it would go over. The add
   * comes first and is undone when it overshoots, so two concurrent reservations cannot both pass
   * the last few credits.
   */
  async reserve(
    metric: UsageMetric,
    amount: number,
    limit: number,
    now = Date.now(),
  ): Promise<{ granted: boolean; used: number }> {
    if (amount === 0) return { granted: true, used: (await this.month(now))[metric] ?? 0 };
    const used = (await this.add({ [metric]: amount }, now))[metric] ?? amount;
    if (used <= limit) return { granted: true, used };
    await this.add({ [metric]: -amount }, now);
    return { granted: false, used: used - amount };
  }

  /** The limit the operator set itself for a metric, if any. */
  async quota(metric: UsageMetric): Promise<number | undefined> {
    const row = await this.db
      .selectFrom("usageQuotas")
      .select("quota")
      .where("operatorId", "=", this.operatorId)
      .where("metric", "=", metric)
      .executeTakeFirst();
    return row ? Number(row.quota) : undefined;
  }

  /** Sets (or, with undefined, removes) the operator's own limit for a metric. */
  async setQuota(metric: UsageMetric, quota: number | undefined, now = Date.now()) {
    if (quota === undefined) {
      await this.db
        .deleteFrom("usageQuotas")
        .where("operatorId", "=", this.operatorId)
        .where("metric", "=", metric)
        .execute();
      return;
    }
    await this.db
      .insertInto("usageQuotas")
      .values({ operatorId: this.operatorId, metric, quota, updatedAt: now })
      .onConflict((conflict) =>
        conflict.columns(["operatorId", "metric"]).doUpdateSet({ quota, updatedAt: now }),
      )
      .execute();
  }

  async month(now = Date.now()): Promise<Partial<Record<UsageMetric, number>>> {
    return this.countersOf(usageMonth(now));
  }

  /** The counters of a month named `YYYY-MM` (an invoice's month). */
  async countersOf(month: string): Promise<Partial<Record<UsageMetric, number>>> {
    const rows = await this.db
      .selectFrom("usageCounters")
      .select(["metric", "amount"])
      .where("operatorId", "=", this.operatorId)
      .where("month", "=", month)
      .execute();
    return Object.fromEntries(rows.map((row) => [row.metric, Number(row.amount)]));
  }
}

export class UsageStore implements UsageMeter {
  constructor(private readonly db: Kysely<Database>) {}

  forOperator(operatorId: string): OperatorUsage {
    return new OperatorUsage(this.db, operatorId);
  }
}
