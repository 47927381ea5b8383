import type { Kysely } from "kysely";
import type { ProviderStore } from "../store/provider.ts";
import type { Database } from "../store/schema.ts";
import type { Invoices, PaymentRefusal, RecordedPayment } from "./invoices.ts";
import type { PaymentProcessor } from "./payment-processor.ts";
import { type BillingDb, billingDbOf } from "./tables.ts";

export type CardPaymentOutcome =
  | { paid: RecordedPayment; chargeId: string }
  | { declined: string }
  | { refused: PaymentRefusal["refused"] | "nothing_due" | "no_payment_method" | "off"; message: string };

/**
 * Card payments (issue 14 item 4): operators keep the processor's reference of a card, and pay a
 * closed invoice's outstanding amount with it. A successful charge is recorded by the same code as
 * the provider's payments route (`Invoices.recordPayment`), paid on the operator's today.
 */
export class CardPayments {
  private readonly db: BillingDb;

  constructor(
    db: Kysely<Database>,
    private readonly invoices: Invoices,
    private readonly provider: ProviderStore,
    /** Undefined when no processor is configured: card payments are off. */
    private readonly processor: PaymentProcessor | undefined,
  ) {
    this.db = billingDbOf(db);
  }

  async paymentMethodOf(operatorId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom("paymentMethods")
      .select("paymentMethodId")
      .where("operatorId", "=", operatorId)
      .executeTakeFirst();
    return row?.paymentMethodId;
  }

  async setPaymentMethod(operatorId: string, paymentMethodId: string, now: number): Promise<void> {
    await this.db
      .insertInto("paymentMethods")
      .values({ operatorId, paymentMethodId, updatedAt: now })
      .onConflict((conflict) =>
        conflict.column("operatorId").doUpdateSet({ paymentMethodId, updatedAt: now }),
      )
      .execute();
  }

  /** True when there was one to forget. */
  async removePaymentMethod(operatorId: string): Promise<boolean> {
    const deleted = await this.db
      .deleteFrom("paymentMethods")
      .where("operatorId", "=", operatorId)
      .executeTakeFirst();
    return deleted.numDeletedRows > 0n;
  }

  /**
   * Charges what is still due on a closed invoice. The idempotency key names the operator, month,
   * amount outstanding and card, so a retry after a lost answer gets the first charge back rather
   * than a second one (another card is another charge: a declined card's answer does not stick to
   * it), and once recorded the invoice has nothing due to charge again.
   */
  async payInvoice(operatorId: string, month: string): Promise<CardPaymentOutcome> {
    if (!this.processor)
      return { refused: "off", message: "card payments are not configured on this service" };
    const invoice = await this.invoices.get(operatorId, month);
    if (invoice?.status !== "closed")
      return { refused: "no_invoice", message: `the invoice of ${month} is not closed` };
    const outstanding = invoice.amountDue - invoice.paidAmount;
    if (outstanding <= 0)
      return { refused: "nothing_due", message: `nothing is due on the invoice of ${month}` };
    const paymentMethodId = await this.paymentMethodOf(operatorId);
    if (!paymentMethodId)
      return { refused: "no_payment_method", message: "no card on file: PUT /v1/payment_methods first" };
    const { currency } = await this.provider.settings();
    const charge = await this.processor.charge({
      operatorId,
      month,
      amount: outstanding,
      currency,
      paymentMethodId,
      idempotencyKey: `conflux-${operatorId}-${month}-${outstanding}-${paymentMethodId}`,
    });
    if (charge.status === "declined") return { declined: charge.reason };
    const { today } = await this.invoices.currentMonth(operatorId);
    const recorded = await this.invoices.recordPayment(operatorId, {
      month,
      amount: outstanding,
      paidOn: today,
    });
    if ("refused" in recorded) return recorded;
    return { paid: recorded, chargeId: charge.chargeId };
  }
}
