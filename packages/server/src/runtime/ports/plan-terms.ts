import type { Plan } from "../../store/plans.ts";

/**
 * A plan as features read it: fee and included amounts for money, limits and features for the rest.
 * Its shape is the store's (store/plans.ts, billing.md "Plans and metering").
 */
export type PlanTerms = Readonly<Plan>;

/** The plan in force for an operator at a moment (now by default). */
export interface PlanTermsPort {
  termsOf(operatorId: string, at?: number): Promise<PlanTerms>;
}
