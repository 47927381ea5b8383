import type { Plan, PlanLimits } from "./service-api.ts";

const limitNames: Record<keyof PlanLimits, string> = {
  apps: "apps",
  actionsPerApp: "actions per app",
  eventsPerMonth: "events a month",
  historyRetentionDays: "days of history",
  dataRetentionDays: "days of data",
  emailsPerMonth: "e-mails a month",
  ingestBytesPerSecondPerDevice: "bytes/s per device",
  ingestBytesPerSecondPerOperator: "bytes/s per operator",
};

/** A plan's limits in words ("3 apps, 10 actions per app"); "no limits" when it sets none. */
export function describeLimits(limits: PlanLimits): string {
  const parts = (Object.keys(limitNames) as (keyof PlanLimits)[]).flatMap((key) => {
    const value = limits[key];
    return value === undefined ? [] : [`${value.toLocaleString()} ${limitNames[key]}`];
  });
  return parts.length ? parts.join(", ") : "no limits";
}

/** What is included each month, and what each block beyond it costs. */
export function describeIncluded(plan: Plan): string {
  const metric = (name: string, included: number, block?: { blockSize: number; pricePerBlock: number }) =>
    `${included.toLocaleString()} ${name}${
      block ? ` (then ${block.pricePerBlock.toLocaleString()} per ${block.blockSize.toLocaleString()})` : ""
    }`;
  return [
    metric("events", plan.included.events, plan.overage?.events),
    metric("AI credits", plan.included.aiCredits, plan.overage?.aiCredits),
  ].join(", ");
}

/** billing.md: a higher fee is an upgrade (at once); anything else waits for the next month. */
export function isUpgrade(from: Plan | undefined, to: Plan): boolean {
  return from === undefined || to.monthlyFee > from.monthlyFee;
}
