/** What an operator's plan allows (billing.md "Plans and metering"); an absent limit limits nothing. */
export interface PlanLimits {
  apps?: number;
  actionsPerApp?: number;
  eventsPerMonth?: number;
  historyRetentionDays?: number;
  dataRetentionDays?: number;
  emailsPerMonth?: number;
  ingestBytesPerSecondPerDevice?: number;
  ingestBytesPerSecondPerOperator?: number;
}

export interface OverageBlock {
  blockSize: number;
  /** Integer minor units of the provider's currency. */
  pricePerBlock: number;
}

/** A plan as features read it: fee and included amounts for money, limits and features for the rest. */
export interface PlanTerms {
  planId: string;
  name: string;
  /** Integer minor units of the provider's currency. */
  monthlyFee: number;
  included: { events: number; aiCredits: number };
  overage?: { events?: OverageBlock; aiCredits?: OverageBlock };
  limits: PlanLimits;
  /** Plan-only features the plan includes, e.g. `timer.cron`. */
  features: readonly string[];
}

/** The plan in force for an operator at a moment (now by default). */
export interface PlanTermsPort {
  termsOf(operatorId: string, at?: number): Promise<PlanTerms>;
}

/** The built-in plan every new operator starts on: free, and capping nothing until the provider edits it. */
export const developerPlanTerms: PlanTerms = {
  planId: "developer",
  name: "Developer",
  monthlyFee: 0,
  included: { events: 0, aiCredits: 0 },
  limits: {},
  features: [],
};
