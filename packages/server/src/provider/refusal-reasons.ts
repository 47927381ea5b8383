/** Why the provider may decline an application: article 3.2 (1)–(8) of the terms of service. */
export const refusalReasons = [
  "payment_risk",
  "harms_credit",
  "infringes_rights",
  "breach_of_trust",
  "usage_restriction",
  "terminated_before",
  "false_information",
  "unusable_card",
] as const;

export type RefusalReason = (typeof refusalReasons)[number];

/** Each reason as the applicant reads it, after "was not accepted because". */
export const refusalTexts: Record<RefusalReason, string> = {
  payment_risk: "there is a risk that the charges of the service would not be paid",
  harms_credit: "providing the service could harm the credit or interests of the provider or other customers",
  infringes_rights: "providing the service could infringe intellectual property or other rights",
  breach_of_trust: "of conduct that seriously damaged the relationship of trust with the provider",
  usage_restriction: "a ground for restricting use of the service applies",
  terminated_before: "the provider terminated a contract with the applicant before",
  false_information: "false information was given",
  unusable_card: "the credit card given cannot be used for payment",
};
