import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { listSchema, wholeList } from "../api/list-envelope.ts";
import { type BillingDay, dayNumber } from "./calendar.ts";
import type { Invoices } from "./invoices.ts";

export interface OverdueDeps {
  invoices: Invoices;
}

/** A closed invoice past its due date with something still to pay. */
export interface OverdueInvoice {
  operatorId: string;
  month: string;
  amountDue: number;
  paidAmount: number;
  outstanding: number;
  dueDate: BillingDay;
  daysOverdue: number;
}

/** The invoice as the overdue list shows it on the operator's `today`, or undefined when it is not overdue. */
export function overdueOn(
  invoice: { operatorId: string; month: string; amountDue: number; paidAmount: number; dueDate: BillingDay },
  today: BillingDay,
): OverdueInvoice | undefined {
  const outstanding = invoice.amountDue - invoice.paidAmount;
  const daysOverdue = dayNumber(today) - dayNumber(invoice.dueDate);
  if (outstanding <= 0 || daysOverdue <= 0) return undefined;
  const { operatorId, month, amountDue, paidAmount, dueDate } = invoice;
  return { operatorId, month, amountDue, paidAmount, outstanding, dueDate, daysOverdue };
}

/** The provider's list of unpaid invoices past their due date, each read on its operator's own today. */
export async function overdueRoutes(api: FastifyInstance, { invoices }: OverdueDeps) {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  routes.get(
    "/v1/provider/overdue",
    {
      schema: {
        summary: "Closed invoices past their due date and not paid in full, on each operator's today",
        tags: ["Provider"],
        operationId: "listProviderOverdueInvoices",
        response: {
          200: listSchema(
            z.object({
              operatorId: z.string(),
              month: z.string(),
              amountDue: z.number(),
              paidAmount: z.number(),
              outstanding: z.number(),
              dueDate: z.string(),
              daysOverdue: z.number(),
            }),
          ),
        },
      },
    },
    async () => {
      const todayOf = new Map<string, BillingDay>();
      const overdue: OverdueInvoice[] = [];
      for (const invoice of await invoices.unpaidClosed()) {
        let today = todayOf.get(invoice.operatorId);
        if (!today) {
          today = (await invoices.currentMonth(invoice.operatorId)).today;
          todayOf.set(invoice.operatorId, today);
        }
        const late = overdueOn(invoice, today);
        if (late) overdue.push(late);
      }
      return wholeList(overdue);
    },
  );
}
