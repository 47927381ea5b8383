import type { Kysely } from "kysely";
import type { Database } from "../store/schema.ts";

/** The tables of billing/migrations.ts, as Kysely sees them (camelCase). Amounts are minor units. */
export type BillingTables = {
  coupons: {
    couponCode: string;
    amount: number;
    balance: number;
    expiryMonth: string;
    operatorId: string | null;
    registeredAt: number | null;
    createdAt: number;
  };
  invoices: {
    operatorId: string;
    month: string;
    /** The lines as JSON text. */
    lines: string;
    subtotal: number;
    tax: number;
    lateInterest: number;
    total: number;
    couponApplied: number;
    amountDue: number;
    paidAmount: number;
    dueDate: string;
    closedAt: number;
    /** Outage credit beyond this invoice's taxable lines: the next invoice takes it. */
    outageCreditCarried: number;
  };
  couponDraws: { couponCode: string; operatorId: string; month: string; amount: number };
  payments: {
    paymentId: string;
    operatorId: string;
    /** The month of the invoice paid. */
    month: string;
    amount: number;
    paidOn: string;
    /** The invoice's due date when the payment was recorded (acceleration may have moved it). */
    dueDate: string;
    /** The month whose invoice carries this payment's late interest. */
    interestMonth: string;
    recordedAt: number;
  };
  /** The card processor's reference of the card an operator pays by. */
  paymentMethods: { operatorId: string; paymentMethodId: string; updatedAt: number };
};

export type BillingDb = Kysely<Database & BillingTables>;

export function billingDbOf(db: Kysely<Database>): BillingDb {
  return db.withTables<BillingTables>();
}
