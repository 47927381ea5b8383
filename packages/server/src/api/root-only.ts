import { apiPatternMatches } from "../auth/permissions/api-pattern.ts";

/**
 * Operations only an operator's root user may call, whatever a user's permissions say: its plan,
 * payment, coupons, verified e-mail addresses and closing the account (accounts.md). Routes of
 * these operations take these names so they fall under this list. A user may not create a key of
 * the root user either: signing in with it would act as root and undo this list.
 */
export const rootOnlyApiNames: readonly string[] = [
  "Operator:updateOperatorPlan",
  "Operator:closeOperator",
  "Payment:*",
  "Coupon:*",
  "Email:*",
  "OutageClaim:*",
  "AuthKey:createOperatorAuthKey",
];

export function isRootOnly(apiName: string): boolean {
  return rootOnlyApiNames.some((pattern) => apiPatternMatches(pattern, apiName));
}
