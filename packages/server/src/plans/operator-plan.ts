import { UserError } from "../errors.ts";
import { appsOverPlan } from "../runtime/plan-fit.ts";
import type { OperatorPlan, Plan, PlanStore } from "../store/plans.ts";
import type { Store } from "../store/store.ts";
import type { OperatorPlanView } from "./plan-schemas.ts";
import { firstDayOfNextMonth, localDate } from "./zoned-month.ts";

/** What an operator's plan change reads and writes. */
export interface PlanChangeDeps {
  plans: PlanStore;
  store: Store;
  /** The provider's billing time zone (IANA name): months start there. */
  billingTimeZone(): Promise<string>;
  /** The operator's "now": its test clock's time when it has one (billing.md "Test clocks"). */
  operatorClock(operatorId: string): Promise<number>;
}

export function viewOf({ current, pending }: OperatorPlan, timeZone: string): OperatorPlanView {
  return pending
    ? {
        planId: current.planId,
        pendingPlanId: pending.plan.planId,
        pendingFrom: localDate(pending.fromMs, timeZone),
      }
    : { planId: current.planId };
}

/**
 * When a move from `current` to `target` takes effect: a downgrade (a lower fee) on the first day of
 * the next month in the billing time zone, anything else at once (billing.md).
 */
export function effectiveFrom(current: Plan, target: Plan, now: number, timeZone: string): number {
  return target.monthlyFee < current.monthlyFee ? firstDayOfNextMonth(now, timeZone).startMs : now;
}

async function planNamed(plans: PlanStore, planId: string): Promise<Plan> {
  const plan = await plans.getPlan(planId);
  if (!plan) throw new UserError("not_found", `no plan ${planId}`);
  return plan;
}

/**
 * The operator's own choice: refused while its apps use more than the plan allows (a plan-only
 * feature, more apps or actions); choosing the plan in force cancels a pending change.
 */
export async function chooseOperatorPlan(
  { plans, store, billingTimeZone }: PlanChangeDeps,
  operatorId: string,
  planId: string,
  now = Date.now(),
): Promise<OperatorPlanView> {
  const target = await planNamed(plans, planId);
  const { current } = await plans.operatorPlan(operatorId, now);
  const timeZone = await billingTimeZone();
  if (target.planId !== current.planId) {
    const reason = appsOverPlan(await store.forOperator(operatorId).listApps(), target);
    if (reason) throw new UserError("conflict", `cannot change to plan '${planId}': ${reason}`);
  }
  const fromMs = effectiveFrom(current, target, now, timeZone);
  if (!(await plans.changeOperatorPlan(operatorId, planId, fromMs, now)))
    throw new UserError("not_found", `no plan ${planId}`);
  return viewOf(await plans.operatorPlan(operatorId, now), timeZone);
}

/** The provider's decision: any plan, at once, whatever the operator's apps use. */
export async function setOperatorPlan(
  { plans, billingTimeZone }: Omit<PlanChangeDeps, "store">,
  operatorId: string,
  planId: string,
  now = Date.now(),
): Promise<OperatorPlanView> {
  await planNamed(plans, planId);
  if (!(await plans.changeOperatorPlan(operatorId, planId, now, now)))
    throw new UserError("not_found", `no plan ${planId}`);
  return viewOf(await plans.operatorPlan(operatorId, now), await billingTimeZone());
}
