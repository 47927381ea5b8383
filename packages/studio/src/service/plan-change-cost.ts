import { isUpgrade } from "./plan-terms.ts";
import type { Plan } from "./service-api.ts";

/**
 * What changing to a plan costs, from the plans' fees only (billing.md): an upgrade applies at once and
 * this month's `plan` line becomes its fee (the highest fee in force in the month, no pro-rata); a
 * downgrade applies from the first day of next month, and this month keeps the current fee.
 */
export type PlanChangeCost =
  | { when: "current"; monthlyFee: number }
  | { when: "now"; monthlyFee: number; planLineThisMonth: number; moreThisMonth: number }
  | { when: "next-month"; monthlyFee: number; from: string; planLineThisMonth: number };

/** `YYYY-MM` → the first day of the month after it, `YYYY-MM-DD`. */
export function firstDayOfNextMonth(month: string): string {
  const [year, number] = month.split("-").map(Number) as [number, number];
  const next = year * 12 + number; // 0-based index of the next month
  return `${Math.floor(next / 12)}-${String((next % 12) + 1).padStart(2, "0")}-01`;
}

export function planChangeCost(current: Plan | undefined, target: Plan, thisMonth: string): PlanChangeCost {
  const monthlyFee = target.monthlyFee;
  if (current?.planId === target.planId) return { when: "current", monthlyFee };
  const currentFee = current?.monthlyFee ?? 0;
  if (isUpgrade(current, target))
    return { when: "now", monthlyFee, planLineThisMonth: monthlyFee, moreThisMonth: monthlyFee - currentFee };
  return {
    when: "next-month",
    monthlyFee,
    from: firstDayOfNextMonth(thisMonth),
    planLineThisMonth: currentFee,
  };
}

/** The cost in words, next to the plan. */
export function describePlanChangeCost(cost: PlanChangeCost): string {
  const money = (amount: number) => amount.toLocaleString();
  switch (cost.when) {
    case "current":
      return "Your plan";
    case "now":
      return `Applies now: this month's plan line becomes ${money(cost.planLineThisMonth)} (${money(cost.moreThisMonth)} more, before tax)`;
    case "next-month":
      return `Applies from ${cost.from}: this month stays at ${money(cost.planLineThisMonth)}`;
  }
}
