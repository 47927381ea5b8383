import type { Kysely } from "kysely";
import { newId } from "../ids.ts";
import { billingDay, billingMonth, monthStart } from "../runtime/billing-month.ts";
import type { ProviderStore } from "../store/provider.ts";
import type { Database } from "../store/schema.ts";
import type { TestClocks } from "../store/test-clocks.ts";
import {
  addMonths,
  type BillingDay,
  type BillingMonth,
  dayNumber,
  dueDateOf,
  monthOfDay,
} from "./calendar.ts";
import { drawCoupons } from "./coupons.ts";
import { type BilledPlan, type InvoiceLine, invoiceFigures, type Metric } from "./invoice-figures.ts";
import { lateDays, lateInterest } from "./late-interest.ts";
import { type BillingDb, type BillingTables, billingDbOf } from "./tables.ts";

/** What an invoice is made of, from the features that know it (the root wires them). */
export interface InvoiceSources {
  /** Every plan in force at any moment of [from, to), oldest first. */
  plansInForce(operatorId: string, from: number, to: number): Promise<BilledPlan[]>;
  /** The operator's counters of a billing month. */
  usageOf(operatorId: string, month: BillingMonth): Promise<Record<Metric, number>>;
  /** Credits of claimed outages that go on this month's invoice, as positive amounts. */
  outageCreditsOf(
    operatorId: string,
    month: BillingMonth,
  ): Promise<Array<{ description: string; amount: number }>>;
  /** Works out again the credits landing on `month` before its invoice closes (billing/outage-credits.ts). */
  settleOutageCredits?(operatorId: string, month: BillingMonth): Promise<void>;
}

/** An invoice as billing.md shows it. */
export interface Invoice {
  month: BillingMonth;
  status: "open" | "closed";
  lines: InvoiceLine[];
  subtotal: number;
  tax: number;
  lateInterest: number;
  total: number;
  couponApplied: number;
  amountDue: number;
  paidAmount: number;
  dueDate: BillingDay;
}

export type PaymentRefusal =
  | { refused: "no_invoice"; message: string }
  | { refused: "bad_request"; message: string };

export interface RecordedPayment {
  paymentId: string;
  month: BillingMonth;
  amount: number;
  paidOn: BillingDay;
  lateDays: number;
  interestMonth: BillingMonth;
}

/** How many closed months an operator can read (service.md: the last 18). */
const readableMonths = 18;

type InvoiceRow = BillingTables["invoices"];

function invoiceOf(row: InvoiceRow): Invoice {
  return {
    month: row.month,
    status: "closed",
    lines: JSON.parse(row.lines) as InvoiceLine[],
    subtotal: Number(row.subtotal),
    tax: Number(row.tax),
    lateInterest: Number(row.lateInterest),
    total: Number(row.total),
    couponApplied: Number(row.couponApplied),
    amountDue: Number(row.amountDue),
    paidAmount: Number(row.paidAmount),
    dueDate: row.dueDate,
  };
}

/** Another instance closed the invoice first: this transaction changes nothing. */
class ClosedAlready extends Error {}

/**
 * Monthly invoices (billing.md "The monthly invoice"): the open one is computed when read; closing
 * writes it, draws coupons and never changes it again. Each close is one transaction guarded by the
 * invoice's primary key, so instances and restarts may try the same month at once.
 */
export class Invoices {
  private readonly db: BillingDb;

  constructor(
    db: Kysely<Database>,
    private readonly sources: InvoiceSources,
    private readonly provider: ProviderStore,
    private readonly clocks: TestClocks,
  ) {
    this.db = billingDbOf(db);
  }

  private async zone(): Promise<string> {
    return (await this.provider.settings()).billingTimeZone;
  }

  /** The operator's "now" (its test clock's, if bound) and its current billing month. */
  async currentMonth(operatorId: string): Promise<{ now: number; month: BillingMonth; today: BillingDay }> {
    const now = await this.clocks.nowFor(operatorId);
    const zone = await this.zone();
    return { now, month: billingMonth(now, zone), today: billingDay(now, zone) };
  }

  /** Lines and figures of a month as they stand (coupons are drawn only at close). */
  private async figures(operatorId: string, month: BillingMonth) {
    const zone = await this.zone();
    const from = monthStart(month, zone);
    const to = monthStart(addMonths(month, 1), zone);
    const plans = await this.sources.plansInForce(operatorId, from, to);
    const usage = await this.sources.usageOf(operatorId, month);
    const outageCredits = [
      ...(await this.carriedCredit(operatorId, month)),
      ...(await this.sources.outageCreditsOf(operatorId, month)),
    ];
    const payments = await this.db
      .selectFrom("payments")
      .select(["month", "amount", "paidOn", "dueDate"])
      .where("operatorId", "=", operatorId)
      .where("interestMonth", "=", month)
      .execute();
    const settings = await this.provider.settings();
    // One rounding per paid invoice for the payments of this month, summed into one line.
    const byInvoice = new Map<
      BillingMonth,
      Array<{ amount: number; paidOn: BillingDay; dueDate: BillingDay }>
    >();
    for (const payment of payments) {
      const group = byInvoice.get(payment.month) ?? [];
      group.push({ amount: Number(payment.amount), paidOn: payment.paidOn, dueDate: payment.dueDate });
      byInvoice.set(payment.month, group);
    }
    let interest = 0;
    for (const group of byInvoice.values()) interest += lateInterest(group);
    return invoiceFigures({
      month,
      plans,
      usage,
      outageCredits,
      lateInterest: interest,
      taxRatePercent: settings.taxRatePercent,
    });
  }

  /** The outage credit the month before left over, which this invoice takes (it may carry it on again). */
  private async carriedCredit(operatorId: string, month: BillingMonth) {
    const previous = addMonths(month, -1);
    const row = await this.db
      .selectFrom("invoices")
      .select("outageCreditCarried")
      .where("operatorId", "=", operatorId)
      .where("month", "=", previous)
      .executeTakeFirst();
    const amount = Number(row?.outageCreditCarried ?? 0);
    return amount > 0 ? [{ description: `outage credit carried from ${previous}`, amount }] : [];
  }

  private async closedRow(operatorId: string, month: BillingMonth) {
    return this.db
      .selectFrom("invoices")
      .selectAll()
      .where("operatorId", "=", operatorId)
      .where("month", "=", month)
      .executeTakeFirst();
  }

  /** A month's invoice: closed as written, or the open one as it stands; undefined outside the readable range. */
  async get(operatorId: string, month: BillingMonth): Promise<Invoice | undefined> {
    const row = await this.closedRow(operatorId, month);
    if (row) return invoiceOf(row);
    const current = await this.currentMonth(operatorId);
    if (month !== current.month) return undefined;
    const figures = await this.figures(operatorId, month);
    return {
      month,
      status: "open",
      lines: figures.lines,
      subtotal: figures.subtotal,
      tax: figures.tax,
      lateInterest: figures.lateInterest,
      total: figures.total,
      couponApplied: 0,
      amountDue: figures.total,
      paidAmount: 0,
      dueDate: dueDateOf(month),
    };
  }

  /** The open invoice, then the closed ones of the last 18 months, newest first. */
  async list(operatorId: string): Promise<Invoice[]> {
    const current = await this.currentMonth(operatorId);
    const rows = await this.db
      .selectFrom("invoices")
      .selectAll()
      .where("operatorId", "=", operatorId)
      .where("month", ">=", addMonths(current.month, -readableMonths))
      .orderBy("month", "desc")
      .execute();
    const open = await this.get(operatorId, current.month);
    return [...(open && open.status === "open" ? [open] : []), ...rows.map(invoiceOf)];
  }

  /** Closed invoices of every operator not paid in full, by operator then month. */
  async unpaidClosed(): Promise<Array<Invoice & { operatorId: string }>> {
    const rows = await this.db
      .selectFrom("invoices")
      .selectAll()
      .whereRef("paidAmount", "<", "amountDue")
      .orderBy("operatorId")
      .orderBy("month")
      .execute();
    return rows.map((row) => ({ operatorId: row.operatorId, ...invoiceOf(row) }));
  }

  /**
   * Closes one month: writes its figures, draws the operator's coupons (registered before the month
   * ended, soonest expiry first) and keeps it for good. False when it was closed already.
   */
  async close(operatorId: string, month: BillingMonth): Promise<boolean> {
    // A closed month's credits are final: only a month not closed yet works them out again.
    if (await this.closedRow(operatorId, month)) return false;
    await this.sources.settleOutageCredits?.(operatorId, month);
    const figures = await this.figures(operatorId, month);
    const closedAt = monthStart(addMonths(month, 1), await this.zone());
    try {
      await this.db.transaction().execute(async (trx) => {
        const coupons = await trx
          .selectFrom("coupons")
          .select(["couponCode", "balance", "expiryMonth", "registeredAt"])
          .where("operatorId", "=", operatorId)
          .where("balance", ">", 0)
          .execute();
        const payable = figures.subtotal + figures.tax;
        const { applied, draws } = drawCoupons(
          coupons.map((coupon) => ({
            couponCode: coupon.couponCode,
            balance: Number(coupon.balance),
            expiryMonth: coupon.expiryMonth,
            registeredAt: Number(coupon.registeredAt),
          })),
          payable,
          month,
          closedAt,
        );
        const inserted = await trx
          .insertInto("invoices")
          .values({
            operatorId,
            month,
            lines: JSON.stringify(figures.lines),
            subtotal: figures.subtotal,
            tax: figures.tax,
            lateInterest: figures.lateInterest,
            total: figures.total,
            couponApplied: applied,
            amountDue: figures.total - applied,
            paidAmount: 0,
            dueDate: dueDateOf(month),
            closedAt,
            outageCreditCarried: figures.outageCreditCarried,
          })
          .onConflict((conflict) => conflict.columns(["operatorId", "month"]).doNothing())
          .returning("month")
          .executeTakeFirst();
        if (!inserted) throw new ClosedAlready();
        for (const draw of draws) {
          // The balance read above cannot have fallen meanwhile unless another close drew it: then retry later.
          const drawn = await trx
            .updateTable("coupons")
            .set((update) => ({ balance: update("balance", "-", draw.amount) }))
            .where("couponCode", "=", draw.couponCode)
            .where("balance", ">=", draw.amount)
            .executeTakeFirst();
          if (drawn.numUpdatedRows === 0n)
            throw new Error(`coupon ${draw.couponCode} changed while closing ${month}`);
          await trx
            .insertInto("couponDraws")
            .values({ ...draw, operatorId, month })
            .execute();
        }
      });
      return true;
    } catch (error) {
      if (error instanceof ClosedAlready) return false;
      throw error;
    }
  }

  /** Closes every month of the operator that has ended and is not closed yet, oldest first. */
  async closeEnded(operatorId: string): Promise<BillingMonth[]> {
    const { month: current } = await this.currentMonth(operatorId);
    const operator = await this.db
      .selectFrom("operators")
      .select("createdAt")
      .where("operatorId", "=", operatorId)
      .executeTakeFirst();
    if (!operator) return [];
    const last = await this.db
      .selectFrom("invoices")
      .select((select) => select.fn.max("month").as("month"))
      .where("operatorId", "=", operatorId)
      .executeTakeFirst();
    const signUpMonth = billingMonth(Number(operator.createdAt), await this.zone());
    let month = last?.month ? addMonths(last.month, 1) : signUpMonth;
    const closed: BillingMonth[] = [];
    for (; month < current; month = addMonths(month, 1))
      if (await this.close(operatorId, month)) closed.push(month);
    return closed;
  }

  /** The sweep: every operator's ended months, also those missed while the service was down. */
  async closeAllEnded(): Promise<number> {
    const operators = await this.db.selectFrom("operators").select("operatorId").execute();
    let closed = 0;
    for (const { operatorId } of operators) closed += (await this.closeEnded(operatorId)).length;
    return closed;
  }

  /**
   * Records a payment of a closed invoice (billing.md "Payments and late interest"). Its late interest
   * goes on the invoice of the month it was paid in, or on the open one when that month is closed.
   */
  async recordPayment(
    operatorId: string,
    payment: { month: BillingMonth; amount: number; paidOn: BillingDay },
  ): Promise<RecordedPayment | PaymentRefusal> {
    const { month: current, today } = await this.currentMonth(operatorId);
    if (dayNumber(payment.paidOn) > dayNumber(today))
      return { refused: "bad_request", message: `paidOn ${payment.paidOn} is after today (${today})` };
    const paymentId = newId();
    return this.db.transaction().execute(async (trx): Promise<RecordedPayment | PaymentRefusal> => {
      const invoice = await trx
        .selectFrom("invoices")
        .select(["amountDue", "paidAmount", "dueDate"])
        .where("operatorId", "=", operatorId)
        .where("month", "=", payment.month)
        .executeTakeFirst();
      if (!invoice)
        return { refused: "no_invoice", message: `the invoice of ${payment.month} is not closed` };
      if (payment.paidOn < `${addMonths(payment.month, 1)}-01`)
        return {
          refused: "bad_request",
          message: `paidOn ${payment.paidOn} is before the invoice of ${payment.month} closed`,
        };
      const outstanding = Number(invoice.amountDue) - Number(invoice.paidAmount);
      if (payment.amount > outstanding)
        return {
          refused: "bad_request",
          message: `the payment of ${payment.amount} is more than the ${outstanding} still due on ${payment.month}`,
        };
      // Guarded by the amount, so two payments recorded at once cannot together pay more than is due.
      const updated = await trx
        .updateTable("invoices")
        .set((update) => ({ paidAmount: update("paidAmount", "+", payment.amount) }))
        .where("operatorId", "=", operatorId)
        .where("month", "=", payment.month)
        .where("paidAmount", "=", invoice.paidAmount)
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n)
        return {
          refused: "bad_request",
          message: "another payment of this invoice was recorded at the same time; try again",
        };
      const paidMonth = monthOfDay(payment.paidOn);
      const paidMonthClosed = await trx
        .selectFrom("invoices")
        .select("month")
        .where("operatorId", "=", operatorId)
        .where("month", "=", paidMonth)
        .executeTakeFirst();
      const interestMonth = paidMonthClosed ? current : paidMonth;
      await trx
        .insertInto("payments")
        .values({
          paymentId,
          operatorId,
          month: payment.month,
          amount: payment.amount,
          paidOn: payment.paidOn,
          dueDate: invoice.dueDate,
          interestMonth,
          recordedAt: Date.now(),
        })
        .execute();
      return {
        paymentId,
        month: payment.month,
        amount: payment.amount,
        paidOn: payment.paidOn,
        lateDays: lateDays(invoice.dueDate, payment.paidOn),
        interestMonth,
      };
    });
  }

  /** Acceleration [12.4]: every closed invoice not paid in full is due today. Answers the months it moved. */
  async accelerate(operatorId: string): Promise<{ acceleratedOn: BillingDay; months: BillingMonth[] }> {
    const { today } = await this.currentMonth(operatorId);
    const moved = await this.db
      .updateTable("invoices")
      .set({ dueDate: today })
      .where("operatorId", "=", operatorId)
      .where("dueDate", ">", today)
      .whereRef("paidAmount", "<", "amountDue")
      .returning("month")
      .execute();
    return { acceleratedOn: today, months: moved.map((row) => row.month).sort() };
  }
}
