import type { OperatorStatus } from "../service/service-api.ts";

export const operatorStatuses: { value: OperatorStatus; label: string }[] = [
  { value: "active", label: "Active" },
  { value: "pending", label: "Pending review" },
  { value: "suspended", label: "Suspended" },
  { value: "refused", label: "Refused" },
];

/** Why an application may be refused: article 3.2 (1)–(8), in the API's codes and in words. */
export const refusalReasons = [
  { value: "payment_risk", label: "(1) Payment obligations may not be met" },
  { value: "harms_credit", label: "(2) Would harm the provider's credit" },
  { value: "infringes_rights", label: "(3) Would infringe the rights of others" },
  { value: "breach_of_trust", label: "(4) Breach of trust" },
  { value: "usage_restriction", label: "(5) Falls under a usage restriction" },
  { value: "terminated_before", label: "(6) A contract was terminated before" },
  { value: "false_information", label: "(7) False information in the application" },
  { value: "unusable_card", label: "(8) The payment card cannot be used" },
];
