import { type BillingDay, dayNumber } from "./calendar.ts";
import { floorDiv, requireAmount, toAmount } from "./money.ts";

/** 14.5 % a year on a 365-day year [ToS 12.3], as the fraction 145 / 365,000 per day. */
const rateNumerator = 145n;
const rateDenominator = 365_000n;

/**
 * The late days of a payment: from the day after the due date to the day before the payment, both
 * included [12.3]; none when it was paid on or before the day after the due date.
 */
export function lateDays(dueDate: BillingDay, paidOn: BillingDay): number {
  return Math.max(0, dayNumber(paidOn) - dayNumber(dueDate) - 1);
}

export interface LatePayment {
  amount: number;
  paidOn: BillingDay;
  /** The invoice's due date that counted when it was paid (see effectiveDueDate). */
  dueDate: BillingDay;
}

/**
 * The interest of one invoice's payments made in one billing month: ⌊Σ amount × days × 145 /
 * 365,000⌋, one rounding for them all (billing.md). On time payments add nothing.
 */
export function lateInterest(payments: readonly LatePayment[]): number {
  let weighted = 0n;
  for (const payment of payments) {
    requireAmount(payment.amount, "a payment");
    if (payment.amount < 0) throw new RangeError("a payment is never negative");
    weighted += BigInt(payment.amount) * BigInt(lateDays(payment.dueDate, payment.paidOn));
  }
  return toAmount(floorDiv(weighted * rateNumerator, rateDenominator));
}

/** The due date that counts: acceleration [12.4] makes an unpaid amount due on the day it is declared. */
export function effectiveDueDate(dueDate: BillingDay, acceleratedOn?: BillingDay): BillingDay {
  return acceleratedOn !== undefined && dayNumber(acceleratedOn) < dayNumber(dueDate)
    ? acceleratedOn
    : dueDate;
}
