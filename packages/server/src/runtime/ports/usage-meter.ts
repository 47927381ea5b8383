/** What is counted per operator per UTC calendar month. */
export type UsageMetric = "ai_credits" | "ai_input_tokens" | "ai_output_tokens" | "ai_requests" | "events";

/** `2026-11` for any time in November 2026 UTC: the unit of quotas and invoices. */
export function usageMonth(time: number): string {
  return new Date(time).toISOString().slice(0, 7);
}

/**
 * Monthly counters and quotas per operator (AI credits, tokens, requests): the AI feature counts
 * through it, the usage feature implements it, and plans and billing will read it.
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
  month(now?: number): Promise<Partial<Record<UsageMetric, number>>>;
}

export interface UsageMeter {
  forOperator(operatorId: string): OperatorUsageMeter;
}
