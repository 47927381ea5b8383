import type { PlanTerms } from "../runtime/ports/plan-terms.ts";
import type { BillingMonth } from "./calendar.ts";
import { ceilDiv, floorDiv, requireAmount, toAmount } from "./money.ts";

type OverageBlock = NonNullable<PlanTerms["overage"]>["events"];

/** A plan as the invoice needs it. */
export type BilledPlan = Pick<PlanTerms, "planId" | "name" | "monthlyFee" | "included" | "overage">;

export type Metric = "events" | "aiCredits";

export interface InvoiceLine {
  kind: "plan" | "overage" | "outage_credit" | "late_interest";
  description: string;
  amount: number;
}

export interface InvoiceInput {
  month: BillingMonth;
  /** Every plan in force at any moment of the month, oldest first; at least one. */
  plans: readonly BilledPlan[];
  usage: Readonly<Record<Metric, number>>;
  /** Credits of claimed outages that go on this invoice, as positive amounts. */
  outageCredits: ReadonlyArray<{ description: string; amount: number }>;
  /** Interest on payments made late in this month (late-interest.ts); not taxed. */
  lateInterest: number;
  taxRatePercent: number;
}

export interface InvoiceFigures {
  lines: InvoiceLine[];
  /** The taxable lines: plan, overage and outage credits. */
  subtotal: number;
  tax: number;
  lateInterest: number;
  total: number;
  /** Outage credit that did not fit under this invoice's fee and usage, for the next open invoice. */
  outageCreditCarried: number;
}

const metricNames: Record<Metric, string> = { events: "events", aiCredits: "AI credits" };

/**
 * The plan billed for a month: the highest monthly fee in force at any moment of it (no pro-rata);
 * of equal fees, the one in force last.
 */
export function billedPlan(plans: readonly BilledPlan[]): BilledPlan {
  let billed = plans[0];
  if (!billed) throw new RangeError("a month is billed with at least one plan in force");
  for (const plan of plans.slice(1)) if (plan.monthlyFee >= billed.monthlyFee) billed = plan;
  return billed;
}

/** `ceil((used − included) / blockSize) × pricePerBlock` when used exceeds what the plan includes. */
export function overageAmount(used: number, included: number, block: OverageBlock | undefined): number {
  if (!block || used <= included) return 0;
  const blocks = ceilDiv(BigInt(used - included), BigInt(block.blockSize));
  return toAmount(blocks * BigInt(block.pricePerBlock));
}

function format(amount: number): string {
  return amount.toLocaleString("en-US");
}

function overageLines(plan: BilledPlan, usage: Readonly<Record<Metric, number>>): InvoiceLine[] {
  return (["events", "aiCredits"] as const).flatMap((metric) => {
    const block = plan.overage?.[metric];
    const amount = overageAmount(usage[metric], plan.included[metric], block);
    if (!block || amount === 0) return [];
    const blocks = amount / block.pricePerBlock;
    return [
      {
        kind: "overage" as const,
        description: `${format(usage[metric])} ${metricNames[metric]}, ${format(plan.included[metric])} included: ${format(blocks)} × ${format(block.blockSize)} at ${format(block.pricePerBlock)}`,
        amount,
      },
    ];
  });
}

/**
 * An invoice's lines and figures (billing.md "The monthly invoice"): subtotal = plan + overage −
 * outage credits, tax = ⌊subtotal × rate / 100⌋, total = subtotal + tax + late interest. Credits take
 * the subtotal down to zero at most; what is left of them is carried to the next open invoice.
 */
export function invoiceFigures(input: InvoiceInput): InvoiceFigures {
  requireAmount(input.lateInterest, "late interest");
  if (input.lateInterest < 0) throw new RangeError("late interest is never negative");
  const plan = billedPlan(input.plans);
  const lines: InvoiceLine[] = [
    { kind: "plan", description: `${plan.name} plan, ${input.month}`, amount: plan.monthlyFee },
    ...overageLines(plan, input.usage),
  ];
  let creditable = lines.reduce((sum, line) => sum + line.amount, 0);
  let carried = 0;
  for (const credit of input.outageCredits) {
    requireAmount(credit.amount, "an outage credit");
    const applied = Math.min(credit.amount, creditable);
    carried += credit.amount - applied;
    creditable -= applied;
    if (applied > 0) lines.push({ kind: "outage_credit", description: credit.description, amount: -applied });
  }
  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
  const tax = toAmount(floorDiv(BigInt(subtotal) * BigInt(input.taxRatePercent), 100n));
  if (input.lateInterest > 0)
    lines.push({
      kind: "late_interest",
      description: "late payment interest (14.5% a year)",
      amount: input.lateInterest,
    });
  return {
    lines,
    subtotal,
    tax,
    lateInterest: input.lateInterest,
    total: subtotal + tax + input.lateInterest,
    outageCreditCarried: carried,
  };
}
