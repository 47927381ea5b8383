import type { BillingCalendar } from "../runtime/billing-calendar.ts";
import type { UsageMeter } from "../runtime/ports/usage-meter.ts";

/** A customer's usage of the month so far, as its partner sees it (and bills it [ToS 8.3]). */
export interface CustomerUsage {
  /** `YYYY-MM` */
  month: string;
  events: number;
  aiCredits: number;
}

export async function customerUsage(
  usage: UsageMeter,
  calendar: Pick<BillingCalendar, "month">,
  operatorId: string,
  now: number,
): Promise<CustomerUsage> {
  // Read as names, not UsageMetric: events are counted by the metering of the usage feature.
  const counters: Partial<Record<string, number>> = await usage.forOperator(operatorId).month(now);
  return { month: calendar.month(now), events: counters.events ?? 0, aiCredits: counters.ai_credits ?? 0 };
}
