/**
 * What is counted per operator per billing month (the provider's billing time zone): `events` by the
 * bus as runs start (bus/event-counts.ts), the AI metrics by the AI feature.
 */
export type UsageMetric = "events" | "ai_credits" | "ai_input_tokens" | "ai_output_tokens" | "ai_requests";

/**
 * Monthly counters and quotas per operator (events, AI credits, tokens, requests): the AI feature
 * counts through it, the usage feature implements it, and plans and billing read it.
 */
export interface OperatorUsageMeter {
  readonly operatorId: string;
  /** Adds to counters and returns their new values. */
  add(
    amounts: Partial<Record<UsageMetric, number>>,
    now?: number,
  ): Promise<Partial<Record<UsageMetric, number>>>;
  /** Takes `amount` from a monthly allowance of `limit`, or nothing when it would go over. */
  reserve(
    metric: UsageMetric,
    amount: number,
    limit: number,
    now?: number,
  ): Promise<{ granted: boolean; used: number }>;
  /** The limit the operator set itself for a metric, if any. */
  quota(metric: UsageMetric): Promise<number | undefined>;
  /** Sets (or, with undefined, removes) the operator's own limit for a metric. */
  setQuota(metric: UsageMetric, quota: number | undefined, now?: number): Promise<void>;
  /** The counters of the billing month `now` falls in. */
  month(now?: number): Promise<Partial<Record<UsageMetric, number>>>;
  /** The counters of a billing month, `YYYY-MM`. */
  ofMonth(month: string): Promise<Partial<Record<UsageMetric, number>>>;
}

export interface UsageMeter {
  forOperator(operatorId: string): OperatorUsageMeter;
}
