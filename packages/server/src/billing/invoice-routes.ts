import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { operatorOf } from "../api/authenticate.ts";
import { UserError } from "../errors.ts";
import type { ProviderStore } from "../store/provider.ts";
import { invoiceCsv } from "./invoice-csv.ts";
import type { Invoices } from "./invoices.ts";

export interface InvoiceDeps {
  invoices: Invoices;
  provider: ProviderStore;
}

export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month as YYYY-MM");

async function invoiceOrNotFound(invoices: Invoices, operatorId: string, month: string) {
  const invoice = await invoices.get(operatorId, month);
  if (!invoice)
    throw new UserError(
      "not_found",
      `no invoice of ${month}: only the current month and closed months have one`,
    );
  return invoice;
}

/** An operator's invoices (billing.md "Reading"). */
export async function invoiceRoutes(api: FastifyInstance, { invoices, provider }: InvoiceDeps) {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  routes.get(
    "/v1/invoices",
    {
      schema: {
        summary: "This month's open invoice so far, then the closed ones of the last 18 months",
        tags: ["Billing"],
        operationId: "listInvoices",
      },
    },
    async (request) => invoices.list(operatorOf(request).operatorId),
  );
  routes.get(
    "/v1/invoices/:month",
    {
      schema: {
        summary: "One month's invoice",
        tags: ["Billing"],
        operationId: "getInvoice",
        params: z.object({ month: monthSchema }),
      },
    },
    async (request) => invoiceOrNotFound(invoices, operatorOf(request).operatorId, request.params.month),
  );
  routes.get(
    "/v1/invoices/:month/export",
    {
      schema: {
        summary: "One month's invoice as a file (CSV)",
        tags: ["Billing"],
        operationId: "exportInvoice",
        params: z.object({ month: monthSchema }),
        querystring: z.object({ format: z.literal("csv").default("csv") }),
      },
    },
    async (request, reply) => {
      const { month } = request.params;
      const invoice = await invoiceOrNotFound(invoices, operatorOf(request).operatorId, month);
      const { currency } = await provider.settings();
      return reply
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="invoice-${month}.csv"`)
        .send(invoiceCsv(invoice, currency));
    },
  );
}
