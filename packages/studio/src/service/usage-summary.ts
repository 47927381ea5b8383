import type { MeteredUsage } from "./service-api.ts";

/** What caps a metric this month: the lower of the operator's own quota and the plan's limit. */
export interface UsageCap {
  amount: number;
  by: "quota" | "plan";
}

export interface UsageSummary {
  used: number;
  included: number;
  /** Used beyond the included amount: billed as overage. */
  beyondIncluded: number;
  cap?: UsageCap;
  /** Left before the cap refuses more; absent without a cap. */
  leftBeforeCap?: number;
  /** The share (0–1) of the bar to fill: of the cap when there is one, else of the included amount. */
  fill: number;
}

/** The figures a usage panel shows for one metric; the door refuses at the lower of the two caps. */
export function summarizeUsage(usage: MeteredUsage): UsageSummary {
  const caps: UsageCap[] = [];
  if (usage.quota !== undefined) caps.push({ amount: usage.quota, by: "quota" });
  if (usage.planLimit !== undefined) caps.push({ amount: usage.planLimit, by: "plan" });
  const cap = caps.sort((a, b) => a.amount - b.amount)[0];
  const scale = cap?.amount ?? usage.included;
  const fill = scale > 0 ? Math.min(1, usage.used / scale) : usage.used > 0 ? 1 : 0;
  return {
    used: usage.used,
    included: usage.included,
    beyondIncluded: Math.max(0, usage.used - usage.included),
    ...(cap ? { cap, leftBeforeCap: Math.max(0, cap.amount - usage.used) } : {}),
    fill,
  };
}
