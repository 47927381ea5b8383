import type { Plan, PlanLimits } from "../service/service-api.ts";
import type { PlanBody } from "./provider-api.ts";

/** The limits the plans editor offers, with their labels. */
export const limitFields: { key: keyof PlanLimits; label: string }[] = [
  { key: "apps", label: "Apps" },
  { key: "actionsPerApp", label: "Actions per app" },
  { key: "eventsPerMonth", label: "Events a month (cap)" },
  { key: "historyRetentionDays", label: "History retention (days)" },
  { key: "dataRetentionDays", label: "Data retention (days)" },
  { key: "emailsPerMonth", label: "E-mails a month" },
  { key: "ingestBytesPerSecondPerDevice", label: "Ingest bytes/s per device" },
  { key: "ingestBytesPerSecondPerOperator", label: "Ingest bytes/s per operator" },
];

export type OverageMetric = "events" | "aiCredits";

/** The plans editor's form as typed: every number a string until it is checked. */
export interface PlanDraft {
  planId: string;
  name: string;
  monthlyFee: string;
  included: Record<OverageMetric, string>;
  overage: Record<OverageMetric, { blockSize: string; pricePerBlock: string }>;
  limits: Partial<Record<keyof PlanLimits, string>>;
  /** Feature names separated by commas or spaces, e.g. `timer.cron`. */
  features: string;
}

const text = (value: number | undefined) => (value === undefined ? "" : String(value));

export function draftOfPlan(plan?: Plan): PlanDraft {
  const block = (metric: OverageMetric) => ({
    blockSize: text(plan?.overage?.[metric]?.blockSize),
    pricePerBlock: text(plan?.overage?.[metric]?.pricePerBlock),
  });
  return {
    planId: plan?.planId ?? "",
    name: plan?.name ?? "",
    monthlyFee: text(plan?.monthlyFee),
    included: { events: text(plan?.included.events), aiCredits: text(plan?.included.aiCredits) },
    overage: { events: block("events"), aiCredits: block("aiCredits") },
    limits: Object.fromEntries(limitFields.map(({ key }) => [key, text(plan?.limits[key])])),
    features: plan?.features.join(", ") ?? "",
  };
}

/** Problems by field path (`monthlyFee`, `overage.events.blockSize`, `limits.apps`). */
export type DraftProblems = Record<string, string>;

const wholeNumber = /^\d+$/;

/**
 * The plan to `PUT`, or what is wrong with the draft. Money and counts are whole numbers (minor units of
 * the currency); an overage needs both its block size (at least 1) and its price, or neither; an empty
 * limit limits nothing.
 */
export function planOfDraft(
  draft: PlanDraft,
): { planId: string; body: PlanBody } | { problems: DraftProblems } {
  const problems: DraftProblems = {};
  const count = (path: string, value: string, min = 0): number | undefined => {
    const trimmed = value.trim();
    if (!wholeNumber.test(trimmed) || Number(trimmed) < min) {
      problems[path] = min > 0 ? `A whole number, ${min} or more.` : "A whole number, 0 or more.";
      return undefined;
    }
    return Number(trimmed);
  };
  const planId = draft.planId.trim();
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(planId)) problems.planId = "Letters, digits, _ . and -; up to 64.";
  const name = draft.name.trim();
  if (!name) problems.name = "A name operators will see.";
  const monthlyFee = count("monthlyFee", draft.monthlyFee);
  const events = count("included.events", draft.included.events);
  const aiCredits = count("included.aiCredits", draft.included.aiCredits);

  const overage: NonNullable<PlanBody["overage"]> = {};
  for (const metric of ["events", "aiCredits"] as const) {
    const { blockSize, pricePerBlock } = draft.overage[metric];
    if (!blockSize.trim() && !pricePerBlock.trim()) continue;
    const size = count(`overage.${metric}.blockSize`, blockSize, 1);
    const price = count(`overage.${metric}.pricePerBlock`, pricePerBlock);
    if (size !== undefined && price !== undefined)
      overage[metric] = { blockSize: size, pricePerBlock: price };
  }
  const limits: PlanLimits = {};
  for (const { key } of limitFields) {
    const value = draft.limits[key]?.trim() ?? "";
    if (!value) continue;
    const limit = count(`limits.${key}`, value);
    if (limit !== undefined) limits[key] = limit;
  }
  const features = [...new Set(draft.features.split(/[\s,]+/).filter(Boolean))];

  if (
    Object.keys(problems).length ||
    monthlyFee === undefined ||
    events === undefined ||
    aiCredits === undefined
  )
    return { problems };
  return {
    planId,
    body: {
      name,
      monthlyFee,
      included: { events, aiCredits },
      ...(Object.keys(overage).length ? { overage } : {}),
      limits,
      features,
    },
  };
}
