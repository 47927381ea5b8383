import { floorDiv, requireAmount, toAmount } from "./money.ts";

const msPerDay = 86_400_000;

/** Whole days of an outage: ⌊hours / 24⌋ of its exact length (71 h → 2; under 24 h → 0) [15.2.2]. */
export function outageDays(startedAt: number, endedAt: number): number {
  if (endedAt < startedAt) throw new RangeError("an outage ends after it starts");
  return Math.floor((endedAt - startedAt) / msPerDay);
}

/**
 * The credit of a claim: ⌊monthlyFee × days / daysInMonth⌋ of the month the outage started, capped
 * so that the month's credits together never exceed its fee (the liability cap, 15.2.3).
 */
export function outageCredit(input: {
  monthlyFee: number;
  days: number;
  daysInMonth: number;
  /** Credits of earlier claims on outages of the same month. */
  creditedBefore: number;
}): number {
  const { monthlyFee, days, daysInMonth, creditedBefore } = input;
  requireAmount(monthlyFee, "the monthly fee");
  requireAmount(creditedBefore, "earlier credits");
  const credit = toAmount(floorDiv(BigInt(monthlyFee) * BigInt(days), BigInt(daysInMonth)));
  return Math.max(0, Math.min(credit, monthlyFee - creditedBefore));
}
