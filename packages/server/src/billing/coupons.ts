import type { BillingMonth } from "./calendar.ts";
import { requireAmount } from "./money.ts";

export interface CouponBalance {
  couponCode: string;
  balance: number;
  /** The coupon can pay invoices of months up to and including this one [17.2]. */
  expiryMonth: BillingMonth;
  /** When the operator registered it (Unix ms). */
  registeredAt: number;
}

export interface CouponDraw {
  couponCode: string;
  amount: number;
}

/**
 * What coupons pay of an invoice when it closes (billing.md "Coupons"): coupons registered before
 * `closedAt` whose expiry month is not before the invoice's month, soonest expiry first, then the
 * earliest registered, each drawn down to zero before the next. Only `payable` (subtotal + tax) is
 * paid this way, never interest; balances only go down.
 */
export function drawCoupons(
  coupons: readonly CouponBalance[],
  payable: number,
  month: BillingMonth,
  closedAt: number,
): { applied: number; draws: CouponDraw[] } {
  requireAmount(payable, "the payable amount");
  const usable = coupons
    .filter((coupon) => coupon.balance > 0 && coupon.registeredAt < closedAt && coupon.expiryMonth >= month)
    .sort(
      (a, b) =>
        a.expiryMonth.localeCompare(b.expiryMonth) ||
        a.registeredAt - b.registeredAt ||
        a.couponCode.localeCompare(b.couponCode),
    );
  const draws: CouponDraw[] = [];
  let left = Math.max(0, payable);
  for (const coupon of usable) {
    if (left === 0) break;
    const amount = Math.min(coupon.balance, left);
    draws.push({ couponCode: coupon.couponCode, amount });
    left -= amount;
  }
  return { applied: Math.max(0, payable) - left, draws };
}
