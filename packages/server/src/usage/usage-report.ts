import type { BillingCalendar } from "../runtime/billing-calendar.ts";
import { monthStart, nextMonth } from "../runtime/billing-month.ts";
import type { PlanTermsPort } from "../runtime/ports/plan-terms.ts";
import type { UsageStore } from "./usage-store.ts";

export interface UsageReportDeps {
  usage: UsageStore;
  billingCalendar: BillingCalendar;
  planTerms: PlanTermsPort;
  /** The service's own monthly AI credits (ai config): a cap over every operator's. */
  config: { ai: { monthlyCredits: number } };
}

interface MetricReport {
  used: number;
  included: number;
  quota?: number;
  planLimit?: number;
}

/** `GET /v1/usage`: a billing month's usage against the plan and the operator's own quotas. */
export interface UsageReport {
  month: string;
  events: MetricReport;
  aiCredits: MetricReport & { serviceQuota: number };
  aiRequests: number;
  aiInputTokens: number;
  aiOutputTokens: number;
  daily: Array<{ date: string; events: number; aiCredits: number }>;
}

/** The days of `month` up to `lastDay` (`YYYY-MM-DD`), each with its counts, zero when none. */
export function dailySeries(
  month: string,
  lastDay: string,
  counts: ReadonlyArray<{ day: string; metric: string; amount: number }>,
): UsageReport["daily"] {
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  const daysInMonth = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
  const series: UsageReport["daily"] = [];
  for (let day = 1; day <= daysInMonth; day++) {
    const date = `${month}-${String(day).padStart(2, "0")}`;
    if (date > lastDay) break;
    const of = (metric: string) =>
      counts.find((count) => count.day === date && count.metric === metric)?.amount ?? 0;
    series.push({ date, events: of("events"), aiCredits: of("ai_credits") });
  }
  return series;
}

/** A field with no value is left out, never null. */
const present = (name: string, value: number | undefined) => (value === undefined ? {} : { [name]: value });

export async function usageReport(
  operatorId: string,
  month: string,
  deps: UsageReportDeps,
  now = Date.now(),
): Promise<UsageReport> {
  const { billingCalendar: calendar } = deps;
  const current = calendar.month(now);
  // A past month's terms are those at its last moment; the current one's, now's.
  const end = monthStart(nextMonth(month), calendar.timeZone);
  const at = month < current ? end - 1 : now;
  const lastDay = month < current ? `${month}-31` : month === current ? calendar.day(now) : "";
  const meter = deps.usage.forOperator(operatorId);
  const [counters, quotas, terms, daily] = await Promise.all([
    meter.ofMonth(month),
    meter.quotas(),
    deps.planTerms.termsOf(operatorId, at),
    meter.daily(month),
  ]);
  return {
    month,
    events: {
      used: counters.events ?? 0,
      included: terms.included.events,
      ...present("quota", quotas.events),
      ...present("planLimit", terms.limits.eventsPerMonth),
    },
    aiCredits: {
      used: counters.ai_credits ?? 0,
      included: terms.included.aiCredits,
      ...present("quota", quotas.ai_credits),
      serviceQuota: deps.config.ai.monthlyCredits,
    },
    aiRequests: counters.ai_requests ?? 0,
    aiInputTokens: counters.ai_input_tokens ?? 0,
    aiOutputTokens: counters.ai_output_tokens ?? 0,
    daily: dailySeries(month, lastDay, daily),
  };
}

/** The cap the door applies: the lower of the plan's `limits.eventsPerMonth` and the operator's own quota. */
export async function eventsCap(
  operatorId: string,
  at: number,
  deps: Pick<UsageReportDeps, "usage" | "planTerms">,
): Promise<number | undefined> {
  const [terms, own] = await Promise.all([
    deps.planTerms.termsOf(operatorId, at),
    deps.usage.forOperator(operatorId).quota("events"),
  ]);
  const caps = [terms.limits.eventsPerMonth, own].filter((cap): cap is number => cap !== undefined);
  return caps.length ? Math.min(...caps) : undefined;
}
