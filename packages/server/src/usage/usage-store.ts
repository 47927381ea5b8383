import { type Kysely, sql } from "kysely";
import type { BillingCalendar } from "../runtime/billing-calendar.ts";
import { billingDay } from "../runtime/billing-month.ts";
import type { OperatorUsageMeter, UsageMeter, UsageMetric } from "../runtime/ports/usage-meter.ts";
import type { Database } from "../store/schema.ts";

/** Dates usage: the provider's billing calendar, or UTC days. */
export type UsageCalendar = Pick<BillingCalendar, "day">;

const utcCalendar: UsageCalendar = { day: (at) => billingDay(at, "UTC") };

/** An operator's time when the real time is `at`: its test clock's, when it is bound to one. */
export type OperatorTime = (operatorId: string, at: number) => number;

const realTime: OperatorTime = (_operatorId, at) => at;

type Counters = Partial<Record<UsageMetric, number>>;

/** One day's count of a metric (`day` is `YYYY-MM-DD` in the billing time zone). */
export interface DailyCount {
  day: string;
  metric: UsageMetric;
  amount: number;
}

/** An operator's month, as the provider lists every operator's. */
export interface OperatorMonth {
  operatorId: string;
  email: string;
  events: number;
  aiCredits: number;
}

/**
 * One operator's usage meter: a counter row per month and metric, added to atomically so concurrent
 * actions (and several processes on one PostgreSQL database) never lose a count. Every query is
 * scoped by that operator's id.
 */
export class OperatorUsage implements OperatorUsageMeter {
  constructor(
    private readonly db: Kysely<Database>,
    readonly operatorId: string,
    private readonly calendar: UsageCalendar,
    private readonly operatorTime: OperatorTime = realTime,
  ) {}

  /** The billing day usage at real time `now` is counted on: the operator's test clock's day, when bound. */
  private dayAt(now: number): string {
    return this.calendar.day(this.operatorTime(this.operatorId, now));
  }

  /** Adds to the monthly and daily counters (together) and returns the monthly ones' new values. */
  async add(amounts: Counters, now = Date.now()): Promise<Counters> {
    const day = this.dayAt(now);
    const rows = (Object.entries(amounts) as [UsageMetric, number][])
      .filter(([, amount]) => amount !== 0)
      .map(([metric, amount]) => ({ operatorId: this.operatorId, metric, amount, updatedAt: now }));
    if (rows.length === 0) return {};
    const updated = await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("usageDailyCounters")
        .values(rows.map((row) => ({ ...row, day })))
        .onConflict((conflict) =>
          conflict.columns(["operatorId", "day", "metric"]).doUpdateSet({
            amount: sql<number>`usage_daily_counters.amount + excluded.amount`,
            updatedAt: now,
          }),
        )
        .execute();
      return trx
        .insertInto("usageCounters")
        .values(rows.map((row) => ({ ...row, month: day.slice(0, 7) })))
        .onConflict((conflict) =>
          conflict.columns(["operatorId", "month", "metric"]).doUpdateSet({
            amount: sql<number>`usage_counters.amount + excluded.amount`,
            updatedAt: now,
          }),
        )
        .returning(["metric", "amount"])
        .execute();
    });
    return Object.fromEntries(updated.map((row) => [row.metric, Number(row.amount)]));
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

  /** Every limit the operator set itself. */
  async quotas(): Promise<Counters> {
    const rows = await this.db
      .selectFrom("usageQuotas")
      .select(["metric", "quota"])
      .where("operatorId", "=", this.operatorId)
      .execute();
    return Object.fromEntries(rows.map((row) => [row.metric, Number(row.quota)]));
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

  month(now = Date.now()): Promise<Counters> {
    return this.ofMonth(this.dayAt(now).slice(0, 7));
  }

  async ofMonth(month: string): Promise<Counters> {
    const rows = await this.db
      .selectFrom("usageCounters")
      .select(["metric", "amount"])
      .where("operatorId", "=", this.operatorId)
      .where("month", "=", month)
      .execute();
    return Object.fromEntries(rows.map((row) => [row.metric, Number(row.amount)]));
  }

  /** The month's counts by day (only days and metrics counted). */
  async daily(month: string): Promise<DailyCount[]> {
    const rows = await this.db
      .selectFrom("usageDailyCounters")
      .select(["day", "metric", "amount"])
      .where("operatorId", "=", this.operatorId)
      .where("day", ">=", `${month}-01`)
      .where("day", "<=", `${month}-31`)
      .orderBy("day")
      .execute();
    return rows.map((row) => ({
      day: row.day,
      metric: row.metric as UsageMetric,
      amount: Number(row.amount),
    }));
  }
}

export class UsageStore implements UsageMeter {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly calendar: UsageCalendar = utcCalendar,
    private readonly operatorTime: OperatorTime = realTime,
  ) {}

  forOperator(operatorId: string): OperatorUsage {
    return new OperatorUsage(this.db, operatorId, this.calendar, this.operatorTime);
  }

  /** Every operator's events and AI credits in a billing month, for the provider. */
  async everyOperator(month: string): Promise<OperatorMonth[]> {
    const rows = await this.db
      .selectFrom("operators")
      .leftJoin("usageCounters as events", (join) =>
        join
          .onRef("events.operatorId", "=", "operators.operatorId")
          .on("events.month", "=", month)
          .on("events.metric", "=", "events"),
      )
      .leftJoin("usageCounters as credits", (join) =>
        join
          .onRef("credits.operatorId", "=", "operators.operatorId")
          .on("credits.month", "=", month)
          .on("credits.metric", "=", "ai_credits"),
      )
      .select([
        "operators.operatorId",
        "operators.email",
        "events.amount as events",
        "credits.amount as aiCredits",
      ])
      .orderBy("operators.operatorId")
      .execute();
    return rows.map((row) => ({
      operatorId: row.operatorId,
      email: row.email,
      events: Number(row.events ?? 0),
      aiCredits: Number(row.aiCredits ?? 0),
    }));
  }
}
